//! Sadigh, Chang, Egan, Makdisi and Youngs (1997), "Attenuation relationships
//! for shallow crustal earthquakes based on California strong motion data",
//! Seismological Research Letters 68(1), 180-189.

use super::{clip, gsim_model};
use crate::coeffs::{CoeffTable, table};
use crate::{Contexts, GsimError, Imt};

gsim_model! {
    /// Sadigh et al. (1997), active shallow crust: rock (vs30 > 750 m/s) and
    /// deep-soil equations; total sigma only.
    SadighEtAl1997 = "SadighEtAl1997",
    imts: [Pga, Sa],
    rupture: [Rake, Mag],
    site: [Vs30],
    distance: [Rrup],
    component: GeometricMean,
    between_event_std: false,
}

table!(
    /// Rock coefficients for M <= 6.5 (Sadigh et al. 1997, table 2).
    ROCK_LOWMAG = "
    IMT c1 c2 c3 c4 c5 c6 c7
    PGA -0.624 1.0 0.000 -2.100 1.29649 0.250 0.0
    0.07 0.110 1.0 0.006 -2.128 1.29649 0.250 -0.082
    0.10 0.275 1.0 0.006 -2.148 1.29649 0.250 -0.041
    0.20 0.153 1.0 -0.004 -2.080 1.29649 0.250 0.0
    0.30 -0.057 1.0 -0.017 -2.028 1.29649 0.250 0.0
    0.40 -0.298 1.0 -0.028 -1.990 1.29649 0.250 0.0
    0.50 -0.588 1.0 -0.040 -1.945 1.29649 0.250 0.0
    0.75 -1.208 1.0 -0.050 -1.865 1.29649 0.250 0.0
    1.0 -1.705 1.0 -0.055 -1.800 1.29649 0.250 0.0
    1.5 -2.407 1.0 -0.065 -1.725 1.29649 0.250 0.0
    2.0 -2.945 1.0 -0.070 -1.670 1.29649 0.250 0.0
    3.0 -3.700 1.0 -0.080 -1.610 1.29649 0.250 0.0
    4.0 -4.230 1.0 -0.100 -1.570 1.29649 0.250 0.0
"
);

table!(
    /// Rock coefficients for M > 6.5.
    ROCK_HIMAG = "
    IMT c1 c2 c3 c4 c5 c6 c7
    PGA -1.274 1.1 0.000 -2.100 -0.48451 0.524 0.0
    0.07 -0.540 1.1 0.006 -2.128 -0.48451 0.524 -0.082
    0.10 -0.375 1.1 0.006 -2.148 -0.48451 0.524 -0.041
    0.20 -0.497 1.1 -0.004 -2.080 -0.48451 0.524 0.0
    0.30 -0.707 1.1 -0.017 -2.028 -0.48451 0.524 0.0
    0.40 -0.948 1.1 -0.028 -1.990 -0.48451 0.524 0.0
    0.50 -1.238 1.1 -0.040 -1.945 -0.48451 0.524 0.0
    0.75 -1.858 1.1 -0.050 -1.865 -0.48451 0.524 0.0
    1.0 -2.355 1.1 -0.055 -1.800 -0.48451 0.524 0.0
    1.5 -3.057 1.1 -0.065 -1.725 -0.48451 0.524 0.0
    2.0 -3.595 1.1 -0.070 -1.670 -0.48451 0.524 0.0
    3.0 -4.350 1.1 -0.080 -1.610 -0.48451 0.524 0.0
    4.0 -4.880 1.1 -0.100 -1.570 -0.48451 0.524 0.0
"
);

table!(
    /// Rock sigma coefficients.
    ROCK_SIGMA = "
    IMT sigma0 magfactor maxsigma maxmag
    PGA 1.39 -0.14 0.38 7.21
    0.07 1.40 -0.14 0.39 7.21
    0.10 1.41 -0.14 0.40 7.21
    0.20 1.43 -0.14 0.42 7.21
    0.30 1.45 -0.14 0.44 7.21
    0.40 1.48 -0.14 0.47 7.21
    0.50 1.50 -0.14 0.49 7.21
    0.75 1.52 -0.14 0.51 7.21
    1.0 1.53 -0.14 0.52 7.21
    4.0 1.53 -0.14 0.52 7.21
"
);

table!(
    /// Deep-soil coefficients (table 3).
    SOIL = "
    IMT c6ss c6r c7 sigma0 magfactor maxmag
    PGA 0.0000 0.0000 0.0 1.52 -0.16 7
    0.075 0.4572 0.4572 0.005 1.54 -0.16 7
    0.1 0.6395 0.6395 0.005 1.54 -0.16 7
    0.2 0.9187 0.9187 -0.004 1.565 -0.16 7
    0.3 0.9547 0.9547 -0.014 1.58 -0.16 7
    0.4 0.9251 0.9005 -0.024 1.595 -0.16 7
    0.5 0.8494 0.8285 -0.033 1.61 -0.16 7
    0.75 0.7010 0.6802 -0.051 1.635 -0.16 7
    1.0 0.5665 0.5075 -0.065 1.66 -0.16 7
    1.5 0.3235 0.2215 -0.090 1.69 -0.16 7
    2.0 0.1001 -0.0526 -0.108 1.70 -0.16 7
    3.0 -0.2801 -0.4905 -0.139 1.71 -0.16 7
    4.0 -0.6274 -0.8907 -0.160 1.71 -0.16 7
"
);

const NAME: &str = "SadighEtAl1997";
const ROCK: [&str; 7] = ["c1", "c2", "c3", "c4", "c5", "c6", "c7"];
/// Sites faster than this (m/s) use the rock equations.
const ROCK_VS30: f64 = 750.0;
/// Magnitude separating the low- and high-magnitude coefficients.
const SATURATION_MAG: f64 = 6.5;

/// Rock ln-mean for clipped magnitude `m`.
fn rock_mean(c: &[f64; 7], m: f64, rrup: f64) -> f64 {
    let [c1, c2, c3, c4, c5, c6, c7] = *c;
    c1 + c2 * m
        + c3 * (8.5 - m).powf(2.5)
        + c4 * (rrup + (c5 + c6 * m).exp()).ln()
        + c7 * (rrup + 2.0).ln()
}

fn compute(
    ctx: &Contexts,
    imt: &Imt,
    mean: &mut [f64],
    sig: &mut [f64],
    tau: &mut [f64],
    phi: &mut [f64],
) -> Result<(), GsimError> {
    let low = CoeffTable::get(&ROCK_LOWMAG, NAME, imt, ROCK)?;
    let high = CoeffTable::get(&ROCK_HIMAG, NAME, imt, ROCK)?;
    let [r_sigma0, r_magfactor, r_maxsigma, r_maxmag] = CoeffTable::get(
        &ROCK_SIGMA,
        NAME,
        imt,
        ["sigma0", "magfactor", "maxsigma", "maxmag"],
    )?;
    let [c6ss, c6r, c7, s_sigma0, s_magfactor] = CoeffTable::get(
        &SOIL,
        NAME,
        imt,
        ["c6ss", "c6r", "c7", "sigma0", "magfactor"],
    )?;
    for i in 0..mean.len() {
        let (mag, rake, rrup, vs30) = (ctx.mag[i], ctx.rake[i], ctx.rrup[i], ctx.vs30[i]);
        let reverse = (45.0..=135.0).contains(&rake);
        let m = clip(mag, f64::NEG_INFINITY, 8.5);
        if vs30 > ROCK_VS30 {
            let c = if m <= SATURATION_MAG { &low } else { &high };
            // ln(1.2): the reverse-faulting factor
            mean[i] = rock_mean(c, m, rrup) + if reverse { 0.1823215567939546 } else { 0.0 };
            sig[i] = if mag > r_maxmag {
                r_maxsigma
            } else {
                r_sigma0 + r_magfactor * mag
            };
        } else if vs30 <= ROCK_VS30 {
            let (c1, c6) = if reverse { (-1.92, c6r) } else { (-2.17, c6ss) };
            let (c4, c5) = if mag <= SATURATION_MAG {
                (2.1863, 0.32)
            } else {
                (0.3825, 0.5882)
            };
            mean[i] =
                c1 + m + c6 + c7 * (8.5 - m).powf(2.5) - 1.7 * (rrup + c4 * (c5 * m).exp()).ln();
            sig[i] = s_sigma0 + s_magfactor * clip(mag, f64::NEG_INFINITY, 7.0);
        } else {
            mean[i] = f64::NAN;
            sig[i] = f64::NAN;
        }
        tau[i] = 0.0;
        phi[i] = 0.0;
    }
    Ok(())
}
