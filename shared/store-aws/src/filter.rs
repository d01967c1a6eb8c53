//! [`JobFilter`] applied in memory, with the semantics of the SQLite store's query: SQL
//! `LIKE` (ASCII case-insensitive), text comparison of start times, ties broken by id in
//! the sort direction, missing sizes sorting first ascending.

use std::cmp::Ordering;

use oqcloud_model::{Job, JobStatus};
use oqcloud_store::{JobFilter, OrderBy};

use crate::dynamo::format_time;

/// The jobs that match `filter`, sorted and paginated as it says.
pub(crate) fn select(jobs: Vec<Job>, filter: &JobFilter) -> Vec<Job> {
    let mut jobs: Vec<Job> = jobs
        .into_iter()
        .filter(|job| matches(job, filter))
        .collect();
    jobs.sort_by(|a, b| {
        let order = compare(a, b, filter.order_by).then(a.id.cmp(&b.id));
        if filter.descending {
            order.reverse()
        } else {
            order
        }
    });
    let offset = usize::try_from(filter.offset).unwrap_or(usize::MAX);
    let limit = usize::try_from(filter.limit).unwrap_or(usize::MAX);
    jobs.into_iter().skip(offset).take(limit).collect()
}

fn matches(job: &Job, filter: &JobFilter) -> bool {
    let mode = filter
        .calculation_mode
        .as_ref()
        .is_none_or(|mode| job.calculation_mode == *mode);
    let running = filter
        .is_running
        .is_none_or(|running| job.status.is_running() == running);
    let like = filter
        .user_name_like
        .as_ref()
        .is_none_or(|pattern| like(pattern.as_bytes(), job.user_name.as_bytes()));
    let owner = filter.owners.as_ref().is_none_or(|owners| {
        owners.contains(&job.user_name)
            || (filter.include_shared && job.status == JobStatus::Shared)
    });
    let since = filter
        .start_time_from
        .as_ref()
        .is_none_or(|from| format_time(job.start_time).as_str() >= from.as_str());
    mode && running && like && owner && since
}

/// Orders two jobs on the sort column alone (text columns as bytes, like SQLite).
fn compare(a: &Job, b: &Job, order_by: OrderBy) -> Ordering {
    match order_by {
        OrderBy::Id => Ordering::Equal,
        OrderBy::StartTime => a.start_time.cmp(&b.start_time),
        OrderBy::UserName => a.user_name.cmp(&b.user_name),
        OrderBy::CalculationMode => a.calculation_mode.cmp(&b.calculation_mode),
        OrderBy::Status => a.status.as_str().cmp(b.status.as_str()),
        OrderBy::Description => a.description.cmp(&b.description),
        OrderBy::SizeMb => match (a.size_mb, b.size_mb) {
            (Some(a), Some(b)) => a.total_cmp(&b),
            (a, b) => a.is_some().cmp(&b.is_some()),
        },
    }
}

/// SQL `LIKE` without an escape character: `%` matches any run of bytes, `_` one byte,
/// ASCII letters match either case (as in SQLite).
fn like(pattern: &[u8], text: &[u8]) -> bool {
    // Greedy match with backtracking to the last `%`: O(pattern * text) at worst.
    let (mut p, mut t) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while t < text.len() {
        match pattern.get(p) {
            Some(b'%') => {
                star = Some((p, t));
                p += 1;
            }
            Some(&c) if c == b'_' || c.eq_ignore_ascii_case(&text[t]) => {
                p += 1;
                t += 1;
            }
            _ => match star {
                Some((star_p, star_t)) => {
                    p = star_p + 1;
                    t = star_t + 1;
                    star = Some((star_p, star_t + 1));
                }
                None => return false,
            },
        }
    }
    pattern[p..].iter().all(|&c| c == b'%')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn like_follows_sql() {
        let cases = [
            ("al%", "alice", true),
            ("al%", "Alina", true),
            ("al%", "bal", false),
            ("bo_", "bob", true),
            ("bo_", "bo", false),
            ("bo_", "bobby", false),
            ("%", "", true),
            ("", "", true),
            ("", "a", false),
            ("%c%", "alice", true),
            ("%c", "alice", false),
            ("a%e", "alice", true),
            ("a%%e_", "alice", false),
            ("%i%e", "alice", true),
            ("_l_c_", "ALICE", true),
        ];
        for (pattern, text, expected) in cases {
            assert_eq!(
                like(pattern.as_bytes(), text.as_bytes()),
                expected,
                "{pattern:?} LIKE {text:?}"
            );
        }
    }
}
