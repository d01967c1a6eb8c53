//! Running one queued calculation from `executing` to its final status.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use chrono::Utc;
use oqcloud_model::jobini::JobIni;
use oqcloud_model::{CalcId, Job, JobStatus, LogLevel, LogRecord, NewOutput};
use oqcloud_store::{BlobStore, JobRepo, Mail, Mailer, TransitionFields, blob_keys};
use tokio::sync::mpsc;
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;

use crate::engine::{Engine, EngineError, ParentCalc, RunContext, RunOutput};
use crate::openquake::{OPENQUAKE_ENV, REPO_INSTALL};

/// Log rows are written at most this long after they were produced.
const LOG_FLUSH_INTERVAL: Duration = Duration::from_millis(250);
/// Largest batch of log rows written at once.
const LOG_BATCH: usize = 500;

/// What the worker needs to run jobs.
pub struct WorkerDeps {
    pub jobs: Arc<dyn JobRepo>,
    pub blobs: Arc<dyn BlobStore>,
    pub mailer: Arc<dyn Mailer>,
    /// Engines in order of preference; a job runs with the first that accepts it.
    pub engines: Vec<Arc<dyn Engine>>,
    /// Where each run gets its scratch directory (`calc_<id>/`), removed afterwards.
    pub scratch_dir: PathBuf,
}

/// How an engine run ended.
pub(crate) enum Outcome {
    Complete(RunOutput),
    Failed(Vec<String>),
    Aborted,
}

/// Runs job `id`: moves it to `executing`, runs it, stores its datastore, exports and
/// log, moves it to its final status and mails the owner.
///
/// Returns the job's final status, or `None` when the job was not run (its move to
/// `executing` was refused: a duplicate delivery, aborted while queued, removed) or was
/// removed while it ran. `cancel` is the abort signal. Errors are failures of the stores
/// only; a failing calculation ends `failed` and returns `Ok`.
pub async fn run_job(
    deps: &WorkerDeps,
    id: CalcId,
    cancel: CancellationToken,
) -> anyhow::Result<Option<JobStatus>> {
    let fields = TransitionFields {
        pid: Some(i64::from(std::process::id())),
        size_mb: None,
    };
    let Some(job) = deps
        .jobs
        .transition(id, JobStatus::Executing, fields)
        .await?
    else {
        tracing::info!("calculation {id} is not waiting to run; not running it");
        return Ok(None);
    };
    tracing::info!("calculation {id} executing");
    let scratch = deps.scratch_dir.join(format!("calc_{id}"));
    let settled = async {
        let outcome = execute(deps, &job, &scratch, &cancel).await;
        settle(deps, &job, outcome, &cancel).await
    }
    .await;
    if let Err(err) = tokio::fs::remove_dir_all(&scratch).await
        && err.kind() != std::io::ErrorKind::NotFound
    {
        tracing::warn!("could not remove {}: {err}", scratch.display());
    }
    let Some(done) = settled? else {
        tracing::info!("calculation {id} was removed while it ran");
        return Ok(None);
    };
    tracing::info!("calculation {id} {}", done.status);
    notify(deps, &done).await;
    Ok(Some(done.status))
}

/// Ends `failed` a job that a worker left unsettled: still `executing` when the worker
/// stopped without finishing it (in local AWS mode, its queue message came back because the
/// heartbeat stopped), or still waiting when its container ended before running it (the
/// Batch notifier). `why` becomes its traceback and the owner is mailed. Returns whether the
/// job was failed here (not when it is missing or already in a terminal status).
pub async fn fail_abandoned(deps: &WorkerDeps, id: CalcId, why: &str) -> anyhow::Result<bool> {
    match deps.jobs.get_job(id).await? {
        Some(job) if job.is_running() => {}
        _ => return Ok(false),
    }
    let (to, fields) = failed(deps, id, vec![why.to_owned()]).await;
    match deps.jobs.transition(id, to, fields).await? {
        Some(done) => {
            tracing::warn!("calculation {id} failed: {why}");
            notify(deps, &done).await;
            Ok(true)
        }
        None => Ok(false),
    }
}

/// Fetches the inputs and runs the job with the first engine that accepts it, forwarding
/// its log rows to the job repository as they come.
async fn execute(
    deps: &WorkerDeps,
    job: &Job,
    scratch: &Path,
    cancel: &CancellationToken,
) -> Outcome {
    let (log, rows) = mpsc::unbounded_channel();
    let forwarder = tokio::spawn(forward_log(deps.jobs.clone(), job.id, rows));
    let outcome = match prepare(deps, job, scratch).await {
        Ok((job_ini, parent)) => {
            let input_dir = scratch.join("inputs");
            let run = RunSpec {
                calc_id: job.id,
                job_ini: &input_dir.join(job_ini),
                input_dir: &input_dir,
                work_dir: &scratch.join("work"),
                parent,
                engine: None,
            };
            run_engines(&deps.engines, run, &log, cancel).await
        }
        Err(err) => Outcome::Failed(vec![format!("{err:#}")]),
    };
    drop(log);
    if let Err(err) = forwarder.await {
        tracing::warn!("log forwarding of calculation {} failed: {err}", job.id);
    }
    outcome
}

/// Fetches the job's inputs (and its parent's datastore) into the scratch directory;
/// returns the job.ini path relative to the inputs and the parent calculation.
async fn prepare(
    deps: &WorkerDeps,
    job: &Job,
    scratch: &Path,
) -> anyhow::Result<(String, Option<ParentCalc>)> {
    let id = job.id;
    let job_ini = job
        .job_ini
        .clone()
        .with_context(|| format!("calculation {id} has no job.ini"))?;
    // A run interrupted by a crash may have left files behind.
    fresh_dir(scratch)
        .await
        .with_context(|| format!("could not create {}", scratch.display()))?;
    let input_dir = scratch.join("inputs");
    fetch_prefix(
        deps.blobs.as_ref(),
        &blob_keys::inputs_prefix(id),
        &input_dir,
    )
    .await
    .with_context(|| format!("could not fetch the inputs of calculation {id}"))?;
    let parent = match job.hazard_calculation_id {
        Some(parent) => {
            let datastore = scratch.join("parent").join(format!("calc_{parent}.hdf5"));
            let found = deps
                .blobs
                .get_to_file(&blob_keys::datastore_key(parent), &datastore)
                .await
                .with_context(|| {
                    format!("could not fetch the datastore of calculation {parent}")
                })?;
            if !found {
                anyhow::bail!("the parent calculation {parent} has no datastore");
            }
            Some(ParentCalc {
                id: parent,
                datastore,
            })
        }
        None => None,
    };
    Ok((job_ini, parent))
}

/// Copies every blob under `prefix` to `dest`, keeping the key's remainder as the path.
async fn fetch_prefix(blobs: &dyn BlobStore, prefix: &str, dest: &Path) -> anyhow::Result<()> {
    tokio::fs::create_dir_all(dest).await?;
    for blob in blobs.list(prefix).await? {
        let relative = blob.key.strip_prefix(prefix).unwrap_or(&blob.key);
        let relative = Path::new(relative);
        if relative
            .components()
            .any(|part| !matches!(part, std::path::Component::Normal(_)))
        {
            anyhow::bail!("refusing input file name {:?}", blob.key);
        }
        blobs.get_to_file(&blob.key, &dest.join(relative)).await?;
    }
    Ok(())
}

/// Where an engine runs a job.
pub(crate) struct RunSpec<'a> {
    pub calc_id: CalcId,
    pub job_ini: &'a Path,
    pub input_dir: &'a Path,
    pub work_dir: &'a Path,
    pub parent: Option<ParentCalc>,
    /// The engine asked for on the command line, over the job's `engine` parameter.
    pub engine: Option<EngineChoice>,
}

/// Which engine runs a job: job.ini's `engine` (an oqcloud parameter), `auto` by default.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EngineChoice {
    /// The first engine that accepts the job: the native one, else the reference.
    Auto,
    /// Only the native engine; a job it does not support fails naming the feature.
    Native,
    /// Only the reference OpenQuake engine.
    OpenQuake,
}

impl std::str::FromStr for EngineChoice {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim() {
            "" | "auto" => Ok(EngineChoice::Auto),
            "native" => Ok(EngineChoice::Native),
            "openquake" => Ok(EngineChoice::OpenQuake),
            other => Err(format!(
                "engine: {other:?} is not one of auto, native, openquake"
            )),
        }
    }
}

impl EngineChoice {
    /// The engine name this choice is limited to, if any.
    fn only(self) -> Option<&'static str> {
        match self {
            EngineChoice::Auto => None,
            EngineChoice::Native => Some("native"),
            EngineChoice::OpenQuake => Some("openquake"),
        }
    }

    /// The job's own choice: its `engine` parameter, `auto` when absent or when the job.ini
    /// cannot be read (the engines then report what is wrong with it).
    fn of_job(job_ini: &Path) -> Result<EngineChoice, String> {
        match JobIni::from_file(job_ini) {
            Ok(ini) => ini.raw("engine").map_or(Ok(EngineChoice::Auto), str::parse),
            Err(_) => Ok(EngineChoice::Auto),
        }
    }
}

/// Runs the job with the first engine the choice allows that does not refuse it.
pub(crate) async fn run_engines(
    engines: &[Arc<dyn Engine>],
    run: RunSpec<'_>,
    log: &mpsc::UnboundedSender<LogRecord>,
    cancel: &CancellationToken,
) -> Outcome {
    let choice = match run.engine {
        Some(choice) => choice,
        None => match EngineChoice::of_job(run.job_ini) {
            Ok(choice) => choice,
            Err(message) => return Outcome::Failed(vec![message]),
        },
    };
    let allowed: Vec<&Arc<dyn Engine>> = engines
        .iter()
        .filter(|e| choice.only().is_none_or(|name| e.name() == name))
        .collect();
    if let (Some(name), true) = (choice.only(), allowed.is_empty()) {
        return Outcome::Failed(vec![format!(
            "The job asks for engine = {name}, which is not installed on this server"
        )]);
    }
    let mut refusals = Vec::new();
    for engine in allowed {
        if cancel.is_cancelled() {
            return Outcome::Aborted;
        }
        if let Err(err) = fresh_dir(run.work_dir).await {
            return Outcome::Failed(vec![format!(
                "could not create the work directory {}: {err}",
                run.work_dir.display()
            )]);
        }
        let _ = log.send(worker_row(
            LogLevel::Info,
            format!(
                "Running calculation {} with the {} engine {}",
                run.calc_id,
                engine.name(),
                engine.version()
            ),
        ));
        let ctx = RunContext {
            calc_id: run.calc_id,
            job_ini: run.job_ini.to_path_buf(),
            input_dir: run.input_dir.to_path_buf(),
            work_dir: run.work_dir.to_path_buf(),
            log: log.clone(),
            cancel: cancel.clone(),
            parent: run.parent.clone(),
        };
        match engine.run(ctx).await {
            Ok(output) => return Outcome::Complete(output),
            Err(EngineError::Aborted) => return Outcome::Aborted,
            Err(EngineError::Failed { traceback }) => return Outcome::Failed(traceback),
            Err(EngineError::Unsupported(why)) if choice.only().is_some() => {
                return Outcome::Failed(vec![format!(
                    "The {} engine cannot run this job: {why}",
                    engine.name()
                )]);
            }
            Err(EngineError::Unsupported(why)) => {
                let _ = log.send(worker_row(
                    LogLevel::Warning,
                    format!("The {} engine cannot run this job: {why}", engine.name()),
                ));
                refusals.push(format!("{}: {why}", engine.name()));
            }
        }
    }
    Outcome::Failed(vec![no_engine_message(&refusals)])
}

/// Why no engine ran the job, and how to make one available.
fn no_engine_message(refusals: &[String]) -> String {
    let mut message = String::from(
        "No engine can run this job: the native engine does not support it yet \
         and the reference OpenQuake engine is not installed",
    );
    if !refusals.is_empty() {
        message.push_str(" or cannot run it either");
        message.push_str(&format!(" ({})", refusals.join("; ")));
    }
    message.push_str(&format!(
        ". Install OpenQuake 3.26.2 in a virtualenv at {} under the server's working \
         directory, put its `oq` on the PATH, or set {OPENQUAKE_ENV} to the path of its \
         `oq` executable; then restart the server.",
        REPO_INSTALL.trim_end_matches("/bin/oq")
    ));
    message
}

async fn fresh_dir(dir: &Path) -> std::io::Result<()> {
    match tokio::fs::remove_dir_all(dir).await {
        Ok(()) => {}
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => {}
        Err(err) => return Err(err),
    }
    tokio::fs::create_dir_all(dir).await
}

/// Writes log rows to the job repository in batches until the channel closes.
async fn forward_log(
    jobs: Arc<dyn JobRepo>,
    id: CalcId,
    mut rows: mpsc::UnboundedReceiver<LogRecord>,
) {
    while let Some(first) = rows.recv().await {
        let mut batch = vec![first];
        let deadline = Instant::now() + LOG_FLUSH_INTERVAL;
        while batch.len() < LOG_BATCH {
            match tokio::time::timeout_at(deadline, rows.recv()).await {
                Ok(Some(row)) => batch.push(row),
                Ok(None) | Err(_) => break,
            }
        }
        if let Err(err) = jobs.append_log(id, &batch).await {
            tracing::warn!(
                "could not store {} log rows of calculation {id}: {err}",
                batch.len()
            );
        }
    }
}

/// A log row written by the worker itself.
fn worker_row(level: LogLevel, message: String) -> LogRecord {
    LogRecord::now(level, format!("worker/{}", std::process::id()), message)
}

/// Records the outcome: results and `complete`, traceback and `failed`, or `aborted`.
/// Returns the job as it ends, `None` if it was removed meanwhile.
async fn settle(
    deps: &WorkerDeps,
    job: &Job,
    outcome: Outcome,
    cancel: &CancellationToken,
) -> anyhow::Result<Option<Job>> {
    let id = job.id;
    if deps.jobs.get_job(id).await?.is_none() {
        return removed(deps, id).await;
    }
    // An abort that came while the run was finishing wins: nothing is registered.
    let outcome = match outcome {
        Outcome::Complete(_) if cancel.is_cancelled() => Outcome::Aborted,
        other => other,
    };
    let (to, fields) = match outcome {
        Outcome::Aborted => aborted(deps, id).await,
        Outcome::Complete(output) => match store_results(deps, id, &output).await {
            Ok(size_mb) => (
                JobStatus::Complete,
                TransitionFields {
                    pid: None,
                    size_mb: Some(size_mb),
                },
            ),
            Err(err) => {
                failed(
                    deps,
                    id,
                    vec![format!("could not store the results: {err:#}")],
                )
                .await
            }
        },
        Outcome::Failed(traceback) => failed(deps, id, traceback).await,
    };
    if let Some(done) = deps.jobs.transition(id, to, fields).await? {
        return Ok(Some(done));
    }
    // Aborted or removed by a request meanwhile.
    match deps.jobs.get_job(id).await? {
        Some(current) => Ok(Some(current)),
        None => removed(deps, id).await,
    }
}

/// The job was removed while it ran: drops whatever of it the run stored (blobs, and log
/// rows written after the removal).
async fn removed(deps: &WorkerDeps, id: CalcId) -> anyhow::Result<Option<Job>> {
    deps.jobs.delete_job(id).await?;
    deps.blobs
        .delete_prefix(&blob_keys::calc_prefix(id))
        .await?;
    Ok(None)
}

async fn aborted(deps: &WorkerDeps, id: CalcId) -> (JobStatus, TransitionFields) {
    let row = worker_row(LogLevel::Warning, format!("Calculation {id} aborted"));
    append_row(deps, id, row).await;
    (JobStatus::Aborted, TransitionFields::default())
}

/// Logs the traceback as one `ERROR` row (the traceback endpoint splits it into lines).
async fn failed(
    deps: &WorkerDeps,
    id: CalcId,
    traceback: Vec<String>,
) -> (JobStatus, TransitionFields) {
    let row = worker_row(LogLevel::Error, traceback.join("\n"));
    append_row(deps, id, row).await;
    (JobStatus::Failed, TransitionFields::default())
}

/// Appends a row; a row that cannot be stored does not keep the job from its status.
async fn append_row(deps: &WorkerDeps, id: CalcId, row: LogRecord) {
    if let Err(err) = deps.jobs.append_log(id, &[row]).await {
        tracing::warn!("could not log the outcome of calculation {id}: {err}");
    }
}

/// Stores the datastore and the exported files, registers the outputs; returns the
/// datastore size in MB.
async fn store_results(deps: &WorkerDeps, id: CalcId, output: &RunOutput) -> anyhow::Result<f64> {
    let size = tokio::fs::metadata(&output.datastore)
        .await
        .with_context(|| format!("no datastore at {}", output.datastore.display()))?
        .len();
    deps.blobs
        .put_file(&blob_keys::datastore_key(id), &output.datastore)
        .await?;
    for produced in &output.outputs {
        for file in &produced.exports {
            let name = file
                .path
                .file_name()
                .with_context(|| format!("exported file {} has no name", file.path.display()))?
                .to_string_lossy();
            let key = format!(
                "{}{name}",
                blob_keys::export_prefix(id, &produced.output_type, &file.format)
            );
            deps.blobs.put_file(&key, &file.path).await?;
        }
    }
    let outputs: Vec<NewOutput> = output
        .outputs
        .iter()
        .map(|produced| NewOutput {
            output_type: produced.output_type.clone(),
            display_name: produced.display_name.clone(),
            size_mb: produced.size_mb,
        })
        .collect();
    deps.jobs.add_outputs(id, &outputs).await?;
    Ok(size as f64 / (1024.0 * 1024.0))
}

/// Mails the owner the final status; a mail that cannot be sent is only logged.
async fn notify(deps: &WorkerDeps, job: &Job) {
    let mail = completion_mail(job);
    if let Err(err) = deps.mailer.send(&mail).await {
        tracing::warn!(
            "could not mail {} about calculation {}: {err}",
            mail.to,
            job.id
        );
    }
}

/// The mail telling the owner how the calculation ended.
fn completion_mail(job: &Job) -> Mail {
    let id = job.id;
    let description = &job.description;
    let (verb, detail) = match job.status {
        JobStatus::Complete | JobStatus::Shared => (
            "completed",
            format!("Its results are listed at /v1/calc/{id}/results."),
        ),
        JobStatus::Failed => (
            "failed",
            format!(
                "Its traceback is at /v1/calc/{id}/traceback and its log at /v1/calc/{id}/log/:."
            ),
        ),
        JobStatus::Aborted => ("was aborted", "It has no results.".to_owned()),
        JobStatus::Created | JobStatus::Submitted | JobStatus::Executing => (
            "is still running",
            format!("Its status is at /v1/calc/{id}/status."),
        ),
    };
    Mail {
        to: job.user_name.clone(),
        subject: format!("Calculation {id} {verb}: {description}"),
        body: format!(
            "Calculation {id} ({description}) {verb}; its status is {}.\n{detail}\n",
            job.status
        ),
        sent_at: Utc::now(),
    }
}
