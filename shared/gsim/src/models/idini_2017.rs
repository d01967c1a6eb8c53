//! Idini, Rojas, Ruiz and Pastén (2017), "Ground motion prediction equations for the
//! Chilean subduction zone", Bulletin of Earthquake Engineering 15(5), 1853-1880, for
//! interface and intraslab events.
//!
//! log10 Y (g) = magnitude term (eq. 3) + distance term (eq. 5: hypocentral distance, or
//! for interface events of Mw 7.7 and above the rupture distance) + the site term of the
//! site's soil type (eq. 18: types II to VI scale log10(vs30 / 1530); type I, rock, and
//! types above VI none).

use crate::coeffs::{CoeffTable, table};
use crate::{
    Component, Contexts, DistanceParam, Gsim, GsimError, Imt, ImtKind, Requirements, RuptureParam,
    SiteParam,
};

/// Reference magnitude (`Mr`).
const MR: f64 = 5.0;
/// Reference vs30 of the site term (`Vref`), m/s.
const VREF: f64 = 1530.0;
/// Magnitude dependence of the geometric spreading (`c4`).
const C4: f64 = 0.1;
/// Near-source saturation distance at `MR` (`c6`), km.
const C6: f64 = 5.0;
/// Magnitude scaling of the near-source saturation (`c7`).
const C7: f64 = 0.35;
/// Reference hypocentral depth of intraslab events (`h0`), km.
const H0: f64 = 50.0;

table!(
    /// Coefficients (tables 3 and 4; the sigmas in log10).
    COEFFS = "
    IMT   c1        c2       c9         c8        dc1      dc2       sigma_e c3         c5         dc3        sigma_r s2      s3      s4      s5      s6
    pga   -2.85480  0.77410  -0.039580  0.005860  2.56990  -0.47610  0.1720  -0.975580  -0.001740  -0.527450  0.2320  -0.5840 -0.3220 -0.1090 -0.0950 -0.2120
    0.01  -2.84240  0.80520  -0.041350  0.005840  2.73700  -0.51910  0.1730  -1.029930  -0.001750  -0.504660  0.2310  -0.5230 -0.2620 -0.1000 -0.0920 -0.1930
    0.02  -2.83370  0.83830  -0.043250  0.005830  2.90870  -0.56400  0.1760  -1.085670  -0.001760  -0.480430  0.2330  -0.4590 -0.2080 -0.0920 -0.0890 -0.1770
    0.03  -2.82350  0.88380  -0.045950  0.005860  3.07350  -0.62270  0.1780  -1.159510  -0.001760  -0.424900  0.2350  -0.3900 -0.1600 -0.0850 -0.0880 -0.1640
    0.05  -2.73580  0.95390  -0.050330  0.006210  3.21470  -0.70790  0.1900  -1.286400  -0.001780  -0.312390  0.2410  -0.3060 -0.0880 -0.0750 -0.0900 -0.1460
    0.07  -2.60040  0.98080  -0.052250  0.006030  3.08510  -0.74250  0.2130  -1.346440  -0.001810  -0.179950  0.2510  -0.3510 -0.0560 -0.0690 -0.0960 -0.1410
    0.10  -2.48910  0.95440  -0.050600  0.005710  2.80910  -0.70550  0.1950  -1.323530  -0.001820  -0.132080  0.2550  -0.5240 -0.0870 -0.0700 -0.1130 -0.1560
    0.15  -2.65050  0.92320  -0.048790  0.005600  2.62600  -0.62700  0.1600  -1.176870  -0.001830  -0.264510  0.2550  -0.6910 -0.3360 -0.0950 -0.1660 -0.2450
    0.20  -3.00960  0.94260  -0.050340  0.005730  2.60630  -0.59760  0.1570  -1.045080  -0.001820  -0.391050  0.2680  -0.6710 -0.5470 -0.1270 -0.2090 -0.3590
    0.25  -3.33210  0.95780  -0.051430  0.005070  2.36540  -0.58200  0.1420  -0.943630  -0.001780  -0.343480  0.2640  -0.5840 -0.6740 -0.1780 -0.2350 -0.4440
    0.30  -3.54220  0.94410  -0.050520  0.004280  2.20170  -0.54120  0.1410  -0.848140  -0.001730  -0.366950  0.2600  -0.5060 -0.7300 -0.2580 -0.2340 -0.4910
    0.40  -3.39850  0.77730  -0.038850  0.003080  1.63670  -0.34480  0.1570  -0.692780  -0.001660  -0.463010  0.2630  -0.3860 -0.7180 -0.4230 -0.1640 -0.5350
    0.50  -2.80410  0.50690  -0.019730  0.002570  0.76210  -0.06170  0.1520  -0.578990  -0.001610  -0.540980  0.2610  -0.3000 -0.6350 -0.5370 -0.1100 -0.5570
    0.75  -4.45880  0.86910  -0.041790  0.001350  2.10030  -0.43490  0.1460  -0.568870  -0.001580  -0.462660  0.2520  -0.2760 -0.3950 -0.5750 -0.3580 -0.5990
    1.00  -5.33910  1.01670  -0.049990  0.000450  2.56100  -0.56780  0.1530  -0.532820  -0.001540  -0.423140  0.2470  -0.2750 -0.2540 -0.4620 -0.6700 -0.5840
    1.50  -6.12040  1.10050  -0.054260  0.000680  2.89230  -0.58980  0.1520  -0.462630  -0.001450  -0.585190  0.2460  -0.2490 -0.2380 -0.3000 -0.8010 -0.5220
    2.00  -7.03340  1.25010  -0.063560  0.000510  3.39410  -0.70090  0.1570  -0.405940  -0.001390  -0.659990  0.2450  -0.2180 -0.2310 -0.2200 -0.7460 -0.4790
    3.00  -8.25070  1.46520  -0.077970  0.000660  4.00330  -0.84650  0.1550  -0.339570  -0.001370  -0.790040  0.2310  -0.1800 -0.2190 -0.2100 -0.6280 -0.4610
    4.00  -8.74330  1.48270  -0.078630  0.000630  3.93370  -0.81340  0.1600  -0.264790  -0.001370  -0.865450  0.2280  -0.1710 -0.2180 -0.2120 -0.5310 -0.4480
    5.00  -8.99270  1.46300  -0.076380  0.000670  3.75760  -0.76420  0.1670  -0.223330  -0.001370  -0.887350  0.2320  -0.1680 -0.2180 -0.2030 -0.4380 -0.4390
    7.50  -9.82450  1.63830  -0.086200  0.001080  4.39480  -0.93130  0.1640  -0.303460  -0.001310  -0.912590  0.2310  -0.1680 -0.2180 -0.1530 -0.2560 -0.4350
    10.00 -9.86710  1.58770  -0.081680  0.000140  4.38750  -0.88920  0.1760  -0.337710  -0.001170  -0.963630  0.2040  -0.1680 -0.2180 -0.1250 -0.2310 -0.4350
"
);

/// A model of the family: interface or intraslab events.
#[derive(Debug, Clone)]
pub struct IdiniEtAl2017 {
    name: &'static str,
    slab: bool,
}

impl IdiniEtAl2017 {
    /// The model of the family that OpenQuake calls `name`.
    pub fn by_name(name: &str) -> Option<Self> {
        match name {
            "IdiniEtAl2017SInter" => Some(Self {
                name: "IdiniEtAl2017SInter",
                slab: false,
            }),
            "IdiniEtAl2017SSlab" => Some(Self {
                name: "IdiniEtAl2017SSlab",
                slab: true,
            }),
            _ => None,
        }
    }
}

impl Gsim for IdiniEtAl2017 {
    fn name(&self) -> &str {
        self.name
    }

    fn requires(&self) -> Requirements {
        let rupture: &'static [RuptureParam] = if self.slab {
            &[RuptureParam::Mag, RuptureParam::HypoDepth]
        } else {
            &[RuptureParam::Mag]
        };
        Requirements {
            rupture,
            site: &[SiteParam::SoilType, SiteParam::Vs30],
            distance: &[DistanceParam::Rrup, DistanceParam::Rhypo],
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
        let [
            c1,
            c2,
            c9,
            c8,
            dc1,
            dc2,
            sigma_e,
            c3,
            c5,
            dc3,
            sigma_r,
            s2,
            s3,
            s4,
            s5,
            s6,
        ] = CoeffTable::get(
            &COEFFS,
            self.name,
            imt,
            [
                "c1", "c2", "c9", "c8", "dc1", "dc2", "sigma_e", "c3", "c5", "dc3", "sigma_r",
                "s2", "s3", "s4", "s5", "s6",
            ],
        )?;
        let tau_c = 10f64.powf(sigma_e).ln();
        let phi_c = 10f64.powf(sigma_r).ln();
        let sigma = (tau_c * tau_c + phi_c * phi_c).sqrt();
        for i in 0..n {
            let mag = ctx.mag[i];
            let spreading = c3 + C4 * (mag - MR);
            let (magnitude, distance) = if self.slab {
                let depth = c8 * (ctx.hypo_depth[i] - H0);
                let r = ctx.rhypo[i];
                (
                    c1 + c2 * mag + depth + dc1 + dc2 * mag,
                    (spreading + dc3) * r.log10() + c5 * r,
                )
            } else {
                let r = if mag < 7.7 { ctx.rhypo[i] } else { ctx.rrup[i] };
                let r0 = C6 * 10f64.powf(C7 * (mag - MR));
                (
                    c1 + c2 * mag + c9 * mag * mag,
                    spreading * (r + r0).log10() + c5 * r,
                )
            };
            // soil types II to VI (types are whole numbers)
            let soil = ctx.soiltype[i];
            let s = [s2, s3, s4, s5, s6]
                .into_iter()
                .zip(2..)
                .find(|&(_, t)| soil == f64::from(t))
                .map_or(0.0, |(s, _)| s);
            let site = s * (ctx.vs30[i] / VREF).log10();
            mean[i] = 10f64.powf(magnitude + distance + site).ln();
            sig[i] = sigma;
            tau[i] = tau_c;
            phi[i] = phi_c;
        }
        Ok(())
    }
}
