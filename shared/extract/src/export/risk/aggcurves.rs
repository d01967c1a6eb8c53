//! `aggcurves`: the aggregate loss curves by realization, `aggcurves-_<calc>.csv` for the
//! total and `aggcurves-<tags>_<calc>.csv` by the `aggregate_by` tags. Rows by aggregation
//! key, realization and loss type, in stored order within; columns the tags,
//! `return_period`, `loss_type`, `rlz_id` (with several realizations), and each consequence
//! (`loss`, `loss_oep`, ...) as `<c>_value` and `<c>_ratio` (over the exposed value of the
//! key, in f4). The metadata row adds `risk_investigation_time`, `num_events`,
//! `effective_time` and `limit_states`. Floats `%.5E`.

use std::collections::BTreeMap;
use std::path::PathBuf;

use oqcloud_datastore::{AttrValue, Datastore};

use super::super::csv::{self, Meta};
use super::super::{ExportError, Target};
use super::aggrisk::{ExposedValues, Table, loss_type_name};
use super::{
    Aggregation, extract_error, flag, pandas_cell, risk_investigation_time, tagged_path, time_event,
};
use crate::extract::risk::stats::{ColumnValues, weights};

/// The consequences the reference knows (`KNOWN_CONSEQUENCES`), without an `_aep`/`_oep`
/// suffix.
const CONSEQUENCES: [&str; 10] = [
    "loss",
    "pla_loss",
    "losses",
    "collapsed",
    "injured",
    "fatalities",
    "homeless",
    "non_operational",
    "loss_aep",
    "loss_oep",
];

/// A column name without its `_aep`/`_oep` suffix.
fn unsuffixed(column: &str) -> &str {
    column
        .strip_suffix("_aep")
        .or_else(|| column.strip_suffix("_oep"))
        .unwrap_or(column)
}

pub(super) fn export(ds: &Datastore, target: &Target) -> Result<Vec<PathBuf>, ExportError> {
    let table = Table::read(ds, "aggcurves")?;
    let aggregation = Aggregation::read(ds, "aggcurves")?;
    let exposed = ExposedValues::read(ds)?;
    let time_event = time_event(ds)?;
    let oq = ds.oqparam()?;
    let num_rlzs = weights(ds).map_err(extract_error("aggcurves"))?.len();
    let many_rlzs = !flag(&oq, "collect_rlzs", false) && num_rlzs > 1;

    let mut meta = csv::datastore_metadata(ds)?;
    if let Some(time) = risk_investigation_time(ds)? {
        meta.push(("risk_investigation_time", Meta::Float(time)));
    }
    let num_events = ds.read_dataset_raw("events")?.len();
    meta.push(("num_events", Meta::Int(num_events as i64)));
    let ses = oq
        .params
        .get("ses_per_logic_tree_path")
        .and_then(|v| v.as_f64())
        .unwrap_or(1.0);
    let time = oq.investigation_time().unwrap_or(0.0);
    meta.push(("effective_time", Meta::Float(time * ses * num_rlzs as f64)));
    let limit_states = match ds.attr("aggcurves", "limit_states")? {
        AttrValue::Str(s) => s,
        AttrValue::Strs(s) => s.join(" "),
        _ => String::new(),
    };
    meta.push(("limit_states", Meta::Str(limit_states)));

    let (agg_ids, rlz_ids, loss_ids) = (
        table.ints("agg_id")?,
        table.ints("rlz_id")?,
        table.ints("loss_id")?,
    );
    let is_consequence = |name: &str| CONSEQUENCES.contains(&unsuffixed(name));
    let others: Vec<&str> = table
        .columns
        .iter()
        .map(|c| c.name.as_str())
        .filter(|name| {
            !is_consequence(name)
                && !["agg_id", "rlz_id", "loss_id"].contains(name)
                && unsuffixed(name) == *name
        })
        .collect();
    let consequences: Vec<(&str, &[f64])> = table
        .columns
        .iter()
        .filter(|c| is_consequence(&c.name))
        .map(|c| match &c.values {
            ColumnValues::Floats(v) => Ok((c.name.as_str(), v.as_slice())),
            _ => Err(table.malformed(&c.name)),
        })
        .collect::<Result<_, _>>()?;

    let mut files = Vec::new();
    for (tagnames, selected) in aggregation.files() {
        let mut groups: BTreeMap<(i64, i64, i64), Vec<usize>> = BTreeMap::new();
        for row in (0..agg_ids.len()).filter(|&r| selected(agg_ids[r])) {
            let key = (agg_ids[row], rlz_ids[row], loss_ids[row]);
            groups.entry(key).or_default().push(row);
        }
        let mut header: Vec<String> = tagnames.to_vec();
        header.extend(others.iter().map(|s| s.to_string()));
        header.push("loss_type".to_owned());
        if many_rlzs {
            header.push("rlz_id".to_owned());
        }
        for (name, _) in &consequences {
            header.extend([format!("{name}_value"), format!("{name}_ratio")]);
        }
        let mut rows = Vec::new();
        for ((agg_id, rlz_id, loss_id), group) in groups {
            let loss_type = loss_type_name(loss_id)?;
            if loss_type == "claim" {
                continue;
            }
            let exposed_type = if loss_type == "occupants" {
                format!("occupants_{time_event}")
            } else {
                loss_type.to_owned()
            };
            let tags = if tagnames.is_empty() {
                &[][..]
            } else {
                aggregation.tags(agg_id)?
            };
            for &row in &group {
                let mut cells: Vec<String> = tags.to_vec();
                for name in &others {
                    let column = table.column(name).ok_or_else(|| table.malformed(name))?;
                    cells.push(pandas_cell(column, row));
                }
                cells.push(loss_type.to_owned());
                if many_rlzs {
                    cells.push(rlz_id.to_string());
                }
                for (name, column) in &consequences {
                    let value = column[row] as f32;
                    let exposed =
                        exposed.value(unsuffixed(name), agg_id, &exposed_type, &time_event)?;
                    cells.push(csv::pandas_float(f64::from(value)));
                    cells.push(csv::pandas_float(f64::from(value / exposed)));
                }
                rows.push(cells);
            }
        }
        let path = tagged_path(target, "aggcurves", tagnames);
        files.push(csv::write(path, &meta, &header, rows)?);
    }
    Ok(files)
}
