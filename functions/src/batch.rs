//! AWS Batch as the run queue's back end: a calculation runs as one Batch job named
//! [`job_name`], whose parameter `calc_id` the job definition passes to
//! `oqcloud worker --calc-id`. An abort is a `TerminateJob` (SIGTERM in the container).

use std::sync::Arc;

use async_trait::async_trait;
use aws_config::SdkConfig;
use aws_sdk_batch::Client;
use aws_sdk_batch::types::{JobStatus as BatchStatus, KeyValuesPair};
use oqcloud_model::CalcId;
use oqcloud_store::{AbortOutcome, RunQueue, StoreError, StoreResult};
use oqcloud_store_aws::SqsRunQueue;

/// Environment variable naming the Batch job queue.
pub const JOB_QUEUE_VAR: &str = "OQCLOUD_BATCH_JOB_QUEUE";
/// Environment variable naming the Batch job definition (name, `name:revision` or ARN).
pub const JOB_DEFINITION_VAR: &str = "OQCLOUD_BATCH_JOB_DEFINITION";
/// The Batch job parameter holding the calc id.
pub const CALC_ID_PARAMETER: &str = "calc_id";

/// The name of the Batch job of a calculation.
pub fn job_name(id: CalcId) -> String {
    format!("oqcloud-calc-{id}")
}

/// The calc id of a Batch job, from its parameters or, failing that, its name.
pub fn calc_id_of(name: Option<&str>, parameter: Option<&str>) -> Option<CalcId> {
    parameter
        .and_then(|value| value.trim().parse().ok())
        .or_else(|| name?.strip_prefix("oqcloud-calc-")?.parse().ok())
}

/// Where calculations run on Batch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BatchSettings {
    pub job_queue: String,
    pub job_definition: String,
}

impl BatchSettings {
    /// Reads [`JOB_QUEUE_VAR`] and [`JOB_DEFINITION_VAR`]; both are required.
    pub fn from_env() -> StoreResult<Self> {
        let required = |name: &str| {
            std::env::var(name)
                .ok()
                .filter(|value| !value.is_empty())
                .ok_or_else(|| StoreError::Other(format!("environment variable {name} is not set")))
        };
        Ok(BatchSettings {
            job_queue: required(JOB_QUEUE_VAR)?,
            job_definition: required(JOB_DEFINITION_VAR)?,
        })
    }
}

/// The Batch jobs of calculations.
#[derive(Debug, Clone)]
pub struct BatchJobs {
    client: Client,
    settings: BatchSettings,
}

/// A Batch job of a calculation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BatchJob {
    pub job_id: String,
    pub status: Option<BatchStatus>,
}

impl BatchJob {
    /// Whether the job may still run (it is neither `SUCCEEDED` nor `FAILED`).
    pub fn is_live(&self) -> bool {
        !matches!(
            self.status,
            Some(BatchStatus::Succeeded | BatchStatus::Failed)
        )
    }
}

impl BatchJobs {
    /// Batch jobs on the queue and definition of `settings`.
    pub fn new(sdk: &SdkConfig, settings: BatchSettings) -> Self {
        BatchJobs {
            client: Client::new(sdk),
            settings,
        }
    }

    /// The Batch client.
    pub fn client(&self) -> &Client {
        &self.client
    }

    /// Submits the Batch job that runs calculation `id`; returns its job id.
    pub async fn submit(&self, id: CalcId) -> StoreResult<String> {
        let submitted = self
            .client
            .submit_job()
            .job_name(job_name(id))
            .job_queue(&self.settings.job_queue)
            .job_definition(&self.settings.job_definition)
            .parameters(CALC_ID_PARAMETER, id.to_string())
            .send()
            .await
            .map_err(|err| {
                batch_error(format!("submitting the Batch job of calculation {id}"), err)
            })?;
        Ok(submitted.job_id().unwrap_or_default().to_owned())
    }

    /// The Batch jobs submitted for calculation `id`, in any status.
    pub async fn jobs_of(&self, id: CalcId) -> StoreResult<Vec<BatchJob>> {
        let mut jobs = Vec::new();
        let mut pages = self
            .client
            .list_jobs()
            .job_queue(&self.settings.job_queue)
            .filters(
                KeyValuesPair::builder()
                    .name("JOB_NAME")
                    .values(job_name(id))
                    .build(),
            )
            .into_paginator()
            .send();
        while let Some(page) = pages.next().await {
            let page = page.map_err(|err| {
                batch_error(format!("listing the Batch jobs of calculation {id}"), err)
            })?;
            jobs.extend(page.job_summary_list().iter().filter_map(|summary| {
                Some(BatchJob {
                    job_id: summary.job_id()?.to_owned(),
                    status: summary.status().cloned(),
                })
            }));
        }
        Ok(jobs)
    }

    /// Terminates the live Batch jobs of calculation `id` (a running container gets
    /// SIGTERM); returns how many there were.
    pub async fn terminate(&self, id: CalcId, reason: &str) -> StoreResult<usize> {
        let live: Vec<BatchJob> = self
            .jobs_of(id)
            .await?
            .into_iter()
            .filter(BatchJob::is_live)
            .collect();
        for job in &live {
            self.client
                .terminate_job()
                .job_id(&job.job_id)
                .reason(reason)
                .send()
                .await
                .map_err(|err| batch_error(format!("terminating Batch job {}", job.job_id), err))?;
        }
        Ok(live.len())
    }
}

/// The run queue of the serverless deployment: runs go to SQS (the dispatcher moves them
/// to Batch), aborts terminate the calculation's Batch job.
pub struct BatchRunQueue {
    pub sqs: Arc<SqsRunQueue>,
    pub batch: BatchJobs,
}

#[async_trait]
impl RunQueue for BatchRunQueue {
    async fn enqueue(&self, id: CalcId) -> StoreResult<()> {
        self.sqs.enqueue(id).await
    }

    /// [`AbortOutcome::Signalled`] when a live Batch job was terminated: its worker records
    /// `aborted` (or, if it had not started, the API does, as for a queued job).
    async fn abort(&self, id: CalcId) -> StoreResult<AbortOutcome> {
        let terminated = self
            .batch
            .terminate(id, &format!("calculation {id} aborted by its user"))
            .await?;
        Ok(if terminated > 0 {
            AbortOutcome::Signalled
        } else {
            AbortOutcome::NotFound
        })
    }
}

/// A failed Batch call as a [`StoreError`], with the SDK's full error chain.
fn batch_error(what: String, err: impl std::error::Error + Send + Sync + 'static) -> StoreError {
    StoreError::Other(format!(
        "{what}: {}",
        aws_sdk_batch::error::DisplayErrorContext(err)
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn calc_ids_come_from_the_parameter_or_the_name() {
        assert_eq!(calc_id_of(Some("oqcloud-calc-7"), Some("7")), Some(7));
        assert_eq!(calc_id_of(Some("oqcloud-calc-7"), None), Some(7));
        assert_eq!(calc_id_of(None, Some(" 12 ")), Some(12));
        assert_eq!(calc_id_of(Some("other-job"), None), None);
        assert_eq!(calc_id_of(Some(&job_name(41)), Some("x")), Some(41));
    }
}
