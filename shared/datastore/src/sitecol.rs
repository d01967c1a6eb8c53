//! The site collection stored in `sitecol`.

use crate::raw::{DType, RawArray};

/// `__pyclass__` of the `sitecol` group.
pub(crate) const PYCLASS: &str = "openquake.hazardlib.site.SiteCollection";

/// The sites of a calculation, one entry per site in every column.
///
/// Column names and types are OpenQuake's (`site_param_dt`); the ones not modelled as fields
/// (`backarc`, `custom_site_id`, `xvf`, ...) are kept in `extra`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct SiteCollection {
    /// Site ids (u4), 0..N.
    pub sids: Vec<u32>,
    /// Longitudes.
    pub lon: Vec<f64>,
    /// Latitudes.
    pub lat: Vec<f64>,
    /// Depths in km (negative above sea level).
    pub depth: Vec<f64>,
    /// Vs30 in m/s.
    pub vs30: Vec<f64>,
    /// Whether vs30 was measured.
    pub vs30measured: Vec<bool>,
    /// Depth to Vs=1.0 km/s in m, when the GSIMs need it.
    pub z1pt0: Option<Vec<f64>>,
    /// Depth to Vs=2.5 km/s in km, when the GSIMs need it.
    pub z2pt5: Option<Vec<f64>>,
    /// Depth to Vs=1.4 km/s in m, when the GSIMs need it.
    pub z1pt4: Option<Vec<f64>>,
    /// Other columns, by name, as stored (1-D, one value per site).
    pub extra: Vec<(String, RawArray)>,
}

fn f64_column(v: &[f64]) -> RawArray {
    RawArray {
        dtype: DType::Float(8),
        shape: vec![v.len()],
        data: v.iter().flat_map(|x| x.to_le_bytes()).collect(),
    }
}

impl SiteCollection {
    /// Number of sites.
    pub fn len(&self) -> usize {
        self.sids.len()
    }

    /// True when there are no sites.
    pub fn is_empty(&self) -> bool {
        self.sids.is_empty()
    }

    /// All columns in OpenQuake's order (`sids lon lat depth` then the others sorted by
    /// name), as stored in the `sitecol` group.
    pub fn columns(&self) -> Vec<(String, RawArray)> {
        let n = self.sids.len();
        let mut rest: Vec<(String, RawArray)> = vec![
            ("vs30".into(), f64_column(&self.vs30)),
            (
                "vs30measured".into(),
                RawArray {
                    dtype: DType::Bool,
                    shape: vec![n],
                    data: self.vs30measured.iter().map(|&b| b as u8).collect(),
                },
            ),
        ];
        if let Some(z) = &self.z1pt0 {
            rest.push(("z1pt0".into(), f64_column(z)));
        }
        if let Some(z) = &self.z2pt5 {
            rest.push(("z2pt5".into(), f64_column(z)));
        }
        if let Some(z) = &self.z1pt4 {
            rest.push(("z1pt4".into(), f64_column(z)));
        }
        rest.extend(self.extra.iter().cloned());
        rest.sort_by(|a, b| a.0.cmp(&b.0));
        let mut cols = vec![
            (
                "sids".to_string(),
                RawArray {
                    dtype: DType::UInt(4),
                    shape: vec![n],
                    data: self.sids.iter().flat_map(|x| x.to_le_bytes()).collect(),
                },
            ),
            ("lon".into(), f64_column(&self.lon)),
            ("lat".into(), f64_column(&self.lat)),
            ("depth".into(), f64_column(&self.depth)),
        ];
        cols.extend(rest);
        cols
    }
}
