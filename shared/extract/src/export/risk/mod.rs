//! Exports of the risk outputs of the reference engine's risk calculators (scenario and
//! event based, losses and damage), as OpenQuake 3.26 writes them: [`listing_rules`] are the
//! reference's rules for which risk outputs it registers after a run, [`export`] writes one. One module per family: [`avg_losses`] (`avg_losses-rlzs`, `avg_losses-stats`,
//! `avg_losses_by`), [`damages`] (`damages-rlzs`, `damages-stats`), [`aggrisk`]
//! (`aggrisk`), [`aggcurves`] (`aggcurves`), [`stats`] (`aggrisk-stats`,
//! `aggcurves-stats`), [`events`] (`risk_by_event`), [`sources`] (`src_loss_table`) and
//! [`exposure`] (`exposure`).
//! `damages-rlzs` as npz is the extract of the same name.

mod aggcurves;
mod aggrisk;
mod avg_losses;
mod damages;
mod events;
mod exposure;
mod sources;
mod stats;

use std::collections::BTreeSet;
use std::path::PathBuf;

use oqcloud_datastore::Datastore;

use super::csv::{self, Meta};
use super::listing::Listing;
use super::{ExportError, Target};
use crate::extract::ExtractError;
use crate::extract::risk::assets::Assets;
use crate::extract::risk::curves::aggregate_by;
use crate::extract::risk::flag;
use crate::extract::risk::stats::ColumnValues;

/// The risk output types of the reference's export registry.
const RISK_OUTPUTS: &[&str] = &[
    "agg_risk",
    "aggcurves",
    "aggcurves-stats",
    "aggexp_tags",
    "aggrisk",
    "aggrisk-stats",
    "asset_risk",
    "avg_losses-rlzs",
    "avg_losses-stats",
    "avg_losses_by",
    "bcr-rlzs",
    "bcr-stats",
    "damages-rlzs",
    "damages-stats",
    "exposure",
    "loss_curves-rlzs",
    "loss_curves-stats",
    "loss_maps-rlzs",
    "loss_maps-stats",
    "risk_by_event",
    "src_loss_table",
];

/// Whether `output_type` is a risk output (written by [`export`]).
pub(super) fn handles(output_type: &str) -> bool {
    RISK_OUTPUTS.contains(&output_type)
}

/// The formats [`export`] writes `output_type` in.
fn formats(output_type: &str) -> &'static [&'static str] {
    match output_type {
        "damages-rlzs" => &["npz", "csv"],
        "exposure" => &["zip"],
        "aggcurves" | "aggcurves-stats" | "aggrisk" | "aggrisk-stats" | "avg_losses-rlzs"
        | "avg_losses-stats" | "avg_losses_by" | "damages-stats" | "risk_by_event"
        | "src_loss_table" => &["csv"],
        _ => &[],
    }
}

/// Whether [`export`] writes `output_type` of `ds` in `format`: not the modal damage states
/// (`modal_damage_state`), the amplified losses by event (`post_loss_amplification`), the
/// statistics of average losses the reference computes on the fly, the aggregations by
/// asset id (`aggregate_by = id`).
pub(super) fn writes(ds: &Datastore, output_type: &str, format: &str) -> bool {
    if !formats(output_type).contains(&format) {
        return false;
    }
    let Ok(oq) = ds.oqparam() else {
        return false;
    };
    match (output_type, format) {
        ("damages-rlzs" | "damages-stats", "csv") => !flag(&oq, "modal_damage_state", false),
        ("risk_by_event", _) => !ds.contains("post_loss_amplification"),
        ("avg_losses-stats", _) => ds.contains("avg_losses-stats"),
        ("aggrisk" | "aggrisk-stats" | "aggcurves" | "aggcurves-stats", _) => {
            aggregate_by(ds).is_ok_and(|sets| sets.iter().flatten().all(|tag| tag != "id"))
        }
        _ => true,
    }
}

/// The risk rules of the reference's `expose_outputs` (after the stored outputs are
/// listed): `aggrisk-stats` for scenario risk with `aggrisk`, or with several realizations
/// not collected, when `aggrisk` is stored, and so `aggcurves-stats`; then, unless
/// `individual_rlzs`, no `avg_losses-rlzs`, `aggrisk` nor `aggcurves`; `loss_curves-rlzs` /
/// `-stats` from `curves-rlzs` (one realization) / `curves-stats` (several);
/// `loss_maps-stats` with `conditional_loss_poes` and `loss_curves-stats`.
pub(super) fn listing_rules(listing: &mut Listing) -> Result<(), ExportError> {
    let (ds, oq, num_rlzs) = (listing.ds, &listing.oq, listing.num_rlzs);
    let keys = &mut listing.keys;
    if oq.calculation_mode() == Some("scenario_risk") && ds.contains("aggrisk") {
        keys.insert("aggrisk-stats");
    } else if num_rlzs > 1 && !flag(oq, "collect_rlzs", false) {
        if ds.contains("aggrisk") {
            keys.insert("aggrisk-stats");
        }
        if ds.contains("aggcurves") {
            keys.insert("aggcurves-stats");
        }
        if !flag(oq, "individual_rlzs", false) {
            for key in ["avg_losses-rlzs", "aggrisk", "aggcurves"] {
                keys.remove(key);
            }
        }
    }
    if ds.contains("curves-rlzs") && num_rlzs == 1 {
        keys.insert("loss_curves-rlzs");
    }
    if ds.contains("curves-stats") && num_rlzs > 1 {
        keys.insert("loss_curves-stats");
    }
    let poes = oq.params.get("conditional_loss_poes");
    let has_poes = poes
        .and_then(|p| p.as_array())
        .is_some_and(|p| !p.is_empty());
    if has_poes && ds.contains("loss_curves-stats") {
        keys.insert("loss_maps-stats");
    }
    Ok(())
}

/// Writes risk output `output_type` of `ds` in `format` (one [`writes`]); returns the files
/// written.
pub(super) fn export(
    ds: &Datastore,
    target: &Target,
    output_type: &str,
    format: &str,
) -> Result<Vec<PathBuf>, ExportError> {
    match (output_type, format) {
        ("damages-rlzs", "npz") => super::npz::export(ds, target, output_type),
        ("damages-rlzs" | "damages-stats", _) => damages::export(ds, target, output_type),
        ("avg_losses-rlzs" | "avg_losses-stats", _) => avg_losses::export(ds, target, output_type),
        ("avg_losses_by", _) => avg_losses::export_by(ds, target),
        ("aggrisk", _) => aggrisk::export(ds, target),
        ("aggcurves", _) => aggcurves::export(ds, target),
        ("aggrisk-stats", _) => stats::export(ds, target, "aggrisk"),
        ("aggcurves-stats", _) => stats::export(ds, target, "aggcurves"),
        ("risk_by_event", _) => events::export(ds, target),
        ("exposure", _) => exposure::export(ds, target),
        _ => sources::export(ds, target),
    }
}

/// An extract failure as an export failure.
fn extract_error(kind: &str) -> impl Fn(ExtractError) -> ExportError + '_ {
    move |err| match err {
        ExtractError::Datastore(err) => ExportError::Datastore(err),
        other => ExportError::missing(other.to_string(), kind),
    }
}

/// The datastore's metadata with `investigation_time` and `risk_investigation_time` (the
/// latter defaulting to the former), each left out when unset, as most risk exports add.
fn metadata_with_times(ds: &Datastore) -> Result<Vec<(&'static str, Meta)>, ExportError> {
    let oq = ds.oqparam()?;
    let mut meta = csv::datastore_metadata(ds)?;
    let time = oq.investigation_time();
    if let Some(time) = time {
        meta.push(("investigation_time", Meta::Float(time)));
    }
    if let Some(time) = risk_investigation_time(ds)? {
        meta.push(("risk_investigation_time", Meta::Float(time)));
    }
    Ok(meta)
}

/// `risk_investigation_time`, or else `investigation_time`, if either is set.
fn risk_investigation_time(ds: &Datastore) -> Result<Option<f64>, ExportError> {
    let oq = ds.oqparam()?;
    let risk_time = oq
        .params
        .get("risk_investigation_time")
        .and_then(|v| v.as_f64())
        .filter(|t| *t != 0.0);
    Ok(risk_time.or(oq.investigation_time()))
}

/// The job's `time_event` (`avg` by default).
fn time_event(ds: &Datastore) -> Result<String, ExportError> {
    Ok(ds
        .oqparam()?
        .get_str("time_event")
        .unwrap_or("avg")
        .to_owned())
}

/// The aggregation keys of a calculation (`agg_keys`): for each tag set of `aggregate_by`,
/// one key per combination of the values of its tags, the sets one after the other, then the
/// total over all assets (id `K`, the number of keys).
struct Aggregation {
    /// The tag values of each key.
    keys: Vec<Vec<String>>,
    /// Each tag set with the keys some asset has (the others are left out of its file).
    sets: Vec<(Vec<String>, BTreeSet<i64>)>,
}

impl Aggregation {
    fn read(ds: &Datastore, kind: &str) -> Result<Aggregation, ExportError> {
        let sets = aggregate_by(ds).map_err(extract_error(kind))?;
        if sets.is_empty() {
            return Ok(Aggregation {
                keys: Vec::new(),
                sets: Vec::new(),
            });
        }
        if sets.iter().flatten().any(|tag| tag == "id") {
            return Err(ExportError::Unsupported {
                output_type: format!("{kind} aggregated by asset id"),
                format: "csv".to_owned(),
            });
        }
        let keys = ds.read_dataset_raw("agg_keys")?.to_strings("agg_keys")?;
        let assets = Assets::read(ds).map_err(extract_error(kind))?;
        let mut offset = 0;
        let mut with_assets = Vec::new();
        for tagnames in &sets {
            let mut size = 1;
            for tag in tagnames {
                size *= assets.tag_values(tag).map_err(extract_error(kind))?.len();
            }
            let own = keys.get(offset..offset + size).ok_or_else(|| {
                ExportError::missing("agg_keys", format!("the keys of {}", tagnames.join(", ")))
            })?;
            let ids = assets
                .keys(tagnames)
                .map_err(extract_error(kind))?
                .iter()
                .filter_map(|key| own.iter().position(|k| k == key))
                .map(|i| (offset + i) as i64)
                .collect();
            with_assets.push(ids);
            offset += size;
        }
        Ok(Aggregation {
            keys: keys
                .iter()
                .map(|k| k.split('\t').map(str::to_owned).collect())
                .collect(),
            sets: sets.into_iter().zip(with_assets).collect(),
        })
    }

    /// The id of the total over all assets.
    fn total(&self) -> i64 {
        self.keys.len() as i64
    }

    /// The reference's files of an aggregated table: the total (no tags, rows of
    /// [`Aggregation::total`]), then one per `aggregate_by` tag set (rows of its keys some
    /// asset has), each with the rows of its aggregation ids.
    fn files(&self) -> Vec<(&[String], Selection<'_>)> {
        let total = self.total();
        let mut files: Vec<(&[String], Selection<'_>)> =
            vec![(&[], Box::new(move |id| id == total))];
        for (tagnames, ids) in &self.sets {
            files.push((tagnames, Box::new(|id| ids.contains(&id))));
        }
        files
    }

    /// The tag values of key `agg_id`.
    fn tags(&self, agg_id: i64) -> Result<&[String], ExportError> {
        usize::try_from(agg_id)
            .ok()
            .and_then(|i| self.keys.get(i))
            .map(Vec::as_slice)
            .ok_or_else(|| ExportError::missing("agg_keys", format!("aggregation id {agg_id}")))
    }
}

/// Which aggregation ids a file of an aggregated table holds.
type Selection<'a> = Box<dyn Fn(i64) -> bool + 'a>;

/// Cell `i` of a column as pandas writes it (floats `%.5E`).
fn pandas_cell(values: &ColumnValues, i: usize) -> String {
    match values {
        ColumnValues::Ints(v) => v[i].to_string(),
        ColumnValues::Strs(v) => v[i].clone(),
        ColumnValues::Floats(v) => csv::pandas_float(v[i]),
    }
}

/// The CSV file `<stem>-<tags joined by ->_<calc>.csv` of an aggregated table.
fn tagged_path(target: &Target, stem: &str, tagnames: &[String]) -> PathBuf {
    target.path(&format!("{stem}-{}", tagnames.join("-")), "csv")
}

#[cfg(test)]
mod tests {
    use oqcloud_datastore::{DType, OqParam, RawArray};

    use super::*;

    fn floats(values: &[f32]) -> RawArray {
        RawArray {
            dtype: DType::Float(4),
            shape: vec![values.len()],
            data: values.iter().flat_map(|v| v.to_le_bytes()).collect(),
        }
    }

    /// An output stored without any element (an event based risk without losses) is not
    /// listed; one with elements is.
    #[test]
    fn empty_stored_outputs_are_not_listed() {
        let dir = tempfile::tempdir().unwrap();
        let ds = Datastore::create(dir.path().join("calc_1.hdf5")).unwrap();
        let oq = OqParam::from_json_text(r#"{"calculation_mode": "event_based_risk"}"#).unwrap();
        ds.write_oqparam(&oq).unwrap();
        ds.write_dataset_raw("risk_by_event/loss", &floats(&[]))
            .unwrap();
        ds.write_dataset_raw("risk_by_event/event_id", &floats(&[]))
            .unwrap();
        ds.write_dataset_raw("src_loss_table/structural", &floats(&[1.5]))
            .unwrap();
        ds.write_dataset_raw("src_loss_table/contents", &floats(&[]))
            .unwrap();
        let listed: Vec<&str> = super::super::available_outputs(&ds)
            .unwrap()
            .into_iter()
            .map(|o| o.kind.output_type)
            .collect();
        assert_eq!(listed, ["fullreport", "src_loss_table"]);
    }
}
