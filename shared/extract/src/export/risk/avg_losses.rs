//! `avg_losses-rlzs` / `avg_losses-stats`: one `avg_losses-<rlz-NNN or statistic>_<calc>.csv`
//! per realization or statistic, the asset table (`asset_id`, the tags in name order, `lon`,
//! `lat`) with the average loss of each loss type (`%.5E`); `avg_losses_by`: one
//! `avg_losses_by_-<tag>_<calc>.csv` per tag, the stored table without a metadata row.

use std::path::PathBuf;

use oqcloud_datastore::Datastore;

use super::super::csv::{self, scientific};
use super::super::{ExportError, Target};
use super::{extract_error, metadata_with_times, pandas_cell};
use crate::extract::risk::assets::Assets;
use crate::extract::risk::stats::read_table;
use crate::extract::risk::{hazard_stats, loss_types};

/// Writes `avg_losses-rlzs` or `avg_losses-stats` (stored statistics only).
pub(super) fn export(
    ds: &Datastore,
    target: &Target,
    output_type: &str,
) -> Result<Vec<PathBuf>, ExportError> {
    let missing = |what: &str| ExportError::missing(what, output_type);
    let loss_types = loss_types(ds).map_err(extract_error(output_type))?;
    let mut columns = Vec::new();
    for lt in &loss_types {
        let path = format!("{output_type}/{lt}");
        if !ds.contains(&path) {
            return Err(missing(&path));
        }
        let raw = ds.read_dataset_raw(&path)?;
        let width = raw.shape.get(1).copied().unwrap_or(1);
        columns.push((raw.to_f64(&path)?, width));
    }
    let width = columns.first().map_or(0, |c| c.1);
    let names = if output_type == "avg_losses-stats" {
        hazard_stats(ds).map_err(extract_error(output_type))?
    } else {
        (0..width).map(|r| format!("rlz-{r:03}")).collect()
    };
    if names.len() != width || columns.iter().any(|c| c.1 != width) {
        return Err(missing("one column per realization or statistic"));
    }
    let assets = Assets::read(ds).map_err(extract_error(output_type))?;
    let (mut header, asset_rows) = assets.text_table();
    header[0] = "asset_id".to_owned();
    header.extend(loss_types.iter().cloned());
    let meta = metadata_with_times(ds)?;
    let mut files = Vec::new();
    for (k, name) in names.iter().enumerate() {
        let rows = asset_rows.iter().enumerate().map(|(a, row)| {
            let mut row = row.clone();
            row.extend(
                columns
                    .iter()
                    .map(|(values, _)| scientific(values[a * width + k], 5, true)),
            );
            row
        });
        let path = target.path(&format!("avg_losses-{name}"), "csv");
        files.push(csv::write(path, &meta, &header, rows)?);
    }
    Ok(files)
}

/// Writes `avg_losses_by`: the stored tables `avg_losses_by/<tag>` as pandas writes them.
pub(super) fn export_by(ds: &Datastore, target: &Target) -> Result<Vec<PathBuf>, ExportError> {
    let mut files = Vec::new();
    let mut tags = ds.members("avg_losses_by")?;
    tags.sort();
    for tag in tags {
        let table = format!("avg_losses_by/{tag}");
        let columns = read_table(ds, "avg_losses_by", &table).map_err(extract_error(&table))?;
        let header: Vec<String> = columns.iter().map(|c| c.name.clone()).collect();
        let len = columns.first().map_or(0, |c| c.values.len());
        let rows = (0..len).map(|i| columns.iter().map(|c| pandas_cell(&c.values, i)).collect());
        let path = target.path(&format!("avg_losses_by_-{tag}"), "csv");
        files.push(csv::write(path, &[], &header, rows)?);
    }
    Ok(files)
}
