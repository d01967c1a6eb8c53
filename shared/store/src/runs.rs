//! The registry of runs in this process, through which an abort reaches a running job.

use std::collections::HashMap;
use std::sync::Mutex;

use oqcloud_model::CalcId;
use tokio_util::sync::CancellationToken;

use crate::AbortOutcome;

/// Runs executing in this process, each with the token that stops it.
#[derive(Default)]
pub struct RunRegistry {
    running: Mutex<HashMap<CalcId, CancellationToken>>,
}

impl RunRegistry {
    /// An empty registry.
    pub fn new() -> Self {
        Self::default()
    }

    /// Registers a run that is starting; the token is cancelled when the job is aborted.
    /// `None` when `id` already runs in this process (a duplicate delivery: across processes
    /// the job repository's conditional move to `executing` is the guard, which moto's
    /// threaded server was seen not to make atomic).
    pub fn start_run(&self, id: CalcId) -> Option<CancellationToken> {
        let mut running = self.lock();
        if running.contains_key(&id) {
            return None;
        }
        let token = CancellationToken::new();
        running.insert(id, token.clone());
        Some(token)
    }

    /// Forgets a run that has ended.
    pub fn finish_run(&self, id: CalcId) {
        self.lock().remove(&id);
    }

    /// Signals the run of `id` to stop, if it runs here.
    pub fn abort(&self, id: CalcId) -> AbortOutcome {
        match self.lock().get(&id) {
            Some(token) => {
                token.cancel();
                AbortOutcome::Signalled
            }
            None => AbortOutcome::NotFound,
        }
    }

    /// Signals every registered run to stop (server shutdown); returns how many there were.
    pub fn abort_all(&self) -> usize {
        let running = self.lock();
        for token in running.values() {
            token.cancel();
        }
        running.len()
    }

    /// How many runs are registered.
    pub fn running(&self) -> usize {
        self.lock().len()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<CalcId, CancellationToken>> {
        self.running.lock().expect("run registry poisoned")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aborts_registered_runs_only() {
        let runs = RunRegistry::new();
        assert_eq!(runs.abort(1), AbortOutcome::NotFound);
        let token = runs.start_run(1).unwrap();
        assert!(runs.start_run(1).is_none(), "a run registered twice");
        assert_eq!(runs.abort(1), AbortOutcome::Signalled);
        assert!(token.is_cancelled());
        runs.finish_run(1);
        assert_eq!(runs.abort(1), AbortOutcome::NotFound);

        let first = runs.start_run(3).unwrap();
        let second = runs.start_run(4).unwrap();
        assert_eq!(runs.running(), 2);
        assert_eq!(runs.abort_all(), 2);
        assert!(first.is_cancelled() && second.is_cancelled());
        runs.finish_run(3);
        assert_eq!(runs.running(), 1);
    }
}
