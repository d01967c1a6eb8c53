//! `oqcloud`: the embedded OpenQuake-compatible server, the AWS Batch worker, jobs run
//! in-process, and the client verbs that talk to a server.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use oqcloud::aws::{AwsServer, AwsServerOptions};
use oqcloud::batch_worker::run_calculation;
use oqcloud::client::{ClientCommand, Remote};
use oqcloud::embedded::{EmbeddedServer, ServerOptions, available_engines};
use oqcloud_api::Limits;
use oqcloud_store_aws::AwsStores;

/// Bytes in a MiB, the unit of the size options.
const MIB: u64 = 1024 * 1024;

#[derive(Parser)]
#[command(
    name = "oqcloud",
    version,
    about = "OpenQuake-compatible seismic hazard engine server"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
    #[command(flatten)]
    remote: Remote,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the OpenQuake REST API with an in-process worker pool.
    Serve {
        /// Where jobs and files are stored: `local` (SQLite and files under the data
        /// directory) or `aws` (DynamoDB, S3, SQS and SES named by the environment, at
        /// `AWS_ENDPOINT_URL` when set; the workers poll the SQS queue).
        #[arg(long, default_value = "local", value_parser = ["local", "aws"])]
        backend: String,
        /// With `--backend aws`: run no worker here (AWS Batch or another process runs jobs).
        #[arg(long)]
        no_worker: bool,
        #[arg(long, default_value = "127.0.0.1")]
        host: String,
        #[arg(long, default_value_t = 8800)]
        port: u16,
        /// Where jobs, inputs and datastores are kept (`aws`: local scratch space only).
        #[arg(long, env = "OQCLOUD_DATA_DIR", default_value = "oqdata")]
        data_dir: PathBuf,
        /// Jobs run at once.
        #[arg(long, default_value_t = 1)]
        workers: usize,
        /// Largest accepted upload, in MiB.
        #[arg(long, default_value_t = 200)]
        max_upload_mb: u64,
        /// With `--backend aws`: largest job zip uploaded to a presigned URL, in MiB.
        #[arg(long, env = "OQCLOUD_MAX_STAGED_UPLOAD_MB", default_value_t = 200)]
        max_staged_upload_mb: u64,
        /// With `--backend aws`: largest export or extract answered in the response body,
        /// in bytes; larger ones are redirected to a presigned S3 URL.
        #[arg(long, env = "OQCLOUD_MAX_INLINE_BYTES", default_value_t = Limits::DEFAULT_MAX_INLINE_BYTES)]
        max_inline_bytes: u64,
        /// With `--backend aws`: datastores copied from S3 kept for the next extracts and
        /// plots, in MiB at most.
        #[arg(long, env = "OQCLOUD_DATASTORE_CACHE_MB", default_value_t = Limits::DEFAULT_DATASTORE_CACHE_BYTES / MIB)]
        datastore_cache_mb: u64,
        /// The user requests act as (authentication is off).
        #[arg(long, env = "OQCLOUD_DEFAULT_USER", default_value = "oqcloud")]
        default_user: String,
    },
    /// Run one queued calculation over the AWS stores named by the environment (the AWS
    /// Batch container's entrypoint). SIGTERM aborts it. Exits 0 once the calculation is
    /// settled (complete, failed or aborted), or when it was not waiting to run.
    Worker {
        /// The calculation to run.
        #[arg(long)]
        calc_id: i64,
        /// Local scratch space for the inputs, the engine's files and the datastore.
        #[arg(long, env = "OQCLOUD_DATA_DIR", default_value = "oqdata")]
        data_dir: PathBuf,
    },
    /// Run a job in this process, as `oq engine --run` does.
    Engine {
        /// The job.ini to run.
        #[arg(long)]
        run: PathBuf,
        /// Export formats, comma-separated (e.g. `csv`).
        #[arg(long, value_delimiter = ',')]
        exports: Vec<String>,
        /// Where exported files are written.
        #[arg(long, default_value = ".")]
        export_dir: PathBuf,
        /// The engine to run the job with (`auto`: the native one when it supports the job,
        /// else the reference OpenQuake engine); the job's `engine` parameter when absent.
        #[arg(long, value_parser = clap::builder::PossibleValuesParser::new(["auto", "native", "openquake"]))]
        engine: Option<String>,
    },
    #[command(flatten)]
    Client(ClientCommand),
}

#[tokio::main]
async fn main() -> anyhow::Result<ExitCode> {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    let cli = Cli::parse();
    match cli.command {
        Command::Serve {
            backend,
            no_worker,
            host,
            port,
            data_dir,
            workers,
            max_upload_mb,
            max_staged_upload_mb,
            max_inline_bytes,
            datastore_cache_mb,
            default_user,
        } if backend == "aws" => {
            let stores = AwsStores::from_env().await?;
            let server = AwsServer::start(
                stores,
                AwsServerOptions {
                    host,
                    port,
                    workers: if no_worker { 0 } else { workers },
                    limits: Limits {
                        max_upload_bytes: max_upload_mb * MIB,
                        max_staged_upload_bytes: max_staged_upload_mb * MIB,
                        max_inline_bytes,
                        datastore_cache_bytes: datastore_cache_mb * MIB,
                    },
                    default_user,
                    scratch_dir: data_dir,
                },
            )
            .await?;
            tracing::info!("oqcloud serving on http://{} (AWS backend)", server.addr);
            server.serve_until_signal().await?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Serve {
            host,
            port,
            data_dir,
            workers,
            max_upload_mb,
            default_user,
            ..
        } => {
            let server = EmbeddedServer::start(ServerOptions {
                host,
                port,
                data_dir,
                workers,
                max_upload_bytes: max_upload_mb * MIB,
                default_user,
            })
            .await?;
            tracing::info!("oqcloud serving on http://{}", server.addr);
            server.serve_until_signal().await?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Worker { calc_id, data_dir } => {
            let stores = AwsStores::from_env().await?;
            match run_calculation(&stores, calc_id, &data_dir).await? {
                Some(status) => tracing::info!("calculation {calc_id} ended {status}"),
                None => tracing::info!("calculation {calc_id} was not run here"),
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Engine {
            run,
            exports,
            export_dir,
            engine,
        } => {
            let engine = engine
                .map(|e| e.parse())
                .transpose()
                .map_err(anyhow::Error::msg)?;
            let written = oqcloud_worker::run_local(
                &available_engines(),
                &run,
                engine,
                &exports,
                &export_dir,
            )
            .await?;
            for path in written {
                println!("{}", path.display());
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Client(command) => Ok(oqcloud::client::run(cli.remote, command).await),
    }
}
