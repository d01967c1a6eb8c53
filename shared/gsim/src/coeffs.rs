//! Coefficient tables in OpenQuake's text layout, with its period interpolation.

use std::sync::LazyLock;

use crate::{GsimError, Imt};

/// A coefficient table: a header `IMT name1 name2 ...` and one row per IMT
/// (`pga`, `pgv`, `pgd`, or an SA period in seconds).
pub(crate) struct CoeffTable {
    names: Vec<&'static str>,
    rows: Vec<(Imt, Vec<f64>)>,
}

/// A table parsed on first use.
pub(crate) type Table = LazyLock<Result<CoeffTable, String>>;

impl CoeffTable {
    /// Parses the text layout; errors name the offending line.
    pub(crate) fn parse(text: &'static str) -> Result<CoeffTable, String> {
        let mut lines = text.lines().map(str::trim).filter(|l| !l.is_empty());
        let mut header = lines.next().ok_or("empty table")?.split_whitespace();
        if !header.next().is_some_and(|h| h.eq_ignore_ascii_case("imt")) {
            return Err("first column must be IMT".into());
        }
        let names: Vec<&'static str> = header.collect();
        let mut rows = Vec::new();
        for line in lines {
            let mut cells = line.split_whitespace();
            let key = cells.next().unwrap_or_default().to_ascii_uppercase();
            let imt: Imt = key
                .parse()
                .map_err(|_| format!("bad IMT in row {line:?}"))?;
            let values = cells
                .map(str::parse::<f64>)
                .collect::<Result<Vec<f64>, _>>()
                .map_err(|_| format!("bad number in row {line:?}"))?;
            if values.len() != names.len() {
                return Err(format!("wrong number of cells in row {line:?}"));
            }
            rows.push((imt, values));
        }
        Ok(CoeffTable { names, rows })
    }

    /// The named coefficients for `imt`. SA periods between two tabulated
    /// periods are interpolated linearly in ln(period) between the nearest
    /// rows below and above, as OpenQuake's `CoeffsTable` does; there is no
    /// extrapolation.
    pub(crate) fn get<const N: usize>(
        table: &Table,
        gsim: &str,
        imt: &Imt,
        names: [&str; N],
    ) -> Result<[f64; N], GsimError> {
        let t = table
            .as_ref()
            .map_err(|e| GsimError::Internal(format!("{gsim}: coefficient table: {e}")))?;
        let mut idx = [0usize; N];
        for (slot, name) in idx.iter_mut().zip(names) {
            *slot = t.names.iter().position(|n| *n == name).ok_or_else(|| {
                GsimError::Internal(format!("{gsim}: no coefficient {name} in table"))
            })?;
        }
        let unsupported = || GsimError::UnsupportedImt {
            gsim: gsim.to_string(),
            imt: imt.to_string(),
        };
        if let Some((_, row)) = t.rows.iter().find(|(k, _)| k == imt) {
            return Ok(idx.map(|i| row[i]));
        }
        let Imt::Sa(period) = *imt else {
            return Err(unsupported());
        };
        let mut below: Option<(f64, &Vec<f64>)> = None;
        let mut above: Option<(f64, &Vec<f64>)> = None;
        for (k, row) in &t.rows {
            let Imt::Sa(p) = *k else { continue };
            if p > period && above.is_none_or(|(a, _)| p < a) {
                above = Some((p, row));
            } else if p < period && below.is_none_or(|(b, _)| p > b) {
                below = Some((p, row));
            }
        }
        let (Some((pb, rb)), Some((pa, ra))) = (below, above) else {
            return Err(unsupported());
        };
        let ratio = (period.ln() - pb.ln()) / (pa.ln() - pb.ln());
        Ok(idx.map(|i| (ra[i] - rb[i]) * ratio + rb[i]))
    }
}

/// Declares a lazily parsed coefficient table from its text.
macro_rules! table {
    ($(#[$m:meta])* $vis:vis $name:ident = $text:expr) => {
        $(#[$m])*
        $vis static $name: $crate::coeffs::Table =
            std::sync::LazyLock::new(|| $crate::coeffs::CoeffTable::parse($text));
    };
}
pub(crate) use table;

#[cfg(test)]
mod tests {
    use super::*;

    table!(
        T = "
        imt   a    b     c   d
        pga   1    2.4  -5   0.01
        pgd  7.6  12     0  44.1
        0.1  10   20    30  40
        1.0   1    2     3   4
        10    2    4     6   8
    "
    );

    #[test]
    fn interpolates_like_openquake() {
        // The values of OpenQuake's CoeffsTable doctest.
        let a = CoeffTable::get(&T, "T", &Imt::Sa(0.2), ["a"]).unwrap()[0];
        assert_eq!(format!("{a:.5}"), "7.29073");
        let c = CoeffTable::get(&T, "T", &Imt::Sa(0.9), ["c"]).unwrap()[0];
        assert_eq!(format!("{c:.5}"), "4.23545");
        let c = CoeffTable::get(&T, "T", &Imt::Sa(5.0), ["c"]).unwrap()[0];
        assert_eq!(format!("{c:.5}"), "5.09691");
        assert_eq!(
            CoeffTable::get(&T, "T", &Imt::Pgd, ["d", "a"]).unwrap(),
            [44.1, 7.6]
        );
        assert!(CoeffTable::get(&T, "T", &Imt::Sa(0.01), ["a"]).is_err());
        assert!(CoeffTable::get(&T, "T", &Imt::Sa(11.0), ["a"]).is_err());
        assert!(CoeffTable::get(&T, "T", &Imt::Pgv, ["a"]).is_err());
        assert!(CoeffTable::get(&T, "T", &Imt::Sa(f64::NAN), ["a"]).is_err());
        assert!(CoeffTable::get(&T, "T", &Imt::Pga, ["zz"]).is_err());
    }
}
