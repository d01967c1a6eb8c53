//! Horizontal components of ground motion, and the conversion to the geometric mean
//! that OpenQuake applies with `horiz_comp_to_geom_mean = true`: Beyer and Bommer (2006)
//! for GMRotI50, random and greater-of-two components; Boore and Kishida (2017) for
//! RotD50.

use crate::Imt;

/// The intensity-measure component a GSIM predicts (OpenQuake's `IMC`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Component {
    /// Geometric mean of the two horizontal components (`GEOMETRIC_MEAN`).
    GeometricMean,
    /// Orientation-independent geometric mean (`GMRotI50`).
    GmRotI50,
    /// Median of the rotated components (`RotD50`).
    RotD50,
    /// A randomly chosen horizontal component (`RANDOM_HORIZONTAL`).
    RandomHorizontal,
    /// The larger of two perpendicular components (`GREATER_OF_TWO_HORIZONTAL`).
    GreaterOfTwoHorizontal,
    /// Not declared (OpenQuake's empty component: GMPE tables, `ModifiableGMPE`), or a
    /// component without a conversion.
    Other,
}

/// How a mean and a total sigma are converted to the geometric mean:
/// `mean' = mean − ln(median)`, `σ' = √((σ² − sigma²) / ratio²)`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Conversion {
    /// Ratio of the component's median to the geometric mean's.
    pub median: f64,
    /// Sigma of that ratio (ln units).
    pub sigma: f64,
    /// Ratio of the component's sigma to the geometric mean's.
    pub ratio: f64,
}

impl Conversion {
    /// Converts one mean (ln) and total sigma in place.
    pub fn apply(&self, mean: &mut f64, sig: &mut f64) {
        *mean = (mean.exp() / self.median).ln();
        *sig = ((*sig * *sig - self.sigma * self.sigma) / (self.ratio * self.ratio)).sqrt();
    }
}

impl Component {
    /// The conversion of `imt` from this component to the geometric mean; `None` when
    /// nothing is converted (already the geometric mean, or no component declared); an
    /// error where the published conversions have no coefficients (PGV of a random
    /// component).
    pub fn to_geometric_mean(self, imt: &Imt) -> Result<Option<Conversion>, String> {
        // Beyer and Bommer (2006) and Boore and Kishida (2017) coefficients, as
        // OpenQuake tabulates them: SA ratios and, for PGA and PGV, (median, sigma, ratio)
        let (sa, pga_pgv): (&[f64], [f64; 6]) = match self {
            Component::GeometricMean | Component::Other => return Ok(None),
            Component::GmRotI50 => (
                &[1.0, 1.0, 0.03, 0.04, 1.0],
                [1.0, 0.02, 1.0, 1.0, 0.03, 1.0],
            ),
            Component::RandomHorizontal if *imt == Imt::Pgv => {
                return Err("no conversion of PGV from a random horizontal component".into());
            }
            Component::RandomHorizontal => (
                &[1.0, 1.0, 0.07, 0.11, 1.05],
                [1.0, 0.07, 1.03, 0.0, 0.0, 0.0],
            ),
            Component::GreaterOfTwoHorizontal => (
                &[0.1, 1.117, 0.53, 1.165, 4.48, 1.195, 8.70, 1.266, 1.266],
                [1.117, 0.0, 1.0, 1.0, 0.0, 1.0],
            ),
            Component::RotD50 => (
                &[0.09, 1.009, 0.58, 1.028, 4.59, 1.042, 8.93, 1.077, 1.077],
                [1.009, 0.0, 1.0, 1.0, 0.0, 1.0],
            ),
        };
        let c = sa;
        let conversion = match imt {
            Imt::Pga => Conversion {
                median: pga_pgv[0],
                sigma: pga_pgv[1],
                ratio: pga_pgv[2],
            },
            Imt::Pgv => Conversion {
                median: pga_pgv[3],
                sigma: pga_pgv[4],
                ratio: pga_pgv[5],
            },
            Imt::Sa(t) if c.len() == 9 => {
                // piecewise linear in ln(T) between the tabulated periods
                let segment = |i: usize| {
                    c[i + 1] + (c[i + 3] - c[i + 1]) / (c[i + 2] / c[i]).ln() * (t / c[i]).ln()
                };
                let (term1, term2, term3, term4) = (segment(0), segment(2), segment(4), c[8]);
                let tmax = term1.min(term2).max(term3.min(term4));
                Conversion {
                    median: c[1].max(tmax),
                    sigma: 0.0,
                    ratio: 1.0,
                }
            }
            Imt::Sa(t) => {
                let (median, sigma) = if *t <= 0.15 {
                    (c[0], c[2])
                } else if *t > 0.8 {
                    (c[1], c[3])
                } else {
                    let f = (t / 0.15).log10() / (0.8f64 / 0.15).log10();
                    (c[0] + (c[1] - c[0]) * f, c[2] + (c[3] - c[2]) * f)
                };
                Conversion {
                    median,
                    sigma,
                    ratio: c[4],
                }
            }
            Imt::Pgd => Conversion {
                median: 1.0,
                sigma: 0.0,
                ratio: 1.0,
            },
        };
        Ok(Some(conversion))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rotd50_follows_boore_kishida() {
        let c = Component::RotD50;
        assert_eq!(
            c.to_geometric_mean(&Imt::Pga).unwrap().unwrap().median,
            1.009
        );
        // below the first period the ratio is the first value
        assert_eq!(
            c.to_geometric_mean(&Imt::Sa(0.05)).unwrap().unwrap().median,
            1.009
        );
        // at a tabulated period, the tabulated value
        let m = c.to_geometric_mean(&Imt::Sa(0.58)).unwrap().unwrap().median;
        assert!((m - 1.028).abs() < 1e-12, "{m}");
        assert_eq!(
            c.to_geometric_mean(&Imt::Sa(10.0)).unwrap().unwrap().median,
            1.077
        );
        assert_eq!(
            Component::GeometricMean.to_geometric_mean(&Imt::Pga),
            Ok(None)
        );
        assert!(
            Component::RandomHorizontal
                .to_geometric_mean(&Imt::Pgv)
                .is_err()
        );
    }

    #[test]
    fn conversion_divides_the_median() {
        let conv = Component::GmRotI50
            .to_geometric_mean(&Imt::Sa(2.0))
            .unwrap()
            .unwrap();
        assert_eq!((conv.median, conv.sigma, conv.ratio), (1.0, 0.04, 1.0));
        let (mut mean, mut sig) = (0.0, 0.5);
        conv.apply(&mut mean, &mut sig);
        assert_eq!(mean, 0.0);
        assert!((sig - (0.25f64 - 0.0016).sqrt()).abs() < 1e-15);
    }
}
