//! Source models: a document with every source kind read fully, and one error per check.

use oqcloud_nrml::mfd::{MfdKind, YoungsCoppersmithRate};
use oqcloud_nrml::source::{AspectRatio, SourceKind, Surface, Tom};
use oqcloud_nrml::{Model, NrmlVersion, read};

use super::{FILE, assert_invalid, assert_valid, replace};

const ALL_SOURCES: &str = include_str!("../data/all_sources.xml");

#[test]
fn every_source_kind_is_read() {
    let document = read(ALL_SOURCES, FILE).unwrap();
    assert_eq!(document.version, NrmlVersion::V0_5);
    let Model::SourceModel(model) = document.model else {
        panic!("not a source model");
    };
    assert_eq!(model.name.as_deref(), Some("every source kind"));
    let [group] = model.groups.as_slice() else {
        panic!("one group expected");
    };
    assert_eq!(group.tectonic_region, "Active Shallow Crust");
    let ids: Vec<&str> = group.sources.iter().map(|s| s.id.as_str()).collect();
    assert_eq!(ids, ["P1", "A1", "M1", "S1", "C1", "CH1"]);
    assert!(group.sources.iter().all(|s| s.unread.is_empty()));
    assert!(!group.cluster && group.tom == Tom::Poisson);

    let SourceKind::Point(point) = &group.sources[0].kind else {
        panic!("P1 is a point source");
    };
    assert_eq!((point.location.lon, point.location.lat), (10.0, 45.0));
    assert_eq!(point.params.rupt_aspect_ratio, AspectRatio::Constant(1.5));
    assert_eq!(point.params.nodal_plane_dist.planes[1].strike, 45.0);
    assert_eq!(point.params.hypo_depth_dist.depths[1].depth, 10.0);
    assert_eq!(point.params.hypo_depth_dist.origin.line, 20);

    let SourceKind::Area(area) = &group.sources[1].kind else {
        panic!("A1 is an area source");
    };
    assert_eq!(area.polygon.len(), 4);
    assert_eq!(area.discretization, Some(5.0));
    assert_eq!(area.params.mag_scale_rel.name, "PeerMSR");
    let MfdKind::Incremental(inc) = &area.params.mfd.kind else {
        panic!("A1 has an incremental MFD");
    };
    assert_eq!(inc.occur_rates, [0.01, 0.005, 0.0, 0.001]);

    let SourceKind::MultiPoint(multi) = &group.sources[2].kind else {
        panic!("M1 is a multi-point source");
    };
    assert_eq!(multi.points.len(), 2);
    assert_eq!(
        multi.params.mag_scale_rel.parameters,
        [("C".to_owned(), 4.7)]
    );
    let MfdKind::Multi(mfd) = &multi.params.mfd.kind else {
        panic!("M1 has a multiMFD");
    };
    assert_eq!((mfd.kind, mfd.size), ("truncGutenbergRichterMFD", 2));

    let SourceKind::SimpleFault(simple) = &group.sources[3].kind else {
        panic!("S1 is a simple fault");
    };
    assert_eq!((simple.geometry.dip, simple.rake), (45.0, 90.0));
    assert!(matches!(simple.mfd.kind, MfdKind::Arbitrary(_)));

    let SourceKind::ComplexFault(complex) = &group.sources[4].kind else {
        panic!("C1 is a complex fault");
    };
    assert_eq!(complex.geometry.edges.len(), 3);
    assert_eq!(complex.geometry.edges[2][0].depth, 20.0);
    let MfdKind::YoungsCoppersmith(yc) = &complex.mfd.kind else {
        panic!("C1 has a Youngs-Coppersmith MFD");
    };
    assert_eq!(yc.rate, YoungsCoppersmithRate::Characteristic(0.005));

    let SourceKind::CharacteristicFault(characteristic) = &group.sources[5].kind else {
        panic!("CH1 is a characteristic fault");
    };
    let Surface::Planar(planes) = &characteristic.surface else {
        panic!("CH1 has a planar surface");
    };
    assert_eq!(planes[0].bottom_right.depth, 12.0);
}

/// What the reader does not interpret is kept in sight: a source's other child elements by
/// tag, and the group's `cluster` and `tom`, for the engine to refuse.
#[test]
fn what_is_not_interpreted_is_named() {
    let xml = replace(
        ALL_SOURCES,
        "<rake>30.0</rake>\n      </complexFaultSource>",
        "<rake>30.0</rake><hypoList/><slipList/></complexFaultSource>",
    );
    let xml = replace(
        &xml,
        r#"<sourceGroup name="crust""#,
        r#"<sourceGroup cluster="TRUE" tom="NegativeBinomialTOM" mu="0.1" alpha="2" name="crust""#,
    );
    let Model::SourceModel(model) = read(&xml, FILE).unwrap().model else {
        panic!("not a source model");
    };
    let group = &model.groups[0];
    assert_eq!(group.sources[4].unread, ["hypoList", "slipList"]);
    assert!(
        group
            .sources
            .iter()
            .filter(|s| s.id != "C1")
            .all(|s| s.unread.is_empty())
    );
    assert!(group.cluster);
    assert_eq!(
        group.tom,
        Tom::NegativeBinomial {
            mu: 0.1,
            alpha: 2.0
        }
    );
    let xml = replace(
        ALL_SOURCES,
        r#"<sourceGroup name="crust""#,
        r#"<sourceGroup cluster="maybe" name="crust""#,
    );
    assert_invalid(&xml, 4, "maybe is not a boolean");
}

/// A simple fault's `hypoList` and `slipList`: read, and checked as OpenQuake checks them.
#[test]
fn simple_fault_hypocentre_and_slip_lists() {
    const LISTS: &str = r#"<rake>90.0</rake>
        <hypoList>
          <hypo alongStrike="0.25" downDip="0.5" weight="0.4"/>
          <hypo alongStrike="0.75" downDip="1.0" weight="0.6"/>
        </hypoList>
        <slipList><slip weight="1.0">90.0</slip></slipList>
      </simpleFaultSource>"#;
    const END: &str = "<rake>90.0</rake>\n      </simpleFaultSource>";
    let xml = replace(ALL_SOURCES, END, LISTS);
    let Model::SourceModel(model) = read(&xml, FILE).unwrap().model else {
        panic!("not a source model");
    };
    let SourceKind::SimpleFault(fault) = &model.groups[0].sources[3].kind else {
        panic!("S1 is a simple fault");
    };
    let hypos = &fault.hypo_list.as_ref().unwrap().hypos;
    assert_eq!(
        (hypos[1].along_strike, hypos[1].down_dip, hypos[1].weight),
        (0.75, 1.0, 0.6)
    );
    assert_eq!(fault.slip_list.as_ref().unwrap().slips[0].angle, 90.0);
    assert!(model.groups[0].sources[3].unread.is_empty());

    let xml = replace(ALL_SOURCES, END, &LISTS.replace("0.6", "0.5"));
    assert_invalid(&xml, 86, "the weights sum up to 0.9, not 1");
    let xml = replace(
        ALL_SOURCES,
        END,
        &LISTS.replace("90.0</slip>", "361</slip>"),
    );
    assert_invalid(&xml, 90, "slip 361 is not in the range [0, 360]");
    let slip_list = LISTS.find("<slipList>").unwrap();
    let hypos_only = format!("{}</simpleFaultSource>", &LISTS[..slip_list]);
    let xml = replace(ALL_SOURCES, END, &hypos_only);
    assert_invalid(
        &xml,
        86,
        "hypoList and slipList have to be both given or neither",
    );
}

#[test]
fn each_check_names_its_element_and_line() {
    // (text to replace, replacement, line, part of the message)
    let cases: &[(&str, &str, u32, &str)] = &[
        (
            "<magScaleRel>PeerMSR</magScaleRel>",
            "<magScaleRel>Foo</magScaleRel>",
            37,
            "node magScaleRel: Could not convert magScaleRel->mag_scale_rel: 'Foo' is not a \
             recognized magnitude-scale relationship",
        ),
        (
            "CScalingMSR.C=4.7",
            "CScalingMSR.C=abc",
            55,
            "invalid parameters in 'CScalingMSR.C=abc'",
        ),
        (
            "<ruptAspectRatio>1.5</ruptAspectRatio>",
            "<ruptAspectRatio>0</ruptAspectRatio>",
            14,
            "node ruptAspectRatio: Could not convert ruptAspectRatio->positive_float: 0 is not \
             positive",
        ),
        (
            "<ruptAspectRatio>1.5</ruptAspectRatio>",
            "",
            5,
            "node pointSource: missing element ruptAspectRatio",
        ),
        (
            "<ruptAspectRatio>1.5</ruptAspectRatio>",
            "<ruptAspectRatio>1.5</ruptAspectRatio><aspectRatioFunction/>",
            5,
            "ruptAspectRatio and aspectRatioFunction are given",
        ),
        (
            r#"minMag="5.0" maxMag="6.5""#,
            r#"minMag="6.5" maxMag="6.5""#,
            15,
            "node truncGutenbergRichterMFD: minMag 6.5 must be less than maxMag 6.5",
        ),
        (
            r#"aValue="3.0" bValue="1.0""#,
            r#"aValue="3.0" bValue="-1.0""#,
            15,
            "Could not convert bValue->positive_float: -1 is not positive",
        ),
        (
            r#"aValue="3.0" bValue="1.0""#,
            r#"aValue="x" bValue="1.0""#,
            15,
            "Could not convert aValue->float: 'x' is not a number",
        ),
        (
            r#"aValue="3.0" bValue="1.0""#,
            r#"bValue="1.0""#,
            15,
            "node truncGutenbergRichterMFD: missing attribute aValue",
        ),
        (
            r#"binWidth="0.1""#,
            r#"binWidth="0""#,
            39,
            "node incrementalMFD: Could not convert binWidth->positive_float",
        ),
        (
            "0.01 0.005 0.0 0.001",
            "0.01 -0.005 0.0 0.001",
            40,
            "node occurRates: Could not convert occurRates->non_negative_floats: -0.005 is \
             negative",
        ),
        (
            "0.01 0.005 0.0 0.001",
            "0 0",
            39,
            "node incrementalMFD: all occurRates are zero",
        ),
        (
            "0.01 0.005 0.0 0.001",
            "",
            39,
            "node incrementalMFD: there are no occurRates",
        ),
        (
            "<magnitudes>6.0 6.5</magnitudes>",
            "<magnitudes>6.0</magnitudes>",
            81,
            "node arbitraryMFD: 1 magnitudes but 2 occurRates",
        ),
        (
            r#"characteristicRate="0.005" "#,
            "",
            107,
            "missing attribute characteristicRate or totalMomentRate",
        ),
        (
            r#"binWidth="0.1"/>"#,
            r#"binWidth="0.6"/>"#,
            107,
            "binWidth 0.6 must not exceed 0.5",
        ),
        (
            r#"characteristicMag="7.0""#,
            r#"characteristicMag="5.2""#,
            107,
            "characteristicMag - 0.25 must exceed minMag",
        ),
        (
            r#"minMag="6.0" maxMag="7.5" cornerMag"#,
            r#"minMag="8.0" maxMag="7.5" cornerMag"#,
            111,
            "node taperedGutenbergRichterMFD: minMag 8 must be less than maxMag 7.5",
        ),
        (
            r#"<truncGutenbergRichterMFD aValue="3.0" bValue="1.0" minMag="5.0" maxMag="6.5"/>"#,
            "",
            5,
            "node pointSource: missing magnitude-frequency distribution",
        ),
        (
            r#"<truncGutenbergRichterMFD aValue="3.0" bValue="1.0" minMag="5.0" maxMag="6.5"/>"#,
            r#"<truncGutenbergRichterMFD aValue="3.0" bValue="1.0" minMag="5.0" maxMag="6.5"/>
               <incrementalMFD minMag="5.0" binWidth="0.1"><occurRates>1</occurRates></incrementalMFD>"#,
            5,
            "node pointSource: more than one magnitude-frequency distribution",
        ),
        (
            r#"kind="truncGutenbergRichterMFD" size="2""#,
            r#"kind="truncGutenbergRichterMFD" size="3""#,
            57,
            "node multiMFD: size 3 differs from the number of points 2",
        ),
        (
            "<max_mag>6.5 7.0</max_mag>",
            "<max_mag>6.5 7.0 7.5</max_mag>",
            57,
            "node multiMFD: max_mag has 3 values, expected 1 or 2",
        ),
        (
            r#"kind="truncGutenbergRichterMFD""#,
            r#"kind="fooMFD""#,
            57,
            "'fooMFD' is not a kind of MFD a multiMFD can hold",
        ),
        (
            "<b_val>1.0</b_val>",
            "",
            57,
            "node multiMFD: missing element b_val",
        ),
        (
            r#"probability="0.3" strike="0.0""#,
            r#"probability="0.2" strike="0.0""#,
            16,
            "node nodalPlaneDist: the probabilities sum up to",
        ),
        (
            r#"<nodalPlane probability="0.3" strike="0.0" dip="90.0" rake="0.0"/>"#,
            r#"<nodalPlane probability="0.0" strike="0.0" dip="90.0" rake="0.0"/>
               <nodalPlane probability="0.3" strike="1.0" dip="90.0" rake="0.0"/>"#,
            16,
            "node nodalPlaneDist: a probability is zero",
        ),
        (
            "<nodalPlane probability=\"1.0\" strike=\"0.0\" dip=\"90.0\" rake=\"180.0\"/>",
            "",
            63,
            "node nodalPlaneDist: the distribution is empty",
        ),
        (
            r#"strike="45.0" dip="60.0""#,
            r#"strike="400.0" dip="60.0""#,
            18,
            "node nodalPlane: Could not convert strike->strike: strike 400 is not in the range \
             [0, 360)",
        ),
        (
            r#"strike="45.0" dip="60.0""#,
            r#"strike="45.0" dip="0""#,
            18,
            "Could not convert dip->dip: dip 0 is not in the range (0, 90]",
        ),
        (
            r#"dip="60.0" rake="90.0""#,
            r#"dip="60.0" rake="-180""#,
            18,
            "Could not convert rake->rake: rake -180 is not in the range (-180, 180]",
        ),
        (
            r#"probability="0.7" strike"#,
            r#"probability="1.7" strike"#,
            18,
            "Could not convert probability->probability: 1.7 is not in the range [0, 1]",
        ),
        (
            r#"strike="45.0" dip="60.0" rake="90.0""#,
            r#"strike="45.0" dip="60.0""#,
            18,
            "node nodalPlane: missing attribute rake",
        ),
        (
            r#"<hypoDepth probability="0.5" depth="10.0"/>"#,
            r#"<hypoDepth probability="0.4" depth="10.0"/>"#,
            20,
            "node hypoDepthDist: the probabilities sum up to 0.9, not 1",
        ),
        (
            r#"<hypoDepth probability="1.0" depth="7.5"/>"#,
            r#"<hypoDepth probability="1.0" depth="17.5"/>"#,
            45,
            "node hypoDepthDist: hypocentral depth 17.5 is outside the seismogenic layer [0, 15]",
        ),
        (
            "<upperSeismoDepth>0.0</upperSeismoDepth>\n          <lowerSeismoDepth>15.0",
            "<upperSeismoDepth>15.0</upperSeismoDepth>\n          <lowerSeismoDepth>15.0",
            26,
            "node areaGeometry: upperSeismoDepth 15 must be above (less than) lowerSeismoDepth \
             15",
        ),
        (
            "<lowerSeismoDepth>12.0</lowerSeismoDepth>",
            "<lowerSeismoDepth>-1.0</lowerSeismoDepth>",
            71,
            "node simpleFaultGeometry: upperSeismoDepth 0 must be above",
        ),
        (
            "<gml:pos>10.0 45.0</gml:pos>",
            "<gml:pos>190.0 45.0</gml:pos>",
            8,
            "node pos: Could not convert pos->lon_lat: longitude 190 is not in the range \
             [-180, 180]",
        ),
        (
            "<gml:pos>10.0 45.0</gml:pos>",
            "<gml:pos>10.0 95.0</gml:pos>",
            8,
            "latitude 95 is not in the range [-90, 90]",
        ),
        (
            "<gml:pos>10.0 45.0</gml:pos>",
            "<gml:pos>10.0</gml:pos>",
            8,
            "expected pairs of coordinates, got 1 values",
        ),
        (
            "10.0 45.0 10.5 45.0 10.5 45.5 10.0 45.5",
            "10.0 45.0 10.5 45.0 10.0 45.0",
            26,
            "node areaGeometry: a polygon needs at least 3 distinct vertices",
        ),
        (
            "10.0 45.0 10.5 45.0 10.5 45.5 10.0 45.5",
            "10.0 45.0 10.5 45.0 10.5",
            30,
            "node posList: Could not convert posList->pos_list: expected pairs of coordinates",
        ),
        (
            r#"discretization="5.0""#,
            r#"discretization="-5.0""#,
            26,
            "Could not convert discretization->positive_float",
        ),
        ("<gml:Polygon>", "<gml:Polygonx>", 33, "mismatched tag"),
        (
            "<dip>45.0</dip>",
            "<dip>0.0</dip>",
            75,
            "node dip: Could not convert dip->dip",
        ),
        (
            "<gml:posList>10.0 45.0 10.2 45.2</gml:posList>",
            "<gml:posList>10.0 45.0</gml:posList>",
            71,
            "node simpleFaultGeometry: the fault trace needs at least 2 points",
        ),
        (
            "<rake>90.0</rake>",
            "<rake>-190.0</rake>",
            85,
            "node rake: Could not convert rake->rake",
        ),
        (
            "<rake>90.0</rake>",
            "",
            70,
            "node simpleFaultSource: missing element rake",
        ),
        (
            "</simpleFaultGeometry>",
            "</simpleFaultGeometry>\n<hypoDepthDist><hypoDepth probability=\"1\" depth=\"13\"/></hypoDepthDist>",
            79,
            "node hypoDepthDist: hypocentral depth 13 is outside the seismogenic layer [0, 12]",
        ),
        (
            "10.0 45.0 2.0 10.3 45.1 2.0",
            "10.0 45.0 10.3 45.1",
            91,
            "Could not convert posList->pos_list_3d: expected triplets of coordinates",
        ),
        (
            "<gml:posList>10.0 44.95 10.0 10.3 45.05 10.0</gml:posList>",
            "<gml:posList>10.0 44.95 10.0</gml:posList>",
            88,
            "node complexFaultGeometry: each fault edge needs at least 2 points",
        ),
        (
            r#"<bottomRight lon="10.2" lat="45.1" depth="12.0"/>"#,
            r#"<bottomRight lon="10.2" lat="99" depth="12.0"/>"#,
            118,
            "node bottomRight: Could not convert lat->latitude",
        ),
        (
            r#"<bottomRight lon="10.2" lat="45.1" depth="12.0"/>"#,
            "",
            114,
            "node planarSurface: missing element bottomRight",
        ),
        (
            r#"id="P1""#,
            r#"id="P 1""#,
            5,
            "node pointSource: Could not convert id->id: invalid ID 'P 1'",
        ),
        (
            r#"id="P1" name="point""#,
            r#"id="P1""#,
            5,
            "node pointSource: missing attribute name",
        ),
        (
            "</characteristicFaultSource>",
            "</characteristicFaultSource>\n      <fooSource id=\"X\" name=\"x\"/>",
            122,
            "node fooSource: fooSource is not a known kind of source",
        ),
        (
            r#"<pointSource id="P1" name="point">"#,
            r#"<pointSource id="P1" name="point" tectonicRegion="Stable Continental Crust">"#,
            5,
            "node pointSource: tectonicRegion 'Stable Continental Crust' differs from the \
             group's 'Active Shallow Crust'",
        ),
        (
            r#" tectonicRegion="Active Shallow Crust""#,
            "",
            4,
            "node sourceGroup: missing attribute tectonicRegion",
        ),
        (
            r#"tectonicRegion="Active Shallow Crust">"#,
            r#"tectonicRegion="Active Shallow Crust" src_interdep="mutex">"#,
            4,
            "node sourceGroup: a group of mutually exclusive sources needs srcs_weights",
        ),
        (
            r#"tectonicRegion="Active Shallow Crust">"#,
            r#"tectonicRegion="Active Shallow Crust" src_interdep="mutex" srcs_weights="0.5 0.5">"#,
            4,
            "node sourceGroup: there are 2 srcs_weights but 6 sources",
        ),
        (
            r#"tectonicRegion="Active Shallow Crust">"#,
            r#"tectonicRegion="Active Shallow Crust" src_interdep="mutex"
                srcs_weights="0.5 0.5 0.5 0.5 0.5 0.5">"#,
            4,
            "node sourceGroup: srcs_weights sum up to 3, not 1",
        ),
        (
            r#"tectonicRegion="Active Shallow Crust">"#,
            r#"tectonicRegion="Active Shallow Crust" rup_interdep="foo">"#,
            4,
            "Could not convert rup_interdep->interdependence: 'foo' is neither 'indep' nor \
             'mutex'",
        ),
        (
            r#"<sourceGroup name="crust""#,
            r#"<pointSource id="Z" name="z"/><sourceGroup name="crust""#,
            4,
            "node pointSource: NRML 0.5 expects sourceGroup elements in a sourceModel",
        ),
        (
            r#"<sourceModel name="every source kind">"#,
            r#"<sourceModel name="every source kind" investigation_time="-1">"#,
            3,
            "node sourceModel: Could not convert investigation_time->positive_float",
        ),
    ];
    for &(old, new, line, fragment) in cases {
        assert_invalid(&replace(ALL_SOURCES, old, new), line, fragment);
    }
}

#[test]
fn variants_openquake_accepts() {
    let variants: &[&[(&str, &str)]] = &[
        // both rates: totalMomentRate wins
        &[(
            r#"characteristicRate="0.005""#,
            r#"characteristicRate="0.005" totalMomentRate="1e17""#,
        )],
        // a mutually exclusive group with weights summing up to 1
        &[(
            r#"tectonicRegion="Active Shallow Crust">"#,
            r#"tectonicRegion="Active Shallow Crust" src_interdep="mutex"
                srcs_weights="0.1 0.1 0.2 0.2 0.2 0.2">"#,
        )],
        // an empty aspectRatioFunction: OpenQuake reads it only when it computes
        &[(
            "<ruptAspectRatio>1.5</ruptAspectRatio>",
            "<aspectRatioFunction/>",
        )],
        // a complex fault without a faultBottomEdge: its last edge is the bottom
        &[
            ("<faultBottomEdge>", "<intermediateEdge>"),
            ("</faultBottomEdge>", "</intermediateEdge>"),
        ],
        // the source repeats the group's tectonic region
        &[(
            r#"<pointSource id="P1" name="point">"#,
            r#"<pointSource id="P1" name="point" tectonicRegion="Active Shallow Crust">"#,
        )],
        // a source kind not read yet
        &[(
            "</characteristicFaultSource>",
            r#"</characteristicFaultSource><kiteFaultSource id="K" name="k"/>"#,
        )],
        // a parametric scaling relationship as a TOML table
        &[("CScalingMSR.C=4.7", "[CScalingMSR]\nC = 4.7")],
    ];
    for edits in variants {
        let xml = edits
            .iter()
            .fold(ALL_SOURCES.to_owned(), |xml, (old, new)| {
                replace(&xml, old, new)
            });
        assert_valid(&xml);
    }
}

#[test]
fn nrml_0_4_sources_are_grouped_by_tectonic_region() {
    let xml = r#"<?xml version="1.0" encoding="utf-8"?>
<nrml xmlns="http://openquake.org/xmlns/nrml/0.4" xmlns:gml="http://www.opengis.net/gml">
  <sourceModel name="old">
    <pointSource id="1" name="a" tectonicRegion="Active Shallow Crust">
      <pointGeometry>
        <gml:Point><gml:pos>1 2</gml:pos></gml:Point>
        <upperSeismoDepth>0</upperSeismoDepth>
        <lowerSeismoDepth>10</lowerSeismoDepth>
      </pointGeometry>
      <magScaleRel>WC1994</magScaleRel>
      <ruptAspectRatio>1</ruptAspectRatio>
      <truncGutenbergRichterMFD aValue="1" bValue="1" minMag="5" maxMag="6"/>
      <nodalPlaneDist><nodalPlane probability="1" strike="0" dip="90" rake="0"/></nodalPlaneDist>
      <hypoDepthDist><hypoDepth probability="1" depth="5"/></hypoDepthDist>
    </pointSource>
    SECOND
  </sourceModel>
</nrml>"#;
    let first = xml.find("<pointSource").unwrap();
    let end = xml.find("SECOND").unwrap();
    let second = xml[first..end]
        .replace(r#"id="1""#, r#"id="2""#)
        .replace("Active Shallow Crust", "Stable Continental Crust");
    let xml = xml.replace("SECOND", &second);
    let Model::SourceModel(model) = read(&xml, FILE).unwrap().model else {
        panic!("not a source model");
    };
    let regions: Vec<&str> = model
        .groups
        .iter()
        .map(|g| g.tectonic_region.as_str())
        .collect();
    assert_eq!(
        regions,
        ["Active Shallow Crust", "Stable Continental Crust"]
    );
    assert_invalid(
        &xml.replace(r#" tectonicRegion="Active Shallow Crust""#, ""),
        4,
        "node pointSource: missing attribute tectonicRegion",
    );
}

/// Crashed the `nrml` fuzz target: a `multiMFD` whose `size` or `lengths` are too large to
/// count made the check allocate them all or overflow their sum.
#[test]
fn multi_mfd_lengths_too_large_to_count_are_errors() {
    let gr = r#"<truncGutenbergRichterMFD aValue="3.0" bValue="1.0" minMag="5.0" maxMag="6.5"/>"#;
    let max = usize::MAX;
    for (size, lengths, sum) in [
        (max.to_string(), "1".to_owned(), max.to_string()),
        (max.to_string(), "2".to_owned(), format!("more than {max}")),
        (
            "2".to_owned(),
            format!("{max} 1"),
            format!("more than {max}"),
        ),
        (
            "100000000000".to_owned(),
            "1".to_owned(),
            "100000000000".to_owned(),
        ),
    ] {
        let multi = format!(
            r#"<multiMFD kind="arbitraryMFD" size="{size}"><magnitudes>5</magnitudes>
               <occurRates>1</occurRates><lengths>{lengths}</lengths></multiMFD>"#
        );
        assert_invalid(
            &replace(ALL_SOURCES, gr, &multi),
            15,
            &format!("node multiMFD: magnitudes has 1 values, the lengths add up to {sum}"),
        );
    }
}
