//! `aggrisk_tags`: the average aggregate losses by the values of the `aggregate_by` tags, as
//! the reference's `extract_aggrisk_tags`: one row per aggregation key with exposed value
//! and loss type (keys sorted, loss types by id), then one `*total*` row per loss type.
//! Columns: the tags and `loss_type` (`<U`; the reference pickles them), `value` (the
//! exposed value, f4), `lossmea` (the losses of `aggrisk` weighted by realization and
//! summed, f8) and the quantile columns of `aggrisk_quantiles` (f8) if any.

use std::collections::BTreeMap;
use std::ops::{Add, Sub};

use oqcloud_datastore::Datastore;

use super::super::npz::{NpyArray, Npz};
use super::super::{ExtractResult, Query, bad, malformed};
use super::curves::aggregate_tags;
use super::stats::{Column, ColumnValues, loss_type_name, read_table, weights};
use super::{loss_types, record_column};

/// One row of the output (before the totals).
struct Row {
    tags: Vec<String>,
    loss_type: String,
    value: f32,
    lossmea: f64,
    quantiles: Vec<f64>,
}

/// `aggrisk_tags`: see the module documentation.
pub(crate) fn aggrisk_tags(ds: &Datastore, query: &Query) -> ExtractResult {
    query.only("aggrisk_tags", &[])?;
    let tagnames = aggregate_tags(ds, "aggrisk_tags")?;
    if tagnames.is_empty() {
        return Err(bad("this calculation has no aggregate_by tags"));
    }
    if tagnames == ["ID_2"] {
        return Err(bad(
            "aggrisk_tags by ID_2 (named from the exposure's NAME_2) is not supported",
        ));
    }
    let losses = weighted_losses(ds)?;
    let (qfields, quantiles) = quantiles(ds)?;
    let keys = ds.read_dataset_raw("agg_keys")?.to_strings("agg_keys")?;
    let exposed = ds.read_dataset_raw("agg_values")?;
    let column = |name: &str| record_column(&exposed, "agg_values", name);
    let structural = column("structural")?;
    let known = loss_types(ds)?;
    let time_event = ds
        .oqparam()?
        .get_str("time_event")
        .unwrap_or("avg")
        .to_owned();
    let mut rows = Vec::new();
    for (&(agg_id, loss_id), &loss) in &losses {
        let lt = loss_type_name(loss_id)?;
        let exposed_row = usize::try_from(agg_id).ok().filter(|&a| a < keys.len());
        let Some(a) = exposed_row.filter(|&a| structural[a] > 0.0) else {
            continue;
        };
        if !known.iter().any(|k| k == lt) {
            continue;
        }
        let value_field = match lt {
            "affectedpop" => "residents".to_owned(),
            "occupants" | "injured" => format!("occupants_{time_event}"),
            other => other.to_owned(),
        };
        rows.push(Row {
            tags: keys[a].split('\t').map(str::to_owned).collect(),
            loss_type: lt.to_owned(),
            value: column(&value_field)?[a] as f32,
            lossmea: f64::from(loss),
            quantiles: quantiles
                .get(&(agg_id, loss_id))
                .cloned()
                .unwrap_or_else(|| vec![0.0; qfields.len()]),
        });
    }
    if rows.is_empty() {
        return Err(bad(
            "this calculation has no aggregate risk by tag (aggrisk)",
        ));
    }
    let totals = totals(&rows, tagnames.len());
    rows.extend(totals);
    Ok(table(&tagnames, &qfields, &rows))
}

/// The losses of `aggrisk` times the weight of their realization (f4), summed per
/// (agg_id, loss_id) as pandas sums a float32 group.
fn weighted_losses(ds: &Datastore) -> ExtractResult<ByKey<f32>> {
    let columns = read_table(ds, "aggrisk_tags", "aggrisk")?;
    let ints = |name: &str| match find(&columns, name) {
        Some(ColumnValues::Ints(v)) => Ok(v),
        _ => Err(malformed("aggrisk", &format!("no {name} column"))),
    };
    let (agg_ids, rlz_ids, loss_ids) = (ints("agg_id")?, ints("rlz_id")?, ints("loss_id")?);
    let Some(ColumnValues::Floats(losses)) = find(&columns, "loss") else {
        return Err(bad(
            "aggrisk_tags: aggrisk has no loss column (a damage calculation)",
        ));
    };
    let weights = weights(ds)?;
    let mut groups: ByKey<Vec<f32>> = BTreeMap::new();
    for row in 0..agg_ids.len() {
        let w = usize::try_from(rlz_ids[row])
            .ok()
            .and_then(|r| weights.get(r))
            .ok_or_else(|| malformed("aggrisk", "rlz_id out of range"))?;
        groups
            .entry((agg_ids[row], loss_ids[row]))
            .or_default()
            .push(losses[row] as f32 * w);
    }
    Ok(groups
        .into_iter()
        .map(|(key, values)| (key, kahan_sum(values)))
        .collect())
}

/// Values by (agg_id, loss_id), in key order.
type ByKey<T> = BTreeMap<(i64, i64), T>;

/// The columns of `aggrisk_quantiles` (`q15`, `q85`, ...) and their values by (agg_id,
/// loss_id); none when the calculation has no quantiles.
fn quantiles(ds: &Datastore) -> ExtractResult<(Vec<String>, ByKey<Vec<f64>>)> {
    if !ds.contains("aggrisk_quantiles") {
        return Ok((Vec::new(), BTreeMap::new()));
    }
    let columns = read_table(ds, "aggrisk_tags", "aggrisk_quantiles")?;
    let ints = |name: &str| match find(&columns, name) {
        Some(ColumnValues::Ints(v)) => Ok(v),
        _ => Err(malformed("aggrisk_quantiles", &format!("no {name} column"))),
    };
    let (agg_ids, loss_ids) = (ints("agg_id")?, ints("loss_id")?);
    let qcolumns: Vec<&Column> = columns
        .iter()
        .filter(|c| c.name != "agg_id" && c.name != "loss_id")
        .collect();
    let mut by_key = BTreeMap::new();
    for row in 0..agg_ids.len() {
        let values = qcolumns
            .iter()
            .map(|c| match &c.values {
                ColumnValues::Floats(v) => v[row],
                _ => f64::NAN,
            })
            .collect();
        by_key.insert((agg_ids[row], loss_ids[row]), values);
    }
    Ok((qcolumns.iter().map(|c| c.name.clone()).collect(), by_key))
}

/// The values of column `name`.
fn find<'a>(columns: &'a [Column], name: &str) -> Option<&'a ColumnValues> {
    columns.iter().find(|c| c.name == name).map(|c| &c.values)
}

/// One `*total*` row per loss type (sorted): the values, losses and quantiles summed as
/// pandas sums a group.
fn totals(rows: &[Row], num_tags: usize) -> Vec<Row> {
    let mut by_loss_type: BTreeMap<&str, Vec<&Row>> = BTreeMap::new();
    for row in rows {
        by_loss_type.entry(&row.loss_type).or_default().push(row);
    }
    by_loss_type
        .into_iter()
        .map(|(lt, group)| {
            let num_quantiles = group.first().map_or(0, |r| r.quantiles.len());
            Row {
                tags: vec!["*total*".to_owned(); num_tags],
                loss_type: lt.to_owned(),
                value: kahan_sum(group.iter().map(|r| r.value)),
                lossmea: kahan_sum(group.iter().map(|r| r.lossmea)),
                quantiles: (0..num_quantiles)
                    .map(|q| kahan_sum(group.iter().map(|r| r.quantiles[q])))
                    .collect(),
            }
        })
        .collect()
}

/// pandas' group sum: Kahan-compensated, in the values' own precision.
fn kahan_sum<T>(values: impl IntoIterator<Item = T>) -> T
where
    T: Copy + Default + PartialOrd + Add<Output = T> + Sub<Output = T>,
{
    let (mut sum, mut compensation) = (T::default(), T::default());
    for value in values {
        let y = value - compensation;
        let t = sum + y;
        compensation = (t - sum) - y;
        if compensation.partial_cmp(&compensation).is_none() {
            // NaN from an infinite value
            compensation = T::default();
        }
        sum = t;
    }
    sum
}

/// The output columns.
fn table(tagnames: &[String], qfields: &[String], rows: &[Row]) -> Npz {
    let mut npz = Npz::new();
    for (t, name) in tagnames.iter().enumerate() {
        let values: Vec<&str> = rows.iter().map(|r| r.tags[t].as_str()).collect();
        npz.add(name.clone(), NpyArray::unicode(&values));
    }
    let loss_types: Vec<&str> = rows.iter().map(|r| r.loss_type.as_str()).collect();
    npz.add("loss_type", NpyArray::unicode(&loss_types));
    npz.add(
        "value",
        NpyArray::f32(vec![rows.len()], rows.iter().map(|r| r.value)),
    );
    let lossmea: Vec<f64> = rows.iter().map(|r| r.lossmea).collect();
    npz.add("lossmea", NpyArray::f64s(&lossmea));
    for (q, name) in qfields.iter().enumerate() {
        let values: Vec<f64> = rows.iter().map(|r| r.quantiles[q]).collect();
        npz.add(name.clone(), NpyArray::f64s(&values));
    }
    npz
}
