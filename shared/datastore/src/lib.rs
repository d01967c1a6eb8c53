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
//!   z1pt0"`. Each column is a 1-D dataset of N sites: `sids` u4, `lon`, `lat`, `depth`,
//!   `vs30`, `z1pt0`, `z2pt5`, `z1pt4` f8, `vs30measured` bool (HDF5 enum of i8
//!   `FALSE`/`TRUE`), and only the site parameters the GSIMs need (case_01 has no `z1pt0`).
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
pub use sitecol::SiteCollection;
