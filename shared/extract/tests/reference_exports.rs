//! Our exports of the reference engine's datastores (OpenQuake 3.26.2: a classical
//! calculation with two realizations, quantiles, maps and spectra; an event-based one; two
//! scenarios; a disaggregation) against the reference engine's own exports of them
//! (`tools/reference_exports.py`), byte for byte, and the outputs we list against those it
//! registers after the run.

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

/// The reference datastore `tests/data/extract-<name>/calc.hdf5` of the repository.
fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("../../tests/data/extract-{name}"))
}

fn fixture_datastore(name: &str) -> Datastore {
    Datastore::open(fixture(name).join("calc.hdf5")).unwrap()
}

/// The reference's file `name` in `dir`, or (for the big ones) in `dir/files.zip`.
fn expected_file(dir: &Path, name: &str) -> Vec<u8> {
    let path = dir.join(name);
    if path.exists() {
        return std::fs::read(path).unwrap();
    }
    let zipped = std::fs::File::open(dir.join("files.zip"))
        .unwrap_or_else(|err| panic!("{name}: neither in {} nor zipped: {err}", dir.display()));
    let mut archive = zip::ZipArchive::new(zipped).unwrap();
    let mut member = archive
        .by_name(name)
        .unwrap_or_else(|err| panic!("{name} in files.zip: {err}"));
    let mut bytes = Vec::new();
    std::io::Read::read_to_end(&mut member, &mut bytes).unwrap();
    bytes
}

/// The outputs we list for `ds`: output type and formats.
fn listed(ds: &Datastore) -> Vec<(&'static str, Vec<&'static str>)> {
    available_outputs(ds)
        .unwrap()
        .into_iter()
        .map(|o| (o.kind.output_type, o.formats))
        .collect()
}

/// Our exports of `ds` (as calculation `calc_id`) against the reference's exports of it in
/// `dir`, for every key (`<output>.<format>`) of its `manifest.json`
/// (`tools/reference_exports.py`): the same file names, CSVs byte for byte, npz archives
/// member by member (the reference's archive is stored, ours deflated). Big expected files
/// are kept in the directory's `files.zip`.
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
                expected_file(dir, name),
            );
            if format == "npz" {
                assert_eq!(read_npz(&ours), read_npz(&theirs), "{name}");
            } else if format == "hdf5" {
                let copy = out.path().join(format!("reference-{name}"));
                std::fs::write(&copy, &theirs).unwrap();
                let ours = Datastore::open(out.path().join(name)).unwrap();
                assert_same_hdf5(&ours, &Datastore::open(copy).unwrap(), "", name);
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

/// The same groups, datasets (type, shape, values) and attributes under `group` of both
/// files: an HDF5 export is compared by content, not byte for byte.
fn assert_same_hdf5(ours: &Datastore, theirs: &Datastore, group: &str, file: &str) {
    let members = theirs.members(group).unwrap();
    assert_eq!(
        ours.members(group).unwrap(),
        members,
        "{file}:{group}/ members"
    );
    assert_eq!(
        ours.attrs(group).unwrap(),
        theirs.attrs(group).unwrap(),
        "{file}:{group} attributes"
    );
    for member in members {
        let path = if group.is_empty() {
            member
        } else {
            format!("{group}/{member}")
        };
        if theirs.is_group(&path).unwrap() {
            assert!(ours.is_group(&path).unwrap(), "{file}:{path} is a group");
            assert_same_hdf5(ours, theirs, &path, file);
        } else {
            assert_eq!(
                ours.read_dataset_raw(&path).unwrap(),
                theirs.read_dataset_raw(&path).unwrap(),
                "{file}:{path}"
            );
            assert_eq!(
                ours.attrs(&path).unwrap(),
                theirs.attrs(&path).unwrap(),
                "{file}:{path} attributes"
            );
        }
    }
}

/// Hazard curves, maps and spectra (CSV and npz) and the realizations.
#[test]
fn classical_exports_are_the_references() {
    check_exports(&reference_datastore(), 7, &expected_dir());
}

/// The output types the reference registers for a datastore after its run, in order
/// (`outputs.json` beside its exports, from `tools/reference_exports.py`).
fn registered(dir: &Path) -> Vec<String> {
    serde_json::from_slice(&std::fs::read(dir.join("outputs.json")).unwrap()).unwrap()
}

/// What the reference registers after a run (`expose_outputs`, sorted by output type): of
/// the classical run hmaps-stats and realizations too; of the event-based run the MFD
/// beside the ruptures; of the scenarios neither ruptures nor MFD; of the disaggregation no
/// maps (`hazard_maps` is off). We write every format the reference's registry has for them.
#[test]
fn outputs_listed_as_the_reference_lists_them() {
    let mut datastores = vec![(reference_datastore(), expected_dir())];
    for name in ["event", "scenario", "scenario-fault", "disagg"] {
        datastores.push((fixture_datastore(name), fixture(name).join("exports")));
    }
    for (ds, dir) in datastores {
        let listed = listed(&ds);
        let types: Vec<&str> = listed.iter().map(|(t, _)| *t).collect();
        assert_eq!(types, registered(&dir), "{}", dir.display());
        for (output_type, formats) in listed {
            let kind = oqcloud_model::output_kind(output_type).unwrap();
            assert_eq!(formats, kind.formats, "{output_type} of {}", dir.display());
        }
    }
    assert_eq!(
        listed(&fixture_datastore("scenario")),
        [
            ("avg_gmf", vec!["csv"]),
            ("events", vec!["csv"]),
            ("fullreport", vec!["rst"]),
            ("gmf_data", vec!["csv", "hdf5"]),
            ("site_model", vec!["csv"]),
        ]
    );
}

/// Events, ruptures, their MFD, ground motions (with sigma, epsilon and the site mesh),
/// their averages, curves, maps (also by return period) and realizations.
#[test]
fn event_based_exports_are_the_references() {
    let dir = fixture("event");
    check_exports(&fixture_datastore("event"), 5, &dir.join("exports"));
}

/// A scenario on a site model: events, ground motions, averages and the site model.
#[test]
fn scenario_exports_are_the_references() {
    let dir = fixture("scenario");
    check_exports(&fixture_datastore("scenario"), 5, &dir.join("exports"));
}

/// A scenario of two ground motion fields, with sites left without ground motions.
#[test]
fn scenario_fault_exports_are_the_references() {
    let dir = fixture("scenario-fault");
    check_exports(
        &fixture_datastore("scenario-fault"),
        5,
        &dir.join("exports"),
    );
}

/// Disaggregation by realization and mean, one file per kind and site, with the curves.
#[test]
fn disaggregation_exports_are_the_references() {
    let dir = fixture("disagg");
    check_exports(&fixture_datastore("disagg"), 5, &dir.join("exports"));
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
