//! `sourceModel` -> [`SourceModel`].

use super::value::{
    BOOLEAN, Conv, DIP, FLOAT, FLOATS, ID, INTERDEPENDENCE, LATITUDE, LON_LAT, LONGITUDE,
    MAG_SCALE_REL, NON_NEGATIVE, NON_NEGATIVES, POINTS, POINTS_3D, POSITIVE, POSITIVE_INT,
    POSITIVE_INTS, PROBABILITY, RAKE, SLIP, STRIKE,
};
use super::xml::Elem;
use crate::NrmlVersion;
use crate::error::NodeResult;
use crate::mfd::{
    Arbitrary, Incremental, MFD_TAGS, MULTI_MFD_PARAMS, Mfd, MfdKind, MultiMfd, TaperedGr,
    TruncatedGr, YoungsCoppersmith, YoungsCoppersmithRate,
};
use crate::source::{
    AreaSource, AspectRatio, CharacteristicFaultSource, ComplexFaultGeometry, ComplexFaultSource,
    HypoDepth, HypoDepthDist, HypoList, HypoPosition, Interdependence, MultiPointSource,
    NodalPlane, NodalPlaneDist, PlanarSurface, Point3, PointParameters, PointSource,
    SimpleFaultGeometry, SimpleFaultSource, Slip, SlipList, Source, SourceGroup, SourceKind,
    SourceModel, Surface, Tom,
};

pub(crate) fn source_model(elem: Elem, version: NrmlVersion) -> NodeResult<SourceModel> {
    let groups = match version {
        NrmlVersion::V0_5 => elem
            .children()
            .map(|child| {
                if child.tag() == "sourceGroup" {
                    source_group(child)
                } else {
                    Err(child.error(
                        "NRML 0.5 expects sourceGroup elements in a sourceModel \
                         (sources directly in it are NRML 0.4)",
                    ))
                }
            })
            .collect::<NodeResult<_>>()?,
        NrmlVersion::V0_4 => groups_by_region(elem)?,
    };
    Ok(SourceModel {
        name: elem.attr("name").map(str::to_owned),
        investigation_time: elem.opt_attr_as("investigation_time", POSITIVE)?,
        groups,
    })
}

/// NRML 0.4 lists sources without groups: one group per tectonic region, in order of appearance.
fn groups_by_region(elem: Elem) -> NodeResult<Vec<SourceGroup>> {
    let mut groups: Vec<SourceGroup> = Vec::new();
    for child in elem.children() {
        let trt = child.required_attr("tectonicRegion")?;
        let source = source(child)?;
        match groups.iter_mut().find(|g| g.tectonic_region == trt) {
            Some(group) => group.sources.push(source),
            None => groups.push(SourceGroup {
                name: None,
                tectonic_region: trt.to_owned(),
                src_interdep: Interdependence::Independent,
                rup_interdep: Interdependence::Independent,
                srcs_weights: None,
                grp_probability: None,
                cluster: false,
                tom: Tom::Poisson,
                sources: vec![source],
                origin: elem.origin("sourceModel"),
            }),
        }
    }
    Ok(groups)
}

fn source_group(elem: Elem) -> NodeResult<SourceGroup> {
    let interdep = |name| {
        elem.opt_attr_as(name, INTERDEPENDENCE)
            .map(|i| i.unwrap_or(Interdependence::Independent))
    };
    Ok(SourceGroup {
        name: elem.attr("name").map(str::to_owned),
        tectonic_region: elem.required_attr("tectonicRegion")?.to_owned(),
        src_interdep: interdep("src_interdep")?,
        rup_interdep: interdep("rup_interdep")?,
        srcs_weights: elem.opt_attr_as("srcs_weights", NON_NEGATIVES)?,
        grp_probability: elem.opt_attr_as("grp_probability", PROBABILITY)?,
        cluster: elem.opt_attr_as("cluster", BOOLEAN)?.unwrap_or(false),
        tom: temporal_occurrence_model(elem)?,
        sources: elem.children().map(source).collect::<NodeResult<_>>()?,
        origin: elem.origin("sourceGroup"),
    })
}

fn source(elem: Elem) -> NodeResult<Source> {
    let (tag, kind): (&'static str, _) = match elem.tag() {
        "pointSource" => ("pointSource", SourceKind::Point(point_source(elem)?)),
        "areaSource" => ("areaSource", SourceKind::Area(area_source(elem)?)),
        "multiPointSource" => (
            "multiPointSource",
            SourceKind::MultiPoint(multi_point_source(elem)?),
        ),
        "simpleFaultSource" => (
            "simpleFaultSource",
            SourceKind::SimpleFault(simple_fault_source(elem)?),
        ),
        "complexFaultSource" => (
            "complexFaultSource",
            SourceKind::ComplexFault(complex_fault_source(elem)?),
        ),
        "characteristicFaultSource" => (
            "characteristicFaultSource",
            SourceKind::CharacteristicFault(characteristic_fault_source(elem)?),
        ),
        "kiteFaultSource" => ("kiteFaultSource", SourceKind::NotRead),
        "nonParametricSeismicSource" => ("nonParametricSeismicSource", SourceKind::NotRead),
        "multiFaultSource" => ("multiFaultSource", SourceKind::NotRead),
        other => return Err(elem.error(format!("{other} is not a known kind of source"))),
    };
    let read = read_children(&kind);
    let unread = elem
        .children()
        .map(|child| child.tag())
        .filter(|tag| !read.contains(tag) && !MFD_TAGS.contains(tag))
        .map(str::to_owned)
        .collect();
    Ok(Source {
        id: elem.attr_as("id", ID)?,
        name: elem.required_attr("name")?.to_owned(),
        tectonic_region: elem.attr("tectonicRegion").map(str::to_owned),
        kind,
        tom: temporal_occurrence_model(elem)?,
        unread,
        origin: elem.origin(tag),
    })
}

/// The temporal occurrence model a source or group names, as OpenQuake's converter reads
/// it.
fn temporal_occurrence_model(elem: Elem) -> NodeResult<Tom> {
    if elem.attr("occurrence_rate").is_some() {
        return Ok(Tom::Other("ClusterPoissonTOM".to_owned()));
    }
    Ok(match elem.attr("tom").map(str::trim) {
        None | Some("PoissonTOM") => Tom::Poisson,
        Some("NegativeBinomialTOM") => Tom::NegativeBinomial {
            mu: elem.attr_as("mu", POSITIVE)?,
            alpha: elem.attr_as("alpha", POSITIVE)?,
        },
        Some(other) => Tom::Other(other.to_owned()),
    })
}

/// The child elements of a kind of source that this reader interprets, besides its MFD
/// (none for the kinds whose content is not read).
fn read_children(kind: &SourceKind) -> &'static [&'static str] {
    match kind {
        SourceKind::Point(_) => &[
            "pointGeometry",
            "magScaleRel",
            "ruptAspectRatio",
            "aspectRatioFunction",
            "nodalPlaneDist",
            "hypoDepthDist",
        ],
        SourceKind::Area(_) => &[
            "areaGeometry",
            "magScaleRel",
            "ruptAspectRatio",
            "aspectRatioFunction",
            "nodalPlaneDist",
            "hypoDepthDist",
        ],
        SourceKind::MultiPoint(_) => &[
            "multiPointGeometry",
            "magScaleRel",
            "ruptAspectRatio",
            "aspectRatioFunction",
            "nodalPlaneDist",
            "hypoDepthDist",
        ],
        SourceKind::SimpleFault(_) => &[
            "simpleFaultGeometry",
            "magScaleRel",
            "ruptAspectRatio",
            "aspectRatioFunction",
            "rake",
            "hypoDepthDist",
            "hypoList",
            "slipList",
        ],
        SourceKind::ComplexFault(_) => &[
            "complexFaultGeometry",
            "magScaleRel",
            "ruptAspectRatio",
            "aspectRatioFunction",
            "rake",
        ],
        SourceKind::CharacteristicFault(_) => &["rake", "surface"],
        SourceKind::NotRead => &[],
    }
}

fn point_source(elem: Elem) -> NodeResult<PointSource> {
    let geometry = elem.required_child("pointGeometry")?;
    Ok(PointSource {
        location: geometry.descend(&["Point", "pos"])?.text_as(LON_LAT)?,
        params: point_parameters(elem, geometry, "pointGeometry")?,
    })
}

fn area_source(elem: Elem) -> NodeResult<AreaSource> {
    let geometry = elem.required_child("areaGeometry")?;
    let pos_list = geometry.descend(&["Polygon", "exterior", "LinearRing", "posList"])?;
    Ok(AreaSource {
        polygon: pos_list.text_as(POINTS)?,
        discretization: geometry.opt_attr_as("discretization", POSITIVE)?,
        params: point_parameters(elem, geometry, "areaGeometry")?,
    })
}

fn multi_point_source(elem: Elem) -> NodeResult<MultiPointSource> {
    let geometry = elem.required_child("multiPointGeometry")?;
    Ok(MultiPointSource {
        points: geometry.child_as("posList", POINTS)?,
        params: point_parameters(elem, geometry, "multiPointGeometry")?,
    })
}

fn point_parameters(
    source: Elem,
    geometry: Elem,
    geometry_tag: &'static str,
) -> NodeResult<PointParameters> {
    Ok(PointParameters {
        geometry: geometry.origin(geometry_tag),
        upper_seismogenic_depth: geometry.child_as("upperSeismoDepth", FLOAT)?,
        lower_seismogenic_depth: geometry.child_as("lowerSeismoDepth", FLOAT)?,
        mag_scale_rel: source.child_as("magScaleRel", MAG_SCALE_REL)?,
        rupt_aspect_ratio: aspect_ratio(source)?,
        mfd: mfd(source)?,
        nodal_plane_dist: nodal_plane_dist(source)?,
        hypo_depth_dist: hypo_depth_dist(source.required_child("hypoDepthDist")?)?,
    })
}

fn aspect_ratio(source: Elem) -> NodeResult<AspectRatio> {
    match (
        source.child("ruptAspectRatio"),
        source.child("aspectRatioFunction"),
    ) {
        (Some(_), Some(_)) => {
            Err(source
                .error("ruptAspectRatio and aspectRatioFunction are given: expected one of them"))
        }
        (None, Some(function)) => Ok(aspect_ratio_function(function)),
        (Some(ratio), None) => Ok(AspectRatio::Constant(ratio.text_as(POSITIVE)?)),
        (None, None) => Err(source.error("missing element ruptAspectRatio")),
    }
}

/// `aspectRatioFunction`: `linear_piecewise` with two `mag_point`s by increasing positive
/// magnitude, as OpenQuake reads it; anything else is kept as malformed (OpenQuake's
/// validation does not read it).
fn aspect_ratio_function(function: Elem) -> AspectRatio {
    let malformed = AspectRatio::Malformed {
        line: function.line(),
    };
    let kind = function.child("type").map(|t| t.text());
    let points = function.child("mag_points").map(|points| {
        points
            .children_named("mag_point")
            .map(|p| Ok((p.attr_as("mag", POSITIVE)?, p.attr_as("aratio", POSITIVE)?)))
            .collect::<NodeResult<Vec<(f64, f64)>>>()
    });
    match (kind.as_deref().map(str::trim), points) {
        (Some("linear_piecewise"), Some(Ok(points))) => match points[..] {
            [a, b] if a.0 < b.0 => AspectRatio::LinearPiecewise([a, b]),
            _ => malformed,
        },
        _ => malformed,
    }
}

fn nodal_plane_dist(source: Elem) -> NodeResult<NodalPlaneDist> {
    let elem = source.required_child("nodalPlaneDist")?;
    let planes = elem
        .children_named("nodalPlane")
        .map(|plane| {
            Ok(NodalPlane {
                probability: plane.attr_as("probability", PROBABILITY)?,
                strike: plane.attr_as("strike", STRIKE)?,
                dip: plane.attr_as("dip", DIP)?,
                rake: plane.attr_as("rake", RAKE)?,
            })
        })
        .collect::<NodeResult<_>>()?;
    Ok(NodalPlaneDist {
        planes,
        origin: elem.origin("nodalPlaneDist"),
    })
}

fn hypo_depth_dist(elem: Elem) -> NodeResult<HypoDepthDist> {
    let depths = elem
        .children_named("hypoDepth")
        .map(|hypo| {
            Ok(HypoDepth {
                probability: hypo.attr_as("probability", PROBABILITY)?,
                depth: hypo.attr_as("depth", FLOAT)?,
                fixed_dip_frac: hypo.opt_attr_as("fixedDipFrac", FLOAT)?,
            })
        })
        .collect::<NodeResult<_>>()?;
    Ok(HypoDepthDist {
        depths,
        origin: elem.origin("hypoDepthDist"),
    })
}

fn simple_fault_source(elem: Elem) -> NodeResult<SimpleFaultSource> {
    Ok(SimpleFaultSource {
        geometry: simple_fault_geometry(elem.required_child("simpleFaultGeometry")?)?,
        mag_scale_rel: elem.child_as("magScaleRel", MAG_SCALE_REL)?,
        rupt_aspect_ratio: aspect_ratio(elem)?,
        mfd: mfd(elem)?,
        rake: elem.child_as("rake", RAKE)?,
        hypo_depth_dist: elem
            .child("hypoDepthDist")
            .map(hypo_depth_dist)
            .transpose()?,
        hypo_list: elem.child("hypoList").map(hypo_list).transpose()?,
        slip_list: elem.child("slipList").map(slip_list).transpose()?,
    })
}

fn hypo_list(elem: Elem) -> NodeResult<HypoList> {
    let hypos = elem
        .children_named("hypo")
        .map(|hypo| {
            Ok(HypoPosition {
                along_strike: hypo.attr_as("alongStrike", PROBABILITY)?,
                down_dip: hypo.attr_as("downDip", PROBABILITY)?,
                weight: hypo.attr_as("weight", PROBABILITY)?,
            })
        })
        .collect::<NodeResult<_>>()?;
    Ok(HypoList {
        hypos,
        origin: elem.origin("hypoList"),
    })
}

fn slip_list(elem: Elem) -> NodeResult<SlipList> {
    let slips = elem
        .children_named("slip")
        .map(|slip| {
            Ok(Slip {
                angle: slip.text_as(SLIP)?,
                weight: slip.attr_as("weight", PROBABILITY)?,
            })
        })
        .collect::<NodeResult<_>>()?;
    Ok(SlipList {
        slips,
        origin: elem.origin("slipList"),
    })
}

fn simple_fault_geometry(elem: Elem) -> NodeResult<SimpleFaultGeometry> {
    Ok(SimpleFaultGeometry {
        trace: elem.descend(&["LineString", "posList"])?.text_as(POINTS)?,
        dip: elem.child_as("dip", DIP)?,
        upper_seismogenic_depth: elem.child_as("upperSeismoDepth", FLOAT)?,
        lower_seismogenic_depth: elem.child_as("lowerSeismoDepth", FLOAT)?,
        origin: elem.origin("simpleFaultGeometry"),
    })
}

fn complex_fault_source(elem: Elem) -> NodeResult<ComplexFaultSource> {
    Ok(ComplexFaultSource {
        geometry: complex_fault_geometry(elem.required_child("complexFaultGeometry")?)?,
        mag_scale_rel: elem.child_as("magScaleRel", MAG_SCALE_REL)?,
        rupt_aspect_ratio: aspect_ratio(elem)?,
        mfd: mfd(elem)?,
        rake: elem.child_as("rake", RAKE)?,
    })
}

/// Edges are read in document order, as OpenQuake does; the check wants at least two.
fn complex_fault_geometry(elem: Elem) -> NodeResult<ComplexFaultGeometry> {
    let edges = elem
        .children()
        .filter(|edge| {
            matches!(
                edge.tag(),
                "faultTopEdge" | "intermediateEdge" | "faultBottomEdge"
            )
        })
        .map(line_3d)
        .collect::<NodeResult<_>>()?;
    Ok(ComplexFaultGeometry {
        edges,
        origin: elem.origin("complexFaultGeometry"),
    })
}

/// The 3D `gml:LineString` of a fault edge or a kite profile.
fn line_3d(elem: Elem) -> NodeResult<Vec<Point3>> {
    elem.descend(&["LineString", "posList"])?.text_as(POINTS_3D)
}

fn characteristic_fault_source(elem: Elem) -> NodeResult<CharacteristicFaultSource> {
    Ok(CharacteristicFaultSource {
        mfd: mfd(elem)?,
        rake: elem.child_as("rake", RAKE)?,
        surface: surface(elem.required_child("surface")?)?,
    })
}

fn surface(elem: Elem) -> NodeResult<Surface> {
    let first = elem
        .children()
        .next()
        .ok_or_else(|| elem.error("the surface is empty"))?;
    Ok(match first.tag() {
        "simpleFaultGeometry" => Surface::SimpleFault(simple_fault_geometry(first)?),
        "complexFaultGeometry" => Surface::ComplexFault(complex_fault_geometry(first)?),
        "planarSurface" => Surface::Planar(
            elem.children_named("planarSurface")
                .map(planar_surface)
                .collect::<NodeResult<_>>()?,
        ),
        "griddedSurface" => Surface::Gridded {
            points: first.child_as("posList", POINTS_3D)?,
            origin: first.origin("griddedSurface"),
        },
        "kiteSurface" => Surface::Kite {
            surfaces: elem
                .children_named("kiteSurface")
                .map(|kite| kite.children_named("profile").map(line_3d).collect())
                .collect::<NodeResult<_>>()?,
            origin: first.origin("kiteSurface"),
        },
        other => return Err(first.error(format!("{other} is not a known kind of surface"))),
    })
}

fn planar_surface(elem: Elem) -> NodeResult<PlanarSurface> {
    let corner = |tag| {
        let corner = elem.required_child(tag)?;
        Ok(Point3 {
            lon: corner.attr_as("lon", LONGITUDE)?,
            lat: corner.attr_as("lat", LATITUDE)?,
            depth: corner.attr_as("depth", FLOAT)?,
        })
    };
    Ok(PlanarSurface {
        top_left: corner("topLeft")?,
        top_right: corner("topRight")?,
        bottom_left: corner("bottomLeft")?,
        bottom_right: corner("bottomRight")?,
    })
}

/// The one MFD element of a source.
fn mfd(source: Elem) -> NodeResult<Mfd> {
    let mut mfds = source.children().filter_map(|child| {
        MFD_TAGS
            .iter()
            .find(|&&tag| tag == child.tag())
            .map(|&tag| (tag, child))
    });
    let (tag, elem) = match (mfds.next(), mfds.next()) {
        (Some(mfd), None) => mfd,
        (None, _) => {
            return Err(source.error(format!(
                "missing magnitude-frequency distribution (one of {})",
                MFD_TAGS.join(", ")
            )));
        }
        (Some(_), Some(_)) => {
            return Err(source.error("more than one magnitude-frequency distribution"));
        }
    };
    let kind = match tag {
        "truncGutenbergRichterMFD" => MfdKind::TruncatedGr(truncated_gr(elem)?),
        "incrementalMFD" => MfdKind::Incremental(Incremental {
            min_mag: elem.attr_as("minMag", NON_NEGATIVE)?,
            bin_width: elem.attr_as("binWidth", POSITIVE)?,
            occur_rates: elem.child_as("occurRates", NON_NEGATIVES)?,
        }),
        "arbitraryMFD" => MfdKind::Arbitrary(Arbitrary {
            magnitudes: elem.child_as("magnitudes", NON_NEGATIVES)?,
            occur_rates: elem.child_as("occurRates", NON_NEGATIVES)?,
        }),
        "YoungsCoppersmithMFD" => MfdKind::YoungsCoppersmith(youngs_coppersmith(elem)?),
        "taperedGutenbergRichterMFD" => MfdKind::TaperedGr(TaperedGr {
            a_value: elem.attr_as("aValue", FLOAT)?,
            b_value: elem.attr_as("bValue", POSITIVE)?,
            min_mag: elem.attr_as("minMag", NON_NEGATIVE)?,
            max_mag: elem.attr_as("maxMag", NON_NEGATIVE)?,
            corner_mag: elem.attr_as("cornerMag", POSITIVE)?,
        }),
        "multiMFD" => MfdKind::Multi(multi_mfd(elem)?),
        _ => MfdKind::AlternativeCharacteristic,
    };
    Ok(Mfd {
        kind,
        origin: elem.origin(tag),
    })
}

fn truncated_gr(elem: Elem) -> NodeResult<TruncatedGr> {
    let slip_rate = match elem.opt_attr_as("slipRate", NON_NEGATIVE)? {
        Some(slip) => Some((slip, elem.attr_as("rigidity", POSITIVE)?)),
        None => None,
    };
    Ok(TruncatedGr {
        a_value: match slip_rate {
            Some(_) => elem.opt_attr_as("aValue", FLOAT)?,
            None => Some(elem.attr_as("aValue", FLOAT)?),
        },
        b_value: elem.attr_as("bValue", POSITIVE)?,
        min_mag: elem.attr_as("minMag", NON_NEGATIVE)?,
        max_mag: elem.attr_as("maxMag", NON_NEGATIVE)?,
        slip_rate,
    })
}

fn youngs_coppersmith(elem: Elem) -> NodeResult<YoungsCoppersmith> {
    // As in OpenQuake, totalMomentRate wins when both are given.
    let rate = match (
        elem.opt_attr_as("totalMomentRate", POSITIVE)?,
        elem.opt_attr_as("characteristicRate", POSITIVE)?,
    ) {
        (Some(rate), _) => YoungsCoppersmithRate::TotalMoment(rate),
        (None, Some(rate)) => YoungsCoppersmithRate::Characteristic(rate),
        (None, None) => {
            return Err(elem.error("missing attribute characteristicRate or totalMomentRate"));
        }
    };
    Ok(YoungsCoppersmith {
        min_mag: elem.attr_as("minMag", POSITIVE)?,
        b_value: elem.attr_as("bValue", POSITIVE)?,
        char_mag: elem.attr_as("characteristicMag", POSITIVE)?,
        bin_width: elem.attr_as("binWidth", POSITIVE)?,
        rate,
    })
}

fn multi_mfd(elem: Elem) -> NodeResult<MultiMfd> {
    let kind = elem.required_attr("kind")?;
    let &(kind, required) = MULTI_MFD_PARAMS
        .iter()
        .find(|(k, _)| *k == kind)
        .ok_or_else(|| elem.error(format!("'{kind}' is not a kind of MFD a multiMFD can hold")))?;
    let conv = |name: &str| -> Conv<Vec<f64>> {
        if name == "a_val" {
            FLOATS
        } else {
            NON_NEGATIVES
        }
    };
    let mut params = Vec::new();
    for &name in required {
        params.push((name, elem.child_as(name, conv(name))?));
    }
    if let Some(child) = elem.child("bin_width") {
        params.push(("bin_width", child.text_as(NON_NEGATIVES)?));
    }
    let has_lists = params
        .iter()
        .any(|(name, _)| matches!(*name, "occurRates" | "magnitudes"));
    Ok(MultiMfd {
        kind,
        size: elem.attr_as("size", POSITIVE_INT)?,
        params,
        lengths: if has_lists {
            Some(elem.child_as("lengths", POSITIVE_INTS)?)
        } else {
            None
        },
    })
}
