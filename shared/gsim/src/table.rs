//! Ground-motion tables in OpenQuake's GMPE-table HDF5 layout, and their interpolation.
//!
//! A table file holds, for magnitudes `Mw` (`n_m`) and distances `Distances`
//! (`n_d × 1 × n_m`, its attribute `metric` naming the distance), the median ground
//! motions `IMLs/<IMT>` and optionally the total standard deviations `Total/<IMT>`
//! (`PGA`, `PGV`: `n_d × 1 × n_m`; `SA`: `n_d × n_T × n_m` at periods `T`), all float32.
//!
//! Interpolation reproduces OpenQuake's `GMPETable` to float rounding, including where it
//! computes in float32: log10(value) against log10(period) between periods, log10(value)
//! against magnitude, then value against distance.

use std::collections::HashMap;
use std::collections::hash_map::Entry;
use std::path::Path;
use std::sync::{Arc, LazyLock, Mutex};

use hdf5::types::{VarLenAscii, VarLenUnicode};

use crate::{DistanceParam, GsimError, Imt};

/// One quantity (median or sigma) of a table, per IMT.
#[derive(Debug, Clone, PartialEq)]
struct Quantity {
    /// `n_d × n_m`, distance-major.
    pga: Option<Vec<f32>>,
    /// `n_d × n_m`, distance-major.
    pgv: Option<Vec<f32>>,
    /// The periods and `n_d × n_T × n_m` values.
    sa: Option<(Vec<f32>, Vec<f32>)>,
}

/// A GMPE table read from its HDF5 file.
#[derive(Debug, Clone, PartialEq)]
pub struct GmpeTable {
    name: String,
    metric: DistanceParam,
    mags: Vec<f32>,
    /// `n_d × n_m`, distance-major.
    distances: Vec<f32>,
    imls: Quantity,
    total: Option<Quantity>,
}

/// Which quantity of a table to interpolate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Which {
    /// Median ground motions (`IMLs`).
    Imls,
    /// Total standard deviations (`Total`).
    Total,
}

fn bad(name: &str, what: impl std::fmt::Display) -> GsimError {
    GsimError::InvalidParameter {
        gsim: "GMPETable".to_string(),
        name: "gmpe_table".to_string(),
        value: format!("{name}: {what}"),
    }
}

impl GmpeTable {
    /// Reads the table file at `path`.
    pub fn read(path: &Path) -> Result<GmpeTable, GsimError> {
        let name = path.display().to_string();
        let file = hdf5::File::open(path).map_err(|e| bad(&name, e))?;
        Self::from_file(&name, &file)
    }

    /// Reads a table from the bytes of its file (`name` is used in errors).
    pub fn from_bytes(name: &str, bytes: &'static [u8]) -> Result<GmpeTable, GsimError> {
        let file = open_image(bytes).map_err(|e| bad(name, e))?;
        Self::from_file(name, &file)
    }

    fn from_file(name: &str, file: &hdf5::File) -> Result<GmpeTable, GsimError> {
        let err = |e: hdf5::Error| bad(name, e);
        let dists = file.dataset("Distances").map_err(err)?;
        let attr = dists.attr("metric").map_err(err)?;
        let metric = match attr.read_scalar::<VarLenUnicode>() {
            Ok(s) => s.as_str().to_owned(),
            Err(_) => attr
                .read_scalar::<VarLenAscii>()
                .map_err(err)?
                .as_str()
                .to_owned(),
        };
        let metric = match metric.as_str() {
            "rjb" => DistanceParam::Rjb,
            "rrup" => DistanceParam::Rrup,
            "rhypo" => DistanceParam::Rhypo,
            "repi" => DistanceParam::Repi,
            other => return Err(bad(name, format!("unsupported distance metric {other:?}"))),
        };
        let mags: Vec<f32> = file.dataset("Mw").and_then(|d| d.read_raw()).map_err(err)?;
        let distances: Vec<f32> = dists.read_raw().map_err(err)?;
        if mags.len() < 2 || !distances.len().is_multiple_of(mags.len()) {
            return Err(bad(name, "Mw and Distances do not agree"));
        }
        let (n_d, n_m) = (distances.len() / mags.len(), mags.len());
        let quantity = |group: &str| -> Result<Option<Quantity>, GsimError> {
            let Ok(group) = file.group(group) else {
                return Ok(None);
            };
            let scalar = |key: &str| -> Result<Option<Vec<f32>>, GsimError> {
                match group.dataset(key) {
                    Ok(d) => {
                        let v: Vec<f32> = d.read_raw().map_err(err)?;
                        if v.len() != n_d * n_m {
                            return Err(bad(name, format!("{key} has {} values", v.len())));
                        }
                        Ok(Some(v))
                    }
                    Err(_) => Ok(None),
                }
            };
            let sa = match group.dataset("SA") {
                Ok(d) => {
                    let periods: Vec<f32> = group
                        .dataset("T")
                        .and_then(|t| t.read_raw())
                        .map_err(|_| bad(name, "SA must be accompanied by periods T"))?;
                    let v: Vec<f32> = d.read_raw().map_err(err)?;
                    if v.len() != n_d * periods.len() * n_m || periods.is_empty() {
                        return Err(bad(name, format!("SA has {} values", v.len())));
                    }
                    Some((periods, v))
                }
                Err(_) => None,
            };
            Ok(Some(Quantity {
                pga: scalar("PGA")?,
                pgv: scalar("PGV")?,
                sa,
            }))
        };
        let imls = quantity("IMLs")?.ok_or_else(|| bad(name, "no IMLs"))?;
        let total = quantity("Total")?;
        Ok(GmpeTable {
            name: name.to_owned(),
            metric,
            mags,
            distances,
            imls,
            total,
        })
    }

    /// The distance the table is tabulated against.
    pub fn metric(&self) -> DistanceParam {
        self.metric
    }

    /// Whether the table has total standard deviations.
    pub fn has_total(&self) -> bool {
        self.total.is_some()
    }

    fn n_d(&self) -> usize {
        self.distances.len() / self.mags.len()
    }

    /// The tabulated distances for magnitude `mag` (the column of the first tabulated
    /// magnitude not below `mag`, less one, as OpenQuake picks it).
    pub fn distances(&self, mag: f64) -> Vec<f32> {
        let n_m = self.mags.len();
        let idx = self.mags.partition_point(|&m| f64::from(m) < mag);
        let col = (idx + n_m - 1) % n_m;
        (0..self.n_d())
            .map(|d| self.distances[d * n_m + col])
            .collect()
    }

    /// The `which` values of `imt` at every tabulated distance for magnitude `mag`
    /// (rounded to 2 digits by the caller; clipped to the largest tabulated magnitude).
    pub fn values(&self, which: Which, mag: f64, imt: &Imt) -> Result<Vec<f64>, GsimError> {
        let quantity = match which {
            Which::Imls => &self.imls,
            Which::Total => self
                .total
                .as_ref()
                .ok_or_else(|| bad(&self.name, "no Total standard deviations"))?,
        };
        let unsupported = || GsimError::UnsupportedImt {
            gsim: format!("GMPETable({})", self.name),
            imt: imt.to_string(),
        };
        let (n_d, n_m) = (self.n_d(), self.mags.len());
        let max_mag = f64::from(self.mags[n_m - 1]);
        let mag = mag.min(max_mag);
        if mag < f64::from(self.mags[0]) {
            return Err(GsimError::OutOfRange {
                gsim: format!("GMPETable({})", self.name),
                reason: format!(
                    "magnitude {mag:.2} outside of supported range ({:.2} to {max_mag:.2})",
                    self.mags[0]
                ),
            });
        }
        let knot = Knot::find(&self.mags, mag);
        // log10 of the values at distance `d` and magnitude column `m`: float32 for PGA and
        // PGV, whose values OpenQuake keeps in float32; float64 after the period
        // interpolation of SA
        let log_value: Box<dyn Fn(usize, usize) -> f64> = match imt {
            Imt::Pga | Imt::Pgv => {
                let v = if *imt == Imt::Pga {
                    &quantity.pga
                } else {
                    &quantity.pgv
                };
                let v = v.as_ref().ok_or_else(unsupported)?;
                Box::new(move |d, m| f64::from(v[d * n_m + m].log10()))
            }
            Imt::Sa(period) => {
                let (periods, v) = quantity.sa.as_ref().ok_or_else(unsupported)?;
                let (lo, hi) = (periods[0], periods[periods.len() - 1]);
                let round7 = |x: f64| (x * 1e7).round_ties_even() / 1e7;
                let p = round7(*period);
                if p < round7(f64::from(lo)) || p > round7(f64::from(hi)) {
                    return Err(GsimError::OutOfRange {
                        gsim: format!("GMPETable({})", self.name),
                        reason: format!(
                            "spectral period {period:.3} outside of valid range ({lo:.3} to {hi:.3})"
                        ),
                    });
                }
                let n_t = periods.len();
                let x: Vec<f32> = periods.iter().map(|t| t.log10()).collect();
                let t = Knot::find(&x, period.log10());
                Box::new(move |d, m| {
                    let at = |i: usize| v[(d * n_t + i) * n_m + m].log10();
                    let slope = (at(t.hi) - at(t.lo)) / t.dx;
                    let y = f64::from(slope) * t.offset + f64::from(at(t.lo));
                    // OpenQuake keeps 10^y, and takes its log10 again
                    10f64.powf(y).log10()
                })
            }
            Imt::Pgd => return Err(unsupported()),
        };
        let float32 = matches!(imt, Imt::Pga | Imt::Pgv);
        Ok((0..n_d)
            .map(|d| {
                let (lo, hi) = (log_value(d, knot.lo), log_value(d, knot.hi));
                let slope = if float32 {
                    f64::from((hi as f32 - lo as f32) / knot.dx)
                } else {
                    (hi - lo) / f64::from(knot.dx)
                };
                10f64.powf(slope * knot.offset + lo)
            })
            .collect())
    }
}

/// A magnitude as OpenQuake's table GSIMs read it: rounded to 2 digits (`numpy.round`).
pub fn round_magnitude(mag: f64) -> f64 {
    (mag * 100.0).round_ties_even() / 100.0
}

/// A table's values of one IMT at one magnitude, over its distances: what a table GSIM
/// interpolates in distance for every context of that magnitude.
#[derive(Debug, Clone, PartialEq)]
pub struct AtMagnitude {
    /// The tabulated distances, as stored (float32).
    dists32: Vec<f32>,
    /// The same in float64.
    dists: Vec<f64>,
    /// The medians at those distances.
    imls: Vec<f64>,
    /// The total sigmas at those distances, when the table has them.
    total: Option<Vec<f64>>,
}

impl AtMagnitude {
    /// The values of `imt` at the (unrounded) magnitude `mag`, computed once per rounded
    /// magnitude in `seen` (as OpenQuake caches them).
    pub fn of<'a>(
        table: &GmpeTable,
        mag: f64,
        imt: &Imt,
        seen: &'a mut HashMap<u64, AtMagnitude>,
    ) -> Result<&'a AtMagnitude, GsimError> {
        let mag = round_magnitude(mag);
        match seen.entry(mag.to_bits()) {
            Entry::Occupied(e) => Ok(e.into_mut()),
            Entry::Vacant(e) => {
                let dists32 = table.distances(mag);
                Ok(e.insert(AtMagnitude {
                    dists: dists32.iter().map(|&d| f64::from(d)).collect(),
                    dists32,
                    imls: table.values(Which::Imls, mag, imt)?,
                    total: table
                        .has_total()
                        .then(|| table.values(Which::Total, mag, imt))
                        .transpose()?,
                }))
            }
        }
    }

    /// The median at distance `x`, linear in distance: the first value up to 1 m beyond
    /// the first distance, 1e-20 more than 1 m beyond the last (thresholds in float32, as
    /// OpenQuake computes them).
    pub fn median(&self, x: f64) -> f64 {
        let last = self.dists32.len() - 1;
        if x < f64::from(self.dists32[0] + 1e-3) {
            self.imls[0]
        } else if x > f64::from(self.dists32[last] + 1e-3) {
            1e-20
        } else {
            interp(x, &self.dists, &self.imls)
        }
    }

    /// The median at distance `x`, interpolated in ln(median) against log10(distance)
    /// (distances below 1e-5 km taken as 1e-5): the first value up to the first distance,
    /// 1e-20 more than 1 m beyond the last (OpenQuake's `usgs` kind).
    pub fn median_log_log(&self, x: f64) -> f64 {
        let floor = |d: f32| if d < 1e-5 { 1e-5f32 } else { d };
        let last = self.dists32.len() - 1;
        if x <= f64::from(floor(self.dists32[0])) {
            return self.imls[0];
        }
        if x > f64::from(floor(self.dists32[last]) + 1e-3) {
            return 1e-20;
        }
        let log_d: Vec<f64> = self
            .dists32
            .iter()
            .map(|&d| f64::from(floor(d).log10()))
            .collect();
        let ln_v: Vec<f64> = self.imls.iter().map(|v| v.ln()).collect();
        interp(x.log10(), &log_d, &ln_v).exp()
    }

    /// The total sigma at distance `x` (0 without sigmas).
    pub fn total(&self, x: f64) -> f64 {
        self.total
            .as_ref()
            .map_or(0.0, |t| interp(x, &self.dists, t))
    }
}

/// Tables built into the binary, by file name.
pub(crate) type BuiltIn = [(&'static str, &'static [u8])];

/// Declares built-in tables: the files of a folder of `shared/gsim/tables/`.
macro_rules! built_in_tables {
    ($(#[$m:meta])* $name:ident = $dir:literal [$($file:literal),* $(,)?]) => {
        $(#[$m])*
        static $name: &$crate::table::BuiltIn = &[
            $(($file, include_bytes!(concat!("../../tables/", $dir, "/", $file)))),*
        ];
    };
}
pub(crate) use built_in_tables;

/// The tables read so far from the built-in ones, by file name.
static LOADED: LazyLock<Mutex<HashMap<&'static str, Arc<GmpeTable>>>> =
    LazyLock::new(Default::default);

/// The table of file name `file` among the built-in `tables` of `gsim` (any directory part
/// is ignored, as OpenQuake does), read once per process.
pub(crate) fn built_in(
    gsim: &str,
    tables: &'static BuiltIn,
    file: &str,
) -> Result<Arc<GmpeTable>, GsimError> {
    let base = file.rsplit(['/', '\\']).next().unwrap_or(file);
    let &(name, bytes) =
        tables
            .iter()
            .find(|(n, _)| *n == base)
            .ok_or_else(|| GsimError::InvalidParameter {
                gsim: gsim.to_string(),
                name: "gmpe_table".to_string(),
                value: format!("{file} (not one of the tables of {gsim})"),
            })?;
    let mut loaded = LOADED.lock().unwrap_or_else(|e| e.into_inner());
    if let Some(table) = loaded.get(name) {
        return Ok(table.clone());
    }
    let table = Arc::new(GmpeTable::from_bytes(name, bytes)?);
    loaded.insert(name, table.clone());
    Ok(table)
}

/// The bracketing knots of `x` in the sorted `knots`, as scipy's linear `interp1d`
/// finds them (the first knot not below `x`, kept within the inner knots), with the knot
/// spacing in float32 and the offset of `x` from the lower knot.
struct Knot {
    lo: usize,
    hi: usize,
    dx: f32,
    offset: f64,
}

impl Knot {
    fn find(knots: &[f32], x: f64) -> Knot {
        let hi = knots
            .partition_point(|&k| f64::from(k) < x)
            .clamp(1, knots.len() - 1);
        let lo = hi - 1;
        Knot {
            lo,
            hi,
            dx: knots[hi] - knots[lo],
            offset: x - f64::from(knots[lo]),
        }
    }
}

/// numpy's `interp`: linear in `xp` (increasing), clamped to the end values.
pub(crate) fn interp(x: f64, xp: &[f64], fp: &[f64]) -> f64 {
    let n = xp.len();
    if x.is_nan() {
        return x;
    }
    if x <= xp[0] {
        return fp[0];
    }
    if x >= xp[n - 1] {
        return fp[n - 1];
    }
    let j = xp.partition_point(|&v| v <= x) - 1;
    let slope = (fp[j + 1] - fp[j]) / (xp[j + 1] - xp[j]);
    slope * (x - xp[j]) + fp[j]
}

/// Opens the HDF5 file whose bytes are `image`, in memory (the core driver with a file
/// image, which HDF5 copies).
fn open_image(image: &'static [u8]) -> hdf5::Result<hdf5::File> {
    use hdf5_sys::{h5f, h5p};
    let fapl = hdf5::plist::FileAccess::build()
        .core_filebacked(false)
        .finish()?;
    let id = hdf5::sync::sync(|| {
        // SAFETY: `fapl` is a valid file-access property list; HDF5 copies `image` (no
        // callbacks are set) before returning; the name is a NUL-terminated string.
        unsafe {
            if h5p::H5Pset_file_image(fapl.id(), image.as_ptr() as *mut _, image.len()) < 0 {
                return -1;
            }
            h5f::H5Fopen(c"gmpe-table.hdf5".as_ptr(), h5f::H5F_ACC_RDONLY, fapl.id())
        }
    });
    if id < 0 {
        return Err(hdf5::Error::from("cannot open the in-memory table"));
    }
    // SAFETY: `id` is a file identifier just returned by H5Fopen, owned by nobody else.
    unsafe { hdf5::from_id(id) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn interp_is_numpy_interp() {
        let xp = [1.0, 2.0, 4.0];
        let fp = [10.0, 20.0, 0.0];
        assert_eq!(interp(0.5, &xp, &fp), 10.0);
        assert_eq!(interp(1.5, &xp, &fp), 15.0);
        assert_eq!(interp(3.0, &xp, &fp), 10.0);
        assert_eq!(interp(4.0, &xp, &fp), 0.0);
        assert_eq!(interp(9.0, &xp, &fp), 0.0);
    }

    #[test]
    fn median_beyond_the_table_is_negligible() {
        let at = AtMagnitude {
            dists32: vec![0.0, 1.0, 10.0],
            dists: vec![0.0, 1.0, 10.0],
            imls: vec![0.8, 0.5, 0.1],
            total: None,
        };
        assert_eq!(at.median(0.0005), 0.8);
        assert_eq!(at.median(5.5), 0.3);
        assert_eq!(at.median(10.0005), 0.1);
        assert_eq!(at.median(10.01), 1e-20);
        // log-log: the first distance is 1e-5 km
        assert_eq!(at.median_log_log(1e-6), 0.8);
        let mid = at.median_log_log(10f64.sqrt());
        assert!((mid - (0.5f64 * 0.1).sqrt()).abs() < 1e-12, "{mid}");
        assert_eq!(at.median_log_log(10.01), 1e-20);
        assert_eq!(at.total(3.0), 0.0);
    }
}
