//! The status of a calculation and its legal transitions.

use std::fmt;
use std::str::FromStr;

/// Status of a calculation, spelled as OpenQuake spells it.
///
/// ```text
/// created ──► submitted ──► executing ──► complete ◄──► shared
///    │            │             ├──────► failed
///    └────────────┴─────────────┴──────► aborted
/// created ──► failed  (input rejected before the run)
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum JobStatus {
    Created,
    Submitted,
    Executing,
    Complete,
    Failed,
    Aborted,
    Shared,
}

impl JobStatus {
    /// Every status, in life-cycle order.
    pub const ALL: [JobStatus; 7] = [
        JobStatus::Created,
        JobStatus::Submitted,
        JobStatus::Executing,
        JobStatus::Complete,
        JobStatus::Failed,
        JobStatus::Aborted,
        JobStatus::Shared,
    ];

    /// The name OpenQuake uses on the wire and in its database.
    pub fn as_str(self) -> &'static str {
        match self {
            JobStatus::Created => "created",
            JobStatus::Submitted => "submitted",
            JobStatus::Executing => "executing",
            JobStatus::Complete => "complete",
            JobStatus::Failed => "failed",
            JobStatus::Aborted => "aborted",
            JobStatus::Shared => "shared",
        }
    }

    /// True while the job waits or runs (`created`, `submitted`, `executing`).
    pub fn is_running(self) -> bool {
        matches!(
            self,
            JobStatus::Created | JobStatus::Submitted | JobStatus::Executing
        )
    }

    /// True once the job has ended, whatever the outcome.
    pub fn is_terminal(self) -> bool {
        !self.is_running()
    }

    /// Whether a job in status `self` may move to `next`.
    pub fn can_move_to(self, next: JobStatus) -> bool {
        use JobStatus::*;
        matches!(
            (self, next),
            (Created, Submitted | Executing | Failed | Aborted)
                | (Submitted, Executing | Failed | Aborted)
                | (Executing, Complete | Failed | Aborted)
                | (Complete, Shared)
                | (Shared, Complete)
        )
    }

    /// The statuses from which a job may move to `next`.
    pub fn predecessors(next: JobStatus) -> Vec<JobStatus> {
        JobStatus::ALL
            .into_iter()
            .filter(|s| s.can_move_to(next))
            .collect()
    }
}

impl fmt::Display for JobStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A status name that OpenQuake does not know.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown job status {0:?}")]
pub struct UnknownStatus(pub String);

impl FromStr for JobStatus {
    type Err = UnknownStatus;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        JobStatus::ALL
            .into_iter()
            .find(|status| status.as_str() == s)
            .ok_or_else(|| UnknownStatus(s.to_owned()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finished_jobs_never_move_back() {
        for done in [JobStatus::Complete, JobStatus::Failed, JobStatus::Aborted] {
            for back in [
                JobStatus::Created,
                JobStatus::Submitted,
                JobStatus::Executing,
            ] {
                assert!(!done.can_move_to(back), "{done} -> {back}");
            }
        }
        assert!(!JobStatus::Failed.can_move_to(JobStatus::Complete));
        assert!(!JobStatus::Aborted.can_move_to(JobStatus::Failed));
    }

    #[test]
    fn names_round_trip() {
        for status in JobStatus::ALL {
            assert_eq!(status.as_str().parse::<JobStatus>(), Ok(status));
        }
        assert!("deleted".parse::<JobStatus>().is_err());
    }

    #[test]
    fn predecessors_of_executing() {
        assert_eq!(
            JobStatus::predecessors(JobStatus::Executing),
            vec![JobStatus::Created, JobStatus::Submitted]
        );
    }
}
