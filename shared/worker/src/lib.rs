//! The worker: runs one calculation from queue to final status.
//!
//! [`run_job`] moves a job `created -> executing`, fetches its inputs from the blob store
//! into a scratch directory, runs it with an [`Engine`], streams log rows into the job
//! repository while it runs, stores the datastore and the exported files, registers the
//! outputs and ends the job `complete`, `failed` (with the error as an `ERROR` log row, which
//! the traceback endpoint shows) or `aborted`, then mails the owner. [`spawn_pool`] runs
//! jobs from the embedded server's queue; [`run_local`] runs a job.ini without a server.
//! [`native::NativeEngine`] is oqcloud's own engine; [`openquake::OpenQuakeEngine`] is the
//! reference OpenQuake engine run as a subprocess. Job.ini's `engine` ([`EngineChoice`])
//! limits which of them may run a job.
//!
//! Invariants:
//! - a job whose move to `executing` is refused (already running, finished, aborted while
//!   queued, removed) is not run: duplicate deliveries run a job once;
//! - an aborted run leaves no process behind and registers no outputs;
//! - outputs are registered before the move to `complete`, so a complete job always lists
//!   its results.

pub mod engine;
mod local;
pub mod native;
pub mod openquake;
mod pool;
mod run;

pub use engine::{
    Engine, EngineError, ExportedFile, ParentCalc, ProducedOutput, RunContext, RunOutput,
};
pub use local::run_local;
pub use pool::spawn_pool;
pub use run::{EngineChoice, WorkerDeps, fail_abandoned, run_job};
