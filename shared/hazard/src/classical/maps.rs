//! Hazard maps: the intensity level with a given probability of exceedance, interpolated on a
//! hazard curve as OpenQuake does (`compute_hazard_maps`):
//!
//! - linear interpolation between log PoE and log level;
//! - PoEs below 1e-30 are taken as 1e-30;
//! - a PoE above the curve's largest one gives 0 (the level is extrapolated to zero);
//! - a PoE below the curve's smallest one gives the largest level (numpy's `interp`
//!   clamps at the ends).

/// PoEs below this are replaced by it before taking logarithms.
const EPSILON: f64 = 1e-30;

/// The level of `curve` (PoEs of `levels`, decreasing) exceeded with probability `poe`.
pub fn hazard_map_value(curve: &[f64], levels: &[f64], poe: f64) -> f64 {
    debug_assert_eq!(curve.len(), levels.len());
    // ascending in PoE: the curve and its levels reversed
    let xs: Vec<f64> = curve.iter().rev().map(|p| p.max(EPSILON).ln()).collect();
    let ys: Vec<f64> = levels.iter().rev().map(|l| l.ln()).collect();
    let x = poe.ln();
    let Some(&last) = xs.last() else {
        return 0.0;
    };
    if x > last {
        return 0.0;
    }
    interp(x, &xs, &ys).exp()
}

/// `numpy.interp` on ascending `xs`, clamped at both ends; among equal `xs`, the last one at
/// or below `x` starts the interval.
fn interp(x: f64, xs: &[f64], ys: &[f64]) -> f64 {
    let n = xs.len();
    if x < xs[0] {
        return ys[0];
    }
    if x >= xs[n - 1] {
        return ys[n - 1];
    }
    let j = xs.partition_point(|&v| v <= x) - 1;
    let slope = (ys[j + 1] - ys[j]) / (xs[j + 1] - xs[j]);
    slope * (x - xs[j]) + ys[j]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn interpolates_in_log_log_space() {
        let levels = [0.1, 0.2, 0.4];
        let curve = [0.5, 0.1, 0.01];
        // exactly on a node
        assert!((hazard_map_value(&curve, &levels, 0.1) - 0.2).abs() < 1e-12);
        // halfway in log PoE between 0.1 and 0.01 gives halfway in log level
        let poe = (0.1f64.ln() * 0.5 + 0.01f64.ln() * 0.5).exp();
        let expected = (0.2f64.ln() * 0.5 + 0.4f64.ln() * 0.5).exp();
        assert!((hazard_map_value(&curve, &levels, poe) - expected).abs() < 1e-12);
    }

    #[test]
    fn out_of_range_poes() {
        let levels = [0.1, 0.2, 0.4];
        let curve = [0.5, 0.1, 0.01];
        assert_eq!(hazard_map_value(&curve, &levels, 0.9), 0.0);
        assert!((hazard_map_value(&curve, &levels, 0.001) - 0.4).abs() < 1e-12);
        // a curve of zeros: every PoE is above it
        assert_eq!(hazard_map_value(&[0.0; 3], &levels, 0.1), 0.0);
    }
}
