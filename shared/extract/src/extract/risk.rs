//! Risk outputs of the reference engine's risk calculators: `agg_losses/<loss_type>`,
//! `agg_damages/<loss_type>` (sums over the assets selected by tags), `damages-rlzs`,
//! `damages-stats` (damage per asset), `aggregate/avg_losses` and `avg_losses_by/<tag>`
//! (average losses summed by tag values), [`curves`] (`agg_curves`), [`stats`]
//! (`risk_stats/<table>`), [`aggrisk`] (`aggrisk_tags`) and [`by_asset`]
//! (`losses_by_asset`, `losses_by_site`, `losses_by_location`, `exposure_by_location`).
//!
//! They read `assetcol` (the exposure), `avg_losses-rlzs` / `avg_losses-stats` (one f4
//! [A, R or S] dataset per loss type), `damages-rlzs` / `damages-stats` (records of f4
//! `<loss_type>-<damage state>` fields, [A, R or S]) and `crm` (the loss types).

mod aggrisk;
pub(crate) mod assets;
mod by_asset;
pub(crate) mod curves;
pub(crate) mod stats;

use oqcloud_datastore::{AttrValue, DType, Datastore, OqParam, RawArray};
use oqcloud_model::jobini::float_repr;

use self::assets::{Assets, Filtered};
use super::hazard::kinds;
use super::npz::{NpyArray, Npz};
use super::{ExtractResult, Query, bad, malformed, position_in};

pub(super) use aggrisk::aggrisk_tags;
pub(super) use by_asset::{
    exposure_by_location, losses_by_asset, losses_by_location, losses_by_site,
};
pub(super) use curves::agg_curves;
pub(super) use stats::risk_stats;

/// The loss types of the calculation (`crm` attribute `loss_types`, sorted).
pub(crate) fn loss_types(ds: &Datastore) -> ExtractResult<Vec<String>> {
    if !ds.contains("crm") {
        return Err(bad("this calculation has no risk model (crm)"));
    }
    match ds.attr("crm", "loss_types")? {
        AttrValue::Strs(names) => Ok(names),
        AttrValue::Str(name) => Ok(vec![name]),
        _ => Err(malformed("crm", "loss_types is not strings")),
    }
}

/// `loss_type` if the calculation has it, else a 400 naming its loss types.
fn check_loss_type<'a>(ds: &Datastore, loss_type: &'a str) -> ExtractResult<&'a str> {
    position_in("loss_type", loss_type, &loss_types(ds)?)?;
    Ok(loss_type)
}

/// The path argument of `key/<argument>`, or a 400 saying it is needed.
fn argument<'a>(key: &str, argument: Option<&'a str>, what: &str) -> ExtractResult<&'a str> {
    argument
        .filter(|a| !a.is_empty())
        .ok_or_else(|| bad(format!("extract/{key} needs {what}: {key}/<{what}>")))
}

/// The boolean job parameter `name` (stored as a JSON boolean or integer), or `default`.
pub(crate) fn flag(oq: &OqParam, name: &str, default: bool) -> bool {
    match oq.params.get(name) {
        Some(serde_json::Value::Bool(b)) => *b,
        Some(serde_json::Value::Number(n)) => n.as_f64() != Some(0.0),
        _ => default,
    }
}

/// The statistics the job computes, as the reference's `hazard_stats`: `mean` (unless
/// `mean = false`), `std`, `quantile-<q>` per quantile, `max`.
pub(crate) fn hazard_stats(ds: &Datastore) -> ExtractResult<Vec<String>> {
    let oq = ds.oqparam()?;
    let flag = |name: &str, default: bool| flag(&oq, name, default);
    let mut names = Vec::new();
    if flag("mean", true) {
        names.push("mean".to_owned());
    }
    if flag("std", false) {
        names.push("std".to_owned());
    }
    let quantiles = oq.params.get("quantiles").and_then(|v| v.as_array());
    for q in quantiles.into_iter().flatten().filter_map(|q| q.as_f64()) {
        names.push(format!("quantile-{}", float_repr(q)));
    }
    if flag("max", false) {
        names.push("max".to_owned());
    }
    Ok(names)
}

/// Field `name` of the records `array` (read from `path`) as f8, or a 500 when it lacks it.
fn record_column(array: &RawArray, path: &str, name: &str) -> ExtractResult<Vec<f64>> {
    let column = array
        .field(name)
        .ok_or_else(|| malformed(path, &format!("no {name} column")))?;
    Ok(column.to_f64(path)?)
}

/// Column `k` of the average losses [A, K] of each of `loss_types` in `group` (a 400 when
/// the calculation lacks one).
fn loss_columns(
    ds: &Datastore,
    group: &str,
    k: usize,
    loss_types: Vec<String>,
) -> ExtractResult<Vec<(String, Vec<f32>)>> {
    loss_types
        .into_iter()
        .map(|lt| {
            let path = format!("{group}/{lt}");
            if !ds.contains(&path) {
                return Err(bad(format!("this calculation has no {path}")));
            }
            let (values, shape) = read_f32(ds, &path)?;
            let width = shape.get(1).copied().unwrap_or(1);
            if k >= width {
                return Err(malformed(
                    &path,
                    "fewer columns than realizations or statistics",
                ));
            }
            Ok((lt, values.iter().skip(k).step_by(width).copied().collect()))
        })
        .collect()
}

/// A 2-D (or more) f4 dataset as its values and shape.
fn read_f32(ds: &Datastore, path: &str) -> ExtractResult<(Vec<f32>, Vec<usize>)> {
    let raw = ds.read_dataset_raw(path)?;
    let values = raw.to_f64(path)?.into_iter().map(|v| v as f32).collect();
    Ok((values, raw.shape))
}

/// `tag=value` strings as a byte-string array, or numpy's empty float array for none (the
/// reference saves a list of bytes).
fn byte_strings(values: &[String]) -> NpyArray {
    if values.is_empty() {
        return NpyArray::f64s(&[]);
    }
    let width = values.iter().map(String::len).max().unwrap_or(0).max(1);
    let data = values
        .iter()
        .flat_map(|v| {
            let mut bytes = v.as_bytes().to_vec();
            bytes.resize(width, 0);
            bytes
        })
        .collect();
    NpyArray::new(&DType::Bytes(width), vec![values.len()], data)
}

/// The reference's `_filter_agg` result for per-asset values of shape [A] + `trailing`
/// (the assets of `ds`):
/// `array` (omitted when nothing is selected), `selected`, `tags` (with `tag=*`), `stats`
/// and `extra`.
fn filter_agg(
    ds: &Datastore,
    query: &Query,
    values: &[f32],
    trailing: &[usize],
    stats: NpyArray,
) -> ExtractResult {
    let assets = Assets::read(ds)?;
    let filters = query.pairs();
    let width = trailing.iter().product();
    let mut npz = Npz::new();
    let selected: Vec<String> = filters.iter().map(|(k, v)| format!("{k}={v}")).collect();
    npz.add("selected", byte_strings(&selected));
    match assets.filter_sum(filters, values, width)? {
        Filtered::One(sums) => {
            if let Some(sums) = sums {
                npz.add("array", NpyArray::f32(trailing.to_vec(), sums));
            }
        }
        Filtered::ByTag(groups) => {
            let tags: Vec<String> = groups.iter().map(|(tag, _)| tag.clone()).collect();
            if !groups.is_empty() {
                let mut shape = vec![groups.len()];
                shape.extend_from_slice(trailing);
                let sums = groups.into_iter().flat_map(|(_, sums)| sums);
                npz.add("array", NpyArray::f32(shape, sums));
            }
            npz.add("tags", byte_strings(&tags));
        }
    }
    npz.add("stats", stats);
    npz.add_extra();
    Ok(npz)
}

/// `agg_losses/<loss_type>[?tag=value&…]`: the average losses of the assets selected by the
/// tags (one `tag=*` gives one row per value of that tag), per statistic (`avg_losses-stats`)
/// or, without statistics, per realization (`avg_losses-rlzs`, `stats` = `["mean"]`).
pub(super) fn agg_losses(ds: &Datastore, arg: Option<&str>, query: &Query) -> ExtractResult {
    let loss_type = argument("agg_losses", arg, "loss_type")?;
    let loss_type = check_loss_type(ds, loss_type)?;
    let (path, stats) = if ds.contains(&format!("avg_losses-stats/{loss_type}")) {
        ("avg_losses-stats", hazard_stats(ds)?)
    } else if ds.contains(&format!("avg_losses-rlzs/{loss_type}")) {
        ("avg_losses-rlzs", vec!["mean".to_owned()])
    } else {
        return Err(bad(
            "this calculation has no average losses (avg_losses-stats or avg_losses-rlzs)",
        ));
    };
    let (values, shape) = read_f32(ds, &format!("{path}/{loss_type}"))?;
    filter_agg(ds, query, &values, &shape[1..], NpyArray::unicode(&stats))
}

/// `agg_damages/<loss_type>[?tag=value&…]`: the damage (no damage, each limit state, each
/// consequence) of the assets selected by the tags, per realization: f4 [R, D], or
/// [T, R, D] with `tag=*`.
pub(super) fn agg_damages(ds: &Datastore, arg: Option<&str>, query: &Query) -> ExtractResult {
    let loss_type = argument("agg_damages", arg, "loss_type")?;
    let loss_type = check_loss_type(ds, loss_type)?;
    if !ds.contains("damages-rlzs") {
        return Err(bad("this calculation has no damages (damages-rlzs)"));
    }
    let damages = ds.read_dataset_raw("damages-rlzs")?;
    let (values, shape) = damage_states(&damages, loss_type)?;
    filter_agg(ds, query, &values, &shape[1..], NpyArray::bytes_scalar(""))
}

/// The `<loss_type>-<state>` fields of damage records [A, R] as f4 [A, R, D] (fields of
/// secondary perils, with more than one `-`, are left out).
fn damage_states(damages: &RawArray, loss_type: &str) -> ExtractResult<(Vec<f32>, Vec<usize>)> {
    let DType::Compound { fields, .. } = &damages.dtype else {
        return Err(malformed("damages-rlzs", "not records"));
    };
    let columns = fields
        .iter()
        .filter(|f| {
            let parts: Vec<&str> = f.name.split('-').collect();
            parts.len() == 2 && parts[0] == loss_type
        })
        .map(|f| record_column(damages, "damages-rlzs", &f.name))
        .collect::<ExtractResult<Vec<_>>>()?;
    let values = (0..damages.len())
        .flat_map(|i| columns.iter().map(move |c| c[i] as f32))
        .collect();
    let mut shape = damages.shape.clone();
    shape.push(columns.len());
    Ok((values, shape))
}

/// `damages-rlzs`: one member `rlz-NNN` per realization, the asset table (`id`, tags,
/// `lon`, `lat`) with the realization's damage fields.
pub(super) fn damages_rlzs(ds: &Datastore, query: &Query) -> ExtractResult {
    query.only("damages-rlzs", &[])?;
    damages_per_asset(ds, "damages-rlzs", |r, _| Ok(format!("rlz-{r:03}")))
}

/// `damages-stats`: one member per statistic, as `damages-rlzs`.
pub(super) fn damages_stats(ds: &Datastore, query: &Query) -> ExtractResult {
    query.only("damages-stats", &[])?;
    damages_per_asset(ds, "damages-stats", |s, path| {
        let json = ds.attr(path, "json")?;
        let stats: serde_json::Value = json
            .as_str()
            .and_then(|text| serde_json::from_str(text).ok())
            .ok_or_else(|| malformed(path, "no json attribute"))?;
        stats["stat"][s]
            .as_str()
            .map(str::to_owned)
            .ok_or_else(|| malformed(path, "no stat names"))
    })
}

/// The damage records [A, K] of `path` joined to the asset table, one member per column K
/// named by `name`.
fn damages_per_asset(
    ds: &Datastore,
    path: &str,
    name: impl Fn(usize, &str) -> ExtractResult<String>,
) -> ExtractResult {
    if !ds.contains(path) {
        return Err(bad(format!("this calculation has no damages ({path})")));
    }
    let damages = ds.read_dataset_raw(path)?;
    let (n, k) = match damages.shape.as_slice() {
        [n, k] => (*n, *k),
        _ => return Err(malformed(path, "not [assets, realizations or statistics]")),
    };
    let DType::Compound { fields, .. } = &damages.dtype else {
        return Err(malformed(path, "not records"));
    };
    let assets = Assets::read(ds)?;
    if assets.len() != n {
        return Err(malformed(path, "not one row per asset"));
    }
    let size = damages.dtype.size();
    let mut npz = Npz::new();
    for column in 0..k {
        let mut columns = assets.table();
        for field in fields {
            let width = field.dtype.size();
            let bytes = (0..n)
                .flat_map(|a| {
                    let start = (a * k + column) * size + field.offset;
                    damages.data[start..start + width].iter().copied()
                })
                .collect();
            columns.push((field.name.clone(), field.dtype.clone(), bytes));
        }
        npz.add(name(column, path)?, NpyArray::records(n, &columns));
    }
    npz.add_extra();
    Ok(npz)
}

/// `aggregate/avg_losses?kind=K[&loss_type=LT][&tag=T…]`: the average losses of the first
/// selected kind summed by the values of the tags: f4 [values of each tag…], with a trailing
/// loss-type axis when no `loss_type` is given; one member per tag with its values,
/// `shape_descr` (the tags) and `extra` (the loss types).
pub(super) fn aggregate(ds: &Datastore, arg: Option<&str>, query: &Query) -> ExtractResult {
    let name = argument("aggregate", arg, "dataset")?;
    if name != "avg_losses" {
        return Err(bad(format!(
            "extract/aggregate: '{name}' is not avg_losses (the only aggregate)"
        )));
    }
    query.only("aggregate/avg_losses", &["kind", "loss_type", "tag"])?;
    let kind_values = query.all("kind");
    if kind_values.is_empty() {
        return Err(bad("extract/aggregate/avg_losses: kind is required"));
    }
    let (selected, _, rlzs) = kinds(&kind_values, &hazard_stats(ds)?, ds.weights()?.len())?;
    let k = selected[0].k;
    let group = if rlzs {
        "avg_losses-rlzs"
    } else {
        "avg_losses-stats"
    };
    let loss_types = match query.one("loss_type")? {
        Some(lt) => vec![check_loss_type(ds, lt)?.to_owned()],
        None => loss_types(ds)?,
    };
    let columns = loss_columns(ds, group, k, loss_types)?;
    let assets = Assets::read(ds)?;
    let values: Vec<f32> = (0..assets.len())
        .flat_map(|a| columns.iter().map(move |(_, c)| c[a]))
        .collect();
    let trailing = if query.one("loss_type")?.is_some() {
        vec![]
    } else {
        vec![columns.len()]
    };
    let loss_types: Vec<String> = columns.into_iter().map(|(lt, _)| lt).collect();
    let tags = query.all("tag");
    let mut npz = Npz::new();
    npz.add("array", assets.aggregate_by(&tags, &values, &trailing)?);
    for tag in &tags {
        npz.add(*tag, NpyArray::unicode(assets.tag_values(tag)?));
    }
    npz.add(
        "shape_descr",
        if tags.is_empty() {
            NpyArray::f64s(&[])
        } else {
            NpyArray::unicode(&tags)
        },
    );
    npz.add("extra", NpyArray::unicode(&loss_types));
    Ok(npz)
}

/// `avg_losses_by/<tag>`: a table of the tag's values (`<U`) and, per loss type, the
/// average losses of the single realization summed by value (f4).
pub(super) fn avg_losses_by(ds: &Datastore, arg: Option<&str>, query: &Query) -> ExtractResult {
    let tag = argument("avg_losses_by", arg, "tag")?;
    query.only("avg_losses_by", &[])?;
    let num_rlzs = ds.weights()?.len();
    if num_rlzs != 1 && !flag(&ds.oqparam()?, "collect_rlzs", false) {
        return Err(bad(format!(
            "extract/avg_losses_by needs a single realization (the calculation has {num_rlzs})"
        )));
    }
    if !ds.contains("avg_losses-rlzs") {
        return Err(bad(
            "this calculation has no average losses (avg_losses-rlzs)",
        ));
    }
    let assets = Assets::read(ds)?;
    let mut npz = Npz::new();
    npz.add(tag, NpyArray::unicode(assets.tag_values(tag)?));
    let members = ds.members("avg_losses-rlzs")?;
    for (lt, first) in loss_columns(ds, "avg_losses-rlzs", 0, members)? {
        npz.add(lt, assets.aggregate_by(&[tag], &first, &[])?);
    }
    Ok(npz)
}
