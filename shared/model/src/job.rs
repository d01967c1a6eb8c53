//! The job record, as stored by every `JobRepo`.

use chrono::{DateTime, Utc};

use crate::JobStatus;

/// A calculation id: allocated atomically, never reused (rejected submissions consume ids too).
pub type CalcId = i64;

/// One calculation, with the fields of OpenQuake's `job` table.
#[derive(Debug, Clone, PartialEq)]
pub struct Job {
    pub id: CalcId,
    /// From job.ini `description`; a placeholder until the ini is parsed.
    pub description: String,
    /// Owner of the job.
    pub user_name: String,
    /// From job.ini `calculation_mode`; `custom` until the ini is parsed.
    pub calculation_mode: String,
    /// Parent calculation whose results this one reuses.
    pub hazard_calculation_id: Option<CalcId>,
    pub status: JobStatus,
    /// Creation time; overwritten with the execution start when the job starts executing.
    pub start_time: DateTime<Utc>,
    /// Set by the final transition (complete, failed, aborted).
    pub stop_time: Option<DateTime<Utc>>,
    /// False only for internal jobs.
    pub relevant: bool,
    /// OS pid of the process running the job; 0 before it starts.
    pub pid: i64,
    /// Datastore size in MB, set at completion.
    pub size_mb: Option<f64>,
    /// Host that created the job.
    pub host: String,
    /// Internal workflow id (always null here, kept for the wire shape).
    pub workflow_id: Option<i64>,
    /// Path of the job.ini relative to the job's inputs (set once the ini is parsed).
    pub job_ini: Option<String>,
}

impl Job {
    /// Whether the job is still waiting or running.
    pub fn is_running(&self) -> bool {
        self.status.is_running()
    }

    /// Whether the job has started executing (its `start_time` is the execution start).
    pub fn has_started(&self) -> bool {
        !matches!(self.status, JobStatus::Created | JobStatus::Submitted) && self.pid != 0
    }
}

/// What a submission knows when it creates the job record.
#[derive(Debug, Clone, PartialEq)]
pub struct NewJob {
    pub user_name: String,
    pub host: String,
}

impl NewJob {
    /// The placeholder description OpenQuake shows until the ini is parsed.
    pub const PLACEHOLDER_DESCRIPTION: &'static str = "Calculation waiting to start";
    /// The placeholder calculation mode OpenQuake shows until the ini is parsed.
    pub const PLACEHOLDER_MODE: &'static str = "custom";
}
