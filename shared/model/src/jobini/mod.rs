//! job.ini files: reading and validating them as OpenQuake 3.26.2 does.
//!
//! The dialect is Python's `configparser` as OpenQuake configures it (`parser`): sections
//! are flattened into one parameter set, keys are lower-cased, values may continue on
//! indented lines, `#`/`;` lines are comments, and there is **no** `%(name)s` interpolation
//! (OpenQuake disables it, so such text stays as written). Each value is checked by the
//! validator OpenQuake declares for its parameter (`params`, the table generated from
//! OpenQuake by `tools/ini_params.py`); `*_file`, `*_csv` and `*_hdf5` keys name input
//! files relative to the ini's directory, which must exist (`inputs`); then the
//! cross-parameter checks OpenQuake makes when it accepts a job run (`checks`). Errors are
//! worded as OpenQuake words them and located by file, line and key.
//!
//! Besides OpenQuake's parameters, the oqcloud key `engine = auto|native|openquake` is
//! accepted. A key OpenQuake does not know is ignored, as OpenQuake ignores it, with a
//! warning (naming the parameter it probably meant) in [`JobIni::warnings`]; an unknown
//! `*_file` key is an error, as in OpenQuake. oqcloud is stricter than OpenQuake where
//! OpenQuake would accept a value and fail later: intensity levels that are not positive,
//! non-numeric values in number dictionaries, an `inputs` key, and legacy `.hdf5` tables
//! that do not exist are errors.

mod checks;
mod defaults;
mod imt;
mod inputs;
mod oqparam;
mod params;
mod parser;
#[rustfmt::skip]
mod table;
mod value;

#[cfg(test)]
mod tests;

use std::path::{Path, PathBuf};

pub use defaults::ini_defaults_json;
pub use value::{Py, float_repr, literal_eval};

use checks::{Job, Value};
use params::{ALIASES, ENGINE, KNOWN_INPUTS, PARAMS, Typed, lookup, py_str};
use parser::Entry;

/// A problem with a job.ini, located as precisely as possible.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{}", self.render())]
pub struct IniError {
    /// The ini file, as named by the caller.
    pub file: String,
    /// 1-based line of the offending key or text, when there is one.
    pub line: Option<usize>,
    /// The offending key, as written in the file (lower-cased).
    pub key: Option<String>,
    /// What is wrong, in OpenQuake's words where it has some.
    pub message: String,
}

impl IniError {
    fn new(
        file: &str,
        line: Option<usize>,
        key: Option<&str>,
        message: impl Into<String>,
    ) -> IniError {
        IniError {
            file: file.to_string(),
            line,
            key: key.map(str::to_string),
            message: message.into(),
        }
    }

    /// `<file>, line <n>: <key>: <message>`, leaving out the parts that are missing.
    fn render(&self) -> String {
        let mut out = self.file.clone();
        if let Some(line) = self.line {
            out.push_str(&format!(", line {line}"));
        }
        for part in self.key.iter().chain(std::iter::once(&self.message)) {
            if !out.is_empty() {
                out.push_str(": ");
            }
            out.push_str(part);
        }
        out
    }
}

/// A parsed and validated job.ini: its parameters as written, each with its line, and the
/// facts a job record needs.
#[derive(Debug, Clone)]
pub struct JobIni {
    entries: Vec<Entry>,
    /// The validated values, under their current names.
    values: Vec<Value>,
    calculation_mode: String,
    description: String,
    hazard_calculation_id: Option<i64>,
    input_files: Vec<PathBuf>,
    /// Input kinds (`source_model_logic_tree`, `site_model`, ...) and their absolute files.
    inputs: Vec<(String, Vec<PathBuf>)>,
    /// The directory relative file names are resolved against.
    base_dir: PathBuf,
    /// The file name given in messages (the path, when read from a file).
    file: String,
    /// The keys ignored because OpenQuake does not know them, located.
    warnings: Vec<IniError>,
}

impl JobIni {
    /// Reads and validates `path`; referenced `*_file` inputs must exist relative to the
    /// ini's directory.
    pub fn from_file(path: &Path) -> Result<JobIni, IniError> {
        Self::from_file_with_parent(path, None)
    }

    /// Same from text; `file_name` is used in messages, `base_dir` resolves `*_file` values.
    pub fn parse(text: &str, file_name: &str, base_dir: &Path) -> Result<JobIni, IniError> {
        validate(text, file_name, base_dir, None)
    }

    /// Like [`JobIni::from_file`], with `hazard_calculation_id` replaced by `parent`, as
    /// OpenQuake's server does with the `hazard_job_id` form field (`Some(None)` clears it).
    pub fn from_file_with_parent(
        path: &Path,
        parent: Option<Option<i64>>,
    ) -> Result<JobIni, IniError> {
        let file = path.display().to_string();
        let bytes = std::fs::read(path).map_err(|e| {
            let message = match e.kind() {
                std::io::ErrorKind::NotFound => format!("File not found: {file}"),
                _ => e.to_string(),
            };
            IniError::new(&file, None, None, message)
        })?;
        let bytes = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(&bytes);
        let text = std::str::from_utf8(bytes).map_err(|e| {
            let at = e.valid_up_to();
            let line = 1 + bytes[..at].iter().filter(|&&b| b == b'\n').count();
            let message = format!(
                "'utf-8' codec can't decode byte 0x{:02x} in position {at}",
                bytes[at]
            );
            IniError::new(&file, Some(line), None, message)
        })?;
        let base_dir = match path.parent() {
            Some(dir) if !dir.as_os_str().is_empty() => dir,
            _ => Path::new("."),
        };
        validate(text, &file, base_dir, parent)
    }

    /// Like [`JobIni::parse`], with `hazard_calculation_id` replaced by `parent` (see
    /// [`JobIni::from_file_with_parent`]).
    pub fn parse_with_parent(
        text: &str,
        file_name: &str,
        base_dir: &Path,
        parent: Option<Option<i64>>,
    ) -> Result<JobIni, IniError> {
        validate(text, file_name, base_dir, parent)
    }

    /// The calculation mode (always present in a valid ini).
    pub fn calculation_mode(&self) -> &str {
        &self.calculation_mode
    }

    /// The description, OpenQuake's `no description` when absent.
    pub fn description(&self) -> &str {
        &self.description
    }

    /// The parent calculation, when given as a number (OpenQuake also accepts the path of
    /// a `.ini`/`.hdf5` there, which is `None` here).
    pub fn hazard_calculation_id(&self) -> Option<i64> {
        self.hazard_calculation_id
    }

    /// The raw text of a parameter (keys are lower-case), continuation lines joined by `\n`.
    pub fn raw(&self, key: &str) -> Option<&str> {
        self.entry(key).map(|e| e.value.as_str())
    }

    /// A boolean parameter as OpenQuake's `valid.boolean` reads it (1, yes, true or on, in
    /// any case, is true; anything else false); `None` when it is not set.
    pub fn flag(&self, key: &str) -> Option<bool> {
        self.raw(key).map(|v| {
            matches!(
                v.trim().to_ascii_lowercase().as_str(),
                "1" | "yes" | "true" | "on"
            )
        })
    }

    /// The line where a parameter is set.
    pub fn line(&self, key: &str) -> Option<usize> {
        self.entry(key).map(|e| e.line)
    }

    /// The directory relative file names are resolved against (the ini's own).
    pub fn base_dir(&self) -> &Path {
        &self.base_dir
    }

    /// Absolute paths of every input file (`*_file`, `*_csv`, `*_hdf5`), in file order.
    pub fn input_files(&self) -> Vec<PathBuf> {
        self.input_files.clone()
    }

    /// Every parameter as `(key, raw value)`, in file order.
    pub fn params(&self) -> impl Iterator<Item = (&str, &str)> {
        self.entries
            .iter()
            .map(|e| (e.key.as_str(), e.value.as_str()))
    }

    /// `intensity_measure_types_and_levels` as validated: (IMT, levels) in file order, IMT
    /// names normalised as OpenQuake does (`SA(0.10)` → `SA(0.1)`), `logscale(a, b, n)` and
    /// `linscale(a, b, n)` expanded, a leading level 0 read as 1e-10; `None` when not set.
    pub fn imtls(&self) -> Option<&[(String, Vec<f64>)]> {
        match self.typed("intensity_measure_types_and_levels")? {
            Typed::Imtls(imtls) => Some(imtls),
            _ => None,
        }
    }

    /// `investigation_time` in years, when set.
    pub fn investigation_time(&self) -> Option<f64> {
        self.float("investigation_time")
    }

    /// `truncation_level` as OpenQuake uses it (0 is read as 1e-9), when set.
    pub fn truncation_level(&self) -> Option<f64> {
        self.float("truncation_level")
    }

    /// `maximum_distance` as validated, per tectonic region type (`default` for the others;
    /// a bare value is the `default` one), in file order; `None` when not set.
    pub fn maximum_distance(&self) -> Option<Vec<(String, IntegrationDistance)>> {
        let Typed::Dict(pairs) = self.typed("maximum_distance")? else {
            return None;
        };
        let distances = pairs.iter().map(|(trt, value)| {
            let distance = match value {
                Py::Str(_) => IntegrationDistance::MagDist,
                Py::List(pairs) => IntegrationDistance::Pairs(
                    pairs
                        .iter()
                        .filter_map(|pair| match pair {
                            Py::List(md) | Py::Tuple(md) => match md.as_slice() {
                                [m, d] => Some((m.number()?, d.number()?)),
                                _ => None,
                            },
                            _ => None,
                        })
                        .collect(),
                ),
                other => IntegrationDistance::Fixed(other.number().unwrap_or(f64::NAN)),
            };
            (py_str(trt), distance)
        });
        Some(distances.collect())
    }

    /// `minimum_magnitude` as validated (OpenQuake's `floatdict`): per tectonic region type
    /// (`default` for the others; a bare value is `{'default': value}`), each a number or
    /// a list; `None` when not set (OpenQuake then uses `{'default': 0}`).
    pub fn minimum_magnitude(&self) -> Option<&[(Py, Py)]> {
        self.float_dict("minimum_magnitude")
    }

    /// The keys ignored because OpenQuake does not know them (as OpenQuake ignores them),
    /// each located and worded as a warning.
    pub fn warnings(&self) -> &[IniError] {
        &self.warnings
    }

    /// `pointsource_distance` as validated, shaped as [`JobIni::minimum_magnitude`]; `None`
    /// when not set (OpenQuake then uses `{'default': 100.0}`).
    pub fn pointsource_distance(&self) -> Option<&[(Py, Py)]> {
        self.float_dict("pointsource_distance")
    }

    fn entry(&self, key: &str) -> Option<&Entry> {
        self.entries.iter().find(|e| e.key == key)
    }

    /// The validated value of the parameter called `name` (its current name).
    fn typed(&self, name: &str) -> Option<&Typed> {
        self.values
            .iter()
            .find(|v| v.name == name)
            .map(|v| &v.typed)
    }

    fn float(&self, name: &str) -> Option<f64> {
        match self.typed(name)? {
            Typed::Float(f) => Some(*f),
            _ => None,
        }
    }

    fn float_dict(&self, name: &str) -> Option<&[(Py, Py)]> {
        match self.typed(name)? {
            Typed::Dict(pairs) => Some(pairs),
            _ => None,
        }
    }
}

/// Whether OpenQuake reads `key`: one of its parameters (or an old name of one), an input
/// file of a kind it knows, or oqcloud's `engine`. It ignores other keys, with a warning.
pub fn is_openquake_key(key: &str) -> bool {
    lookup(key).is_some()
        || ALIASES.iter().any(|(old, _)| *old == key)
        || (inputs::is_file_key(key) && inputs::known_input(key).is_some())
        || key == ENGINE.name
        || key == "region_constraint"
}

/// The integration distance of one tectonic region type, as `maximum_distance` gives it.
#[derive(Debug, Clone, PartialEq)]
pub enum IntegrationDistance {
    /// One distance in km (non-negative), whatever the magnitude.
    Fixed(f64),
    /// (magnitude, distance in km) pairs, increasing, magnitudes within 2.5..=10.2.
    Pairs(Vec<(f64, f64)>),
    /// The keyword `magdist`: OpenQuake's magnitude-dependent distances.
    MagDist,
}

/// The known name closest to an unknown key, if one is close enough to be a misspelling.
fn suggestion(key: &str) -> Option<String> {
    let file_suffix = ["_file", "_csv", "_hdf5"]
        .into_iter()
        .find(|s| key.ends_with(s));
    let candidates: Vec<String> = match file_suffix {
        Some(suffix) => KNOWN_INPUTS
            .iter()
            .map(|k| format!("{k}{suffix}"))
            .collect(),
        None if KNOWN_INPUTS.contains(&key) => return Some(format!("{key}_file")),
        None => PARAMS
            .iter()
            .map(|p| p.name)
            .chain(ALIASES.iter().map(|(old, _)| *old))
            .chain([ENGINE.name, "region_constraint"])
            .map(str::to_string)
            .collect(),
    };
    let key_len = key.chars().count();
    let limit = (key_len / 4).max(2);
    candidates
        .into_iter()
        .filter(|c| c.chars().count().abs_diff(key_len) <= limit)
        .map(|c| (edit_distance(key, &c), c))
        .filter(|(d, _)| *d <= limit)
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

/// Levenshtein distance, counting a swap of two neighbours as one edit.
fn edit_distance(a: &str, b: &str) -> usize {
    let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    let mut rows = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for (i, row) in rows.iter_mut().enumerate() {
        row[0] = i;
    }
    for (j, cell) in rows[0].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut d = (rows[i - 1][j] + 1)
                .min(rows[i][j - 1] + 1)
                .min(rows[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                d = d.min(rows[i - 2][j - 2] + 1);
            }
            rows[i][j] = d;
        }
    }
    rows[a.len()][b.len()]
}

/// An error about `entry`.
fn at(file: &str, entry: &Entry, message: impl Into<String>) -> IniError {
    IniError::new(file, Some(entry.line), Some(&entry.key), message)
}

fn unknown(file: &str, entry: &Entry) -> IniError {
    let mut message = format!("unknown parameter '{}'", entry.key);
    if let Some(close) = suggestion(&entry.key) {
        message.push_str(&format!(" (did you mean '{close}'?)"));
    }
    at(file, entry, message)
}

/// The warning for a key OpenQuake ignores, worded as OpenQuake's, with a suggestion.
fn ignored_key(file: &str, entry: &Entry) -> IniError {
    let mut message = format!("The parameter '{}' is unknown, ignoring", entry.key);
    if let Some(close) = suggestion(&entry.key) {
        message.push_str(&format!(" (did you mean '{close}'?)"));
    }
    at(file, entry, message)
}

/// A failed check, located at the parameter it is about when that was given.
fn located_problem(file: &str, values: &[Value], problem: checks::Problem) -> IniError {
    match values.iter().find(|v| v.name == problem.name) {
        Some(v) => IniError::new(file, v.line, Some(&v.key), problem.message),
        None => IniError::new(file, None, Some(problem.name), problem.message),
    }
}

/// Records the input files (the source model logic tree first, as OpenQuake does) and
/// returns the other entries.
fn collect_inputs<'a>(
    entries: &'a [Entry],
    file: &str,
    base_dir: &Path,
    inputs: &mut inputs::Inputs,
) -> Result<Vec<&'a Entry>, IniError> {
    const SMLT: &str = "source_model_logic_tree_file";
    let mut plain = Vec::new();
    let smlt_first = entries.iter().filter(|e| e.key == SMLT);
    for entry in smlt_first.chain(entries.iter().filter(|e| e.key != SMLT)) {
        if inputs::is_file_key(&entry.key) {
            if inputs::known_input(&entry.key).is_none() {
                return Err(unknown(file, entry));
            }
            let added = inputs.add(&entry.key, &entry.value, base_dir);
            added.map_err(|m| at(file, entry, m))?;
        } else if entry.value.ends_with(".hdf5") && entry.key != "description" {
            // legacy `<tectonic region type> = <table>.hdf5` syntax
            let added = inputs.add_reqv(&entry.value, base_dir);
            added.map_err(|m| at(file, entry, m))?;
        } else {
            plain.push(entry);
        }
    }
    if let Some(sites) = entries.iter().find(|e| e.key == "sites_csv") {
        if !inputs.files("site_model").is_empty() {
            return Err(at(
                file,
                sites,
                "Please remove sites, you should use only site_model",
            ));
        }
        inputs.rename("sites", "site_model");
    }
    Ok(plain)
}

/// Validates each value under its current name (legacy names replaced), in file order.
/// `region_constraint`, an old form of `region`, is returned apart.
fn convert_values<'a>(
    plain: &[&'a Entry],
    file: &str,
    parent: Option<Option<i64>>,
    ignored: &mut Vec<IniError>,
) -> Result<(Vec<Value>, Option<&'a Entry>), IniError> {
    let mut named = Vec::with_capacity(plain.len());
    for &entry in plain {
        let name = match ALIASES.iter().find(|(old, _)| *old == entry.key) {
            Some((old, new)) if plain.iter().any(|e| e.key == *new) => {
                let message = format!("Please remove {old}, you should use only {new}");
                return Err(at(file, entry, message));
            }
            Some((_, new)) => new,
            None => entry.key.as_str(),
        };
        named.push((name, entry));
    }
    let mut values: Vec<Value> = Vec::with_capacity(named.len() + 1);
    let mut region_constraint = None;
    let mut parent_line = None;
    for (name, entry) in named {
        let param = match name {
            "hazard_calculation_id" if parent.is_some() => {
                parent_line = Some(entry.line);
                continue;
            }
            "region_constraint" => {
                region_constraint = Some(entry);
                continue;
            }
            "engine" => &ENGINE,
            _ => match lookup(name) {
                Some(param) => param,
                None => {
                    ignored.push(ignored_key(file, entry));
                    continue;
                }
            },
        };
        let typed = param
            .convert(&entry.value)
            .map_err(|m| at(file, entry, m))?;
        let (name, key, line) = (name.to_string(), entry.key.clone(), Some(entry.line));
        values.push(Value {
            name,
            key,
            line,
            typed,
        });
    }
    if let Some(parent) = parent {
        let typed = parent.map_or(Typed::None, Typed::Int);
        let name = "hazard_calculation_id".to_string();
        values.push(Value {
            key: name.clone(),
            name,
            line: parent_line,
            typed,
        });
    }
    Ok((values, region_constraint))
}

/// Reads, validates and checks a job.ini, in OpenQuake's order: syntax, input files,
/// legacy names, each value, then the checks across parameters.
fn validate(
    text: &str,
    file: &str,
    base_dir: &Path,
    parent: Option<Option<i64>>,
) -> Result<JobIni, IniError> {
    let entries = parser::parse(text).map_err(|e| {
        let line = Some(e.line).filter(|l| *l > 0);
        IniError::new(file, line, e.key.as_deref(), e.message)
    })?;
    let mut inputs = inputs::Inputs::default();
    let plain = collect_inputs(&entries, file, base_dir, &mut inputs)?;
    let mut warnings = Vec::new();
    let (mut values, region_constraint) = convert_values(&plain, file, parent, &mut warnings)?;

    let job = Job {
        values: &values,
        inputs: &inputs,
        file,
    };
    checks::check_siteid(&job).map_err(|p| located_problem(file, &values, p))?;
    let Some(Typed::Str(calculation_mode)) = values
        .iter()
        .find(|v| v.name == "calculation_mode")
        .map(|v| v.typed.clone())
    else {
        let message = "Missing calculation_mode";
        return Err(IniError::new(file, None, Some("calculation_mode"), message));
    };
    if let Some(entry) = region_constraint {
        if values.iter().any(|v| v.name == "region") {
            return Err(at(
                file,
                entry,
                "You cannot have both region and region_constraint",
            ));
        }
        let region = params::Kind::WktPolygon.convert(&entry.value);
        let typed = region.map_err(|m| at(file, entry, m))?;
        let (key, line) = (entry.key.clone(), Some(entry.line));
        values.push(Value {
            name: "region".into(),
            key,
            line,
            typed,
        });
    }
    let job = Job {
        values: &values,
        inputs: &inputs,
        file,
    };
    checks::run(&job).map_err(|p| located_problem(file, &values, p))?;
    // OpenQuake accepts these jobs and fails when it runs them: refused here, naming the
    // ignored key that was probably meant
    let hazard_mode =
        ["classical", "disaggregation", "event_based"].contains(&calculation_mode.as_str());
    let has = |name: &str| {
        values
            .iter()
            .any(|v| v.name == name && !matches!(v.typed, Typed::None))
    };
    if hazard_mode && !has("investigation_time") && !has("hazard_calculation_id") {
        let mut message =
            format!("investigation_time must be set for calculation_mode = {calculation_mode}");
        if let Some(w) = warnings
            .iter()
            .find(|w| w.message.contains("'investigation_time'"))
        {
            message.push_str(&format!(" ({w})"));
        }
        return Err(IniError::new(
            file,
            None,
            Some("investigation_time"),
            message,
        ));
    }

    let typed = |name: &str| values.iter().find(|v| v.name == name).map(|v| &v.typed);
    let description = match typed("description") {
        Some(Typed::Str(d)) => d.clone(),
        _ => "no description".into(),
    };
    let hazard_calculation_id = match typed("hazard_calculation_id") {
        Some(Typed::Int(id)) => Some(*id),
        _ => None,
    };
    let input_files = inputs
        .all_files()
        .into_iter()
        .map(|f| inputs::absolute(base_dir, f));
    let kinds = inputs
        .kinds()
        .map(|kind| {
            let files = inputs.files(kind);
            (
                kind.to_owned(),
                files
                    .iter()
                    .map(|f| inputs::absolute(base_dir, f))
                    .collect(),
            )
        })
        .collect();
    Ok(JobIni {
        calculation_mode,
        description,
        hazard_calculation_id,
        input_files: input_files.collect(),
        inputs: kinds,
        base_dir: base_dir.to_path_buf(),
        file: file.to_owned(),
        entries,
        values,
        warnings,
    })
}
