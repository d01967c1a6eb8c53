//! The INI dialect of Python's `configparser` as OpenQuake configures it (no interpolation,
//! strict): `[section]` headers, `key = value` or `key: value` options with lower-cased
//! keys, values continued on more-indented lines (blank lines kept inside), `#`/`;` comment
//! lines, a `[DEFAULT]` section whose options every section inherits.

use std::collections::{HashMap, HashSet};

use super::value::{is_py_space, py_strip, str_repr};

/// One option as read: key (lower-cased), value (continuation lines joined with `\n`) and
/// the line of the key.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Entry {
    pub key: String,
    pub value: String,
    pub line: usize,
}

/// A section and its options, in file order.
#[derive(Debug, Default)]
struct Section {
    name: String,
    entries: Vec<Entry>,
    keys: HashSet<String>,
    /// Continuation lines of each entry, joined at the end.
    pending: Vec<Vec<String>>,
}

/// A problem found while reading: 1-based line, offending key if any, message.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct SyntaxError {
    pub line: usize,
    pub key: Option<String>,
    pub message: String,
}

impl SyntaxError {
    fn new(line: usize, key: Option<&str>, message: String) -> SyntaxError {
        SyntaxError {
            line,
            key: key.map(str::to_string),
            message,
        }
    }
}

/// Index of the DEFAULT section in the parser's section list.
const DEFAULTS: usize = 0;

/// Reads `text` and flattens its sections into one parameter list as OpenQuake does
/// (options of `[DEFAULT]` first, then each section's in order; a key may appear in only
/// one section).
pub(crate) fn parse(text: &str) -> Result<Vec<Entry>, SyntaxError> {
    let sections = read(text.strip_prefix('\u{feff}').unwrap_or(text))?;
    let defaults = &sections[DEFAULTS];
    let real = &sections[DEFAULTS + 1..];
    // OpenQuake looks at the sections two by two, in order, for options they share; every
    // section has the DEFAULT options
    let mut homes: HashMap<&str, Vec<usize>> = HashMap::new();
    for (i, section) in real.iter().enumerate() {
        for entry in &section.entries {
            homes.entry(&entry.key).or_default().push(i);
        }
    }
    let first_pair = if !defaults.entries.is_empty() && real.len() >= 2 {
        Some((0, 1))
    } else {
        homes
            .values()
            .filter(|h| h.len() >= 2)
            .map(|h| (h[0], h[1]))
            .min()
    };
    if let Some((i, j)) = first_pair {
        let mut common: Vec<&str> = defaults.entries.iter().map(|e| e.key.as_str()).collect();
        common.extend(
            homes
                .iter()
                .filter(|(_, h)| h.contains(&i) && h.contains(&j))
                .map(|(k, _)| *k),
        );
        common.sort_unstable();
        common.dedup();
        let key = common[0];
        let line = real[j]
            .entries
            .iter()
            .chain(&defaults.entries)
            .find(|e| e.key == key)
            .map_or(0, |e| e.line);
        let list: Vec<String> = common.iter().map(|k| str_repr(k)).collect();
        let message = format!(
            "parameter(s) [{}] is(are) defined in multiple sections",
            list.join(", ")
        );
        return Err(SyntaxError::new(line, Some(key), message));
    }
    let mut flat: Vec<Entry> = Vec::new();
    let mut position: HashMap<&str, usize> = HashMap::new();
    for section in real {
        let own: HashMap<&str, &Entry> = section
            .entries
            .iter()
            .map(|e| (e.key.as_str(), e))
            .collect();
        for entry in defaults.entries.iter().chain(&section.entries) {
            let chosen = own.get(entry.key.as_str()).copied().unwrap_or(entry);
            match position.get(entry.key.as_str()) {
                Some(&at) => flat[at] = chosen.clone(),
                None => {
                    position.insert(&entry.key, flat.len());
                    flat.push(chosen.clone());
                }
            }
        }
    }
    Ok(flat)
}

/// Python's universal newlines: `\r\n`, `\r` and `\n` end a line.
fn lines(text: &str) -> impl Iterator<Item = &str> {
    let mut rest = text;
    std::iter::from_fn(move || {
        if rest.is_empty() {
            return None;
        }
        let end = rest.find(['\r', '\n']).unwrap_or(rest.len());
        let line = &rest[..end];
        let skip = match &rest.as_bytes()[end..] {
            [b'\r', b'\n', ..] => 2,
            [] => 0,
            _ => 1,
        };
        rest = &rest[end + skip..];
        Some(line)
    })
}

/// `configparser.RawConfigParser._read`: sections (DEFAULT first) with raw options.
fn read(text: &str) -> Result<Vec<Section>, SyntaxError> {
    let mut sections = vec![Section {
        name: "DEFAULT".into(),
        ..Section::default()
    }];
    let mut current: Option<usize> = None;
    // index of the option continuation lines go to, in the current section
    let mut option: Option<usize> = None;
    let mut indent_level = 0;
    let mut first_error: Option<SyntaxError> = None;
    let mut names = HashSet::new();
    for (i, line) in lines(text).enumerate() {
        let lineno = i + 1;
        let stripped = py_strip(line);
        let comment = stripped.starts_with('#') || stripped.starts_with(';');
        let value = if comment { "" } else { stripped };
        if value.is_empty() {
            if !comment && let (Some(s), Some(o)) = (current, option) {
                sections[s].pending[o].push(String::new());
            }
            continue;
        }
        let indent = line.chars().take_while(|&c| is_py_space(c)).count();
        if let (Some(s), Some(o)) = (current, option)
            && indent > indent_level
        {
            sections[s].pending[o].push(value.to_string());
            continue;
        }
        indent_level = indent;
        if let Some(name) = section_header(value) {
            if name == "DEFAULT" {
                current = Some(DEFAULTS);
            } else if !names.insert(name.to_string()) {
                let message = format!("section {} already exists", str_repr(name));
                return Err(SyntaxError::new(lineno, None, message));
            } else {
                sections.push(Section {
                    name: name.to_string(),
                    ..Section::default()
                });
                current = Some(sections.len() - 1);
            }
            option = None;
            continue;
        }
        let Some(s) = current else {
            let message = format!("File contains no section headers: {}", str_repr(line));
            return Err(SyntaxError::new(lineno, None, message));
        };
        let Some(delim) = value.find(['=', ':']) else {
            if first_error.is_none() {
                let message = format!("Source contains parsing errors: {}", str_repr(line));
                first_error = Some(SyntaxError::new(lineno, None, message));
            }
            continue;
        };
        let key = value[..delim].trim_end_matches(is_py_space).to_lowercase();
        if key.is_empty() && first_error.is_none() {
            let message = format!("Source contains parsing errors: {}", str_repr(line));
            first_error = Some(SyntaxError::new(lineno, None, message));
        }
        let continued = !key.is_empty();
        let section = &mut sections[s];
        if !section.keys.insert(key.clone()) {
            let message = format!(
                "option {} in section {} already exists",
                str_repr(&key),
                str_repr(&section.name)
            );
            return Err(SyntaxError::new(lineno, Some(&key), message));
        }
        let first = py_strip(&value[delim + 1..]).to_string();
        section.entries.push(Entry {
            key,
            value: String::new(),
            line: lineno,
        });
        section.pending.push(vec![first]);
        // configparser takes no continuation lines after a nameless option
        option = continued.then(|| section.entries.len() - 1);
    }
    if let Some(error) = first_error {
        return Err(error);
    }
    for section in &mut sections {
        for (entry, parts) in section.entries.iter_mut().zip(&section.pending) {
            entry.value = parts.join("\n").trim_end_matches(is_py_space).to_string();
        }
    }
    Ok(sections)
}

/// The name in a `[name]` header line (everything up to the last `]`).
fn section_header(value: &str) -> Option<&str> {
    let rest = value.strip_prefix('[')?;
    let end = rest.rfind(']')?;
    (end > 0).then(|| &rest[..end])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kv(entries: &[Entry]) -> Vec<(&str, &str, usize)> {
        entries
            .iter()
            .map(|e| (e.key.as_str(), e.value.as_str(), e.line))
            .collect()
    }

    #[test]
    fn reads_the_dialect() {
        let text = "\u{feff}# comment\n[general]\nDescription = A: b\n; other comment\nmode: classical\n\
                    poes = 0.1\n  0.02\n\n    # comment inside\n\n   0.01\n\n[other]\n  indented = 1\nx=\n";
        let entries = parse(text).unwrap();
        assert_eq!(
            kv(&entries),
            vec![
                ("description", "A: b", 3),
                ("mode", "classical", 5),
                ("poes", "0.1\n0.02\n\n\n0.01", 6),
                ("indented", "1", 14),
                ("x", "", 15),
            ]
        );
    }

    #[test]
    fn windows_line_endings() {
        let entries = parse("[a]\r\nk = v\r\n  w\rz = 1").unwrap();
        assert_eq!(kv(&entries), vec![("k", "v\nw", 2), ("z", "1", 4)]);
    }

    #[test]
    fn defaults_are_inherited() {
        let entries = parse("[DEFAULT]\nk = 1\n[a]\nj = 2\nk = 3\n").unwrap();
        assert_eq!(kv(&entries), vec![("k", "3", 5), ("j", "2", 4)]);
        let err = parse("[DEFAULT]\nk = 1\n[a]\nj = 2\n[b]\ni = 3\n").unwrap_err();
        assert_eq!(
            err.message,
            "parameter(s) ['k'] is(are) defined in multiple sections"
        );
        assert_eq!((err.line, err.key.as_deref()), (2, Some("k")));
    }

    #[test]
    fn errors() {
        let e = parse("[general]\ncalculation_mode = classical\nthis is not an ini line\n")
            .unwrap_err();
        assert_eq!(
            e,
            SyntaxError::new(
                3,
                None,
                "Source contains parsing errors: 'this is not an ini line'".into()
            )
        );
        let e = parse("calculation_mode = classical\n[general]\n").unwrap_err();
        assert_eq!(e.line, 1);
        assert_eq!(
            e.message,
            "File contains no section headers: 'calculation_mode = classical'"
        );
        let e = parse("[a]\nk = 1\n[a]\n").unwrap_err();
        assert_eq!(
            (e.line, e.message.as_str()),
            (3, "section 'a' already exists")
        );
        let e = parse("[a]\nk = 1\nK = 2\n").unwrap_err();
        assert_eq!((e.line, e.key.as_deref()), (3, Some("k")));
        assert_eq!(e.message, "option 'k' in section 'a' already exists");
        let e = parse("[a]\nk = 1\n[b]\nx = 1\nk = 2\n").unwrap_err();
        assert_eq!((e.line, e.key.as_deref()), (5, Some("k")));
        let e = parse("[a]\nx = 1\n[b]\ny = 2\n[c]\ny = 3\nx = 4\n").unwrap_err();
        assert_eq!((e.line, e.key.as_deref()), (7, Some("x")));
        assert_eq!(
            e.message,
            "parameter(s) ['x'] is(are) defined in multiple sections"
        );
        let e = parse("[a]\n= 1\n").unwrap_err();
        assert_eq!(e.line, 2);
        // `[]` is not a header
        assert_eq!(parse("[]\n").unwrap_err().line, 1);
    }
}
