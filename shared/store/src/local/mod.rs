//! Embedded implementations: SQLite for jobs, files under the data directory for blobs,
//! an in-process channel for the run queue, a mail log file.

mod queue;

pub use queue::LocalQueue;
