//! Toro (2002), "Modification of the Toro et al. (1997) attenuation equations
//! for large magnitudes and short distances", Risk Engineering report.

use super::{gsim_model, interp};
use crate::coeffs::{CoeffTable, table};
use crate::{Contexts, GsimError, Imt};

gsim_model! {
    /// Toro (2002), stable continental regions, hard rock; total sigma only.
    ToroEtAl2002 = "ToroEtAl2002",
    imts: [Pga, Sa],
    rupture: [Mag],
    site: [],
    distance: [Rjb],
    component: GeometricMean,
    between_event_std: false,
}

table!(
    /// Coefficients of Toro (2002), tables 2-3.
    COEFFS = "
    IMT c1 c2 c3 c4 c5 c6 c7 m50 m55 m80 r5 r20
    pga 2.20 0.81 0.00 1.27 1.16 0.0021 9.3 0.55 0.59 0.50 0.54 0.20
    0.03 4.00 0.79 0.00 1.57 1.83 0.0008 11.1 0.62 0.63 0.50 0.62 0.35
    0.04 3.68 0.80 0.00 1.46 1.77 0.0013 10.5 0.62 0.63 0.50 0.57 0.29
    0.10 2.37 0.81 0.00 1.10 1.02 0.0040 8.3 0.59 0.61 0.50 0.50 0.17
    0.20 1.73 0.84 0.00 0.98 0.66 0.0042 7.5 0.60 0.64 0.56 0.45 0.12
    0.40 1.07 1.05 -0.10 0.93 0.56 0.0033 7.1 0.63 0.68 0.64 0.45 0.12
    1.00 0.09 1.42 -0.20 0.90 0.49 0.0023 6.8 0.63 0.64 0.67 0.45 0.12
    2.00 -0.74 1.86 -0.31 0.92 0.46 0.0017 6.9 0.61 0.62 0.66 0.45 0.12
    3.00 -0.74 1.86 -0.31 0.92 0.46 0.0017 6.9 0.61 0.62 0.66 0.45 0.12
    4.00 -0.74 1.86 -0.31 0.92 0.46 0.0017 6.9 0.61 0.62 0.66 0.45 0.12
"
);

const NAME: &str = "ToroEtAl2002";

fn compute(
    ctx: &Contexts,
    imt: &Imt,
    mean: &mut [f64],
    sig: &mut [f64],
    tau: &mut [f64],
    phi: &mut [f64],
) -> Result<(), GsimError> {
    let names = [
        "c1", "c2", "c3", "c4", "c5", "c6", "c7", "m50", "m55", "m80", "r5", "r20",
    ];
    let [c1, c2, c3, c4, c5, c6, c7, m50, m55, m80, r5, r20] =
        CoeffTable::get(&COEFFS, NAME, imt, names)?;
    let period = imt.period();
    // Conversion of the 3 s and 4 s rows, as applied by OpenQuake.
    let divisor = if period == 3.0 {
        0.612
    } else if period == 4.0 {
        0.559
    } else {
        1.0
    };
    for i in 0..mean.len() {
        let (mag, rjb) = (ctx.mag[i], ctx.rjb[i]);
        let dm = mag - 6.0;
        let h = (-1.25 + 0.227 * mag).exp();
        let rm = (rjb * rjb + c7 * c7 * (h * h)).sqrt();
        let far = (rm / 100.0).ln();
        let far = if far < 0.0 { 0.0 } else { far };
        let m = c1 + (c2 * dm + c3 * dm * dm) + (-c4 * rm.ln() - (c5 - c4) * far - c6 * rm);
        mean[i] = m / divisor;
        let ale_m = interp(mag, [5.0, 5.5, 8.0], [m50, m55, m80]);
        let ale_r = interp(rjb, [5.0, 20.0], [r5, r20]);
        let epi = if period < 1.0 {
            0.36 + 0.07 * dm
        } else {
            0.34 + 0.06 * dm
        };
        sig[i] = ((ale_m * ale_m + ale_r * ale_r) + epi * epi).sqrt();
        tau[i] = 0.0;
        phi[i] = 0.0;
    }
    Ok(())
}
