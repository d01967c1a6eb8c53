//! Campbell and Bozorgnia (2003), "Updated near-source ground-motion (attenuation)
//! relations for the horizontal and vertical components of peak ground acceleration and
//! acceleration response spectra", BSSA 93(1), 314-331, as modified by the USGS National
//! Seismic Hazard Mapping Project for its 2007 Alaska model (`getCamp2000` in `hazFXv7.f`).

use super::gsim_model;
use crate::coeffs::{CoeffTable, table};
use crate::{Contexts, GsimError, Imt};

gsim_model! {
    /// Campbell and Bozorgnia (2003), NSHMP 2007 version: firm rock, half very firm soil
    /// and soft rock and half firm rock near the source; total sigma only.
    CampbellBozorgnia2003NSHMP2007 = "CampbellBozorgnia2003NSHMP2007",
    imts: [Pga, Sa],
    rupture: [Mag, Rake, Dip],
    site: [],
    distance: [Rrup, Rjb],
    component: GeometricMean,
    between_event_std: false,
}

table!(
    /// Coefficients of table 4 (horizontal component), as the NSHMP code uses them.
    COEFFS = "
    IMT c1 c2 c3 c4 c5 c6 c7 c8 c9 c10 c11 c12 c13 c14 c15 c16
    pga -4.033 0.812 0.036 -1.061 0.041 -0.005 -0.018 0.766 0.034 0.343 0.351 -0.123 -0.138 -0.289 0.370 0.920
    0.10 -2.661 0.812 0.060 -1.308 0.166 -0.009 -0.068 0.621 0.046 0.224 0.313 -0.146 -0.253 -0.299 0.370 0.958
    0.20 -2.771 0.812 0.030 -1.153 0.098 -0.014 -0.038 0.704 0.026 0.296 0.342 -0.148 -0.183 -0.330 0.370 0.981
    0.30 -2.999 0.812 0.007 -1.080 0.059 -0.007 -0.022 0.752 0.007 0.359 0.385 -0.162 -0.157 -0.453 0.370 0.984
    0.50 -3.556 0.812 -0.035 -0.964 0.023 -0.002 -0.004 0.842 -0.036 0.406 0.479 -0.122 -0.130 -0.528 0.370 0.990
    1.0 -3.867 0.812 -0.101 -0.964 0.019 0 0 0.842 -0.105 0.329 0.338 -0.073 -0.072 -0.607 0.281 1.021
    2.0 -4.311 0.812 -0.180 -0.964 0.019 0 0 0.842 -0.187 0.060 0.064 -0.124 -0.116 -0.649 0.160 1.021
"
);

const NAME: &str = "CampbellBozorgnia2003NSHMP2007";

fn compute(
    ctx: &Contexts,
    imt: &Imt,
    mean: &mut [f64],
    sig: &mut [f64],
    tau: &mut [f64],
    phi: &mut [f64],
) -> Result<(), GsimError> {
    let names = [
        "c1", "c2", "c3", "c4", "c5", "c6", "c7", "c8", "c9", "c10", "c11", "c14", "c15", "c16",
    ];
    let [c1, c2, c3, c4, c5, c6, c7, c8, c9, c10, c11, c14, c15, c16] =
        CoeffTable::get(&COEFFS, NAME, imt, names)?;
    // near-source site term: half very firm soil and soft rock, half firm rock (eq. 4)
    let g = c5 + c6 * 0.5 + c7 * 0.5;
    for i in 0..mean.len() {
        let (mag, rake, dip, rrup, rjb) =
            (ctx.mag[i], ctx.rake[i], ctx.dip[i], ctx.rrup[i], ctx.rjb[i]);
        // magnitude scaling (eq. 2)
        let f1 = c2 * mag + c3 * (8.5 - mag).powi(2);
        // distance scaling (eq. 3), squared
        let near = (c8 * mag + c9 * (8.5 - mag).powi(2)).exp() * g;
        let f2 = rrup.powi(2) + near.powi(2);
        // faulting mechanism (eq. 5): reverse on steep faults, thrust on shallow ones
        let reverse_like = (22.5..=157.5).contains(&rake);
        let frv = f64::from(u8::from(dip > 45.0 && reverse_like));
        let fth = f64::from(u8::from(dip <= 45.0 && reverse_like));
        let f3 = c10 * frv + c11 * fth;
        // far-source site term for firm rock (eq. 6)
        let f4 = c14;
        // hanging wall (eqs. 7-10, eq. 8 as corrected in the erratum); as in the NSHMP
        // code, (5 - rjb) / 5 is not bounded below
        let hw = if dip <= 70.0 { (5.0 - rjb) / 5.0 } else { 0.0 };
        let f_m = (mag - 5.5).min(1.0);
        let f_rrup = if rrup < 8.0 { c15 * (rrup / 8.0) } else { c15 };
        let f5 = hw * f_m * f_rrup;
        mean[i] = c1 + f1 + c4 * f2.sqrt().ln() + f3 + f4 + f5;
        sig[i] = c16 - if mag < 7.4 { 0.07 * mag } else { 0.518 };
        tau[i] = 0.0;
        phi[i] = 0.0;
    }
    Ok(())
}
