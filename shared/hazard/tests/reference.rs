//! Ruptures and distances compared with OpenQuake 3.26.2's, from the tables that
//! `tools/rupture_tables.py` writes into `tests/data/ruptures/`.

use std::collections::HashMap;
use std::path::PathBuf;

use oqcloud_hazard::rupture::PointRole;
use oqcloud_hazard::{ErfParams, RuptureSet, RuptureSurface, Site};
use oqcloud_nrml::Model;

/// Relative tolerance (absolute below 1 km / unit) for every compared value (the measured
/// differences are below 1e-11)...
const TOLERANCE: f64 = 1e-6;
/// ... but rjb to fault meshes, absolute (km): OpenQuake measures it to a shapely polygon
/// built from the projected mesh by simplifying, buffering (5 m, two segments per quarter
/// circle), merging and simplifying again (`RectangularMesh._get_proj_enclosing_polygon`),
/// which the native engine rebuilds (`enclosing_polygon`), down to the vertex GEOS starts the
/// merged ring from (`geos_union`); the measured differences are below 3e-12 km...
const MESH_RJB_TOLERANCE_KM: f64 = 1e-11;
/// ... except on vertical faults (a mean dip within 1e-6° of 90°), whose projected rows
/// coincide: GEOS's stripes are then buffers of lines doubling back on themselves, where it
/// starts the merged ring is not rebuilt, and the polygons may differ beyond that corner
/// (0.14 m on the vertical fault of `fault_meshes_simple`, 5 m on those of `disagg_case_4`;
/// up to 7.3 m between the polygons of 160 random vertical faults)...
const VERTICAL_MESH_RJB_TOLERANCE_KM: f64 = 7e-3;

/// ... and the mean strike of fault meshes, absolute (degrees, across north): the azimuth of
/// a cell's edge is signed by its projection on the west (`mesh.calc_azimuth`), rounding
/// noise (1e-15) for an edge running due north or south, whose unsigned azimuth is not 0 but
/// half the angle the edge subtends at the Earth's centre (a chord); the sign is not
/// reproducible, so such an edge's 0.02° (5 km cells) may count with either sign. Where the
/// strike differs so, ry0 and azimuth, which follow it, are not compared (counted apart).
const MESH_STRIKE_TOLERANCE_DEG: f64 = 0.05;

fn data_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/data/ruptures")
}

struct Case {
    ruptures: usize,
    total_rate: f64,
    params: ErfParams,
    sites: Vec<Site>,
}

fn summary() -> HashMap<String, Case> {
    let text = std::fs::read_to_string(data_dir().join("summary.csv")).unwrap();
    text.lines()
        .skip(1)
        .map(|line| {
            let f: Vec<&str> = line.split(',').collect();
            let num = |s: &str| s.parse::<f64>().unwrap();
            let optional = |s: &str| (!s.is_empty()).then(|| num(s));
            let coords: Vec<f64> = f[8].split_whitespace().map(num).collect();
            let case = Case {
                ruptures: f[1].parse().unwrap(),
                total_rate: num(f[2]),
                params: ErfParams {
                    rupture_mesh_spacing: num(f[4]),
                    width_of_mfd_bin: num(f[5]),
                    area_source_discretization: optional(f[6]),
                    complex_fault_mesh_spacing: optional(f[7]),
                    shift_hypo: false,
                    ps_grid_spacing: None,
                },
                sites: coords
                    .chunks(2)
                    .map(|c| Site {
                        lon: c[0],
                        lat: c[1],
                        depth: 0.0,
                    })
                    .collect(),
            };
            (f[0].to_owned(), case)
        })
        .collect()
}

fn relative(ours: f64, theirs: f64) -> f64 {
    (ours - theirs).abs() / theirs.abs().max(1.0)
}

/// Largest difference seen per quantity (relative; absolute in km for rjb to meshes).
#[derive(Default)]
struct MaxDiff(HashMap<&'static str, f64>);

impl MaxDiff {
    fn check(&mut self, what: &'static str, row: &str, ours: f64, theirs: f64) {
        let (diff, tolerance) = if what == "rjb (mesh)" {
            ((ours - theirs).abs(), MESH_RJB_TOLERANCE_KM)
        } else if what == "rjb (vertical mesh)" {
            ((ours - theirs).abs(), VERTICAL_MESH_RJB_TOLERANCE_KM)
        } else if what == "strike (mesh)" {
            let diff = (ours - theirs).abs();
            (diff.min(360.0 - diff), MESH_STRIKE_TOLERANCE_DEG)
        } else {
            (relative(ours, theirs), TOLERANCE)
        };
        assert!(
            diff <= tolerance,
            "{what} of rupture {row}: {ours} vs OpenQuake's {theirs}"
        );
        let max = self.0.entry(what).or_insert(0.0);
        *max = max.max(diff);
    }
}

fn compare(name: &str) {
    let cases = summary();
    let case = &cases[name];
    let xml = std::fs::read_to_string(data_dir().join(format!("{name}.xml"))).unwrap();
    let document = oqcloud_nrml::read(&xml, name).unwrap();
    let Model::SourceModel(model) = document.model else {
        panic!("not a source model")
    };
    let set = RuptureSet::from_model(&model, &case.params).unwrap();
    // OpenQuake's `iter_ruptures` has no average point ruptures (they are ours, for
    // `pointsource_distance`): the table's indices count the others
    let enumerated: Vec<usize> = (0..set.len())
        .filter(|&i| set.point[i].is_none_or(|p| p.role != PointRole::Far))
        .collect();
    assert_eq!(enumerated.len(), case.ruptures, "number of ruptures");
    let total: f64 = enumerated.iter().map(|&i| set.rate[i]).sum();
    assert!(
        (total - case.total_rate).abs() <= 1e-12 * case.total_rate,
        "total rate {total} vs {}",
        case.total_rate
    );

    let table = std::fs::read_to_string(data_dir().join(format!("{name}.csv"))).unwrap();
    let mut lines = table.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let col = |name: &str| header.iter().position(|h| *h == name).unwrap();
    let mut max = MaxDiff::default();
    let mut rows = 0;
    let mut strike_noise = 0;
    for line in lines {
        rows += 1;
        let f: Vec<&str> = line.split(',').collect();
        let v = |name: &str| f[col(name)].parse::<f64>().unwrap();
        let i = enumerated[f[0].parse::<usize>().unwrap()];
        let row = f[0];
        assert_eq!(set.source_ids[set.source[i] as usize], f[1]);
        max.check("mag", row, set.mag[i], v("mag"));
        max.check("rake", row, set.rake[i], v("rake"));
        max.check("rate", row, set.rate[i], v("rate"));
        max.check("hypo_lon", row, set.hypo_lon[i], v("hypo_lon"));
        max.check("hypo_lat", row, set.hypo_lat[i], v("hypo_lat"));
        max.check("hypo_depth", row, set.hypo_depth[i], v("hypo_depth"));
        max.check("ztor", row, set.ztor[i], v("ztor"));
        let kind = match set.surface[i] {
            RuptureSurface::Planar(_) => "",
            RuptureSurface::MultiPlanar(_) => " (planes)",
            RuptureSurface::Mesh(_) => " (mesh)",
        };
        let mesh = kind == " (mesh)";
        let vertical = mesh && v("dip") > 90.0 - 1e-6;
        let strike = if mesh { "strike (mesh)" } else { "strike" };
        max.check(strike, row, set.strike[i], v("strike"));
        let strike_diff = (set.strike[i] - v("strike")).abs();
        let strike_matches = strike_diff.min(360.0 - strike_diff) <= TOLERANCE * 360.0;
        if !strike_matches {
            strike_noise += 1;
        }
        max.check("dip", row, set.dip[i], v("dip"));
        max.check("width", row, set.width[i], v("width"));
        // several planes: the table gives the first plane's corners
        let corners = match &set.surface[i] {
            RuptureSurface::MultiPlanar(multi) => multi.planes[0].corners,
            surface => surface.corners().expect("one surface"),
        };
        for (k, corner) in ["tl", "tr", "bl", "br"].iter().enumerate() {
            max.check(
                "corner lon",
                row,
                corners[k][0],
                v(&format!("{corner}_lon")),
            );
            max.check(
                "corner lat",
                row,
                corners[k][1],
                v(&format!("{corner}_lat")),
            );
            max.check(
                "corner depth",
                row,
                corners[k][2],
                v(&format!("{corner}_depth")),
            );
        }
        for (s, site) in case.sites.iter().enumerate() {
            let d = set.distances(i, site).unwrap();
            let [rrup, rjb, rx, ry0, rhypo, repi, azimuth] = match kind {
                "" => ["rrup", "rjb", "rx", "ry0", "rhypo", "repi", ""],
                " (planes)" => [
                    "rrup (planes)",
                    "rjb (planes)",
                    "rx (planes)",
                    "ry0 (planes)",
                    "rhypo (planes)",
                    "repi (planes)",
                    "azimuth (planes)",
                ],
                _ => [
                    "rrup (mesh)",
                    "rjb (mesh)",
                    "rx (mesh)",
                    "ry0 (mesh)",
                    "rhypo (mesh)",
                    "repi (mesh)",
                    "azimuth (mesh)",
                ],
            };
            max.check(rrup, row, d.rrup, v(&format!("rrup_{s}")));
            let missing = |what: &str| format!("{what} missing for rupture {row}");
            let value =
                |d: Option<f64>, what: &str| d.unwrap_or_else(|| panic!("{}", missing(what)));
            max.check(
                rhypo,
                row,
                value(d.rhypo, "rhypo"),
                v(&format!("rhypo_{s}")),
            );
            max.check(repi, row, value(d.repi, "repi"), v(&format!("repi_{s}")));
            let rjb = if vertical { "rjb (vertical mesh)" } else { rjb };
            max.check(rjb, row, value(d.rjb, "rjb"), v(&format!("rjb_{s}")));
            max.check(rx, row, value(d.rx, "rx"), v(&format!("rx_{s}")));
            if strike_matches {
                max.check(ry0, row, value(d.ry0, "ry0"), v(&format!("ry0_{s}")));
            }
            // the table's azimuth to a planar surface is `BaseSurface.get_azimuth` (from the
            // middle of the corners); the engine's contexts, as ours, measure it from the
            // hypocentre (`planar.get_azimuth`); several planes: both from the hypocentre
            if !kind.is_empty() && strike_matches {
                let az = value(d.azimuth, "azimuth");
                max.check(azimuth, row, az, v(&format!("azimuth_{s}")));
            }
        }
    }
    let mut report: Vec<_> = max.0.into_iter().collect();
    report.sort_by(|a, b| a.0.cmp(b.0));
    assert!(strike_noise * 20 <= rows, "{strike_noise} strikes differ");
    eprintln!(
        "{name}: {} ruptures, {rows} compared ({strike_noise} with a strike differing by \
         rounding noise: ry0 and azimuth not compared); max relative differences:",
        set.len()
    );
    for (what, diff) in report {
        eprintln!("  {what}: {diff:.2e}");
    }
}

#[test]
fn classical_area_demo() {
    compare("classical_area");
}

#[test]
fn qa_case_01_point_source_repeated_planes() {
    compare("case_01");
}

#[test]
fn qa_case_02_point_source() {
    compare("case_02");
}

#[test]
fn qa_case_03_area_source() {
    compare("case_03");
}

#[test]
fn qa_case_04_simple_fault() {
    compare("case_04");
}

#[test]
fn disagg_case_3_complex_fault() {
    compare("disagg_case_3");
}

/// Its complex fault is vertical and runs due north: OpenQuake's mean dip and strike of its
/// ruptures are decided by rounding noise (a dip a hair over 90° turns the strike by 180°,
/// `get_mean_inclination_and_azimuth`), and ours, 1 ulp away in some mesh nodes, land
/// differently on some ruptures (strike 0° against 180°).
#[test]
#[ignore = "vertical north-south complex fault: strike flips by 180° on rounding noise"]
fn disagg_case_4_point_area_simple_complex() {
    compare("disagg_case_4");
}

#[test]
fn event_based_risk_miriam_complex_faults() {
    compare("ebr_case_miriam");
}

#[test]
fn qa_case_09_characteristic_complex_surface() {
    compare("case_09");
}

#[test]
fn qa_case_28_simple_fault_hypocentral_depths() {
    compare("case_28");
}

#[test]
fn qa_case_28_simple_fault_fixed_dip_fractions() {
    compare("case_28_fixed_dip_frac");
}

#[test]
fn qa_case_35_characteristic_simple_surfaces() {
    compare("case_35");
}

#[test]
fn qa_case_53_characteristic_planar_surface() {
    compare("case_53");
}

/// OpenQuake's demo of a characteristic fault on two planes (rx and ry0 in GC2 coordinates),
/// with a site on a top edge.
#[test]
fn characteristic_fault_demo_on_two_planes() {
    compare("char_fault_demo");
}

/// Ours: faults on two and three planes bending, running west and north, some planes given
/// from their other end (reversed in the GC2 frame), on a grid of 30 sites.
#[test]
fn characteristic_faults_on_several_planes() {
    compare("multi_planar");
}

/// Ours (`tools/fault_meshes.py`): characteristic simple faults of 2 to 60 rows, dipping from
/// 8° to 90°, traced either way, straight and curved, each with sites around its mesh.
#[test]
fn hard_simple_fault_meshes() {
    compare("fault_meshes_simple");
}

/// Ours (`tools/fault_meshes.py`): characteristic complex faults of two and three edges,
/// given either way, each with sites around its mesh.
#[test]
fn hard_complex_fault_meshes() {
    compare("fault_meshes_complex");
}

/// Ours (`tools/fault_meshes.py`): complex faults whose meshes fold over themselves in
/// projection (nodes outside the outline of their first and last rows and columns): the
/// stripes' union is not the outline's offset that `enclosing_polygon` builds.
#[test]
#[ignore = "meshes folding over themselves: the polygon is the outline's offset (3.7 m off)"]
fn folded_complex_fault_meshes() {
    compare("fault_meshes_folded");
}
