//! The run queue's consumer: an SQS-triggered function that submits one AWS Batch job per
//! calculation named by a message.
//!
//! SQS delivers at least once, so a calculation that already has a Batch job that is live
//! or succeeded gets none more, and a calculation that no longer waits to run (aborted or
//! removed meanwhile, or already running) gets none at all. A submitted job moves
//! `created -> submitted`. Messages whose calculation could not be handled (a store or
//! Batch call failed) are reported back as batch item failures, so SQS redelivers only
//! those, and after `maxReceiveCount` moves them to the dead-letter queue.

use std::convert::Infallible;
use std::sync::Arc;

use aws_lambda_events::sqs::{BatchItemFailure, SqsBatchResponse, SqsEvent, SqsMessage};
use lambda_runtime::{LambdaEvent, service_fn};
use oqcloud_model::{CalcId, JobStatus};
use oqcloud_store::{JobRepo, TransitionFields};
use oqcloud_store_aws::{AwsSettings, AwsStores};

use crate::batch::{BatchJobs, BatchSettings};
use crate::{MainResult, run_main, sdk_config};

/// What the dispatcher needs.
pub struct Dispatcher {
    pub jobs: Arc<dyn JobRepo>,
    pub batch: BatchJobs,
}

/// What became of one message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Dispatched {
    /// A Batch job was submitted (its id).
    Submitted(String),
    /// The calculation already has a Batch job that is live or succeeded.
    Duplicate,
    /// The calculation does not wait to run (missing, aborted, running or finished).
    NotWaiting,
    /// The message does not name a calculation; dropped.
    NotACalcId,
}

impl Dispatcher {
    /// The dispatcher over the stores and Batch settings of the environment.
    pub async fn from_env() -> anyhow::Result<Self> {
        let sdk = sdk_config().await;
        let stores = AwsStores::new(&sdk, &AwsSettings::from_env()?);
        Ok(Dispatcher {
            jobs: stores.jobs,
            batch: BatchJobs::new(&sdk, BatchSettings::from_env()?),
        })
    }

    /// Handles a batch of messages; the response lists those to deliver again.
    pub async fn handle(&self, event: SqsEvent) -> SqsBatchResponse {
        let mut response = SqsBatchResponse::default();
        for message in event.records {
            if let Err(err) = self.dispatch_message(&message).await {
                tracing::error!("run message {:?}: {err:#}", message.message_id);
                let mut failure = BatchItemFailure::default();
                failure.item_identifier = message.message_id.unwrap_or_default();
                response.batch_item_failures.push(failure);
            }
        }
        response
    }

    async fn dispatch_message(&self, message: &SqsMessage) -> anyhow::Result<Dispatched> {
        let body = message.body.as_deref().unwrap_or_default();
        let Ok(id) = body.trim().parse::<CalcId>() else {
            tracing::warn!("dropping run message {body:?}: not a calc id");
            return Ok(Dispatched::NotACalcId);
        };
        let outcome = self.dispatch(id).await?;
        tracing::info!("calculation {id}: {outcome:?}");
        Ok(outcome)
    }

    /// Submits the Batch job of calculation `id` unless it has one or does not wait to run.
    pub async fn dispatch(&self, id: CalcId) -> anyhow::Result<Dispatched> {
        let waiting = self
            .jobs
            .get_job(id)
            .await?
            .is_some_and(|job| matches!(job.status, JobStatus::Created | JobStatus::Submitted));
        if !waiting {
            return Ok(Dispatched::NotWaiting);
        }
        let existing = self.batch.jobs_of(id).await?;
        if existing.iter().any(|job| {
            job.is_live() || job.status == Some(aws_sdk_batch::types::JobStatus::Succeeded)
        }) {
            return Ok(Dispatched::Duplicate);
        }
        let job_id = self.batch.submit(id).await?;
        // Refused when a duplicate moved it first, or an abort came meanwhile (the worker
        // will then refuse to run it): either way nothing more to do.
        self.jobs
            .transition(id, JobStatus::Submitted, TransitionFields::default())
            .await?;
        Ok(Dispatched::Submitted(job_id))
    }
}

/// The dispatcher function's main.
pub fn main() -> MainResult {
    run_main(async {
        let dispatcher = Arc::new(Dispatcher::from_env().await?);
        lambda_runtime::run(service_fn(move |event: LambdaEvent<SqsEvent>| {
            let dispatcher = dispatcher.clone();
            async move { Ok::<_, Infallible>(dispatcher.handle(event.payload).await) }
        }))
        .await
    })
}
