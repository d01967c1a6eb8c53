//! Storage of oqcloud behind traits: job records with their outputs and log rows
//! ([`JobRepo`]), input files, datastores and exports ([`BlobStore`]), the run queue
//! ([`RunQueue`]) and completion mail ([`Mailer`]).
//!
//! Request handlers and the worker are written against these traits only. The embedded
//! implementations live in [`local`] (SQLite, files under a data directory, an in-process
//! channel, a mail log); the AWS ones (DynamoDB, S3, SQS, SES) come in their own module.
//!
//! Invariants every implementation keeps:
//! - calc ids and result ids are allocated atomically and never reused;
//! - [`JobRepo::transition`] is a conditional write: it succeeds only if the job's current
//!   status may move to the target ([`oqcloud_model::JobStatus::can_move_to`]);
//! - log rows of a job keep their insertion order.

pub mod blob_keys;
mod cache;
pub mod local;
pub mod runs;

pub use cache::{BlobCache, LocalFile};

use std::path::{Path, PathBuf};
use std::time::Duration;

use async_trait::async_trait;
use bytes::Bytes;
use chrono::{DateTime, Utc};
use oqcloud_model::{CalcId, Job, JobStatus, LogRecord, NewJob, NewOutput, OutputRecord, ResultId};

/// A failure of the storage layer (I/O, database, network). Handlers answer it with a 500.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("storage I/O error: {0}")]
    Io(#[from] std::io::Error),
    #[error("database error: {0}")]
    Database(String),
    #[error("{0}")]
    Other(String),
}

/// Result of a storage operation.
pub type StoreResult<T> = Result<T, StoreError>;

/// Filters of `GET /v1/calc/list` (spec §5.1), already validated.
#[derive(Debug, Clone, PartialEq)]
pub struct JobFilter {
    pub calculation_mode: Option<String>,
    pub is_running: Option<bool>,
    /// SQL `LIKE` pattern on the owner (`%` and `_` wildcards).
    pub user_name_like: Option<String>,
    /// Only jobs whose owner is one of these (None: every owner).
    pub owners: Option<Vec<String>>,
    /// With `owners`: also jobs of other owners whose status is `shared`.
    pub include_shared: bool,
    /// `start_time >= value`, compared as text on `YYYY-MM-DD HH:MM:SS`.
    pub start_time_from: Option<String>,
    pub order_by: OrderBy,
    pub descending: bool,
    pub limit: u64,
    pub offset: u64,
}

impl Default for JobFilter {
    fn default() -> Self {
        JobFilter {
            calculation_mode: None,
            is_running: None,
            user_name_like: None,
            owners: None,
            include_shared: true,
            start_time_from: None,
            order_by: OrderBy::Id,
            descending: true,
            limit: 100,
            offset: 0,
        }
    }
}

/// Sort keys allowed by `GET /v1/calc/list?order_by=`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OrderBy {
    Id,
    StartTime,
    UserName,
    CalculationMode,
    Status,
    Description,
    SizeMb,
}

impl OrderBy {
    /// The sort key named by the query value; anything unknown sorts by id, as OpenQuake does.
    pub fn from_query(value: &str) -> OrderBy {
        match value {
            "start_time" => OrderBy::StartTime,
            "user_name" => OrderBy::UserName,
            "calculation_mode" => OrderBy::CalculationMode,
            "status" => OrderBy::Status,
            "description" => OrderBy::Description,
            "size_mb" => OrderBy::SizeMb,
            _ => OrderBy::Id,
        }
    }
}

/// Fields a status transition sets besides the status itself.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TransitionFields {
    /// pid of the process running the job (set when it starts executing).
    pub pid: Option<i64>,
    /// Datastore size (set on completion).
    pub size_mb: Option<f64>,
}

/// Description of a job filled in once its job.ini is parsed.
#[derive(Debug, Clone, PartialEq)]
pub struct JobInfo {
    pub calculation_mode: String,
    pub description: String,
    pub hazard_calculation_id: Option<CalcId>,
    /// Path of the job.ini relative to the job's inputs.
    pub job_ini: String,
}

/// Job records, their outputs and their log rows.
#[async_trait]
pub trait JobRepo: Send + Sync {
    /// Creates a job in status `created`, allocating the next calc id atomically.
    async fn create_job(&self, new: NewJob) -> StoreResult<Job>;

    /// The job with this id, if it exists.
    async fn get_job(&self, id: CalcId) -> StoreResult<Option<Job>>;

    /// Jobs matching the filter, sorted and paginated as it says.
    async fn list_jobs(&self, filter: &JobFilter) -> StoreResult<Vec<Job>>;

    /// Fills in mode, description and parent once the job.ini is parsed.
    async fn set_info(&self, id: CalcId, info: &JobInfo) -> StoreResult<()>;

    /// Moves the job to `to` if its current status may move there; returns the updated
    /// job, or `None` when the job is missing or the move is not allowed.
    /// Moving to `executing` resets `start_time` to now; moving to a terminal status sets
    /// `stop_time` to now.
    async fn transition(
        &self,
        id: CalcId,
        to: JobStatus,
        fields: TransitionFields,
    ) -> StoreResult<Option<Job>>;

    /// Deletes the job with its outputs and log rows; false if it did not exist.
    async fn delete_job(&self, id: CalcId) -> StoreResult<bool>;

    /// Ids of the jobs whose parent is `id`.
    async fn children(&self, id: CalcId) -> StoreResult<Vec<CalcId>>;

    /// Appends log rows in order.
    async fn append_log(&self, id: CalcId, records: &[LogRecord]) -> StoreResult<()>;

    /// Log rows `start..stop` in insertion order (`stop = None`: to the end).
    async fn log_slice(
        &self,
        id: CalcId,
        start: u64,
        stop: Option<u64>,
    ) -> StoreResult<Vec<LogRecord>>;

    /// Number of log rows of the job.
    async fn log_size(&self, id: CalcId) -> StoreResult<u64>;

    /// Message of the last log row at level `ERROR`, if any.
    async fn last_error(&self, id: CalcId) -> StoreResult<Option<String>>;

    /// Registers outputs, allocating their result ids; returns them in order.
    async fn add_outputs(
        &self,
        id: CalcId,
        outputs: &[NewOutput],
    ) -> StoreResult<Vec<OutputRecord>>;

    /// Outputs of a job, ordered by result id.
    async fn outputs(&self, id: CalcId) -> StoreResult<Vec<OutputRecord>>;

    /// The output with this result id, if it exists.
    async fn output(&self, id: ResultId) -> StoreResult<Option<OutputRecord>>;
}

/// Metadata of a stored blob.
#[derive(Debug, Clone, PartialEq)]
pub struct BlobMeta {
    pub key: String,
    pub size: u64,
    /// The version of the content (S3's ETag): a changed blob has another one. `None` where
    /// the store keeps no versions (the embedded store, whose blobs are local files).
    pub etag: Option<String>,
}

/// The response headers of a presigned download, so that it arrives as the API would
/// have sent it.
#[derive(Debug, Clone, PartialEq)]
pub struct Download<'a> {
    pub content_type: &'a str,
    /// The whole `Content-Disposition` value (e.g. `attachment; filename=calc_1.hdf5`).
    pub content_disposition: &'a str,
}

/// Input files, datastores and exports, under keys laid out by [`blob_keys`].
#[async_trait]
pub trait BlobStore: Send + Sync {
    /// Stores bytes under `key`, replacing what was there.
    async fn put(&self, key: &str, bytes: Bytes) -> StoreResult<()>;

    /// Stores the content of a local file under `key`.
    async fn put_file(&self, key: &str, path: &Path) -> StoreResult<()>;

    /// The bytes under `key`, if any.
    async fn get(&self, key: &str) -> StoreResult<Option<Bytes>>;

    /// Copies the blob under `key` to a local file; false if there is none.
    async fn get_to_file(&self, key: &str, dest: &Path) -> StoreResult<bool>;

    /// Size and key of the blob, if it exists.
    async fn head(&self, key: &str) -> StoreResult<Option<BlobMeta>>;

    /// Every blob whose key starts with `prefix`, sorted by key.
    async fn list(&self, prefix: &str) -> StoreResult<Vec<BlobMeta>>;

    /// Deletes every blob whose key starts with `prefix`.
    async fn delete_prefix(&self, prefix: &str) -> StoreResult<()>;

    /// The local file holding the blob, if the store keeps blobs as files and it exists.
    async fn local_path(&self, key: &str) -> StoreResult<Option<PathBuf>>;

    /// A URL from which anyone may GET the blob for `ttl`, answered with the headers of
    /// `download`; `None` when the store has no such URLs (the embedded store). The blob
    /// need not exist yet.
    async fn presigned_get(
        &self,
        key: &str,
        download: &Download<'_>,
        ttl: Duration,
    ) -> StoreResult<Option<String>>;

    /// A URL to which anyone may PUT the blob for `ttl`; `None` when the store has no such
    /// URLs (the embedded store).
    async fn presigned_put(&self, key: &str, ttl: Duration) -> StoreResult<Option<String>>;
}

/// What an abort request achieved.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AbortOutcome {
    /// The run was signalled to stop (or removed from the queue before it started).
    Signalled,
    /// Nothing runs or waits for this job here.
    NotFound,
}

/// The queue of jobs to run, and the handle to stop a running one.
#[async_trait]
pub trait RunQueue: Send + Sync {
    /// Queues a job for a worker.
    async fn enqueue(&self, id: CalcId) -> StoreResult<()>;

    /// Asks the run of this job to stop.
    async fn abort(&self, id: CalcId) -> StoreResult<AbortOutcome>;
}

/// One e-mail.
#[derive(Debug, Clone, PartialEq)]
pub struct Mail {
    pub to: String,
    pub subject: String,
    pub body: String,
    pub sent_at: DateTime<Utc>,
}

/// Sends completion mail.
#[async_trait]
pub trait Mailer: Send + Sync {
    async fn send(&self, mail: &Mail) -> StoreResult<()>;
}
