//! The embedded deployment: the API router over SQLite, files under a data directory,
//! an in-process run queue and worker pool, and a mail log.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use anyhow::Context;
use async_trait::async_trait;
use oqcloud_api::{ApiConfig, AppState, EngineInfo, Limits, app};
use oqcloud_store::BlobCache;
use oqcloud_store::local::LocalStores;
use oqcloud_worker::native::NativeEngine;
use oqcloud_worker::openquake::OpenQuakeEngine;
use oqcloud_worker::{Engine, WorkerDeps, spawn_pool};
use tokio::sync::OnceCell;
use tokio::task::JoinHandle;

use crate::serving;

/// The OpenQuake version whose REST API and outputs oqcloud reproduces.
pub const COMPATIBLE_ENGINE_VERSION: &str = "3.26.2";

/// Settings of an embedded server.
#[derive(Debug, Clone)]
pub struct ServerOptions {
    pub host: String,
    /// 0 picks a free port.
    pub port: u16,
    pub data_dir: PathBuf,
    /// Jobs run at once.
    pub workers: usize,
    pub max_upload_bytes: u64,
    /// The user every request acts as (authentication off).
    pub default_user: String,
}

/// A running embedded server.
pub struct EmbeddedServer {
    /// The address it listens on.
    pub addr: SocketAddr,
    pub stores: LocalStores,
    server: JoinHandle<()>,
    workers: Vec<JoinHandle<()>>,
}

impl EmbeddedServer {
    /// Opens the stores under the data directory, fails jobs a previous process left
    /// running, starts the worker pool and serves the API.
    pub async fn start(options: ServerOptions) -> anyhow::Result<EmbeddedServer> {
        std::fs::create_dir_all(&options.data_dir)
            .with_context(|| format!("creating {}", options.data_dir.display()))?;
        let data_dir = options.data_dir.canonicalize()?;
        let stores = LocalStores::open(&data_dir)?;
        let interrupted = stores.jobs.fail_interrupted().await?;
        if !interrupted.is_empty() {
            tracing::warn!("jobs left unfinished by a previous run marked failed: {interrupted:?}");
        }
        let deps = Arc::new(WorkerDeps {
            jobs: stores.jobs.clone(),
            blobs: stores.blobs.clone(),
            mailer: stores.mailer.clone(),
            engines: available_engines(),
            scratch_dir: data_dir.join("scratch"),
        });
        let workers = spawn_pool(deps, stores.queue.clone(), options.workers.max(1));
        let state = AppState {
            jobs: stores.jobs.clone(),
            blobs: stores.blobs.clone(),
            queue: stores.queue.clone(),
            engine: Arc::new(InstalledEngines::discover()),
            // never copies: the embedded store's datastores are local files
            datastores: BlobCache::new(data_dir.join("scratch"), 0),
            config: Arc::new(ApiConfig {
                host_name: gethostname(),
                default_user: options.default_user.clone(),
                limits: Limits::with_max_upload(options.max_upload_bytes),
                data_dir: data_dir.clone(),
                storage_root: data_dir.join("blobs").display().to_string(),
                scratch_dir: data_dir.join("uploads"),
            }),
        };
        let (addr, server) = serving::serve(app(state), &options.host, options.port).await?;
        Ok(EmbeddedServer {
            addr,
            stores,
            server,
            workers,
        })
    }

    /// Serves until SIGINT or SIGTERM, then stops as [`EmbeddedServer::stop`] does.
    pub async fn serve_until_signal(mut self) -> anyhow::Result<()> {
        serving::until_signal(&mut self.server).await?;
        self.stop().await;
        Ok(())
    }

    /// Stops serving, aborts the running jobs (their engines' processes are stopped and the
    /// jobs end `aborted`), waits for that up to a minute, and stops the workers.
    pub async fn stop(self) {
        serving::stop(self.server, &self.stores.queue.runs, self.workers).await;
    }
}

/// The engines this installation can run jobs with, in order of preference: the native one,
/// then the reference OpenQuake engine where it is installed.
pub fn available_engines() -> Vec<Arc<dyn Engine>> {
    let mut engines: Vec<Arc<dyn Engine>> = vec![Arc::new(NativeEngine)];
    if let Some(openquake) = OpenQuakeEngine::discover() {
        engines.push(Arc::new(openquake));
    }
    engines
}

/// This machine's host name (from `/etc/hostname`), `localhost` when unknown.
pub fn gethostname() -> String {
    std::fs::read_to_string("/etc/hostname")
        .map(|name| name.trim().to_owned())
        .ok()
        .filter(|name| !name.is_empty())
        .unwrap_or_else(|| "localhost".to_owned())
}

/// [`EngineInfo`] over the installed engines; the GSIM list is computed once.
pub struct InstalledEngines {
    openquake: Option<OpenQuakeEngine>,
    gsims: OnceCell<Vec<String>>,
}

impl InstalledEngines {
    /// The native engine, and the reference one where it is installed.
    pub fn discover() -> Self {
        InstalledEngines {
            openquake: OpenQuakeEngine::discover(),
            gsims: OnceCell::new(),
        }
    }
}

#[async_trait]
impl EngineInfo for InstalledEngines {
    fn engine_version(&self) -> String {
        COMPATIBLE_ENGINE_VERSION.to_owned()
    }

    async fn available_gsims(&self) -> Vec<String> {
        self.gsims
            .get_or_init(|| async {
                match &self.openquake {
                    Some(openquake) => openquake.available_gsims().await,
                    None => Vec::new(),
                }
            })
            .await
            .clone()
    }
}
