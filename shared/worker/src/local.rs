//! Running a job in this process without a server (`oqcloud engine --run job.ini`).

use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::{Context, bail};
use oqcloud_model::{CalcId, LogRecord};
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

use crate::engine::Engine;
use crate::run::{EngineChoice, Outcome, RunSpec, run_engines};

/// The calculation id of a local run (file names of the exports end with `_1`).
const LOCAL_CALC_ID: CalcId = 1;

/// Runs `job_ini` with the first engine that accepts it among those `engine` allows (the
/// job's own `engine` parameter when `None`), printing the log to stderr as it
/// comes; Ctrl-C aborts the run. On success copies the exported files whose format is one
/// of `exports` into `export_dir` and returns their paths, sorted. A failed or aborted run
/// is an error whose message is the traceback.
pub async fn run_local(
    engines: &[Arc<dyn Engine>],
    job_ini: &Path,
    engine: Option<EngineChoice>,
    exports: &[String],
    export_dir: &Path,
) -> anyhow::Result<Vec<PathBuf>> {
    let job_ini = std::path::absolute(job_ini)?;
    if !job_ini.is_file() {
        bail!("{} is not a file", job_ini.display());
    }
    let input_dir = job_ini
        .parent()
        .context("the job.ini has no directory")?
        .to_path_buf();
    let scratch = tempfile::tempdir()?;
    let work_dir = scratch.path().join("work");

    let cancel = CancellationToken::new();
    let interrupt = tokio::spawn({
        let cancel = cancel.clone();
        async move {
            if tokio::signal::ctrl_c().await.is_ok() {
                eprintln!("Interrupted: aborting the calculation");
                cancel.cancel();
            }
        }
    });
    let (log, rows) = mpsc::unbounded_channel();
    let printer = tokio::spawn(print_log(rows));
    let spec = RunSpec {
        calc_id: LOCAL_CALC_ID,
        job_ini: &job_ini,
        input_dir: &input_dir,
        work_dir: &work_dir,
        parent: None,
        engine,
    };
    let outcome = run_engines(engines, spec, &log, &cancel).await;
    interrupt.abort();
    drop(log);
    printer.await?;

    let output = match outcome {
        Outcome::Complete(output) => output,
        Outcome::Failed(traceback) => bail!("{}", traceback.join("\n")),
        Outcome::Aborted => bail!("the calculation was aborted"),
    };
    tokio::fs::create_dir_all(export_dir)
        .await
        .with_context(|| format!("creating {}", export_dir.display()))?;
    let mut written = Vec::new();
    for produced in &output.outputs {
        for file in produced
            .exports
            .iter()
            .filter(|file| exports.contains(&file.format))
        {
            let name = file
                .path
                .file_name()
                .with_context(|| format!("exported file {} has no name", file.path.display()))?;
            let dest = export_dir.join(name);
            tokio::fs::copy(&file.path, &dest).await.with_context(|| {
                format!("copying {} to {}", file.path.display(), dest.display())
            })?;
            written.push(dest);
        }
    }
    written.sort();
    Ok(written)
}

/// Prints rows as OpenQuake prints its log: `[2026-11-22 04:24:36 #1 INFO] message`.
async fn print_log(mut rows: mpsc::UnboundedReceiver<LogRecord>) {
    while let Some(row) = rows.recv().await {
        eprintln!(
            "[{} #{LOCAL_CALC_ID} {}] {}",
            row.timestamp.format("%Y-%m-%d %H:%M:%S"),
            row.level,
            row.message
        );
    }
}
