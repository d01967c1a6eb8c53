//! The native engine: oqcloud's own classical PSHA calculator (`oqcloud-hazard`), writing a
//! datastore in OpenQuake's layout and exporting from it with `oqcloud-extract`, as the
//! reference engine's run leaves them.
//!
//! A job it cannot run (another calculation mode, a source typology or job parameter not
//! implemented yet) is refused with [`EngineError::Unsupported`] naming the feature, before
//! any work is done; the worker then tries the next engine.

mod datastore;

use std::path::{Path, PathBuf};
use std::time::Instant;

use async_trait::async_trait;
use oqcloud_hazard::HazardError;
use oqcloud_hazard::classical::{ClassicalParams, HazardCurves, compute};
use oqcloud_model::jobini::{JobIni, is_openquake_key};
use oqcloud_model::{LogLevel, LogRecord};

use crate::engine::{Engine, EngineError, ExportedFile, ProducedOutput, RunContext, RunOutput};

/// Output options the native engine does not implement yet, with the value OpenQuake takes
/// by default (the only one accepted). The statistics (mean, std, quantiles, max) are
/// computed.
const UNSUPPORTED_OPTIONS: &[(&str, &str)] = &[("hazard_curves", "true")];

/// The job.ini parameters known to OpenQuake that the native engine reads, or that do not
/// change what a classical calculation computes (its description, where exports go, seeds
/// of sampling it refuses, the parallelism). A job setting any other parameter OpenQuake
/// reads (`tile_spec`, `amplification_csv`, `exposure_file`, ...) is refused, so that no
/// input is silently dropped; keys OpenQuake does not know it ignores, and so do we.
const NATIVE_PARAMS: &[&str] = &[
    // the calculation
    "calculation_mode",
    "engine",
    "number_of_logic_tree_samples",
    "source_model_logic_tree_file",
    "gsim_logic_tree_file",
    "gsim",
    "intensity_measure_types_and_levels",
    "investigation_time",
    "truncation_level",
    "maximum_distance",
    "minimum_distance",
    "minimum_magnitude",
    "pointsource_distance",
    "ps_grid_spacing",
    "max_sites_disagg",
    "rupture_mesh_spacing",
    "complex_fault_mesh_spacing",
    "width_of_mfd_bin",
    "area_source_discretization",
    "shift_hypo",
    "horiz_comp_to_geom_mean",
    "source_nodes",
    // only replaces a first level 0 (checked below)
    "minimum_intensity",
    // read but not used by OpenQuake 3.26
    "collapse_level",
    // sites and their parameters
    "sites",
    "sites_csv",
    "region",
    "region_constraint",
    "region_grid_spacing",
    "site_model_file",
    "reference_vs30_type",
    "reference_vs30_value",
    "reference_depth_to_1pt0km_per_sec",
    "reference_depth_to_2pt5km_per_sec",
    "reference_depth_to_1pt4km_per_sec",
    // outputs
    "hazard_curves",
    "hazard_curves_file",
    "hazard_maps",
    "uniform_hazard_spectra",
    "poes",
    "mean",
    "mean_hazard_curves",
    "std",
    "max",
    "max_hazard_curves",
    "quantiles",
    "quantile_hazard_curves",
    "individual_rlzs",
    "individual_curves",
    "use_rates",
    "export_dir",
    "exports",
    // no effect on the numbers
    "description",
    "random_seed",
    "master_seed",
    "ses_seed",
    "concurrent_tasks",
    "minimum_engine_version",
    "split_sources",
];

/// oqcloud's native engine.
#[derive(Debug, Default, Clone, Copy)]
pub struct NativeEngine;

#[async_trait]
impl Engine for NativeEngine {
    fn name(&self) -> &'static str {
        "native"
    }

    fn version(&self) -> String {
        env!("CARGO_PKG_VERSION").to_owned()
    }

    async fn run(&self, ctx: RunContext) -> Result<RunOutput, EngineError> {
        let started = chrono::Local::now();
        let job = prepare(&ctx.job_ini)?;
        let log = |level: LogLevel, message: String| {
            let process = format!("native/{}", std::process::id());
            let _ = ctx.log.send(LogRecord::now(level, process, message));
        };
        for warning in job.ini.warnings() {
            log(LogLevel::Warning, warning.to_string());
        }
        log(
            LogLevel::Info,
            format!(
                "Computing classical hazard curves for {} site(s), {} IMT(s)",
                job.params.sites.len(),
                job.params.imts.len()
            ),
        );
        let clock = Instant::now();
        let params = job.params.clone();
        let computing = tokio::task::spawn_blocking(move || compute(&params));
        let curves = tokio::select! {
            joined = computing => joined
                .map_err(|e| EngineError::failed(format!("the calculation panicked: {e}")))?
                .map_err(computation_error)?,
            () = ctx.cancel.cancelled() => return Err(EngineError::Aborted),
        };
        log(
            LogLevel::Info,
            format!(
                "Computed {} realization(s) in {:.2} s",
                curves.realizations.len(),
                clock.elapsed().as_secs_f64()
            ),
        );
        let store = StoreRequest {
            path: ctx.work_dir.join(format!("calc_{}.hdf5", ctx.calc_id)),
            export_dir: ctx.work_dir.join("exports"),
            calc_id: ctx.calc_id,
            started,
        };
        let clock = Instant::now();
        let output = tokio::task::spawn_blocking(move || store.run(&job, &curves))
            .await
            .map_err(|e| EngineError::failed(format!("storing the results panicked: {e}")))??;
        log(
            LogLevel::Info,
            format!(
                "Stored {} and exported its outputs in {:.2} s",
                output.datastore.display(),
                clock.elapsed().as_secs_f64()
            ),
        );
        Ok(output)
    }
}

/// A job the native engine accepted.
struct PreparedJob {
    ini: JobIni,
    params: ClassicalParams,
    poes: Vec<f64>,
    /// Whether the mean curves are stored and exported (`mean`, true by default).
    mean: bool,
    /// Whether the weighted standard deviation is (`std`, false by default).
    std: bool,
    /// Whether the maximum over realizations is (`max`, false by default).
    max: bool,
    /// Whether every realization's curves are stored when there are several
    /// (`individual_rlzs`).
    individual_rlzs: bool,
    /// `quantiles` (or its old name `quantile_hazard_curves`).
    quantiles: Vec<f64>,
    /// Whether the statistics are of the realizations' rates rather than their PoEs
    /// (`use_rates`).
    use_rates: bool,
}

/// Reads the job and refuses what is not implemented natively.
fn prepare(job_ini: &Path) -> Result<PreparedJob, EngineError> {
    let ini = JobIni::from_file(job_ini).map_err(|e| EngineError::Unsupported(e.to_string()))?;
    if let Some((key, _)) = ini
        .params()
        .find(|(key, _)| is_openquake_key(key) && !NATIVE_PARAMS.contains(key))
    {
        return Err(EngineError::Unsupported(format!(
            "the job.ini parameter {key}"
        )));
    }
    for (key, default) in UNSUPPORTED_OPTIONS {
        if let Some(value) = ini.raw(key)
            && !value.trim().eq_ignore_ascii_case(default)
        {
            return Err(EngineError::Unsupported(format!("{key} = {value}")));
        }
    }
    let base_dir = job_ini.parent().unwrap_or(Path::new("."));
    let params = ClassicalParams::from_ini(&ini, base_dir).map_err(refusal)?;
    // OpenQuake reads a first level 0 as the IMT's minimum intensity (1e-10 when not set,
    // which is how the levels come)
    if ini.raw("minimum_intensity").is_some() && params.imts.iter().any(|i| i.levels[0] == 1e-10) {
        return Err(EngineError::Unsupported(
            "minimum_intensity with a first intensity level 0".into(),
        ));
    }
    if let Some(first) = params.imts.first()
        && params
            .imts
            .iter()
            .any(|i| i.levels.len() != first.levels.len())
    {
        return Err(EngineError::Unsupported(
            "IMTs with different numbers of intensity levels".into(),
        ));
    }
    let numbers = |key: &str| -> Result<Vec<f64>, EngineError> {
        let Some(text) = ini.raw(key) else {
            return Ok(Vec::new());
        };
        text.split([' ', ',', '\t', '\n'])
            .filter(|p| !p.is_empty())
            .map(str::parse::<f64>)
            .collect::<Result<_, _>>()
            .map_err(|_| EngineError::Unsupported(format!("{key} = {text}")))
    };
    let poes = numbers("poes")?;
    let mut quantiles = numbers("quantiles")?;
    quantiles.extend(numbers("quantile_hazard_curves")?);
    // a boolean under its name or its old one (JobIni refuses both at once)
    let flag = |names: &[&str], default: bool| {
        names
            .iter()
            .find_map(|key| ini.flag(key))
            .unwrap_or(default)
    };
    Ok(PreparedJob {
        mean: flag(&["mean", "mean_hazard_curves"], true),
        std: flag(&["std"], false),
        max: flag(&["max", "max_hazard_curves"], false),
        individual_rlzs: flag(&["individual_rlzs", "individual_curves"], false),
        quantiles,
        use_rates: flag(&["use_rates"], false),
        ini,
        params,
        poes,
    })
}

/// Why the native engine does not take a job whose parameters it could not collect.
fn refusal(err: HazardError) -> EngineError {
    EngineError::Unsupported(err.to_string())
}

/// A failed computation: a refusal when it met a feature not implemented yet (another
/// engine may run the job), else a failure.
fn computation_error(err: HazardError) -> EngineError {
    fn unsupported(err: &HazardError) -> bool {
        match err {
            HazardError::Unsupported(_) => true,
            HazardError::InSource { error, .. } => unsupported(error),
            HazardError::Invalid(_) => false,
        }
    }
    if unsupported(&err) {
        EngineError::Unsupported(err.to_string())
    } else {
        EngineError::failed(err.to_string())
    }
}

/// Where and how a finished calculation is stored.
struct StoreRequest {
    path: PathBuf,
    export_dir: PathBuf,
    calc_id: i64,
    started: chrono::DateTime<chrono::Local>,
}

impl StoreRequest {
    /// Writes the datastore, then exports every output it holds in every format, the
    /// exports in parallel.
    fn run(self, job: &PreparedJob, curves: &HazardCurves) -> Result<RunOutput, EngineError> {
        let failed =
            |what: &str, err: &dyn std::fmt::Display| EngineError::failed(format!("{what}: {err}"));
        let meta = datastore::Meta {
            started: self.started,
            version: format!("oqcloud {}", env!("CARGO_PKG_VERSION")),
        };
        let ds = datastore::write(&self.path, &meta, job, curves)
            .map_err(|e| failed("writing the datastore", &e))?;
        std::fs::create_dir_all(&self.export_dir)
            .map_err(|e| failed(&self.export_dir.display().to_string(), &e))?;
        let specs = oqcloud_extract::available_outputs(&ds)
            .map_err(|e| failed("listing the outputs", &e))?;
        // every output in every format, each exported on a thread of its own
        let export = |output_type: &str, format: &str| -> Result<Vec<ExportedFile>, EngineError> {
            let files =
                oqcloud_extract::export(&ds, self.calc_id, output_type, format, &self.export_dir)
                    .map_err(|e| failed(&format!("exporting {output_type}"), &e))?;
            Ok(files
                .into_iter()
                .map(|path| ExportedFile {
                    format: format.to_owned(),
                    path,
                })
                .collect())
        };
        let export = &export;
        let exported: Vec<(usize, Result<Vec<ExportedFile>, EngineError>)> =
            std::thread::scope(|scope| {
                let threads: Vec<_> = specs
                    .iter()
                    .enumerate()
                    .flat_map(|(i, spec)| spec.formats.iter().map(move |format| (i, spec, format)))
                    .map(|(i, spec, format)| {
                        (
                            i,
                            scope.spawn(move || export(spec.kind.output_type, format)),
                        )
                    })
                    .collect();
                threads
                    .into_iter()
                    .map(|(i, thread)| {
                        let files = thread.join();
                        (
                            i,
                            files.unwrap_or_else(|_| Err(failed("exporting", &"a panic"))),
                        )
                    })
                    .collect()
            });
        let mut outputs: Vec<ProducedOutput> = specs
            .iter()
            .map(|spec| ProducedOutput {
                output_type: spec.kind.output_type.to_owned(),
                display_name: spec.kind.display_name.to_owned(),
                size_mb: None,
                exports: Vec::new(),
            })
            .collect();
        for (i, files) in exported {
            outputs[i].exports.extend(files?);
        }
        drop(ds);
        Ok(RunOutput {
            datastore: self.path,
            outputs,
            pid: None,
        })
    }
}
