//! Seismic source models (`sourceModel`): typed sources and the checks between their values.
//!
//! Read fully: point, area, multi-point, simple fault, complex fault and characteristic fault
//! sources. Kite fault, non-parametric and multi-fault sources are accepted with their `id`
//! and `name` only ([`SourceKind::NotRead`]).

use crate::error::NodeResult;
use crate::mfd::Mfd;
use crate::origin::Origin;
use crate::sum_is_one;

/// A geographic point, in decimal degrees.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Point {
    pub lon: f64,
    pub lat: f64,
}

/// A point with a depth in km (positive down).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Point3 {
    pub lon: f64,
    pub lat: f64,
    pub depth: f64,
}

/// A source model file: source groups, each of one tectonic region type.
#[derive(Debug, Clone, PartialEq)]
pub struct SourceModel {
    pub name: Option<String>,
    /// `investigation_time` in years, given by models with non-parametric sources.
    pub investigation_time: Option<f64>,
    /// The groups; an NRML 0.4 model, which has no groups, gets one per tectonic region.
    pub groups: Vec<SourceGroup>,
}

/// A `sourceGroup`.
#[derive(Debug, Clone, PartialEq)]
pub struct SourceGroup {
    pub name: Option<String>,
    pub tectonic_region: String,
    pub src_interdep: Interdependence,
    pub rup_interdep: Interdependence,
    /// `srcs_weights`: one weight per source, for groups of mutually exclusive sources.
    pub srcs_weights: Option<Vec<f64>>,
    /// `grp_probability`: probability that the group produces an event (cluster groups).
    pub grp_probability: Option<f64>,
    /// `cluster`: the group's sources rupture together, as a cluster.
    pub cluster: bool,
    /// The temporal occurrence model the group names.
    pub tom: Tom,
    pub sources: Vec<Source>,
    pub origin: Origin,
}

/// A temporal occurrence model, as OpenQuake's converter reads a source's or group's: a
/// `ClusterPoissonTOM` when it gives an `occurrence_rate`, else the one its `tom` names.
#[derive(Debug, Clone, PartialEq)]
pub enum Tom {
    /// `PoissonTOM`, or no `tom`.
    Poisson,
    /// `NegativeBinomialTOM`: its mean rate `mu` and dispersion `alpha`, both positive.
    NegativeBinomial { mu: f64, alpha: f64 },
    /// Another model, by name.
    Other(String),
}

impl Tom {
    /// OpenQuake's name of the model.
    pub fn name(&self) -> &str {
        match self {
            Tom::Poisson => "PoissonTOM",
            Tom::NegativeBinomial { .. } => "NegativeBinomialTOM",
            Tom::Other(name) => name,
        }
    }
}

/// How the sources (or ruptures) of a group relate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Interdependence {
    /// `indep`
    Independent,
    /// `mutex`
    MutuallyExclusive,
}

/// One seismic source.
#[derive(Debug, Clone, PartialEq)]
pub struct Source {
    pub id: String,
    pub name: String,
    /// The source's own `tectonicRegion`, if it gives one.
    pub tectonic_region: Option<String>,
    pub kind: SourceKind,
    /// The temporal occurrence model the source names.
    pub tom: Tom,
    /// The tags of the source's child elements this reader does not interpret (`hypoList`,
    /// `slipList`, ...), in document order.
    pub unread: Vec<String>,
    pub origin: Origin,
}

/// The kinds of source, with their parameters.
#[derive(Debug, Clone, PartialEq)]
pub enum SourceKind {
    Point(PointSource),
    Area(AreaSource),
    MultiPoint(MultiPointSource),
    SimpleFault(SimpleFaultSource),
    ComplexFault(ComplexFaultSource),
    CharacteristicFault(CharacteristicFaultSource),
    /// A kind whose content is not read (yet): `kiteFaultSource`, `nonParametricSeismicSource`
    /// or `multiFaultSource`.
    NotRead,
}

/// `pointSource`.
#[derive(Debug, Clone, PartialEq)]
pub struct PointSource {
    pub location: Point,
    pub params: PointParameters,
}

/// `areaSource`.
#[derive(Debug, Clone, PartialEq)]
pub struct AreaSource {
    /// Polygon vertices, as given (the closing vertex may repeat the first).
    pub polygon: Vec<Point>,
    /// `discretization` of the polygon in km, if the source sets it.
    pub discretization: Option<f64>,
    pub params: PointParameters,
}

/// `multiPointSource`.
#[derive(Debug, Clone, PartialEq)]
pub struct MultiPointSource {
    pub points: Vec<Point>,
    pub params: PointParameters,
}

/// What point, area and multi-point sources have in common.
#[derive(Debug, Clone, PartialEq)]
pub struct PointParameters {
    /// The geometry element (`pointGeometry`, `areaGeometry` or `multiPointGeometry`).
    pub geometry: Origin,
    /// Top of the seismogenic layer, km.
    pub upper_seismogenic_depth: f64,
    /// Bottom of the seismogenic layer, km.
    pub lower_seismogenic_depth: f64,
    pub mag_scale_rel: MagScaleRel,
    pub rupt_aspect_ratio: AspectRatio,
    pub mfd: Mfd,
    pub nodal_plane_dist: NodalPlaneDist,
    pub hypo_depth_dist: HypoDepthDist,
}

/// Rupture aspect ratio (length / width).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum AspectRatio {
    /// `ruptAspectRatio`, > 0.
    Constant(f64),
    /// `aspectRatioFunction` of type `linear_piecewise`: two (magnitude, ratio) points by
    /// increasing magnitude, interpolated linearly between them and constant beyond.
    LinearPiecewise([(f64, f64); 2]),
    /// An `aspectRatioFunction` that is not a `linear_piecewise` of two points by increasing
    /// positive magnitude, at this line: OpenQuake's validation accepts it, its calculation
    /// fails on it.
    Malformed { line: u32 },
}

/// `nodalPlaneDist`.
#[derive(Debug, Clone, PartialEq)]
pub struct NodalPlaneDist {
    pub planes: Vec<NodalPlane>,
    pub origin: Origin,
}

/// `nodalPlane`: angles in degrees.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct NodalPlane {
    pub probability: f64,
    pub strike: f64,
    pub dip: f64,
    pub rake: f64,
}

/// `hypoDepthDist`.
#[derive(Debug, Clone, PartialEq)]
pub struct HypoDepthDist {
    pub depths: Vec<HypoDepth>,
    pub origin: Origin,
}

/// `hypoDepth`: depth in km.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct HypoDepth {
    pub probability: f64,
    pub depth: f64,
    /// `fixedDipFrac`: where down dip the hypocentre lies on the rupture (0 top, 1 bottom),
    /// instead of where this depth falls.
    pub fixed_dip_frac: Option<f64>,
}

/// `simpleFaultSource`.
#[derive(Debug, Clone, PartialEq)]
pub struct SimpleFaultSource {
    pub geometry: SimpleFaultGeometry,
    pub mag_scale_rel: MagScaleRel,
    pub rupt_aspect_ratio: AspectRatio,
    pub mfd: Mfd,
    pub rake: f64,
    /// Optional hypocentral depths of the ruptures.
    pub hypo_depth_dist: Option<HypoDepthDist>,
    /// Optional hypocentres of each floating rupture (`hypoList`), given with `slipList`.
    pub hypo_list: Option<HypoList>,
    /// Optional slip directions of each floating rupture (`slipList`), given with `hypoList`.
    pub slip_list: Option<SlipList>,
}

/// `hypoList`: hypocentres as fractions of a rupture's length and width, weighted.
#[derive(Debug, Clone, PartialEq)]
pub struct HypoList {
    pub hypos: Vec<HypoPosition>,
    pub origin: Origin,
}

/// `hypo`: where on a rupture its hypocentre lies, from its top left corner.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct HypoPosition {
    /// `alongStrike`: 0 at the rupture's start, 1 at its end.
    pub along_strike: f64,
    /// `downDip`: 0 at the top, 1 at the bottom.
    pub down_dip: f64,
    pub weight: f64,
}

/// `slipList`: slip directions, weighted.
#[derive(Debug, Clone, PartialEq)]
pub struct SlipList {
    pub slips: Vec<Slip>,
    pub origin: Origin,
}

/// `slip`: the rupture's slip direction in degrees, within [0, 360].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Slip {
    pub angle: f64,
    pub weight: f64,
}

/// `simpleFaultGeometry`.
#[derive(Debug, Clone, PartialEq)]
pub struct SimpleFaultGeometry {
    pub trace: Vec<Point>,
    pub dip: f64,
    pub upper_seismogenic_depth: f64,
    pub lower_seismogenic_depth: f64,
    pub origin: Origin,
}

/// `complexFaultSource`.
#[derive(Debug, Clone, PartialEq)]
pub struct ComplexFaultSource {
    pub geometry: ComplexFaultGeometry,
    pub mag_scale_rel: MagScaleRel,
    pub rupt_aspect_ratio: AspectRatio,
    pub mfd: Mfd,
    pub rake: f64,
}

/// `complexFaultGeometry`.
#[derive(Debug, Clone, PartialEq)]
pub struct ComplexFaultGeometry {
    /// Fault edges from the top (`faultTopEdge`, `intermediateEdge`s, `faultBottomEdge`).
    pub edges: Vec<Vec<Point3>>,
    pub origin: Origin,
}

/// `characteristicFaultSource`.
#[derive(Debug, Clone, PartialEq)]
pub struct CharacteristicFaultSource {
    pub mfd: Mfd,
    pub rake: f64,
    pub surface: Surface,
}

/// The `surface` of a characteristic fault source.
#[derive(Debug, Clone, PartialEq)]
pub enum Surface {
    SimpleFault(SimpleFaultGeometry),
    ComplexFault(ComplexFaultGeometry),
    /// One or more `planarSurface`s.
    Planar(Vec<PlanarSurface>),
    /// A `griddedSurface`: its points.
    Gridded {
        points: Vec<Point3>,
        origin: Origin,
    },
    /// One or more `kiteSurface`s, each a list of profiles.
    Kite {
        surfaces: Vec<Vec<Vec<Point3>>>,
        origin: Origin,
    },
}

/// `planarSurface`, by its corners.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PlanarSurface {
    pub top_left: Point3,
    pub top_right: Point3,
    pub bottom_left: Point3,
    pub bottom_right: Point3,
}

/// A magnitude-scaling relationship, by its OpenQuake class name.
#[derive(Debug, Clone, PartialEq)]
pub struct MagScaleRel {
    pub name: &'static str,
    /// Parameters of a parametric relationship, e.g. `CScalingMSR.C=4.7` gives `[("C", 4.7)]`.
    pub parameters: Vec<(String, f64)>,
}

/// The magnitude-scaling relationships OpenQuake 3.26 knows.
pub const MAG_SCALE_RELS: &[&str] = &[
    "AllenHayesInterfaceBilinear",
    "AllenHayesInterfaceLinear",
    "AllenHayesIntraslab",
    "BCHydroNVAMSR",
    "CEUS2011",
    "CScalingMSR",
    "GSCCascadia",
    "GSCEISB",
    "GSCEISI",
    "GSCEISO",
    "GSCOffshoreThrustsHGT",
    "GSCOffshoreThrustsWIN",
    "GermanyMSR",
    "Leonard2010_SCR",
    "Leonard2010_SCR_M0",
    "Leonard2010_SCR_MX",
    "Leonard2014_Interplate",
    "Leonard2014_SCR",
    "PeerMSR",
    "PointMSR",
    "StrasserInterface",
    "StrasserIntraslab",
    "ThingbaijamInterface",
    "ThingbaijamNormalFault",
    "ThingbaijamReverseFault",
    "ThingbaijamStrikeSlip",
    "WC1994",
    "WC1994_QCSS",
];

impl MagScaleRel {
    /// Reads a relationship: a class name, or a parametric one in TOML form
    /// (`CScalingMSR.C=4.7`, or a `[CScalingMSR]` table of `key = value` lines).
    pub fn parse(text: &str) -> Result<Self, String> {
        let text = text.trim();
        let unknown = || format!("'{text}' is not a recognized magnitude-scale relationship");
        let known = |name: &str| MAG_SCALE_RELS.iter().copied().find(|&n| n == name);
        if !text.contains(['.', '[']) {
            let name = known(text).ok_or_else(unknown)?;
            return Ok(MagScaleRel {
                name,
                parameters: Vec::new(),
            });
        }
        let bad_parameters = || format!("invalid parameters in '{text}'");
        let mut table: Option<&str> = None;
        let mut parameters = Vec::new();
        for line in text.lines().map(str::trim).filter(|l| !l.is_empty()) {
            let (line_table, assignment) =
                match line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
                    Some(header) => (header.trim(), None),
                    None => {
                        let (key, value) = line.split_once('=').ok_or_else(bad_parameters)?;
                        match key.split_once('.') {
                            Some((t, k)) => (t.trim(), Some((k.trim(), value))),
                            None => (table.ok_or_else(unknown)?, Some((key.trim(), value))),
                        }
                    }
                };
            if table.is_some_and(|t| t != line_table) {
                return Err(bad_parameters());
            }
            table = Some(line_table);
            if let Some((key, value)) = assignment {
                let value = value.trim().parse::<f64>().map_err(|_| bad_parameters())?;
                if key.is_empty() || !value.is_finite() {
                    return Err(bad_parameters());
                }
                parameters.push((key.to_owned(), value));
            }
        }
        let name = table.and_then(known).ok_or_else(unknown)?;
        Ok(MagScaleRel { name, parameters })
    }
}

impl SourceModel {
    pub(crate) fn check(&self) -> NodeResult<()> {
        self.groups.iter().try_for_each(SourceGroup::check)
    }
}

impl SourceGroup {
    fn check(&self) -> NodeResult<()> {
        for source in &self.sources {
            if let Some(trt) = &source.tectonic_region
                && *trt != self.tectonic_region
            {
                return Err(source.origin.error(format!(
                    "tectonicRegion '{trt}' differs from the group's '{}'",
                    self.tectonic_region
                )));
            }
            source.check()?;
        }
        if self.src_interdep == Interdependence::MutuallyExclusive {
            let weights = self.srcs_weights.as_ref().ok_or_else(|| {
                self.origin
                    .error("a group of mutually exclusive sources needs srcs_weights")
            })?;
            if weights.len() != self.sources.len() {
                return Err(self.origin.error(format!(
                    "there are {} srcs_weights but {} sources",
                    weights.len(),
                    self.sources.len()
                )));
            }
            sum_is_one(weights.iter().copied()).map_err(|sum| {
                self.origin
                    .error(format!("srcs_weights sum up to {sum}, not 1"))
            })?;
        }
        Ok(())
    }
}

impl Source {
    fn check(&self) -> NodeResult<()> {
        match &self.kind {
            SourceKind::Point(point) => point.params.check(),
            SourceKind::Area(area) => {
                if distinct_vertices(&area.polygon) < 3 {
                    return Err(area
                        .params
                        .geometry
                        .error("a polygon needs at least 3 distinct vertices"));
                }
                area.params.check()
            }
            SourceKind::MultiPoint(multi) => {
                if multi.points.is_empty() {
                    return Err(multi.params.geometry.error("no points"));
                }
                multi.params.mfd.check_multi_size(multi.points.len())?;
                multi.params.check()
            }
            SourceKind::SimpleFault(fault) => {
                let geometry = &fault.geometry;
                geometry.check()?;
                if let Some(depths) = &fault.hypo_depth_dist {
                    depths.check(
                        geometry.upper_seismogenic_depth,
                        geometry.lower_seismogenic_depth,
                    )?;
                }
                fault.check_hypo_slip_lists()?;
                fault.mfd.check()
            }
            SourceKind::ComplexFault(fault) => {
                fault.geometry.check()?;
                fault.mfd.check()
            }
            SourceKind::CharacteristicFault(fault) => {
                fault.surface.check()?;
                fault.mfd.check()
            }
            SourceKind::NotRead => Ok(()),
        }
    }
}

/// Number of vertices once repeated consecutive ones (and a closing repeat) are dropped.
fn distinct_vertices(points: &[Point]) -> usize {
    let mut vertices: Vec<Point> = Vec::with_capacity(points.len());
    for point in points {
        if vertices.last() != Some(point) {
            vertices.push(*point);
        }
    }
    if vertices.len() > 1 && vertices.first() == vertices.last() {
        vertices.pop();
    }
    vertices.len()
}

fn check_depths(origin: &Origin, upper: f64, lower: f64) -> NodeResult<()> {
    if upper < lower {
        Ok(())
    } else {
        Err(origin.error(format!(
            "upperSeismoDepth {upper} must be above (less than) lowerSeismoDepth {lower}"
        )))
    }
}

impl PointParameters {
    fn check(&self) -> NodeResult<()> {
        let (upper, lower) = (self.upper_seismogenic_depth, self.lower_seismogenic_depth);
        check_depths(&self.geometry, upper, lower)?;
        self.mfd.check()?;
        let planes = &self.nodal_plane_dist;
        check_pmf(&planes.origin, planes.planes.iter().map(|p| p.probability))?;
        self.hypo_depth_dist.check(upper, lower)
    }
}

impl HypoDepthDist {
    /// A distribution of depths, all within the seismogenic layer from `upper` to `lower`.
    fn check(&self, upper: f64, lower: f64) -> NodeResult<()> {
        check_pmf(&self.origin, self.depths.iter().map(|d| d.probability))?;
        match self
            .depths
            .iter()
            .find(|h| h.depth < upper || h.depth > lower)
        {
            Some(hypo) => Err(self.origin.error(format!(
                "hypocentral depth {} is outside the seismogenic layer [{upper}, {lower}]",
                hypo.depth
            ))),
            None => Ok(()),
        }
    }
}

/// A probability distribution: at least one value, none zero, summing to 1.
fn check_pmf(origin: &Origin, probabilities: impl Iterator<Item = f64> + Clone) -> NodeResult<()> {
    if probabilities.clone().next().is_none() {
        return Err(origin.error("the distribution is empty"));
    }
    if probabilities.clone().any(|p| p == 0.0) {
        return Err(origin.error("a probability is zero"));
    }
    sum_is_one(probabilities)
        .map_err(|sum| origin.error(format!("the probabilities sum up to {sum}, not 1")))
}

impl SimpleFaultSource {
    /// `hypoList` and `slipList` come together, each with weights summing to 1, and not
    /// with `hypoDepthDist`.
    fn check_hypo_slip_lists(&self) -> NodeResult<()> {
        match (&self.hypo_list, &self.slip_list) {
            (Some(hypos), Some(slips)) => {
                if let Some(depths) = &self.hypo_depth_dist {
                    return Err(depths
                        .origin
                        .error("hypoDepthDist and hypoList/slipList cannot be combined"));
                }
                check_weights(&hypos.origin, hypos.hypos.iter().map(|h| h.weight))?;
                check_weights(&slips.origin, slips.slips.iter().map(|s| s.weight))
            }
            (Some(HypoList { origin, .. }), None) | (None, Some(SlipList { origin, .. })) => {
                Err(origin.error("hypoList and slipList have to be both given or neither"))
            }
            (None, None) => Ok(()),
        }
    }
}

/// Weights that sum up to 1.
fn check_weights(origin: &Origin, weights: impl Iterator<Item = f64>) -> NodeResult<()> {
    sum_is_one(weights).map_err(|sum| origin.error(format!("the weights sum up to {sum}, not 1")))
}

impl SimpleFaultGeometry {
    fn check(&self) -> NodeResult<()> {
        if self.trace.len() < 2 {
            return Err(self.origin.error("the fault trace needs at least 2 points"));
        }
        check_depths(
            &self.origin,
            self.upper_seismogenic_depth,
            self.lower_seismogenic_depth,
        )
    }
}

impl ComplexFaultGeometry {
    fn check(&self) -> NodeResult<()> {
        if self.edges.len() < 2 {
            return Err(self.origin.error("a complex fault needs at least 2 edges"));
        }
        if self.edges.iter().any(|edge| edge.len() < 2) {
            return Err(self.origin.error("each fault edge needs at least 2 points"));
        }
        Ok(())
    }
}

impl Surface {
    fn check(&self) -> NodeResult<()> {
        match self {
            Surface::SimpleFault(geometry) => geometry.check(),
            Surface::ComplexFault(geometry) => geometry.check(),
            Surface::Planar(_) => Ok(()),
            Surface::Gridded { points, origin } => {
                if points.is_empty() {
                    Err(origin.error("no points"))
                } else {
                    Ok(())
                }
            }
            Surface::Kite { surfaces, origin } => {
                let profiles_ok = surfaces
                    .iter()
                    .all(|profiles| profiles.len() >= 2 && profiles.iter().all(|p| p.len() >= 2));
                if profiles_ok {
                    Ok(())
                } else {
                    Err(origin
                        .error("a kite surface needs at least 2 profiles of at least 2 points"))
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_and_parametric_scaling_relationships() {
        let wc = MagScaleRel::parse("\n  WC1994 \n").unwrap();
        assert_eq!((wc.name, wc.parameters.len()), ("WC1994", 0));
        let c = MagScaleRel::parse("CScalingMSR.C=4.7").unwrap();
        assert_eq!(c.name, "CScalingMSR");
        assert_eq!(c.parameters, vec![("C".to_owned(), 4.7)]);
        let table = MagScaleRel::parse("[CScalingMSR]\nC = 4.5").unwrap();
        assert_eq!(table.parameters, vec![("C".to_owned(), 4.5)]);
        assert_eq!(
            MagScaleRel::parse("Foo\n   WC1994\n").unwrap_err(),
            "'Foo\n   WC1994' is not a recognized magnitude-scale relationship"
        );
        assert!(MagScaleRel::parse("Foo.C=1").is_err());
        assert!(MagScaleRel::parse("CScalingMSR.C=x").is_err());
        assert!(MagScaleRel::parse("CScalingMSR.C=1\nWC1994.D=2").is_err());
        assert!(MagScaleRel::parse("[]").is_err());
        assert!(MagScaleRel::parse(".").is_err());
    }

    #[test]
    fn vertices_are_counted_once() {
        let p = |lon, lat| Point { lon, lat };
        assert_eq!(
            distinct_vertices(&[p(0., 0.), p(1., 0.), p(1., 1.), p(0., 0.)]),
            3
        );
        assert_eq!(distinct_vertices(&[p(0., 0.), p(0., 0.), p(1., 1.)]), 2);
        assert_eq!(distinct_vertices(&[]), 0);
    }
}
