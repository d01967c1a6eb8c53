//! The AWS Batch worker, `oqcloud worker --calc-id N`: the entrypoint of the Batch
//! container. It runs one calculation with the same worker code as the other deployments
//! ([`run_job`]) over the AWS stores named by the environment: inputs from S3, log rows,
//! outputs and status in DynamoDB, datastore and exports to S3, mail through SES.
//!
//! SIGTERM (Batch's `TerminateJob`, sent when the user aborts) or SIGINT aborts the run: the
//! engine's processes are stopped and the calculation ends `aborted`, with nothing
//! registered. A calculation this worker settled (complete, failed or aborted) is mailed
//! here; the process then exits 0, so a Batch job that fails is one whose worker could not
//! settle its calculation, which the notifier function then fails.

use std::path::Path;

use anyhow::Context;
use oqcloud_model::{CalcId, JobStatus};
use oqcloud_store_aws::AwsStores;
use oqcloud_worker::{WorkerDeps, run_job};
use tokio_util::sync::CancellationToken;

use crate::embedded::available_engines;
use crate::serving::shutdown_signal;

/// Runs calculation `id` in this process with scratch space under `scratch_dir`. Returns
/// its final status, or `None` when it was not waiting to run (a duplicate Batch job, or
/// aborted or removed before it started) or was removed while it ran. Errors are the
/// stores': the calculation is then left unsettled.
pub async fn run_calculation(
    stores: &AwsStores,
    id: CalcId,
    scratch_dir: &Path,
) -> anyhow::Result<Option<JobStatus>> {
    std::fs::create_dir_all(scratch_dir)
        .with_context(|| format!("creating {}", scratch_dir.display()))?;
    let deps = WorkerDeps {
        jobs: stores.jobs.clone(),
        blobs: stores.blobs.clone(),
        mailer: stores.mailer.clone(),
        engines: available_engines(),
        scratch_dir: scratch_dir.canonicalize()?,
    };
    let cancel = CancellationToken::new();
    let on_signal = {
        let cancel = cancel.clone();
        tokio::spawn(async move {
            shutdown_signal().await;
            tracing::warn!("signalled: aborting calculation {id}");
            cancel.cancel();
        })
    };
    let outcome = run_job(&deps, id, cancel).await;
    on_signal.abort();
    outcome
}
