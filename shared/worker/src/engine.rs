//! The engine abstraction: something that turns a job directory into a datastore and outputs.

use std::path::PathBuf;

use async_trait::async_trait;
use oqcloud_model::{CalcId, LogRecord};
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

/// Everything an engine needs to run one job.
pub struct RunContext {
    pub calc_id: CalcId,
    /// The job.ini, inside `input_dir`.
    pub job_ini: PathBuf,
    /// Directory holding the job's input files as uploaded.
    pub input_dir: PathBuf,
    /// Scratch directory the engine may write to; removed after the run.
    pub work_dir: PathBuf,
    /// Log rows produced while running, in order.
    pub log: mpsc::UnboundedSender<LogRecord>,
    /// Cancelled when the job is aborted: the engine stops its work and returns
    /// [`EngineError::Aborted`].
    pub cancel: CancellationToken,
    /// The parent calculation, when the job reuses one (`hazard_calculation_id`).
    pub parent: Option<ParentCalc>,
}

/// A finished calculation whose results a job builds on.
#[derive(Debug, Clone, PartialEq)]
pub struct ParentCalc {
    pub id: CalcId,
    /// Its HDF5 datastore, a local file.
    pub datastore: PathBuf,
}

/// One exported file of an output.
#[derive(Debug, Clone, PartialEq)]
pub struct ExportedFile {
    /// Export format (`csv`, `npz`, `rst`, ...).
    pub format: String,
    /// The file, inside the run's work directory.
    pub path: PathBuf,
}

/// One output the engine produced.
#[derive(Debug, Clone, PartialEq)]
pub struct ProducedOutput {
    /// Output type, as in OpenQuake's export registry.
    pub output_type: String,
    /// Display name, e.g. `Hazard Curves`.
    pub display_name: String,
    /// Size of the stored dataset in MB, if it is one.
    pub size_mb: Option<f64>,
    /// Exported files, in every format the engine could export.
    pub exports: Vec<ExportedFile>,
}

/// What a successful run leaves behind.
#[derive(Debug, Clone, PartialEq)]
pub struct RunOutput {
    /// The HDF5 datastore, inside the run's work directory.
    pub datastore: PathBuf,
    pub outputs: Vec<ProducedOutput>,
    /// pid of the process that ran the job, if a separate one did.
    pub pid: Option<u32>,
}

/// Why a run did not complete.
#[derive(Debug, thiserror::Error)]
pub enum EngineError {
    /// The run was stopped by an abort.
    #[error("the calculation was aborted")]
    Aborted,
    /// This engine cannot run the job; the message says why (e.g. the unsupported feature).
    #[error("{0}")]
    Unsupported(String),
    /// The run failed; `traceback` is the error as lines, the last one the error message.
    #[error("{}", traceback.last().map(String::as_str).unwrap_or("the calculation failed"))]
    Failed { traceback: Vec<String> },
}

impl EngineError {
    /// A failure with a one-line message.
    pub fn failed(message: impl Into<String>) -> Self {
        EngineError::Failed {
            traceback: vec![message.into()],
        }
    }
}

/// A calculation engine (the native one, or the reference OpenQuake run as a subprocess).
#[async_trait]
pub trait Engine: Send + Sync {
    /// Short name, e.g. `openquake` or `native`.
    fn name(&self) -> &'static str;

    /// The version string this engine reports (`/v1/engine_version`).
    fn version(&self) -> String;

    /// Runs the job to completion, failure or abort.
    async fn run(&self, ctx: RunContext) -> Result<RunOutput, EngineError>;
}
