//! Event-based outputs read from the events and ruptures: `events_<calc>.csv` (every stored
//! event), `event_based_mfd_<calc>.csv` (annual rate of ruptures by magnitude) and
//! `ruptures_<calc>.csv` (one row per rupture, from `rupture_info`), as OpenQuake writes them.

use std::path::PathBuf;

use oqcloud_datastore::Datastore;

use super::csv::{self, Meta, scientific, value};
use super::table::{Column, Table, npy_floats};
use super::{ExportError, Target};
use crate::extract::{ExtractError, Npz, extract};

/// The extract `what?params`, its failures as export errors.
pub(super) fn extracted(
    ds: &Datastore,
    what: &str,
    params: &[(&str, &str)],
) -> Result<Npz, ExportError> {
    let params: Vec<(String, String)> = params
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
    extract(ds, what, &params).map_err(|err| match err {
        ExtractError::Datastore(err) => ExportError::Datastore(err),
        other => ExportError::missing(other.to_string(), what),
    })
}

/// Member `name` of an extract.
pub(super) fn member<'a>(
    npz: &'a Npz,
    name: &str,
    what: &str,
) -> Result<&'a crate::extract::NpyArray, ExportError> {
    npz.get(name)
        .ok_or_else(|| ExportError::missing(name, what))
}

fn is_scenario(ds: &Datastore) -> Result<bool, ExportError> {
    Ok(ds
        .oqparam()?
        .calculation_mode()
        .unwrap_or_default()
        .contains("scenario"))
}

/// `events_<calc>.csv`: the `events` table as stored (`id` as `event_id`), numbers as they
/// are.
pub(super) fn export_events(ds: &Datastore, target: &Target) -> Result<Vec<PathBuf>, ExportError> {
    let mut table = Table::from_records(&ds.read_dataset_raw("events")?, "events")?;
    table.rename("id", "event_id");
    let rows = table.numpy_rows(oqcloud_model::jobini::float_repr);
    let meta = csv::datastore_metadata(ds)?;
    let path = target.path("events", "csv");
    Ok(vec![csv::write(path, &meta, &table.names, rows)?])
}

/// `event_based_mfd_<calc>.csv`: `mag` (rounded to 0.1) and `freq` in `%.7e`; nothing for a
/// calculation without an investigation time (a scenario).
pub(super) fn export_mfd(ds: &Datastore, target: &Target) -> Result<Vec<PathBuf>, ExportError> {
    if ds.oqparam()?.investigation_time().is_none() {
        return Ok(Vec::new());
    }
    let npz = extracted(ds, "event_based_mfd", &[])?;
    let mags = npy_floats(member(&npz, "mag", "event_based_mfd")?, "mag")?;
    let freqs = npy_floats(member(&npz, "freq", "event_based_mfd")?, "freq")?;
    let seven = |x: f64| scientific(x, 7, false);
    let rows = mags.iter().zip(&freqs).map(|(&mag, &freq)| {
        let rounded = (mag * 10.0).round_ties_even() / 10.0;
        vec![seven(rounded), seven(freq)]
    });
    let meta = csv::datastore_metadata(ds)?;
    let header = ["mag", "freq"].map(String::from);
    let path = target.path("event_based_mfd", "csv");
    Ok(vec![csv::write(path, &meta, &header, rows)?])
}

/// `ruptures_<calc>.csv`: `rupture_info` without boundaries, by rupture id, floats in
/// `%.6E`, with the investigation time and SES per logic-tree path in the metadata;
/// nothing for a scenario.
pub(super) fn export_ruptures(
    ds: &Datastore,
    target: &Target,
) -> Result<Vec<PathBuf>, ExportError> {
    if is_scenario(ds)? {
        return Ok(Vec::new());
    }
    let npz = extracted(ds, "rupture_info", &[("boundaries", "no")])?;
    let table = Table::from_npy(member(&npz, "array", "rupture_info")?, "rupture_info")?;
    let Some(Column::Int(ids)) = table.column("rup_id") else {
        return Err(ExportError::missing("rup_id", "rupture_info"));
    };
    let mut order: Vec<usize> = (0..ids.len()).collect();
    order.sort_by_key(|&i| ids[i]);
    let table = table.take(&order);
    let oq = ds.oqparam()?;
    let mut meta = csv::datastore_metadata(ds)?;
    if let Some(t) = oq.investigation_time() {
        meta.push(("investigation_time", Meta::Float(t)));
    }
    let ses = oq.params.get("ses_per_logic_tree_path");
    meta.push((
        "ses_per_logic_tree_path",
        Meta::Int(ses.and_then(|v| v.as_i64()).unwrap_or(1)),
    ));
    let rows = table.numpy_rows(value);
    let path = target.path("ruptures", "csv");
    Ok(vec![csv::write(path, &meta, &table.names, rows)?])
}
