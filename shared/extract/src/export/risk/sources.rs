//! `src_loss_table`: one `src_loss_<loss type>_<calc>.csv` per loss type, the losses by
//! source (`source`, `value` `%.5E`), sources without losses left out; the metadata row adds
//! the investigation times.

use std::path::PathBuf;

use oqcloud_datastore::Datastore;

use super::super::csv;
use super::super::{ExportError, Target};
use super::metadata_with_times;

pub(super) fn export(ds: &Datastore, target: &Target) -> Result<Vec<PathBuf>, ExportError> {
    let meta = metadata_with_times(ds)?;
    let mut loss_types = ds.members("src_loss_table")?;
    loss_types.sort();
    let header = ["source", "value"].map(String::from);
    let mut files = Vec::new();
    for lt in loss_types {
        let path = format!("src_loss_table/{lt}");
        let values = ds.read_dataset_raw(&path)?.to_f64(&path)?;
        let json = ds.attr(&path, "json")?;
        let sources: Vec<String> = json
            .as_str()
            .and_then(|text| serde_json::from_str::<serde_json::Value>(text).ok())
            .and_then(|descr| {
                descr["source"].as_array().map(|s| {
                    s.iter()
                        .map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_owned))
                        .collect()
                })
            })
            .ok_or_else(|| ExportError::missing(format!("{path} json source"), "src_loss_table"))?;
        let rows = sources
            .iter()
            .zip(&values)
            .filter(|(_, v)| **v != 0.0)
            .map(|(source, v)| vec![source.clone(), csv::pandas_float(*v)]);
        let file = target.path(&format!("src_loss_{lt}"), "csv");
        files.push(csv::write(file, &meta, &header, rows)?);
    }
    Ok(files)
}
