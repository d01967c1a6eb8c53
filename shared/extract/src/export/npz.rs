//! `npz` exports of hazard curves, maps and spectra (and damages by asset): the extract of the output without
//! parameters (the site table `all` with a column per statistic, IMT and level or PoE, and
//! `investigation_time`), as OpenQuake's `export_hazard_npz` saves it for QGIS.

use std::path::PathBuf;

use oqcloud_datastore::Datastore;

use super::{ExportError, Target};
use crate::extract::{ExtractError, extract};

/// Writes `<output_type>_<calc>.npz` (also `damages-rlzs`, for the risk module).
pub(super) fn export(
    ds: &Datastore,
    target: &Target,
    output_type: &str,
) -> Result<Vec<PathBuf>, ExportError> {
    let npz = extract(ds, output_type, &[]).map_err(|err| match err {
        ExtractError::Datastore(err) => ExportError::Datastore(err),
        other => ExportError::missing(other.to_string(), output_type),
    })?;
    let bytes = npz.to_bytes().map_err(|reason| ExportError::Io {
        path: target.dir.to_path_buf(),
        source: std::io::Error::other(reason),
    })?;
    let path = target.path(output_type, "npz");
    std::fs::write(&path, bytes).map_err(|source| ExportError::Io {
        path: path.clone(),
        source,
    })?;
    Ok(vec![path])
}

/// `hcurves_<calc>.npz`.
pub(super) fn export_hcurves(ds: &Datastore, target: &Target) -> Result<Vec<PathBuf>, ExportError> {
    export(ds, target, "hcurves")
}

/// `hmaps_<calc>.npz`.
pub(super) fn export_hmaps(ds: &Datastore, target: &Target) -> Result<Vec<PathBuf>, ExportError> {
    export(ds, target, "hmaps")
}

/// `uhs_<calc>.npz`.
pub(super) fn export_uhs(ds: &Datastore, target: &Target) -> Result<Vec<PathBuf>, ExportError> {
    export(ds, target, "uhs")
}
