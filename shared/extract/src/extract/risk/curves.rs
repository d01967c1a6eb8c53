//! `agg_curves?kind=..&loss_type=..&absolute=0|1&<tag>=<value>…`: the aggregate loss curves
//! of one aggregation key (one value for every `aggregate_by` tag; none: the total), per
//! selected statistic (`agg_curves-stats/<loss_type>`, f8 [agg, S, P, EP]) or realization
//! (the `aggcurves` table), in loss units (`absolute=1`) or divided by the exposed value of
//! the key (`absolute=0`, `agg_values`).

use oqcloud_datastore::{AttrValue, Datastore, hdf5_dumps};
use serde_json::{Map, Value};

use super::super::hazard::kinds;
use super::super::npz::{NpyArray, Npz};
use super::super::{ExtractResult, Query, bad, malformed};
use super::{check_loss_type, hazard_stats, record_column};

/// OpenQuake's loss types, in the order of their ids (`LOSSTYPE` of the reference's
/// `risklib.scientific`): the `loss_id` column of `aggcurves` indexes this list.
pub(crate) const LOSS_TYPES: [&str; 46] = [
    "business_interruption",
    "contents",
    "nonstructural",
    "structural",
    "occupants",
    "occupants_day",
    "occupants_night",
    "occupants_transit",
    "structural+nonstructural",
    "structural+contents",
    "nonstructural+contents",
    "structural+nonstructural+contents",
    "structural+nonstructural_ins",
    "structural+contents_ins",
    "nonstructural+contents_ins",
    "structural+nonstructural+contents_ins",
    "structural_ins",
    "nonstructural_ins",
    "reinsurance",
    "claim",
    "area",
    "number",
    "residents",
    "structural+business_interruption",
    "nonstructural+business_interruption",
    "contents+business_interruption",
    "structural+nonstructural+business_interruption",
    "structural+contents+business_interruption",
    "nonstructural+contents+business_interruption",
    "structural+nonstructural+contents+business_interruption",
    "contents_ins",
    "business_interruption_ins",
    "structural_ins+nonstructural_ins",
    "structural_ins+contents_ins",
    "structural_ins+business_interruption_ins",
    "nonstructural_ins+contents_ins",
    "nonstructural_ins+business_interruption_ins",
    "contents_ins+business_interruption_ins",
    "structural_ins+nonstructural_ins+contents_ins",
    "structural_ins+nonstructural_ins+business_interruption_ins",
    "structural_ins+contents_ins+business_interruption_ins",
    "nonstructural_ins+contents_ins+business_interruption_ins",
    "structural_ins+nonstructural_ins+contents_ins+business_interruption_ins",
    "affectedpop",
    "injured",
    "embodied_carbon",
];

/// The curves read for the selected kinds: values f8 [K, P, EP], return periods, units.
struct Curves {
    values: Vec<f64>,
    return_periods: Vec<i64>,
    units: Vec<String>,
}

/// `agg_curves`: see the module documentation. Members `array` f8 [K, P, EP, 1 per tag] and
/// `json` (`shape_descr`, `kind`, `return_period`, `units`, `ep_field`, the tag values).
pub(crate) fn agg_curves(ds: &Datastore, query: &Query) -> ExtractResult {
    let tagnames = aggregate_tags(ds, "agg_curves")?;
    let mut known = vec!["kind", "loss_type", "absolute"];
    known.extend(tagnames.iter().map(String::as_str));
    query.only("agg_curves", &known)?;
    if !ds.contains("aggcurves") {
        return Err(bad(
            "this calculation has no aggregate loss curves (aggcurves)",
        ));
    }
    let required = |name: &str| {
        query.one(name)?.ok_or_else(|| {
            bad(format!(
                "extract/agg_curves needs {name}= (kind, loss_type, absolute and the \
                 aggregate_by tags are required)"
            ))
        })
    };
    let loss_type = check_loss_type(ds, required("loss_type")?)?;
    let loss_id = LOSS_TYPES
        .iter()
        .position(|lt| *lt == loss_type)
        .ok_or_else(|| malformed("crm", &format!("unknown loss type {loss_type}")))?;
    let absolute = match required("absolute")? {
        "1" => true,
        "0" => false,
        other => return Err(bad(format!("absolute: '{other}' is not 0 or 1"))),
    };
    let tagvalues = tagnames
        .iter()
        .map(|t| required(t))
        .collect::<ExtractResult<Vec<_>>>()?;
    let agg_id = aggregation_id(ds, &tagnames, &tagvalues)?;
    let kind_values = query.all("kind");
    if kind_values.is_empty() {
        return Err(bad("extract/agg_curves: kind is required"));
    }
    let (selected, echo, rlzs) = kinds(&kind_values, &hazard_stats(ds)?, ds.weights()?.len())?;
    let ks: Vec<usize> = selected.iter().map(|s| s.k).collect();
    let ep_fields = strings_attr(ds, "aggcurves", "ep_fields")?;
    let mut curves = if rlzs {
        realization_curves(ds, agg_id, loss_id, &ks, &ep_fields)?
    } else {
        stat_curves(ds, agg_id, loss_type, &ks)?
    };
    if !absolute {
        let exposed = exposed_value(ds, agg_id, loss_type)?;
        curves.values.iter_mut().for_each(|v| *v /= exposed);
    }

    let mut json = Map::new();
    let mut shape_descr = vec!["kind".to_owned(), "return_period".into(), "ep_field".into()];
    shape_descr.extend(tagnames.iter().cloned());
    json.insert("shape_descr".into(), shape_descr.into());
    json.insert("kind".into(), echo.into());
    json.insert("return_period".into(), curves.return_periods.clone().into());
    json.insert("units".into(), curves.units.into());
    json.insert("ep_field".into(), ep_fields.clone().into());
    for (name, value) in tagnames.iter().zip(&tagvalues) {
        json.insert(name.clone(), Value::from(vec![*value]));
    }
    let mut shape = vec![ks.len(), curves.return_periods.len(), ep_fields.len()];
    shape.extend(tagnames.iter().map(|_| 1));
    let mut npz = Npz::new();
    let data = curves.values.iter().flat_map(|v| v.to_le_bytes()).collect();
    npz.add(
        "array",
        NpyArray::new(&oqcloud_datastore::DType::Float(8), shape, data),
    );
    npz.add("json", NpyArray::bytes_scalar(&hdf5_dumps(&json)));
    npz.add_extra();
    Ok(npz)
}

/// The tags of the job's `aggregate_by` (none without it), or a 400 naming `spec` when it
/// has several aggregations.
pub(crate) fn aggregate_tags(ds: &Datastore, spec: &str) -> ExtractResult<Vec<String>> {
    let aggregations = aggregate_by(ds)?;
    match aggregations.as_slice() {
        [] => Ok(Vec::new()),
        [first] => Ok(first.clone()),
        _ => Err(bad(format!(
            "extract/{spec}: the calculation aggregates by several tag sets (aggregate_by); \
             only a single one is supported"
        ))),
    }
}

/// The tag sets of the job's `aggregate_by` (none without it).
pub(crate) fn aggregate_by(ds: &Datastore) -> ExtractResult<Vec<Vec<String>>> {
    let oq = ds.oqparam()?;
    Ok(oq
        .params
        .get("aggregate_by")
        .and_then(|v| v.as_array())
        .into_iter()
        .flatten()
        .map(|tags| {
            tags.as_array()
                .into_iter()
                .flatten()
                .filter_map(|t| t.as_str().map(str::to_owned))
                .collect()
        })
        .collect())
}

/// The index of the aggregation key of `tagvalues` in `agg_keys` (0 without tags).
fn aggregation_id(ds: &Datastore, tagnames: &[String], tagvalues: &[&str]) -> ExtractResult<usize> {
    if tagnames.is_empty() {
        return Ok(0);
    }
    let keys = ds.read_dataset_raw("agg_keys")?.to_strings("agg_keys")?;
    let key = tagvalues.join("\t");
    keys.iter().position(|k| *k == key).ok_or_else(|| {
        let pairs: Vec<String> = tagnames
            .iter()
            .zip(tagvalues)
            .map(|(n, v)| format!("{n}={v}"))
            .collect();
        bad(format!(
            "{}: no aggregate curves for these tag values",
            pairs.join(", ")
        ))
    })
}

/// A string-list attribute.
pub(crate) fn strings_attr(ds: &Datastore, path: &str, name: &str) -> ExtractResult<Vec<String>> {
    match ds.attr(path, name)? {
        AttrValue::Strs(values) => Ok(values),
        AttrValue::Str(value) => Ok(value.split_whitespace().map(str::to_owned).collect()),
        _ => Err(malformed(path, &format!("{name} is not strings"))),
    }
}

/// The curves of realizations `ks` from the `aggcurves` table, in stored order.
fn realization_curves(
    ds: &Datastore,
    agg_id: usize,
    loss_id: usize,
    ks: &[usize],
    ep_fields: &[String],
) -> ExtractResult<Curves> {
    let column = |name: &str| -> ExtractResult<Vec<f64>> {
        let path = format!("aggcurves/{name}");
        Ok(ds.read_dataset_raw(&path)?.to_f64(&path)?)
    };
    let (agg_ids, loss_ids, rlz_ids) = (column("agg_id")?, column("loss_id")?, column("rlz_id")?);
    let periods = column("return_period")?;
    let eps = ep_fields
        .iter()
        .map(|f| column(f))
        .collect::<ExtractResult<Vec<_>>>()?;
    let rows: Vec<usize> = (0..agg_ids.len())
        .filter(|&i| agg_ids[i] == agg_id as f64 && loss_ids[i] == loss_id as f64)
        .collect();
    let mut return_periods: Vec<i64> = Vec::new();
    for &i in &rows {
        let period = periods[i] as i64;
        if !return_periods.contains(&period) {
            return_periods.push(period);
        }
    }
    let p = return_periods.len();
    let mut values = vec![0f64; ks.len() * p * eps.len()];
    for (slot, &k) in ks.iter().enumerate() {
        let of_rlz: Vec<usize> = rows
            .iter()
            .copied()
            .filter(|&i| rlz_ids[i] == k as f64)
            .collect();
        if !of_rlz.is_empty() && of_rlz.len() != p {
            return Err(malformed("aggcurves", "a realization lacks return periods"));
        }
        for (period, &i) in of_rlz.iter().enumerate() {
            for (e, ep) in eps.iter().enumerate() {
                values[(slot * p + period) * eps.len() + e] = ep[i];
            }
        }
    }
    Ok(Curves {
        values,
        return_periods,
        units: strings_attr(ds, "aggcurves", "units")?,
    })
}

/// The curves of statistics `ks` from `agg_curves-stats/<loss_type>`.
fn stat_curves(
    ds: &Datastore,
    agg_id: usize,
    loss_type: &str,
    ks: &[usize],
) -> ExtractResult<Curves> {
    let path = format!("agg_curves-stats/{loss_type}");
    if !ds.contains(&path) {
        return Err(bad(format!("this calculation has no {path}")));
    }
    let raw = ds.read_dataset_raw(&path)?;
    let [aggs, stats, p, ep] = raw.shape[..] else {
        return Err(malformed(
            &path,
            "not [agg_id, stat, return_period, ep_fields]",
        ));
    };
    if agg_id >= aggs {
        return Err(malformed(&path, "fewer aggregation keys than agg_keys"));
    }
    let all = raw.to_f64(&path)?;
    let values = ks
        .iter()
        .flat_map(|&k| {
            let start = ((agg_id * stats + k) * p) * ep;
            all[start..start + p * ep].iter().copied()
        })
        .collect();
    let json = ds.attr(&path, "json")?;
    let descr: Value = json
        .as_str()
        .and_then(|text| serde_json::from_str(text).ok())
        .ok_or_else(|| malformed(&path, "no json attribute"))?;
    let return_periods = descr["return_period"]
        .as_array()
        .map(|rps| rps.iter().filter_map(Value::as_i64).collect())
        .ok_or_else(|| malformed(&path, "no return periods"))?;
    Ok(Curves {
        values,
        return_periods,
        units: strings_attr(ds, &path, "units")?,
    })
}

/// The exposed value of `loss_type` for aggregation key `agg_id` (`agg_values`).
fn exposed_value(ds: &Datastore, agg_id: usize, loss_type: &str) -> ExtractResult<f64> {
    let table = ds.read_dataset_raw("agg_values")?;
    record_column(&table, "agg_values", loss_type)?
        .get(agg_id)
        .copied()
        .ok_or_else(|| malformed("agg_values", "fewer rows than agg_keys"))
}
