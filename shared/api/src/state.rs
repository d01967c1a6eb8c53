//! What every handler can reach: the stores, the engine information and the configuration.

use std::path::PathBuf;
use std::sync::Arc;

use async_trait::async_trait;
use oqcloud_store::{BlobCache, BlobStore, JobRepo, RunQueue};

/// Facts about the engines this installation can run, for the utility endpoints.
#[async_trait]
pub trait EngineInfo: Send + Sync {
    /// The OpenQuake version whose API and outputs this server reproduces.
    fn engine_version(&self) -> String;
    /// Sorted names of the GSIMs this installation can run.
    async fn available_gsims(&self) -> Vec<String>;
}

/// Server settings.
#[derive(Debug, Clone)]
pub struct ApiConfig {
    /// Host name recorded on new jobs (`host`).
    pub host_name: String,
    /// The user every request acts as while authentication is off.
    pub default_user: String,
    pub limits: Limits,
    /// The server's data directory: `on_same_fs` never reads outside it.
    pub data_dir: PathBuf,
    /// Where the blob store keeps calculations, as shown in `ds_calc_dir` (a directory or a bucket URL).
    pub storage_root: String,
    /// Where uploads are unpacked and checked before they are stored.
    pub scratch_dir: PathBuf,
}

/// Sizes of what the API accepts, of what it answers in the response body, and of its
/// datastore cache.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Largest accepted request body, and unpacked archive, in bytes.
    pub max_upload_bytes: u64,
    /// Largest archive uploaded to a presigned URL (`POST /v1/calc/upload_url`), and its
    /// unpacked size, in bytes.
    pub max_staged_upload_bytes: u64,
    /// Largest export or extract answered in the body where the blob store presigns URLs;
    /// a larger one is written to the store and answered with a redirect to a presigned
    /// URL, as the datastore always is.
    pub max_inline_bytes: u64,
    /// Largest total size of the datastores copied from a blob store without local files
    /// (S3) and kept for the next requests (see [`AppState::datastores`]).
    pub datastore_cache_bytes: u64,
}

impl Limits {
    /// Default upload limit: 200 MiB.
    pub const DEFAULT_MAX_UPLOAD_BYTES: u64 = 200 * 1024 * 1024;
    /// Default inline response limit: 4 MiB, which Lambda's base64 encoding of binary
    /// bodies (4/3) keeps under its 6 MB response payload.
    pub const DEFAULT_MAX_INLINE_BYTES: u64 = 4 * 1024 * 1024;
    /// Default datastore cache: 2 GiB (half the scratch space of the template's extract,
    /// export and plot functions).
    pub const DEFAULT_DATASTORE_CACHE_BYTES: u64 = 2 * 1024 * 1024 * 1024;

    /// Request bodies up to `max_upload_bytes`, presigned uploads up to the default upload
    /// limit (or `max_upload_bytes` if larger), the default inline response limit and
    /// datastore cache.
    pub fn with_max_upload(max_upload_bytes: u64) -> Self {
        Limits {
            max_upload_bytes,
            max_staged_upload_bytes: max_upload_bytes.max(Self::DEFAULT_MAX_UPLOAD_BYTES),
            max_inline_bytes: Self::DEFAULT_MAX_INLINE_BYTES,
            datastore_cache_bytes: Self::DEFAULT_DATASTORE_CACHE_BYTES,
        }
    }
}

/// Shared state of the router; cheap to clone.
#[derive(Clone)]
pub struct AppState {
    pub jobs: Arc<dyn JobRepo>,
    pub blobs: Arc<dyn BlobStore>,
    pub queue: Arc<dyn RunQueue>,
    pub engine: Arc<dyn EngineInfo>,
    pub config: Arc<ApiConfig>,
    /// Local files of the datastores, read by extracts and plots: copies from S3 are kept
    /// between requests within `config.limits.datastore_cache_bytes`.
    pub datastores: Arc<BlobCache>,
}
