//! Campbell (2003), "Prediction of strong ground motion using the hybrid empirical method
//! and its use in the development of ground-motion (attenuation) relations in eastern North
//! America", BSSA 93(3), 1012-1033, with the 2004 erratum.

use super::gsim_model;
use crate::coeffs::{CoeffTable, table};
use crate::{Contexts, GsimError, Imt};

gsim_model! {
    /// Campbell (2003), hard rock in eastern North America (stable continental regions);
    /// total sigma only.
    Campbell2003 = "Campbell2003",
    imts: [Pga, Sa],
    rupture: [Mag],
    site: [],
    distance: [Rrup],
    component: GeometricMean,
    between_event_std: false,
}

table!(
    /// Coefficients of table 6 (eq. 30 and the sigma of eq. 35).
    COEFFS = "
    IMT c1 c2 c3 c4 c5 c6 c7 c8 c9 c10 c11 c12 c13
    pga 0.0305 0.633 -0.0427 -1.591 -0.00428 0.000483 0.683 0.416 1.140 -0.873 1.030 -0.0860 0.414
    0.020 1.3535 0.630 -0.0404 -1.787 -0.00388 0.000497 1.020 0.363 0.851 -0.715 1.030 -0.0860 0.414
    0.030 1.1860 0.622 -0.0362 -1.691 -0.00367 0.000501 0.922 0.376 0.759 -0.922 1.030 -0.0860 0.414
    0.050 0.3736 0.616 -0.0353 -1.469 -0.00378 0.000500 0.630 0.423 0.771 -1.239 1.042 -0.0838 0.443
    0.075 -0.0395 0.615 -0.0353 -1.383 -0.00421 0.000486 0.491 0.463 0.955 -1.349 1.052 -0.0838 0.453
    0.100 -0.1475 0.613 -0.0353 -1.369 -0.00454 0.000460 0.484 0.467 1.096 -1.284 1.059 -0.0838 0.460
    0.150 -0.1901 0.616 -0.0478 -1.368 -0.00473 0.000393 0.461 0.478 1.239 -1.079 1.068 -0.0838 0.469
    0.200 -0.4328 0.617 -0.0586 -1.320 -0.00460 0.000337 0.399 0.493 1.250 -0.928 1.077 -0.0838 0.478
    0.300 -0.6906 0.609 -0.0786 -1.280 -0.00414 0.000263 0.349 0.502 1.241 -0.753 1.081 -0.0838 0.482
    0.500 -0.5907 0.534 -0.1379 -1.216 -0.00341 0.000194 0.318 0.503 1.166 -0.606 1.098 -0.0824 0.508
    0.750 -0.5429 0.480 -0.1806 -1.184 -0.00288 0.000160 0.304 0.504 1.110 -0.526 1.105 -0.0806 0.528
    1.000 -0.6104 0.451 -0.2090 -1.158 -0.00255 0.000141 0.299 0.503 1.067 -0.482 1.110 -0.0793 0.543
    1.500 -0.9666 0.441 -0.2405 -1.135 -0.00213 0.000119 0.304 0.500 1.029 -0.438 1.099 -0.0771 0.547
    2.000 -1.4306 0.459 -0.2552 -1.124 -0.00187 0.000103 0.310 0.499 1.015 -0.417 1.093 -0.0758 0.551
    3.000 -2.2331 0.492 -0.2646 -1.121 -0.00154 0.000084 0.310 0.499 1.014 -0.393 1.090 -0.0737 0.562
    4.000 -2.7975 0.507 -0.2738 -1.119 -0.00135 0.000074 0.294 0.506 1.018 -0.386 1.092 -0.0722 0.575
"
);

const NAME: &str = "Campbell2003";

fn compute(
    ctx: &Contexts,
    imt: &Imt,
    mean: &mut [f64],
    sig: &mut [f64],
    tau: &mut [f64],
    phi: &mut [f64],
) -> Result<(), GsimError> {
    let names = [
        "c1", "c2", "c3", "c4", "c5", "c6", "c7", "c8", "c9", "c10", "c11", "c12", "c13",
    ];
    let [c1, c2, c3, c4, c5, c6, c7, c8, c9, c10, c11, c12, c13] =
        CoeffTable::get(&COEFFS, NAME, imt, names)?;
    let (ln70, ln130) = (70f64.ln(), 130f64.ln());
    for i in 0..mean.len() {
        let (mag, rrup) = (ctx.mag[i], ctx.rrup[i]);
        // magnitude scaling (eq. 31)
        let f1 = c2 * mag + c3 * (8.5 - mag).powi(2);
        // geometric spreading and anelastic attenuation (eq. 32-33)
        let near = (c7 * (c8 * mag).exp()).powi(2);
        let r = (rrup.powi(2) + near).sqrt();
        let f2 = c4 * r.ln() + (c5 + c6 * mag) * rrup;
        // far-distance attenuation beyond 70 and 130 km (eq. 34 with the erratum)
        let f3 = if rrup > 130.0 {
            c9 * (rrup.ln() - ln70) + c10 * (rrup.ln() - ln130)
        } else if rrup > 70.0 {
            c9 * (rrup.ln() - ln70)
        } else {
            0.0
        };
        mean[i] = c1 + f1 + f2 + f3;
        sig[i] = if mag < 7.16 { c11 + c12 * mag } else { c13 };
        tau[i] = 0.0;
        phi[i] = 0.0;
    }
    Ok(())
}
