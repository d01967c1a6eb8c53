//! The embedded server's worker pool: tasks that take calc ids from the in-process queue
//! and run them.

use std::sync::Arc;

use oqcloud_store::local::LocalQueue;
use tokio::task::JoinHandle;

use crate::run::{WorkerDeps, run_job};

/// Starts `workers` tasks, each running one job at a time from `queue` until the queue
/// closes. A job's abort reaches its run through the token [`RunRegistry::start_run`](oqcloud_store::runs::RunRegistry::start_run)
/// registers.
pub fn spawn_pool(
    deps: Arc<WorkerDeps>,
    queue: Arc<LocalQueue>,
    workers: usize,
) -> Vec<JoinHandle<()>> {
    (0..workers)
        .map(|worker| {
            let deps = deps.clone();
            let queue = queue.clone();
            tokio::spawn(async move {
                while let Some(id) = queue.next().await {
                    let Some(cancel) = queue.runs.start_run(id) else {
                        tracing::debug!("worker {worker}: calculation {id} already runs here");
                        continue;
                    };
                    match run_job(&deps, id, cancel).await {
                        Ok(Some(status)) => {
                            tracing::debug!("worker {worker}: calculation {id} ended {status}");
                        }
                        Ok(None) => {
                            tracing::debug!("worker {worker}: calculation {id} not run");
                        }
                        Err(err) => {
                            tracing::error!("worker {worker}: calculation {id}: {err:#}");
                        }
                    }
                    queue.runs.finish_run(id);
                }
            })
        })
        .collect()
}
