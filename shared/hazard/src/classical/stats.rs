//! Statistics over realizations, as OpenQuake's `hazardlib.stats` computes them: the weighted
//! quantile (`quantile_curve`), standard deviation (`std_curve`) and maximum (`max_curve`).
//!
//! For a quantile, at each value (site and level) the realizations' values are sorted (ties
//! by weight), the cumulative weights are the abscissae of an empirical CDF, and the quantile
//! is read off it by linear interpolation, clamped at both ends (numpy's `interp`). The
//! standard deviation is `√(Σ wᵢ (m − xᵢ)²)` about the weighted mean `m`, with the weights as
//! they are (they sum to 1); the maximum ignores the weights.
//!
//! With `use_rates`, OpenQuake takes every statistic over the realizations' annual rates
//! instead of their PoEs and converts it back ([`HazardCurves::to_rates`], [`to_probs`]).

use super::HazardCurves;

/// Rates below this are 0 (OpenQuake's `mean_rates.CUTOFF`).
const RATE_CUTOFF: f64 = 1e-12;
/// The largest rate (OpenQuake's clip in `to_rates`).
const MAX_RATE: f64 = 100.0;
/// The probability of no exceedance a PoE of 1 is taken as (the smallest `float32`).
const MIN_PNE: f64 = 1e-45;

/// The rate of a probability of exceedance `poe` over one investigation time, as
/// OpenQuake's `to_rates`: `−ln(1 − poe)`, with a PoE of 1 a rate of about 103, rates
/// below 1e-12 zero and above 100 clipped to 100.
fn to_rate(poe: f64) -> f64 {
    let pne = 1.0 - poe;
    let rate = -(if pne == 0.0 { MIN_PNE } else { pne }).ln();
    if rate < RATE_CUTOFF {
        0.0
    } else {
        rate.min(MAX_RATE)
    }
}

/// Rates over one investigation time back to probabilities of exceedance,
/// `1 − exp(−rate)` (OpenQuake's `to_probs`).
pub fn to_probs(mut rates: Vec<f64>) -> Vec<f64> {
    for r in &mut rates {
        *r = 1.0 - (-*r).exp();
    }
    rates
}

impl HazardCurves {
    /// The same curves as rates over the investigation time (see [`to_rate`]), their mean
    /// the weighted mean of the rates: the statistics of the result are those OpenQuake
    /// computes with `use_rates`, once converted back by [`to_probs`].
    pub fn to_rates(&self) -> HazardCurves {
        let poes: Vec<Vec<f64>> = self
            .poes
            .iter()
            .map(|p| p.iter().map(|&x| to_rate(x)).collect())
            .collect();
        let mut mean = vec![0.0; self.mean.len()];
        for (rlz, rates) in self.realizations.iter().zip(&poes) {
            for (m, r) in mean.iter_mut().zip(rates) {
                *m += rlz.weight * r;
            }
        }
        HazardCurves {
            sites: self.sites.clone(),
            imts: self.imts.clone(),
            investigation_time: self.investigation_time,
            realizations: self.realizations.clone(),
            poes,
            mean,
        }
    }

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
    use super::{quantile_of, to_probs, to_rate};

    #[test]
    fn rates_as_openquake_to_rates() {
        // OpenQuake's doctests: to_rates([.8]) == 1.609438, to_probs([1.609438]) == 0.8
        assert!((to_rate(0.8) - 1.609438).abs() < 1e-6);
        assert!((to_probs(vec![1.609438])[0] - 0.8).abs() < 1e-6);
        // a PoE of 1 is the largest rate, tiny rates are 0
        assert_eq!(to_rate(1.0), 100.0);
        assert_eq!(to_rate(1e-13), 0.0);
        assert_eq!(to_rate(0.0), 0.0);
    }

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
