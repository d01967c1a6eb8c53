//! CSV as OpenQuake's `write_csv` writes it: Python's `csv` module (minimal quoting, CRLF line
//! ends), a first `#` row whose last cell is the metadata, `%.5f` coordinates and C-style
//! scientific numbers.

use std::fmt::Write as _;
use std::path::PathBuf;

use oqcloud_datastore::{AttrValue, Datastore};
use oqcloud_model::jobini::float_repr;

use super::ExportError;

/// A value of the metadata row, written as Python's `repr` writes it.
#[derive(Debug, Clone)]
pub(crate) enum Meta {
    Str(String),
    Int(i64),
    Float(f64),
    /// A list of strings.
    Strs(Vec<String>),
    /// A list of floats.
    Floats(Vec<f64>),
    /// A list of integers.
    Ints(Vec<i64>),
}

/// Python's `repr` of a string (in single quotes).
fn str_repr(s: &str) -> String {
    format!("'{}'", s.replace('\\', "\\\\").replace('\'', "\\'"))
}

impl Meta {
    fn repr(&self) -> String {
        match self {
            Meta::Str(s) => str_repr(s),
            Meta::Int(i) => i.to_string(),
            Meta::Float(f) => float_repr(*f),
            Meta::Strs(items) => {
                let items: Vec<String> = items.iter().map(|s| str_repr(s)).collect();
                format!("[{}]", items.join(", "))
            }
            Meta::Floats(items) => {
                let items: Vec<String> = items.iter().map(|&x| float_repr(x)).collect();
                format!("[{}]", items.join(", "))
            }
            Meta::Ints(items) => {
                let items: Vec<String> = items.iter().map(i64::to_string).collect();
                format!("[{}]", items.join(", "))
            }
        }
    }
}

/// The datastore's own metadata (`dstore.metadata`): who generated it, when, and the checksum
/// of its inputs.
pub(super) fn datastore_metadata(ds: &Datastore) -> Result<Vec<(&'static str, Meta)>, ExportError> {
    let version = match ds.attr("", "engine_version")? {
        AttrValue::Str(v) => v,
        _ => String::new(),
    };
    // the native engine stores `oqcloud <version>`, the reference its bare version
    let generated_by = if version.starts_with("oqcloud") {
        version
    } else {
        format!("OpenQuake engine {version}")
    };
    let mut meta = vec![("generated_by", Meta::Str(generated_by))];
    if let Ok(AttrValue::Str(date)) = ds.attr("", "date") {
        meta.push(("start_date", Meta::Str(date)));
    }
    if let Ok(AttrValue::Int(checksum)) = ds.attr("", "checksum32") {
        meta.push(("checksum", Meta::Int(checksum)));
    }
    Ok(meta)
}

/// One CSV file: the metadata row, a header and rows of already formatted cells.
pub(super) fn write(
    path: PathBuf,
    meta: &[(&str, Meta)],
    header: &[String],
    rows: impl IntoIterator<Item = Vec<String>>,
) -> Result<PathBuf, ExportError> {
    std::fs::write(&path, text(meta, header, rows)).map_err(|source| ExportError::Io {
        path: path.clone(),
        source,
    })?;
    Ok(path)
}

/// The text of a CSV file: the metadata row (none when `meta` is empty, as the reference
/// writes no comment for an empty one), a header and rows of already formatted cells.
pub(crate) fn text(
    meta: &[(&str, Meta)],
    header: &[String],
    rows: impl IntoIterator<Item = Vec<String>>,
) -> String {
    let mut text = String::new();
    if meta.is_empty() {
        push_row(&mut text, header);
        for row in rows {
            push_row(&mut text, &row);
        }
        return text;
    }
    let comment = meta
        .iter()
        .map(|(name, value)| format!("{name}={}", value.repr()))
        .collect::<Vec<_>>()
        .join(", ");
    let mut first = vec![String::from("#")];
    first.extend(std::iter::repeat_n(
        String::new(),
        header.len().saturating_sub(2),
    ));
    first.push(comment);
    push_row(&mut text, &first);
    push_row(&mut text, header);
    for row in rows {
        push_row(&mut text, &row);
    }
    text
}

fn push_row(text: &mut String, cells: &[String]) {
    for (i, cell) in cells.iter().enumerate() {
        if i > 0 {
            text.push(',');
        }
        if cell.contains([',', '"', '\r', '\n']) {
            let _ = write!(text, "\"{}\"", cell.replace('"', "\"\""));
        } else {
            text.push_str(cell);
        }
    }
    text.push_str("\r\n");
}

/// A coordinate: `%.5f`.
pub(crate) fn coordinate(x: f64) -> String {
    format!("{x:.5}")
}

/// C's `%.<digits>E` (`exp` in capitals) or `%.<digits>e`, with OpenQuake's `-0` made `0`.
pub(super) fn scientific(x: f64, digits: usize, upper: bool) -> String {
    if !x.is_finite() {
        let text = if x.is_nan() {
            "nan"
        } else if x > 0.0 {
            "inf"
        } else {
            "-inf"
        };
        return if upper {
            text.to_uppercase()
        } else {
            text.to_owned()
        };
    }
    // Rust's `{:e}` rounds as C does (exactly) but writes the exponent bare: `1.5e-7`
    let mut text = format!("{x:.digits$e}");
    let at = text.find('e').unwrap_or(text.len());
    let exp: i32 = text[at..]
        .get(1..)
        .and_then(|e| e.parse().ok())
        .unwrap_or(0);
    text.truncate(at);
    if text.starts_with('-') && text[1..].bytes().all(|c| c == b'0' || c == b'.') {
        text.remove(0);
    }
    text.push(if upper { 'E' } else { 'e' });
    text.push(if exp < 0 { '-' } else { '+' });
    let _ = write!(text, "{:02}", exp.unsigned_abs());
    text
}

/// A PoE or level in hazard exports: `%.6E`.
pub(crate) fn value(x: f64) -> String {
    scientific(x, 6, true)
}

/// A float cell of a table the reference writes with pandas (`float_format='%.5E'`,
/// `na_rep='nan'`): as [`scientific`], but a negative zero keeps its sign.
pub(crate) fn pandas_float(x: f64) -> String {
    if x.is_nan() {
        "nan".to_owned()
    } else if x == 0.0 && x.is_sign_negative() {
        format!("-{}", scientific(0.0, 5, true))
    } else {
        scientific(x, 5, true)
    }
}

/// numpy's `str` of a float32 (the shortest digits that read back as it, positional from
/// 1e-4 to 1e16), as pandas writes an f4 held in a column of objects.
pub(crate) fn f32_str(x: f32) -> String {
    if !x.is_finite() {
        return float_repr(f64::from(x));
    }
    // the shortest digits that read back as `x`; among those, the nearest to `x` (ties to
    // even, as numpy's Dragon4)
    let shortest = format!("{x:e}");
    let n = shortest
        .split_once('e')
        .map_or(1, |(m, _)| m.chars().filter(char::is_ascii_digit).count());
    let nearest = format!("{:.*e}", n - 1, f64::from(x));
    let digits = if nearest.parse::<f32>() == Ok(x) {
        nearest
    } else {
        shortest
    };
    float_repr(digits.parse().unwrap_or(f64::from(x)))
}

/// Python's `str` of a float, as pandas writes an f8 held in a column of objects.
pub(crate) fn f64_str(x: f64) -> String {
    float_repr(x)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn c_style_scientific() {
        assert_eq!(value(0.9999944), "9.999944E-01");
        assert_eq!(value(0.0), "0.000000E+00");
        assert_eq!(value(-0.0), "0.000000E+00");
        assert_eq!(value(1234.5), "1.234500E+03");
        assert_eq!(value(1e-120), "1.000000E-120");
        assert_eq!(scientific(0.5, 7, false), "5.0000000e-01");
        assert_eq!(value(-2.5e-3), "-2.500000E-03");
        assert_eq!(value(-1e-9), "-1.000000E-09");
        assert_eq!(value(f64::NAN), "NAN");
        assert_eq!(scientific(f64::NEG_INFINITY, 5, false), "-inf");
    }

    #[test]
    fn pandas_and_numpy_floats() {
        assert_eq!(pandas_float(-0.0), "-0.00000E+00");
        assert_eq!(pandas_float(f64::NAN), "nan");
        assert_eq!(pandas_float(1234.5), "1.23450E+03");
        assert_eq!(f32_str(942_645.44), "942645.44");
        assert_eq!(f32_str(0.0), "0.0");
        assert_eq!(f32_str(1e-5), "1e-05");
        // 2980908.25: 2980908.2 and 2980908.3 both read back, the tie goes to the even digit
        assert_eq!(f32_str(2_980_908.25_f64 as f32), "2980908.2");
        assert_eq!(f64_str(889_579.812_5), "889579.8125");
    }

    #[test]
    fn no_metadata_no_comment_row() {
        let text = text(
            &[],
            &["a".into(), "b".into()],
            [vec!["1".into(), "2".into()]],
        );
        assert_eq!(text, "a,b\r\n1,2\r\n");
    }

    #[test]
    fn python_csv_quoting() {
        let mut text = String::new();
        push_row(&mut text, &["#".into(), "".into(), "a='x', b=1".into()]);
        assert_eq!(text, "#,,\"a='x', b=1\"\r\n");
    }
}
