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

/// File name → contents of the reference export files whose names start with a prefix.
fn expected(prefixes: &[&str]) -> BTreeMap<String, String> {
    std::fs::read_dir(expected_dir())
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter_map(|path| {
            let name = path.file_name()?.to_str()?.to_owned();
            prefixes
                .iter()
                .any(|p| name.starts_with(p))
                .then(|| (name, std::fs::read_to_string(&path).unwrap()))
        })
        .collect()
}

fn check(output_type: &str, prefixes: &[&str]) {
    let dir = tempfile::tempdir().unwrap();
    let written = export(&reference_datastore(), 7, output_type, "csv", dir.path()).unwrap();
    let ours: BTreeMap<String, String> = written
        .iter()
        .map(|path| {
            (
                path.file_name().unwrap().to_str().unwrap().to_owned(),
                std::fs::read_to_string(path).unwrap(),
            )
        })
        .collect();
    let theirs = expected(prefixes);
    assert_eq!(
        ours.keys().collect::<Vec<_>>(),
        theirs.keys().collect::<Vec<_>>(),
        "{output_type}: file names"
    );
    for (name, text) in &theirs {
        assert_eq!(&ours[name], text, "{name}");
    }
}

#[test]
fn hazard_curves_match_the_reference_export() {
    check("hcurves", &["hazard_curve-", "quantile_curve-"]);
}

#[test]
fn hazard_maps_match_the_reference_export() {
    check("hmaps", &["hazard_map-", "quantile_map-"]);
}

#[test]
fn uniform_hazard_spectra_match_the_reference_export() {
    check("uhs", &["hazard_uhs-", "quantile_uhs-"]);
}

#[test]
fn realizations_match_the_reference_export() {
    check("realizations", &["realizations_"]);
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

/// The npz exports (for QGIS) hold the same members, dtypes, shapes and values as the
/// reference's (its archive is stored, ours deflated).
#[test]
fn npz_exports_match_the_reference_exports() {
    for output_type in ["hcurves", "hmaps", "uhs"] {
        let dir = tempfile::tempdir().unwrap();
        let written = export(&reference_datastore(), 7, output_type, "npz", dir.path()).unwrap();
        let name = format!("{output_type}_7.npz");
        assert_eq!(written, [dir.path().join(&name)]);
        let ours = read_npz(&std::fs::read(&written[0]).unwrap());
        let theirs = read_npz(&std::fs::read(expected_dir().join(&name)).unwrap());
        assert_eq!(ours, theirs, "{name}");
    }
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
