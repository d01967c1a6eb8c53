//! Domain types of oqcloud, shared by every other crate.
//!
//! Invariants kept here:
//! - a [`JobStatus`] only moves along the transitions [`JobStatus::can_move_to`] allows;
//!   stores make every status change conditional on it, so a finished job never moves back;
//! - nothing here knows about HTTP, storage or the wire format: the `api` crate maps these
//!   types to OpenQuake's JSON shapes.

pub mod job;
pub mod jobini;
pub mod log;
pub mod output;
pub mod status;

pub use job::{CalcId, Job, NewJob};
pub use log::{LogLevel, LogRecord};
pub use output::{NewOutput, OUTPUT_KINDS, OutputKind, OutputRecord, ResultId, output_kind};
pub use status::JobStatus;
