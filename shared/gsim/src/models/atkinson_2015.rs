//! Atkinson (2015), "Ground-motion prediction equation for small-to-moderate
//! events at short hypocentral distances, with application to induced-seismicity
//! hazards", Bulletin of the Seismological Society of America 105(2), 981-992.

use super::ln_g_of_log10_cms2;
use crate::coeffs::{CoeffTable, table};
use crate::{Contexts, DistanceParam, Gsim, GsimError, Imt, ImtKind, Requirements, RuptureParam};

table!(
    /// Coefficients of table 2 (log10 of cm/s² and cm/s; sigmas in log10 units).
    COEFFS = "
    IMT     c0      c1      c2        c3      c4        phi   tau   sigma
    pgv     -4.151  1.762   -0.09509  -1.669  -0.00060  0.27  0.19  0.33
    pga     -2.376  1.818   -0.1153   -1.752  -0.00200  0.28  0.24  0.37
    0.0300  -2.283  1.842   -0.1189   -1.785  -0.00200  0.28  0.27  0.39
    0.0500  -2.018  1.826   -0.1192   -1.831  -0.00200  0.28  0.30  0.41
    0.1000  -1.954  1.830   -0.1185   -1.774  -0.00200  0.29  0.25  0.39
    0.2000  -2.266  1.785   -0.1061   -1.657  -0.00140  0.30  0.21  0.37
    0.3000  -2.794  1.852   -0.1078   -1.608  -0.00100  0.30  0.19  0.36
    0.5000  -3.873  2.060   -0.1212   -1.544  -0.00060  0.29  0.20  0.35
    1.0000  -4.081  1.742   -0.07381  -1.481  0.00000   0.26  0.22  0.34
    2.0000  -4.462  1.485   -0.03815  -1.361  0.00000   0.24  0.23  0.33
    3.0000  -3.827  1.060   0.009086  -1.398  0.00000   0.24  0.22  0.32
    5.0000  -4.321  1.080   0.009376  -1.378  0.00000   0.25  0.18  0.31
"
);

/// Atkinson (2015), with the effective depth of Yenier and Atkinson (2014)
/// (`Atkinson2015`) or the stronger distance saturation of page 986
/// (`Atkinson2015AltDistSat`).
#[derive(Debug, Clone, Copy)]
pub struct Atkinson2015 {
    /// Whether the alternative effective depth applies.
    alternative_saturation: bool,
}

impl Atkinson2015 {
    /// The model with the default effective depth.
    pub const DEFAULT: Self = Self {
        alternative_saturation: false,
    };
    /// The model with the alternative effective depth.
    pub const ALT_DIST_SAT: Self = Self {
        alternative_saturation: true,
    };

    /// Effective depth (km, at least 1) at magnitude `mag`.
    fn effective_depth(&self, mag: f64) -> f64 {
        let h = if self.alternative_saturation {
            10f64.powf(-0.28 + 0.19 * mag)
        } else {
            10f64.powf(-1.72 + 0.43 * mag)
        };
        if h > 1.0 { h } else { 1.0 }
    }
}

impl Gsim for Atkinson2015 {
    fn component(&self) -> crate::Component {
        crate::Component::RotD50
    }

    fn name(&self) -> &str {
        if self.alternative_saturation {
            "Atkinson2015AltDistSat"
        } else {
            "Atkinson2015"
        }
    }

    fn requires(&self) -> Requirements {
        Requirements {
            rupture: &[RuptureParam::Mag],
            site: &[],
            distance: &[DistanceParam::Rhypo],
        }
    }

    fn supported_imts(&self) -> &'static [ImtKind] {
        &[ImtKind::Pga, ImtKind::Pgv, ImtKind::Sa]
    }

    fn compute(
        &self,
        ctx: &Contexts,
        imt: &Imt,
        mean: &mut [f64],
        sig: &mut [f64],
        tau: &mut [f64],
        phi: &mut [f64],
    ) -> Result<(), GsimError> {
        let lens = [mean.len(), sig.len(), tau.len(), phi.len()];
        crate::precheck(self, ctx, imt, lens)?;
        let names = ["c0", "c1", "c2", "c3", "c4", "phi", "tau", "sigma"];
        let [c0, c1, c2, c3, c4, phi10, tau10, sigma10] =
            CoeffTable::get(&COEFFS, self.name(), imt, names)?;
        for i in 0..mean.len() {
            let mag = ctx.mag[i];
            let h = self.effective_depth(mag);
            let r = (ctx.rhypo[i].powi(2) + h * h).sqrt();
            let log10 = c0 + c1 * mag + c2 * mag.powi(2) + (c3 * r.log10() + c4 * r);
            mean[i] = match imt {
                Imt::Pgv => 10f64.powf(log10).ln(),
                // cm/s² to g
                _ => ln_g_of_log10_cms2(log10),
            };
            sig[i] = 10f64.powf(sigma10).ln();
            tau[i] = 10f64.powf(tau10).ln();
            phi[i] = 10f64.powf(phi10).ln();
        }
        Ok(())
    }
}
