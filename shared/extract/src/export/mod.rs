//! Exports in OpenQuake's formats, read from a datastore.
//!
//! [`available_outputs`] says which outputs a datastore holds (as the reference lists them
//! after a run); [`export`] writes one output in one format into a directory, with the
//! reference's file names (`hazard_curve-mean-PGA_<calc>.csv`, ...).

pub(crate) mod csv;
mod hazard;
mod npz;
mod realizations;
mod report;
mod risk;

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

/// An output a datastore holds, with the formats this crate exports it in.
#[derive(Debug, Clone, PartialEq)]
pub struct OutputSpec {
    /// The registry entry (output type, display name).
    pub kind: OutputKind,
    /// Formats [`export`] writes for it, in registry order.
    pub formats: Vec<&'static str>,
}

/// The outputs of a classical calculation as OpenQuake exposes them: the full report; hazard
/// curves; hazard maps when `poes` are set and `hazard_maps` is on; uniform hazard spectra
/// when `poes` are set and `uniform_hazard_spectra` is on.
pub fn available_outputs(ds: &Datastore) -> Result<Vec<OutputSpec>, ExportError> {
    let oq = ds.oqparam()?;
    let has_poes = !oq.poes()?.is_empty();
    let has_curves = ["hcurves-stats", "hcurves-rlzs"]
        .iter()
        .any(|name| ds.contains(name));
    let wanted = [
        ("fullreport", true),
        ("hcurves", has_curves),
        ("hmaps", has_curves && has_poes && flag(&oq, "hazard_maps")),
        (
            "uhs",
            has_curves && has_poes && flag(&oq, "uniform_hazard_spectra"),
        ),
    ];
    let mut outputs: Vec<OutputSpec> = wanted
        .into_iter()
        .filter(|(_, present)| *present)
        .filter_map(|(output_type, _)| output_kind(output_type))
        .map(|kind| OutputSpec {
            formats: kind
                .formats
                .iter()
                .copied()
                .filter(|format| writes(ds, kind.output_type, format))
                .collect(),
            kind: *kind,
        })
        .collect();
    for (output_type, formats) in risk::outputs(ds)? {
        if let Some(kind) = output_kind(output_type) {
            outputs.push(OutputSpec {
                kind: *kind,
                formats,
            });
        }
    }
    // the reference registers its outputs in the order of their types
    outputs.sort_by_key(|o| o.kind.output_type);
    Ok(outputs)
}

/// Whether [`export`] writes `output_type` in `format` from `ds`. The npz tables hold the
/// statistics: without any (`mean = false`, no quantiles) there is no npz (the reference
/// lists it and fails exporting it).
fn writes(ds: &Datastore, output_type: &str, format: &str) -> bool {
    match format {
        "csv" => matches!(output_type, "hcurves" | "hmaps" | "uhs" | "realizations"),
        "npz" => matches!(output_type, "hcurves" | "hmaps" | "uhs") && ds.contains("hcurves-stats"),
        "rst" => output_type == "fullreport",
        _ => false,
    }
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
    if risk::handles(output_type) {
        let mut files = risk::export(ds, &Target { dir, calc_id }, output_type, format)?;
        files.sort();
        return Ok(files);
    }
    if !writes(ds, output_type, format) {
        return Err(ExportError::Unsupported {
            output_type: output_type.to_owned(),
            format: format.to_owned(),
        });
    }
    let target = Target { dir, calc_id };
    let mut files = match output_type {
        _ if format == "npz" => npz::export(ds, &target, output_type)?,
        "hcurves" => hazard::export_curves(ds, &target)?,
        "hmaps" => hazard::export_maps(ds, &target)?,
        "uhs" => hazard::export_uhs(ds, &target)?,
        "fullreport" => report::export(ds, &target)?,
        _ => realizations::export(ds, &target)?,
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
