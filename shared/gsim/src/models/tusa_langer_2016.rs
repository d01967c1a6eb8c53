//! Tusa and Langer (2016), "Prediction of ground motion parameters for the
//! volcanic area of Mount Etna", Journal of Seismology 20, 1-42: the version in
//! hypocentral distance developed for the V3-2012 INGV-DPC project.

use super::gsim_model;
use crate::coeffs::{CoeffTable, table};
use crate::{Contexts, GsimError, Imt};

gsim_model! {
    /// Tusa and Langer (2016) in hypocentral distance (BA08 form), volcanic
    /// earthquakes of Mt Etna; EC8 site classes A, B and D; total sigma only.
    TusaLanger2016Rhypo = "TusaLanger2016Rhypo",
    imts: [Pga, Sa],
    rupture: [Mag],
    site: [Vs30],
    distance: [Rhypo],
    component: GreaterOfTwoHorizontal,
    between_event_std: false,
}

table!(
    /// Coefficients of the hypocentral-distance model (log10 of cm/s²).
    COEFFS = "
    IMT a b1 b2 c1 c2 h c3 sA sB sD SigmaTot
    pga 0.3290 0.1050 0.0760 -2.1110 0.0390 1.5530 0.0060000 0 0.45000 0.45700 0.3940
    0.10 0.8594 0.0525 0.0790 -2.2258 0.0066 1.8689 0.0068670 0 0.41397 0.42120 0.4424
    0.20 1.0619 0.0418 0.0804 -2.2684 0.0194 2.6969 0.0072450 0 0.47176 0.56672 0.3960
    0.25 0.9928 0.0316 0.0904 -2.2318 0.0067 3.1724 0.0067460 0 0.47069 0.51751 0.3779
    0.40 -1.8031 1.4272 -0.1051 -1.9414 0.0496 3.0608 0.0047120 0 0.49105 0.54594 0.3353
    0.50 -1.4907 1.2390 -0.0806 -1.9292 0.1235 3.3918 0.0049110 0 0.48505 0.50924 0.3401
    1.00 -0.6283 0.3082 0.0638 -1.5327 0.2391 2.7319 0.0005733 0 0.46483 0.40585 0.3549
    1.25 -1.8557 0.7888 0.0174 -1.4873 0.1883 3.0522 -0.0006545 0 0.43149 0.36715 0.3426
    2.00 -4.8586 1.7503 -0.0610 -1.1999 0.0767 2.8470 -0.0043670 0 0.36832 0.34906 0.3567
"
);

const NAME: &str = "TusaLanger2016Rhypo";
/// Standard gravity, m/s².
const G: f64 = 9.80665;
/// Reference magnitude and distance (km) of the distance term.
const MREF: f64 = 3.6;
const RREF: f64 = 1.0;

fn compute(
    ctx: &Contexts,
    imt: &Imt,
    mean: &mut [f64],
    sig: &mut [f64],
    tau: &mut [f64],
    phi: &mut [f64],
) -> Result<(), GsimError> {
    let names = [
        "a", "b1", "b2", "c1", "c2", "h", "c3", "sA", "sB", "sD", "SigmaTot",
    ];
    let [a, b1, b2, c1, c2, h, c3, s_a, s_b, s_d, sigma_tot] =
        CoeffTable::get(&COEFFS, NAME, imt, names)?;
    // EC8 class C (180 < vs30 < 360) has no coefficients
    if let Some(vs30) = ctx.vs30.iter().find(|&&v| v > 180.0 && v < 360.0) {
        return Err(GsimError::UnsupportedSite {
            gsim: NAME.to_string(),
            reason: format!("vs30 = {vs30}: EC8 site class C is not covered"),
        });
    }
    for i in 0..mean.len() {
        let (mag, vs30) = (ctx.mag[i], ctx.vs30[i]);
        let r = (ctx.rhypo[i] * ctx.rhypo[i] + h * h).sqrt();
        let site = if vs30 >= 800.0 {
            s_a
        } else if vs30 >= 360.0 {
            s_b
        } else if vs30 < 180.0 {
            s_d
        } else {
            0.0
        };
        let log10_cms2 = a
            + b1 * mag
            + b2 * mag * mag
            + (c1 + c2 * (mag - MREF)) * (r / RREF).log10()
            + c3 * (r - RREF)
            + site;
        // log10 of cm/s² to ln of g
        mean[i] = (10f64.powf(log10_cms2 - 2.0) / G).ln();
        sig[i] = sigma_tot * std::f64::consts::LN_10;
        tau[i] = 0.0;
        phi[i] = 0.0;
    }
    Ok(())
}
