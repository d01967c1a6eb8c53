//! The in-process run queue of the embedded server.

use async_trait::async_trait;
use oqcloud_model::CalcId;
use tokio::sync::mpsc;

use crate::runs::RunRegistry;
use crate::{AbortOutcome, RunQueue, StoreError, StoreResult};

/// An unbounded in-process queue of calc ids, consumed by the embedded worker pool, with the
/// registry of the runs it started (abort signals through it).
pub struct LocalQueue {
    sender: mpsc::UnboundedSender<CalcId>,
    receiver: tokio::sync::Mutex<mpsc::UnboundedReceiver<CalcId>>,
    /// The runs of the worker pool.
    pub runs: RunRegistry,
}

impl Default for LocalQueue {
    fn default() -> Self {
        let (sender, receiver) = mpsc::unbounded_channel();
        LocalQueue {
            sender,
            receiver: tokio::sync::Mutex::new(receiver),
            runs: RunRegistry::new(),
        }
    }
}

impl LocalQueue {
    /// An empty queue.
    pub fn new() -> Self {
        Self::default()
    }

    /// Waits for the next queued calc id (several workers may wait at once).
    pub async fn next(&self) -> Option<CalcId> {
        self.receiver.lock().await.recv().await
    }
}

#[async_trait]
impl RunQueue for LocalQueue {
    async fn enqueue(&self, id: CalcId) -> StoreResult<()> {
        self.sender
            .send(id)
            .map_err(|_| StoreError::Other("the run queue is closed".into()))
    }

    async fn abort(&self, id: CalcId) -> StoreResult<AbortOutcome> {
        Ok(self.runs.abort(id))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn delivers_in_order_and_aborts_running_jobs() {
        let queue = LocalQueue::new();
        queue.enqueue(1).await.unwrap();
        queue.enqueue(2).await.unwrap();
        assert_eq!(queue.next().await, Some(1));
        assert_eq!(queue.next().await, Some(2));

        assert_eq!(queue.abort(1).await.unwrap(), AbortOutcome::NotFound);
        let token = queue.runs.start_run(1).unwrap();
        // a second delivery of a running job is refused
        assert!(queue.runs.start_run(1).is_none());
        assert_eq!(queue.abort(1).await.unwrap(), AbortOutcome::Signalled);
        assert!(token.is_cancelled());
    }
}
