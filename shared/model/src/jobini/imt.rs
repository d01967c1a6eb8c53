//! Intensity measure types: recognising and normalising names like OpenQuake's
//! `imt.from_string` (`SA(0.10)` → `SA(0.1)`, `0.2` → `SA(0.2)`, `EAS(2)` → `EAS(2.000000)`).

use super::params::IMT_NAMES;
use super::value::{float_repr, py_float, py_strip};

/// Frequency-based IMTs, written `NAME(frequency)`.
const FREQUENCY_IMTS: [&str; 4] = ["EAS", "FAS", "DRVT", "AvgSA"];

/// The normalised form of an IMT string, or OpenQuake's reason for rejecting it.
pub(crate) fn normalize(imt: &str) -> Result<String, String> {
    if let Some(normal) = frequency_imt(imt)? {
        return Ok(normal);
    }
    if let Some(normal) = sdi(imt) {
        return Ok(normal);
    }
    if imt.starts_with(|c: char| c == ' ' || c == '+' || c == '.' || c.is_ascii_digit()) {
        // a bare number is the period of an SA
        return Ok(format!("SA({})", float_repr(py_float(imt)?)));
    }
    let s = py_strip(imt);
    let (mut name, rest) = match s.split_once('(') {
        Some((name, rest)) => (name, Some(rest.split('(').next().unwrap_or(rest))),
        None => (s, None),
    };
    // e.g. AllstadtEtAl2022Landslides_LsProb is a LsProb
    if !IMT_NAMES.contains(&name)
        && let Some((_, suffix)) = name.rsplit_once('_')
        && IMT_NAMES.contains(&suffix)
    {
        name = suffix;
    }
    if !IMT_NAMES.contains(&name) {
        return Err(format!("Invalid IMT: '{imt}'"));
    }
    let Some(rest) = rest else {
        if name == "SA" {
            return Err("Missing period in SA".into());
        }
        return Ok(s.to_string());
    };
    // OpenQuake drops the last character, whatever it is, before reading the attributes
    let mut chars = rest.chars();
    chars.next_back();
    let attrs: Vec<&str> = chars.as_str().split(',').collect();
    let (period, strength) = match attrs.as_slice() {
        [p] => (py_float(p)?, None),
        [p, s] => (py_float(p)?, Some(py_float(s)?)),
        _ => {
            return Err(format!(
                "IMT attributes not recognizable: {}",
                chars.as_str()
            ));
        }
    };
    for prefix in ["Sa_avg2", "Sa_avg3", "SA", "FIV3"] {
        if name.starts_with(prefix) {
            return Ok(format!("{prefix}({})", float_repr(period)));
        }
    }
    match (name.starts_with("SDi"), strength) {
        (true, Some(sr)) => Ok(format!("SDi({},{})", float_repr(period), float_repr(sr))),
        (true, None) => Err(
            "cannot access local variable 'strength_ratio' where it is not associated with a value"
                .into(),
        ),
        _ => Err(format!("IMT class name not recognizable: {name}")),
    }
}

/// `EAS(f)`, `FAS(f)`, `DRVT(f)`, `AvgSA(f)` at the start of the string (the rest is ignored).
fn frequency_imt(imt: &str) -> Result<Option<String>, String> {
    for name in FREQUENCY_IMTS {
        let Some(rest) = imt.strip_prefix(name).and_then(|r| r.strip_prefix('(')) else {
            continue;
        };
        let digits = rest
            .find(|c: char| !c.is_ascii_digit())
            .unwrap_or(rest.len());
        if digits == 0 {
            continue;
        }
        let after_dots = rest[digits..].trim_start_matches('.');
        let tail = after_dots.trim_start_matches(|c: char| c.is_ascii_digit());
        if !tail.starts_with(')') {
            continue;
        }
        let number = &rest[..rest.len() - tail.len()];
        let value = py_float(number)?;
        if name == "AvgSA" {
            return Ok(Some(format!("AvgSA({})", float_repr(value))));
        }
        if value == 0.0 {
            return Err("float division by zero".into());
        }
        return Ok(Some(format!("{name}({value:.6})")));
    }
    Ok(None)
}

/// `SDi(period,strength_ratio)` written with plain decimal numbers.
fn sdi(imt: &str) -> Option<String> {
    let body = imt.strip_prefix("SDi(")?;
    let body = body
        .strip_suffix(")\n")
        .or_else(|| body.strip_suffix(')'))?;
    let (p, s) = body.split_once(',')?;
    let decimal = |x: &str| {
        let int = x.trim_start_matches(|c: char| c.is_ascii_digit());
        let frac = int.strip_prefix('.').unwrap_or(int);
        int.len() < x.len() && frac.bytes().all(|b| b.is_ascii_digit())
    };
    if !(decimal(p) && decimal(s)) {
        return None;
    }
    let (p, s) = (py_float(p).ok()?, py_float(s).ok()?);
    Some(format!("SDi({},{})", float_repr(p), float_repr(s)))
}

#[cfg(test)]
mod tests {
    use super::normalize;

    #[test]
    fn normalizes_like_openquake() {
        for (input, expected) in [
            ("PGA", "PGA"),
            ("SA(0.10)", "SA(0.1)"),
            ("SA(1)", "SA(1.0)"),
            ("0.2", "SA(0.2)"),
            ("MMI", "MMI"),
            ("EAS(2)", "EAS(2.000000)"),
            ("AvgSA(1)", "AvgSA(1.0)"),
            ("SDi(1,2)", "SDi(1.0,2.0)"),
            ("Sa_avg2(0.5)", "Sa_avg2(0.5)"),
            (
                "AllstadtEtAl2022Landslides_LsProb",
                "AllstadtEtAl2022Landslides_LsProb",
            ),
        ] {
            assert_eq!(normalize(input).as_deref(), Ok(expected), "{input}");
        }
    }

    #[test]
    fn rejects_like_openquake() {
        assert_eq!(normalize("SA").unwrap_err(), "Missing period in SA");
        assert_eq!(normalize("PGX").unwrap_err(), "Invalid IMT: 'PGX'");
        assert_eq!(normalize("").unwrap_err(), "Invalid IMT: ''");
        assert_eq!(
            normalize("PGA(1)").unwrap_err(),
            "IMT class name not recognizable: PGA"
        );
        assert_eq!(normalize("EAS(0)").unwrap_err(), "float division by zero");
        assert!(normalize("SA(x)").is_err());
        assert!(normalize("1abc").is_err());
    }
}
