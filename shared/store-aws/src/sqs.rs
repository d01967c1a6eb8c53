//! [`RunQueue`] on SQS: one message per job to run, whose body is the calc id.

use async_trait::async_trait;
use aws_sdk_sqs::Client;
use aws_sdk_sqs::types::{MessageSystemAttributeName, QueueAttributeName};
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

/// A received message: the calc id to run and the handle that deletes or extends it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Delivery {
    /// The calc id, or `None` when the body is not one (the message is then deleted unread).
    pub calc_id: Option<CalcId>,
    pub body: String,
    pub receipt_handle: String,
    /// How many times SQS has delivered this message (1 on the first delivery): more means a
    /// consumer received it before and neither deleted it nor kept it hidden.
    pub receive_count: u32,
}

impl SqsRunQueue {
    /// Waits up to `wait_seconds` (long polling, at most 20) for one message, hidden from
    /// other consumers for `visibility_seconds`.
    pub async fn receive(
        &self,
        wait_seconds: i32,
        visibility_seconds: i32,
    ) -> StoreResult<Option<Delivery>> {
        let received = self
            .client
            .receive_message()
            .queue_url(&self.queue_url)
            .max_number_of_messages(1)
            .wait_time_seconds(wait_seconds.clamp(0, 20))
            .visibility_timeout(visibility_seconds)
            .message_system_attribute_names(MessageSystemAttributeName::ApproximateReceiveCount)
            .send()
            .await
            .map_err(|err| aws_error("receiving from the run queue", err))?;
        Ok(received
            .messages
            .unwrap_or_default()
            .into_iter()
            .find_map(|message| {
                let receive_count = message
                    .attributes
                    .as_ref()
                    .and_then(|attributes| {
                        attributes.get(&MessageSystemAttributeName::ApproximateReceiveCount)
                    })
                    .and_then(|count| count.parse().ok())
                    .unwrap_or(1);
                let body = message.body.unwrap_or_default();
                Some(Delivery {
                    calc_id: body.trim().parse().ok(),
                    body,
                    receipt_handle: message.receipt_handle?,
                    receive_count,
                })
            }))
    }

    /// Keeps a message hidden for `visibility_seconds` more (the heartbeat of a long run).
    pub async fn extend(&self, delivery: &Delivery, visibility_seconds: i32) -> StoreResult<()> {
        self.client
            .change_message_visibility()
            .queue_url(&self.queue_url)
            .receipt_handle(&delivery.receipt_handle)
            .visibility_timeout(visibility_seconds)
            .send()
            .await
            .map_err(|err| aws_error("extending a run queue message", err))?;
        Ok(())
    }

    /// How many messages are on the queue, waiting or received and not deleted yet (SQS's
    /// approximate counts).
    pub async fn pending(&self) -> StoreResult<u64> {
        let attributes = self
            .client
            .get_queue_attributes()
            .queue_url(&self.queue_url)
            .attribute_names(QueueAttributeName::ApproximateNumberOfMessages)
            .attribute_names(QueueAttributeName::ApproximateNumberOfMessagesNotVisible)
            .send()
            .await
            .map_err(|err| aws_error("reading the run queue's attributes", err))?;
        Ok(attributes
            .attributes
            .unwrap_or_default()
            .values()
            .filter_map(|count| count.parse::<u64>().ok())
            .sum())
    }

    /// Deletes a handled message.
    pub async fn delete(&self, delivery: &Delivery) -> StoreResult<()> {
        self.client
            .delete_message()
            .queue_url(&self.queue_url)
            .receipt_handle(&delivery.receipt_handle)
            .send()
            .await
            .map_err(|err| aws_error("deleting a run queue message", err))?;
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
