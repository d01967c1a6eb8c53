//! Our exports of a reference datastore (OpenQuake 3.26.2's classical calculation with two
//! realizations, quantiles, maps and spectra) against the reference engine's own exports of
//! it (`tools/reference_exports.py`), byte for byte.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use oqcloud_datastore::Datastore;
use oqcloud_extract::{available_outputs, export};

mod common;
use common::read_npz;

fn reference_datastore() -> Datastore {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../datastore/tests/data/datastore/classical.hdf5");
    Datastore::open(path).unwrap()
}

fn expected_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/classical_exports")
}

/// Our exports of `ds` (as calculation `calc_id`) against the reference's exports of it in
/// `dir`, for every key (`<output>.<format>`) of its `manifest.json`
/// (`tools/reference_exports.py`): the same file names, CSVs byte for byte, npz archives
/// member by member (the reference's archive is stored, ours deflated).
fn check_exports(ds: &Datastore, calc_id: i64, dir: &Path) {
    let manifest: BTreeMap<String, Vec<String>> =
        serde_json::from_slice(&std::fs::read(dir.join("manifest.json")).unwrap()).unwrap();
    for (key, files) in &manifest {
        let (output_type, format) = key.rsplit_once('.').unwrap();
        let out = tempfile::tempdir().unwrap();
        let written = export(ds, calc_id, output_type, format, out.path())
            .unwrap_or_else(|err| panic!("{key}: {err}"));
        let names: Vec<&str> = written
            .iter()
            .map(|path| path.file_name().unwrap().to_str().unwrap())
            .collect();
        assert_eq!(names, *files, "{key}: file names");
        for name in files {
            let (ours, theirs) = (
                std::fs::read(out.path().join(name)).unwrap(),
                std::fs::read(dir.join(name)).unwrap(),
            );
            if format == "npz" {
                assert_eq!(read_npz(&ours), read_npz(&theirs), "{name}");
            } else {
                assert_eq!(
                    String::from_utf8_lossy(&ours),
                    String::from_utf8_lossy(&theirs),
                    "{name}"
                );
            }
        }
    }
}

/// Hazard curves, maps and spectra (CSV and npz) and the realizations.
#[test]
fn classical_exports_are_the_references() {
    check_exports(&reference_datastore(), 7, &expected_dir());
}

#[test]
fn outputs_listed_as_the_reference_lists_them() {
    let outputs = available_outputs(&reference_datastore()).unwrap();
    let listed: Vec<(&str, Vec<&str>)> = outputs
        .iter()
        .map(|o| (o.kind.output_type, o.formats.clone()))
        .collect();
    assert_eq!(
        listed,
        [
            ("fullreport", vec!["rst"]),
            ("hcurves", vec!["csv", "npz"]),
            ("hmaps", vec!["csv", "npz"]),
            ("uhs", vec!["csv", "npz"])
        ]
    );
}

#[test]
fn unsupported_format_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let err = export(&reference_datastore(), 7, "hcurves", "xml", dir.path()).unwrap_err();
    assert_eq!(err.to_string(), "cannot export hcurves in format xml");
}

#[test]
fn full_report_summarises_the_calculation() {
    let dir = tempfile::tempdir().unwrap();
    let written = export(&reference_datastore(), 7, "fullreport", "rst", dir.path()).unwrap();
    let text = std::fs::read_to_string(&written[0]).unwrap();
    assert!(written[0].ends_with("report_7.rst"));
    // the first sections of the reference's own report of this datastore
    let reference_start = "\
oqcloud datastore test: classical_area demo shrunk to 3 sites, with realizations and quantiles
==============================================================================================

+----------------+---------------------+
| checksum32     | 755_930_395         |
+----------------+---------------------+
| date           | 2026-11-22T05:06:25 |
+----------------+---------------------+
| engine_version | 3.26.2              |
+----------------+---------------------+
| input_size     | 5_082               |
+----------------+---------------------+

num_sites = 3, num_levels = 16, num_rlzs = 2
";
    assert!(text.starts_with(reference_start), "{text}");
    assert!(
        text.contains("| Active Shallow Crust | [BooreAtkinson2008] [ChiouYoungs2008] |"),
        "{text}"
    );
}

/// The reference engine's risk datastore `tests/data/extract-risk-<kind>/calc.hdf5`.
fn risk_datastore(kind: &str) -> Datastore {
    Datastore::open(risk_dir(kind).join("calc.hdf5")).unwrap()
}

fn risk_dir(kind: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("../../tests/data/extract-risk-{kind}"))
}

/// Scenario risk: aggregate risk and its statistics, average losses, losses by taxonomy,
/// losses by event.
#[test]
fn scenario_risk_exports_are_the_references() {
    check_exports(
        &risk_datastore("scenario"),
        5,
        &risk_dir("scenario").join("exports"),
    );
}

/// Scenario damage, two realizations: damage by asset (CSV per realization and the mean,
/// npz), aggregate damage statistics, damage by event.
#[test]
fn scenario_damage_exports_are_the_references() {
    check_exports(
        &risk_datastore("damage"),
        5,
        &risk_dir("damage").join("exports"),
    );
}

/// Event based risk, two realizations, quantiles, `aggregate_by = NAME_1`: aggregate risk
/// and curves with their statistics, average losses by realization and statistic, losses by
/// event and by source.
#[test]
fn event_based_risk_exports_are_the_references() {
    check_exports(
        &risk_datastore("event"),
        5,
        &risk_dir("event").join("exports"),
    );
}

/// Event based damage, ten samples, `aggregate_by = taxonomy, NAME_1`: aggregate damage and
/// curves with their statistics, consequences by asset, damage by event.
#[test]
fn event_based_damage_exports_are_the_references() {
    check_exports(
        &risk_datastore("event-damage"),
        5,
        &risk_dir("event-damage").join("exports"),
    );
}

/// The outputs of `kind` with their formats, as listed, but the hazard ones (and the report).
fn risk_outputs(kind: &str) -> Vec<(&'static str, Vec<&'static str>)> {
    let hazard_types = [
        "avg_gmf",
        "event_based_mfd",
        "events",
        "fullreport",
        "gmf_data",
        "hcurves",
        "hmaps",
        "realizations",
        "ruptures",
        "site_model",
        "uhs",
    ];
    let all = available_outputs(&risk_datastore(kind)).unwrap();
    // as the reference registers them: in the order of their types
    let types: Vec<&str> = all.iter().map(|o| o.kind.output_type).collect();
    assert!(types.windows(2).all(|w| w[0] < w[1]), "{types:?}");
    all.into_iter()
        .filter(|o| !hazard_types.contains(&o.kind.output_type))
        .map(|o| (o.kind.output_type, o.formats))
        .collect()
}

/// The risk outputs the reference registers after running each job (`expose_outputs`), in
/// its order, with the formats we write.
#[test]
fn risk_outputs_listed_as_the_reference_lists_them() {
    let csv = || vec!["csv"];
    assert_eq!(
        risk_outputs("scenario"),
        [
            ("aggrisk", csv()),
            ("aggrisk-stats", csv()),
            ("avg_losses-rlzs", csv()),
            ("avg_losses_by", csv()),
            ("exposure", vec!["zip"]),
            ("risk_by_event", csv()),
        ]
    );
    // two realizations without individual_rlzs: no aggrisk, only its statistics
    assert_eq!(
        risk_outputs("damage"),
        [
            ("aggrisk-stats", csv()),
            ("damages-rlzs", vec!["npz", "csv"]),
            ("damages-stats", csv()),
            ("exposure", vec!["zip"]),
            ("risk_by_event", csv()),
        ]
    );
    assert_eq!(
        risk_outputs("event"),
        [
            ("aggcurves", csv()),
            ("aggcurves-stats", csv()),
            ("aggrisk", csv()),
            ("aggrisk-stats", csv()),
            ("avg_losses-rlzs", csv()),
            ("avg_losses-stats", csv()),
            ("exposure", vec!["zip"]),
            ("risk_by_event", csv()),
            ("src_loss_table", csv()),
        ]
    );
    assert_eq!(
        risk_outputs("event-damage"),
        [
            ("aggcurves", csv()),
            ("aggcurves-stats", csv()),
            ("aggrisk", csv()),
            ("aggrisk-stats", csv()),
            ("damages-rlzs", vec!["npz", "csv"]),
            ("damages-stats", csv()),
            ("exposure", vec!["zip"]),
            ("risk_by_event", csv()),
        ]
    );
    assert_eq!(
        risk_outputs("event-damage-aggby"),
        [
            ("aggcurves", csv()),
            ("aggcurves-stats", csv()),
            ("aggrisk", csv()),
            ("aggrisk-stats", csv()),
            ("damages-rlzs", vec!["npz", "csv"]),
            ("damages-stats", csv()),
            ("exposure", vec!["zip"]),
            ("risk_by_event", csv()),
        ]
    );
}

/// A risk output in a format it has not, or that the calculation has not, is an error.
#[test]
fn risk_export_of_a_missing_output_or_format_is_an_error() {
    let ds = risk_datastore("scenario");
    let dir = tempfile::tempdir().unwrap();
    let err = export(&ds, 5, "aggrisk", "npz", dir.path()).unwrap_err();
    assert_eq!(err.to_string(), "cannot export aggrisk in format npz");
    // a scenario risk calculation has no damages
    let err = export(&ds, 5, "damages-stats", "csv", dir.path()).unwrap_err();
    assert!(err.to_string().contains("damages-stats"), "{err}");
    // statistics of average losses are not stored for a single realization
    let err = export(&ds, 5, "avg_losses-stats", "csv", dir.path()).unwrap_err();
    assert!(err.to_string().contains("avg_losses-stats"), "{err}");
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
}

/// Event based damage aggregated by two tag sets (`aggregate_by = taxonomy, NAME_1; NAME_1`):
/// one file per tag set of the aggregate damage and curves and their statistics.
#[test]
fn event_based_damage_by_two_tag_sets_exports_are_the_references() {
    let kind = "event-damage-aggby";
    check_exports(&risk_datastore(kind), 5, &risk_dir(kind).join("exports"));
}
