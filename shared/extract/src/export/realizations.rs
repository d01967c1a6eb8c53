//! `realizations_<calc>.csv`: id, branch path and weight of every realization.

use std::path::PathBuf;

use oqcloud_datastore::Datastore;

use super::csv::{self, scientific};
use super::{ExportError, Target};

pub(super) fn export(ds: &Datastore, target: &Target) -> Result<Vec<PathBuf>, ExportError> {
    let meta = csv::datastore_metadata(ds)?;
    let header = ["rlz_id", "branch_path", "weight"].map(String::from);
    let rows = ds.realizations()?.into_iter().map(|rlz| {
        vec![
            rlz.ordinal.to_string(),
            rlz.branch_path,
            // OpenQuake's realizations carry f4 weights
            scientific(f64::from(rlz.weight as f32), 7, false),
        ]
    });
    Ok(vec![csv::write(
        target.path("realizations", "csv"),
        &meta,
        &header,
        rows,
    )?])
}
