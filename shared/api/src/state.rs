//! What every handler can reach: the stores, the engine information and the configuration.

use std::path::PathBuf;
use std::sync::Arc;

use async_trait::async_trait;
use oqcloud_store::{BlobStore, JobRepo, RunQueue};

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
    /// Largest accepted upload (request body, and unpacked archive), in bytes.
    pub max_upload_bytes: u64,
    /// The server's data directory: `on_same_fs` never reads outside it.
    pub data_dir: PathBuf,
    /// Where the blob store keeps calculations, as shown in `ds_calc_dir` (a directory or a bucket URL).
    pub storage_root: String,
    /// Where uploads are unpacked and checked before they are stored.
    pub scratch_dir: PathBuf,
}

impl ApiConfig {
    /// Default upload limit: 200 MiB.
    pub const DEFAULT_MAX_UPLOAD_BYTES: u64 = 200 * 1024 * 1024;
}

/// Shared state of the router; cheap to clone.
#[derive(Clone)]
pub struct AppState {
    pub jobs: Arc<dyn JobRepo>,
    pub blobs: Arc<dyn BlobStore>,
    pub queue: Arc<dyn RunQueue>,
    pub engine: Arc<dyn EngineInfo>,
    pub config: Arc<ApiConfig>,
}
