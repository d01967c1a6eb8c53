//! Embedded implementations: SQLite for jobs, files under the data directory for blobs,
//! an in-process channel for the run queue, a mail log file.

mod files;
mod mail;
mod queue;
mod sqlite;

use std::path::Path;
use std::sync::Arc;

pub use files::FileBlobStore;
pub use mail::MailLog;
pub use queue::LocalQueue;
pub use sqlite::SqliteJobRepo;

use crate::{StoreError, StoreResult};

/// Name of the SQLite database under the data directory.
pub const DATABASE_FILE: &str = "oqcloud.sqlite3";
/// Name of the blob root under the data directory.
pub const BLOBS_DIR: &str = "blobs";
/// Name of the mail log under the data directory.
pub const MAIL_LOG_FILE: &str = "mail.log";

/// Every embedded store, laid out under one data directory.
pub struct LocalStores {
    pub jobs: Arc<SqliteJobRepo>,
    pub blobs: Arc<FileBlobStore>,
    pub queue: Arc<LocalQueue>,
    pub mailer: Arc<MailLog>,
}

impl LocalStores {
    /// Opens (creating as needed) `<data_dir>/oqcloud.sqlite3`, `<data_dir>/blobs/` and
    /// `<data_dir>/mail.log`, with an empty run queue.
    ///
    /// Jobs left running by a previous process are not touched here: the server calls
    /// [`SqliteJobRepo::fail_interrupted`] once it starts.
    pub fn open(data_dir: &Path) -> StoreResult<Self> {
        let blobs = data_dir.join(BLOBS_DIR);
        std::fs::create_dir_all(&blobs)?;
        Ok(LocalStores {
            jobs: Arc::new(SqliteJobRepo::open(&data_dir.join(DATABASE_FILE))?),
            blobs: Arc::new(FileBlobStore::new(blobs)),
            queue: Arc::new(LocalQueue::new()),
            mailer: Arc::new(MailLog::new(data_dir.join(MAIL_LOG_FILE))),
        })
    }
}

/// Runs blocking storage work on tokio's blocking pool, so async callers never block the
/// runtime. A panic in `work` is resumed in the caller.
async fn blocking<T, F>(work: F) -> StoreResult<T>
where
    F: FnOnce() -> StoreResult<T> + Send + 'static,
    T: Send + 'static,
{
    match tokio::task::spawn_blocking(work).await {
        Ok(result) => result,
        Err(err) if err.is_panic() => std::panic::resume_unwind(err.into_panic()),
        Err(err) => Err(StoreError::Other(format!("storage task cancelled: {err}"))),
    }
}

#[cfg(test)]
mod tests {
    use chrono::Utc;
    use oqcloud_model::NewJob;

    use super::*;
    use crate::{BlobStore, JobRepo, Mail, Mailer};

    #[tokio::test]
    async fn lays_out_the_data_directory_and_reopens_it() {
        let dir = tempfile::tempdir().unwrap();
        let data_dir = dir.path().join("data");
        let job = {
            let stores = LocalStores::open(&data_dir).unwrap();
            let job = stores
                .jobs
                .create_job(NewJob {
                    user_name: "alice".into(),
                    host: "here".into(),
                })
                .await
                .unwrap();
            stores
                .blobs
                .put("calcs/1/job.ini", "[general]\n".into())
                .await
                .unwrap();
            let mail = Mail {
                to: "alice@example.com".into(),
                subject: "done".into(),
                body: "ok".into(),
                sent_at: Utc::now(),
            };
            stores.mailer.send(&mail).await.unwrap();
            job
        };
        assert!(data_dir.join(DATABASE_FILE).is_file());
        assert!(data_dir.join(BLOBS_DIR).join("calcs/1/job.ini").is_file());
        assert_eq!(
            MailLog::read_all(&data_dir.join(MAIL_LOG_FILE))
                .unwrap()
                .len(),
            1
        );

        let stores = LocalStores::open(&data_dir).unwrap();
        assert_eq!(stores.jobs.get_job(job.id).await.unwrap(), Some(job));
        assert_eq!(
            stores.blobs.get("calcs/1/job.ini").await.unwrap(),
            Some("[general]\n".into())
        );
    }
}
