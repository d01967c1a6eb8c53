//! Magnitude-frequency distributions evaluated to (magnitude, annual rate) bins exactly as
//! OpenQuake's `openquake.hazardlib.mfd` bins them.

use oqcloud_nrml::mfd::{Mfd, MfdKind, MultiMfd, YoungsCoppersmithRate};

use crate::HazardError;
use crate::geo::round_half_away;

/// Width (magnitude units) of the characteristic part of a Youngs-Coppersmith MFD.
const DELTA_CHAR: f64 = 0.5;

/// An MFD with its bin width fixed, ready to give its bins.
#[derive(Debug, Clone, PartialEq)]
pub enum BinnedMfd {
    /// Truncated Gutenberg-Richter: cumulative `log10 N(>=m) = a - b m`.
    TruncatedGr {
        a: f64,
        b: f64,
        min_mag: f64,
        max_mag: f64,
        bin_width: f64,
    },
    /// Rates of evenly spaced magnitudes from `min_mag`.
    Evenly {
        min_mag: f64,
        bin_width: f64,
        rates: Vec<f64>,
    },
    /// A rate per magnitude.
    Arbitrary { mags: Vec<f64>, rates: Vec<f64> },
    /// Youngs & Coppersmith (1985) characteristic model (cumulative `a`).
    YoungsCoppersmith {
        min_mag: f64,
        a: f64,
        b: f64,
        char_mag: f64,
        char_rate: f64,
        bin_width: f64,
    },
    /// Gutenberg-Richter tapered above `corner_mag` (Kagan 2002, as nshmp-haz).
    TaperedGr {
        a: f64,
        b: f64,
        min_mag: f64,
        max_mag: f64,
        corner_mag: f64,
        bin_width: f64,
    },
}

impl BinnedMfd {
    /// The `index`-th MFD of a truncated Gutenberg-Richter `multiMFD` (each parameter given
    /// once for all or once per MFD; `bin_width` defaults to `width_of_mfd_bin`), as
    /// OpenQuake's `MultiMFD` iterates them.
    pub fn from_multi(
        multi: &MultiMfd,
        index: usize,
        width_of_mfd_bin: f64,
    ) -> Result<Self, HazardError> {
        if multi.kind != "truncGutenbergRichterMFD" {
            return Err(HazardError::Unsupported(format!(
                "multiMFD of {}",
                multi.kind
            )));
        }
        let param = |name: &str| {
            let values = multi
                .params
                .iter()
                .find(|(n, _)| *n == name)
                .map(|(_, v)| v.as_slice());
            match values {
                Some([one]) => Ok(*one),
                Some(many) if index < many.len() => Ok(many[index]),
                None if name == "bin_width" => Ok(width_of_mfd_bin),
                _ => Err(HazardError::Invalid(format!(
                    "multiMFD: no {name} for MFD {index}"
                ))),
            }
        };
        let bin_width = param("bin_width")?;
        positive_width(bin_width)?;
        Ok(BinnedMfd::TruncatedGr {
            a: param("a_val")?,
            b: param("b_val")?,
            min_mag: param("min_mag")?,
            max_mag: param("max_mag")?,
            bin_width,
        })
    }

    /// The MFD of a source; Gutenberg-Richter kinds take `width_of_mfd_bin` as bin width.
    pub fn from_nrml(mfd: &Mfd, width_of_mfd_bin: f64) -> Result<Self, HazardError> {
        let unsupported = |what: &str| Err(HazardError::Unsupported(what.to_owned()));
        Ok(match &mfd.kind {
            MfdKind::TruncatedGr(gr) => {
                let Some(a) = gr.a_value else {
                    return unsupported("truncGutenbergRichterMFD from slipRate");
                };
                positive_width(width_of_mfd_bin)?;
                BinnedMfd::TruncatedGr {
                    a,
                    b: gr.b_value,
                    min_mag: gr.min_mag,
                    max_mag: gr.max_mag,
                    bin_width: width_of_mfd_bin,
                }
            }
            MfdKind::Incremental(inc) => BinnedMfd::Evenly {
                min_mag: inc.min_mag,
                bin_width: inc.bin_width,
                rates: inc.occur_rates.clone(),
            },
            MfdKind::Arbitrary(arb) => BinnedMfd::Arbitrary {
                mags: arb.magnitudes.clone(),
                rates: arb.occur_rates.clone(),
            },
            MfdKind::YoungsCoppersmith(yc) => {
                positive_width(yc.bin_width)?;
                match yc.rate {
                    YoungsCoppersmithRate::Characteristic(rate) => {
                        yc_from_char_rate(yc.min_mag, yc.b_value, yc.char_mag, rate, yc.bin_width)
                    }
                    YoungsCoppersmithRate::TotalMoment(moment) => yc_from_moment_rate(
                        yc.min_mag,
                        yc.b_value,
                        yc.char_mag,
                        moment,
                        yc.bin_width,
                    ),
                }
            }
            MfdKind::TaperedGr(gr) => {
                positive_width(width_of_mfd_bin)?;
                BinnedMfd::TaperedGr {
                    a: gr.a_value,
                    b: gr.b_value,
                    min_mag: gr.min_mag,
                    max_mag: gr.max_mag,
                    corner_mag: gr.corner_mag,
                    bin_width: width_of_mfd_bin,
                }
            }
            MfdKind::Multi(_) => return unsupported("multiMFD"),
            MfdKind::AlternativeCharacteristic => {
                return unsupported("alternativeCharacteristicMFD");
            }
        })
    }

    /// The MFD of one of `n` points an area source is split into, as OpenQuake rescales it:
    /// `a - log10(n)` for Gutenberg-Richter, rates / n otherwise (the characteristic rate for
    /// Youngs-Coppersmith, whose `a` is then recomputed). Tapered GR is refused, as by
    /// OpenQuake.
    pub fn divided(&self, n: usize) -> Result<Self, HazardError> {
        let n = n as f64;
        Ok(match self {
            BinnedMfd::TruncatedGr {
                a,
                b,
                min_mag,
                max_mag,
                bin_width,
            } => BinnedMfd::TruncatedGr {
                a: a - n.log10(),
                b: *b,
                min_mag: *min_mag,
                max_mag: *max_mag,
                bin_width: *bin_width,
            },
            BinnedMfd::Evenly {
                min_mag,
                bin_width,
                rates,
            } => BinnedMfd::Evenly {
                min_mag: *min_mag,
                bin_width: *bin_width,
                rates: rates.iter().map(|r| r / n).collect(),
            },
            BinnedMfd::Arbitrary { mags, rates } => BinnedMfd::Arbitrary {
                mags: mags.clone(),
                rates: rates.iter().map(|r| r / n).collect(),
            },
            BinnedMfd::YoungsCoppersmith {
                min_mag,
                b,
                char_mag,
                char_rate,
                bin_width,
                ..
            } => yc_from_char_rate(*min_mag, *b, *char_mag, char_rate / n, *bin_width),
            BinnedMfd::TaperedGr { .. } => {
                return Err(HazardError::Unsupported(
                    "taperedGutenbergRichterMFD in an area source".to_owned(),
                ));
            }
        })
    }

    /// The (magnitude, annual rate) bins, magnitudes increasing for binned kinds.
    pub fn annual_rates(&self) -> Vec<(f64, f64)> {
        match self {
            BinnedMfd::TruncatedGr {
                a,
                b,
                min_mag,
                max_mag,
                bin_width,
            } => {
                let (first, n) = gr_bins(*min_mag, *max_mag, *bin_width);
                bins(first, *bin_width, n, |m| gr_rate(*a, *b, m, *bin_width))
            }
            BinnedMfd::Evenly {
                min_mag,
                bin_width,
                rates,
            } => rates
                .iter()
                .enumerate()
                .map(|(i, &r)| (min_mag + i as f64 * bin_width, r))
                .collect(),
            BinnedMfd::Arbitrary { mags, rates } => {
                mags.iter().copied().zip(rates.iter().copied()).collect()
            }
            BinnedMfd::YoungsCoppersmith {
                min_mag,
                a,
                b,
                char_mag,
                char_rate,
                bin_width,
            } => {
                let first = round_half_away(min_mag / bin_width) * bin_width + bin_width / 2.0;
                let last = round_half_away((char_mag + DELTA_CHAR / 2.0) / bin_width) * bin_width
                    - bin_width / 2.0;
                let n = bin_count(first, last, *bin_width);
                bins(first, *bin_width, n, |m| {
                    if m >= *min_mag && m < char_mag - DELTA_CHAR / 2.0 {
                        gr_rate(*a, *b, m, *bin_width)
                    } else {
                        char_rate / DELTA_CHAR * bin_width
                    }
                })
            }
            BinnedMfd::TaperedGr {
                a,
                b,
                min_mag,
                max_mag,
                corner_mag,
                bin_width,
            } => {
                let (first, n) = gr_bins(*min_mag, *max_mag, *bin_width);
                let beta = 2.0 / 3.0 * b;
                let min_mo = moment(4.0);
                let pareto = |mo: f64, corner: f64| {
                    (min_mo / mo).powf(beta) * ((min_mo - mo) / corner).exp()
                };
                let (corner_mo, large_mo) = (moment(*corner_mag), moment(9.05));
                bins(first, *bin_width, n, |m| {
                    let lo = moment(m - bin_width / 2.0);
                    let hi = moment(m + bin_width / 2.0);
                    let scale = (pareto(lo, corner_mo) - pareto(hi, corner_mo))
                        / (pareto(lo, large_mo) - pareto(hi, large_mo));
                    gr_rate(*a, *b, m, *bin_width) * scale
                })
            }
        }
    }
}

fn positive_width(width: f64) -> Result<(), HazardError> {
    if width > 0.0 {
        Ok(())
    } else {
        Err(HazardError::Invalid(format!(
            "the MFD bin width {width} must be positive"
        )))
    }
}

/// Seismic moment (N m) of a moment magnitude (Hanks & Kanamori 1979, c = 9.05).
fn moment(mag: f64) -> f64 {
    10f64.powf(1.5 * mag + 9.05)
}

/// Rate of the Gutenberg-Richter bin centred on `mag`.
fn gr_rate(a: f64, b: f64, mag: f64, width: f64) -> f64 {
    let (lo, hi) = (mag - width / 2.0, mag + width / 2.0);
    10f64.powf(a - b * lo) - 10f64.powf(a - b * hi)
}

/// First bin centre and number of bins of a Gutenberg-Richter MFD: both ends rounded to the
/// bin width (halves away from zero, as OpenQuake's `round`), one bin if they coincide.
fn gr_bins(min_mag: f64, max_mag: f64, width: f64) -> (f64, usize) {
    let mut lo = round_half_away(min_mag / width) * width;
    let mut hi = round_half_away(max_mag / width) * width;
    if lo != hi {
        lo += width / 2.0;
        hi -= width / 2.0;
    }
    (lo, bin_count(lo, hi, width))
}

fn bin_count(first: f64, last: f64, width: f64) -> usize {
    let n = round_half_away((last - first) / width) + 1.0;
    if n >= 1.0 { n as usize } else { 0 }
}

/// `n` bins from `first`, each magnitude the previous plus `width` (accumulated, as OpenQuake).
fn bins(first: f64, width: f64, n: usize, rate: impl Fn(f64) -> f64) -> Vec<(f64, f64)> {
    let mut mag = first;
    (0..n)
        .map(|_| {
            let bin = (mag, rate(mag));
            mag += width;
            bin
        })
        .collect()
}

fn yc_from_char_rate(min_mag: f64, b: f64, char_mag: f64, char_rate: f64, width: f64) -> BinnedMfd {
    let a_incr = b * (char_mag - 1.25) + (char_rate / DELTA_CHAR).log10();
    BinnedMfd::YoungsCoppersmith {
        min_mag,
        a: a_incr - (b * std::f64::consts::LN_10).log10(),
        b,
        char_mag,
        char_rate,
        bin_width: width,
    }
}

/// Youngs & Coppersmith from a total moment rate: equations (16) and (17) of the paper solved
/// for N(min_mag) and N(char_mag), then rescaled once so that the binned moment rate matches
/// (OpenQuake's correction, oq-engine issue 4930).
fn yc_from_moment_rate(min_mag: f64, b: f64, char_mag: f64, rate: f64, width: f64) -> BinnedMfd {
    let build = |total_moment: f64| {
        let beta = b * std::f64::consts::LN_10;
        let mu = char_mag + DELTA_CHAR / 2.0;
        let (c, d) = (1.5, 9.05);
        let mo_u = 10f64.powf(c * mu + d);
        let c1 = (-beta * (mu - min_mag - 0.5)).exp();
        let c2 = (-beta * (mu - min_mag - 1.5)).exp();
        let c3 = beta * c2 / (2.0 * (1.0 - c1) + beta * c2);
        let c4 = (b * 10f64.powf(-c / 2.0)) / (c - b)
            + (b * beta.exp() * (1.0 - 10f64.powf(-c / 2.0))) / c;
        let n_min = (1.0 - c1) * total_moment / ((1.0 - c3) * c1 * mo_u * c4);
        let char_rate = c3 * n_min;
        let a = ((n_min - char_rate)
            / (10f64.powf(-b * min_mag) - 10f64.powf(-b * (char_mag - 0.25))))
        .log10();
        BinnedMfd::YoungsCoppersmith {
            min_mag,
            a,
            b,
            char_mag,
            char_rate,
            bin_width: width,
        }
    };
    let first = build(rate);
    let binned: f64 = first
        .annual_rates()
        .iter()
        .map(|(m, r)| r * moment(*m))
        .sum();
    build(rate / (binned / rate))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gutenberg_richter_bins_round_like_python() {
        let gr = BinnedMfd::TruncatedGr {
            a: 4.5,
            b: 1.0,
            min_mag: 5.0,
            max_mag: 6.5,
            bin_width: 0.2,
        };
        let bins = gr.annual_rates();
        // 5.0/0.2 = 25 and 6.5/0.2 = 32.5 -> 33 (half away from zero): 5.1 .. 6.5
        assert_eq!(bins.len(), 8);
        assert!((bins[0].0 - 5.1).abs() < 1e-12);
        let total: f64 = bins.iter().map(|b| b.1).sum();
        assert!((total - (10f64.powf(-0.5) - 10f64.powf(4.5 - 6.6))).abs() < 1e-12);
    }

    #[test]
    fn youngs_coppersmith_characteristic_rate() {
        let yc = yc_from_char_rate(5.0, 1.0, 7.0, 0.005, 0.1);
        let bins = yc.annual_rates();
        let chars: Vec<_> = bins.iter().filter(|(m, _)| *m >= 6.75).collect();
        assert_eq!(chars.len(), 5);
        assert!(chars.iter().all(|(_, r)| (r - 0.001).abs() < 1e-15));
    }
}
