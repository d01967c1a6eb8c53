//! Chapman and Guo (2021), "A response spectral ratio model to account for amplification
//! and attenuation effects in the Atlantic and Gulf coastal plain", BSSA 111(4),
//! 1849-1867: spectral ratios tabulated against sediment depth, magnitude and rupture
//! distance (the USGS table of the 2023 US hazard model), interpolated trilinearly as
//! the USGS code (and OpenQuake) does, and the sediment-depth scaling of the reference
//! site amplification.

use std::sync::LazyLock;

use crate::{GsimError, Imt};

/// Sediment depths of the table, km.
const Z: [f64; 20] = [
    0.0, 0.1, 0.2, 0.3, 0.4, 0.6, 0.8, 1.0, 1.5, 2.5, 3.5, 4.5, 5.5, 6.5, 7.5, 8.5, 9.5, 10.5,
    11.5, 12.5,
];
/// Magnitudes of the table.
const M: [f64; 10] = [4.0, 4.5, 5.0, 5.5, 6.0, 6.5, 7.0, 7.5, 8.0, 8.2];
/// Rupture distances of the table, km.
const R: [f64; 19] = [
    0.0, 25.0, 50.0, 75.0, 100.0, 150.0, 200.0, 300.0, 400.0, 500.0, 600.0, 700.0, 800.0, 900.0,
    1000.0, 1100.0, 1200.0, 1350.0, 1500.0,
];

const NAME: &str = "NGAEastUSGSGMPE (Chapman and Guo 2021)";

/// The ratios per IMT (OpenQuake's spelling), each `Z × M × R`.
struct Ratios {
    imts: Vec<String>,
    values: Vec<Vec<f64>>,
}

static RATIOS: LazyLock<Result<Ratios, String>> =
    LazyLock::new(|| parse(include_str!("../../tables/chapman_guo_2021_psa_ratios.csv")));

/// Reads the table: `zsed,magnitude,distance,psa_ratio_<IMT>...`, one row per grid node.
fn parse(text: &str) -> Result<Ratios, String> {
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().ok_or("empty table")?.split(',').collect();
    if header.get(..3) != Some(&["zsed", "magnitude", "distance"]) {
        return Err(format!("unexpected header {header:?}"));
    }
    let imts: Vec<String> = header[3..]
        .iter()
        .map(|h| h.strip_prefix("psa_ratio_").unwrap_or(h).to_string())
        .collect();
    let size = Z.len() * M.len() * R.len();
    let mut values = vec![vec![f64::NAN; size]; imts.len()];
    for (n, line) in lines.enumerate() {
        let cells = line
            .split(',')
            .map(str::parse::<f64>)
            .collect::<Result<Vec<f64>, _>>()
            .map_err(|e| format!("line {}: {e}", n + 2))?;
        let at = |grid: &[f64], v: f64| grid.iter().position(|&g| g == v);
        let (Some(i), Some(j), Some(k)) = (at(&Z, cells[0]), at(&M, cells[1]), at(&R, cells[2]))
        else {
            return Err(format!("line {}: not a grid node", n + 2));
        };
        if cells.len() != header.len() {
            return Err(format!("line {}: {} cells", n + 2, cells.len()));
        }
        for (column, v) in values.iter_mut().zip(&cells[3..]) {
            column[(i * M.len() + j) * R.len() + k] = *v;
        }
    }
    Ok(Ratios { imts, values })
}

/// Whether the table has ratios for `imt`.
pub(crate) fn covers(imt: &Imt) -> bool {
    let name = imt.to_string();
    RATIOS.as_ref().is_ok_and(|r| r.imts.contains(&name))
}

/// The lower grid index of `x` (clipped to the grid) as `searchsorted(grid, x) - 1`, with
/// its Python wrap-around to the last index at the first node, the upper index, and the
/// fraction of the way between them.
fn bracket(grid: &[f64], x: f64) -> (usize, usize, f64) {
    let x = x.clamp(grid[0], grid[grid.len() - 1]);
    let upper = grid.partition_point(|&g| g < x);
    let lower = upper.checked_sub(1).unwrap_or(grid.len() - 1);
    let fraction = ((x - grid[lower]) / (grid[upper] - grid[lower])).clamp(0.0, 1.0);
    (lower, upper, fraction)
}

fn lerp(lo: f64, hi: f64, fraction: f64) -> f64 {
    lo + fraction * (hi - lo)
}

/// ln of the spectral ratio of `imt` at sediment depth `z_sed` (km; -999: none, ratio 1),
/// magnitude `mag` and rupture distance `rrup`.
pub(crate) fn ln_ratio(imt: &Imt, z_sed: f64, mag: f64, rrup: f64) -> Result<f64, GsimError> {
    let ratios = RATIOS
        .as_ref()
        .map_err(|e| GsimError::Internal(format!("{NAME}: {e}")))?;
    let name = imt.to_string();
    let column =
        ratios
            .imts
            .iter()
            .position(|i| *i == name)
            .ok_or_else(|| GsimError::UnsupportedImt {
                gsim: NAME.to_string(),
                imt: name,
            })?;
    if z_sed == -999.0 {
        return Ok(0.0);
    }
    let data = &ratios.values[column];
    let at = |i: usize, j: usize, k: usize| data[(i * M.len() + j) * R.len() + k];
    let (i0, i1, zf) = bracket(&Z, z_sed);
    let (j0, j1, mf) = bracket(&M, mag);
    let (k0, k1, rf) = bracket(&R, rrup);
    let over_r = |i, j| lerp(at(i, j, k0), at(i, j, k1), rf);
    let over_m = |i| lerp(over_r(i, j0), over_r(i, j1), mf);
    Ok(lerp(over_m(i0), over_m(i1), zf).ln())
}

/// The weight of the reference site amplification removed at sediment depth `z_sed`
/// (km; -999 taken as 0): `(1 − exp(−z/2))⁴`.
pub(crate) fn z_scale(z_sed: f64) -> f64 {
    let z = if z_sed == -999.0 { 0.0 } else { z_sed };
    (1.0 - (-z / 2.0).exp()).powi(4)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_is_complete() {
        let ratios = RATIOS.as_ref().unwrap();
        assert_eq!(ratios.imts.len(), 24);
        assert!(ratios.values.iter().flatten().all(|v| v.is_finite()));
        assert!(covers(&Imt::Sa(0.75)) && !covers(&Imt::Sa(0.8)));
        // no sediment: no amplification
        assert_eq!(ln_ratio(&Imt::Pga, 0.0, 6.0, 10.0).unwrap(), 0.0);
        assert_eq!(ln_ratio(&Imt::Pga, -999.0, 6.0, 10.0).unwrap(), 0.0);
        assert_eq!(z_scale(-999.0), 0.0);
    }

    #[test]
    fn brackets_wrap_at_the_first_node_as_numpy() {
        assert_eq!(bracket(&M, 4.0), (M.len() - 1, 0, 1.0));
        assert_eq!(bracket(&M, 4.25), (0, 1, 0.5));
        assert_eq!(bracket(&M, 9.0), (M.len() - 2, M.len() - 1, 1.0));
    }
}
