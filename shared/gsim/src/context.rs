//! Column-wise contexts: one entry per (rupture, site) pair.

use std::sync::{Arc, Mutex};

use crate::GsimError;

/// A rupture parameter a GSIM may require.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RuptureParam {
    /// Moment magnitude.
    Mag,
    /// Rake angle, degrees.
    Rake,
    /// Dip angle, degrees.
    Dip,
    /// Depth to the top of rupture, km.
    Ztor,
    /// Down-dip rupture width, km.
    Width,
    /// Hypocentral depth, km.
    HypoDepth,
    /// Hypocentral longitude, degrees.
    HypoLon,
    /// Hypocentral latitude, degrees.
    HypoLat,
}

/// A site parameter a GSIM may require.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SiteParam {
    /// Time-averaged shear-wave velocity of the top 30 m, m/s.
    Vs30,
    /// Whether vs30 was measured (true) or inferred (false).
    Vs30Measured,
    /// Depth to the 1.0 km/s shear-wave velocity horizon, m (-999: unknown).
    Z1pt0,
    /// Depth to the 2.5 km/s shear-wave velocity horizon, km.
    Z2pt5,
    /// Sediment depth of the Atlantic and Gulf coastal plains, km (-999: unknown).
    ZSed,
    /// Depth to the 1.4 km/s shear-wave velocity horizon, m.
    Z1pt4,
    /// Site longitude, degrees.
    Lon,
    /// Site latitude, degrees.
    Lat,
    /// Whether the site is in a basin (the Po Plain for Lanzano et al. 2016).
    Bas,
    /// Whether the site is on the backarc side of a subduction zone (OpenQuake's
    /// `backarc`, whose along-arc code 2 counts as backarc); false by default.
    Backarc,
    /// The site's soil type, a whole number (Idini et al. 2017: I, rock, to VI).
    SoilType,
    /// The site's class, one ASCII letter (New Zealand classes A to E for McVerry et al.
    /// 2006).
    SiteClass,
}

/// A source-to-site distance a GSIM may require (all in km).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DistanceParam {
    /// Closest distance to the rupture.
    Rrup,
    /// Joyner-Boore distance (to the surface projection of the rupture).
    Rjb,
    /// Horizontal distance perpendicular to the strike (positive on the hanging wall).
    Rx,
    /// Horizontal distance off the end of the rupture, parallel to the strike.
    Ry0,
    /// Hypocentral distance.
    Rhypo,
    /// Epicentral distance.
    Repi,
    /// Azimuth of the site from the rupture (degrees clockwise from the strike, in
    /// `[0, 360)`), as OpenQuake's `azimuth`.
    Azimuth,
    /// Length of the straight path from the site to the closest point of the rupture
    /// that lies in volcanic zones, km (0 when the job defines none).
    Rvolc,
}

impl RuptureParam {
    /// The name OpenQuake uses for this parameter.
    pub fn name(self) -> &'static str {
        match self {
            Self::Mag => "mag",
            Self::Rake => "rake",
            Self::Dip => "dip",
            Self::Ztor => "ztor",
            Self::Width => "width",
            Self::HypoDepth => "hypo_depth",
            Self::HypoLon => "hypo_lon",
            Self::HypoLat => "hypo_lat",
        }
    }
}

impl SiteParam {
    /// The name OpenQuake uses for this parameter.
    pub fn name(self) -> &'static str {
        match self {
            Self::Vs30 => "vs30",
            Self::Vs30Measured => "vs30measured",
            Self::Z1pt0 => "z1pt0",
            Self::Z2pt5 => "z2pt5",
            Self::ZSed => "z_sed",
            Self::Z1pt4 => "z1pt4",
            Self::Lon => "lon",
            Self::Lat => "lat",
            Self::Bas => "bas",
            Self::Backarc => "backarc",
            Self::SoilType => "soiltype",
            Self::SiteClass => "siteclass",
        }
    }
}

impl DistanceParam {
    /// The name OpenQuake uses for this distance.
    pub fn name(self) -> &'static str {
        match self {
            Self::Rrup => "rrup",
            Self::Rjb => "rjb",
            Self::Rx => "rx",
            Self::Ry0 => "ry0",
            Self::Rhypo => "rhypo",
            Self::Repi => "repi",
            Self::Azimuth => "azimuth",
            Self::Rvolc => "rvolc",
        }
    }
}

/// The context columns a GSIM reads; the engine needs to fill only these.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Requirements {
    /// Required rupture parameters.
    pub rupture: &'static [RuptureParam],
    /// Required site parameters.
    pub site: &'static [SiteParam],
    /// Required distances.
    pub distance: &'static [DistanceParam],
}

/// Contexts stored column-wise: entry `i` of every filled column belongs to the
/// same (rupture, site) pair. Columns a GSIM does not require may stay empty;
/// required ones must all have [`Contexts::len`] entries.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Contexts {
    /// Moment magnitude.
    pub mag: Vec<f64>,
    /// Rake, degrees.
    pub rake: Vec<f64>,
    /// Dip, degrees.
    pub dip: Vec<f64>,
    /// Depth to top of rupture, km.
    pub ztor: Vec<f64>,
    /// Rupture width, km.
    pub width: Vec<f64>,
    /// Hypocentral depth, km.
    pub hypo_depth: Vec<f64>,
    /// Hypocentral longitude, degrees.
    pub hypo_lon: Vec<f64>,
    /// Hypocentral latitude, degrees.
    pub hypo_lat: Vec<f64>,
    /// Vs30, m/s.
    pub vs30: Vec<f64>,
    /// Whether vs30 was measured.
    pub vs30measured: Vec<bool>,
    /// Z1.0, m (-999 means unknown; models then use their own default).
    pub z1pt0: Vec<f64>,
    /// Z2.5, km.
    pub z2pt5: Vec<f64>,
    /// Coastal plains sediment depth, km.
    pub z_sed: Vec<f64>,
    /// Z1.4, m.
    pub z1pt4: Vec<f64>,
    /// Site longitude, degrees.
    pub lon: Vec<f64>,
    /// Site latitude, degrees.
    pub lat: Vec<f64>,
    /// Whether the site is in a basin.
    pub bas: Vec<bool>,
    /// Whether the site is on the backarc side.
    pub backarc: Vec<bool>,
    /// Soil type (a whole number).
    pub soiltype: Vec<f64>,
    /// Site class (an ASCII letter).
    pub siteclass: Vec<u8>,
    /// Rupture distance, km.
    pub rrup: Vec<f64>,
    /// Joyner-Boore distance, km.
    pub rjb: Vec<f64>,
    /// Rx, km.
    pub rx: Vec<f64>,
    /// Ry0, km.
    pub ry0: Vec<f64>,
    /// Hypocentral distance, km.
    pub rhypo: Vec<f64>,
    /// Epicentral distance, km.
    pub repi: Vec<f64>,
    /// Azimuth relative to the strike, degrees.
    pub azimuth: Vec<f64>,
    /// Path length in volcanic zones, km.
    pub rvolc: Vec<f64>,
    /// Columns computed from these once for every IMT ([`Contexts::derived`]).
    pub derived: Derived,
}

/// Columns a GSIM computes from the contexts' columns and reads for every IMT (the motion on
/// rock its site term of every IMT depends on), kept by name with the contexts.
///
/// Invariant: a derived column is computed from the columns as they are when first asked
/// for; whoever changes the columns afterwards clears it ([`Contexts::clear`] does). A
/// clone starts without derived columns, so a copy with other columns computes its own.
#[derive(Debug, Default)]
pub struct Derived(Mutex<Vec<NamedColumn>>);

/// A derived column, its name and the parameter it was computed for.
type NamedColumn = ((&'static str, u64), Arc<[f64]>);

impl Clone for Derived {
    fn clone(&self) -> Self {
        Derived::default()
    }
}

impl PartialEq for Derived {
    /// Derived columns follow from the others: they do not make contexts differ.
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

impl Contexts {
    /// The column named `name`, computed by `compute` on the first request and kept until
    /// [`Contexts::clear`]: the name says what is computed, with which coefficients (e.g.
    /// `"BooreAtkinson2008: ln PGA on rock"`), the same name always the same computation.
    pub fn derived(
        &self,
        name: &'static str,
        compute: impl FnOnce(&Contexts) -> Vec<f64>,
    ) -> Arc<[f64]> {
        self.derived_for(name, 0.0, compute)
    }

    /// [`Contexts::derived`] for one value of a parameter (a coefficient): the column
    /// named `name` computed for `parameter`, e.g. `ln √(rjb² + h²)` for each `h` a model's
    /// IMTs share.
    pub fn derived_for(
        &self,
        name: &'static str,
        parameter: f64,
        compute: impl FnOnce(&Contexts) -> Vec<f64>,
    ) -> Arc<[f64]> {
        let key = (name, parameter.to_bits());
        let known = |columns: &[NamedColumn]| {
            columns
                .iter()
                .find(|(k, _)| *k == key)
                .map(|(_, c)| Arc::clone(c))
        };
        let lock = || {
            self.derived
                .0
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner())
        };
        if let Some(column) = known(&lock()) {
            return column;
        }
        // computed unlocked: `compute` may ask for other derived columns
        let column: Arc<[f64]> = compute(self).into();
        let mut columns = lock();
        match known(&columns) {
            Some(column) => column,
            None => {
                columns.push((key, Arc::clone(&column)));
                column
            }
        }
    }

    /// Empties every column, derived ones included, keeping their allocations.
    pub fn clear(&mut self) {
        for column in [
            &mut self.mag,
            &mut self.rake,
            &mut self.dip,
            &mut self.ztor,
            &mut self.width,
            &mut self.hypo_depth,
            &mut self.hypo_lon,
            &mut self.hypo_lat,
            &mut self.vs30,
            &mut self.z1pt0,
            &mut self.z2pt5,
            &mut self.z_sed,
            &mut self.z1pt4,
            &mut self.lon,
            &mut self.lat,
            &mut self.soiltype,
            &mut self.rrup,
            &mut self.rjb,
            &mut self.rx,
            &mut self.ry0,
            &mut self.rhypo,
            &mut self.repi,
            &mut self.azimuth,
            &mut self.rvolc,
        ] {
            column.clear();
        }
        self.vs30measured.clear();
        self.bas.clear();
        self.backarc.clear();
        self.siteclass.clear();
        self.derived
            .0
            .get_mut()
            .unwrap_or_else(|p| p.into_inner())
            .clear();
    }

    /// The number of (rupture, site) pairs: the length of the longest column.
    pub fn len(&self) -> usize {
        [
            self.mag.len(),
            self.rake.len(),
            self.dip.len(),
            self.ztor.len(),
            self.width.len(),
            self.hypo_depth.len(),
            self.hypo_lon.len(),
            self.hypo_lat.len(),
            self.vs30.len(),
            self.vs30measured.len(),
            self.z1pt0.len(),
            self.z2pt5.len(),
            self.z_sed.len(),
            self.z1pt4.len(),
            self.lon.len(),
            self.lat.len(),
            self.bas.len(),
            self.backarc.len(),
            self.soiltype.len(),
            self.siteclass.len(),
            self.rrup.len(),
            self.rjb.len(),
            self.rx.len(),
            self.ry0.len(),
            self.rhypo.len(),
            self.repi.len(),
            self.azimuth.len(),
            self.rvolc.len(),
        ]
        .into_iter()
        .max()
        .unwrap_or(0)
    }

    /// True when there are no contexts.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The column of a rupture parameter.
    pub fn rupture(&self, p: RuptureParam) -> &[f64] {
        match p {
            RuptureParam::Mag => &self.mag,
            RuptureParam::Rake => &self.rake,
            RuptureParam::Dip => &self.dip,
            RuptureParam::Ztor => &self.ztor,
            RuptureParam::Width => &self.width,
            RuptureParam::HypoDepth => &self.hypo_depth,
            RuptureParam::HypoLon => &self.hypo_lon,
            RuptureParam::HypoLat => &self.hypo_lat,
        }
    }

    /// The column of a distance.
    pub fn distance(&self, p: DistanceParam) -> &[f64] {
        match p {
            DistanceParam::Rrup => &self.rrup,
            DistanceParam::Rjb => &self.rjb,
            DistanceParam::Rx => &self.rx,
            DistanceParam::Ry0 => &self.ry0,
            DistanceParam::Rhypo => &self.rhypo,
            DistanceParam::Repi => &self.repi,
            DistanceParam::Azimuth => &self.azimuth,
            DistanceParam::Rvolc => &self.rvolc,
        }
    }

    fn site_len(&self, p: SiteParam) -> usize {
        match p {
            SiteParam::Vs30 => self.vs30.len(),
            SiteParam::Vs30Measured => self.vs30measured.len(),
            SiteParam::Z1pt0 => self.z1pt0.len(),
            SiteParam::Z2pt5 => self.z2pt5.len(),
            SiteParam::ZSed => self.z_sed.len(),
            SiteParam::Z1pt4 => self.z1pt4.len(),
            SiteParam::Lon => self.lon.len(),
            SiteParam::Lat => self.lat.len(),
            SiteParam::Bas => self.bas.len(),
            SiteParam::Backarc => self.backarc.len(),
            SiteParam::SoilType => self.soiltype.len(),
            SiteParam::SiteClass => self.siteclass.len(),
        }
    }

    /// Checks that every column in `req` and every output slice has
    /// [`Contexts::len`] entries.
    pub fn check(&self, req: &Requirements, outputs: [usize; 4]) -> Result<usize, GsimError> {
        let n = self.len();
        let bad = |column: &str, found: usize| GsimError::ColumnLength {
            column: column.to_string(),
            expected: n,
            found,
        };
        for p in req.rupture {
            let found = self.rupture(*p).len();
            if found != n {
                return Err(bad(p.name(), found));
            }
        }
        for p in req.site {
            let found = self.site_len(*p);
            if found != n {
                return Err(bad(p.name(), found));
            }
        }
        for p in req.distance {
            let found = self.distance(*p).len();
            if found != n {
                return Err(bad(p.name(), found));
            }
        }
        for (name, found) in ["mean", "sig_total", "sig_inter", "sig_intra"]
            .into_iter()
            .zip(outputs)
        {
            if found != n {
                return Err(bad(name, found));
            }
        }
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn derived_columns_are_computed_once_until_cleared() {
        let mut ctx = Contexts {
            mag: vec![5.0, 6.0],
            ..Default::default()
        };
        let calls = std::cell::Cell::new(0);
        let doubled = |ctx: &Contexts| {
            calls.set(calls.get() + 1);
            ctx.mag.iter().map(|m| 2.0 * m).collect()
        };
        assert_eq!(&ctx.derived("2 mag", doubled)[..], [10.0, 12.0]);
        assert_eq!(&ctx.derived("2 mag", doubled)[..], [10.0, 12.0]);
        assert_eq!(calls.get(), 1);
        // a clone computes its own
        let mut copy = ctx.clone();
        copy.mag[0] = 7.0;
        assert_eq!(&copy.derived("2 mag", doubled)[..], [14.0, 12.0]);
        assert_eq!(calls.get(), 2);
        ctx.clear();
        ctx.mag.push(4.0);
        assert_eq!(&ctx.derived("2 mag", doubled)[..], [8.0]);
        assert_eq!(calls.get(), 3);
        assert!(ctx.rjb.is_empty() && ctx.len() == 1);
    }
}
