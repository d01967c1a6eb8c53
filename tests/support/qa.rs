//! OpenQuake's QA cases (`tests/data/qa/<calculator>/<case>`, inputs and the reference's
//! expected CSVs) run end to end with the native engine (job.ini → datastore → CSV exports),
//! and the exported files compared with the expected ones.
//!
//! An expected file is paired with the exported file of the same output (curves, maps or
//! spectra, from its header), kind (`mean`, `rlz-000`, ... from its `#` metadata) and IMT;
//! rows are paired by site (lon, lat), columns by header. "Reproduced" means every value
//! within `ATOL + RTOL * |expected|`.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use oqcloud_worker::native::NativeEngine;
use oqcloud_worker::{Engine, EngineChoice, run_local};

/// Relative tolerance on every value.
pub const RTOL: f64 = 1e-4;
/// Absolute tolerance on every value.
pub const ATOL: f64 = 1e-8;

/// The directory of a classical QA case of OpenQuake's.
pub fn classical_case(case: &str) -> PathBuf {
    crate::repo_root()
        .join("tests/data/qa/classical")
        .join(case)
}

/// The directory of one of oqcloud's own cases (`tests/data/qa/oqcloud`), whose expected
/// files were exported by the reference engine from its run of the same job.
pub fn oqcloud_case(case: &str) -> PathBuf {
    crate::repo_root().join("tests/data/qa/oqcloud").join(case)
}

/// How one expected file compares.
#[derive(Debug, Clone)]
pub struct FileReport {
    /// The expected file's name.
    pub expected: String,
    /// Our exported file it was compared with.
    pub ours: String,
    /// Largest `|ours - expected| / |expected|` over values above `ATOL`.
    pub max_rel_diff: f64,
    /// Values outside the tolerance (or the reason the files cannot be compared).
    pub problems: Vec<String>,
}

/// How a case compares.
#[derive(Debug, Clone)]
pub struct CaseReport {
    pub case: String,
    pub files: Vec<FileReport>,
    /// Why the case did not run or was not compared, if so.
    pub error: Option<String>,
}

impl CaseReport {
    /// Every expected file compared and within tolerance.
    pub fn reproduced(&self) -> bool {
        self.error.is_none()
            && !self.files.is_empty()
            && self.files.iter().all(|f| f.problems.is_empty())
    }

    /// The largest relative difference over all files.
    pub fn max_rel_diff(&self) -> f64 {
        self.files
            .iter()
            .map(|f| f.max_rel_diff)
            .fold(0.0, f64::max)
    }

    /// A readable account, for assertion messages.
    pub fn describe(&self) -> String {
        let mut out = format!("{}: ", self.case);
        if let Some(error) = &self.error {
            out.push_str(error);
        }
        for file in &self.files {
            out.push_str(&format!(
                "\n  {} vs {}: max rel diff {:.2e}",
                file.expected, file.ours, file.max_rel_diff
            ));
            for problem in file.problems.iter().take(5) {
                out.push_str(&format!("\n    {problem}"));
            }
        }
        out
    }
}

/// The expected outputs of a case: `expected-3.26/` when the case's own `expected/` files were
/// written by an older OpenQuake whose numbers 3.26 no longer gives (kept beside them, with
/// the reason in the hazard crate's tests), else `expected/`.
pub fn expected_dir(case_dir: &Path) -> PathBuf {
    let current = case_dir.join("expected-3.26");
    if current.is_dir() {
        current
    } else {
        case_dir.join("expected")
    }
}

/// The list of the expected files that belong to a case's job.ini, where its expected
/// directory also holds other jobs' outputs.
const EXPECTED_FILES: &str = "expected-files.txt";

/// Runs `case_dir/job.ini` natively and compares every file of [`expected_dir`] (those
/// [`EXPECTED_FILES`] names, when the case has that list).
pub async fn run_case(case_dir: &Path) -> CaseReport {
    let case = case_dir
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mut report = CaseReport {
        case,
        files: Vec::new(),
        error: None,
    };
    let out = match tempfile::tempdir() {
        Ok(dir) => dir,
        Err(e) => {
            report.error = Some(e.to_string());
            return report;
        }
    };
    let engines: Vec<Arc<dyn Engine>> = vec![Arc::new(NativeEngine)];
    let written = run_local(
        &engines,
        &case_dir.join("job.ini"),
        Some(EngineChoice::Native),
        &["csv".into()],
        out.path(),
    )
    .await;
    let written = match written {
        Ok(files) => files,
        Err(e) => {
            report.error = Some(e.to_string().lines().next().unwrap_or_default().to_owned());
            return report;
        }
    };
    let ours: Vec<(String, Csv)> = written
        .iter()
        .filter_map(|path| Some((file_name(path), Csv::read(path).ok()?)))
        .collect();
    let mut expected: Vec<PathBuf> = std::fs::read_dir(expected_dir(case_dir))
        .map(|dir| dir.filter_map(|e| Some(e.ok()?.path())).collect())
        .unwrap_or_default();
    // some cases keep the outputs of other jobs (not shipped) beside those of job.ini: the
    // case's `expected-files.txt`, when present, names the ones of job.ini
    if let Ok(list) = std::fs::read_to_string(case_dir.join(EXPECTED_FILES)) {
        let names: Vec<&str> = list
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .collect();
        expected.retain(|path| names.contains(&file_name(path).as_str()));
    }
    expected.sort();
    for path in expected {
        let name = file_name(&path);
        let file = match Csv::read(&path) {
            Ok(theirs) => compare(&name, &theirs, &ours),
            Err(e) => FileReport {
                expected: name,
                ours: String::new(),
                max_rel_diff: 0.0,
                problems: vec![e],
            },
        };
        report.files.push(file);
    }
    if report.files.is_empty() {
        report.error = Some("no expected files".into());
    }
    report
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// What an exported hazard CSV holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Output {
    Curves,
    Maps,
    Spectra,
}

/// A parsed export: its metadata, site columns and values by column name.
struct Csv {
    output: Output,
    kind: Option<String>,
    imt: Option<String>,
    columns: Vec<String>,
    /// (lon, lat) → values in `columns` order.
    rows: Vec<((f64, f64), Vec<f64>)>,
}

const SITE_COLUMNS: [&str; 4] = ["custom_site_id", "lon", "lat", "depth"];

impl Csv {
    fn read(path: &Path) -> Result<Csv, String> {
        let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
        let mut lines = text.lines();
        let mut meta = HashMap::new();
        let mut header = lines.next().unwrap_or_default();
        if header.starts_with('#') {
            for (key, value) in metadata(header) {
                meta.insert(key, value);
            }
            header = lines.next().unwrap_or_default();
        }
        let names: Vec<&str> = header.split(',').collect();
        let values_from = names
            .iter()
            .position(|n| !SITE_COLUMNS.contains(n))
            .ok_or("no value columns")?;
        let columns: Vec<String> = names[values_from..].iter().map(|s| s.to_string()).collect();
        let output = if columns.iter().all(|c| c.starts_with("poe-")) {
            Output::Curves
        } else if columns.iter().all(|c| c.contains('~')) {
            Output::Spectra
        } else {
            Output::Maps
        };
        let lon = names
            .iter()
            .position(|n| *n == "lon")
            .ok_or("no lon column")?;
        let lat = names
            .iter()
            .position(|n| *n == "lat")
            .ok_or("no lat column")?;
        let rows = lines
            .filter(|l| !l.trim().is_empty())
            .map(|line| {
                let cells: Vec<&str> = line.split(',').collect();
                let number = |s: &str| {
                    s.trim()
                        .parse::<f64>()
                        .map_err(|_| format!("{}: not a number: {s:?}", path.display()))
                };
                let values = cells[values_from..]
                    .iter()
                    .map(|c| number(c))
                    .collect::<Result<Vec<_>, _>>()?;
                Ok(((number(cells[lon])?, number(cells[lat])?), values))
            })
            .collect::<Result<Vec<_>, String>>()?;
        Ok(Csv {
            output,
            kind: meta.remove("kind"),
            imt: meta.remove("imt"),
            columns,
            rows,
        })
    }
}

/// `key='value'` and `key=value` pairs of a `#` metadata row.
fn metadata(row: &str) -> Vec<(String, String)> {
    let text = row.trim_start_matches(['#', ',']).trim_matches('"');
    text.split(", ")
        .filter_map(|pair| {
            let (key, value) = pair.split_once('=')?;
            Some((
                key.trim().to_owned(),
                value.trim().trim_matches('\'').to_owned(),
            ))
        })
        .collect()
}

/// Compares an expected file with the matching one of ours.
fn compare(name: &str, theirs: &Csv, ours: &[(String, Csv)]) -> FileReport {
    let mut report = FileReport {
        expected: name.to_owned(),
        ours: String::new(),
        max_rel_diff: 0.0,
        problems: Vec::new(),
    };
    let matching = ours.iter().find(|(_, csv)| {
        csv.output == theirs.output
            && theirs
                .kind
                .as_ref()
                .is_none_or(|k| csv.kind.as_ref() == Some(k))
            && (theirs.output != Output::Curves || csv.imt == theirs.imt)
    });
    let Some((our_name, csv)) = matching else {
        report.problems.push(format!(
            "no exported file with the same output ({:?}), kind ({:?}) and IMT ({:?})",
            theirs.output, theirs.kind, theirs.imt
        ));
        return report;
    };
    report.ours = our_name.clone();
    if csv.columns != theirs.columns {
        report.problems.push(format!(
            "columns differ: ours {:?}, expected {:?}",
            csv.columns, theirs.columns
        ));
        return report;
    }
    if csv.rows.len() != theirs.rows.len() {
        report.problems.push(format!(
            "{} sites, expected {}",
            csv.rows.len(),
            theirs.rows.len()
        ));
        return report;
    }
    for ((lon, lat), expected) in &theirs.rows {
        let Some((_, values)) = csv
            .rows
            .iter()
            .find(|((x, y), _)| (x - lon).abs() < 1e-5 && (y - lat).abs() < 1e-5)
        else {
            report.problems.push(format!("no site at ({lon}, {lat})"));
            continue;
        };
        for ((column, ours), theirs) in csv.columns.iter().zip(values).zip(expected) {
            let diff = (ours - theirs).abs();
            if theirs.abs() > ATOL {
                report.max_rel_diff = report.max_rel_diff.max(diff / theirs.abs());
            }
            if diff > ATOL + RTOL * theirs.abs() {
                report.problems.push(format!(
                    "({lon}, {lat}) {column}: {ours:e}, expected {theirs:e}"
                ));
            }
        }
    }
    report
}
