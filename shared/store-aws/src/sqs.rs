//! [`RunQueue`] on SQS: one message per job to run, whose body is the calc id.

use async_trait::async_trait;
use aws_sdk_sqs::Client;
use oqcloud_model::CalcId;
use oqcloud_store::{AbortOutcome, RunQueue, StoreResult};

use crate::aws_error;

/// [`RunQueue`] over an SQS queue. The queue's consumer (the dispatcher that starts AWS
/// Batch jobs) parses the body as a calc id; SQS may deliver a message twice, which the
/// conditional status transition makes harmless.
#[derive(Debug, Clone)]
pub struct SqsRunQueue {
    client: Client,
    queue_url: String,
}

impl SqsRunQueue {
    /// A queue over `queue_url` (which must exist: see [`SqsRunQueue::create_queue`]).
    pub fn new(client: Client, queue_url: String) -> Self {
        SqsRunQueue { client, queue_url }
    }

    /// The SQS client.
    pub fn client(&self) -> &Client {
        &self.client
    }

    /// The queue URL.
    pub fn queue_url(&self) -> &str {
        &self.queue_url
    }

    /// Creates the queue named by the last segment of the URL, unless it exists with the
    /// same (default) attributes.
    pub async fn create_queue(&self) -> StoreResult<()> {
        let name = self
            .queue_url
            .trim_end_matches('/')
            .rsplit('/')
            .next()
            .unwrap_or_default();
        let created = self
            .client
            .create_queue()
            .queue_name(name)
            .send()
            .await
            .map_err(|err| aws_error(format!("creating queue {name}"), err))?;
        if let Some(url) = created.queue_url.filter(|url| *url != self.queue_url) {
            tracing::warn!(configured = %self.queue_url, created = %url, "queue URLs differ");
        }
        Ok(())
    }
}

#[async_trait]
impl RunQueue for SqsRunQueue {
    async fn enqueue(&self, id: CalcId) -> StoreResult<()> {
        self.client
            .send_message()
            .queue_url(&self.queue_url)
            .message_body(id.to_string())
            .send()
            .await
            .map_err(|err| aws_error(format!("queueing job {id}"), err))?;
        Ok(())
    }

    /// Always [`AbortOutcome::NotFound`]: a queued message cannot be picked out of SQS, and
    /// stopping a running job (AWS Batch `TerminateJob`) is not part of this store. The
    /// caller marks the job aborted, so a worker that receives it later refuses to start.
    async fn abort(&self, _id: CalcId) -> StoreResult<AbortOutcome> {
        Ok(AbortOutcome::NotFound)
    }
}
