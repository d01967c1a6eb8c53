//! `damages-rlzs` / `damages-stats` as CSV: one file per realization (`rlz-NNN`) or for the
//! mean, the asset table (`asset_id`, the tags in name order, `lon`, `lat`) with the damage
//! fields (`<loss type>-<damage state or consequence>`, `%.6E`). Scenario damage writes
//! `avg_damages-*` with every field; event based damage writes `avg_risk-*` with the
//! consequences only, times the events' rate (events × time ratio / realizations), and
//! nothing without consequences. `mean` is the only statistic written.

use std::path::PathBuf;

use oqcloud_datastore::{AttrValue, DType, Datastore};

use super::super::csv::{self, scientific};
use super::super::{ExportError, Target};
use super::{extract_error, metadata_with_times};
use crate::extract::risk::assets::Assets;

pub(super) fn export(
    ds: &Datastore,
    target: &Target,
    output_type: &str,
) -> Result<Vec<PathBuf>, ExportError> {
    let missing = |what: &str| ExportError::missing(what, output_type);
    if !ds.contains(output_type) {
        return Err(missing(output_type));
    }
    let oq = ds.oqparam()?;
    let damages = ds.read_dataset_raw(output_type)?;
    let [num_assets, width] = damages.shape[..] else {
        return Err(missing("[assets, realizations or statistics]"));
    };
    let DType::Compound { fields, .. } = &damages.dtype else {
        return Err(missing("damage records"));
    };
    let event_based = oq.calculation_mode() == Some("event_based_damage");
    let consequences = match ds.attr("crm", "consequences")? {
        AttrValue::Strs(names) => names,
        AttrValue::Str(name) => vec![name],
        _ => Vec::new(),
    };
    // the reference writes the consequences of event based damage as rates
    let (fields, rate): (Vec<_>, Option<f32>) = if event_based {
        if consequences.is_empty() {
            return Ok(Vec::new());
        }
        let events = ds.read_dataset_raw("events")?.len() as f64;
        let rate = events * time_ratio(ds)? / ds.weights()?.len() as f64;
        let fields = fields
            .iter()
            .filter(|f| consequences.iter().any(|c| f.name.ends_with(c.as_str())))
            .collect();
        (fields, Some(rate as f32))
    } else {
        (fields.iter().collect(), None)
    };
    let columns = fields
        .iter()
        .map(|f| {
            damages
                .field(&f.name)
                .ok_or_else(|| missing(&f.name))?
                .to_f64(output_type)
                .map_err(ExportError::from)
        })
        .collect::<Result<Vec<_>, _>>()?;
    let assets = Assets::read(ds).map_err(extract_error(output_type))?;
    if assets.len() != num_assets {
        return Err(missing("one row per asset"));
    }
    let (mut header, asset_rows) = assets.text_table();
    header[0] = "asset_id".to_owned();
    header.extend(fields.iter().map(|f| f.name.clone()));
    let names: Vec<String> = if output_type == "damages-stats" {
        vec!["mean".to_owned()]
    } else {
        (0..width).map(|r| format!("rlz-{r:03}")).collect()
    };
    let stem = if event_based {
        "avg_risk"
    } else {
        "avg_damages"
    };
    let meta = metadata_with_times(ds)?;
    let mut files = Vec::new();
    for (k, name) in names.iter().enumerate() {
        let rows = asset_rows.iter().enumerate().map(|(a, row)| {
            let mut row = row.clone();
            row.extend(columns.iter().map(|values| {
                let value = values[a * width + k] as f32;
                let value = rate.map_or(value, |rate| value * rate);
                scientific(f64::from(value), 6, true)
            }));
            row
        });
        let path = target.path(&format!("{stem}-{name}"), "csv");
        files.push(csv::write(path, &meta, &header, rows)?);
    }
    Ok(files)
}

/// `risk_investigation_time` (or `investigation_time`) over the effective investigation time
/// of a realization (`investigation_time` × `ses_per_logic_tree_path`).
fn time_ratio(ds: &Datastore) -> Result<f64, ExportError> {
    let oq = ds.oqparam()?;
    let missing = || ExportError::missing("investigation_time", "event based damage");
    let time = oq.investigation_time().ok_or_else(missing)?;
    let ses = oq
        .params
        .get("ses_per_logic_tree_path")
        .and_then(|v| v.as_f64())
        .unwrap_or(1.0);
    let risk_time = super::risk_investigation_time(ds)?.unwrap_or(time);
    Ok(risk_time / (time * ses))
}
