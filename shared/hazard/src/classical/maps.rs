//! Hazard maps: the intensity level with a given probability of exceedance, interpolated on a
//! hazard curve as OpenQuake does (`compute_hazard_maps`):
//!
//! - linear interpolation between log PoE and log level;
//! - PoEs below 1e-30 are taken as 1e-30;
//! - a PoE above the curve's largest one gives 0 (the level is extrapolated to zero);
//! - a PoE below the curve's smallest one gives the largest level (numpy's `interp`
//!   clamps at the ends);
//! - the interval is found as numpy's `interp` finds it, which matters for curves that are
//!   not monotonic (a standard deviation over realizations): a few comparisons near the
//!   start, then bisection.

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

/// `numpy.interp` of one value (`x` not NaN): clamped at both ends, otherwise the straight
/// line between the points of the interval [`interval`] finds (exactly the point's `y` on a
/// point).
fn interp(x: f64, xs: &[f64], ys: &[f64]) -> f64 {
    let n = xs.len();
    match interval(x, xs) {
        None if x < xs[0] => ys[0],
        None => ys[n - 1],
        Some(j) if j == n - 1 || xs[j] == x => ys[j],
        Some(j) => {
            let slope = (ys[j + 1] - ys[j]) / (xs[j + 1] - xs[j]);
            slope * (x - xs[j]) + ys[j]
        }
    }
}

/// The index `j` of the interval `xs[j] <= x < xs[j + 1]` as numpy's `interp` finds it for
/// one value (`binary_search_with_guess` from the guess 0), `None` beyond either end. On
/// ascending `xs`, the last `j` with `xs[j] <= x`; on others, whichever its search meets.
fn interval(x: f64, xs: &[f64]) -> Option<usize> {
    /// How far around the guess numpy looks before bisecting.
    const NEAR: usize = 8;
    let n = xs.len();
    if x > xs[n - 1] || x < xs[0] {
        return None;
    }
    if n <= 4 {
        // a linear search from the start
        let past = xs.iter().take_while(|&&v| x >= v).count();
        return Some(past - 1);
    }
    // numpy's guess 0, moved to 1: the intervals from 0 to 2 are tried in turn, then the
    // bisection starts after them, within the next points when `x` lies among them
    if let Some(j) = (0..3).find(|&j| x < xs[j + 1]) {
        return Some(j);
    }
    let mut low = 3;
    let mut high = if n > NEAR + 2 && x < xs[NEAR + 1] {
        NEAR + 1
    } else {
        n
    };
    while low < high {
        let middle = low + (high - low) / 2;
        if x >= xs[middle] {
            low = middle + 1;
        } else {
            high = middle;
        }
    }
    Some(low - 1)
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

    /// numpy's search on curves that are not monotonic, as `numpy.interp(x, xs, ys)` gives
    /// for one `x` at a time (values from numpy 2.2).
    #[test]
    fn finds_intervals_as_numpy_does() {
        let check = |xs: &[f64], points: &[(f64, f64)]| {
            let ys: Vec<f64> = (0..xs.len()).map(|i| i as f64).collect();
            for &(x, want) in points {
                let got = interp(x, xs, &ys);
                assert!((got - want).abs() < 1e-14, "{xs:?} at {x}: {got} vs {want}");
            }
        };
        check(
            &[0.0, 5.0, 1.0, 2.0, 3.0, 9.0, 4.0, 10.0],
            &[
                (0.5, 0.1),
                (1.5, 0.30000000000000004),
                (3.5, 0.7000000000000001),
                (4.5, 0.9),
                (6.0, 4.5),
                (9.5, 6.916666666666667),
                (5.0, 4.333333333333333),
                (2.0, 0.4),
            ],
        );
        // four points: a linear search
        check(
            &[0.0, 5.0, 1.0, 2.0],
            &[(0.5, 0.1), (1.5, 0.30000000000000004), (1.0, 0.2)],
        );
        // bisection within the eight points after the guess, and beyond them
        check(
            &[
                0.0, 9.0, 8.0, 10.0, 11.0, 12.0, 13.0, 14.0, 15.0, 16.0, 1.0, 17.0,
            ],
            &[
                (0.5, 0.05555555555555555),
                (8.5, 0.9444444444444444),
                (9.5, 2.75),
                (12.5, 5.5),
                (16.5, 10.96875),
                (0.0, 0.0),
                (17.0, 11.0),
            ],
        );
    }
}
