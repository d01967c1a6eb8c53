//! JSON text exactly as OpenQuake writes it (`openquake.baselib.hdf5.dumps` + Python `json`).

use serde_json::{Map, Value};

/// OpenQuake's `hdf5.dumps`: `{` + `\n"key": value` entries joined by `,` + `}`; object values
/// recursively in the same format, other values as Python's `json.dumps`.
pub fn dumps(map: &Map<String, Value>) -> String {
    let mut out = String::from("{");
    for (i, (k, v)) in map.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str("\n\"");
        escape_into(k, &mut out);
        out.push_str("\": ");
        match v {
            Value::Object(m) => out.push_str(&dumps(m)),
            other => python_json(other, &mut out),
        }
    }
    out.push('}');
    out
}

/// Python's `json.dumps(value)` with default settings.
fn python_json(v: &Value, out: &mut String) {
    match v {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => match (n.as_i64(), n.as_u64(), n.as_f64()) {
            (Some(i), _, _) if !n.is_f64() => out.push_str(&i.to_string()),
            (_, Some(u), _) if !n.is_f64() => out.push_str(&u.to_string()),
            (_, _, Some(f)) => out.push_str(&python_float(f)),
            _ => out.push_str(&n.to_string()),
        },
        Value::String(s) => {
            out.push('"');
            escape_into(s, out);
            out.push('"');
        }
        Value::Array(a) => {
            out.push('[');
            for (i, x) in a.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                python_json(x, out);
            }
            out.push(']');
        }
        Value::Object(m) => {
            out.push('{');
            for (i, (k, x)) in m.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                out.push('"');
                escape_into(k, out);
                out.push_str("\": ");
                python_json(x, out);
            }
            out.push('}');
        }
    }
}

/// Python's `repr(float)`: shortest round-trip digits, scientific when the decimal exponent
/// is below -4 or at least 16 (`1e-05`, `1e+16`), otherwise with a `.0` for integers.
pub(crate) fn python_float(f: f64) -> String {
    if f.is_nan() {
        return "NaN".into();
    }
    if f.is_infinite() {
        return if f > 0.0 {
            "Infinity".into()
        } else {
            "-Infinity".into()
        };
    }
    let sci = format!("{f:e}");
    let (mantissa, exp) = sci.split_once('e').unwrap_or((&sci, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    if f != 0.0 && !(-4..16).contains(&exp) {
        let sign = if exp < 0 { '-' } else { '+' };
        return format!("{mantissa}e{sign}{:02}", exp.abs());
    }
    let s = f.to_string();
    if s.contains('.') { s } else { format!("{s}.0") }
}

/// JSON string escaping with Python's `ensure_ascii=True`.
fn escape_into(s: &str, out: &mut String) {
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            c if (c as u32) < 0x20 || (c as u32) > 0x7e => {
                let mut buf = [0u16; 2];
                for unit in c.encode_utf16(&mut buf) {
                    out.push_str(&format!("\\u{unit:04x}"));
                }
            }
            c => out.push(c),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn floats_like_python() {
        assert_eq!(python_float(0.1), "0.1");
        assert_eq!(python_float(50.0), "50.0");
        assert_eq!(python_float(1e-5), "1e-05");
        assert_eq!(python_float(0.0001), "0.0001");
        assert_eq!(python_float(1e16), "1e+16");
        assert_eq!(python_float(1.5e300), "1.5e+300");
        assert_eq!(python_float(123456789012345.0), "123456789012345.0");
        assert_eq!(python_float(-0.0), "-0.0");
    }

    #[test]
    fn dumps_format() {
        let v: Value = serde_json::from_str(
            r#"{"a": {"x": [1, 2.5]}, "b": "é\"", "c": [[0.5, {"k": null}]], "d": true}"#,
        )
        .unwrap();
        let Value::Object(m) = v else { unreachable!() };
        assert_eq!(
            dumps(&m),
            "{\n\"a\": {\n\"x\": [1, 2.5]},\n\"b\": \"\\u00e9\\\"\",\n\"c\": [[0.5, {\"k\": null}]],\n\"d\": true}"
        );
    }
}
