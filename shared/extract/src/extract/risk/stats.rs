//! `risk_stats/<table>`: the statistics over the realizations of a risk table by
//! realization and loss type (`aggrisk`, `aggcurves`, ...), as the reference's `calc_stats`:
//! one row per key (`agg_id`, `return_period` if any, `loss_type`, sorted) and statistic,
//! with the table's value columns (f4; f8 with quantiles, where the reference pickles them)
//! and `stat` (`<U`; the reference pickles the strings).

use std::collections::BTreeMap;

use oqcloud_datastore::{DType, Datastore};

use super::super::npz::{NpyArray, Npz};
use super::super::{ExtractResult, Query, bad, malformed};
use super::assets::pairwise_sum;
use super::curves::LOSS_TYPES;
use super::{argument, hazard_stats};

/// The key columns of the reference's `calc_stats` (the others but `rlz_id` are values).
const KEY_FIELDS: [&str; 3] = ["agg_id", "return_period", "loss_type"];

/// One column of a table.
pub(crate) struct Column {
    pub(crate) name: String,
    pub(crate) values: ColumnValues,
}

/// The values of a column: integers, strings or floats.
pub(crate) enum ColumnValues {
    Ints(Vec<i64>),
    Strs(Vec<String>),
    Floats(Vec<f64>),
}

impl ColumnValues {
    /// The number of rows.
    pub(crate) fn len(&self) -> usize {
        match self {
            ColumnValues::Ints(v) => v.len(),
            ColumnValues::Strs(v) => v.len(),
            ColumnValues::Floats(v) => v.len(),
        }
    }
}

/// A key of a row: `agg_id`, `return_period` (integers) and `loss_type` (string), in the
/// order of the table's columns.
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Key {
    Int(i64),
    Str(String),
}

/// The statistics of a risk table: its key columns, its value columns (one value per key
/// and statistic, in f8) and the statistic of each row.
pub(crate) struct StatsTable {
    pub(crate) keys: Vec<(String, Vec<Key>)>,
    pub(crate) values: Vec<(String, Vec<f64>)>,
    pub(crate) stats: Vec<String>,
}

/// The reference's `calc_stats` of `table`: one row per key (sorted) and statistic, the
/// values of the realizations weighted as the reference weighs them.
pub(crate) fn table_stats(ds: &Datastore, table: &str) -> ExtractResult<StatsTable> {
    let columns = with_loss_types(table, read_table(ds, "risk_stats", table)?)?;
    let weights = weights(ds)?;
    let stats = hazard_stats(ds)?;
    let rlz_ids = match columns
        .iter()
        .find(|c| c.name == "rlz_id")
        .map(|c| &c.values)
    {
        Some(ColumnValues::Ints(ids)) => ids,
        _ => return Err(malformed(table, "no rlz_id column")),
    };
    let (keys, values): (Vec<&Column>, Vec<&Column>) = columns
        .iter()
        .filter(|c| c.name != "rlz_id")
        .partition(|c| KEY_FIELDS.contains(&c.name.as_str()));
    let mut out_keys: Vec<Vec<Key>> = vec![Vec::new(); keys.len()];
    let mut out_values: Vec<Vec<f64>> = vec![Vec::new(); values.len()];
    let mut out_stats = Vec::new();
    for (key, rows) in group_rows(&keys, rlz_ids.len()) {
        for stat in &stats {
            for (column, k) in out_keys.iter_mut().zip(&key) {
                column.push(k.clone());
            }
            for (column, out) in values.iter().zip(out_values.iter_mut()) {
                let by_rlz = by_realization(table, column, &rows, rlz_ids, weights.len())?;
                out.push(statistic(stat, &by_rlz, &weights)?);
            }
            out_stats.push(stat.clone());
        }
    }
    Ok(StatsTable {
        keys: keys.iter().map(|c| c.name.clone()).zip(out_keys).collect(),
        values: values
            .iter()
            .map(|c| c.name.clone())
            .zip(out_values)
            .collect(),
        stats: out_stats,
    })
}

/// Whether the reference computes statistic `stat` in f4 (the mean, the maximum, the
/// standard deviation of f4 values) rather than f8 (quantiles).
pub(crate) fn is_f4_statistic(stat: &str) -> bool {
    !stat.starts_with("quantile-")
}

/// `risk_stats/<table>`: see the module documentation.
pub(crate) fn risk_stats(ds: &Datastore, arg: Option<&str>, query: &Query) -> ExtractResult {
    let table = argument("risk_stats", arg, "table")?;
    query.only("risk_stats", &[])?;
    let StatsTable {
        keys,
        values,
        stats,
    } = table_stats(ds, table)?;
    let mut npz = Npz::new();
    for (name, out) in keys {
        npz.add(name, key_array(out));
    }
    // the reference's value columns are f4, or pickled objects when quantiles (f8) are
    // among the statistics: f8 here
    let quantiles = !stats.iter().all(|s| is_f4_statistic(s));
    for (name, out) in values {
        let array = if quantiles {
            NpyArray::f64s(&out)
        } else {
            NpyArray::f32(vec![out.len()], out.iter().map(|&v| v as f32))
        };
        npz.add(name, array);
    }
    npz.add("stat", NpyArray::unicode(&stats));
    Ok(npz)
}

/// The rows of the table grouped by their key columns, sorted by key (pandas' `groupby`).
fn group_rows(keys: &[&Column], rows: usize) -> BTreeMap<Vec<Key>, Vec<usize>> {
    let mut groups: BTreeMap<Vec<Key>, Vec<usize>> = BTreeMap::new();
    for row in 0..rows {
        let key = keys
            .iter()
            .map(|c| match &c.values {
                ColumnValues::Ints(v) => Key::Int(v[row]),
                ColumnValues::Strs(v) => Key::Str(v[row].clone()),
                ColumnValues::Floats(v) => Key::Int(v[row] as i64),
            })
            .collect();
        groups.entry(key).or_default().push(row);
    }
    groups
}

/// The values of `column` at `rows` placed by realization (0 where a realization has none).
fn by_realization(
    table: &str,
    column: &Column,
    rows: &[usize],
    rlz_ids: &[i64],
    num_rlzs: usize,
) -> ExtractResult<Vec<f32>> {
    let ColumnValues::Floats(all) = &column.values else {
        return Err(malformed(table, &format!("{} is not numbers", column.name)));
    };
    let mut by_rlz = vec![0f32; num_rlzs];
    for &row in rows {
        let r = usize::try_from(rlz_ids[row])
            .ok()
            .filter(|&r| r < num_rlzs)
            .ok_or_else(|| malformed(table, "rlz_id out of range"))?;
        by_rlz[r] = all[row] as f32;
    }
    Ok(by_rlz)
}

/// A key column of the output: `<U` strings (`loss_type`) or i8 integers.
fn key_array(keys: Vec<Key>) -> NpyArray {
    if keys.iter().any(|k| matches!(k, Key::Str(_))) {
        let names: Vec<String> = keys
            .into_iter()
            .map(|k| match k {
                Key::Str(s) => s,
                Key::Int(i) => i.to_string(),
            })
            .collect();
        return NpyArray::unicode(&names);
    }
    let ints: Vec<i64> = keys
        .into_iter()
        .map(|k| if let Key::Int(i) = k { i } else { 0 })
        .collect();
    NpyArray::i64s(&ints)
}

/// The columns of a table stored column-wise (`__pdcolumns__`), as integers, strings or f4
/// (a 400 naming `spec` when `table` is missing or not a table).
pub(crate) fn read_table(ds: &Datastore, spec: &str, table: &str) -> ExtractResult<Vec<Column>> {
    if !ds.contains(table) {
        return Err(bad(format!("this calculation has no {table}")));
    }
    let names = ds
        .attr(table, "__pdcolumns__")
        .ok()
        .and_then(|a| a.as_str().map(str::to_owned))
        .ok_or_else(|| bad(format!("{spec}: '{table}' is not a table")))?;
    names
        .split_whitespace()
        .map(|name| {
            let path = format!("{table}/{name}");
            let raw = ds.read_dataset_raw(&path)?;
            let values = match raw.dtype {
                DType::Float(_) => ColumnValues::Floats(raw.to_f64(&path)?),
                DType::Int(_) | DType::UInt(_) => ColumnValues::Ints(raw.to_i64(&path)?),
                _ => ColumnValues::Strs(raw.to_strings(&path)?),
            };
            Ok(Column {
                name: name.to_owned(),
                values,
            })
        })
        .collect()
}

/// A table by realization and loss type with its `loss_id` column replaced by a `loss_type`
/// column at the end (as the reference's DataFrame).
fn with_loss_types(table: &str, mut columns: Vec<Column>) -> ExtractResult<Vec<Column>> {
    let has = |name: &str| columns.iter().any(|c| c.name == name);
    if !has("rlz_id") || !has("loss_id") {
        return Err(bad(format!(
            "risk_stats: '{table}' is not a table by realization and loss type"
        )));
    }
    let position = columns
        .iter()
        .position(|c| c.name == "loss_id")
        .unwrap_or(0);
    let ColumnValues::Ints(ids) = columns.remove(position).values else {
        return Err(malformed(table, "loss_id is not integers"));
    };
    let names = ids
        .iter()
        .map(|&i| loss_type_name(i).map(str::to_owned))
        .collect::<ExtractResult<_>>()?;
    columns.push(Column {
        name: "loss_type".to_owned(),
        values: ColumnValues::Strs(names),
    });
    Ok(columns)
}

/// The name of loss type `id` (an index of the reference's `LOSSTYPE`).
pub(crate) fn loss_type_name(id: i64) -> ExtractResult<&'static str> {
    usize::try_from(id)
        .ok()
        .and_then(|i| LOSS_TYPES.get(i))
        .copied()
        .ok_or_else(|| malformed("loss_id", &format!("unknown loss type id {id}")))
}

/// The realization weights (f4) as the reference's `get_weights`: equal for sampled logic
/// trees, else the stored `weights`.
pub(crate) fn weights(ds: &Datastore) -> ExtractResult<Vec<f32>> {
    let oq = ds.oqparam()?;
    let samples = oq
        .params
        .get("number_of_logic_tree_samples")
        .and_then(|v| v.as_u64())
        .unwrap_or(0);
    if samples > 0 {
        let n = usize::try_from(samples).unwrap_or(usize::MAX);
        return Ok(vec![1f32 / samples as f32; n]);
    }
    Ok(ds.weights()?)
}

/// The statistic `stat` of the values by realization (f4), with numpy's arithmetic: the
/// mean as `numpy.average` in f4, quantiles interpolated in f8 on the weights' cumulative
/// sum, the maximum and the standard deviation in f4 (numpy's `einsum` may add the
/// latter's terms in another order).
fn statistic(stat: &str, values: &[f32], weights: &[f32]) -> ExtractResult<f64> {
    let mean = || -> f32 {
        let products: Vec<f32> = values.iter().zip(weights).map(|(v, w)| v * w).collect();
        pairwise_sum(&products) / pairwise_sum(weights)
    };
    Ok(match stat {
        "mean" => f64::from(mean()),
        "max" => f64::from(values.iter().copied().fold(f32::NEG_INFINITY, f32::max)),
        "std" => {
            let m = mean();
            let sum = values
                .iter()
                .zip(weights)
                .fold(0f32, |s, (v, w)| s + w * (m - v) * (m - v));
            f64::from(sum.sqrt())
        }
        _ => {
            let q: f64 = stat
                .strip_prefix("quantile-")
                .and_then(|q| q.parse().ok())
                .ok_or_else(|| malformed("oqparam", &format!("unknown statistic {stat}")))?;
            quantile(q, values, weights)
        }
    })
}

/// The weighted quantile of the reference's `quantile_curve`: values sorted (ties by
/// weight), `numpy.interp(q, cumsum(weights), values)`.
fn quantile(q: f64, values: &[f32], weights: &[f32]) -> f64 {
    let mut pairs: Vec<(f64, f64)> = values
        .iter()
        .zip(weights)
        .map(|(&v, &w)| (f64::from(v), f64::from(w)))
        .collect();
    pairs.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.total_cmp(&b.1)));
    let mut cumulative = Vec::with_capacity(pairs.len());
    let mut sum = 0f64;
    for (_, w) in &pairs {
        sum += w;
        cumulative.push(sum);
    }
    let ys: Vec<f64> = pairs.iter().map(|(v, _)| *v).collect();
    interp(q, &cumulative, &ys)
}

/// `numpy.interp(x, xp, fp)` for increasing `xp`.
fn interp(x: f64, xp: &[f64], fp: &[f64]) -> f64 {
    let (Some(&first), Some(&last)) = (xp.first(), xp.last()) else {
        return f64::NAN;
    };
    if x > last {
        return fp[fp.len() - 1];
    }
    if x < first {
        return fp[0];
    }
    // the last j with xp[j] <= x
    let j = xp.partition_point(|&v| v <= x).saturating_sub(1);
    if j == xp.len() - 1 || xp[j] == x {
        return fp[j];
    }
    let slope = (fp[j + 1] - fp[j]) / (xp[j + 1] - xp[j]);
    let y = slope * (x - xp[j]) + fp[j];
    if !y.is_nan() {
        return y;
    }
    let y = slope * (x - xp[j + 1]) + fp[j + 1];
    if y.is_nan() && fp[j] == fp[j + 1] {
        fp[j]
    } else {
        y
    }
}
