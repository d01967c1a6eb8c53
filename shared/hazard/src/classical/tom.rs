//! Temporal occurrence models other than Poisson: a rupture's probabilities of occurring
//! 0, 1, 2, ... times in the investigation time, which its probability of no exceedance
//! weighs (`Σ_k P(k) (1 − PoE)^k`).

/// How many numbers of occurrences OpenQuake's `NegativeBinomialTOM` keeps (0 to 9).
const OCCURRENCES: usize = 10;

/// The probabilities of 0 to 9 occurrences of a rupture of a negative binomial source of
/// dispersion `alpha` whose expected number of occurrences is `expected` (rate × time
/// span), as `NegativeBinomialTOM.get_pmf`: with τ = 1/α and θ = τ / (τ + expected),
/// `P(k) = Γ(τ + k) / (Γ(τ) k!) θ^τ (1 − θ)^k`, computed from P(0) = θ^τ by
/// `P(k + 1) = P(k) (τ + k) / (k + 1) (1 − θ)`.
pub(crate) fn negative_binomial_pmf(alpha: f64, expected: f64) -> [f64; OCCURRENCES] {
    let tau = 1.0 / alpha;
    let theta = tau / (tau + expected);
    let mut pmf = [0.0; OCCURRENCES];
    pmf[0] = theta.powf(tau);
    for k in 1..OCCURRENCES {
        let previous = (k - 1) as f64;
        pmf[k] = pmf[k - 1] * (tau + previous) / (previous + 1.0) * (1.0 - theta);
    }
    pmf
}

#[cfg(test)]
mod tests {
    use super::*;

    /// scipy.stats.nbinom.pmf(k, 0.5, 0.5 / (0.5 + 5.0)) for k = 0, 1, 9 (case_78's
    /// alpha = 2 over 50 years at 0.1 a year).
    #[test]
    fn matches_scipy() {
        let pmf = negative_binomial_pmf(2.0, 5.0);
        for (k, expected) in [
            (0, 0.30151134457776363),
            (1, 0.13705061117171066),
            (9, 0.023716168296210902),
        ] {
            assert!(
                (pmf[k] - expected).abs() <= 1e-14 * expected,
                "{k}: {} vs {expected}",
                pmf[k]
            );
        }
    }
}
