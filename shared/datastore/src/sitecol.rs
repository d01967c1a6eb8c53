//! The site collection stored in `sitecol`.

use crate::error::{Error, Result};
use crate::raw::{DType, RawArray};

/// `__pyclass__` of the `sitecol` group.
pub(crate) const PYCLASS: &str = "openquake.hazardlib.site.SiteCollection";

/// The sites of a calculation: `sids lon lat depth`, then the site parameters, one value per
/// site in every column.
///
/// Which parameters a site collection has, and in which order, is the engine's business
/// (OpenQuake's rule is in the crate documentation); this type keeps them as stored, in
/// order, each with the dtype OpenQuake gives it ([`site_param_dtype`]).
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
    /// The other columns (`vs30`, `vs30measured`, `z1pt0`, `backarc`, `custom_site_id`, ...)
    /// by name, in stored order, each 1-D with one value per site.
    pub params: Vec<(String, RawArray)>,
}

/// The values of one site parameter, before they take the parameter's dtype.
#[derive(Debug, Clone, PartialEq)]
pub enum SiteValues {
    /// Numbers: kept as they are in float columns, whole numbers in integer columns, non-zero
    /// is true in boolean ones.
    Numbers(Vec<f64>),
    /// Booleans: 0 or 1 in numeric columns.
    Flags(Vec<bool>),
    /// Text, as a site model file writes it: parsed as the column's type (`0`, `1`, `true`,
    /// `false` for booleans), byte strings truncated to their width.
    Text(Vec<String>),
}

impl SiteValues {
    fn len(&self) -> usize {
        match self {
            SiteValues::Numbers(v) => v.len(),
            SiteValues::Flags(v) => v.len(),
            SiteValues::Text(v) => v.len(),
        }
    }
}

/// The dtype OpenQuake 3.26 gives a site parameter in its site collection (`site_param_dt`
/// of `openquake.hazardlib.site`), `None` for a name it does not know.
pub fn site_param_dtype(name: &str) -> Option<DType> {
    Some(match name {
        "sids" | "soiltype" | "region" => DType::UInt(4),
        "backarc" | "ilabel" => DType::UInt(1),
        "vs30measured" | "bas" | "in_cshm" => DType::Bool,
        "siteclass" | "ec8" => DType::Bytes(1),
        "ec8_p18" | "liq_susc_cat" | "lithology" => DType::Bytes(2),
        "ampcode" => DType::Bytes(4),
        "unit" => DType::Bytes(5),
        "geohash" => DType::Bytes(6),
        "custom_site_id" => DType::Bytes(8),
        "geology" => DType::Bytes(20),
        "lon" | "lat" | "depth" | "vs30" | "kappa0" | "z1pt0" | "z2pt5" | "z_sed" | "z1pt4"
        | "xvf" | "h800" | "amplfactor" | "ch_ampl03" | "ch_ampl06" | "ch_phis2s03"
        | "ch_phis2s06" | "ch_phiss03" | "ch_phiss06" | "f0" | "THV" | "PHV" | "friction_mid"
        | "cohesion_mid" | "saturation" | "dry_density" | "Fs" | "crit_accel" | "dw"
        | "yield_acceleration" | "slope" | "relief" | "gwd" | "cti" | "dc" | "dr" | "dwb"
        | "zwb" | "tri" | "hwater" | "precip" | "landcover" | "hratio" | "tslope"
        | "slab_thickness" | "freeface_ratio" | "T_15" | "D50_15" | "F_15" | "T_eq" => {
            DType::Float(8)
        }
        _ => return None,
    })
}

/// `values` as a 1-D array of `dtype`; `path` names the column in errors.
fn column(dtype: DType, values: &SiteValues, path: &str) -> Result<RawArray> {
    let bad = |what: &dyn std::fmt::Display| {
        Error::malformed(path, format!("{what} is not a {}", dtype.numpy_descr()))
    };
    if let (DType::Float(8), SiteValues::Numbers(v)) = (&dtype, values) {
        return Ok(f64_column(v));
    }
    let mut data = Vec::with_capacity(values.len() * dtype.size());
    match (&dtype, values) {
        (DType::Float(8), SiteValues::Flags(v)) => {
            data.extend(v.iter().flat_map(|&b| f64::from(u8::from(b)).to_le_bytes()));
        }
        (DType::Float(8), SiteValues::Text(v)) => {
            for s in v {
                let x: f64 = s.trim().parse().map_err(|_| bad(&format!("{s:?}")))?;
                data.extend(x.to_le_bytes());
            }
        }
        (DType::UInt(n), values) => {
            let max = if *n >= 8 {
                u64::MAX
            } else {
                (1u64 << (8 * n)) - 1
            };
            let whole = |x: f64| {
                (x.fract() == 0.0 && x >= 0.0 && x <= max as f64)
                    .then_some(x as u64)
                    .ok_or_else(|| bad(&x))
            };
            let ints: Vec<u64> = match values {
                SiteValues::Numbers(v) => v.iter().map(|&x| whole(x)).collect::<Result<_>>()?,
                SiteValues::Flags(v) => v.iter().map(|&b| u64::from(b)).collect(),
                SiteValues::Text(v) => v
                    .iter()
                    .map(|s| {
                        s.trim()
                            .parse::<u64>()
                            .ok()
                            .filter(|&x| x <= max)
                            .ok_or_else(|| bad(&format!("{s:?}")))
                    })
                    .collect::<Result<_>>()?,
            };
            for x in ints {
                data.extend_from_slice(&x.to_le_bytes()[..*n]);
            }
        }
        (DType::Bool, values) => {
            let flags: Vec<bool> = match values {
                SiteValues::Numbers(v) => v.iter().map(|&x| x != 0.0).collect(),
                SiteValues::Flags(v) => v.clone(),
                SiteValues::Text(v) => v
                    .iter()
                    .map(|s| match s.trim().to_ascii_lowercase().as_str() {
                        "1" | "true" => Ok(true),
                        "0" | "false" => Ok(false),
                        _ => Err(bad(&format!("{s:?}"))),
                    })
                    .collect::<Result<_>>()?,
            };
            data.extend(flags.iter().map(|&b| u8::from(b)));
        }
        (DType::Bytes(n), SiteValues::Text(v)) => {
            for s in v {
                let mut bytes = s.as_bytes().to_vec();
                bytes.resize(*n, 0);
                data.extend(bytes);
            }
        }
        _ => return Err(bad(&"a value")),
    }
    Ok(RawArray {
        shape: vec![values.len()],
        dtype,
        data,
    })
}

fn f64_column(v: &[f64]) -> RawArray {
    RawArray {
        dtype: DType::Float(8),
        shape: vec![v.len()],
        data: v.iter().flat_map(|x| x.to_le_bytes()).collect(),
    }
}

impl SiteCollection {
    /// The sites at these coordinates (all of one length), with ids 0..N and no parameters.
    pub fn new(lon: Vec<f64>, lat: Vec<f64>, depth: Vec<f64>) -> Self {
        SiteCollection {
            sids: (0..lon.len() as u32).collect(),
            lon,
            lat,
            depth,
            params: Vec::new(),
        }
    }

    /// Number of sites.
    pub fn len(&self) -> usize {
        self.sids.len()
    }

    /// True when there are no sites.
    pub fn is_empty(&self) -> bool {
        self.sids.is_empty()
    }

    /// The column of parameter `name`, if there is one.
    pub fn param(&self, name: &str) -> Option<&RawArray> {
        self.params.iter().find(|(n, _)| n == name).map(|(_, c)| c)
    }

    /// Whether `name` is one of the columns (`sids`, `lon`, `lat` and `depth` included).
    pub fn has(&self, name: &str) -> bool {
        matches!(name, "sids" | "lon" | "lat" | "depth") || self.param(name).is_some()
    }

    /// Sets parameter `name` to `values` as OpenQuake's `SiteCollection._set` does: a new
    /// column goes last, an existing one keeps its place. The values take the parameter's
    /// dtype ([`site_param_dtype`]); an unknown name, a value that does not fit or a length
    /// other than the number of sites is an error.
    pub fn set_param(&mut self, name: &str, values: &SiteValues) -> Result<()> {
        let path = format!("sitecol/{name}");
        if matches!(name, "sids" | "lon" | "lat" | "depth") {
            return Err(Error::malformed(&path, "not a site parameter"));
        }
        let dtype = site_param_dtype(name)
            .ok_or_else(|| Error::malformed(&path, "not a site parameter OpenQuake knows"))?;
        if values.len() != self.len() {
            return Err(Error::malformed(&path, "length differs from sids"));
        }
        let col = column(dtype, values, &path)?;
        match self.params.iter_mut().find(|(n, _)| n == name) {
            Some((_, old)) => *old = col,
            None => self.params.push((name.to_owned(), col)),
        }
        Ok(())
    }

    /// All columns in stored order: `sids lon lat depth`, then [`SiteCollection::params`].
    pub fn columns(&self) -> Vec<(String, RawArray)> {
        let sids = RawArray {
            dtype: DType::UInt(4),
            shape: vec![self.sids.len()],
            data: self.sids.iter().flat_map(|x| x.to_le_bytes()).collect(),
        };
        let mut cols = vec![
            ("sids".to_string(), sids),
            ("lon".into(), f64_column(&self.lon)),
            ("lat".into(), f64_column(&self.lat)),
            ("depth".into(), f64_column(&self.depth)),
        ];
        cols.extend(self.params.iter().cloned());
        cols
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn two_sites() -> SiteCollection {
        SiteCollection::new(vec![1.0, 2.0], vec![3.0, 4.0], vec![0.0, 0.0])
    }

    #[test]
    fn parameters_take_openquakes_dtypes() {
        let mut sc = two_sites();
        let text = |v: &[&str]| SiteValues::Text(v.iter().map(|s| s.to_string()).collect());
        sc.set_param("backarc", &SiteValues::Numbers(vec![0.0, 2.0]))
            .unwrap();
        sc.set_param("soiltype", &text(&["3", "6"])).unwrap();
        sc.set_param("siteclass", &text(&["C", ""])).unwrap();
        sc.set_param("bas", &text(&["0", "true"])).unwrap();
        sc.set_param("xvf", &text(&["-30", "1.5"])).unwrap();
        sc.set_param("custom_site_id", &text(&["a", "abcdefghij"]))
            .unwrap();
        let descr: Vec<String> = sc
            .columns()
            .iter()
            .map(|(n, c)| format!("{n} {}", c.dtype.numpy_descr()))
            .collect();
        assert_eq!(
            descr,
            [
                "sids '<u4'",
                "lon '<f8'",
                "lat '<f8'",
                "depth '<f8'",
                "backarc '|u1'",
                "soiltype '<u4'",
                "siteclass '|S1'",
                "bas '|b1'",
                "xvf '<f8'",
                "custom_site_id '|S8'"
            ]
        );
        assert_eq!(sc.param("backarc").unwrap().data, [0, 2]);
        assert_eq!(sc.param("soiltype").unwrap().data, [3, 0, 0, 0, 6, 0, 0, 0]);
        assert_eq!(sc.param("siteclass").unwrap().data, b"C\0");
        assert_eq!(sc.param("bas").unwrap().to_bool("").unwrap(), [false, true]);
        assert_eq!(sc.param("xvf").unwrap().to_f64("").unwrap(), [-30.0, 1.5]);
        assert_eq!(
            sc.param("custom_site_id").unwrap().to_strings("").unwrap(),
            ["a", "abcdefgh"]
        );
    }

    #[test]
    fn setting_a_parameter_again_keeps_its_place() {
        let mut sc = two_sites();
        sc.set_param("vs30", &SiteValues::Numbers(vec![f64::NAN; 2]))
            .unwrap();
        sc.set_param("vs30measured", &SiteValues::Flags(vec![false; 2]))
            .unwrap();
        sc.set_param("vs30", &SiteValues::Numbers(vec![760.0, 800.0]))
            .unwrap();
        let names: Vec<&str> = sc.params.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names, ["vs30", "vs30measured"]);
        assert_eq!(
            sc.param("vs30").unwrap().to_f64("").unwrap(),
            [760.0, 800.0]
        );
        assert!(sc.has("lon") && sc.has("vs30measured") && !sc.has("z1pt0"));
    }

    #[test]
    fn values_that_do_not_fit_are_refused() {
        let mut sc = two_sites();
        let err = |sc: &mut SiteCollection, name: &str, values: SiteValues| {
            sc.set_param(name, &values).unwrap_err().to_string()
        };
        let e = err(&mut sc, "backarc", SiteValues::Numbers(vec![0.0, 256.0]));
        assert!(e.contains("sitecol/backarc") && e.contains("256"), "{e}");
        let e = err(&mut sc, "soiltype", SiteValues::Numbers(vec![1.5, 2.0]));
        assert!(e.contains("1.5"), "{e}");
        let e = err(
            &mut sc,
            "bas",
            SiteValues::Text(vec!["yes".into(), "0".into()]),
        );
        assert!(e.contains("\"yes\""), "{e}");
        let e = err(&mut sc, "vs30", SiteValues::Numbers(vec![760.0]));
        assert!(e.contains("length"), "{e}");
        let e = err(&mut sc, "colour", SiteValues::Numbers(vec![1.0, 2.0]));
        assert!(e.contains("not a site parameter"), "{e}");
        let e = err(&mut sc, "lon", SiteValues::Numbers(vec![1.0, 2.0]));
        assert!(e.contains("not a site parameter"), "{e}");
        let e = err(&mut sc, "siteclass", SiteValues::Numbers(vec![1.0, 2.0]));
        assert!(e.contains("'|S1'"), "{e}");
    }
}
