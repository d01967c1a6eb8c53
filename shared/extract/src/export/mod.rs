//! Exports in OpenQuake's formats, read from a datastore.
//!
//! [`available_outputs`] says which outputs a datastore holds, as the reference registers
//! them after a run (`listing`); [`export`] writes one output in one format into a
//! directory, with the reference's file names (`hazard_curve-mean-PGA_<calc>.csv`, ...). One
//! module per family of outputs: `hazard` (curves, maps, spectra), `npz`, `events`
//! (events, ruptures, their MFD), `gmf` (ground motion fields, their averages, the site
//! model), `disagg`, `realizations`, `report`, `risk` (losses, damages and the exposure of
//! the risk calculators); `csv` and `table` write the cells.

pub(crate) mod csv;
mod disagg;
mod events;
mod gmf;
mod hazard;
mod listing;
mod npz;
mod realizations;
mod report;
mod risk;
mod table;

use std::path::{Path, PathBuf};

use oqcloud_datastore::{Datastore, OqParam};
use oqcloud_model::{OutputKind, output_kind};

/// Why an export failed.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    /// The output or the format is not one this exporter writes.
    #[error("cannot export {output_type} in format {format}")]
    Unsupported { output_type: String, format: String },
    /// The datastore is unreadable or lacks what the output needs.
    #[error(transparent)]
    Datastore(#[from] oqcloud_datastore::Error),
    /// The datastore lacks the array a kind of result is read from.
    #[error("the datastore has no {dataset} for {kind}")]
    Missing { dataset: String, kind: String },
    /// Writing a file failed.
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
}

impl ExportError {
    /// [`ExportError::Missing`]: the datastore has no `dataset` for `kind`.
    pub(crate) fn missing(dataset: impl Into<String>, kind: impl Into<String>) -> Self {
        ExportError::Missing {
            dataset: dataset.into(),
            kind: kind.into(),
        }
    }
}

/// An output a datastore holds, with the formats this crate exports it in.
#[derive(Debug, Clone, PartialEq)]
pub struct OutputSpec {
    /// The registry entry (output type, display name).
    pub kind: OutputKind,
    /// Formats [`export`] writes for it, in registry order.
    pub formats: Vec<&'static str>,
}

/// Writes one output in one format; returns the files written.
type Exporter = fn(&Datastore, &Target) -> Result<Vec<PathBuf>, ExportError>;

/// An output and format this crate writes.
struct Entry {
    output_type: &'static str,
    format: &'static str,
    exporter: Exporter,
    /// The npz tables hold the statistics: without any (`mean = false`, no quantiles) there
    /// is no npz (the reference lists it and fails exporting it).
    needs_stats: bool,
}

const fn entry(output_type: &'static str, format: &'static str, exporter: Exporter) -> Entry {
    Entry {
        output_type,
        format,
        exporter,
        needs_stats: false,
    }
}

const fn of_stats(output_type: &'static str, format: &'static str, exporter: Exporter) -> Entry {
    Entry {
        needs_stats: true,
        ..entry(output_type, format, exporter)
    }
}

/// Every hazard output and format this crate writes (the risk outputs are `risk`'s).
const HAZARD: &[Entry] = &[
    entry("avg_gmf", "csv", gmf::export_avg_gmf),
    entry("disagg-rlzs", "csv", disagg::export_rlzs),
    entry("disagg-stats", "csv", disagg::export_stats),
    entry("event_based_mfd", "csv", events::export_mfd),
    entry("events", "csv", events::export_events),
    entry("fullreport", "rst", report::export),
    entry("gmf_data", "csv", gmf::export_gmf_data),
    entry("gmf_data", "hdf5", gmf::export_gmf_data_hdf5),
    entry("hcurves", "csv", hazard::export_curves),
    of_stats("hcurves", "npz", npz::export_hcurves),
    entry("hmaps", "csv", hazard::export_maps),
    of_stats("hmaps", "npz", npz::export_hmaps),
    entry("hmaps-stats", "csv", hazard::export_maps_stats),
    entry("realizations", "csv", realizations::export),
    entry("ruptures", "csv", events::export_ruptures),
    entry("site_model", "csv", gmf::export_site_model),
    entry("uhs", "csv", hazard::export_uhs),
    of_stats("uhs", "npz", npz::export_uhs),
];

/// The entry of `output_type` in `format`, if this crate writes it.
fn entry_of(output_type: &str, format: &str) -> Option<&'static Entry> {
    HAZARD
        .iter()
        .find(|e| e.output_type == output_type && e.format == format)
}

/// Whether [`export`] writes `output_type` in `format` from `ds`.
fn writes(ds: &Datastore, output_type: &str, format: &str) -> bool {
    if risk::handles(output_type) {
        return risk::writes(ds, output_type, format);
    }
    entry_of(output_type, format)
        .is_some_and(|entry| !entry.needs_stats || ds.contains("hcurves-stats"))
}

/// The outputs OpenQuake registers after a run that left `ds`, in its order (sorted by
/// output type), each with the formats [`export`] writes. The reference's rules
/// (`expose_outputs`): the registered datastore keys, the full report, the realizations when
/// there are several, hazard curves/maps/spectra when curves were computed, the event-based
/// MFD beside the ruptures of a non-scenario calculation, the risk calculators' statistics
/// and curves (`risk::listing_rules`); then outputs whose datasets are all empty are left
/// out.
pub fn available_outputs(ds: &Datastore) -> Result<Vec<OutputSpec>, ExportError> {
    let mut listing = listing::Listing::read(ds)?;
    listing::hazard_rules(&mut listing)?;
    risk::listing_rules(&mut listing)?;
    listing
        .keys()?
        .into_iter()
        .filter_map(output_kind)
        .map(|kind| {
            Ok(OutputSpec {
                formats: kind
                    .formats
                    .iter()
                    .copied()
                    .filter(|format| writes(ds, kind.output_type, format))
                    .collect(),
                kind: *kind,
            })
        })
        .collect()
}

/// Writes output `output_type` of calculation `calc_id` in `format` into `dir`; returns the
/// files written, sorted by name.
pub fn export(
    ds: &Datastore,
    calc_id: i64,
    output_type: &str,
    format: &str,
    dir: &Path,
) -> Result<Vec<PathBuf>, ExportError> {
    let unsupported = || ExportError::Unsupported {
        output_type: output_type.to_owned(),
        format: format.to_owned(),
    };
    if !writes(ds, output_type, format) {
        return Err(unsupported());
    }
    let target = Target { dir, calc_id };
    let mut files = if risk::handles(output_type) {
        risk::export(ds, &target, output_type, format)?
    } else {
        let entry = entry_of(output_type, format).ok_or_else(unsupported)?;
        (entry.exporter)(ds, &target)?
    };
    files.sort();
    Ok(files)
}

/// Where exported files go and how they are named.
struct Target<'a> {
    dir: &'a Path,
    calc_id: i64,
}

impl Target<'_> {
    /// `<dir>/<stem>_<calc_id>.<ext>`, as OpenQuake's `export_path`.
    fn path(&self, stem: &str, ext: &str) -> PathBuf {
        self.dir.join(format!("{stem}_{}.{ext}", self.calc_id))
    }
}

/// A boolean job parameter as OpenQuake stores it (`true`/`false` or `1`/`0`).
fn flag(oq: &OqParam, name: &str) -> bool {
    match oq.params.get(name) {
        Some(v) => v.as_bool().unwrap_or_else(|| v.as_i64() == Some(1)),
        None => false,
    }
}
