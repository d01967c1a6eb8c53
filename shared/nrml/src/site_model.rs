//! Site models (`siteModel`): sites with their soil parameters.

use std::collections::HashSet;

use crate::error::NodeResult;
use crate::origin::Origin;

/// A `siteModel`.
#[derive(Debug, Clone, PartialEq)]
pub struct SiteModel {
    pub sites: Vec<Site>,
    pub origin: Origin,
}

/// A `site`.
#[derive(Debug, Clone, PartialEq)]
pub struct Site {
    pub lon: f64,
    pub lat: f64,
    /// Average shear-wave velocity of the top 30 m, m/s: > 0, or -999 where the job sets it.
    pub vs30: f64,
    pub vs30_type: Option<Vs30Type>,
    /// Depth to Vs = 1.0 km/s, m: >= 0, or -999 for "let the GSIM estimate it".
    pub z1pt0: Option<f64>,
    /// Depth to Vs = 2.5 km/s, km: >= 0, or -999 for "let the GSIM estimate it".
    pub z2pt5: Option<f64>,
    /// Depth to Vs = 1.4 km/s, m: >= 0, or -999.
    pub z1pt4: Option<f64>,
    /// Other site parameters (one of [`OTHER_SITE_PARAMETERS`]), as written.
    pub other: Vec<(String, String)>,
    pub origin: Origin,
}

/// How `vs30` was obtained: `vs30Type="measured"`, or inferred (any other value, as
/// OpenQuake reads it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Vs30Type {
    Measured,
    Inferred,
}

/// Site parameters OpenQuake 3.26 accepts besides lon, lat, vs30, vs30Type, z1pt0, z2pt5 and
/// z1pt4.
pub const OTHER_SITE_PARAMETERS: &[&str] = &[
    "D50_15",
    "F_15",
    "Fs",
    "PHV",
    "THV",
    "T_15",
    "T_eq",
    "ampcode",
    "amplfactor",
    "backarc",
    "bas",
    "ch_ampl03",
    "ch_ampl06",
    "ch_phis2s03",
    "ch_phis2s06",
    "ch_phiss03",
    "ch_phiss06",
    "cohesion_mid",
    "crit_accel",
    "cti",
    "custom_site_id",
    "dc",
    "depth",
    "dr",
    "dry_density",
    "dw",
    "dwb",
    "ec8",
    "ec8_p18",
    "f0",
    "freeface_ratio",
    "friction_mid",
    "geohash",
    "geology",
    "gwd",
    "h800",
    "hratio",
    "hwater",
    "ilabel",
    "in_cshm",
    "kappa0",
    "landcover",
    "liq_susc_cat",
    "lithology",
    "precip",
    "region",
    "relief",
    "saturation",
    "sids",
    "siteclass",
    "slab_thickness",
    "slope",
    "soiltype",
    "tri",
    "tslope",
    "unit",
    "vs30measured",
    "xvf",
    "yield_acceleration",
    "z_sed",
    "zwb",
];

impl SiteModel {
    pub(crate) fn check(&self) -> NodeResult<()> {
        if self.sites.is_empty() {
            return Err(self.origin.error("the site model has no sites"));
        }
        // Coordinates compared to 1e-5 degrees (about 1 m), the precision OpenQuake keeps.
        let key = |x: f64| (x * 1e5).round() as i64;
        let mut seen = HashSet::new();
        for site in &self.sites {
            if !seen.insert((key(site.lon), key(site.lat))) {
                return Err(site.origin.error(format!(
                    "duplicated site at lon={} lat={}",
                    site.lon, site.lat
                )));
            }
        }
        Ok(())
    }
}
