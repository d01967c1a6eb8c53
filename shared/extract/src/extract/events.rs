//! Event-based outputs: `events`, `num_events`, `gmf_data` (the ground motions of one event
//! at every site), `gmf_scenario` (a scenario's ground motions of one IMT and realization,
//! events by sites), `avg_gmf` (the average ground motion per site) and `event_based_mfd`
//! (rupture occurrences per magnitude), from the `events`, `gmf_data`, `avg_gmf` and
//! `ruptures` datasets.

use oqcloud_datastore::{DType, Datastore, RawArray};

use super::hazard::{kinds, site_columns};
use super::npz::{NpyArray, Npz};
use super::{
    ExtractResult, Query, bad, dataset_f64, dataset_i64, job_imts as imts, malformed, position_in,
};

/// The stored events, sorted by id (as stored), or a 400 when the calculation has none.
fn events_table(ds: &Datastore) -> ExtractResult<RawArray> {
    if !ds.contains("events") {
        return Err(bad("this calculation has no events"));
    }
    Ok(ds.read_dataset_raw("events")?)
}

/// `events`: `array`, the events (`id`, `rup_id`, `rlz_id`, `year`, `ses_id`) by id; only
/// the relevant ones when the calculation stored `relevant_events`.
pub(super) fn events(ds: &Datastore, query: &Query) -> ExtractResult {
    query.only("events", &[])?;
    let table = events_table(ds)?;
    let ids = table
        .field("id")
        .ok_or_else(|| malformed("events", "no id column"))?
        .to_i64("events/id")?;
    let mut order: Vec<usize> = if ds.contains("relevant_events") {
        let relevant = ds.read_dataset_raw("relevant_events")?;
        relevant
            .field("id")
            .unwrap_or(relevant)
            .to_i64("relevant_events")?
            .into_iter()
            .map(|i| usize::try_from(i).map_err(|_| malformed("relevant_events", "negative")))
            .collect::<Result<_, _>>()?
    } else {
        (0..ids.len()).collect()
    };
    if order.iter().any(|&i| i >= ids.len()) {
        return Err(malformed("relevant_events", "beyond the events"));
    }
    order.sort_by_key(|&i| ids[i]);
    let size = table.dtype.size();
    let data = order
        .iter()
        .flat_map(|&i| table.data[i * size..(i + 1) * size].iter().copied())
        .collect();
    let mut npz = Npz::new();
    npz.add_extra();
    npz.add(
        "array",
        NpyArray::new(&table.dtype, vec![order.len()], data),
    );
    Ok(npz)
}

/// `num_events`: `num_events`, the number of events (i8).
pub(super) fn num_events(ds: &Datastore, query: &Query) -> ExtractResult {
    query.only("num_events", &[])?;
    let n = events_table(ds)?.len();
    let mut npz = Npz::new();
    npz.add(
        "num_events",
        NpyArray::new(
            &DType::Int(8),
            vec![],
            i64::try_from(n).unwrap_or(i64::MAX).to_le_bytes().to_vec(),
        ),
    );
    npz.add_extra();
    Ok(npz)
}

/// `gmf_data[?event_id=E]` (default event 0): one member `rlz-<NNN>` (the event's
/// realization) with one record per site: the site columns, then the ground motion of each
/// IMT (f4, 0 where the event left none).
pub(super) fn gmf_data(ds: &Datastore, query: &Query) -> ExtractResult {
    query.only("gmf_data", &["event_id"])?;
    let table = events_table(ds)?;
    let eid = match query.one("event_id")? {
        None => 0,
        Some(text) => text
            .parse::<usize>()
            .map_err(|_| bad(format!("event_id: '{text}' is not an event number")))?,
    };
    if eid >= table.len() {
        return Err(bad(format!(
            "event_id: {eid} is out of range (the calculation has {} events)",
            table.len()
        )));
    }
    let rlz = table
        .field("rlz_id")
        .ok_or_else(|| malformed("events", "no rlz_id column"))?
        .to_i64("events/rlz_id")?[eid];
    let name = format!("rlz-{rlz:03}");
    let mut npz = Npz::new();
    if !ds.contains("gmf_data") {
        // the reference yields an empty list
        npz.add(name, NpyArray::f64s(&[]));
        npz.add_extra();
        return Ok(npz);
    }
    let mut columns = site_columns(ds)?;
    let n = columns
        .first()
        .map_or(0, |(_, dtype, data)| data.len() / dtype.size().max(1));
    let eids = dataset_i64(ds, "gmf_data/eid")?;
    let sids = dataset_i64(ds, "gmf_data/sid")?;
    for imt in imts(ds)? {
        let path = format!("gmf_data/{imt}");
        let values = dataset_f64(ds, &path)?;
        let mut gmf = vec![0f32; n];
        for ((&e, &s), &v) in eids.iter().zip(&sids).zip(&values) {
            if usize::try_from(e).ok() == Some(eid) {
                let site = usize::try_from(s)
                    .ok()
                    .filter(|&s| s < n)
                    .ok_or_else(|| malformed("gmf_data/sid", "not a site"))?;
                gmf[site] = v as f32;
            }
        }
        columns.push((
            imt,
            DType::Float(4),
            gmf.iter().flat_map(|v| v.to_le_bytes()).collect(),
        ));
    }
    npz.add(name, NpyArray::records(n, &columns));
    npz.add_extra();
    Ok(npz)
}

/// `gmf_scenario?imt=IMT&kind=rlz-N` (scenario calculations only): `array` f8 [events per
/// realization, sites], the ground motions of `IMT` of the events of realization N in id
/// order, 0 where an event left none.
pub(super) fn gmf_scenario(ds: &Datastore, query: &Query) -> ExtractResult {
    query.only("gmf_scenario", &["imt", "kind"])?;
    let mode = ds
        .oqparam()?
        .calculation_mode()
        .unwrap_or_default()
        .to_owned();
    if !mode.starts_with("scenario") {
        return Err(bad(format!(
            "extract/gmf_scenario is for scenario calculations (this one is {mode})"
        )));
    }
    let imt = query
        .one("imt")?
        .ok_or_else(|| bad("extract/gmf_scenario needs imt="))?;
    position_in("imt", imt, &imts(ds)?)?;
    let num_rlzs = ds.realizations()?.len().max(1);
    let kind = query
        .one("kind")?
        .ok_or_else(|| bad("extract/gmf_scenario needs kind=rlz-<n>"))?;
    let (selected, _, _) = kinds(&[kind], &[], num_rlzs)?;
    let rlz = selected.first().map_or(0, |s| s.k);
    let rlz_of_event = events_table(ds)?
        .field("rlz_id")
        .ok_or_else(|| malformed("events", "no rlz_id column"))?
        .to_i64("events/rlz_id")?;
    // the complete site collection, when the job filtered the sites, is stored as sitecol is
    let num_sites = if ds.contains("complete") {
        ds.read_dataset_raw("complete/sids")?.len()
    } else {
        ds.sitecol()?.len()
    };
    let per_rlz = rlz_of_event.len() / num_rlzs;
    let mut gmfs = vec![0.0; per_rlz * num_sites];
    if ds.contains("gmf_data") {
        let eids = dataset_i64(ds, "gmf_data/eid")?;
        let sids = dataset_i64(ds, "gmf_data/sid")?;
        let values = dataset_f64(ds, &format!("gmf_data/{imt}"))?;
        let index = |v: i64, what: &str, len: usize| {
            usize::try_from(v)
                .ok()
                .filter(|&i| i < len)
                .ok_or_else(|| malformed(what, "out of range"))
        };
        let mut rows = Vec::with_capacity(eids.len());
        for ((&e, &s), &v) in eids.iter().zip(&sids).zip(&values) {
            let event = index(e, "gmf_data/eid", rlz_of_event.len())?;
            if usize::try_from(rlz_of_event[event]).ok() == Some(rlz) {
                rows.push((event, index(s, "gmf_data/sid", num_sites)?, v));
            }
        }
        // the events of the realization with ground motions, by id, one row each
        let mut events: Vec<usize> = rows.iter().map(|(e, _, _)| *e).collect();
        events.sort_unstable();
        events.dedup();
        if events.len() > per_rlz {
            return Err(malformed(
                "gmf_data",
                "more events than the realization has",
            ));
        }
        for (event, site, value) in rows {
            let row = events.binary_search(&event).unwrap_or_default();
            gmfs[row * num_sites + site] = value;
        }
    }
    let mut npz = Npz::new();
    npz.add(
        "array",
        NpyArray::new(
            &DType::Float(8),
            vec![per_rlz, num_sites],
            gmfs.iter().flat_map(|v| v.to_le_bytes()).collect(),
        ),
    );
    npz.add_extra();
    Ok(npz)
}

/// `avg_gmf?imt=IMT`: the sites where the average ground motion of `IMT` is positive:
/// `custom_site_id` (or `site_id`), `lon`, `lat` and the averages (f4) under the IMT's
/// name.
pub(super) fn avg_gmf(ds: &Datastore, query: &Query) -> ExtractResult {
    query.only("avg_gmf", &["imt"])?;
    let imt = query
        .one("imt")?
        .ok_or_else(|| bad("extract/avg_gmf needs imt="))?;
    let m = position_in("imt", imt, &imts(ds)?)?;
    if !ds.contains("avg_gmf") {
        return Err(bad("this calculation has no avg_gmf"));
    }
    let raw = ds.read_dataset_raw("avg_gmf")?;
    let (n, n_imts) = match raw.shape.as_slice() {
        [_, n, m] => (*n, *m),
        _ => return Err(malformed("avg_gmf", "not [2, sites, IMTs]")),
    };
    let all = raw.to_f64("avg_gmf")?;
    let avg: Vec<f64> = (0..n).map(|s| all[s * n_imts + m]).collect();
    let mut ok: Vec<bool> = avg.iter().map(|&v| v > 0.0).collect();
    if ds.contains("station_data") {
        // the stations are left out of the average's picture
        let stations = dataset_i64(ds, "station_data/site_id")?;
        for s in stations {
            if let Some(flag) = usize::try_from(s).ok().and_then(|s| ok.get_mut(s)) {
                *flag = false;
            }
        }
    }
    let sitecol = ds.sitecol()?;
    let keep_f64 = |all: &[f64]| -> Vec<f64> {
        all.iter()
            .zip(&ok)
            .filter(|(_, k)| **k)
            .map(|(v, _)| *v)
            .collect()
    };
    let mut npz = Npz::new();
    match sitecol.param("custom_site_id") {
        Some(ids) => {
            let ids: Vec<String> = ids
                .to_strings("sitecol/custom_site_id")?
                .into_iter()
                .zip(&ok)
                .filter(|(_, k)| **k)
                .map(|(v, _)| v)
                .collect();
            npz.add("custom_site_id", NpyArray::unicode(&ids));
        }
        None => {
            let sids: Vec<u8> = (0..n)
                .filter(|&s| ok[s])
                .flat_map(|s| u32::try_from(s).unwrap_or(u32::MAX).to_le_bytes())
                .collect();
            let count = ok.iter().filter(|k| **k).count();
            npz.add("site_id", NpyArray::new(&DType::UInt(4), vec![count], sids));
        }
    }
    npz.add("lon", NpyArray::f64s(&keep_f64(&sitecol.lon)));
    npz.add("lat", NpyArray::f64s(&keep_f64(&sitecol.lat)));
    let values: Vec<f32> = avg
        .iter()
        .zip(&ok)
        .filter(|(_, k)| **k)
        .map(|(v, _)| *v as f32)
        .collect();
    npz.add(imt, NpyArray::f32(vec![values.len()], values));
    npz.add_extra();
    Ok(npz)
}

/// `event_based_mfd`: `mag` (rupture magnitudes rounded to 0.1, ascending) and `freq`
/// (their occurrences per year of effective time: investigation time × SES per logic-tree
/// path × realizations).
pub(super) fn event_based_mfd(ds: &Datastore, query: &Query) -> ExtractResult {
    query.only("event_based_mfd", &[])?;
    let name = ["ruptures", "filtered_ruptures"]
        .into_iter()
        .find(|n| ds.contains(n))
        .ok_or_else(|| bad("this calculation has no ruptures"))?;
    let table = ds.read_dataset_raw(name)?;
    let column = |field: &str| -> ExtractResult<RawArray> {
        table
            .field(field)
            .ok_or_else(|| malformed(name, &format!("no {field} column")))
    };
    let mags = column("mag")?.to_f64(name)?;
    let n_occ = column("n_occ")?.to_f64(name)?;
    let oq = ds.oqparam()?;
    let number = |key: &str| -> ExtractResult<f64> {
        oq.params
            .get(key)
            .and_then(|v| v.as_f64())
            .ok_or_else(|| malformed("oqparam", &format!("no {key}")))
    };
    let samples = number("number_of_logic_tree_samples").unwrap_or(0.0);
    let realizations = if samples > 0.0 {
        samples
    } else {
        ds.weights()?.len() as f64
    };
    let eff_time =
        number("investigation_time")? * number("ses_per_logic_tree_path")? * realizations;
    // magnitudes rounded in float32, as numpy rounds the stored float32 column
    let mut by_mag: Vec<(f32, f64)> = Vec::new();
    for (mag, occ) in mags.iter().zip(&n_occ) {
        let rounded = ((*mag as f32) * 10.0).round_ties_even() / 10.0;
        match by_mag.iter_mut().find(|(m, _)| *m == rounded) {
            Some((_, total)) => *total += occ,
            None => by_mag.push((rounded, *occ)),
        }
    }
    by_mag.sort_by(|a, b| a.0.total_cmp(&b.0));
    let mut npz = Npz::new();
    let mags: Vec<f64> = by_mag.iter().map(|(m, _)| f64::from(*m)).collect();
    let freq: Vec<f64> = by_mag.iter().map(|(_, occ)| occ / eff_time).collect();
    npz.add("mag", NpyArray::f64s(&mags));
    npz.add("freq", NpyArray::f64s(&freq));
    npz.add_extra();
    Ok(npz)
}
