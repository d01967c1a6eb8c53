//! The NRML files of the demo jobs (`demos/` at the top of the repository) are valid.

use std::fs;
use std::path::PathBuf;

use oqcloud_nrml::{Model, read};

#[test]
fn demo_files_are_valid() {
    let demos = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../demos");
    let mut checked = 0;
    for demo in fs::read_dir(&demos).expect("the demos directory is there") {
        let demo = demo.expect("a directory entry").path();
        if !demo.is_dir() {
            continue;
        }
        for file in fs::read_dir(&demo).expect("a demo directory") {
            let path = file.expect("a directory entry").path();
            if path.extension().is_none_or(|e| e != "xml") {
                continue;
            }
            let text = fs::read_to_string(&path).expect("a readable file");
            let document =
                read(&text, &path.display().to_string()).unwrap_or_else(|e| panic!("{e}"));
            assert!(
                !matches!(document.model, Model::NotRead { .. }),
                "{} is read",
                path.display()
            );
            checked += 1;
        }
    }
    assert!(checked >= 6, "only {checked} demo files");
}
