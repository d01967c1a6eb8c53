//! Magnitude-frequency distributions of sources, and the checks between their values.

use crate::error::NodeResult;
use crate::origin::Origin;

/// A source's magnitude-frequency distribution and the element it came from.
#[derive(Debug, Clone, PartialEq)]
pub struct Mfd {
    pub kind: MfdKind,
    pub origin: Origin,
}

/// The MFD kinds of NRML.
#[derive(Debug, Clone, PartialEq)]
pub enum MfdKind {
    TruncatedGr(TruncatedGr),
    Incremental(Incremental),
    Arbitrary(Arbitrary),
    YoungsCoppersmith(YoungsCoppersmith),
    TaperedGr(TaperedGr),
    Multi(MultiMfd),
    /// `alternativeCharacteristicMFD` (not read yet).
    AlternativeCharacteristic,
}

/// The tags of the MFD elements, as they appear inside a source.
pub const MFD_TAGS: &[&str] = &[
    "truncGutenbergRichterMFD",
    "incrementalMFD",
    "arbitraryMFD",
    "YoungsCoppersmithMFD",
    "taperedGutenbergRichterMFD",
    "multiMFD",
    "alternativeCharacteristicMFD",
];

/// `truncGutenbergRichterMFD`: log10 N(m >= M) = a - b M between `min_mag` and `max_mag`.
#[derive(Debug, Clone, PartialEq)]
pub struct TruncatedGr {
    /// `aValue`; absent when the rate comes from `slipRate` and `rigidity`.
    pub a_value: Option<f64>,
    pub b_value: f64,
    pub min_mag: f64,
    pub max_mag: f64,
    /// `slipRate` (mm/yr) and `rigidity` (GPa), the alternative to `aValue`.
    pub slip_rate: Option<(f64, f64)>,
}

/// `incrementalMFD`: rates of evenly spaced magnitude bins.
#[derive(Debug, Clone, PartialEq)]
pub struct Incremental {
    pub min_mag: f64,
    pub bin_width: f64,
    pub occur_rates: Vec<f64>,
}

/// `arbitraryMFD`: a rate for each magnitude.
#[derive(Debug, Clone, PartialEq)]
pub struct Arbitrary {
    pub magnitudes: Vec<f64>,
    pub occur_rates: Vec<f64>,
}

/// `YoungsCoppersmithMFD` (1985 characteristic model).
#[derive(Debug, Clone, PartialEq)]
pub struct YoungsCoppersmith {
    pub min_mag: f64,
    pub b_value: f64,
    pub char_mag: f64,
    pub bin_width: f64,
    pub rate: YoungsCoppersmithRate,
}

/// How a Youngs-Coppersmith MFD is scaled (`totalMomentRate` wins if both are given).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum YoungsCoppersmithRate {
    /// `characteristicRate`
    Characteristic(f64),
    /// `totalMomentRate` (N m / yr)
    TotalMoment(f64),
}

/// `taperedGutenbergRichterMFD`.
#[derive(Debug, Clone, PartialEq)]
pub struct TaperedGr {
    pub a_value: f64,
    pub b_value: f64,
    pub min_mag: f64,
    pub max_mag: f64,
    pub corner_mag: f64,
}

/// `multiMFD`: `size` MFDs of one kind (one per point of a multi-point source), each
/// parameter given once for all or once per MFD.
#[derive(Debug, Clone, PartialEq)]
pub struct MultiMfd {
    /// Tag of the underlying MFD kind, e.g. `truncGutenbergRichterMFD`.
    pub kind: &'static str,
    pub size: usize,
    /// Parameter name (`min_mag`, `a_val`, ..., `occurRates`) and values.
    pub params: Vec<(&'static str, Vec<f64>)>,
    /// `lengths`: how many of `occurRates`/`magnitudes` belong to each MFD.
    pub lengths: Option<Vec<usize>>,
}

/// For each `multiMFD` kind, its parameters besides `bin_width`, which any kind may give (the
/// job's `width_of_mfd_bin` is used otherwise).
pub const MULTI_MFD_PARAMS: &[(&str, &[&str])] = &[
    ("arbitraryMFD", &["magnitudes", "occurRates"]),
    ("incrementalMFD", &["min_mag", "occurRates"]),
    (
        "truncGutenbergRichterMFD",
        &["min_mag", "max_mag", "a_val", "b_val"],
    ),
    (
        "YoungsCoppersmithMFD",
        &[
            "min_mag",
            "max_mag",
            "b_val",
            "char_mag",
            "char_rate",
            "total_moment_rate",
        ],
    ),
    (
        "alternativeCharacteristicMFD",
        &[
            "min_mag",
            "max_mag",
            "b_GR",
            "b_AC",
            "gamma",
            "delta_m_AC",
            "total_rate",
        ],
    ),
];

/// Width of the characteristic part of a Youngs-Coppersmith MFD, in magnitude units.
const YC_CHAR_WIDTH: f64 = 0.5;

impl Mfd {
    pub(crate) fn check(&self) -> NodeResult<()> {
        let fail = |message: String| Err(self.origin.error(message));
        match &self.kind {
            MfdKind::TruncatedGr(gr) => {
                if gr.min_mag >= gr.max_mag {
                    return fail(format!(
                        "minMag {} must be less than maxMag {}",
                        gr.min_mag, gr.max_mag
                    ));
                }
            }
            MfdKind::TaperedGr(gr) => {
                if gr.min_mag >= gr.max_mag {
                    return fail(format!(
                        "minMag {} must be less than maxMag {}",
                        gr.min_mag, gr.max_mag
                    ));
                }
            }
            MfdKind::Incremental(inc) => check_rates(&inc.occur_rates).or_else(fail)?,
            MfdKind::Arbitrary(arb) => {
                check_rates(&arb.occur_rates).or_else(fail)?;
                if arb.magnitudes.len() != arb.occur_rates.len() {
                    return fail(format!(
                        "{} magnitudes but {} occurRates",
                        arb.magnitudes.len(),
                        arb.occur_rates.len()
                    ));
                }
            }
            MfdKind::YoungsCoppersmith(yc) => {
                if yc.bin_width > YC_CHAR_WIDTH {
                    return fail(format!(
                        "binWidth {} must not exceed {YC_CHAR_WIDTH}",
                        yc.bin_width
                    ));
                }
                if yc.char_mag - YC_CHAR_WIDTH / 2.0 < yc.min_mag + yc.bin_width {
                    return fail(format!(
                        "characteristicMag - {} must exceed minMag by at least binWidth",
                        YC_CHAR_WIDTH / 2.0
                    ));
                }
            }
            MfdKind::Multi(multi) => multi.check().or_else(fail)?,
            MfdKind::AlternativeCharacteristic => {}
        }
        Ok(())
    }

    /// A multi-point source's `multiMFD` must have one MFD per point, or one for all.
    pub(crate) fn check_multi_size(&self, points: usize) -> NodeResult<()> {
        match &self.kind {
            MfdKind::Multi(multi) if multi.size != points && multi.size != 1 => {
                Err(self.origin.error(format!(
                    "size {} differs from the number of points {points}",
                    multi.size
                )))
            }
            _ => Ok(()),
        }
    }
}

fn check_rates(rates: &[f64]) -> Result<(), String> {
    if rates.is_empty() {
        Err("there are no occurRates".to_owned())
    } else if rates.iter().all(|&r| r == 0.0) {
        Err("all occurRates are zero".to_owned())
    } else {
        Ok(())
    }
}

impl MultiMfd {
    fn check(&self) -> Result<(), String> {
        // the sum of the lengths (a single length stands for each of the `size` MFDs), `None`
        // when it does not fit: both come from the document
        let expected = match self.lengths.as_deref() {
            Some([one]) => one.checked_mul(self.size),
            Some(lengths) if lengths.len() == self.size => lengths
                .iter()
                .try_fold(0usize, |sum, &length| sum.checked_add(length)),
            Some(lengths) => {
                return Err(format!("{} lengths for size {}", lengths.len(), self.size));
            }
            None => Some(0),
        };
        for (name, values) in &self.params {
            if matches!(*name, "occurRates" | "magnitudes") {
                if Some(values.len()) != expected {
                    let sum =
                        expected.map_or(format!("more than {}", usize::MAX), |n| n.to_string());
                    return Err(format!(
                        "{name} has {} values, the lengths add up to {sum}",
                        values.len()
                    ));
                }
            } else if values.len() != 1 && values.len() != self.size {
                return Err(format!(
                    "{name} has {} values, expected 1 or {}",
                    values.len(),
                    self.size
                ));
            }
        }
        Ok(())
    }
}
