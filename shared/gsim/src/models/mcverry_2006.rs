//! McVerry, Zhao, Abrahamson and Somerville (2006), "New Zealand acceleration response
//! spectrum attenuation relations for crustal and subduction zone earthquakes", Bulletin of
//! the New Zealand Society for Earthquake Engineering 39(1), 1-58: the models of crustal
//! events (`Asc`, and `Volc` for paths through the volcanic region, whose length is taken as
//! rrup), and of subduction interface and intraslab events, with the sites' New Zealand
//! classes (the `SC` models) or classes mapped from vs30 as OpenQuake's legacy models do
//! (A/B above 760 m/s, C from 360 m/s, D below).
//!
//! The motion on site class A/B (eq. 1 for crustal, eq. 2 for subduction events) takes the
//! class C or D term (eq. 4, nonlinear in the class A/B motion for class D); the spectrum
//! is then scaled by the ratio of the PGA of the original (unprimed) model to that of the
//! primed one (eq. 6). The greater of the two horizontal components.

use crate::coeffs::{CoeffTable, table};
use crate::{
    Component, Contexts, DistanceParam, Gsim, GsimError, Imt, ImtKind, Requirements, RuptureParam,
    SiteParam,
};

table!(
    /// The primed coefficients (table 3), those of the spectrum and of the primed PGA.
    COEFFS = "
    IMT      c1      c3as     c4as     c5      c6as     c8      c10as   c11     c12y     c13y     c15      c17     c18y    c19y     c20      c24      c29      c30as   c32      c33as    c43      c46
    pga     0.18130  0.00000 -0.14400 -0.00846 0.17000 -0.75519 5.60000 8.10697 1.41400  0.00000 -2.55200 -2.48795 1.78180 0.55400  0.01622 -0.41369 0.44307 -0.23000 0.20000  0.26000 -0.29648 -0.03301
    0.075   1.36561  0.03000 -0.14400 -0.00889 0.17000 -0.94568 5.58000 8.68782 1.41400  0.00000 -2.70700 -2.54215 1.78180 0.55400  0.01850 -0.48652 0.31139 -0.28000 0.20000  0.26000 -0.48366 -0.03452
    0.10    1.77717  0.02800 -0.14400 -0.00837 0.17000 -1.01852 5.50000 9.37929 1.41400 -0.00110 -2.65500 -2.60945 1.78180 0.55400  0.01740 -0.61973 0.34059 -0.28000 0.20000  0.26000 -0.43854 -0.03595
    0.20    1.39535 -0.01380 -0.14400 -0.00940 0.17000 -0.78199 5.10000 10.6148 1.41400 -0.00270 -2.52800 -2.70851 1.78180 0.55400  0.01542 -0.67672 0.37235 -0.24500 0.20000  0.26000 -0.29906 -0.03853
    0.30    0.44591 -0.03600 -0.14400 -0.00987 0.17000 -0.56098 4.80000 9.40776 1.41400 -0.00360 -2.45400 -2.47668 1.78180 0.55400  0.01278 -0.59339 0.56648 -0.19500 0.20000  0.19800 -0.05184 -0.03604
    0.40    0.01645 -0.05180 -0.14400 -0.00923 0.17000 -0.51281 4.52000 8.50343 1.41400 -0.00430 -2.40100 -2.36895 1.78180 0.55400  0.01426 -0.30579 0.69911 -0.16000 0.20000  0.15400  0.20301 -0.03364
    0.50    0.14826 -0.06350 -0.14400 -0.00823 0.17000 -0.56716 4.30000 8.46463 1.41400 -0.00480 -2.36000 -2.40630 1.78180 0.55400  0.01287 -0.24839 0.63188 -0.12100 0.20000  0.11900  0.37026 -0.03260
    0.75   -0.21246 -0.08620 -0.14400 -0.00738 0.17000 -0.55384 3.90000 7.30176 1.41400 -0.00570 -2.28600 -2.26512 1.78180 0.55400  0.01080 -0.01298 0.51577 -0.05000 0.20000  0.05700  0.73517 -0.02877
    1.00   -0.10451 -0.10200 -0.14400 -0.00588 0.17000 -0.65892 3.70000 7.08727 1.41400 -0.00640 -2.23400 -2.27668 1.78180 0.55400  0.00946  0.06672 0.34048  0.00000 0.20000  0.01300  0.87764 -0.02561
    1.50   -0.48665 -0.12000 -0.14400 -0.00630 0.17000 -0.58222 3.55000 6.93264 1.41400 -0.00730 -2.16000 -2.28347 1.78180 0.55400  0.00788 -0.02289 0.12468  0.04000 0.20000 -0.04900  0.75438 -0.02034
    2.00   -0.77433 -0.12000 -0.14400 -0.00630 0.17000 -0.58222 3.55000 6.64496 1.41400 -0.00730 -2.16000 -2.28347 1.78180 0.55400  0.00788 -0.02289 0.12468  0.04000 0.20000 -0.04900  0.75438 -0.02034
    3.00   -1.30916 -0.17260 -0.14400 -0.00553 0.17000 -0.57009 3.50000 5.05488 1.41400 -0.00890 -2.03300 -2.03050 1.78180 0.55400 -0.00265 -0.20537 0.14593  0.04000 0.20000 -0.15600  0.61545 -0.01673
"
);

table!(
    /// The PGA coefficients of the original (unprimed) model (table 3).
    UNPRIMED_PGA = "
    IMT      c1      c3as     c4as     c5      c6as     c8      c10as   c11     c12y     c13y     c15      c17     c18y    c19y     c20      c24      c29      c30as   c32      c33as    c43      c46
    pga     0.28815  0.00000 -0.14400 -0.00967 0.17000 -0.70494 5.60000 8.68354 1.41400  0.00000 -2.55200 -2.56727 1.78180 0.55400  0.01550 -0.50962 0.30206 -0.23000 0.20000  0.26000 -0.31769 -0.03279
"
);

table!(
    /// Standard deviations (table 4): the intra-event sigma at Mw 6 and its slope, tau.
    COEFFS_STD = "
    IMT    sigmaM6 sigSlope tau
    pga    0.4865 -0.1261   0.2687
    0.075  0.5281  -0.0970   0.3217
    0.10   0.5398  -0.0673   0.3088
    0.20   0.5703  -0.0243   0.2726
    0.30   0.5505  -0.0861   0.2112
    0.40   0.5627  -0.1405   0.2005
    0.50   0.5680  -0.1444   0.1476
    0.75   0.5562  -0.0932   0.1794
    1.00   0.5629  -0.0749   0.2053
    1.50   0.5394  -0.0056   0.2411
    2.00   0.5394  -0.0056   0.2411
    3.00   0.5701   0.0934   0.2406
"
);

/// The coefficient names, in the order of [`Coeffs`].
const NAMES: [&str; 22] = [
    "c1", "c3as", "c4as", "c5", "c6as", "c8", "c10as", "c11", "c12y", "c13y", "c15", "c17", "c18y",
    "c19y", "c20", "c24", "c29", "c30as", "c32", "c33as", "c43", "c46",
];

/// The event type of a model.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// Crustal events.
    Crustal,
    /// Crustal events with volcanic paths (of length rrup).
    Volcanic,
    /// Subduction interface events.
    Interface,
    /// Subduction intraslab events.
    Slab,
}

/// A model of the family.
#[derive(Debug, Clone)]
pub struct McVerry2006 {
    name: &'static str,
    kind: Kind,
    /// Whether the site classes are the sites' own (`siteclass`) rather than from vs30.
    site_class: bool,
}

/// The models by OpenQuake name, and whether they read the sites' classes.
const MODELS: [(&str, Kind, bool); 8] = [
    ("McVerry2006Asc", Kind::Crustal, false),
    ("McVerry2006Volc", Kind::Volcanic, false),
    ("McVerry2006SInter", Kind::Interface, false),
    ("McVerry2006SSlab", Kind::Slab, false),
    ("McVerry2006AscSC", Kind::Crustal, true),
    ("McVerry2006VolcSC", Kind::Volcanic, true),
    ("McVerry2006SInterSC", Kind::Interface, true),
    ("McVerry2006SSlabSC", Kind::Slab, true),
];

impl McVerry2006 {
    /// The model of the family that OpenQuake calls `name`.
    pub fn by_name(name: &str) -> Option<Self> {
        let &(name, kind, site_class) = MODELS.iter().find(|m| m.0 == name)?;
        Some(Self {
            name,
            kind,
            site_class,
        })
    }
}

/// One row of [`COEFFS`] or [`UNPRIMED_PGA`].
struct Coeffs([f64; 22]);

impl Coeffs {
    fn of(table: &'static crate::coeffs::Table, name: &str, imt: &Imt) -> Result<Self, GsimError> {
        CoeffTable::get(table, name, imt, NAMES).map(Coeffs)
    }

    /// ln of the motion on site classes A to D (eq. 1 or 2, then eq. 4) of context `i`,
    /// whose class flags are `(s, delta_c, delta_d)`.
    fn ln_motion(&self, kind: Kind, ctx: &Contexts, i: usize, site: (f64, f64, f64)) -> f64 {
        let [
            c1,
            c3as,
            c4as,
            c5,
            c6as,
            c8,
            c10as,
            c11,
            c12y,
            c13y,
            c15,
            c17,
            c18y,
            c19y,
            c20,
            c24,
            c29,
            c30as,
            c32,
            c33as,
            c43,
            c46,
        ] = self.0;
        let (mag, rrup) = (ctx.mag[i], ctx.rrup[i]);
        let rock = match kind {
            Kind::Crustal | Kind::Volcanic => {
                let rake = ctx.rake[i];
                // normal; reverse, and reverse-oblique
                let cn = if rake > -147.0 && rake < -33.0 {
                    -1.0
                } else {
                    0.0
                };
                let cr = if rake > 67.0 && rake < 123.0 {
                    1.0
                } else if rake > 33.0 && rake < 66.0 {
                    0.5
                } else {
                    0.0
                };
                let rvol = if kind == Kind::Volcanic { rrup } else { 0.0 };
                c1 + c4as * (mag - 6.0)
                    + c3as * (8.5 - mag).powi(2)
                    + c5 * rrup
                    + (c8 + c6as * (mag - 6.0)) * (rrup * rrup + c10as * c10as).sqrt().ln()
                    + c46 * rvol
                    + c32 * cn
                    + c33as * cr
            }
            Kind::Interface | Kind::Slab => {
                let si = if kind == Kind::Interface { 1.0 } else { 0.0 };
                c11 + (c12y + (c15 - c17) * c19y) * (mag - 6.0)
                    + c13y * (10.0 - mag).powi(3)
                    + c17 * (rrup + c18y * (c19y * mag).exp()).ln()
                    + c20 * ctx.hypo_depth[i]
                    + c24 * si
            }
        };
        let (s, delta_c, delta_d) = site;
        rock + s * (c29 * delta_c + (c30as * (rock.exp() + 0.03).ln() + c43) * delta_d)
    }
}

fn flag(b: bool) -> f64 {
    f64::from(u8::from(b))
}

/// The site flags of `vs30`: soil (S, classes C and D), class C, class D.
fn flags_of_vs30(vs30: f64) -> (f64, f64, f64) {
    (
        flag(vs30 <= 760.0),
        flag((360.0..760.0).contains(&vs30)),
        flag(vs30 < 360.0),
    )
}

/// The site flags of a site class: soil (S, classes C and D), class C, class D (A and B
/// are rock; E, which the model does not cover, takes no site term).
fn flags_of_class(class: u8) -> (f64, f64, f64) {
    let (c, d) = (class == b'C', class == b'D');
    (flag(c || d), flag(c), flag(d))
}

impl Gsim for McVerry2006 {
    fn name(&self) -> &str {
        self.name
    }

    fn requires(&self) -> Requirements {
        Requirements {
            rupture: &[
                RuptureParam::Mag,
                RuptureParam::Rake,
                RuptureParam::HypoDepth,
            ],
            site: if self.site_class {
                &[SiteParam::SiteClass]
            } else {
                &[SiteParam::Vs30]
            },
            distance: &[DistanceParam::Rrup],
        }
    }

    fn supported_imts(&self) -> &'static [ImtKind] {
        &[ImtKind::Pga, ImtKind::Sa]
    }

    fn component(&self) -> Component {
        Component::GreaterOfTwoHorizontal
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
        let primed_pga = Coeffs::of(&COEFFS, self.name, &Imt::Pga)?;
        let unprimed_pga = Coeffs::of(&UNPRIMED_PGA, self.name, &Imt::Pga)?;
        let coeffs = Coeffs::of(&COEFFS, self.name, imt)?;
        let [sigma_m6, slope, tau_c] =
            CoeffTable::get(&COEFFS_STD, self.name, imt, ["sigmaM6", "sigSlope", "tau"])?;
        for i in 0..n {
            let site = if self.site_class {
                flags_of_class(ctx.siteclass[i])
            } else {
                flags_of_vs30(ctx.vs30[i])
            };
            let motion = |c: &Coeffs| c.ln_motion(self.kind, ctx, i, site);
            // eq. 6: the spectrum scaled by the ratio of the unprimed to the primed PGA
            mean[i] = (motion(&coeffs).exp()
                * (motion(&unprimed_pga).exp() / motion(&primed_pga).exp()))
            .ln();
            // eq. 8: the intra-event sigma, linear in magnitude from 5 to 7
            let mag = ctx.mag[i];
            let intra = if mag < 5.0 {
                sigma_m6 - slope
            } else if mag >= 7.0 {
                sigma_m6 + slope
            } else {
                sigma_m6 + slope * (mag - 6.0)
            };
            sig[i] = (intra * intra + tau_c * tau_c).sqrt();
            tau[i] = tau_c;
            phi[i] = intra;
        }
        Ok(())
    }
}
