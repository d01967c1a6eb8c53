//! Conversions of attribute values and element texts into typed values. Each value-level
//! constraint (a probability is in [0, 1], a longitude in [-180, 180], ...) is checked here,
//! where the value is read; constraints between values are checked on the typed structs.

use crate::logic_tree::UNCERTAINTY_TYPES;
use crate::source::{Interdependence, MagScaleRel, Point, Point3};

/// A named conversion from text; the name shows in errors: `Could not convert <field>-><name>`.
#[derive(Clone, Copy)]
pub(crate) struct Conv<T> {
    pub name: &'static str,
    pub convert: fn(&str) -> Result<T, String>,
}

/// Any finite number.
pub(crate) const FLOAT: Conv<f64> = Conv {
    name: "float",
    convert: float,
};

/// A number >= 0.
pub(crate) const NON_NEGATIVE: Conv<f64> = Conv {
    name: "non_negative_float",
    convert: |s| at_least_zero(float(s)?),
};

/// A number > 0.
pub(crate) const POSITIVE: Conv<f64> = Conv {
    name: "positive_float",
    convert: |s| {
        let value = float(s)?;
        if value > 0.0 {
            Ok(value)
        } else {
            Err(format!("{value} is not positive"))
        }
    },
};

/// A boolean as OpenQuake's `valid.boolean` reads it: 1, yes, true or on, 0, no, false or
/// off, in any case.
pub(crate) const BOOLEAN: Conv<bool> = Conv {
    name: "boolean",
    convert: |s| match s.trim().to_ascii_lowercase().as_str() {
        "1" | "yes" | "true" | "on" => Ok(true),
        "0" | "no" | "false" | "off" => Ok(false),
        other => Err(format!("{other} is not a boolean")),
    },
};

/// A slip direction: degrees within [0, 360].
pub(crate) const SLIP: Conv<f64> = Conv {
    name: "slip",
    convert: |s| {
        let value = float(s)?;
        if (0.0..=360.0).contains(&value) {
            Ok(value)
        } else {
            Err(format!("slip {value} is not in the range [0, 360]"))
        }
    },
};

/// A number in [0, 1].
pub(crate) const PROBABILITY: Conv<f64> = Conv {
    name: "probability",
    convert: |s| {
        let value = float(s)?;
        if (0.0..=1.0).contains(&value) {
            Ok(value)
        } else {
            Err(format!("{value} is not in the range [0, 1]"))
        }
    },
};

pub(crate) const LONGITUDE: Conv<f64> = Conv {
    name: "longitude",
    convert: |s| longitude(float(s)?),
};

pub(crate) const LATITUDE: Conv<f64> = Conv {
    name: "latitude",
    convert: |s| latitude(float(s)?),
};

/// Strike in [0, 360) degrees.
pub(crate) const STRIKE: Conv<f64> = Conv {
    name: "strike",
    convert: |s| {
        let value = float(s)?;
        if (0.0..360.0).contains(&value) {
            Ok(value)
        } else {
            Err(format!("strike {value} is not in the range [0, 360)"))
        }
    },
};

/// Dip in (0, 90] degrees.
pub(crate) const DIP: Conv<f64> = Conv {
    name: "dip",
    convert: |s| {
        let value = float(s)?;
        if value > 0.0 && value <= 90.0 {
            Ok(value)
        } else {
            Err(format!("dip {value} is not in the range (0, 90]"))
        }
    },
};

/// Rake in (-180, 180] degrees.
pub(crate) const RAKE: Conv<f64> = Conv {
    name: "rake",
    convert: |s| {
        let value = float(s)?;
        if value > -180.0 && value <= 180.0 {
            Ok(value)
        } else {
            Err(format!("rake {value} is not in the range (-180, 180]"))
        }
    },
};

/// Whitespace-separated numbers.
pub(crate) const FLOATS: Conv<Vec<f64>> = Conv {
    name: "floats",
    convert: |s| s.split_whitespace().map(float).collect(),
};

/// Whitespace-separated numbers >= 0 (brackets around the list are tolerated).
pub(crate) const NON_NEGATIVES: Conv<Vec<f64>> = Conv {
    name: "non_negative_floats",
    convert: |s| {
        s.trim_matches(|c: char| c == '[' || c == ']' || c.is_whitespace())
            .split_whitespace()
            .map(|item| at_least_zero(float(item)?))
            .collect()
    },
};

/// An integer > 0.
pub(crate) const POSITIVE_INT: Conv<usize> = Conv {
    name: "positive_int",
    convert: positive_int,
};

/// Whitespace-separated integers > 0.
pub(crate) const POSITIVE_INTS: Conv<Vec<usize>> = Conv {
    name: "positive_ints",
    convert: |s| s.split_whitespace().map(positive_int).collect(),
};

/// An identifier: 1 to 75 ASCII letters, digits, `_`, `-` or `:`.
pub(crate) const ID: Conv<String> = Conv {
    name: "id",
    convert: |s| {
        const MAX_LEN: usize = 75;
        if s.is_empty() {
            Err("an ID cannot be empty".to_owned())
        } else if !s
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | ':'))
        {
            Err(format!(
                "invalid ID '{s}': only ASCII letters, digits, '_', '-' and ':' are allowed"
            ))
        } else if s.len() > MAX_LEN {
            Err(format!("the ID '{s}' is longer than {MAX_LEN} characters"))
        } else {
            Ok(s.to_owned())
        }
    },
};

/// Non-blank text, trimmed.
pub(crate) const NON_EMPTY: Conv<String> = Conv {
    name: "non_empty",
    convert: |s| {
        let trimmed = s.trim();
        if trimmed.is_empty() {
            Err("empty value".to_owned())
        } else {
            Ok(trimmed.to_owned())
        }
    },
};

/// Marks a site parameter as unknown (for the job or the GSIM to fill in).
const UNKNOWN: f64 = -999.0;

/// A site parameter > 0, or -999.
pub(crate) const POSITIVE_OR_UNKNOWN: Conv<f64> = Conv {
    name: "positive_or_unknown",
    convert: |s| {
        let value = float(s)?;
        if value > 0.0 || value == UNKNOWN {
            Ok(value)
        } else {
            Err(format!("{value} is neither positive nor {UNKNOWN}"))
        }
    },
};

/// A site parameter >= 0, or -999.
pub(crate) const NON_NEGATIVE_OR_UNKNOWN: Conv<f64> = Conv {
    name: "non_negative_or_unknown",
    convert: |s| {
        let value = float(s)?;
        if value >= 0.0 || value == UNKNOWN {
            Ok(value)
        } else {
            Err(format!("{value} is neither >= 0 nor {UNKNOWN}"))
        }
    },
};

/// `indep` or `mutex`.
pub(crate) const INTERDEPENDENCE: Conv<Interdependence> = Conv {
    name: "interdependence",
    convert: |s| match s.trim() {
        "indep" => Ok(Interdependence::Independent),
        "mutex" => Ok(Interdependence::MutuallyExclusive),
        other => Err(format!("'{other}' is neither 'indep' nor 'mutex'")),
    },
};

pub(crate) const UNCERTAINTY_TYPE: Conv<&'static str> = Conv {
    name: "uncertainty_type",
    convert: |s| {
        let s = s.trim();
        UNCERTAINTY_TYPES
            .iter()
            .copied()
            .find(|&t| t == s)
            .ok_or_else(|| format!("'{s}' is not a known uncertainty type"))
    },
};

pub(crate) const MAG_SCALE_REL: Conv<MagScaleRel> = Conv {
    name: "mag_scale_rel",
    convert: MagScaleRel::parse,
};

/// `lon lat` (a `gml:pos`).
pub(crate) const LON_LAT: Conv<Point> = Conv {
    name: "lon_lat",
    convert: |s| match coordinates(s, 2)?.as_slice() {
        [point] => Ok(*point),
        _ => Err(format!(
            "expected a longitude and a latitude, got '{}'",
            s.trim()
        )),
    },
};

/// `lon lat lon lat ...` (a 2D `gml:posList`).
pub(crate) const POINTS: Conv<Vec<Point>> = Conv {
    name: "pos_list",
    convert: |s| coordinates(s, 2),
};

/// `lon lat depth lon lat depth ...` (a 3D `gml:posList`).
pub(crate) const POINTS_3D: Conv<Vec<Point3>> = Conv {
    name: "pos_list_3d",
    convert: |s| {
        let numbers = numbers(s, 3)?;
        numbers
            .chunks_exact(3)
            .map(|c| {
                Ok(Point3 {
                    lon: longitude(c[0])?,
                    lat: latitude(c[1])?,
                    depth: c[2],
                })
            })
            .collect()
    },
};

fn coordinates(s: &str, dim: usize) -> Result<Vec<Point>, String> {
    numbers(s, dim)?
        .chunks_exact(dim)
        .map(|c| {
            Ok(Point {
                lon: longitude(c[0])?,
                lat: latitude(c[1])?,
            })
        })
        .collect()
}

/// Whitespace-separated numbers, as many as a multiple of `dim`.
fn numbers(s: &str, dim: usize) -> Result<Vec<f64>, String> {
    let numbers = s
        .split_whitespace()
        .map(float)
        .collect::<Result<Vec<_>, _>>()?;
    if numbers.len() % dim == 0 {
        Ok(numbers)
    } else {
        let what = if dim == 2 { "pairs" } else { "triplets" };
        Err(format!(
            "expected {what} of coordinates, got {} values",
            numbers.len()
        ))
    }
}

fn float(s: &str) -> Result<f64, String> {
    let trimmed = s.trim();
    match trimmed.parse::<f64>() {
        Ok(value) if value.is_finite() => Ok(value),
        Ok(_) => Err(format!("'{trimmed}' is not a finite number")),
        Err(_) => Err(format!("'{trimmed}' is not a number")),
    }
}

fn at_least_zero(value: f64) -> Result<f64, String> {
    if value >= 0.0 {
        Ok(value)
    } else {
        Err(format!("{value} is negative"))
    }
}

fn longitude(value: f64) -> Result<f64, String> {
    if (-180.0..=180.0).contains(&value) {
        Ok(value)
    } else {
        Err(format!("longitude {value} is not in the range [-180, 180]"))
    }
}

fn latitude(value: f64) -> Result<f64, String> {
    if (-90.0..=90.0).contains(&value) {
        Ok(value)
    } else {
        Err(format!("latitude {value} is not in the range [-90, 90]"))
    }
}

fn positive_int(s: &str) -> Result<usize, String> {
    let trimmed = s.trim();
    match trimmed.parse::<usize>() {
        Ok(value) if value > 0 => Ok(value),
        _ => Err(format!("'{trimmed}' is not a positive integer")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_and_ranges() {
        assert_eq!((FLOAT.convert)(" 1.5E+00\n"), Ok(1.5));
        assert!((FLOAT.convert)("abc").is_err());
        assert!((FLOAT.convert)("nan").is_err());
        assert!((FLOAT.convert)("inf").is_err());
        assert_eq!((NON_NEGATIVE.convert)("0"), Ok(0.0));
        assert!((NON_NEGATIVE.convert)("-1").is_err());
        assert!((POSITIVE.convert)("0").is_err());
        assert!((PROBABILITY.convert)("1.01").is_err());
        assert!((STRIKE.convert)("360").is_err());
        assert_eq!((STRIKE.convert)("0"), Ok(0.0));
        assert!((DIP.convert)("0").is_err());
        assert_eq!((DIP.convert)("90"), Ok(90.0));
        assert!((RAKE.convert)("-180").is_err());
        assert_eq!((RAKE.convert)("180"), Ok(180.0));
        assert!((LONGITUDE.convert)("180.5").is_err());
        assert!((LATITUDE.convert)("-90.5").is_err());
        assert_eq!((NON_NEGATIVES.convert)("[1 2.5]"), Ok(vec![1.0, 2.5]));
        assert_eq!((POSITIVE_INTS.convert)("1 2"), Ok(vec![1, 2]));
        assert!((POSITIVE_INT.convert)("0").is_err());
    }

    #[test]
    fn ids() {
        assert!((ID.convert)("src:01_a-b").is_ok());
        assert!((ID.convert)("").is_err());
        assert!((ID.convert)("a b").is_err());
        assert!((ID.convert)("é").is_err());
        assert!((ID.convert)(&"a".repeat(76)).is_err());
    }

    #[test]
    fn coordinates_come_in_pairs_or_triplets() {
        assert_eq!((POINTS.convert)("1 2 3 4").map(|p| p.len()), Ok(2));
        assert!((POINTS.convert)("1 2 3").is_err());
        assert!((POINTS.convert)("1 95").is_err());
        assert_eq!((POINTS_3D.convert)("1 2 3 4 5 6").map(|p| p.len()), Ok(2));
        assert!((POINTS_3D.convert)("1 2 3 4").is_err());
        assert!((LON_LAT.convert)("1 2 3 4").is_err());
    }
}
