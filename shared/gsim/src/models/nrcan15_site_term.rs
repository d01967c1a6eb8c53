//! The NRCan (2015) site term: ground motion computed on rock (vs30 = 760 m/s) amplified to
//! the site's vs30 with the Boore and Atkinson (2008) site term (non-linear in the motion on
//! rock, as Atkinson and Boore 2006 write it); above 760 m/s, the `linear` kind
//! de-amplifies instead toward the Atkinson and Boore (2006) hard-rock factors at 2000 m/s.
//! As the 2015 National Building Code of Canada hazard model (and OpenQuake's
//! `hazardlib.gsim.mgmpe.nrcan15_site_term`) applies it, the motion on rock that drives the
//! non-linearity is that of the IMT itself.

use crate::coeffs::{CoeffTable, table};
use crate::{GsimError, Imt};

/// The reference rock velocity of the motion being amplified, m/s.
pub(crate) const ROCK_VS30: f64 = 760.0;

table!(
    /// Boore and Atkinson (2008) site-term coefficients (table 3).
    COEFFS_BA08 = "
    IMT blin b1 b2
    pgv -0.60 -0.50 -0.06
    pga -0.36 -0.64 -0.14
    0.010 -0.36 -0.64 -0.14
    0.020 -0.34 -0.63 -0.12
    0.030 -0.33 -0.62 -0.11
    0.040 -0.31 -0.61 -0.11
    0.050 -0.29 -0.64 -0.11
    0.060 -0.25 -0.64 -0.11
    0.075 -0.23 -0.64 -0.11
    0.090 -0.23 -0.64 -0.12
    0.100 -0.25 -0.60 -0.13
    0.120 -0.26 -0.56 -0.14
    0.150 -0.28 -0.53 -0.18
    0.170 -0.29 -0.53 -0.19
    0.200 -0.31 -0.52 -0.19
    0.240 -0.38 -0.52 -0.16
    0.250 -0.39 -0.52 -0.16
    0.300 -0.44 -0.52 -0.14
    0.360 -0.48 -0.51 -0.11
    0.400 -0.50 -0.51 -0.10
    0.460 -0.55 -0.50 -0.08
    0.500 -0.60 -0.50 -0.06
    0.600 -0.66 -0.49 -0.03
    0.750 -0.69 -0.47 -0.00
    0.850 -0.69 -0.46 -0.00
    1.000 -0.70 -0.44 -0.00
    1.500 -0.72 -0.40 -0.00
    2.000 -0.73 -0.38 -0.00
    3.000 -0.74 -0.34 -0.00
    4.000 -0.75 -0.31 -0.00
    5.000 -0.75 -0.291 -0.00
    7.500 -0.692 -0.247 -0.00
    10.00 -0.650 -0.215 -0.00
"
);

table!(
    /// Atkinson and Boore (2006) hard-rock (2000 m/s) over rock factors.
    COEFFS_AB06R = "
    IMT c
    pgv 1.230
    pga 0.891
    0.05 0.891
    0.10 1.072
    0.20 1.318
    0.30 1.380
    0.50 1.380
    1.00 1.288
    2.00 1.230
    5.00 1.148
    10.0 1.072
"
);

const NAME: &str = "ModifiableGMPE nrcan15_site_term";

/// Amplifies `mean` (ln, computed on rock) of `imt` to the sites' `vs30`; `linear` is the
/// `linear` kind, else `base`.
pub(crate) fn amplify(
    vs30: &[f64],
    imt: &Imt,
    linear: bool,
    mean: &mut [f64],
) -> Result<(), GsimError> {
    let [blin, b1, b2] = CoeffTable::get(&COEFFS_BA08, NAME, imt, ["blin", "b1", "b2"])?;
    let hard_rock = if linear {
        let [c] = CoeffTable::get(&COEFFS_AB06R, NAME, imt, ["c"])?;
        Some(c)
    } else {
        None
    };
    for (m, &v) in mean.iter_mut().zip(vs30) {
        let on_rock = m.exp();
        let factor = match hard_rock {
            Some(c) if v > ROCK_VS30 => {
                // log-linear from 1 at 760 m/s to c at 2000 m/s (numpy.interp), inverted
                let (x0, x1) = (ROCK_VS30.log10(), 2000f64.log10());
                let x = v.min(2000.0).log10();
                let y = if x >= x1 {
                    c.log10()
                } else {
                    (c.log10() - 0.0) / (x1 - x0) * (x - x0)
                };
                1.0 / 10f64.powf(y)
            }
            _ if v == ROCK_VS30 => 1.0,
            _ => {
                // hard rock not de-amplified further beyond 2000 m/s
                let vs = if linear {
                    v.min(2000.0)
                } else if v >= 2000.0 {
                    1999.0
                } else {
                    v
                };
                let slope = non_linear_slope(vs, b1, b2);
                (non_linear_term(on_rock, slope) + blin * (vs / ROCK_VS30).ln()).exp()
            }
        };
        *m = (on_rock * factor).ln();
    }
    Ok(())
}

/// The slope of the non-linear term (Boore and Atkinson 2008, eq. 13a-d).
fn non_linear_slope(vs30: f64, b1: f64, b2: f64) -> f64 {
    const V1: f64 = 180.0;
    const V2: f64 = 300.0;
    if vs30 <= V1 {
        b1
    } else if vs30 <= V2 {
        (b1 - b2) * (vs30 / V2).ln() / (V1 / V2).ln() + b2
    } else if vs30 < ROCK_VS30 {
        b2 * (vs30 / ROCK_VS30).ln() / (V2 / ROCK_VS30).ln()
    } else {
        0.0
    }
}

/// The non-linear term for motion `pga4nl` (g) on rock (eq. 8a-c).
fn non_linear_term(pga4nl: f64, slope: f64) -> f64 {
    const A1: f64 = 0.03;
    const A2: f64 = 0.09;
    const PGA_LOW: f64 = 0.06;
    if pga4nl <= A1 {
        slope * (PGA_LOW / 0.1).ln()
    } else if pga4nl <= A2 {
        let dx = (A2 / A1).ln();
        let dy = slope * (A2 / PGA_LOW).ln();
        let c = (3.0 * dy - slope * dx) / dx.powi(2);
        let d = -(2.0 * dy - slope * dx) / dx.powi(3);
        let l = (pga4nl / A1).ln();
        slope * (PGA_LOW / 0.1).ln() + c * l.powi(2) + d * l.powi(3)
    } else if pga4nl > A2 {
        slope * (pga4nl / 0.1).ln()
    } else {
        0.0
    }
}
