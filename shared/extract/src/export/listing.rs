//! Which outputs OpenQuake registers after a run, from what the run left in the datastore
//! (its `expose_outputs`): a set of output types that rules add to and remove from, listed
//! sorted, without those whose datasets are all empty.

use std::collections::BTreeSet;

use oqcloud_datastore::{Datastore, OqParam};
use oqcloud_model::OUTPUT_KINDS;

use super::{ExportError, flag};

/// The output types being listed for a datastore, and what the rules look at.
pub(super) struct Listing<'a> {
    pub ds: &'a Datastore,
    pub oq: OqParam,
    /// Number of realizations (1 without `weights`).
    pub num_rlzs: usize,
    /// Output types listed so far.
    pub keys: BTreeSet<&'static str>,
    /// Output types that must not be listed whatever the rules add.
    pub hidden: BTreeSet<&'static str>,
}

impl<'a> Listing<'a> {
    /// The registered output types stored as top-level datastore keys, and the full report.
    pub(super) fn read(ds: &'a Datastore) -> Result<Self, ExportError> {
        let oq = ds.oqparam()?;
        let num_rlzs = if ds.contains("weights") {
            ds.weights()?.len()
        } else {
            1
        };
        let mut keys: BTreeSet<&'static str> = OUTPUT_KINDS
            .iter()
            .map(|kind| kind.output_type)
            .filter(|&key| ds.contains(key))
            .collect();
        keys.insert("fullreport");
        Ok(Listing {
            ds,
            oq,
            num_rlzs,
            keys,
            hidden: BTreeSet::new(),
        })
    }

    /// The output types to list, sorted: neither hidden nor stored empty.
    pub(super) fn keys(&self) -> Result<Vec<&'static str>, ExportError> {
        let mut keys = Vec::new();
        for &key in self.keys.difference(&self.hidden) {
            if !stored_empty(self.ds, key)? {
                keys.push(key);
            }
        }
        Ok(keys)
    }
}

/// The hazard rules: realizations when there are several; curves (when the calculation
/// keeps statistics, individual realizations or has one), spectra and maps (as the job
/// asks) beside computed curves; the event-based MFD beside the ruptures of a calculation
/// that is not a scenario (whose ruptures are not exported); the maps of the statistics
/// only for several realizations and `hazard_maps`.
pub(super) fn hazard_rules(listing: &mut Listing) -> Result<(), ExportError> {
    let (ds, oq, num_rlzs) = (listing.ds, &listing.oq, listing.num_rlzs);
    let keys = &mut listing.keys;
    if num_rlzs > 1 {
        keys.insert("realizations");
    }
    let hazard_maps = flag(oq, "hazard_maps");
    if ds.contains("hcurves-stats") || ds.contains("hcurves-rlzs") {
        if has_hazard_stats(oq) || flag(oq, "individual_rlzs") || num_rlzs == 1 {
            keys.insert("hcurves");
        }
        if flag(oq, "uniform_hazard_spectra") {
            keys.insert("uhs");
        }
        if hazard_maps {
            keys.insert("hmaps");
        }
    }
    if keys.contains("ruptures") {
        let scenario = oq
            .calculation_mode()
            .unwrap_or_default()
            .contains("scenario");
        if scenario || ds.dataset_size("ruptures")? == 0 {
            listing.hidden.insert("ruptures");
        } else {
            keys.insert("event_based_mfd");
        }
    }
    if !hazard_maps {
        keys.remove("hmaps");
    }
    if num_rlzs == 1 || !hazard_maps {
        keys.remove("hmaps-stats");
    }
    Ok(())
}

/// Whether the job computes statistics: the mean (on unless switched off), the standard
/// deviation, the maximum or quantiles.
fn has_hazard_stats(oq: &OqParam) -> bool {
    let mean = oq.params.get("mean").is_none_or(|_| flag(oq, "mean"));
    let quantiles = oq
        .params
        .get("quantiles")
        .and_then(|q| q.as_array())
        .is_some_and(|q| !q.is_empty());
    mean || flag(oq, "std") || flag(oq, "max") || quantiles
}

/// Whether `key` is stored and every dataset under it is empty (the reference does not
/// register an output of zero bytes); outputs computed on the fly are not.
fn stored_empty(ds: &Datastore, key: &str) -> Result<bool, ExportError> {
    if !ds.contains(key) {
        return Ok(false);
    }
    if !ds.is_group(key)? {
        return Ok(ds.dataset_size(key)? == 0);
    }
    for member in ds.members(key)? {
        if !stored_empty(ds, &format!("{key}/{member}"))? {
            return Ok(false);
        }
    }
    Ok(true)
}

#[cfg(test)]
mod tests {
    use oqcloud_datastore::{DType, RawArray};

    use super::*;

    /// A datastore of `params` (JSON) with `weights` realizations, `ruptures` and `events`
    /// of `rows` rows each.
    fn datastore(dir: &std::path::Path, params: &str, weights: usize, rows: usize) -> Datastore {
        let ds = Datastore::create(dir.join("calc.hdf5")).unwrap();
        ds.write_oqparam(&OqParam::from_json_text(params).unwrap())
            .unwrap();
        ds.write_weights(&vec![1.0 / weights as f32; weights])
            .unwrap();
        let ids = RawArray {
            dtype: DType::UInt(4),
            shape: vec![rows],
            data: vec![0; 4 * rows],
        };
        ds.write_dataset_raw("ruptures", &ids).unwrap();
        ds.write_dataset_raw("events", &ids).unwrap();
        ds
    }

    fn listed(ds: &Datastore) -> Vec<&'static str> {
        let mut listing = Listing::read(ds).unwrap();
        hazard_rules(&mut listing).unwrap();
        listing.keys().unwrap()
    }

    #[test]
    fn event_based_ruptures_come_with_their_mfd() {
        let dir = tempfile::tempdir().unwrap();
        let ds = datastore(dir.path(), r#"{"calculation_mode": "event_based"}"#, 2, 3);
        assert_eq!(
            listed(&ds),
            [
                "event_based_mfd",
                "events",
                "fullreport",
                "realizations",
                "ruptures"
            ]
        );
    }

    #[test]
    fn scenario_ruptures_and_empty_outputs_are_not_listed() {
        let dir = tempfile::tempdir().unwrap();
        let ds = datastore(dir.path(), r#"{"calculation_mode": "scenario"}"#, 1, 3);
        assert_eq!(listed(&ds), ["events", "fullreport"]);
        let dir = tempfile::tempdir().unwrap();
        let ds = datastore(dir.path(), r#"{"calculation_mode": "event_based"}"#, 1, 0);
        assert_eq!(listed(&ds), ["fullreport"]);
    }
}
