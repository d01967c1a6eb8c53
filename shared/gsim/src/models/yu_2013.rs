//! Yu, Wang, Chen, Zhou, Wang, Zhou and Li (2013), "Elliptical attenuation
//! relationships of ground motion in China" (the relations of the 2015 Chinese
//! seismic hazard maps), for four regions, in surface-wave magnitude Ms or, through
//! the conversion of Cheng et al. (2017), in moment magnitude.
//!
//! Ground motion attenuates along two axes: the long axis (distance `ra`, along
//! the strike) and the short axis (`rb`). For a site at epicentral distance `repi`
//! and azimuth θ from the strike, `ra` is the semi-axis of the iso-intensity ellipse
//! through the site: `ra·rb / sqrt(ra² sin²θ + rb² cos²θ) = repi`, where `rb` is the
//! short-axis distance giving the same motion as `ra` on the long axis. The ln
//! motion is then interpolated on the ellipse between the two axes' predictions
//! (with a fixed 15 km depth). PGA and PGV only; total sigma only.

use crate::coeffs::{CoeffTable, Table, table};
use crate::{Contexts, DistanceParam, Gsim, GsimError, Imt, ImtKind, Requirements, RuptureParam};

/// Standard gravity, m/s².
const G: f64 = 9.80665;
/// Magnitude above which the large-magnitude coefficients apply.
const MAG_SPLIT: f64 = 6.5;
/// Square of the fixed focal depth (15 km) added to the axis distances.
const DEPTH2: f64 = 225.0;

/// Coefficient names: long axis (a..e; ua..ue above Ms 6.5), short axis (ma..me;
/// ia..ie above Ms 6.5), sigma. Motions in ln(cm/s²) and ln(cm/s).
const NAMES: [&str; 21] = [
    "a", "b", "c", "d", "e", "ua", "ub", "uc", "ud", "ue", "ma", "mb", "mc", "md", "me", "ia",
    "ib", "ic", "id", "ie", "sigma",
];

table!(
    /// Active shallow crust of China (the default region).
    COEFFS_ACTIVE = "
    IMT a b c d e ua ub uc ud ue ma mb mc md me ia ib ic id ie sigma
    PGA 4.1193 1.656 -2.389 1.772 0.424 7.8269 1.0856 -2.389 1.772 0.424 2.2609 1.6399 -2.118 0.825 0.465 6.003 1.0649 -2.118 0.825 0.465 0.5428
    PGV -1.2581 1.932 -2.181 1.772 0.424 3.013 1.2742 -2.181 1.772 0.424 -3.1073 1.9389 -1.945 0.825 0.465 1.3087 1.2627 -1.945 0.825 0.465 0.6233
"
);

table!(
    /// Tibetan plateau.
    COEFFS_TIBET = "
    IMT a b c d e ua ub uc ud ue ma mb mc md me ia ib ic id ie sigma
    PGA 5.4901 1.4835 -2.416 2.647 0.366 8.7561 0.9453 -2.416 2.647 0.366 2.3069 1.4007 -1.854 0.612 0.457 5.6511 0.8924 -1.854 0.612 0.457 0.5428
    PGV -0.1472 1.7618 -2.205 2.647 0.366 3.9422 1.1293 -2.205 2.647 0.366 -2.9923 1.7043 -1.696 0.612 0.457 1.0189 1.0902 -1.696 0.612 0.457 0.6233
"
);

table!(
    /// Eastern China.
    COEFFS_EASTERN = "
    IMT a b c d e ua ub uc ud ue ma mb mc md me ia ib ic id ie sigma
    PGA 4.5517 1.5433 -2.315 2.088 0.399 8.1259 0.9936 -2.315 2.088 0.399 2.7048 1.518 -2.004 0.944 0.447 6.3319 0.9614 -2.004 0.944 0.447 0.5428
    PGV -0.8349 1.8193 -2.103 2.088 0.399 3.3051 1.1799 -2.103 2.088 0.399 -2.6381 1.8124 -1.825 0.944 0.447 1.6376 1.1546 -1.825 0.944 0.447 0.6233
"
);

table!(
    /// Stable China.
    COEFFS_STABLE = "
    IMT a b c d e ua ub uc ud ue ma mb mc md me ia ib ic id ie sigma
    PGA 5.5591 1.1454 -2.079 2.802 0.295 8.5238 0.6854 -2.079 2.802 0.295 3.9445 1.0833 -1.723 1.295 0.331 6.187 0.7383 -1.723 1.295 0.331 0.5428
    PGV 0.2139 1.4283 -1.889 2.802 0.295 3.772 0.8786 -1.889 2.802 0.295 -1.3547 1.3823 -1.559 1.295 0.331 1.5433 0.9361 -1.559 1.295 0.331 0.6233
"
);

/// The region whose coefficients a model uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Region {
    /// Active shallow crust.
    Active,
    /// Tibetan plateau.
    Tibet,
    /// Eastern China.
    Eastern,
    /// Stable China.
    Stable,
}

/// One model of the family: a region, in Ms or in Mw.
#[derive(Debug, Clone, Copy)]
pub struct YuEtAl2013 {
    name: &'static str,
    region: Region,
    /// Whether the context magnitudes are Mw, converted to Ms first.
    moment_magnitude: bool,
}

impl YuEtAl2013 {
    /// The models by OpenQuake name (`YuEtAl2013Ms`, `YuEtAl2013MwTibet`, ...).
    pub const ALL: [YuEtAl2013; 8] = [
        Self::new("YuEtAl2013Ms", Region::Active, false),
        Self::new("YuEtAl2013MsTibet", Region::Tibet, false),
        Self::new("YuEtAl2013MsEastern", Region::Eastern, false),
        Self::new("YuEtAl2013MsStable", Region::Stable, false),
        Self::new("YuEtAl2013Mw", Region::Active, true),
        Self::new("YuEtAl2013MwTibet", Region::Tibet, true),
        Self::new("YuEtAl2013MwEastern", Region::Eastern, true),
        Self::new("YuEtAl2013MwStable", Region::Stable, true),
    ];

    const fn new(name: &'static str, region: Region, moment_magnitude: bool) -> Self {
        Self {
            name,
            region,
            moment_magnitude,
        }
    }

    /// The model called `name`.
    pub fn by_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|m| m.name == name)
    }

    fn table(&self) -> &'static Table {
        match self.region {
            Region::Active => &COEFFS_ACTIVE,
            Region::Tibet => &COEFFS_TIBET,
            Region::Eastern => &COEFFS_EASTERN,
            Region::Stable => &COEFFS_STABLE,
        }
    }
}

/// The coefficients of one axis at one magnitude: `a + b·M + c·ln(r + d·exp(e·M))`.
#[derive(Debug, Clone, Copy)]
struct Axis {
    a: f64,
    b: f64,
    c: f64,
    d: f64,
    e: f64,
}

impl Axis {
    fn motion(&self, mag: f64, r: f64) -> f64 {
        self.a + self.b * mag + self.c * (r + self.d * (self.e * mag).exp()).ln()
    }
}

/// Long and short axes at magnitude `mag` (Ms).
fn axes(k: &[f64; 21], mag: f64) -> (Axis, Axis) {
    let at = |i: usize| Axis {
        a: k[i],
        b: k[i + 1],
        c: k[i + 2],
        d: k[i + 3],
        e: k[i + 4],
    };
    if mag > MAG_SPLIT {
        (at(5), at(15))
    } else {
        (at(0), at(10))
    }
}

/// The short-axis distance with the motion of long-axis distance `ra`.
fn short_axis(long: &Axis, short: &Axis, mag: f64, ra: f64) -> f64 {
    ((long.motion(mag, ra) - short.a - short.b * mag) / short.c).exp()
        - short.d * (short.e * mag).exp()
}

/// The long-axis distance of the ellipse through a site at `repi` and azimuth
/// `theta` (degrees): bisection from 200 km in halving steps of 100 km, until the
/// ellipse misses the site by at most 1 m or the step falls below 1 m.
fn long_axis(long: &Axis, short: &Axis, mag: f64, repi: f64, theta: f64) -> f64 {
    let (sin, cos) = theta.to_radians().sin_cos();
    let miss = |ra: f64| {
        let rb = short_axis(long, short, mag, ra);
        ra * rb / (ra * ra * (sin * sin) + rb * rb * (cos * cos)).sqrt() - repi
    };
    let mut step = 100.0;
    let mut ra = 200.0;
    let mut dff = miss(ra);
    while dff.abs() > 1e-3 {
        ra = if dff > 0.0 { ra - step } else { ra + step };
        dff = miss(ra);
        step /= 2.0;
        if step < 1e-3 {
            break;
        }
    }
    ra
}

impl Gsim for YuEtAl2013 {
    fn component(&self) -> crate::Component {
        crate::Component::GeometricMean
    }

    fn name(&self) -> &str {
        self.name
    }

    fn has_between_event_std(&self) -> bool {
        false
    }

    fn requires(&self) -> Requirements {
        Requirements {
            rupture: &[RuptureParam::Mag],
            site: &[],
            distance: &[DistanceParam::Repi, DistanceParam::Azimuth],
        }
    }

    fn supported_imts(&self) -> &'static [ImtKind] {
        &[ImtKind::Pga, ImtKind::Pgv]
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
        let k = CoeffTable::get(self.table(), self.name, imt, NAMES)?;
        for i in 0..mean.len() {
            let mag = if !self.moment_magnitude {
                ctx.mag[i]
            } else if ctx.mag[i] < 6.58 {
                (ctx.mag[i] - 0.59) / 0.86
            } else {
                (ctx.mag[i] + 2.42) / 1.28
            };
            let theta = ctx.azimuth[i];
            let (long, short) = axes(&k, mag);
            let ra = long_axis(&long, &short, mag, ctx.repi[i], theta);
            let rb = short_axis(&long, &short, mag, ra);
            let m1 = long.motion(mag, (ra * ra + DEPTH2).sqrt());
            let m2 = short.motion(mag, (rb * rb + DEPTH2).sqrt());
            let (sin, cos) = theta.to_radians().sin_cos();
            let m = m1 * m2 / ((m1 * sin).powi(2) + (m2 * cos).powi(2)).sqrt();
            mean[i] = match imt {
                // cm/s² to g
                Imt::Pga => (m.exp() / G / 100.0).ln(),
                _ => m,
            };
            sig[i] = k[20];
            tau[i] = 0.0;
            phi[i] = 0.0;
        }
        Ok(())
    }
}
