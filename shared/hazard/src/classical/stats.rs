//! Statistics over realizations, as OpenQuake's `hazardlib.stats` computes them: the weighted
//! quantile (`quantile_curve`), standard deviation (`std_curve`) and maximum (`max_curve`).
//!
//! For a quantile, at each value (site and level) the realizations' values are sorted (ties
//! by weight), the cumulative weights are the abscissae of an empirical CDF, and the quantile
//! is read off it by linear interpolation, clamped at both ends (numpy's `interp`). The
//! standard deviation is `√(Σ wᵢ (m − xᵢ)²)` about the weighted mean `m`, with the weights as
//! they are (they sum to 1); the maximum ignores the weights.

use super::HazardCurves;

impl HazardCurves {
    /// The weighted `q`-quantile over realizations, in the layout of [`HazardCurves::mean`].
    pub fn quantile(&self, q: f64) -> Vec<f64> {
        let weights: Vec<f64> = self.realizations.iter().map(|r| r.weight).collect();
        let len = self.mean.len();
        let mut pairs: Vec<(f64, f64)> = Vec::with_capacity(weights.len());
        (0..len)
            .map(|i| {
                pairs.clear();
                pairs.extend(self.poes.iter().map(|p| p[i]).zip(weights.iter().copied()));
                quantile_of(q, &mut pairs)
            })
            .collect()
    }

    /// The weighted standard deviation over realizations, in the layout of
    /// [`HazardCurves::mean`].
    pub fn std(&self) -> Vec<f64> {
        (0..self.mean.len())
            .map(|i| {
                let m = self.mean[i];
                self.realizations
                    .iter()
                    .zip(&self.poes)
                    .map(|(r, p)| r.weight * (m - p[i]) * (m - p[i]))
                    .sum::<f64>()
                    .sqrt()
            })
            .collect()
    }

    /// The largest value over realizations, in the layout of [`HazardCurves::mean`].
    pub fn max(&self) -> Vec<f64> {
        (0..self.mean.len())
            .map(|i| {
                self.poes
                    .iter()
                    .map(|p| p[i])
                    .fold(f64::NEG_INFINITY, f64::max)
            })
            .collect()
    }
}

/// The `q`-quantile of (value, weight) pairs; sorts them.
fn quantile_of(q: f64, pairs: &mut [(f64, f64)]) -> f64 {
    pairs.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.total_cmp(&b.1)));
    let mut cumulative = 0.0;
    let mut previous: Option<(f64, f64)> = None;
    for &(value, weight) in pairs.iter() {
        cumulative += weight;
        if q < cumulative {
            return match previous {
                // below the first abscissa: clamped
                None => value,
                Some((x0, y0)) => y0 + (value - y0) * (q - x0) / (cumulative - x0),
            };
        }
        // at an abscissa equal to q, the last one wins, as in numpy's interp
        previous = Some((cumulative, value));
    }
    previous.map_or(f64::NAN, |(_, y)| y)
}

#[cfg(test)]
mod tests {
    use super::quantile_of;

    fn equal_weights(values: &[f64]) -> Vec<(f64, f64)> {
        let w = 1.0 / values.len() as f64;
        values.iter().map(|&v| (v, w)).collect()
    }

    #[test]
    fn as_openquake_quantile_curve() {
        // OpenQuake's doctests: quantile_curve(.8, [.15, ..., .9]) == 0.76
        let mut pairs = equal_weights(&[0.15, 0.25, 0.3, 0.4, 0.5, 0.6, 0.75, 0.8, 0.9]);
        assert!((quantile_of(0.8, &mut pairs) - 0.76).abs() < 1e-12);
        let mut constant = equal_weights(&[0.15, 0.15, 0.15]);
        assert!((quantile_of(0.85, &mut constant) - 0.15).abs() < 1e-15);
    }

    #[test]
    fn clamped_at_both_ends() {
        let mut pairs = vec![(0.2, 0.5), (0.1, 0.5)];
        assert_eq!(quantile_of(0.1, &mut pairs), 0.1);
        assert_eq!(quantile_of(1.0, &mut pairs), 0.2);
        assert_eq!(quantile_of(0.5, &mut pairs), 0.1);
        assert!((quantile_of(0.75, &mut pairs) - 0.15).abs() < 1e-15);
    }
}
