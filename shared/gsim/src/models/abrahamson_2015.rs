//! Abrahamson, Gregor and Addo (2016), "BC Hydro ground motion prediction equations for
//! subduction earthquakes", Earthquake Spectra 32(1), 23-44 (the "BC Hydro" model, as
//! OpenQuake's `AbrahamsonEtAl2015*`), for interface and intraslab events, with the central,
//! upper (`High`) and lower (`Low`) magnitude scaling of large events (ΔC1).
//!
//! ln Y = magnitude term (hinged at 7.8 + ΔC1) + distance term (rrup for interface, rhypo for
//! intraslab events, whose hypocentral depth also scales the motion up to 120 km) + the
//! backarc term of sites on the backarc side + the site term of Walling et al. (2008),
//! nonlinear below `vlin` in the PGA on rock (vs30 1000 m/s).

use crate::coeffs::{CoeffTable, table};
use crate::{
    Component, Contexts, DistanceParam, Gsim, GsimError, Imt, ImtKind, Requirements, RuptureParam,
    SiteParam,
};

/// Nonlinear site term exponent (`n`).
const N: f64 = 1.18;
/// Nonlinear site term constant (`c`).
const C: f64 = 1.88;
/// Magnitude dependence of the geometric spreading (`θ3`).
const THETA3: f64 = 0.1;
/// Magnitude slope below the hinge (`θ4`).
const THETA4: f64 = 0.9;
/// Magnitude slope above the hinge (`θ5`).
const THETA5: f64 = 0.0;
/// Near-source saturation exponent (`θ9`).
const THETA9: f64 = 0.4;
/// Near-source saturation distance (`c4`), km.
const C4: f64 = 10.0;
/// Magnitude hinge before ΔC1 (`C1`).
const C1: f64 = 7.8;
/// Reference vs30 of the rock motion of the site term, m/s.
const VS30_ROCK: f64 = 1000.0;

table!(
    /// Period-dependent coefficients (table 3).
    COEFFS = "
    IMT          vlin        b   theta1    theta2    theta6   theta7    theta8  theta10  theta11   theta12   theta13   theta14  theta15   theta16      phi     tau   sigma
    pga      865.1000  -1.1860   4.2203   -1.3500   -0.0012   1.0988   -1.4200   3.1200   0.0130    0.9800   -0.0135   -0.4000   0.9969   -1.0000   0.6000  0.4300  0.7400
    0.0200   865.1000  -1.1860   4.2203   -1.3500   -0.0012   1.0988   -1.4200   3.1200   0.0130    0.9800   -0.0135   -0.4000   0.9969   -1.0000   0.6000  0.4300  0.7400
    0.0500  1053.5000  -1.3460   4.5371   -1.4000   -0.0012   1.2536   -1.6500   3.3700   0.0130    1.2880   -0.0138   -0.4000   1.1030   -1.1800   0.6000  0.4300  0.7400
    0.0750  1085.7000  -1.4710   5.0733   -1.4500   -0.0012   1.4175   -1.8000   3.3700   0.0130    1.4830   -0.0142   -0.4000   1.2732   -1.3600   0.6000  0.4300  0.7400
    0.1000  1032.5000  -1.6240   5.2892   -1.4500   -0.0012   1.3997   -1.8000   3.3300   0.0130    1.6130   -0.0145   -0.4000   1.3042   -1.3600   0.6000  0.4300  0.7400
    0.1500   877.6000  -1.9310   5.4563   -1.4500   -0.0014   1.3582   -1.6900   3.2500   0.0130    1.8820   -0.0153   -0.4000   1.2600   -1.3000   0.6000  0.4300  0.7400
    0.2000   748.2000  -2.1880   5.2684   -1.4000   -0.0018   1.1648   -1.4900   3.0300   0.0129    2.0760   -0.0162   -0.3500   1.2230   -1.2500   0.6000  0.4300  0.7400
    0.2500   654.3000  -2.3810   5.0594   -1.3500   -0.0023   0.9940   -1.3000   2.8000   0.0129    2.2480   -0.0172   -0.3100   1.1600   -1.1700   0.6000  0.4300  0.7400
    0.3000   587.1000  -2.5180   4.7945   -1.2800   -0.0027   0.8821   -1.1800   2.5900   0.0128    2.3480   -0.0183   -0.2800   1.0500   -1.0600   0.6000  0.4300  0.7400
    0.4000   503.0000  -2.6570   4.4644   -1.1800   -0.0035   0.7046   -0.9800   2.2000   0.0127    2.4270   -0.0206   -0.2300   0.8000   -0.7800   0.6000  0.4300  0.7400
    0.5000   456.6000  -2.6690   4.0181   -1.0800   -0.0044   0.5799   -0.8200   1.9200   0.0125    2.3990   -0.0231   -0.1900   0.6620   -0.6200   0.6000  0.4300  0.7400
    0.6000   430.3000  -2.5990   3.6055   -0.9900   -0.0050   0.5021   -0.7000   1.7000   0.0124    2.2730   -0.0256   -0.1600   0.5800   -0.5000   0.6000  0.4300  0.7400
    0.7500   410.5000  -2.4010   3.2174   -0.9100   -0.0058   0.3687   -0.5400   1.4200   0.0120    1.9930   -0.0296   -0.1200   0.4800   -0.3400   0.6000  0.4300  0.7400
    1.0000   400.0000  -1.9550   2.7981   -0.8500   -0.0062   0.1746   -0.3400   1.1000   0.0114    1.4700   -0.0363   -0.0700   0.3300   -0.1400   0.6000  0.4300  0.7400
    1.5000   400.0000  -1.0250   2.0123   -0.7700   -0.0064  -0.0820   -0.0500   0.7000   0.0100    0.4080   -0.0493    0.0000   0.3100    0.0000   0.6000  0.4300  0.7400
    2.0000   400.0000  -0.2990   1.4128   -0.7100   -0.0064  -0.2821    0.1200   0.7000   0.0085   -0.4010   -0.0610    0.0000   0.3000    0.0000   0.6000  0.4300  0.7400
    2.5000   400.0000   0.0000   0.9976   -0.6700   -0.0064  -0.4108    0.2500   0.7000   0.0069   -0.7230   -0.0711    0.0000   0.3000    0.0000   0.6000  0.4300  0.7400
    3.0000   400.0000   0.0000   0.6443   -0.6400   -0.0064  -0.4466    0.3000   0.7000   0.0054   -0.6730   -0.0798    0.0000   0.3000    0.0000   0.6000  0.4300  0.7400
    4.0000   400.0000   0.0000   0.0657   -0.5800   -0.0064  -0.4344    0.3000   0.7000   0.0027   -0.6270   -0.0935    0.0000   0.3000    0.0000   0.6000  0.4300  0.7400
    5.0000   400.0000   0.0000  -0.4624   -0.5400   -0.0064  -0.4368    0.3000   0.7000   0.0005   -0.5960   -0.0980    0.0000   0.3000    0.0000   0.6000  0.4300  0.7400
    6.0000   400.0000   0.0000  -0.9809   -0.5000   -0.0064  -0.4586    0.3000   0.7000  -0.0013   -0.5660   -0.0980    0.0000   0.3000    0.0000   0.6000  0.4300  0.7400
    7.5000   400.0000   0.0000  -1.6017   -0.4600   -0.0064  -0.4433    0.3000   0.7000  -0.0033   -0.5280   -0.0980    0.0000   0.3000    0.0000   0.6000  0.4300  0.7400
    10.0000  400.0000   0.0000  -2.2937   -0.4000   -0.0064  -0.4828    0.3000   0.7000  -0.0060   -0.5040   -0.0980    0.0000   0.3000    0.0000   0.6000  0.4300  0.7400
"
);

table!(
    /// ΔC1 of interface events (table 4): central, upper and lower models.
    INTERFACE_DC1 = "
    IMT  central  high   low
    pga    0.2    0.4    0.0
    0.02   0.2    0.4    0.0
    0.30   0.2    0.4    0.0
    0.50   0.1    0.3   -0.1
    1.00   0.0    0.2   -0.2
    2.00  -0.1    0.1   -0.3
    3.00  -0.2    0.0   -0.4
    10.0  -0.2    0.0   -0.4
"
);

/// The magnitude scaling of large events: ΔC1's model.
#[derive(Debug, Clone, Copy, PartialEq)]
enum DeltaC1 {
    /// Interface events: a column of [`INTERFACE_DC1`], by period.
    Interface(&'static str),
    /// Intraslab events: a constant.
    Slab(f64),
}

/// A model of the family.
#[derive(Debug, Clone)]
pub struct AbrahamsonEtAl2015 {
    name: &'static str,
    delta_c1: DeltaC1,
}

/// The models by OpenQuake name, with their ΔC1 (table 4 for interface, table 8 for
/// intraslab events).
const MODELS: [(&str, DeltaC1); 6] = [
    ("AbrahamsonEtAl2015SInter", DeltaC1::Interface("central")),
    ("AbrahamsonEtAl2015SInterHigh", DeltaC1::Interface("high")),
    ("AbrahamsonEtAl2015SInterLow", DeltaC1::Interface("low")),
    ("AbrahamsonEtAl2015SSlab", DeltaC1::Slab(-0.3)),
    ("AbrahamsonEtAl2015SSlabHigh", DeltaC1::Slab(-0.1)),
    ("AbrahamsonEtAl2015SSlabLow", DeltaC1::Slab(-0.5)),
];

impl AbrahamsonEtAl2015 {
    /// The model of the family that OpenQuake calls `name`.
    pub fn by_name(name: &str) -> Option<Self> {
        let &(name, delta_c1) = MODELS.iter().find(|m| m.0 == name)?;
        Some(Self { name, delta_c1 })
    }

    fn slab(&self) -> bool {
        matches!(self.delta_c1, DeltaC1::Slab(_))
    }

    /// ΔC1 of `imt`.
    fn delta_c1(&self, imt: &Imt) -> Result<f64, GsimError> {
        match self.delta_c1 {
            DeltaC1::Interface(model) => {
                Ok(CoeffTable::get(&INTERFACE_DC1, self.name, imt, [model])?[0])
            }
            DeltaC1::Slab(dc1) => Ok(dc1),
        }
    }
}

impl Gsim for AbrahamsonEtAl2015 {
    fn name(&self) -> &str {
        self.name
    }

    fn requires(&self) -> Requirements {
        let (rupture, distance): (&'static [RuptureParam], &'static [DistanceParam]) =
            if self.slab() {
                (
                    &[RuptureParam::Mag, RuptureParam::HypoDepth],
                    &[DistanceParam::Rhypo],
                )
            } else {
                (&[RuptureParam::Mag], &[DistanceParam::Rrup])
            };
        Requirements {
            rupture,
            site: &[SiteParam::Vs30, SiteParam::Backarc],
            distance,
        }
    }

    fn supported_imts(&self) -> &'static [ImtKind] {
        &[ImtKind::Pga, ImtKind::Sa]
    }

    fn component(&self) -> Component {
        Component::GeometricMean
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
        let n = crate::precheck(self, ctx, imt, lens)?;
        let slab = self.slab();
        let (pga, _) = Coeffs::of(self, &Imt::Pga)?;
        let pga_dc1 = self.delta_c1(&Imt::Pga)?;
        let (coeffs, [sigma, tau_c, phi_c]) = Coeffs::of(self, imt)?;
        let dc1 = self.delta_c1(imt)?;
        // the linear site term of the rock reference
        let rock_site = (pga.theta12 + pga.b * N) * (VS30_ROCK / pga.vlin).ln();
        for i in 0..n {
            let pga1000 = (pga.source_path(slab, pga_dc1, ctx, i) + rock_site).exp();
            mean[i] = coeffs.source_path(slab, dc1, ctx, i) + coeffs.site(ctx.vs30[i], pga1000);
            sig[i] = sigma;
            tau[i] = tau_c;
            phi[i] = phi_c;
        }
        Ok(())
    }
}

/// The coefficients of table 3 that the terms read.
struct Coeffs {
    vlin: f64,
    b: f64,
    theta1: f64,
    theta2: f64,
    theta6: f64,
    theta7: f64,
    theta8: f64,
    theta10: f64,
    theta11: f64,
    theta12: f64,
    theta13: f64,
    theta14: f64,
    theta15: f64,
    theta16: f64,
}

impl Coeffs {
    /// The coefficients of `imt`, and its total, inter- and intra-event sigmas.
    fn of(model: &AbrahamsonEtAl2015, imt: &Imt) -> Result<(Self, [f64; 3]), GsimError> {
        let [
            vlin,
            b,
            theta1,
            theta2,
            theta6,
            theta7,
            theta8,
            theta10,
            theta11,
            theta12,
            theta13,
            theta14,
            theta15,
            theta16,
            phi,
            tau,
            sigma,
        ] = CoeffTable::get(
            &COEFFS,
            model.name,
            imt,
            [
                "vlin", "b", "theta1", "theta2", "theta6", "theta7", "theta8", "theta10",
                "theta11", "theta12", "theta13", "theta14", "theta15", "theta16", "phi", "tau",
                "sigma",
            ],
        )?;
        let coeffs = Coeffs {
            vlin,
            b,
            theta1,
            theta2,
            theta6,
            theta7,
            theta8,
            theta10,
            theta11,
            theta12,
            theta13,
            theta14,
            theta15,
            theta16,
        };
        Ok((coeffs, [sigma, tau, phi]))
    }

    /// ln Y without the site term, for context `i` (the rupture and path terms).
    fn source_path(&self, slab: bool, dc1: f64, ctx: &Contexts, i: usize) -> f64 {
        let mag = ctx.mag[i];
        // magnitude (eq. 2), hinged at C1 + ΔC1
        let hinge = C1 + dc1;
        let slope = if mag > hinge { THETA5 } else { THETA4 };
        let magnitude = self.theta1
            + THETA4 * dc1
            + slope * (mag - hinge)
            + self.theta13 * (10.0 - mag).powi(2);
        // distance, and for intraslab events hypocentral depth (eq. 3)
        let (dist, theta14, theta10, depth, (a, b, min_dist)) = if slab {
            let depth = self.theta11 * (ctx.hypo_depth[i].min(120.0) - 60.0);
            let backarc = (self.theta7, self.theta8, 85.0);
            (ctx.rhypo[i], self.theta14, self.theta10, depth, backarc)
        } else {
            let backarc = (self.theta15, self.theta16, 100.0);
            (ctx.rrup[i], 0.0, 0.0, 0.0, backarc)
        };
        let spreading = (self.theta2 + theta14 + THETA3 * (mag - C1))
            * (dist + C4 * ((mag - 6.0) * THETA9).exp()).ln();
        let distance = spreading + self.theta6 * dist + theta10;
        let backarc = if ctx.backarc[i] {
            a + b * (dist.max(min_dist) / 40.0).ln()
        } else {
            0.0
        };
        magnitude + distance + depth + backarc
    }

    /// The site term of a site of `vs30` where the PGA on rock is `pga1000` (g).
    fn site(&self, vs30: f64, pga1000: f64) -> f64 {
        let ratio = vs30.min(VS30_ROCK) / self.vlin;
        let linear = self.theta12 * ratio.ln();
        if vs30 >= self.vlin {
            linear + self.b * N * ratio.ln()
        } else {
            linear - self.b * (pga1000 + C).ln() + self.b * (pga1000 + C * ratio.powf(N)).ln()
        }
    }
}
