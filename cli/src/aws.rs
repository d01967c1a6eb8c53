//! Local AWS mode: the API router over the AWS stores (DynamoDB, S3, SQS, SES at
//! `AWS_ENDPOINT_URL`), with workers in this process that poll the SQS run queue, since an
//! emulator runs no Batch containers.
//!
//! A worker keeps the message of the job it runs hidden by extending its visibility every
//! [`HEARTBEAT`] (the heartbeat). A worker that dies stops extending it, so the message comes
//! back within [`VISIBILITY_SECONDS`]; the worker that receives it again finds the job still
//! `executing` and ends it `failed`. A duplicate delivery of a job that is queued, running
//! here or finished runs nothing (the move to `executing` is a conditional write).

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use async_trait::async_trait;
use oqcloud_api::{ApiConfig, AppState, Limits, app};
use oqcloud_model::{CalcId, JobStatus};
use oqcloud_store::runs::RunRegistry;
use oqcloud_store::{AbortOutcome, BlobCache, JobRepo, RunQueue, StoreResult};
use oqcloud_store_aws::{AwsStores, Delivery, SqsRunQueue};
use oqcloud_worker::{WorkerDeps, fail_abandoned, run_job};
use tokio::task::JoinHandle;

use crate::embedded::{InstalledEngines, available_engines, gethostname};
use crate::serving;

/// How long a received run message stays hidden from other workers without a heartbeat.
pub const VISIBILITY_SECONDS: i32 = 30;
/// How often a worker extends the visibility of the message of the job it runs.
pub const HEARTBEAT: Duration = Duration::from_secs(10);
/// Long-polling wait of one receive call.
const POLL_SECONDS: i32 = 5;

/// Settings of a server in local AWS mode.
#[derive(Debug, Clone)]
pub struct AwsServerOptions {
    pub host: String,
    /// 0 picks a free port.
    pub port: u16,
    /// Workers polling the run queue in this process (0: none, another process runs jobs).
    pub workers: usize,
    pub limits: Limits,
    /// The user every request acts as (authentication off).
    pub default_user: String,
    /// Local scratch space: uploads being unpacked and runs' working directories.
    pub scratch_dir: PathBuf,
}

/// A running server in local AWS mode.
pub struct AwsServer {
    /// The address it listens on.
    pub addr: SocketAddr,
    pub stores: AwsStores,
    deps: Arc<WorkerDeps>,
    runs: Arc<RunRegistry>,
    server: JoinHandle<()>,
    workers: Vec<JoinHandle<()>>,
}

impl AwsServer {
    /// Serves the API over `stores` and starts the queue-polling workers.
    pub async fn start(stores: AwsStores, options: AwsServerOptions) -> anyhow::Result<Self> {
        std::fs::create_dir_all(&options.scratch_dir)
            .with_context(|| format!("creating {}", options.scratch_dir.display()))?;
        let scratch_dir = options.scratch_dir.canonicalize()?;
        let runs = Arc::new(RunRegistry::new());
        let deps = Arc::new(WorkerDeps {
            jobs: stores.jobs.clone(),
            blobs: stores.blobs.clone(),
            mailer: stores.mailer.clone(),
            engines: available_engines(),
            scratch_dir: scratch_dir.join("runs"),
        });
        let queue = Arc::new(QueueWithLocalRuns {
            sqs: stores.queue.clone(),
            runs: runs.clone(),
        });
        let state = api_state(
            &stores,
            queue,
            &scratch_dir,
            options.default_user.clone(),
            options.limits,
        );
        let (addr, server) = serving::serve(app(state), &options.host, options.port).await?;
        let mut server = AwsServer {
            addr,
            stores,
            deps,
            runs,
            server,
            workers: Vec::new(),
        };
        server.start_workers(options.workers);
        Ok(server)
    }

    /// Serves until SIGINT or SIGTERM, then stops as [`AwsServer::stop`] does.
    pub async fn serve_until_signal(mut self) -> anyhow::Result<()> {
        serving::until_signal(&mut self.server).await?;
        self.stop().await;
        Ok(())
    }

    /// Stops serving and polling, aborts the jobs running here (they end `aborted`, their
    /// messages are deleted) and waits for that up to a minute.
    pub async fn stop(self) {
        serving::stop(self.server, &self.runs, self.workers).await;
    }

    /// Starts `count` more queue-polling workers.
    pub fn start_workers(&mut self, count: usize) {
        for _ in 0..count {
            let worker = poll_queue(
                self.deps.clone(),
                self.stores.queue.clone(),
                self.runs.clone(),
            );
            self.workers.push(tokio::spawn(worker));
        }
    }
}

/// The API's state over the AWS stores: `queue` takes the runs and the aborts, uploads are
/// unpacked under `scratch_dir` (which must be absolute), and the bucket is the storage root.
pub fn api_state(
    stores: &AwsStores,
    queue: Arc<dyn RunQueue>,
    scratch_dir: &Path,
    default_user: String,
    limits: Limits,
) -> AppState {
    AppState {
        jobs: stores.jobs.clone(),
        blobs: stores.blobs.clone(),
        queue,
        engine: Arc::new(InstalledEngines::discover()),
        datastores: BlobCache::new(scratch_dir.join("datastores"), limits.datastore_cache_bytes),
        config: Arc::new(ApiConfig {
            host_name: gethostname(),
            default_user,
            limits,
            data_dir: scratch_dir.to_path_buf(),
            storage_root: format!("s3://{}", stores.blobs.bucket()),
            scratch_dir: scratch_dir.join("uploads"),
        }),
    }
}

/// The run queue as the API sees it here: jobs go to SQS, and an abort reaches the runs of
/// this process's workers (an emulator has no Batch `TerminateJob`).
struct QueueWithLocalRuns {
    sqs: Arc<SqsRunQueue>,
    runs: Arc<RunRegistry>,
}

#[async_trait]
impl RunQueue for QueueWithLocalRuns {
    async fn enqueue(&self, id: CalcId) -> StoreResult<()> {
        self.sqs.enqueue(id).await
    }

    async fn abort(&self, id: CalcId) -> StoreResult<AbortOutcome> {
        Ok(self.runs.abort(id))
    }
}

/// Receives run messages until the task is stopped, running each job it names.
async fn poll_queue(deps: Arc<WorkerDeps>, sqs: Arc<SqsRunQueue>, runs: Arc<RunRegistry>) {
    loop {
        match sqs.receive(POLL_SECONDS, VISIBILITY_SECONDS).await {
            Ok(Some(delivery)) => handle_delivery(&deps, &sqs, &runs, delivery).await,
            Ok(None) => {}
            Err(err) => {
                tracing::warn!("polling the run queue: {err}");
                tokio::time::sleep(Duration::from_secs(1)).await;
            }
        }
    }
}

/// Runs the job of one message with a heartbeat, then deletes the message. A message whose
/// job is still `executing` on a later delivery was abandoned by a dead worker.
async fn handle_delivery(
    deps: &Arc<WorkerDeps>,
    sqs: &Arc<SqsRunQueue>,
    runs: &RunRegistry,
    delivery: Delivery,
) {
    let Some(id) = delivery.calc_id else {
        tracing::warn!("dropping run message {:?}: not a calc id", delivery.body);
        delete(sqs, &delivery).await;
        return;
    };
    if delivery.receive_count > 1 && is_executing(deps.jobs.as_ref(), id).await {
        let why = format!(
            "The worker running calculation {id} stopped without finishing it \
             (no heartbeat for {VISIBILITY_SECONDS} s)"
        );
        if let Err(err) = fail_abandoned(deps, id, &why).await {
            tracing::error!("calculation {id}: {err:#}");
            return;
        }
        delete(sqs, &delivery).await;
        return;
    }
    let Some(cancel) = runs.start_run(id) else {
        tracing::info!("calculation {id} already runs in this process: a duplicate delivery");
        delete(sqs, &delivery).await;
        return;
    };
    let heartbeat = {
        let sqs = sqs.clone();
        let delivery = delivery.clone();
        tokio::spawn(async move {
            loop {
                tokio::time::sleep(HEARTBEAT).await;
                if let Err(err) = sqs.extend(&delivery, VISIBILITY_SECONDS).await {
                    tracing::warn!("heartbeat of calculation {id}: {err}");
                }
            }
        })
    };
    let outcome = run_job(deps, id, cancel).await;
    runs.finish_run(id);
    heartbeat.abort();
    match outcome {
        Ok(status) => {
            tracing::debug!("calculation {id}: {status:?}");
            delete(sqs, &delivery).await;
        }
        // The stores failed: the message comes back and the run is retried or failed then.
        Err(err) => tracing::error!("calculation {id}: {err:#}"),
    }
}

async fn is_executing(jobs: &dyn JobRepo, id: CalcId) -> bool {
    matches!(jobs.get_job(id).await, Ok(Some(job)) if job.status == JobStatus::Executing)
}

async fn delete(sqs: &SqsRunQueue, delivery: &Delivery) {
    if let Err(err) = sqs.delete(delivery).await {
        tracing::warn!("deleting run message {:?}: {err}", delivery.body);
    }
}
