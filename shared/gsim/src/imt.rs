//! Intensity measure types, spelled as OpenQuake spells them.

use std::fmt;
use std::str::FromStr;

use crate::GsimError;

/// An intensity measure type.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Imt {
    /// Peak ground acceleration (g).
    Pga,
    /// Peak ground velocity (cm/s).
    Pgv,
    /// Peak ground displacement (cm).
    Pgd,
    /// 5%-damped spectral acceleration (g) at the given period in seconds.
    Sa(f64),
}

/// The family of an [`Imt`], ignoring the period.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImtKind {
    /// [`Imt::Pga`].
    Pga,
    /// [`Imt::Pgv`].
    Pgv,
    /// [`Imt::Pgd`].
    Pgd,
    /// [`Imt::Sa`] at any period.
    Sa,
}

impl Imt {
    /// The family of this IMT.
    pub fn kind(&self) -> ImtKind {
        match self {
            Imt::Pga => ImtKind::Pga,
            Imt::Pgv => ImtKind::Pgv,
            Imt::Pgd => ImtKind::Pgd,
            Imt::Sa(_) => ImtKind::Sa,
        }
    }

    /// The period in seconds: the SA period, 0 for PGA, PGV and PGD (as in OpenQuake).
    pub fn period(&self) -> f64 {
        match self {
            Imt::Sa(p) => *p,
            _ => 0.0,
        }
    }
}

impl fmt::Display for Imt {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Imt::Pga => f.write_str("PGA"),
            Imt::Pgv => f.write_str("PGV"),
            Imt::Pgd => f.write_str("PGD"),
            Imt::Sa(p) => write!(f, "SA({})", python_float(*p)),
        }
    }
}

impl FromStr for Imt {
    type Err = GsimError;

    /// Parses `PGA`, `PGV`, `PGD`, `SA(0.1)` (also `SA(1)`), or a bare period
    /// such as `0.1`, which OpenQuake reads as SA.
    fn from_str(s: &str) -> Result<Self, GsimError> {
        let bad = || GsimError::BadImt(s.to_string());
        let t = s.trim();
        match t {
            "PGA" => return Ok(Imt::Pga),
            "PGV" => return Ok(Imt::Pgv),
            "PGD" => return Ok(Imt::Pgd),
            _ => {}
        }
        let period = if let Some(inner) = t.strip_prefix("SA(").and_then(|r| r.strip_suffix(')')) {
            inner.trim().parse::<f64>().map_err(|_| bad())?
        } else if t.starts_with(|c: char| c.is_ascii_digit() || c == '.') {
            t.parse::<f64>().map_err(|_| bad())?
        } else {
            return Err(bad());
        };
        if period.is_finite() && period >= 0.0 {
            Ok(Imt::Sa(period))
        } else {
            Err(bad())
        }
    }
}

/// Formats a float as Python's `repr` does (`0.1`, `1.0`, `1e-05`, `1e+16`).
fn python_float(x: f64) -> String {
    if !x.is_finite() {
        return if x.is_nan() {
            "nan".into()
        } else if x > 0.0 {
            "inf".into()
        } else {
            "-inf".into()
        };
    }
    if x == 0.0 {
        return if x.is_sign_negative() { "-0.0" } else { "0.0" }.into();
    }
    // Shortest round-trip digits and decimal exponent, from Rust's `{:e}`.
    let sci = format!("{x:e}");
    let (mantissa, exp) = sci.split_once('e').unwrap_or((sci.as_str(), "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    let (sign, mantissa) = match mantissa.strip_prefix('-') {
        Some(m) => ("-", m),
        None => ("", mantissa),
    };
    let digits: String = mantissa.chars().filter(|c| *c != '.').collect();
    let n = digits.len() as i32;
    if (-4..16).contains(&exp) {
        if exp < 0 {
            format!("{sign}0.{}{digits}", "0".repeat((-exp - 1) as usize))
        } else if exp + 1 >= n {
            format!("{sign}{digits}{}.0", "0".repeat((exp + 1 - n) as usize))
        } else {
            let (a, b) = digits.split_at((exp + 1) as usize);
            format!("{sign}{a}.{b}")
        }
    } else {
        let m = if n == 1 {
            digits
        } else {
            format!("{}.{}", &digits[..1], &digits[1..])
        };
        let esign = if exp < 0 { '-' } else { '+' };
        format!("{sign}{m}e{esign}{:02}", exp.abs())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_openquake_spelling() {
        for (s, want) in [
            ("PGA", "PGA"),
            ("PGV", "PGV"),
            ("SA(0.1)", "SA(0.1)"),
            ("SA(1)", "SA(1.0)"),
            ("SA(10.0)", "SA(10.0)"),
            ("0.2", "SA(0.2)"),
            ("SA(0.00001)", "SA(1e-05)"),
            ("SA(0.0001)", "SA(0.0001)"),
            ("SA(123.25)", "SA(123.25)"),
        ] {
            assert_eq!(
                s.parse::<Imt>().map(|i| i.to_string()).ok().as_deref(),
                Some(want)
            );
        }
        for bad in ["SA", "SA()", "PGX", "SA(-1)", "SA(nan)", ""] {
            assert!(bad.parse::<Imt>().is_err(), "{bad}");
        }
    }
}
