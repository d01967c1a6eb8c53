//! The [`Datastore`] handle and its readers and writers.

use std::ffi::{c_int, c_void};
use std::mem::ManuallyDrop;
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::sync::{Mutex, MutexGuard};

use hdf5::types::{VarLenArray, VarLenUnicode};
use hdf5::{File, Group, H5Type, Location, LocationType};
use hdf5_sys::h5f::H5Fget_vfd_handle;
use hdf5_sys::h5p::H5P_DEFAULT;
use ndarray::{Array1, Ix4};

use crate::error::{Ctx, Error, Result};
use crate::hazard::{HazardDataset, HazardKind};
use crate::jsonfmt;
use crate::logictree::{
    self, FullLogicTree, GsimBranch, Realization, SmRealization, SmltBranch, SourceBranch,
};
use crate::oqparam::{self, OqParam};
use crate::raw::{self, AttrValue, RawArray};
use crate::sitecol::{self, SiteCollection};

/// The process-wide lock serialising this crate's HDF5 operations.
static HDF5_LOCK: Mutex<()> = Mutex::new(());

/// Holds this crate's lock for a whole operation, and the HDF5 library's own (reentrant) lock,
/// which every other HDF5 user of the process takes (hdf5-metno's calls, oqcloud-gsim's GMPE
/// tables): the raw `H5Dread`/`H5Aread`/`H5Dwrite` calls here are not otherwise serialised
/// with theirs, and the library is not thread-safe.
fn lock() -> impl Sized {
    let ours: MutexGuard<'static, ()> = HDF5_LOCK
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    (ours, hdf5_sys::LOCK.lock())
}

/// An open OpenQuake datastore (`calc_<id>.hdf5`).
#[derive(Debug)]
pub struct Datastore {
    file: ManuallyDrop<File>,
    path: PathBuf,
}

impl Drop for Datastore {
    fn drop(&mut self) {
        let _guard = lock();
        // SAFETY: `file` is never used again
        unsafe { ManuallyDrop::drop(&mut self.file) };
    }
}

#[derive(H5Type)]
#[repr(C)]
struct GsimRow {
    trt: VarLenUnicode,
    branch: VarLenUnicode,
    uncertainty: VarLenUnicode,
    weight: f64,
}

#[derive(H5Type)]
#[repr(C)]
struct SmltRow {
    branchset: VarLenUnicode,
    branch: VarLenUnicode,
    utype: VarLenUnicode,
    uvalue: VarLenUnicode,
    weight: f64,
}

#[derive(H5Type)]
#[repr(C)]
struct SmDataRow {
    name: VarLenUnicode,
    weight: f32,
    path: VarLenUnicode,
    samples: u32,
}

#[derive(H5Type)]
#[repr(C)]
struct SourceDataRow {
    branch: VarLenUnicode,
    trt: VarLenUnicode,
    fname: VarLenUnicode,
    source: VarLenUnicode,
}

fn vstr(s: &str, path: &str) -> Result<VarLenUnicode> {
    VarLenUnicode::from_str(s).map_err(|e| Error::malformed(path, format!("string {s:?}: {e}")))
}

/// A dataset/attribute path for messages: `name` or `name@attr`.
fn at(name: &str, attr: &str) -> String {
    if name.is_empty() || name == "/" {
        format!("@{attr}")
    } else {
        format!("{name}@{attr}")
    }
}

/// Marks the descriptor of `file` close-on-exec. HDF5 opens files without `O_CLOEXEC`, so a
/// child process spawned while the file is open (the reference engine, a python check) would
/// inherit the descriptor and HDF5's `flock` on it, and opening the file again would fail with
/// "unable to lock file" until that child exits. Caller holds the lock.
#[cfg(unix)]
fn set_cloexec(file: &File, path: &str) -> Result<()> {
    use hdf5::file::FileDriver;
    // only the POSIX driver's handle is a file descriptor (HDF5_DRIVER can choose another)
    if !matches!(file.fapl().at(path)?.driver(), FileDriver::Sec2) {
        return Ok(());
    }
    let mut handle: *mut c_void = std::ptr::null_mut();
    // SAFETY: H5Fget_vfd_handle stores a pointer to the driver's handle, for sec2 an `int`
    // descriptor that stays valid while the file is open
    let fd = unsafe {
        if H5Fget_vfd_handle(file.id(), H5P_DEFAULT, &mut handle) < 0 || handle.is_null() {
            return Err(Error::malformed(path, "H5Fget_vfd_handle failed"));
        }
        *(handle as *const c_int)
    };
    // SAFETY: plain fcntl calls on a descriptor owned by HDF5
    let ok = unsafe {
        let flags = libc::fcntl(fd, libc::F_GETFD);
        flags >= 0 && libc::fcntl(fd, libc::F_SETFD, flags | libc::FD_CLOEXEC) >= 0
    };
    if ok {
        Ok(())
    } else {
        Err(Error::malformed(
            path,
            format!("fcntl(FD_CLOEXEC): {}", std::io::Error::last_os_error()),
        ))
    }
}

/// Files opened without HDF5's `flock`: a datastore has one writer, which finishes before
/// anything reads it, and the lock is inherited by child processes forked before
/// [`set_cloexec`] runs (a fork in another thread between HDF5's `open` and the `fcntl`),
/// which would keep the file from being opened again until they exit.
fn unlocked() -> hdf5::file::FileBuilder {
    let mut builder = File::with_options();
    builder.with_fapl(|fapl| fapl.file_locking(false));
    builder
}

impl Datastore {
    /// Opens an existing datastore read-only.
    pub fn open(path: impl AsRef<Path>) -> Result<Datastore> {
        Datastore::open_with(path.as_ref(), |p| unlocked().open(p))
    }

    /// Creates a new, empty datastore (truncating an existing file), open for writing.
    pub fn create(path: impl AsRef<Path>) -> Result<Datastore> {
        Datastore::open_with(path.as_ref(), |p| unlocked().create(p))
    }

    fn open_with(path: &Path, open: fn(&Path) -> hdf5::Result<File>) -> Result<Datastore> {
        let name = path.display().to_string();
        let _guard = lock();
        let file = open(path).at(&name)?;
        #[cfg(unix)]
        set_cloexec(&file, &name)?;
        Ok(Datastore {
            file: ManuallyDrop::new(file),
            path: path.to_path_buf(),
        })
    }

    /// The file path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Flushes pending writes to the file.
    pub fn flush(&self) -> Result<()> {
        let _guard = lock();
        self.file.flush().at(&self.path.display().to_string())
    }

    // ---- generic access -------------------------------------------------------------------

    /// The kind of object at `name` (`None` when missing). Caller holds the lock.
    fn kind(&self, name: &str) -> Option<LocationType> {
        if name.is_empty() || name == "/" {
            return Some(LocationType::Group);
        }
        // check each prefix: H5Lexists fails on a missing intermediate group
        let mut prefix = String::new();
        for part in name.trim_matches('/').split('/') {
            if !prefix.is_empty() {
                prefix.push('/');
            }
            prefix.push_str(part);
            if !self.file.link_exists(&prefix) {
                return None;
            }
        }
        self.file.loc_type_by_name(name).ok()
    }

    /// The object at `name` as a location (file, group or dataset). Caller holds the lock.
    fn location(&self, name: &str) -> Result<Location> {
        match self.kind(name) {
            None => Err(Error::Missing(name.into())),
            Some(_) if name.is_empty() || name == "/" => Ok((***self.file).clone()),
            Some(LocationType::Group) => Ok((*self.file.group(name).at(name)?).clone()),
            Some(LocationType::Dataset) => Ok((**self.file.dataset(name).at(name)?).clone()),
            Some(other) => Err(Error::Unsupported {
                path: name.into(),
                reason: format!("{other:?}"),
            }),
        }
    }

    fn group(&self, name: &str) -> Result<Group> {
        match self.kind(name) {
            None => Err(Error::Missing(name.into())),
            Some(LocationType::Group) => self.file.group(name).at(name),
            Some(_) => Err(Error::malformed(name, "not a group")),
        }
    }

    fn read_raw_unlocked(&self, name: &str) -> Result<RawArray> {
        match self.kind(name) {
            None => Err(Error::Missing(name.into())),
            Some(LocationType::Dataset) => {
                let ds = self.file.dataset(name).at(name)?;
                raw::read_container(&ds, false, name)
            }
            Some(_) => Err(Error::malformed(name, "not a dataset")),
        }
    }

    fn attr_unlocked(&self, name: &str, attr: &str) -> Result<AttrValue> {
        let loc = self.location(name)?;
        let path = at(name, attr);
        let a = loc.attr(attr).map_err(|_| Error::Missing(path.clone()))?;
        AttrValue::from_raw(raw::read_container(&a, true, &path)?, &path)
    }

    fn str_attr(&self, name: &str, attr: &str) -> Result<String> {
        match self.attr_unlocked(name, attr)? {
            AttrValue::Str(s) => Ok(s),
            _ => Err(Error::malformed(&at(name, attr), "not a string")),
        }
    }

    fn int_attr(&self, name: &str, attr: &str) -> Result<i64> {
        match self.attr_unlocked(name, attr)? {
            AttrValue::Int(i) => Ok(i),
            AttrValue::Bool(b) => Ok(b as i64),
            _ => Err(Error::malformed(&at(name, attr), "not an integer")),
        }
    }

    /// True when a dataset or group `name` exists (`a/b` paths allowed).
    pub fn contains(&self, name: &str) -> bool {
        let _guard = lock();
        self.kind(name).is_some()
    }

    /// True when `name` is a group (`""` is the root); error if missing.
    pub fn is_group(&self, name: &str) -> Result<bool> {
        let _guard = lock();
        match self.kind(name) {
            None => Err(Error::Missing(name.into())),
            Some(k) => Ok(k == LocationType::Group),
        }
    }

    /// Member names of group `name` (`""` is the root), sorted.
    pub fn members(&self, name: &str) -> Result<Vec<String>> {
        let _guard = lock();
        let group = if name.is_empty() || name == "/" {
            (**self.file).clone()
        } else {
            self.group(name)?
        };
        let mut names = group.member_names().at(name)?;
        names.sort();
        Ok(names)
    }

    /// All attributes of `name` (`""` is the file), sorted by attribute name.
    pub fn attrs(&self, name: &str) -> Result<Vec<(String, AttrValue)>> {
        let _guard = lock();
        let loc = self.location(name)?;
        let mut names = loc.attr_names().at(name)?;
        names.sort();
        names
            .into_iter()
            .map(|a| {
                let path = at(name, &a);
                let attr = loc.attr(&a).at(&path)?;
                Ok((
                    a,
                    AttrValue::from_raw(raw::read_container(&attr, true, &path)?, &path)?,
                ))
            })
            .collect()
    }

    /// Attribute `attr` of `name` (`""` is the file).
    pub fn attr(&self, name: &str, attr: &str) -> Result<AttrValue> {
        let _guard = lock();
        self.attr_unlocked(name, attr)
    }

    /// Sets attribute `attr` of `name` (`""` is the file), replacing an existing one.
    /// [`AttrValue::Raw`] cannot be written.
    pub fn set_attr(&self, name: &str, attr: &str, value: &AttrValue) -> Result<()> {
        let _guard = lock();
        let loc = self.location(name)?;
        self.set_attr_on(&loc, attr, value, &at(name, attr))
    }

    fn set_attr_on(&self, loc: &Location, attr: &str, value: &AttrValue, path: &str) -> Result<()> {
        if loc.attr(attr).is_ok() {
            loc.delete_attr(attr).at(path)?;
        }
        match value {
            AttrValue::Str(s) => loc
                .new_attr::<VarLenUnicode>()
                .shape(())
                .create(attr)
                .at(path)?
                .write_scalar(&vstr(s, path)?),
            AttrValue::Strs(v) => {
                let arr = v
                    .iter()
                    .map(|s| vstr(s, path))
                    .collect::<Result<Array1<_>>>()?;
                loc.new_attr_builder()
                    .with_data(&arr)
                    .create(attr)
                    .map(|_| ())
            }
            AttrValue::Int(i) => loc
                .new_attr::<i64>()
                .shape(())
                .create(attr)
                .at(path)?
                .write_scalar(i),
            AttrValue::Ints(v) => loc
                .new_attr_builder()
                .with_data(v.as_slice())
                .create(attr)
                .map(|_| ()),
            AttrValue::Float(f) => loc
                .new_attr::<f64>()
                .shape(())
                .create(attr)
                .at(path)?
                .write_scalar(f),
            AttrValue::Floats(v) => loc
                .new_attr_builder()
                .with_data(v.as_slice())
                .create(attr)
                .map(|_| ()),
            AttrValue::Bool(b) => loc
                .new_attr::<bool>()
                .shape(())
                .create(attr)
                .at(path)?
                .write_scalar(b),
            AttrValue::Raw(_) => {
                return Err(Error::Unsupported {
                    path: path.into(),
                    reason: "writing raw attributes".into(),
                });
            }
        }
        .at(path)
    }

    fn set_attrs(&self, loc: &Location, name: &str, attrs: &[(&str, AttrValue)]) -> Result<()> {
        attrs
            .iter()
            .try_for_each(|(a, v)| self.set_attr_on(loc, a, v, &at(name, a)))
    }

    /// Number of elements of dataset `name` (the product of its shape), without reading it.
    pub fn dataset_size(&self, name: &str) -> Result<usize> {
        let _guard = lock();
        match self.kind(name) {
            None => Err(Error::Missing(name.into())),
            Some(LocationType::Dataset) => Ok(self.file.dataset(name).at(name)?.size()),
            Some(_) => Err(Error::malformed(name, "not a dataset")),
        }
    }

    /// Reads a whole dataset: element type, shape and packed bytes. Variable-length strings
    /// come back as fixed-width byte strings (numpy `|S<n>`).
    pub fn read_dataset_raw(&self, name: &str) -> Result<RawArray> {
        let _guard = lock();
        self.read_raw_unlocked(name)
    }

    /// Reads a 1-D dataset of variable-length `float32` arrays (such as `rupgeoms`), one
    /// vector per element.
    pub fn read_vlen_f32(&self, name: &str) -> Result<Vec<Vec<f32>>> {
        let _guard = lock();
        match self.kind(name) {
            None => Err(Error::Missing(name.into())),
            Some(LocationType::Dataset) => {
                let ds = self.file.dataset(name).at(name)?;
                let rows = ds.read_raw::<VarLenArray<f32>>().at(name)?;
                Ok(rows.into_iter().map(Vec::from).collect())
            }
            Some(_) => Err(Error::malformed(name, "not a dataset")),
        }
    }

    /// Writes dataset `name` (creating parent groups, replacing an existing dataset).
    pub fn write_dataset_raw(&self, name: &str, data: &RawArray) -> Result<()> {
        let _guard = lock();
        let (parent, leaf) = self.prepare(name)?;
        raw::write_dataset(&parent, leaf, data, name)
    }

    /// Creates the parent groups of `name` and removes an existing `name`. Caller holds the lock.
    fn prepare<'a>(&self, name: &'a str) -> Result<(Group, &'a str)> {
        let name = name.trim_matches('/');
        if self.kind(name).is_some() {
            self.file.unlink(name).at(name)?;
        }
        let (parent, leaf) = name.rsplit_once('/').unwrap_or(("", name));
        let mut group: Group = (**self.file).clone();
        for part in parent.split('/').filter(|p| !p.is_empty()) {
            group = if group.link_exists(part) {
                group.group(part)
            } else {
                group.create_group(part)
            }
            .at(parent)?;
        }
        Ok((group, leaf))
    }

    /// Creates group `name` afresh. Caller holds the lock.
    fn new_group(&self, name: &str) -> Result<Group> {
        let (parent, leaf) = self.prepare(name)?;
        parent.create_group(leaf).at(name)
    }

    // ---- oqparam --------------------------------------------------------------------------

    /// The job parameters (`oqparam`).
    pub fn oqparam(&self) -> Result<OqParam> {
        let _guard = lock();
        let raw = self.read_raw_unlocked("oqparam")?;
        let text = raw.to_strings("oqparam")?;
        match text.as_slice() {
            [t] if raw.shape.is_empty() => OqParam::from_json_text(t),
            _ => Err(Error::Unsupported {
                path: "oqparam".into(),
                reason: "not a scalar JSON string (datastore of OpenQuake <= 3.11?)".into(),
            }),
        }
    }

    /// Writes `oqparam` as OpenQuake does: a scalar UTF-8 string of `hdf5.dumps` JSON.
    pub fn write_oqparam(&self, oq: &OqParam) -> Result<()> {
        let _guard = lock();
        let (parent, leaf) = self.prepare("oqparam")?;
        let ds = parent
            .new_dataset::<VarLenUnicode>()
            .shape(())
            .create(leaf)
            .at("oqparam")?;
        ds.write_scalar(&vstr(&oq.to_json_text(), "oqparam")?)
            .at("oqparam")?;
        self.set_attrs(
            &ds,
            "oqparam",
            &[("__pyclass__", AttrValue::Str(oqparam::PYCLASS.into()))],
        )
    }

    // ---- sitecol --------------------------------------------------------------------------

    /// The site collection (`sitecol` group, or a compound `sitecol` dataset of old files).
    pub fn sitecol(&self) -> Result<SiteCollection> {
        let _guard = lock();
        let columns: Vec<(String, RawArray)> = match self.kind("sitecol") {
            None => return Err(Error::Missing("sitecol".into())),
            Some(LocationType::Group) => {
                let names = self.str_attr("sitecol", "__pdcolumns__")?;
                names
                    .split_whitespace()
                    .map(|c| {
                        Ok((
                            c.to_string(),
                            self.read_raw_unlocked(&format!("sitecol/{c}"))?,
                        ))
                    })
                    .collect::<Result<_>>()?
            }
            Some(_) => {
                let raw = self.read_raw_unlocked("sitecol")?;
                let crate::DType::Compound { fields, .. } = &raw.dtype else {
                    return Err(Error::malformed(
                        "sitecol",
                        "neither a group nor a compound dataset",
                    ));
                };
                fields
                    .iter()
                    .filter_map(|f| Some((f.name.clone(), raw.field(&f.name)?)))
                    .collect()
            }
        };
        let mut sc = SiteCollection::default();
        let mut found = [false; 4];
        for (name, col) in columns {
            let path = format!("sitecol/{name}");
            let f64s = |col: &RawArray| col.to_f64(&path);
            match name.as_str() {
                "sids" => {
                    sc.sids = col.to_i64(&path)?.into_iter().map(|x| x as u32).collect();
                    found[0] = true;
                }
                "lon" => (sc.lon, found[1]) = (f64s(&col)?, true),
                "lat" => (sc.lat, found[2]) = (f64s(&col)?, true),
                "depth" => (sc.depth, found[3]) = (f64s(&col)?, true),
                _ => sc.params.push((name, col)),
            }
        }
        if !found.iter().all(|&f| f) {
            return Err(Error::malformed(
                "sitecol",
                "missing one of sids, lon, lat, depth",
            ));
        }
        let n = sc.sids.len();
        if [sc.lon.len(), sc.lat.len(), sc.depth.len()]
            .iter()
            .any(|&l| l != n)
            || sc.params.iter().any(|(_, c)| c.shape != [n])
        {
            return Err(Error::malformed("sitecol", "columns of different lengths"));
        }
        Ok(sc)
    }

    /// Writes the `sitecol` group: one dataset per column and `__pdcolumns__`.
    pub fn write_sitecol(&self, sc: &SiteCollection) -> Result<()> {
        let _guard = lock();
        let columns = sc.columns();
        if let Some((name, _)) = columns.iter().find(|(_, c)| c.shape != [sc.len()]) {
            return Err(Error::malformed(
                &format!("sitecol/{name}"),
                "length differs from sids",
            ));
        }
        let group = self.new_group("sitecol")?;
        for (name, col) in &columns {
            raw::write_dataset(&group, name, col, &format!("sitecol/{name}"))?;
        }
        let names: Vec<&str> = columns.iter().map(|(n, _)| n.as_str()).collect();
        self.set_attrs(
            &group,
            "sitecol",
            &[
                ("__pdcolumns__", AttrValue::Str(names.join(" "))),
                ("__pyclass__", AttrValue::Str(sitecol::PYCLASS.into())),
            ],
        )
    }

    // ---- full_lt, realizations, weights -----------------------------------------------------

    /// The logic tree (`full_lt`).
    pub fn full_lt(&self) -> Result<FullLogicTree> {
        let _guard = lock();
        self.group("full_lt")?;
        let table = |name: &str| -> Result<(RawArray, String)> {
            let path = format!("full_lt/{name}");
            Ok((self.read_raw_unlocked(&path)?, path))
        };
        let col = |t: &(RawArray, String), f: &str| -> Result<RawArray> {
            t.0.field(f)
                .ok_or_else(|| Error::malformed(&t.1, format!("no field {f}")))
        };
        let strs = |t: &(RawArray, String), f: &str| col(t, f)?.to_strings(&t.1);
        let f64s = |t: &(RawArray, String), f: &str| col(t, f)?.to_f64(&t.1);

        let g = table("gsim_lt")?;
        let (trt, branch, unc, w) = (
            strs(&g, "trt")?,
            strs(&g, "branch")?,
            strs(&g, "uncertainty")?,
            f64s(&g, "weight")?,
        );
        let gsim_lt = (0..trt.len())
            .map(|i| GsimBranch {
                trt: trt[i].clone(),
                branch: branch[i].clone(),
                uncertainty: unc[i].clone(),
                weight: w[i],
            })
            .collect();
        let s = table("source_model_lt")?;
        let (bs, br, ut, uv, w) = (
            strs(&s, "branchset")?,
            strs(&s, "branch")?,
            strs(&s, "utype")?,
            strs(&s, "uvalue")?,
            f64s(&s, "weight")?,
        );
        let source_model_lt = (0..bs.len())
            .map(|i| SmltBranch {
                branchset: bs[i].clone(),
                branch: br[i].clone(),
                utype: ut[i].clone(),
                uvalue: uv[i].clone(),
                weight: w[i],
            })
            .collect();
        let m = table("sm_data")?;
        let (name, w, path, samples) = (
            strs(&m, "name")?,
            f64s(&m, "weight")?,
            strs(&m, "path")?,
            col(&m, "samples")?.to_i64(&m.1)?,
        );
        let sm_data = (0..name.len())
            .map(|i| SmRealization {
                name: name[i].clone(),
                weight: w[i] as f32,
                path: path[i].clone(),
                samples: samples[i] as u32,
            })
            .collect();
        // absent in datastores of OpenQuake <= 3.16
        let source_data = if self.kind("full_lt/source_data").is_some() {
            let d = table("source_data")?;
            let (br, trt, fname, src) = (
                strs(&d, "branch")?,
                strs(&d, "trt")?,
                strs(&d, "fname")?,
                strs(&d, "source")?,
            );
            (0..br.len())
                .map(|i| SourceBranch {
                    branch: br[i].clone(),
                    trt: trt[i].clone(),
                    fname: fname[i].clone(),
                    source: src[i].clone(),
                })
                .collect()
        } else {
            Vec::new()
        };
        let trts = match self.attr_unlocked("full_lt", "trts")? {
            AttrValue::Strs(v) => v,
            AttrValue::Str(s) => vec![s],
            _ => return Err(Error::malformed("full_lt@trts", "not strings")),
        };
        let smlt = "full_lt/source_model_lt";
        Ok(FullLogicTree {
            seed: self.int_attr("full_lt", "seed")?,
            num_samples: self.int_attr("full_lt", "num_samples")?,
            oversampling: self.str_attr("full_lt", "oversampling").unwrap_or_default(),
            trts,
            gsim_lt,
            gsim_lt_attrs: logictree::GsimLtAttrs {
                bsetdict: self.str_attr("full_lt/gsim_lt", "bsetdict")?,
                filename: self
                    .str_attr("full_lt/gsim_lt", "filename")
                    .unwrap_or_default(),
            },
            source_model_lt,
            source_model_lt_attrs: logictree::SmltAttrs {
                branch_id: self.str_attr(smlt, "branchID").unwrap_or_default(),
                bsetdict: self.str_attr(smlt, "bsetdict")?,
                filename: self.str_attr(smlt, "filename").unwrap_or_default(),
                is_source_specific: self.int_attr(smlt, "is_source_specific").unwrap_or(0) != 0,
                num_paths: self.int_attr(smlt, "num_paths")?,
                num_samples: self.int_attr(smlt, "num_samples")?,
                sampling_method: self.str_attr(smlt, "sampling_method")?,
                seed: self.int_attr(smlt, "seed")?,
                source_id: self.str_attr(smlt, "source_id").unwrap_or_default(),
            },
            sm_data,
            source_data,
        })
    }

    /// Writes `full_lt` as OpenQuake does (packed compound tables of UTF-8 strings).
    pub fn write_full_lt(&self, lt: &FullLogicTree) -> Result<()> {
        let _guard = lock();
        let group = self.new_group("full_lt")?;
        fn table<T: H5Type>(group: &Group, name: &str, rows: Vec<T>) -> Result<hdf5::Dataset> {
            let path = format!("full_lt/{name}");
            group
                .new_dataset_builder()
                .packed(true)
                .with_data(&Array1::from(rows))
                .create(name)
                .at(&path)
        }
        let p = "full_lt/gsim_lt";
        let rows = lt
            .gsim_lt
            .iter()
            .map(|b| {
                Ok(GsimRow {
                    trt: vstr(&b.trt, p)?,
                    branch: vstr(&b.branch, p)?,
                    uncertainty: vstr(&b.uncertainty, p)?,
                    weight: b.weight,
                })
            })
            .collect::<Result<_>>()?;
        let ds = table(&group, "gsim_lt", rows)?;
        self.set_attrs(
            &ds,
            p,
            &[
                (
                    "__pyclass__",
                    AttrValue::Str(logictree::GSIM_LT_PYCLASS.into()),
                ),
                (
                    "bsetdict",
                    AttrValue::Str(lt.gsim_lt_attrs.bsetdict.clone()),
                ),
                (
                    "filename",
                    AttrValue::Str(lt.gsim_lt_attrs.filename.clone()),
                ),
            ],
        )?;
        let p = "full_lt/source_model_lt";
        let rows = lt
            .source_model_lt
            .iter()
            .map(|b| {
                Ok(SmltRow {
                    branchset: vstr(&b.branchset, p)?,
                    branch: vstr(&b.branch, p)?,
                    utype: vstr(&b.utype, p)?,
                    uvalue: vstr(&b.uvalue, p)?,
                    weight: b.weight,
                })
            })
            .collect::<Result<_>>()?;
        let ds = table(&group, "source_model_lt", rows)?;
        let a = &lt.source_model_lt_attrs;
        self.set_attrs(
            &ds,
            p,
            &[
                (
                    "__pyclass__",
                    AttrValue::Str(logictree::SMLT_PYCLASS.into()),
                ),
                ("branchID", AttrValue::Str(a.branch_id.clone())),
                ("bsetdict", AttrValue::Str(a.bsetdict.clone())),
                ("filename", AttrValue::Str(a.filename.clone())),
                ("is_source_specific", AttrValue::Bool(a.is_source_specific)),
                ("num_paths", AttrValue::Int(a.num_paths)),
                ("num_samples", AttrValue::Int(a.num_samples)),
                ("sampling_method", AttrValue::Str(a.sampling_method.clone())),
                ("seed", AttrValue::Int(a.seed)),
                ("source_id", AttrValue::Str(a.source_id.clone())),
            ],
        )?;
        let p = "full_lt/sm_data";
        let rows = lt
            .sm_data
            .iter()
            .map(|s| {
                Ok(SmDataRow {
                    name: vstr(&s.name, p)?,
                    weight: s.weight,
                    path: vstr(&s.path, p)?,
                    samples: s.samples,
                })
            })
            .collect::<Result<_>>()?;
        table(&group, "sm_data", rows)?;
        let p = "full_lt/source_data";
        let rows = lt
            .source_data
            .iter()
            .map(|s| {
                Ok(SourceDataRow {
                    branch: vstr(&s.branch, p)?,
                    trt: vstr(&s.trt, p)?,
                    fname: vstr(&s.fname, p)?,
                    source: vstr(&s.source, p)?,
                })
            })
            .collect::<Result<_>>()?;
        table(&group, "source_data", rows)?;
        self.set_attrs(
            &group,
            "full_lt",
            &[
                ("__pyclass__", AttrValue::Str(logictree::PYCLASS.into())),
                ("num_samples", AttrValue::Int(lt.num_samples)),
                ("oversampling", AttrValue::Str(lt.oversampling.clone())),
                ("seed", AttrValue::Int(lt.seed)),
                ("trts", AttrValue::Strs(lt.trts.clone())),
            ],
        )
    }

    /// The realizations derived from `full_lt` (see [`FullLogicTree::realizations`]).
    pub fn realizations(&self) -> Result<Vec<Realization>> {
        self.full_lt()?.realizations()
    }

    /// The realization weights (`weights`, f4).
    pub fn weights(&self) -> Result<Vec<f32>> {
        let _guard = lock();
        let raw = self.read_raw_unlocked("weights")?;
        Ok(raw
            .to_f64("weights")?
            .into_iter()
            .map(|w| w as f32)
            .collect())
    }

    /// Writes `weights` (f4 [R]).
    pub fn write_weights(&self, weights: &[f32]) -> Result<()> {
        let _guard = lock();
        let (parent, leaf) = self.prepare("weights")?;
        parent
            .new_dataset_builder()
            .with_data(weights)
            .create(leaf)
            .at("weights")?;
        Ok(())
    }

    // ---- hazard arrays --------------------------------------------------------------------

    /// Reads `hcurves-rlzs`, `hcurves-stats`, `hmaps-rlzs` or `hmaps-stats`.
    pub fn hazard(&self, kind: HazardKind) -> Result<HazardDataset> {
        let _guard = lock();
        let name = kind.dataset();
        if self.kind(name) != Some(LocationType::Dataset) {
            return Err(Error::Missing(name.into()));
        }
        let ds = self.file.dataset(name).at(name)?;
        if ds.ndim() != 4 {
            return Err(Error::malformed(
                name,
                format!("{} dimensions instead of 4", ds.ndim()),
            ));
        }
        let array = ds.read::<f32, Ix4>().at(name)?;
        let axes = HazardDataset::parse_axes(&self.str_attr(name, "json")?, name)?;
        if axes.len() != 4 {
            return Err(Error::malformed(name, "shape_descr does not have 4 axes"));
        }
        Ok(HazardDataset { array, axes })
    }

    /// Writes a hazard array (f4) with its `json` attribute.
    pub fn write_hazard(&self, kind: HazardKind, data: &HazardDataset) -> Result<()> {
        let _guard = lock();
        let name = kind.dataset();
        if data.axes.len() != 4 {
            return Err(Error::malformed(name, "axes: 4 expected"));
        }
        let (parent, leaf) = self.prepare(name)?;
        let ds = parent
            .new_dataset_builder()
            .with_data(&data.array)
            .create(leaf)
            .at(name)?;
        self.set_attrs(
            &ds,
            name,
            &[("json", AttrValue::Str(jsonfmt::dumps(&data.json_attr())))],
        )
    }
}
