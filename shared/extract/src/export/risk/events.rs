//! `risk_by_event`: `risk_by_event_<calc>.csv`, the total losses or damage of each event (the
//! rows of `risk_by_event` at the total aggregation id `K`), joined to the events. Columns:
//! `event_id`, the stored values but `variance` (`dmg_<i>` named by the limit states),
//! `loss_type`, then `rup_id` and `year` (not for scenarios). Rows by loss type and
//! realization, by increasing loss within (damage: by loss type and event). Floats `%.5E`;
//! the metadata row adds the investigation times (not for scenarios).

use std::collections::HashMap;
use std::path::PathBuf;

use oqcloud_datastore::{AttrValue, Datastore};

use super::super::csv;
use super::super::{ExportError, Target};
use super::aggrisk::{Table, loss_type_name};
use super::{flag, metadata_with_times, pandas_cell};

pub(super) fn export(ds: &Datastore, target: &Target) -> Result<Vec<PathBuf>, ExportError> {
    let oq = ds.oqparam()?;
    let scenario = oq
        .calculation_mode()
        .is_some_and(|mode| mode.contains("scenario"));
    let meta = if scenario {
        csv::datastore_metadata(ds)?
    } else {
        metadata_with_times(ds)?
    };
    let table = Table::read(ds, "risk_by_event")?;
    let total = match ds.attr("risk_by_event", "K") {
        Ok(AttrValue::Int(k)) => k,
        _ => 0,
    };
    let limit_states: Vec<String> = match ds.attr("risk_by_event", "limit_states") {
        Ok(AttrValue::Str(s)) => s.split_whitespace().map(str::to_owned).collect(),
        _ => Vec::new(),
    };
    let (agg_ids, event_ids, loss_ids) = (
        table.ints("agg_id")?,
        table.ints("event_id")?,
        table.ints("loss_id")?,
    );
    let events = ds.read_dataset_raw("events")?;
    let event_column = |name: &str| -> Result<Vec<i64>, ExportError> {
        Ok(events
            .field(name)
            .ok_or_else(|| table.malformed(&format!("events {name}")))?
            .to_i64("events")?)
    };
    let row_of_event: HashMap<i64, usize> = event_column("id")?
        .into_iter()
        .enumerate()
        .map(|(row, id)| (id, row))
        .collect();
    let (rup_ids, years) = (event_column("rup_id")?, event_column("year")?);
    let event_rlzs = event_column("rlz_id")?;
    let collect = flag(&oq, "collect_rlzs", false);
    let event_row = |event: i64| {
        row_of_event
            .get(&event)
            .copied()
            .ok_or_else(|| table.malformed(&format!("event {event}")))
    };

    let values: Vec<&str> = table
        .columns
        .iter()
        .map(|c| c.name.as_str())
        .filter(|name| !["event_id", "agg_id", "loss_id", "variance"].contains(name))
        .collect();
    let mut rows: Vec<usize> = (0..agg_ids.len())
        .filter(|&r| agg_ids[r] == total)
        .collect();
    if let Some(crate::extract::risk::stats::ColumnValues::Floats(losses)) = table.column("loss") {
        let mut keyed = Vec::with_capacity(rows.len());
        for &r in &rows {
            let rlz = if collect {
                0
            } else {
                event_rlzs[event_row(event_ids[r])?]
            };
            keyed.push((loss_ids[r], rlz, r));
        }
        // stable: rows of equal losses keep their stored order (the reference's quicksort
        // may order such ties otherwise; none in the reference datastores)
        keyed.sort_by(|a, b| {
            (a.0, a.1)
                .cmp(&(b.0, b.1))
                .then(losses[a.2].total_cmp(&losses[b.2]))
        });
        rows = keyed.into_iter().map(|(_, _, r)| r).collect();
    } else {
        rows.sort_by_key(|&r| (loss_ids[r], event_ids[r]));
    }

    let mut header = vec!["event_id".to_owned()];
    for name in &values {
        let state = name
            .strip_prefix("dmg_")
            .and_then(|i| i.parse::<usize>().ok())
            .and_then(|i| i.checked_sub(1))
            .and_then(|i| limit_states.get(i));
        header.push(state.cloned().unwrap_or_else(|| name.to_string()));
    }
    header.push("loss_type".to_owned());
    if !scenario {
        header.extend(["rup_id".to_owned(), "year".to_owned()]);
    }
    let mut out = Vec::with_capacity(rows.len());
    for r in rows {
        let mut cells = vec![event_ids[r].to_string()];
        for name in &values {
            let column = table.column(name).ok_or_else(|| table.malformed(name))?;
            cells.push(pandas_cell(column, r));
        }
        cells.push(loss_type_name(loss_ids[r])?.to_owned());
        if !scenario {
            let e = event_row(event_ids[r])?;
            cells.extend([rup_ids[e].to_string(), years[e].to_string()]);
        }
        out.push(cells);
    }
    Ok(vec![csv::write(
        target.path("risk_by_event", "csv"),
        &meta,
        &header,
        out,
    )?])
}
