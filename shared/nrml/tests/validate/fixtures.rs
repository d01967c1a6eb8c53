//! The `/v1/valid/` captures of OpenQuake 3.26 (rest-api.md §9.6): each fixture's `xml_text`
//! gives the captured `valid`, `error_line` and `error_msg`, up to the temporary file name.

use std::fs;
use std::path::PathBuf;

use oqcloud_nrml::validate;
use serde_json::Value;

/// The captures, as `tools/copy_fixtures.py` copied them from `../shared/spec` into the repository.
fn fixtures_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/data/oq-3.26")
}

/// Replaces OpenQuake's temporary file names (`<TMP>/tmpXXXXXXXX.xml`) with `<FILE>`.
fn normalize(message: &str) -> String {
    let mut out = String::new();
    let mut rest = message;
    while let Some(start) = rest.find("<TMP>/") {
        let Some(len) = rest[start..].find(".xml") else {
            break;
        };
        out.push_str(&rest[..start]);
        out.push_str("<FILE>");
        rest = &rest[start + len + ".xml".len()..];
    }
    out.push_str(rest);
    out
}

#[test]
fn temp_file_names_are_normalized() {
    assert_eq!(
        normalize("<TMP>/tmpu20os1zb.xml: 51: mismatched tag"),
        "<FILE>: 51: mismatched tag"
    );
    assert_eq!(normalize("node x: y"), "node x: y");
}

#[test]
fn answers_as_the_captures() {
    let dir = fixtures_dir();
    let index = fs::read_to_string(dir.join("index.json"))
        .unwrap_or_else(|e| panic!("cannot read the fixture index in {}: {e}", dir.display()));
    let index: Value = serde_json::from_str(&index).expect("index.json is JSON");
    let mut checked = Vec::new();
    for (name, fixture) in index.as_object().expect("the index is an object") {
        let request = &fixture["request"];
        let response = &fixture["response"];
        let on_valid = request["path"]
            .as_str()
            .is_some_and(|p| p.starts_with("/v1/valid/"));
        let (Some(xml_text), Some(body_file)) = (
            request["form"]["xml_text"].as_str(),
            response["body_file"].as_str(),
        ) else {
            continue;
        };
        if !on_valid || response["status"] != 200 {
            continue;
        }
        let body = fs::read_to_string(dir.join(body_file)).expect("the fixture body is there");
        let expected: Value = serde_json::from_str(&body).expect("the fixture body is JSON");
        let got = validate(xml_text, "<FILE>");
        assert_eq!(Some(got.valid), expected["valid"].as_bool(), "{name}");
        assert_eq!(
            got.error_line.map(u64::from),
            expected["error_line"].as_u64(),
            "{name}"
        );
        assert_eq!(
            got.error_msg,
            expected["error_msg"].as_str().map(normalize),
            "{name}"
        );
        checked.push(name.as_str());
    }
    checked.sort_unstable();
    assert_eq!(
        checked,
        [
            "POST_valid_bad_nrml_attr",
            "POST_valid_bad_nrml_value",
            "POST_valid_extra_suffix",
            "POST_valid_good_nrml",
            "POST_valid_good_nrml_vulnerability",
            "POST_valid_malformed_xml",
            "POST_valid_not_nrml_root",
            "POST_valid_not_xml",
        ]
    );
}
