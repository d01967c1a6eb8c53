//! Job records, outputs and log rows in a SQLite file.
//!
//! Timestamps are stored as UTC text `YYYY-MM-DD HH:MM:SS.ffffff`, which sorts
//! chronologically and compares with the `start_time_from` filter as text; they keep
//! microsecond precision.

use std::error::Error;
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use async_trait::async_trait;
use chrono::{DateTime, NaiveDateTime, Utc};
use oqcloud_model::{
    CalcId, Job, JobStatus, LogLevel, LogRecord, NewJob, NewOutput, OutputRecord, ResultId,
};
use rusqlite::types::{Type, Value};
use rusqlite::{Connection, OptionalExtension, Row, params, params_from_iter};

use super::blocking;
use crate::{JobFilter, JobInfo, JobRepo, OrderBy, StoreError, StoreResult, TransitionFields};

/// Format of every stored timestamp.
const TIME_FORMAT: &str = "%Y-%m-%d %H:%M:%S%.6f";

/// How long a statement waits for a lock held by another connection to the file.
const BUSY_TIMEOUT: Duration = Duration::from_secs(10);

/// Statuses of jobs that wait or run.
const RUNNING: [JobStatus; 3] = [
    JobStatus::Created,
    JobStatus::Submitted,
    JobStatus::Executing,
];

/// Message of the log row written on jobs failed by [`SqliteJobRepo::fail_interrupted`].
const INTERRUPTED_MESSAGE: &str =
    "The server restarted while this calculation was running; it has been marked as failed";

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS jobs (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    description TEXT NOT NULL,
    user_name TEXT NOT NULL,
    calculation_mode TEXT NOT NULL,
    hazard_calculation_id INTEGER,
    status TEXT NOT NULL,
    start_time TEXT NOT NULL,
    stop_time TEXT,
    relevant INTEGER NOT NULL,
    pid INTEGER NOT NULL,
    size_mb REAL,
    host TEXT NOT NULL,
    workflow_id INTEGER,
    job_ini TEXT
);
CREATE INDEX IF NOT EXISTS jobs_by_parent ON jobs (hazard_calculation_id);
CREATE TABLE IF NOT EXISTS logs (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    job_id INTEGER NOT NULL REFERENCES jobs (id),
    timestamp TEXT NOT NULL,
    level TEXT NOT NULL,
    process TEXT NOT NULL,
    message TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS logs_by_job ON logs (job_id, seq);
CREATE TABLE IF NOT EXISTS outputs (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    job_id INTEGER NOT NULL REFERENCES jobs (id),
    output_type TEXT NOT NULL,
    display_name TEXT NOT NULL,
    size_mb REAL
);
CREATE INDEX IF NOT EXISTS outputs_by_job ON outputs (job_id, id);
";

/// Columns of `jobs`, in the order [`job_from_row`] reads them.
const JOB_COLUMNS: &str = "id, description, user_name, calculation_mode, hazard_calculation_id, \
     status, start_time, stop_time, relevant, pid, size_mb, host, workflow_id, job_ini";

/// Columns of `outputs`, in the order [`output_from_row`] reads them.
const OUTPUT_COLUMNS: &str = "id, job_id, output_type, display_name, size_mb";

impl From<rusqlite::Error> for StoreError {
    fn from(err: rusqlite::Error) -> Self {
        StoreError::Database(err.to_string())
    }
}

/// [`JobRepo`] over one SQLite connection (WAL journal) to a database file.
///
/// Calls are serialized on the connection and run on tokio's blocking pool.
/// Log rows and outputs of a job must reference an existing job (foreign keys).
pub struct SqliteJobRepo {
    conn: Arc<Mutex<Connection>>,
}

impl SqliteJobRepo {
    /// Opens the database file, creating it and its schema if needed.
    pub fn open(path: &Path) -> StoreResult<Self> {
        let conn = Connection::open(path)?;
        conn.busy_timeout(BUSY_TIMEOUT)?;
        let mode: String = conn.query_row("PRAGMA journal_mode = WAL", [], |row| row.get(0))?;
        if !mode.eq_ignore_ascii_case("wal") {
            return Err(StoreError::Database(format!(
                "{}: cannot use the WAL journal (journal mode is {mode})",
                path.display()
            )));
        }
        conn.execute_batch("PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON;")?;
        conn.execute_batch(SCHEMA)?;
        Ok(SqliteJobRepo {
            conn: Arc::new(Mutex::new(conn)),
        })
    }

    /// Fails the jobs a previous server process left `created`, `submitted` or `executing`
    /// (as OpenQuake does when its database server restarts), with an `ERROR` log row
    /// saying so. Call once at server start, before any job is queued; returns their ids.
    pub async fn fail_interrupted(&self) -> StoreResult<Vec<CalcId>> {
        self.call(|conn| {
            let tx = conn.transaction()?;
            let record = LogRecord::now(
                LogLevel::Error,
                format!("oqcloud/{}", std::process::id()),
                INTERRUPTED_MESSAGE,
            );
            let sql = format!(
                "UPDATE jobs SET status = ?1, stop_time = ?2 WHERE status IN ({}) RETURNING id",
                status_list(&RUNNING)
            );
            let mut ids = tx
                .prepare(&sql)?
                .query_map(
                    params![JobStatus::Failed.as_str(), format_time(record.timestamp)],
                    |row| row.get::<_, CalcId>(0),
                )?
                .collect::<Result<Vec<_>, _>>()?;
            for &id in &ids {
                insert_log(&tx, id, &record)?;
            }
            tx.commit()?;
            ids.sort_unstable();
            Ok(ids)
        })
        .await
    }

    /// Runs `work` on the connection, on the blocking pool.
    async fn call<T, F>(&self, work: F) -> StoreResult<T>
    where
        F: FnOnce(&mut Connection) -> StoreResult<T> + Send + 'static,
        T: Send + 'static,
    {
        let conn = Arc::clone(&self.conn);
        blocking(move || {
            let mut conn = conn.lock().expect("sqlite connection mutex poisoned");
            work(&mut conn)
        })
        .await
    }
}

#[async_trait]
impl JobRepo for SqliteJobRepo {
    async fn create_job(&self, new: NewJob) -> StoreResult<Job> {
        self.call(move |conn| {
            let sql = format!(
                "INSERT INTO jobs (description, user_name, calculation_mode, status, start_time, \
                 relevant, pid, host) VALUES (?1, ?2, ?3, ?4, ?5, 1, 0, ?6) RETURNING {JOB_COLUMNS}"
            );
            let job = conn.query_row(
                &sql,
                params![
                    NewJob::PLACEHOLDER_DESCRIPTION,
                    new.user_name,
                    NewJob::PLACEHOLDER_MODE,
                    JobStatus::Created.as_str(),
                    format_time(Utc::now()),
                    new.host,
                ],
                job_from_row,
            )?;
            Ok(job)
        })
        .await
    }

    async fn get_job(&self, id: CalcId) -> StoreResult<Option<Job>> {
        self.call(move |conn| {
            let sql = format!("SELECT {JOB_COLUMNS} FROM jobs WHERE id = ?1");
            Ok(conn.query_row(&sql, [id], job_from_row).optional()?)
        })
        .await
    }

    async fn list_jobs(&self, filter: &JobFilter) -> StoreResult<Vec<Job>> {
        let (sql, args) = list_query(filter);
        self.call(move |conn| {
            let jobs = conn
                .prepare(&sql)?
                .query_map(params_from_iter(args), job_from_row)?
                .collect::<Result<Vec<_>, _>>()?;
            Ok(jobs)
        })
        .await
    }

    /// No-op when the job does not exist.
    async fn set_info(&self, id: CalcId, info: &JobInfo) -> StoreResult<()> {
        let info = info.clone();
        self.call(move |conn| {
            conn.execute(
                "UPDATE jobs SET calculation_mode = ?1, description = ?2, \
                 hazard_calculation_id = ?3, job_ini = ?4 WHERE id = ?5",
                params![
                    info.calculation_mode,
                    info.description,
                    info.hazard_calculation_id,
                    info.job_ini,
                    id
                ],
            )?;
            Ok(())
        })
        .await
    }

    /// One conditional `UPDATE`. Besides the status it sets `pid` and `size_mb` when given,
    /// `start_time` when moving to `executing`, and `stop_time` when moving from a running
    /// status to a finished one (sharing or unsharing a job keeps its stop time).
    async fn transition(
        &self,
        id: CalcId,
        to: JobStatus,
        fields: TransitionFields,
    ) -> StoreResult<Option<Job>> {
        let from = JobStatus::predecessors(to);
        if from.is_empty() {
            return Ok(None);
        }
        let mut sets = vec![
            "status = ?1".to_owned(),
            "pid = COALESCE(?3, pid)".to_owned(),
            "size_mb = COALESCE(?4, size_mb)".to_owned(),
        ];
        if to == JobStatus::Executing {
            sets.push("start_time = ?2".to_owned());
        }
        if to.is_terminal() {
            sets.push(format!(
                "stop_time = CASE WHEN status IN ({}) THEN ?2 ELSE stop_time END",
                status_list(&RUNNING)
            ));
        }
        let sql = format!(
            "UPDATE jobs SET {} WHERE id = ?5 AND status IN ({}) RETURNING {JOB_COLUMNS}",
            sets.join(", "),
            status_list(&from)
        );
        self.call(move |conn| {
            let job = conn
                .query_row(
                    &sql,
                    params![
                        to.as_str(),
                        format_time(Utc::now()),
                        fields.pid,
                        fields.size_mb,
                        id
                    ],
                    job_from_row,
                )
                .optional()?;
            Ok(job)
        })
        .await
    }

    async fn delete_job(&self, id: CalcId) -> StoreResult<bool> {
        self.call(move |conn| {
            let tx = conn.transaction()?;
            tx.execute("DELETE FROM logs WHERE job_id = ?1", [id])?;
            tx.execute("DELETE FROM outputs WHERE job_id = ?1", [id])?;
            let deleted = tx.execute("DELETE FROM jobs WHERE id = ?1", [id])? > 0;
            tx.commit()?;
            Ok(deleted)
        })
        .await
    }

    async fn children(&self, id: CalcId) -> StoreResult<Vec<CalcId>> {
        self.call(move |conn| {
            let ids = conn
                .prepare("SELECT id FROM jobs WHERE hazard_calculation_id = ?1 ORDER BY id")?
                .query_map([id], |row| row.get(0))?
                .collect::<Result<Vec<_>, _>>()?;
            Ok(ids)
        })
        .await
    }

    async fn append_log(&self, id: CalcId, records: &[LogRecord]) -> StoreResult<()> {
        let records = records.to_vec();
        self.call(move |conn| {
            let tx = conn.transaction()?;
            for record in &records {
                insert_log(&tx, id, record)?;
            }
            tx.commit()?;
            Ok(())
        })
        .await
    }

    async fn log_slice(
        &self,
        id: CalcId,
        start: u64,
        stop: Option<u64>,
    ) -> StoreResult<Vec<LogRecord>> {
        // SQLite reads a negative LIMIT as "no limit".
        let limit = stop.map_or(-1, |stop| sql_int(stop.saturating_sub(start)));
        self.call(move |conn| {
            let rows = conn
                .prepare(
                    "SELECT timestamp, level, process, message FROM logs WHERE job_id = ?1 \
                     ORDER BY seq LIMIT ?2 OFFSET ?3",
                )?
                .query_map(params![id, limit, sql_int(start)], log_from_row)?
                .collect::<Result<Vec<_>, _>>()?;
            Ok(rows)
        })
        .await
    }

    async fn log_size(&self, id: CalcId) -> StoreResult<u64> {
        self.call(move |conn| {
            let count: i64 =
                conn.query_row("SELECT COUNT(*) FROM logs WHERE job_id = ?1", [id], |row| {
                    row.get(0)
                })?;
            Ok(count.unsigned_abs())
        })
        .await
    }

    async fn last_error(&self, id: CalcId) -> StoreResult<Option<String>> {
        self.call(move |conn| {
            let message = conn
                .query_row(
                    "SELECT message FROM logs WHERE job_id = ?1 AND level = ?2 \
                     ORDER BY seq DESC LIMIT 1",
                    params![id, LogLevel::Error.as_str()],
                    |row| row.get(0),
                )
                .optional()?;
            Ok(message)
        })
        .await
    }

    async fn add_outputs(
        &self,
        id: CalcId,
        outputs: &[NewOutput],
    ) -> StoreResult<Vec<OutputRecord>> {
        let outputs = outputs.to_vec();
        self.call(move |conn| {
            let tx = conn.transaction()?;
            let mut records = Vec::with_capacity(outputs.len());
            {
                let mut insert = tx.prepare(&format!(
                    "INSERT INTO outputs (job_id, output_type, display_name, size_mb) \
                     VALUES (?1, ?2, ?3, ?4) RETURNING {OUTPUT_COLUMNS}"
                ))?;
                for output in &outputs {
                    records.push(insert.query_row(
                        params![id, output.output_type, output.display_name, output.size_mb],
                        output_from_row,
                    )?);
                }
            }
            tx.commit()?;
            Ok(records)
        })
        .await
    }

    async fn outputs(&self, id: CalcId) -> StoreResult<Vec<OutputRecord>> {
        self.call(move |conn| {
            let sql = format!("SELECT {OUTPUT_COLUMNS} FROM outputs WHERE job_id = ?1 ORDER BY id");
            let outputs = conn
                .prepare(&sql)?
                .query_map([id], output_from_row)?
                .collect::<Result<Vec<_>, _>>()?;
            Ok(outputs)
        })
        .await
    }

    async fn output(&self, id: ResultId) -> StoreResult<Option<OutputRecord>> {
        self.call(move |conn| {
            let sql = format!("SELECT {OUTPUT_COLUMNS} FROM outputs WHERE id = ?1");
            Ok(conn.query_row(&sql, [id], output_from_row).optional()?)
        })
        .await
    }
}

/// The `SELECT` of [`JobRepo::list_jobs`] and its arguments.
fn list_query(filter: &JobFilter) -> (String, Vec<Value>) {
    let mut clauses = Vec::new();
    let mut args = Vec::new();
    if let Some(mode) = &filter.calculation_mode {
        clauses.push("calculation_mode = ?".to_owned());
        args.push(Value::Text(mode.clone()));
    }
    if let Some(running) = filter.is_running {
        let op = if running { "IN" } else { "NOT IN" };
        clauses.push(format!("status {op} ({})", status_list(&RUNNING)));
    }
    if let Some(pattern) = &filter.user_name_like {
        clauses.push("user_name LIKE ?".to_owned());
        args.push(Value::Text(pattern.clone()));
    }
    if let Some(owners) = &filter.owners {
        let marks = vec!["?"; owners.len()].join(", ");
        let mut clause = format!("user_name IN ({marks})");
        if filter.include_shared {
            clause = format!("({clause} OR status = '{}')", JobStatus::Shared.as_str());
        }
        clauses.push(clause);
        args.extend(owners.iter().cloned().map(Value::Text));
    }
    if let Some(from) = &filter.start_time_from {
        clauses.push("start_time >= ?".to_owned());
        args.push(Value::Text(from.clone()));
    }
    let condition = if clauses.is_empty() {
        String::new()
    } else {
        format!(" WHERE {}", clauses.join(" AND "))
    };
    let direction = if filter.descending { "DESC" } else { "ASC" };
    let column = match filter.order_by {
        OrderBy::Id => None,
        OrderBy::StartTime => Some("start_time"),
        OrderBy::UserName => Some("user_name"),
        OrderBy::CalculationMode => Some("calculation_mode"),
        OrderBy::Status => Some("status"),
        OrderBy::Description => Some("description"),
        OrderBy::SizeMb => Some("size_mb"),
    };
    let order = match column {
        Some(column) => format!("{column} {direction}, id {direction}"),
        None => format!("id {direction}"),
    };
    args.push(Value::Integer(sql_int(filter.limit)));
    args.push(Value::Integer(sql_int(filter.offset)));
    let sql =
        format!("SELECT {JOB_COLUMNS} FROM jobs{condition} ORDER BY {order} LIMIT ? OFFSET ?");
    (sql, args)
}

/// Appends one log row of job `id`.
fn insert_log(conn: &Connection, id: CalcId, record: &LogRecord) -> rusqlite::Result<()> {
    conn.prepare_cached(
        "INSERT INTO logs (job_id, timestamp, level, process, message) \
         VALUES (?1, ?2, ?3, ?4, ?5)",
    )?
    .execute(params![
        id,
        format_time(record.timestamp),
        record.level.as_str(),
        record.process,
        record.message
    ])?;
    Ok(())
}

/// `'a', 'b'`: status names as SQL literals (they are fixed identifiers, safe to inline).
fn status_list(statuses: &[JobStatus]) -> String {
    statuses
        .iter()
        .map(|status| format!("'{}'", status.as_str()))
        .collect::<Vec<_>>()
        .join(", ")
}

/// A count or position as an SQLite integer (saturating: SQLite has no unsigned type).
fn sql_int(n: u64) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

fn format_time(time: DateTime<Utc>) -> String {
    time.format(TIME_FORMAT).to_string()
}

fn parse_time(text: &str) -> Result<DateTime<Utc>, chrono::ParseError> {
    NaiveDateTime::parse_from_str(text, TIME_FORMAT).map(|time| time.and_utc())
}

/// Column `idx` parsed from its text; a parse failure is a conversion error of the row.
fn parsed<T, E>(
    row: &Row,
    idx: usize,
    parse: impl FnOnce(&str) -> Result<T, E>,
) -> rusqlite::Result<T>
where
    E: Into<Box<dyn Error + Send + Sync>>,
{
    let text: String = row.get(idx)?;
    parse(&text).map_err(|err| conversion_error(idx, err))
}

fn conversion_error(idx: usize, err: impl Into<Box<dyn Error + Send + Sync>>) -> rusqlite::Error {
    rusqlite::Error::FromSqlConversionFailure(idx, Type::Text, err.into())
}

fn job_from_row(row: &Row) -> rusqlite::Result<Job> {
    let stop_time = row
        .get::<_, Option<String>>(7)?
        .map(|text| parse_time(&text).map_err(|err| conversion_error(7, err)))
        .transpose()?;
    Ok(Job {
        id: row.get(0)?,
        description: row.get(1)?,
        user_name: row.get(2)?,
        calculation_mode: row.get(3)?,
        hazard_calculation_id: row.get(4)?,
        status: parsed(row, 5, str::parse::<JobStatus>)?,
        start_time: parsed(row, 6, parse_time)?,
        stop_time,
        relevant: row.get(8)?,
        pid: row.get(9)?,
        size_mb: row.get(10)?,
        host: row.get(11)?,
        workflow_id: row.get(12)?,
        job_ini: row.get(13)?,
    })
}

fn log_from_row(row: &Row) -> rusqlite::Result<LogRecord> {
    Ok(LogRecord {
        timestamp: parsed(row, 0, parse_time)?,
        level: parsed(row, 1, str::parse::<LogLevel>)?,
        process: row.get(2)?,
        message: row.get(3)?,
    })
}

fn output_from_row(row: &Row) -> rusqlite::Result<OutputRecord> {
    Ok(OutputRecord {
        id: row.get(0)?,
        calc_id: row.get(1)?,
        output_type: row.get(2)?,
        display_name: row.get(3)?,
        size_mb: row.get(4)?,
    })
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use chrono::TimeZone;
    use tempfile::TempDir;

    use super::*;

    fn open() -> (TempDir, SqliteJobRepo) {
        let dir = tempfile::tempdir().unwrap();
        let repo = SqliteJobRepo::open(&dir.path().join("jobs.sqlite3")).unwrap();
        (dir, repo)
    }

    fn new_job(user: &str) -> NewJob {
        NewJob {
            user_name: user.into(),
            host: "host-1".into(),
        }
    }

    async fn create(repo: &SqliteJobRepo, user: &str) -> CalcId {
        repo.create_job(new_job(user)).await.unwrap().id
    }

    async fn move_to(repo: &SqliteJobRepo, id: CalcId, to: JobStatus) -> Job {
        repo.transition(id, to, TransitionFields::default())
            .await
            .unwrap()
            .unwrap_or_else(|| panic!("job {id} refused to move to {to}"))
    }

    /// Writes a start time directly, to test filters and ordering on it.
    fn set_start_time(repo: &SqliteJobRepo, id: CalcId, text: &str) {
        let conn = repo.conn.lock().unwrap();
        let changed = conn
            .execute(
                "UPDATE jobs SET start_time = ?1 WHERE id = ?2",
                params![text, id],
            )
            .unwrap();
        assert_eq!(changed, 1);
    }

    fn record(level: LogLevel, message: &str, micros: i64) -> LogRecord {
        LogRecord {
            timestamp: Utc
                .timestamp_micros(1_700_000_000_000_000 + micros)
                .unwrap(),
            level,
            process: "MainProcess/42".into(),
            message: message.into(),
        }
    }

    fn info(mode: &str, parent: Option<CalcId>) -> JobInfo {
        JobInfo {
            calculation_mode: mode.into(),
            description: format!("{mode} job"),
            hazard_calculation_id: parent,
            job_ini: "job.ini".into(),
        }
    }

    #[tokio::test]
    async fn creates_jobs_with_placeholders() {
        let (_dir, repo) = open();
        let before = Utc::now();
        let job = repo.create_job(new_job("alice")).await.unwrap();
        assert_eq!(job.id, 1);
        assert_eq!(job.user_name, "alice");
        assert_eq!(job.host, "host-1");
        assert_eq!(job.status, JobStatus::Created);
        assert_eq!(job.description, NewJob::PLACEHOLDER_DESCRIPTION);
        assert_eq!(job.calculation_mode, NewJob::PLACEHOLDER_MODE);
        assert_eq!(job.pid, 0);
        assert!(job.relevant);
        assert_eq!(job.stop_time, None);
        assert_eq!(job.size_mb, None);
        assert_eq!(job.job_ini, None);
        assert!((job.start_time - before).num_seconds().abs() < 5);
        assert_eq!(repo.get_job(1).await.unwrap(), Some(job));
        assert_eq!(repo.get_job(2).await.unwrap(), None);
    }

    #[tokio::test]
    async fn ids_are_monotonic_and_never_reused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("jobs.sqlite3");
        {
            let repo = SqliteJobRepo::open(&path).unwrap();
            assert_eq!(create(&repo, "a").await, 1);
            assert_eq!(create(&repo, "a").await, 2);
            assert_eq!(create(&repo, "a").await, 3);
            assert!(repo.delete_job(3).await.unwrap());
            assert_eq!(create(&repo, "a").await, 4);
            assert!(repo.delete_job(4).await.unwrap());
        }
        // The sequence survives reopening the file.
        let repo = SqliteJobRepo::open(&path).unwrap();
        assert_eq!(create(&repo, "a").await, 5);
        assert_eq!(repo.get_job(1).await.unwrap().unwrap().user_name, "a");
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn concurrent_creates_get_distinct_ids() {
        let (_dir, repo) = open();
        let repo = Arc::new(repo);
        let mut tasks = tokio::task::JoinSet::new();
        for n in 0..50 {
            let repo = Arc::clone(&repo);
            tasks.spawn(async move { repo.create_job(new_job(&format!("u{n}"))).await });
        }
        let mut ids = HashSet::new();
        while let Some(job) = tasks.join_next().await {
            assert!(ids.insert(job.unwrap().unwrap().id));
        }
        assert_eq!(ids, (1..=50).collect::<HashSet<_>>());
    }

    /// Moves a fresh job along legal transitions until it reaches `status`.
    async fn job_in(repo: &SqliteJobRepo, status: JobStatus) -> CalcId {
        use JobStatus::*;
        let path: &[JobStatus] = match status {
            Created => &[],
            Submitted => &[Submitted],
            Executing => &[Executing],
            Complete => &[Executing, Complete],
            Failed => &[Failed],
            Aborted => &[Aborted],
            Shared => &[Executing, Complete, Shared],
        };
        let id = create(repo, "alice").await;
        for &step in path {
            move_to(repo, id, step).await;
        }
        id
    }

    #[tokio::test]
    async fn transitions_follow_the_life_cycle() {
        let (_dir, repo) = open();
        for from in JobStatus::ALL {
            for to in JobStatus::ALL {
                let id = job_in(&repo, from).await;
                let before = repo.get_job(id).await.unwrap().unwrap();
                let moved = repo
                    .transition(id, to, TransitionFields::default())
                    .await
                    .unwrap();
                let after = repo.get_job(id).await.unwrap().unwrap();
                if from.can_move_to(to) {
                    assert_eq!(moved.as_ref(), Some(&after), "{from} -> {to}");
                    assert_eq!(after.status, to, "{from} -> {to}");
                } else {
                    assert_eq!(moved, None, "{from} -> {to}");
                    assert_eq!(after, before, "{from} -> {to}");
                }
            }
        }
    }

    #[tokio::test]
    async fn refuses_moves_out_of_finished_states_and_duplicate_starts() {
        let (_dir, repo) = open();
        let none = TransitionFields::default;

        let done = job_in(&repo, JobStatus::Complete).await;
        let refused = repo.transition(done, JobStatus::Executing, none()).await;
        assert_eq!(refused.unwrap(), None);

        let failed = job_in(&repo, JobStatus::Failed).await;
        let refused = repo.transition(failed, JobStatus::Complete, none()).await;
        assert_eq!(refused.unwrap(), None);

        // A run queue delivering the same job twice: only the first start wins.
        let id = job_in(&repo, JobStatus::Submitted).await;
        let start = |pid| TransitionFields {
            pid: Some(pid),
            size_mb: None,
        };
        let first = repo.transition(id, JobStatus::Executing, start(100)).await;
        assert_eq!(first.unwrap().unwrap().pid, 100);
        let second = repo.transition(id, JobStatus::Executing, start(200)).await;
        assert_eq!(second.unwrap(), None);
        assert_eq!(repo.get_job(id).await.unwrap().unwrap().pid, 100);

        let missing = repo.transition(999, JobStatus::Failed, none()).await;
        assert_eq!(missing.unwrap(), None);
    }

    #[tokio::test]
    async fn transitions_set_times_pid_and_size() {
        let (_dir, repo) = open();
        let id = create(&repo, "alice").await;
        set_start_time(&repo, id, "2000-01-01 00:00:00.000000");

        let submitted = move_to(&repo, id, JobStatus::Submitted).await;
        assert_eq!(submitted.start_time.format("%Y").to_string(), "2000");
        assert_eq!(submitted.stop_time, None);

        let fields = TransitionFields {
            pid: Some(4321),
            size_mb: None,
        };
        let executing = repo
            .transition(id, JobStatus::Executing, fields)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(executing.pid, 4321);
        assert!(executing.start_time > submitted.start_time);
        assert_eq!(executing.stop_time, None);
        assert!(executing.has_started());

        let fields = TransitionFields {
            pid: None,
            size_mb: Some(12.5),
        };
        let complete = repo
            .transition(id, JobStatus::Complete, fields)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(complete.size_mb, Some(12.5));
        assert_eq!(complete.pid, 4321);
        assert_eq!(complete.start_time, executing.start_time);
        let stop_time = complete.stop_time.expect("stop time set on completion");
        assert!(stop_time >= complete.start_time);

        // Sharing and unsharing keep the stop time.
        tokio::time::sleep(Duration::from_millis(5)).await;
        let shared = move_to(&repo, id, JobStatus::Shared).await;
        assert_eq!(shared.stop_time, Some(stop_time));
        let unshared = move_to(&repo, id, JobStatus::Complete).await;
        assert_eq!(unshared.stop_time, Some(stop_time));

        for to in [JobStatus::Failed, JobStatus::Aborted] {
            let id = create(&repo, "bob").await;
            assert!(move_to(&repo, id, to).await.stop_time.is_some(), "{to}");
        }
    }

    #[tokio::test]
    async fn set_info_fills_in_the_job_and_links_children() {
        let (_dir, repo) = open();
        let parent = create(&repo, "alice").await;
        let child = create(&repo, "alice").await;
        let other = create(&repo, "alice").await;
        let grandchild = create(&repo, "alice").await;
        repo.set_info(parent, &info("classical", None))
            .await
            .unwrap();
        repo.set_info(child, &info("event_based", Some(parent)))
            .await
            .unwrap();
        repo.set_info(grandchild, &info("scenario", Some(child)))
            .await
            .unwrap();
        repo.set_info(other, &info("disaggregation", Some(parent)))
            .await
            .unwrap();
        // Missing jobs are ignored.
        repo.set_info(999, &info("classical", None)).await.unwrap();

        let job = repo.get_job(child).await.unwrap().unwrap();
        assert_eq!(job.calculation_mode, "event_based");
        assert_eq!(job.description, "event_based job");
        assert_eq!(job.hazard_calculation_id, Some(parent));
        assert_eq!(job.job_ini.as_deref(), Some("job.ini"));

        assert_eq!(repo.children(parent).await.unwrap(), vec![child, other]);
        assert_eq!(repo.children(child).await.unwrap(), vec![grandchild]);
        assert_eq!(
            repo.children(grandchild).await.unwrap(),
            Vec::<CalcId>::new()
        );
    }

    /// Six jobs: (owner, mode, status, start_time, size_mb).
    async fn listing_fixture(repo: &SqliteJobRepo) {
        use JobStatus::*;
        let jobs = [
            (
                "alice",
                "classical",
                Complete,
                "2024-01-01 10:00:00.000000",
                Some(3.0),
            ),
            (
                "bob",
                "event_based",
                Shared,
                "2024-01-02 10:00:00.000000",
                Some(1.0),
            ),
            (
                "alice",
                "classical",
                Executing,
                "2024-01-03 10:00:00.000000",
                None,
            ),
            (
                "carol",
                "scenario",
                Failed,
                "2024-01-03 10:00:00.000000",
                None,
            ),
            (
                "bob",
                "classical",
                Created,
                "2024-01-05 10:00:00.500000",
                None,
            ),
            (
                "Alina",
                "scenario",
                Complete,
                "2024-01-06 10:00:00.000000",
                Some(2.0),
            ),
        ];
        for (owner, mode, status, start, size_mb) in jobs {
            let id = job_in(repo, status).await;
            repo.set_info(id, &info(mode, None)).await.unwrap();
            let conn = repo.conn.lock().unwrap();
            conn.execute(
                "UPDATE jobs SET user_name = ?1, start_time = ?2, size_mb = ?3 WHERE id = ?4",
                params![owner, start, size_mb, id],
            )
            .unwrap();
        }
    }

    async fn ids(repo: &SqliteJobRepo, filter: JobFilter) -> Vec<CalcId> {
        let jobs = repo.list_jobs(&filter).await.unwrap();
        jobs.into_iter().map(|job| job.id).collect()
    }

    #[tokio::test]
    async fn lists_with_filters() {
        let (_dir, repo) = open();
        listing_fixture(&repo).await;
        let all = JobFilter::default();
        assert_eq!(ids(&repo, all.clone()).await, vec![6, 5, 4, 3, 2, 1]);

        let mode = JobFilter {
            calculation_mode: Some("classical".into()),
            ..all.clone()
        };
        assert_eq!(ids(&repo, mode).await, vec![5, 3, 1]);

        let running = JobFilter {
            is_running: Some(true),
            ..all.clone()
        };
        assert_eq!(ids(&repo, running).await, vec![5, 3]);
        let finished = JobFilter {
            is_running: Some(false),
            ..all.clone()
        };
        assert_eq!(ids(&repo, finished).await, vec![6, 4, 2, 1]);

        // LIKE is case-insensitive on ASCII, as in OpenQuake's SQLite database.
        let like = JobFilter {
            user_name_like: Some("al%".into()),
            ..all.clone()
        };
        assert_eq!(ids(&repo, like).await, vec![6, 3, 1]);
        let single = JobFilter {
            user_name_like: Some("bo_".into()),
            ..all.clone()
        };
        assert_eq!(ids(&repo, single).await, vec![5, 2]);

        let own = JobFilter {
            owners: Some(vec!["alice".into(), "carol".into()]),
            include_shared: false,
            ..all.clone()
        };
        assert_eq!(ids(&repo, own.clone()).await, vec![4, 3, 1]);
        let own_and_shared = JobFilter {
            include_shared: true,
            ..own
        };
        assert_eq!(ids(&repo, own_and_shared).await, vec![4, 3, 2, 1]);
        let nobody = JobFilter {
            owners: Some(Vec::new()),
            include_shared: true,
            ..all.clone()
        };
        assert_eq!(ids(&repo, nobody).await, vec![2]);

        let since = JobFilter {
            start_time_from: Some("2024-01-03 10:00:00".into()),
            ..all.clone()
        };
        assert_eq!(ids(&repo, since).await, vec![6, 5, 4, 3]);
        let since_later = JobFilter {
            start_time_from: Some("2024-01-05 10:00:00".into()),
            ..all.clone()
        };
        assert_eq!(ids(&repo, since_later).await, vec![6, 5]);

        let combined = JobFilter {
            calculation_mode: Some("classical".into()),
            is_running: Some(false),
            owners: Some(vec!["alice".into()]),
            ..all
        };
        assert_eq!(ids(&repo, combined).await, vec![1]);
    }

    #[tokio::test]
    async fn lists_in_order_and_pages() {
        let (_dir, repo) = open();
        listing_fixture(&repo).await;
        let by = |order_by, descending| JobFilter {
            order_by,
            descending,
            ..JobFilter::default()
        };
        assert_eq!(
            ids(&repo, by(OrderBy::Id, false)).await,
            vec![1, 2, 3, 4, 5, 6]
        );
        // Ties on the column are broken by id, in the same direction.
        assert_eq!(
            ids(&repo, by(OrderBy::StartTime, false)).await,
            vec![1, 2, 3, 4, 5, 6]
        );
        assert_eq!(
            ids(&repo, by(OrderBy::StartTime, true)).await,
            vec![6, 5, 4, 3, 2, 1]
        );
        assert_eq!(
            ids(&repo, by(OrderBy::UserName, false)).await,
            vec![6, 1, 3, 2, 5, 4]
        );
        assert_eq!(
            ids(&repo, by(OrderBy::CalculationMode, false)).await,
            vec![1, 3, 5, 2, 4, 6]
        );
        assert_eq!(
            ids(&repo, by(OrderBy::Status, false)).await,
            vec![1, 6, 5, 3, 4, 2]
        );
        assert_eq!(
            ids(&repo, by(OrderBy::Description, true)).await,
            vec![6, 4, 2, 5, 3, 1]
        );
        // NULL sizes sort first ascending.
        assert_eq!(
            ids(&repo, by(OrderBy::SizeMb, false)).await,
            vec![3, 4, 5, 2, 6, 1]
        );

        let page = |limit, offset| JobFilter {
            limit,
            offset,
            ..by(OrderBy::Id, false)
        };
        assert_eq!(ids(&repo, page(2, 0)).await, vec![1, 2]);
        assert_eq!(ids(&repo, page(2, 2)).await, vec![3, 4]);
        assert_eq!(ids(&repo, page(4, 4)).await, vec![5, 6]);
        assert_eq!(ids(&repo, page(2, 6)).await, Vec::<CalcId>::new());
        assert_eq!(ids(&repo, page(0, 0)).await, Vec::<CalcId>::new());
        assert_eq!(
            ids(&repo, page(u64::MAX, u64::MAX)).await,
            Vec::<CalcId>::new()
        );
        assert_eq!(ids(&repo, page(u64::MAX, 5)).await, vec![6]);
    }

    #[tokio::test]
    async fn log_rows_keep_their_order_and_slice() {
        let (_dir, repo) = open();
        let id = create(&repo, "alice").await;
        let other = create(&repo, "bob").await;
        let rows: Vec<LogRecord> = (0..5)
            .map(|n| record(LogLevel::Info, &format!("row {n}"), n))
            .collect();
        repo.append_log(id, &rows[..2]).await.unwrap();
        repo.append_log(other, &[record(LogLevel::Info, "other", 0)])
            .await
            .unwrap();
        repo.append_log(id, &rows[2..]).await.unwrap();
        repo.append_log(id, &[]).await.unwrap();

        assert_eq!(repo.log_size(id).await.unwrap(), 5);
        assert_eq!(repo.log_size(other).await.unwrap(), 1);
        assert_eq!(repo.log_size(999).await.unwrap(), 0);
        assert_eq!(repo.log_slice(id, 0, None).await.unwrap(), rows);
        assert_eq!(repo.log_slice(id, 1, Some(3)).await.unwrap(), rows[1..3]);
        assert_eq!(repo.log_slice(id, 3, None).await.unwrap(), rows[3..]);
        assert_eq!(repo.log_slice(id, 4, Some(10)).await.unwrap(), rows[4..]);
        assert!(repo.log_slice(id, 5, None).await.unwrap().is_empty());
        assert!(repo.log_slice(id, 10, Some(20)).await.unwrap().is_empty());
        assert!(repo.log_slice(id, 3, Some(2)).await.unwrap().is_empty());
        assert!(repo.log_slice(id, 2, Some(2)).await.unwrap().is_empty());
        assert_eq!(repo.log_slice(id, 0, Some(u64::MAX)).await.unwrap(), rows);
        assert_eq!(
            repo.log_slice(other, 0, None).await.unwrap()[0].message,
            "other"
        );
    }

    #[tokio::test]
    async fn rejects_rows_of_missing_jobs() {
        let (_dir, repo) = open();
        let log = repo.append_log(7, &[record(LogLevel::Info, "x", 0)]).await;
        assert!(matches!(log, Err(StoreError::Database(_))), "{log:?}");
        let output = NewOutput {
            output_type: "hcurves".into(),
            display_name: "Hazard Curves".into(),
            size_mb: None,
        };
        let outputs = repo.add_outputs(7, &[output]).await;
        assert!(
            matches!(outputs, Err(StoreError::Database(_))),
            "{outputs:?}"
        );
    }

    #[tokio::test]
    async fn last_error_is_the_last_error_row() {
        let (_dir, repo) = open();
        let id = create(&repo, "alice").await;
        assert_eq!(repo.last_error(id).await.unwrap(), None);
        repo.append_log(id, &[record(LogLevel::Info, "starting", 0)])
            .await
            .unwrap();
        assert_eq!(repo.last_error(id).await.unwrap(), None);
        repo.append_log(
            id,
            &[
                record(LogLevel::Error, "first", 1),
                record(LogLevel::Info, "between", 2),
                record(LogLevel::Error, "second", 3),
                record(LogLevel::Warning, "after", 4),
                record(LogLevel::Critical, "critical", 5),
            ],
        )
        .await
        .unwrap();
        assert_eq!(
            repo.last_error(id).await.unwrap().as_deref(),
            Some("second")
        );
        let other = create(&repo, "bob").await;
        assert_eq!(repo.last_error(other).await.unwrap(), None);
    }

    fn output(output_type: &str, size_mb: Option<f64>) -> NewOutput {
        NewOutput {
            output_type: output_type.into(),
            display_name: format!("{output_type} output"),
            size_mb,
        }
    }

    #[tokio::test]
    async fn output_ids_are_global_across_jobs() {
        let (_dir, repo) = open();
        let a = create(&repo, "alice").await;
        let b = create(&repo, "bob").await;
        let first = repo
            .add_outputs(a, &[output("hcurves", Some(1.5)), output("hmaps", None)])
            .await
            .unwrap();
        let second = repo.add_outputs(b, &[output("uhs", None)]).await.unwrap();
        let third = repo
            .add_outputs(a, &[output("realizations", None)])
            .await
            .unwrap();
        assert_eq!(first.iter().map(|o| o.id).collect::<Vec<_>>(), vec![1, 2]);
        assert_eq!(second[0].id, 3);
        assert_eq!(third[0].id, 4);
        assert_eq!(
            first[0],
            OutputRecord {
                id: 1,
                calc_id: a,
                output_type: "hcurves".into(),
                display_name: "hcurves output".into(),
                size_mb: Some(1.5),
            }
        );

        let of_a = repo.outputs(a).await.unwrap();
        assert_eq!(of_a.iter().map(|o| o.id).collect::<Vec<_>>(), vec![1, 2, 4]);
        assert_eq!(of_a[..2], first[..]);
        assert_eq!(repo.output(3).await.unwrap(), Some(second[0].clone()));
        assert_eq!(repo.output(99).await.unwrap(), None);
        assert!(repo.add_outputs(a, &[]).await.unwrap().is_empty());
    }

    #[tokio::test]
    async fn delete_removes_logs_and_outputs() {
        let (_dir, repo) = open();
        let gone = create(&repo, "alice").await;
        let kept = create(&repo, "alice").await;
        for id in [gone, kept] {
            repo.append_log(id, &[record(LogLevel::Error, "boom", 0)])
                .await
                .unwrap();
            repo.add_outputs(id, &[output("hcurves", None)])
                .await
                .unwrap();
        }
        let gone_output = repo.outputs(gone).await.unwrap()[0].id;

        assert!(repo.delete_job(gone).await.unwrap());
        assert_eq!(repo.get_job(gone).await.unwrap(), None);
        assert_eq!(repo.log_size(gone).await.unwrap(), 0);
        assert_eq!(repo.last_error(gone).await.unwrap(), None);
        assert!(repo.outputs(gone).await.unwrap().is_empty());
        assert_eq!(repo.output(gone_output).await.unwrap(), None);
        assert!(!repo.delete_job(gone).await.unwrap());

        assert_eq!(repo.log_size(kept).await.unwrap(), 1);
        assert_eq!(repo.outputs(kept).await.unwrap().len(), 1);
        let next_output = repo.add_outputs(kept, &[output("hmaps", None)]).await;
        assert_eq!(next_output.unwrap()[0].id, 3, "result ids are not reused");
    }

    #[tokio::test]
    async fn fails_jobs_interrupted_by_a_restart() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("jobs.sqlite3");
        let mut interrupted = Vec::new();
        let mut finished = Vec::new();
        {
            let repo = SqliteJobRepo::open(&path).unwrap();
            for status in [
                JobStatus::Created,
                JobStatus::Submitted,
                JobStatus::Executing,
            ] {
                interrupted.push(job_in(&repo, status).await);
            }
            for status in [JobStatus::Complete, JobStatus::Aborted, JobStatus::Shared] {
                let id = job_in(&repo, status).await;
                finished.push(repo.get_job(id).await.unwrap().unwrap());
            }
        }
        let repo = SqliteJobRepo::open(&path).unwrap();
        assert_eq!(repo.fail_interrupted().await.unwrap(), interrupted);
        for id in interrupted {
            let job = repo.get_job(id).await.unwrap().unwrap();
            assert_eq!(job.status, JobStatus::Failed);
            assert!(job.stop_time.is_some());
            let error = repo.last_error(id).await.unwrap().unwrap();
            assert!(error.contains("server restarted"), "{error}");
            assert_eq!(repo.log_size(id).await.unwrap(), 1);
        }
        for job in finished {
            assert_eq!(repo.get_job(job.id).await.unwrap(), Some(job.clone()));
            assert_eq!(repo.log_size(job.id).await.unwrap(), 0);
        }
        assert!(repo.fail_interrupted().await.unwrap().is_empty());
    }

    #[test]
    fn timestamps_sort_as_text() {
        let early = Utc.with_ymd_and_hms(2024, 1, 2, 3, 4, 5).unwrap();
        let late = early + chrono::Duration::microseconds(1);
        assert_eq!(format_time(early), "2024-01-02 03:04:05.000000");
        assert!(format_time(early) < format_time(late));
        assert_eq!(parse_time(&format_time(late)).unwrap(), late);
        assert!(parse_time("yesterday").is_err());
    }
}
