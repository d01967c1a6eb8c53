//! OpenQuake's HDF5 datastore (`calc_<id>.hdf5`), read and written.
//!
//! The same files come from the reference engine (OpenQuake 3.26.2) and from oqcloud's native
//! engine; results, export and extract read both through [`Datastore`].
//!
//! # Layout (observed on OpenQuake 3.26.2 classical calculations)
//!
//! All strings written by OpenQuake are HDF5 *variable-length UTF-8* strings (h5py's
//! `object` dtype); compound datasets are *packed* (numpy layout, no alignment padding).
//!
//! * **File attributes**: `engine_version` (vlen str, `"3.26.2"`), `date` (vlen str, ISO
//!   seconds), `checksum32` (i64) and `input_size` (i64).
//! * **`oqparam`**: a *scalar* dataset holding one vlen string: the job parameters as JSON,
//!   attribute `__pyclass__ = "openquake.commonlib.oqvalidation.OqParam"`. The JSON text is
//!   OpenQuake's own `hdf5.dumps` format: `{` + entries joined by `,`, each entry on a new line
//!   (`\n"key": value`) + `}`; nested objects (`inputs`, `hazard_imtls`,
//!   `maximum_distance`) use the same format recursively, every other value is Python's
//!   `json.dumps` (`", "` and `": "` separators, ASCII-only escapes, Python float repr).
//!   `hazard_imtls` maps each IMT to its levels in job order; `poes`, `investigation_time`,
//!   `calculation_mode`, `description` and `inputs` (server paths) are there too.
//! * **`sitecol`**: a *group* (not a compound dataset since 3.x) with attributes
//!   `__pyclass__ = "openquake.hazardlib.site.SiteCollection"` and `__pdcolumns__`, the
//!   space-separated column names in order, e.g. `"sids lon lat depth vs30 vs30measured
//!   z1pt0"`. Each column is a 1-D dataset of N sites, typed as OpenQuake's `site_param_dt`
//!   ([`site_param_dtype`]): `sids` u4, `lon`, `lat`, `depth`, `vs30`, `z1pt0`, `z2pt5`,
//!   `z1pt4`, `z_sed`, `xvf` f8, `vs30measured` and `bas` bool (HDF5 enum of i8
//!   `FALSE`/`TRUE`), `backarc` u1 (0 forearc, 1 backarc, 2 along the arc), `soiltype` and
//!   `region` u4, `siteclass` `|S1`, `custom_site_id` `|S8`.
//!   The columns are those OpenQuake 3.26's `SiteCollection.from_points` and the site
//!   association give, measured on the QA cases (`sitecol-3.26.txt` beside their job.ini):
//!   1. `sids lon lat depth`, then the site parameters the job's GSIMs require (those of
//!      every tectonic region type of the GSIM logic tree, `lon`/`lat` left out), sorted by
//!      name; `vs30measured` next when `vs30` is required and it is not;
//!   2. when the sites are the rows of a site model (`site_model_file` alone, or
//!      `sites_csv`, which OpenQuake reads as one), every other column of that file is
//!      appended (OpenQuake appends them in the iteration order of a Python `set`, which
//!      varies from run to run when there are two or more); otherwise (`sites`, a region
//!      grid, with or without a site model to take the parameters from) `vs30` and
//!      `vs30measured` are appended when not there yet;
//!   3. with `sites_csv` and a `reference_vs30_value` (`prefer_global_site_params`) `vs30`,
//!      `vs30measured`, `z1pt0` and `z2pt5` are appended when not there yet.
//!
//!   So case_01 (`sites`, SadighEtAl1997) has `vs30 vs30measured`, case_42 (BC Hydro)
//!   `backarc vs30 vs30measured`, case_32 (a site model of `siteclass`, McVerry2006AscSC)
//!   only `siteclass`, case_87 (site model `lon,lat,vs30,vs30measured,region,z_sed`)
//!   `vs30 z_sed vs30measured region`, case_13 (`sites_csv` with an `xvf` column)
//!   `vs30 z1pt4 vs30measured xvf z1pt0 z2pt5`.
//!   The reference engine reorders the sites of the job (they are not in `sites` order).
//!   `extract/sitecol` turns the group into one compound array with the same field names in
//!   `__pdcolumns__` order.
//! * **`full_lt`**: a group, attributes `__pyclass__` (`...logictree.FullLogicTree`),
//!   `seed` i64, `num_samples` i64, `oversampling` str, `trts` 1-D vlen str. Datasets:
//!   `gsim_lt` (trt, branch, uncertainty: str; weight f8 — extra f8 columns per IMT for
//!   IMT-dependent weights) with attributes `__pyclass__`, `bsetdict` (JSON), `filename`;
//!   `source_model_lt` (branchset, branch, utype, uvalue: str; weight f8) with attributes
//!   `__pyclass__`, `branchID`, `bsetdict`, `filename`, `is_source_specific` bool,
//!   `num_paths`, `num_samples`, `seed` i64, `sampling_method`, `source_id`; `sm_data`
//!   (name str, weight f4, path str, samples u4 — the number of realizations of that source
//!   model); `source_data` (branch, trt, fname, source: str).
//!   **Realizations are not stored**: OpenQuake derives them from `full_lt`. With full
//!   enumeration (`num_samples` = 0) they are, for each `sm_data` row, the cartesian product
//!   of the GSIM branches grouped by TRT (TRTs sorted, branches in stored order); weight =
//!   source-model weight × GSIM branch weights, renormalised when the sum is not 1; branch
//!   path = `<smlt>~<gslt>`, each part one character per branchset (the `BASE183` letter of
//!   the branch's index in its branchset), or just `A` when that tree has a single branch in
//!   all. Sampled trees need numpy's PCG64 streams and are not derived here.
//! * **`weights`**: f4 [R], the realization weights.
//! * **Hazard arrays**, all f4, with a `json` attribute (vlen str, `hdf5.dumps` format)
//!   describing the axes: `{"shape_descr": [axis names], <axis>: count or labels, ...}`.
//!   - `hcurves-rlzs` (N, R, M, L): axes `site_id` (N), `rlz_id` (R), `imt` ([names]),
//!     `lvl` (L as a count);
//!   - `hcurves-stats` (N, S, M, L): `site_id`, `stat` ([`mean`, `quantile-0.15`, ...]),
//!     `imt`, `lvl` ([0, 1, ..., L-1]);
//!   - `hmaps-rlzs` (N, R, M, P) and `hmaps-stats` (N, S, M, P): last axis `poe` ([poes]).
//!
//!   `-rlzs` datasets exist only with `individual_rlzs = true` or a single realization;
//!   `-stats` only with statistics and R > 1 (the 1-realization case_01 still writes
//!   `hcurves-stats` with `mean`). All IMTs share one level count L. **There is no `uhs`
//!   dataset**: uniform hazard spectra are computed from `hmaps-*` when extracted/exported.
//! * Other datasets (`_rates`, `rup`, `source_data`, `source_info`, `task_info`,
//!   `performance_data`, `gsims`, `toms`, `trt_smrs`, ...) are engine internals; read them
//!   with [`Datastore::read_dataset_raw`]. Groups carrying `__pdcolumns__` are column-wise
//!   tables (pandas DataFrames).
//!
//! # File format version
//!
//! OpenQuake 3.26 writes through h5py built on HDF5 2.0 with `libver='latest'`: compound,
//! bool (enum) and chunked datasets use object-header message versions that HDF5 1.10
//! (Debian's `libhdf5-dev`) rejects. This crate therefore links HDF5 2.x built from source
//! and statically (hdf5-metno's `static` feature; building it needs CMake >= 3.26, see
//! `infra/build-tools.sh`), which reads every dataset of those files. A file in a format
//! newer than the linked library fails with [`Error::Unsupported`] naming the dataset.
//! Files written by this crate use HDF5's default format bounds and are read by h5py and
//! OpenQuake.
//!
//! # Concurrency
//!
//! Every HDF5 call made by this crate holds one process-wide lock, so a [`Datastore`] can be
//! used from several threads (each call is serialised).

mod datastore;
mod error;
mod hazard;
mod jsonfmt;
mod logictree;
mod oqparam;
mod raw;
mod sitecol;

pub use datastore::Datastore;
pub use error::{Error, Result};
pub use hazard::{Axis, HazardDataset, HazardKind};
pub use jsonfmt::dumps as hdf5_dumps;
pub use logictree::{
    FullLogicTree, GsimBranch, GsimLtAttrs, Realization, SmRealization, SmltAttrs, SmltBranch,
    SourceBranch,
};
pub use oqparam::OqParam;
pub use raw::{AttrValue, DType, Field, RawArray};
pub use sitecol::{SiteCollection, SiteValues, site_param_dtype};
