//! The in-process run queue of the embedded server, and the registry of running jobs
//! that abort signals through.

use std::collections::HashMap;
use std::sync::Mutex;

use async_trait::async_trait;
use oqcloud_model::CalcId;
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

use crate::{AbortOutcome, RunQueue, StoreError, StoreResult};

/// An unbounded in-process queue of calc ids, consumed by the embedded worker pool.
pub struct LocalQueue {
    sender: mpsc::UnboundedSender<CalcId>,
    receiver: tokio::sync::Mutex<mpsc::UnboundedReceiver<CalcId>>,
    running: Mutex<HashMap<CalcId, CancellationToken>>,
}

impl Default for LocalQueue {
    fn default() -> Self {
        let (sender, receiver) = mpsc::unbounded_channel();
        LocalQueue {
            sender,
            receiver: tokio::sync::Mutex::new(receiver),
            running: Mutex::new(HashMap::new()),
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

    /// Registers a run that is starting; the token is cancelled when the job is aborted.
    pub fn start_run(&self, id: CalcId) -> CancellationToken {
        let token = CancellationToken::new();
        self.running
            .lock()
            .expect("run registry poisoned")
            .insert(id, token.clone());
        token
    }

    /// Signals every registered run to stop (server shutdown); returns how many there were.
    pub fn abort_all(&self) -> usize {
        let running = self.running.lock().expect("run registry poisoned");
        for token in running.values() {
            token.cancel();
        }
        running.len()
    }

    /// How many runs are registered.
    pub fn running(&self) -> usize {
        self.running.lock().expect("run registry poisoned").len()
    }

    /// Forgets a run that has ended.
    pub fn finish_run(&self, id: CalcId) {
        self.running
            .lock()
            .expect("run registry poisoned")
            .remove(&id);
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
        let running = self.running.lock().expect("run registry poisoned");
        Ok(match running.get(&id) {
            Some(token) => {
                token.cancel();
                AbortOutcome::Signalled
            }
            None => AbortOutcome::NotFound,
        })
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
        let token = queue.start_run(1);
        assert_eq!(queue.abort(1).await.unwrap(), AbortOutcome::Signalled);
        assert!(token.is_cancelled());
        queue.finish_run(1);
        assert_eq!(queue.abort(1).await.unwrap(), AbortOutcome::NotFound);

        let first = queue.start_run(3);
        let second = queue.start_run(4);
        assert_eq!(queue.running(), 2);
        assert_eq!(queue.abort_all(), 2);
        assert!(first.is_cancelled() && second.is_cancelled());
        queue.finish_run(3);
        assert_eq!(queue.running(), 1);
    }
}
