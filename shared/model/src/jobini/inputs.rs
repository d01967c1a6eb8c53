//! Input files named by `*_file`, `*_csv` and `*_hdf5` keys, resolved against the ini's
//! directory as OpenQuake's `readinput.update` does: every one must exist.

use std::path::{Component, Path, PathBuf};

use super::params::KNOWN_INPUTS;
use super::value::{Py, literal_eval, py_split};

/// Keys whose value may list several space-separated files.
const MULTI_FILE_KEYS: [&str; 9] = [
    "hazard_curves_csv",
    "hazard_curves_file",
    "gmfs_csv",
    "gmfs_file",
    "site_model_csv",
    "site_model_file",
    "source_model_file",
    "exposure_csv",
    "exposure_file",
];

/// Whether `key` names input files.
pub(crate) fn is_file_key(key: &str) -> bool {
    key.ends_with("_file") || key.ends_with("_csv") || key.ends_with("_hdf5")
}

/// The input kind of a file key (`exposure_file` → `exposure`), if OpenQuake knows it.
pub(crate) fn known_input(key: &str) -> Option<&str> {
    let (kind, _) = key.rsplit_once('_')?;
    // `sites_csv` is the legacy name of a site model
    (KNOWN_INPUTS.contains(&kind) || kind == "sites").then_some(kind)
}

/// The input files of a job, by kind, as paths relative to the ini's directory.
#[derive(Debug, Default)]
pub(crate) struct Inputs {
    kinds: Vec<(String, Vec<String>)>,
}

impl Inputs {
    /// Whether the kind was given (possibly with no file, e.g. `exposure_file =`).
    pub(crate) fn has(&self, kind: &str) -> bool {
        self.kinds.iter().any(|(k, _)| k == kind)
    }

    /// The files of a kind (empty if absent).
    pub(crate) fn files(&self, kind: &str) -> &[String] {
        self.kinds
            .iter()
            .find(|(k, _)| k == kind)
            .map_or(&[], |(_, f)| f.as_slice())
    }

    /// Every kind given, in order.
    pub(crate) fn kinds(&self) -> impl Iterator<Item = &str> {
        self.kinds.iter().map(|(k, _)| k.as_str())
    }

    /// Every file, in order, without repetitions.
    pub(crate) fn all_files(&self) -> Vec<&str> {
        let mut seen = std::collections::HashSet::new();
        self.kinds
            .iter()
            .flat_map(|(_, f)| f)
            .map(String::as_str)
            .filter(|f| seen.insert(*f))
            .collect()
    }

    fn set(&mut self, kind: &str, files: Vec<String>) {
        match self.kinds.iter_mut().find(|(k, _)| k == kind) {
            Some(slot) => slot.1 = files,
            None => self.kinds.push((kind.to_string(), files)),
        }
    }

    /// Renames a kind (OpenQuake's `sites` input is a site model).
    pub(crate) fn rename(&mut self, from: &str, to: &str) {
        if let Some(slot) = self.kinds.iter_mut().find(|(k, _)| k == from) {
            slot.0 = to.to_string();
        }
    }

    /// Records the files of `key = value` (a file key), checking that they exist under
    /// `base_dir`; the error is OpenQuake's message.
    pub(crate) fn add(&mut self, key: &str, value: &str, base_dir: &Path) -> Result<(), String> {
        let kind = key.rsplit_once('_').map_or(key, |(k, _)| k);
        let names: Vec<Name> = if MULTI_FILE_KEYS.contains(&key) {
            py_split(value)
                .map(|v| Name::Single(v.to_string()))
                .collect()
        } else if value.starts_with('{') {
            let dict = literal_eval(value).and_then(Py::into_dict)?;
            dict.into_iter()
                .map(|(_, v)| Name::from_py(v))
                .collect::<Result<_, _>>()?
        } else if value.is_empty() {
            self.kinds.retain(|(k, _)| k != kind);
            return Ok(());
        } else {
            vec![Name::Single(value.to_string())]
        };
        let files = normalize(key, &names, base_dir)?;
        if value.starts_with('{') || MULTI_FILE_KEYS.contains(&key) || !files.is_empty() {
            self.set(kind, files);
        }
        Ok(())
    }

    /// Records a legacy `[reqv]`-style entry, `<region type> = <table>.hdf5`.
    pub(crate) fn add_reqv(&mut self, value: &str, base_dir: &Path) -> Result<(), String> {
        let file = existing(value, base_dir)?;
        match self.kinds.iter_mut().find(|(k, _)| k == "reqv") {
            Some(slot) => slot.1.push(file),
            None => self.kinds.push(("reqv".into(), vec![file])),
        }
        Ok(())
    }
}

/// A file name in a value: alone, or a list in a `{name: [files]}` dict.
enum Name {
    Single(String),
    List(Vec<String>),
}

impl Name {
    fn from_py(value: Py) -> Result<Name, String> {
        let not_path = |v: &Py| {
            format!(
                "expected str, bytes or os.PathLike object, not {}",
                v.type_name()
            )
        };
        match value {
            Py::Str(s) => Ok(Name::Single(s)),
            Py::List(items) => items
                .into_iter()
                .map(|i| match i {
                    Py::Str(s) => Ok(s),
                    other => Err(not_path(&other)),
                })
                .collect::<Result<_, _>>()
                .map(Name::List),
            other => Err(not_path(&other)),
        }
    }
}

/// Python's `os.path.splitext(name)[1]`.
fn extension(name: &str) -> &str {
    let base = name.rsplit('/').next().unwrap_or(name);
    let stem = base.trim_start_matches('.');
    stem.rfind('.').map_or("", |i| &stem[i..])
}

/// OpenQuake's `_normalize`: same extension for all, relative paths, existing files.
fn normalize(key: &str, names: &[Name], base_dir: &Path) -> Result<Vec<String>, String> {
    let flat: Vec<&str> = names
        .iter()
        .flat_map(|n| match n {
            Name::Single(s) => std::slice::from_ref(s),
            Name::List(l) => l.as_slice(),
        })
        .map(String::as_str)
        .collect();
    if let Some(first) = flat.first() {
        let ext = extension(first);
        if let Some(other) = flat.iter().find(|f| extension(f) != ext) {
            return Err(format!("{other} does not end with {}", extension(other)));
        }
    }
    let mut files = Vec::new();
    for name in names {
        match name {
            Name::List(list) => {
                for file in list {
                    files.push(existing(file, base_dir)?);
                }
            }
            Name::Single(file) if Path::new(file).is_absolute() => {
                return Err(format!("{key}={file} is an absolute path"));
            }
            Name::Single(file) if file.ends_with(".zip") => match key {
                "exposure_file" | "source_model_logic_tree_file" => {
                    files.push(existing(file, base_dir)?)
                }
                "mmi_file" => files.push(normpath(file)),
                _ => {
                    return Err(format!(
                        "Unknown key {key}: only exposure and source model logic tree archives can be zipped"
                    ));
                }
            },
            // a file of a mosaic model, not available here
            Name::Single(file) if file.starts_with("${mosaic}/") => {}
            Name::Single(file) => files.push(existing(file, base_dir)?),
        }
    }
    Ok(files)
}

/// `file` normalised, after checking it exists under `base_dir`.
fn existing(file: &str, base_dir: &Path) -> Result<String, String> {
    let rel = normpath(file);
    if !base_dir.join(&rel).exists() {
        return Err(format!("No such file: {rel}"));
    }
    Ok(rel)
}

/// Python's `os.path.normpath` (lexical: `.` and `x/..` removed).
pub(crate) fn normpath(path: &str) -> String {
    let absolute = path.starts_with('/');
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." if parts.last().is_some_and(|p| *p != "..") => {
                parts.pop();
            }
            ".." if absolute => {}
            p => parts.push(p),
        }
    }
    let joined = parts.join("/");
    match (absolute, joined.is_empty()) {
        (true, _) => format!("/{joined}"),
        (false, true) => ".".into(),
        (false, false) => joined,
    }
}

/// `dir/rel` as an absolute, lexically normalised path.
pub(crate) fn absolute(dir: &Path, rel: &str) -> PathBuf {
    let joined = std::path::absolute(dir.join(rel)).unwrap_or_else(|_| dir.join(rel));
    let mut out = PathBuf::new();
    for component in joined.components() {
        match component {
            Component::ParentDir => {
                out.pop();
            }
            Component::CurDir => {}
            other => out.push(other),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths() {
        assert_eq!(normpath("./a//b/../c.xml"), "a/c.xml");
        assert_eq!(normpath("../x.xml"), "../x.xml");
        assert_eq!(normpath("a/.."), ".");
        assert_eq!(extension("dir.d/model.xml"), ".xml");
        assert_eq!(extension(".hidden"), "");
        assert_eq!(known_input("exposure_file"), Some("exposure"));
        assert_eq!(known_input("sites_csv"), Some("sites"));
        assert_eq!(known_input("exposur_file"), None);
        assert_eq!(
            absolute(Path::new("/a/b"), "../c.xml"),
            PathBuf::from("/a/c.xml")
        );
    }

    #[test]
    fn files_must_exist() {
        let dir = std::env::temp_dir();
        let mut inputs = Inputs::default();
        assert_eq!(
            inputs
                .add("exposure_file", "missing_oqcloud_1.xml other.xml", &dir)
                .unwrap_err(),
            "No such file: missing_oqcloud_1.xml"
        );
        assert_eq!(
            inputs
                .add("exposure_file", "a.xml b.csv", &dir)
                .unwrap_err(),
            "b.csv does not end with .csv"
        );
        assert_eq!(
            inputs
                .add("gsim_logic_tree_file", "/etc/passwd", &dir)
                .unwrap_err(),
            "gsim_logic_tree_file=/etc/passwd is an absolute path"
        );
        assert!(
            inputs
                .add("gsim_logic_tree_file", "${mosaic}/EUR/gmmLT.xml", &dir)
                .is_ok()
        );
        assert!(!inputs.has("gsim_logic_tree"));
        assert!(inputs.add("exposure_file", "", &dir).is_ok());
        assert!(inputs.has("exposure") && inputs.files("exposure").is_empty());
    }
}
