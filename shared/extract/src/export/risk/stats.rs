//! `aggrisk-stats` / `aggcurves-stats`: the statistics over the realizations of `aggrisk` /
//! `aggcurves` (the `risk_stats` extract), `<key>-stats-_<calc>.csv` for the total and
//! `<key>-stats-<tags>_<calc>.csv` by the `aggregate_by` tags. Columns: the keys but
//! `agg_id` (`return_period`, `loss_type`), the stored value columns, `stat`, then the tags.
//! Values `%.5E`, except when f4 statistics (mean, max, std) and f8 ones (quantiles) are mixed:
//! then pandas holds them as objects and writes their `str`.

use std::path::PathBuf;

use oqcloud_datastore::Datastore;

use super::super::csv;
use super::super::{ExportError, Target};
use super::{Aggregation, extract_error, tagged_path};
use crate::extract::risk::stats::{Key, StatsTable, is_f4_statistic, table_stats};

/// Writes the statistics of `table` (`aggrisk` or `aggcurves`).
pub(super) fn export(
    ds: &Datastore,
    target: &Target,
    table: &str,
) -> Result<Vec<PathBuf>, ExportError> {
    let output_type = format!("{table}-stats");
    let StatsTable {
        keys,
        values,
        stats,
    } = table_stats(ds, table).map_err(extract_error(&output_type))?;
    let aggregation = Aggregation::read(ds, &output_type)?;
    let agg_ids: &[Key] = keys
        .iter()
        .find(|(name, _)| name == "agg_id")
        .map(|(_, v)| v.as_slice())
        .unwrap_or(&[]);
    let agg_id = |row: usize| match agg_ids.get(row) {
        Some(Key::Int(id)) => *id,
        _ => -1,
    };
    let f4 = stats.iter().filter(|s| is_f4_statistic(s)).count();
    let objects = f4 > 0 && f4 < stats.len();
    let cell = |value: f64, stat: &str| {
        if !objects {
            csv::pandas_float(value)
        } else if is_f4_statistic(stat) {
            csv::f32_str(value as f32)
        } else {
            csv::f64_str(value)
        }
    };
    let key_columns: Vec<&(String, Vec<Key>)> =
        keys.iter().filter(|(name, _)| name != "agg_id").collect();
    let meta = csv::datastore_metadata(ds)?;
    let mut files = Vec::new();
    for (tagnames, selected) in aggregation.files() {
        let mut header: Vec<String> = key_columns.iter().map(|(name, _)| name.clone()).collect();
        header.extend(values.iter().map(|(name, _)| name.clone()));
        header.push("stat".to_owned());
        header.extend(tagnames.iter().cloned());
        let mut rows = Vec::new();
        for row in (0..stats.len()).filter(|&r| selected(agg_id(r))) {
            let mut cells: Vec<String> = key_columns
                .iter()
                .map(|(_, column)| match &column[row] {
                    Key::Int(i) => i.to_string(),
                    Key::Str(s) => s.clone(),
                })
                .collect();
            cells.extend(values.iter().map(|(_, v)| cell(v[row], &stats[row])));
            cells.push(stats[row].clone());
            if !tagnames.is_empty() {
                cells.extend(aggregation.tags(agg_id(row))?.iter().cloned());
            }
            rows.push(cells);
        }
        let path = tagged_path(target, &output_type, tagnames);
        files.push(csv::write(path, &meta, &header, rows)?);
    }
    Ok(files)
}
