//! Job and model metadata: `oqparam`, `realizations`, `weights`, `gsims_by_trt`, `sitecol`.

use oqcloud_datastore::{DType, Datastore};

use super::npz::{NpyArray, Npz};
use super::{ExtractResult, Query, bad};

/// `oqparam`: `json`, the stored job parameters as a 0-d byte string.
pub(super) fn oqparam(ds: &Datastore, query: &Query) -> ExtractResult {
    query.only("oqparam", &[])?;
    let raw = ds.read_dataset_raw("oqparam")?;
    let text = raw.to_strings("oqparam")?.concat();
    let mut npz = Npz::new();
    npz.add("json", NpyArray::bytes_scalar(&text));
    npz.add_extra();
    Ok(npz)
}

/// `realizations`: `array` of (rlz_id u4, branch_path S<n>, weight f4). Scenarios with one
/// tectonic region type name each realization by its GSIM (quotes doubled, as the reference).
pub(super) fn realizations(ds: &Datastore, query: &Query) -> ExtractResult {
    query.only("realizations", &[])?;
    let rlzs = ds.realizations()?;
    let oq = ds.oqparam()?;
    let full_lt = ds.full_lt()?;
    let scenario = oq
        .calculation_mode()
        .is_some_and(|mode| mode.contains("scenario"));
    let paths: Vec<String> = if scenario && full_lt.trts.len() == 1 {
        full_lt
            .gsim_lt
            .iter()
            .map(|b| b.uncertainty.replace('"', "\"\""))
            .collect()
    } else {
        rlzs.iter().map(|r| r.branch_path.clone()).collect()
    };
    let width = paths.iter().map(String::len).max().unwrap_or(0).max(1);
    let columns = vec![
        (
            "rlz_id".to_owned(),
            DType::UInt(4),
            rlzs.iter().flat_map(|r| r.ordinal.to_le_bytes()).collect(),
        ),
        (
            "branch_path".to_owned(),
            DType::Bytes(width),
            paths
                .iter()
                .flat_map(|p| {
                    let mut bytes = p.as_bytes().to_vec();
                    bytes.resize(width, 0);
                    bytes
                })
                .collect(),
        ),
        (
            "weight".to_owned(),
            DType::Float(4),
            rlzs.iter()
                .flat_map(|r| (r.weight as f32).to_le_bytes())
                .collect(),
        ),
    ];
    let mut npz = Npz::new();
    npz.add_extra();
    npz.add("array", NpyArray::records(rlzs.len(), &columns));
    Ok(npz)
}

/// `weights`: `array`, the realization weights as f8.
pub(super) fn weights(ds: &Datastore, query: &Query) -> ExtractResult {
    query.only("weights", &[])?;
    let weights: Vec<f64> = ds.realizations()?.iter().map(|r| r.weight).collect();
    let mut npz = Npz::new();
    npz.add_extra();
    npz.add("array", NpyArray::f64s(&weights));
    Ok(npz)
}

/// `gsims_by_trt`: one member per tectonic region type holding its GSIMs (`<U`; the
/// reference pickles them).
pub(super) fn gsims_by_trt(ds: &Datastore, query: &Query) -> ExtractResult {
    query.only("gsims_by_trt", &[])?;
    let full_lt = ds.full_lt()?;
    let mut by_trt: Vec<(String, Vec<String>)> = Vec::new();
    for branch in &full_lt.gsim_lt {
        match by_trt.iter_mut().find(|(trt, _)| *trt == branch.trt) {
            Some((_, gsims)) => gsims.push(branch.uncertainty.clone()),
            None => by_trt.push((branch.trt.clone(), vec![branch.uncertainty.clone()])),
        }
    }
    let mut npz = Npz::new();
    for (trt, gsims) in by_trt {
        npz.add(trt, NpyArray::unicode(&gsims));
    }
    npz.add_extra();
    Ok(npz)
}

/// `sitecol[?field=<name>]`: `array`, the site collection as one record per site (fields in
/// stored order and types), or the one column asked for.
pub(super) fn sitecol(ds: &Datastore, query: &Query) -> ExtractResult {
    query.only("sitecol", &["field"])?;
    let columns = ds.sitecol()?.columns();
    let array = match query.one("field")? {
        Some(field) => {
            let (_, column) = columns
                .into_iter()
                .find(|(name, _)| name == field)
                .ok_or_else(|| bad(format!("field: the site collection has no '{field}'")))?;
            NpyArray::from_raw(column)
        }
        None => {
            let n = columns.first().map_or(0, |(_, c)| c.len());
            let columns: Vec<(String, DType, Vec<u8>)> = columns
                .into_iter()
                .map(|(name, c)| (name, c.dtype, c.data))
                .collect();
            NpyArray::records(n, &columns)
        }
    };
    let mut npz = Npz::new();
    npz.add_extra();
    npz.add("array", array);
    Ok(npz)
}
