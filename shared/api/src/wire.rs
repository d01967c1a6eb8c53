//! OpenQuake's wire format: JSON as Python's `json.dumps` writes it, and its time formats.
//!
//! Only this module (and the handlers that call it) know how values look on the wire.

use std::io;

use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::ser::{Formatter, Serializer};

/// Serializes a value exactly as Python's `json.dumps` does with default arguments:
/// `", "` and `": "` separators, non-ASCII escaped as `\uXXXX`, floats in `repr` form.
pub fn python_json<T: Serialize + ?Sized>(value: &T) -> String {
    let mut out = Vec::with_capacity(256);
    let mut serializer = Serializer::with_formatter(&mut out, PythonFormatter);
    value
        .serialize(&mut serializer)
        .expect("serializing to memory cannot fail for plain data");
    String::from_utf8(out).expect("the formatter only writes ASCII")
}

/// A serde_json formatter that mimics Python's `json.dumps` defaults.
struct PythonFormatter;

impl Formatter for PythonFormatter {
    fn begin_array_value<W: ?Sized + io::Write>(
        &mut self,
        writer: &mut W,
        first: bool,
    ) -> io::Result<()> {
        if first {
            Ok(())
        } else {
            writer.write_all(b", ")
        }
    }

    fn begin_object_key<W: ?Sized + io::Write>(
        &mut self,
        writer: &mut W,
        first: bool,
    ) -> io::Result<()> {
        if first {
            Ok(())
        } else {
            writer.write_all(b", ")
        }
    }

    fn begin_object_value<W: ?Sized + io::Write>(&mut self, writer: &mut W) -> io::Result<()> {
        writer.write_all(b": ")
    }

    fn write_string_fragment<W: ?Sized + io::Write>(
        &mut self,
        writer: &mut W,
        fragment: &str,
    ) -> io::Result<()> {
        for ch in fragment.chars() {
            if ch.is_ascii() {
                writer.write_all(&[ch as u8])?;
            } else {
                let mut units = [0u16; 2];
                for unit in ch.encode_utf16(&mut units) {
                    write!(writer, "\\u{unit:04x}")?;
                }
            }
        }
        Ok(())
    }

    fn write_f64<W: ?Sized + io::Write>(&mut self, writer: &mut W, value: f64) -> io::Result<()> {
        writer.write_all(python_float_repr(value).as_bytes())
    }

    fn write_f32<W: ?Sized + io::Write>(&mut self, writer: &mut W, value: f32) -> io::Result<()> {
        self.write_f64(writer, f64::from(value))
    }
}

/// Python's `repr(float)`: the shortest digits that round-trip, positional notation for
/// decimal exponents in `-4..16`, scientific (`1e-05`, `1.5e+16`) otherwise.
pub fn python_float_repr(value: f64) -> String {
    if value.is_nan() {
        return "NaN".into();
    }
    if value.is_infinite() {
        return if value > 0.0 { "Infinity" } else { "-Infinity" }.into();
    }
    if value == 0.0 {
        return if value.is_sign_negative() {
            "-0.0"
        } else {
            "0.0"
        }
        .into();
    }
    // Rust's `{:e}` gives the shortest round-trip digits: "-1.2345e-5".
    let sci = format!("{value:e}");
    let (mantissa, exponent) = sci.split_once('e').expect("`{:e}` always has an exponent");
    let exponent: i32 = exponent.parse().expect("`{:e}` exponent is an integer");
    let (sign, mantissa) = match mantissa.strip_prefix('-') {
        Some(rest) => ("-", rest),
        None => ("", mantissa),
    };
    let digits: String = mantissa.chars().filter(|c| *c != '.').collect();
    if (-4..16).contains(&exponent) {
        let point = exponent + 1; // position of the decimal point within `digits`
        let body = if point <= 0 {
            format!("0.{}{}", "0".repeat((-point) as usize), digits)
        } else if point as usize >= digits.len() {
            format!("{}{}.0", digits, "0".repeat(point as usize - digits.len()))
        } else {
            let (int, frac) = digits.split_at(point as usize);
            format!("{int}.{frac}")
        };
        format!("{sign}{body}")
    } else {
        let exp_sign = if exponent < 0 { '-' } else { '+' };
        format!("{sign}{mantissa}e{exp_sign}{:02}", exponent.abs())
    }
}

/// `2026-11-22, 01:58:07 UTC`: `start_time` in list and status elements.
pub fn list_time(t: &DateTime<Utc>) -> String {
    t.format("%Y-%m-%d, %H:%M:%S UTC").to_string()
}

/// `2026-11-22 01:58:50`: Python's `str` of a naive datetime without microseconds.
pub fn naive_time(t: &DateTime<Utc>) -> String {
    t.format("%Y-%m-%d %H:%M:%S").to_string()
}

/// `2026-11-22 01:58:58.591551+00:00`: Python's `str` of an aware UTC datetime
/// (microseconds omitted when they are zero).
pub fn aware_time(t: &DateTime<Utc>) -> String {
    if t.timestamp_subsec_micros() == 0 {
        t.format("%Y-%m-%d %H:%M:%S+00:00").to_string()
    } else {
        t.format("%Y-%m-%d %H:%M:%S%.6f+00:00").to_string()
    }
}

/// `2026-11-22T01:58:01`: `start_time` of the run response.
pub fn iso_seconds(t: &DateTime<Utc>) -> String {
    t.format("%Y-%m-%dT%H:%M:%S").to_string()
}

/// `2026-11-22T01:58:07.69`: a log row's timestamp, ISO format cut to centiseconds
/// (19 characters when the microseconds are zero, as Python omits them).
pub fn log_time(t: &DateTime<Utc>) -> String {
    if t.timestamp_subsec_micros() == 0 {
        t.format("%Y-%m-%dT%H:%M:%S").to_string()
    } else {
        let full = t.format("%Y-%m-%dT%H:%M:%S%.6f").to_string();
        full[..22].to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    use serde_json::json;

    #[test]
    fn json_matches_python_dumps() {
        let value = json!({"id": 2, "tags": null, "ok": true, "list": [1, 2.5, "a"],
                           "name": "Nepal \u{0928}\u{0947} \u{1F600}"});
        assert_eq!(
            python_json(&value),
            r#"{"id": 2, "tags": null, "ok": true, "list": [1, 2.5, "a"], "name": "Nepal \u0928\u0947 \ud83d\ude00"}"#
        );
        assert_eq!(python_json(&json!([])), "[]");
        assert_eq!(python_json(&json!("q\"\n")), r#""q\"\n""#);
    }

    #[test]
    fn floats_match_python_repr() {
        for (value, repr) in [
            (2.7293434143066406, "2.7293434143066406"),
            (-1.0, "-1.0"),
            (0.1, "0.1"),
            (1e-5, "1e-05"),
            (0.0001, "0.0001"),
            (123456.0, "123456.0"),
            (1e16, "1e+16"),
            (1.5e16, "1.5e+16"),
            (9999999999999998.0, "9999999999999998.0"),
            (2.5e-310, "2.5e-310"),
            (0.0, "0.0"),
        ] {
            assert_eq!(python_float_repr(value), repr, "{value}");
        }
    }

    #[test]
    fn time_formats() {
        let t = Utc.with_ymd_and_hms(2026, 11, 22, 1, 58, 7).unwrap()
            + chrono::Duration::microseconds(691_551);
        assert_eq!(list_time(&t), "2026-11-22, 01:58:07 UTC");
        assert_eq!(naive_time(&t), "2026-11-22 01:58:07");
        assert_eq!(aware_time(&t), "2026-11-22 01:58:07.691551+00:00");
        assert_eq!(iso_seconds(&t), "2026-11-22T01:58:07");
        assert_eq!(log_time(&t), "2026-11-22T01:58:07.69");
        let whole = Utc.with_ymd_and_hms(2026, 11, 22, 1, 58, 7).unwrap();
        assert_eq!(log_time(&whole), "2026-11-22T01:58:07");
        assert_eq!(aware_time(&whole), "2026-11-22 01:58:07+00:00");
    }
}
