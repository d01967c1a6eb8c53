//! Arbitrary text through `JobIni::parse` (syntax, input files, each value's validator, the
//! checks across parameters) and, when it is accepted, every typed accessor; each raw value
//! also through `literal_eval`, as is the whole text.
#![no_main]

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use oqcloud_model::jobini::{JobIni, Py, literal_eval};

/// The input files the seed job.ini files name, so that their `*_file` values resolve.
const INPUT_FILES: &[&str] = &[
    "gmmLT.xml",
    "gmmLT_tab.xml",
    "gmpe_logic_tree.xml",
    "gsim_logic_tree.xml",
    "gslt.xml",
    "site_model.csv",
    "site_model.xml",
    "sites.csv",
    "smlt.xml",
    "source_model.xml",
    "source_model_logic_tree.xml",
    "ssmLT.xml",
];

/// A directory of empty input files, the same for every run and process: `*_file` values
/// are resolved against it (only their existence is checked).
fn base_dir() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = std::env::temp_dir().join("oqcloud-fuzz-job-ini");
        std::fs::create_dir_all(&dir).expect("cannot make the base directory");
        for name in INPUT_FILES {
            std::fs::write(dir.join(name), "").expect("cannot write an input file");
        }
        dir
    })
}

/// Uses every part of a literal.
fn visit(value: &Py) {
    let _ = (value.number(), value.type_name(), value.repr());
    match value {
        Py::List(items) | Py::Tuple(items) | Py::Set(items) => items.iter().for_each(visit),
        Py::Dict(pairs) => pairs.iter().for_each(|(k, v)| {
            visit(k);
            visit(v);
        }),
        _ => {}
    }
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(value) = literal_eval(text) {
        visit(&value);
    }
    let ini = match JobIni::parse(text, "fuzz.ini", base_dir()) {
        Ok(ini) => ini,
        Err(error) => {
            let _ = error.to_string();
            return;
        }
    };
    let _ = (
        ini.calculation_mode(),
        ini.description(),
        ini.hazard_calculation_id(),
        ini.input_files(),
        ini.imtls(),
        ini.investigation_time(),
        ini.truncation_level(),
        ini.maximum_distance(),
    );
    for pairs in [ini.minimum_magnitude(), ini.pointsource_distance()]
        .into_iter()
        .flatten()
    {
        pairs.iter().for_each(|(k, v)| {
            visit(k);
            visit(v);
        });
    }
    for (key, value) in ini.params() {
        let _ = (ini.raw(key), ini.line(key));
        if let Ok(value) = literal_eval(value) {
            visit(&value);
        }
    }
});
