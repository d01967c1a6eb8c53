//! The extract API (`GET /v1/calc/:id/extract/<spec>`): named arrays read from a datastore,
//! returned as an `.npz` archive with the reference's member names, dtypes and shapes.
//!
//! [`extract`] dispatches a spec as OpenQuake 3.26's `Extractor` does: `key/argument`,
//! `key?query`, a bare registered key, or else a raw datastore path (a top-level dataset or
//! group). One module per family: [`metadata`] (`oqparam`, `realizations`, `weights`,
//! `gsims_by_trt`, `sitecol`), [`hazard`] (`hcurves`, `hmaps`, `uhs`), [`disagg`]
//! (`disagg`, `disagg_layer`), [`events`] (`events`, `num_events`, `gmf_data`, `avg_gmf`,
//! `event_based_mfd`), [`ruptures`] (`rupture_info`, `ruptures`), [`risk`] (`agg_losses`,
//! `agg_damages`, `damages-rlzs`, `damages-stats`, `aggregate`, `avg_losses_by`,
//! `agg_curves`, `risk_stats`, `aggrisk_tags`, `losses_by_asset`, `losses_by_site`,
//! `losses_by_location`, `exposure_by_location`, of the reference engine's risk
//! datastores), [`datastore_path`] (raw paths and their `.attrs`).
//!
//! Differences from the reference, on purpose: a bad spec or parameter is an
//! [`ExtractError::BadRequest`] naming the problem (the reference raises, and its server
//! answers 500); strings are never pickled (`gsims_by_trt` holds `<U` arrays).

mod datastore_path;
mod disagg;
mod events;
mod hazard;
mod metadata;
pub mod npz;
pub(crate) mod risk;
mod ruptures;

use oqcloud_datastore::Datastore;

pub use npz::{NpyArray, Npz};

/// Why an extraction failed.
#[derive(Debug, thiserror::Error)]
pub enum ExtractError {
    /// The spec or one of its parameters is wrong, or names something this calculation does
    /// not have (HTTP 400).
    #[error("{0}")]
    BadRequest(String),
    /// A spec of the reference's registry that oqcloud does not implement (HTTP 400).
    #[error("unsupported extract spec: {0}")]
    Unsupported(String),
    /// The datastore is unreadable or inconsistent (HTTP 500).
    #[error(transparent)]
    Datastore(#[from] oqcloud_datastore::Error),
}

/// Result of an extractor.
pub type ExtractResult<T = Npz> = Result<T, ExtractError>;

fn bad(message: impl Into<String>) -> ExtractError {
    ExtractError::BadRequest(message.into())
}

fn malformed(path: &str, reason: &str) -> ExtractError {
    ExtractError::Datastore(oqcloud_datastore::Error::Malformed {
        path: path.to_owned(),
        reason: reason.to_owned(),
    })
}

/// The keys of OpenQuake 3.26.2's extract registry that oqcloud does not implement.
const UNSUPPORTED: &[&str] = &[
    "aggexp_tags",
    "asset_risk",
    "asset_tags",
    "assets",
    "composite_risk_model.attrs",
    "csq_curves",
    "ebruptures",
    "effect",
    "eids_by_gsim",
    "exposure_by_lse",
    "exposure_metadata",
    "gridded_sources",
    "high_sites",
    "mean_by_rup",
    "mean_rates_by_src",
    "med_gmv",
    "median_spectra",
    "mmi_tags",
    "relevant_gmfs",
    "rup_ids",
    "rupids",
    "rups_by_mag_dist",
    "ruptures_within",
    "source_data",
    "sources",
    "task_info",
];

/// An extractor of `key/<argument>`: called with the argument, if any, and the query.
type WithArgument = fn(&Datastore, Option<&str>, &Query) -> ExtractResult;

/// Extracts `what` (the URL path after `/extract/`) with the decoded query parameters, in
/// request order (repeated names allowed).
pub fn extract(ds: &Datastore, what: &str, params: &[(String, String)]) -> ExtractResult {
    let query = Query::new(params);
    let (key, argument) = match what.split_once('/') {
        Some((key, argument)) => (key, Some(argument)),
        None => (what, None),
    };
    let implemented = |name: &str| -> Option<fn(&Datastore, &Query) -> ExtractResult> {
        Some(match name {
            "oqparam" => metadata::oqparam,
            "realizations" => metadata::realizations,
            "weights" => metadata::weights,
            "gsims_by_trt" => metadata::gsims_by_trt,
            "sitecol" => metadata::sitecol,
            "hcurves" => hazard::hcurves,
            "hmaps" => hazard::hmaps,
            "uhs" => hazard::uhs,
            "disagg" => disagg::disagg,
            "disagg_layer" => disagg::disagg_layer,
            "events" => events::events,
            "num_events" => events::num_events,
            "gmf_data" => events::gmf_data,
            "gmf_scenario" => events::gmf_scenario,
            "avg_gmf" => events::avg_gmf,
            "event_based_mfd" => events::event_based_mfd,
            "rupture_info" => ruptures::rupture_info,
            "ruptures" => ruptures::ruptures,
            "damages-rlzs" => risk::damages_rlzs,
            "damages-stats" => risk::damages_stats,
            "agg_curves" => risk::agg_curves,
            "aggrisk_tags" => risk::aggrisk_tags,
            "losses_by_asset" => risk::losses_by_asset,
            "losses_by_location" => risk::losses_by_location,
            "losses_by_site" => risk::losses_by_site,
            "exposure_by_location" => risk::exposure_by_location,
            _ => return None,
        })
    };
    // the extractors whose path argument names what they extract (`agg_losses/structural`)
    let with_argument = |name: &str| -> Option<WithArgument> {
        Some(match name {
            "agg_losses" => risk::agg_losses,
            "agg_damages" => risk::agg_damages,
            "aggregate" => risk::aggregate,
            "avg_losses_by" => risk::avg_losses_by,
            "risk_stats" => risk::risk_stats,
            _ => return None,
        })
    };
    if let Some(extractor) = with_argument(key) {
        return extractor(ds, argument, &query);
    }
    if let Some(extractor) = implemented(key) {
        if let Some(argument) = argument.filter(|a| !a.is_empty()) {
            return Err(bad(format!(
                "extract/{key} takes no path argument (got '{argument}')"
            )));
        }
        return extractor(ds, &query);
    }
    if UNSUPPORTED.contains(&key) {
        return Err(ExtractError::Unsupported(key.to_owned()));
    }
    if argument.is_some() || !params.is_empty() {
        return Err(bad(format!("unknown extract spec '{key}'")));
    }
    datastore_path::extract(ds, what)
}

/// The values of the numeric dataset `path`, as integers.
fn dataset_i64(ds: &Datastore, path: &str) -> ExtractResult<Vec<i64>> {
    Ok(ds.read_dataset_raw(path)?.to_i64(path)?)
}

/// The values of the numeric dataset `path`, as floats.
fn dataset_f64(ds: &Datastore, path: &str) -> ExtractResult<Vec<f64>> {
    Ok(ds.read_dataset_raw(path)?.to_f64(path)?)
}

/// The job's IMTs, in order.
fn job_imts(ds: &Datastore) -> ExtractResult<Vec<String>> {
    Ok(ds
        .oqparam()?
        .hazard_imtls()?
        .into_iter()
        .map(|(imt, _)| imt)
        .collect())
}

/// The position of `value` of parameter `param` among the calculation's `choices` (its IMTs,
/// its loss types), or a 400 naming them.
fn position_in(param: &str, value: &str, choices: &[String]) -> ExtractResult<usize> {
    choices.iter().position(|c| c == value).ok_or_else(|| {
        bad(format!(
            "{param}: '{value}' is not one of the calculation's ({})",
            choices.join(", ")
        ))
    })
}

/// The query parameters of a spec: `name=value` pairs, blank values dropped (as Python's
/// `parse_qs`).
pub(crate) struct Query<'a> {
    pairs: Vec<(&'a str, &'a str)>,
}

impl<'a> Query<'a> {
    fn new(params: &'a [(String, String)]) -> Query<'a> {
        Query {
            pairs: params
                .iter()
                .filter(|(_, v)| !v.is_empty())
                .map(|(k, v)| (k.as_str(), v.as_str()))
                .collect(),
        }
    }

    /// Every `name=value` pair, in request order.
    fn pairs(&self) -> &[(&'a str, &'a str)] {
        &self.pairs
    }

    /// True when no parameter was given.
    fn is_empty(&self) -> bool {
        self.pairs.is_empty()
    }

    /// Every value of `name`, in order.
    fn all(&self, name: &str) -> Vec<&'a str> {
        self.pairs
            .iter()
            .filter(|(k, _)| *k == name)
            .map(|(_, v)| *v)
            .collect()
    }

    /// The value of `name` given at most once.
    fn one(&self, name: &str) -> ExtractResult<Option<&'a str>> {
        match self.all(name).as_slice() {
            [] => Ok(None),
            [value] => Ok(Some(value)),
            _ => Err(bad(format!("{name}: give one value only"))),
        }
    }

    /// A 400 naming the first parameter not in `known`.
    fn only(&self, spec: &str, known: &[&str]) -> ExtractResult<()> {
        match self.pairs.iter().find(|(k, _)| !known.contains(k)) {
            None => Ok(()),
            Some((k, _)) if known.is_empty() => Err(bad(format!(
                "extract/{spec} takes no parameters (got '{k}')"
            ))),
            Some((k, _)) => Err(bad(format!(
                "unknown parameter '{k}' for extract/{spec} (expected {})",
                known.join(", ")
            ))),
        }
    }
}
