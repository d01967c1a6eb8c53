//! The client verbs of `oqcloud`: talk to any OpenQuake-compatible server (oqcloud or the
//! reference OpenQuake Engine Server) over its REST API.
//!
//! One concern per module: [`config`] (server and credentials), [`http`] (requests, errors,
//! login), [`submit`] (uploading a job), [`watch`] (waiting on a job: log and progress bar),
//! [`jobs`] (list, status, results, abort, remove) and [`download`] (export, extract, plot).

pub mod config;
pub mod download;
pub mod http;
pub mod jobs;
pub mod submit;
pub mod watch;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Subcommand};

use config::Settings;
use http::Connection;
use watch::Display;

/// Which server the client verbs talk to, and as whom (default: OpenQuake's `openquake.cfg`
/// `[webapi]` section, else http://localhost:8800 without login).
#[derive(Debug, Clone, Args)]
pub struct Remote {
    /// The server's URL.
    #[arg(long, global = true, env = "OQCLOUD_SERVER")]
    pub server: Option<String>,
    /// Log in as this user (`POST /accounts/ajax_login/`).
    #[arg(long, global = true, env = "OQCLOUD_USERNAME")]
    pub username: Option<String>,
    /// The user's password.
    #[arg(long, global = true, env = "OQCLOUD_PASSWORD", hide_env_values = true)]
    pub password: Option<String>,
}

/// The client verbs.
#[derive(Debug, Clone, Subcommand)]
pub enum ClientCommand {
    /// Submit a job (a job.ini, a directory holding one, or a job .zip) and print its id.
    Run {
        path: PathBuf,
        /// Wait for the job to end with a progress bar; the exit code is 0 only if it completes.
        #[arg(long)]
        wait: bool,
    },
    /// List the latest calculations.
    List {
        #[arg(long, default_value_t = 100)]
        limit: u32,
    },
    /// Show the status of a calculation.
    Status { id: i64 },
    /// Print the log of a calculation.
    Log {
        id: i64,
        /// Keep printing rows until the job ends (exit code 0 only if it completes).
        #[arg(long)]
        follow: bool,
    },
    /// Abort a running calculation.
    Abort { id: i64 },
    /// Remove a calculation and its results.
    Remove { id: i64 },
    /// List the outputs of a calculation and their export formats.
    Results { id: i64 },
    /// Export the outputs of a calculation (or, with --result, one output) into a directory.
    Export {
        /// A calculation id, or an output id with --result.
        id: i64,
        /// ID is an output id (as listed by `results`).
        #[arg(long)]
        result: bool,
        /// The export format.
        #[arg(long = "type", default_value = "csv")]
        export_type: String,
        #[arg(long, default_value = ".")]
        dir: PathBuf,
    },
    /// Save the .npz of an extract spec (e.g. 'hcurves?kind=mean&imt=PGA').
    Extract {
        id: i64,
        spec: String,
        /// The file to write (default: the name the server gives).
        #[arg(short, long)]
        output: Option<PathBuf>,
    },
    /// Draw a PNG: 'hcurves?kind=mean&imt=PGA&site_id=0', 'hmaps?kind=mean&imt=PGA',
    /// 'uhs?kind=mean&site_id=0'; kind is repeatable (mean, quantile-Q, stats, rlzs, rlz-N).
    Plot {
        spec: String,
        id: i64,
        /// The PNG to write (default: <what>_<id>.png).
        #[arg(short, long)]
        output: Option<PathBuf>,
        /// Width x height in pixels.
        #[arg(long, default_value = "1000x700", value_parser = parse_size)]
        size: (u32, u32),
    },
}

fn parse_size(text: &str) -> Result<(u32, u32), String> {
    let bad = || format!("'{text}' is not WIDTHxHEIGHT (e.g. 1000x700)");
    let (w, h) = text.split_once(['x', 'X']).ok_or_else(bad)?;
    Ok((w.parse().map_err(|_| bad())?, h.parse().map_err(|_| bad())?))
}

/// Runs a client verb: failure (with `error: <what went wrong>` on stderr) when it fails, or
/// when a waited-for job did not complete.
pub async fn run(remote: Remote, command: ClientCommand) -> ExitCode {
    execute(remote, command).await.unwrap_or_else(|error| {
        eprintln!("error: {error:#}");
        ExitCode::FAILURE
    })
}

async fn execute(remote: Remote, command: ClientCommand) -> anyhow::Result<ExitCode> {
    let settings = Settings::resolve(remote.server, remote.username, remote.password, |name| {
        std::env::var(name).ok()
    })?;
    let connection = Connection::open(&settings).await?;
    match command {
        ClientCommand::Run { path, wait } => {
            let id = submit::submit(&connection, &path).await?;
            println!("submitted {} as calculation {id}", path.display());
            if wait {
                return finish(&connection, id, Display::Bar).await;
            }
        }
        ClientCommand::List { limit } => jobs::list(&connection, limit).await?,
        ClientCommand::Status { id } => jobs::status(&connection, id).await?,
        ClientCommand::Log { id, follow: true } => {
            return finish(&connection, id, Display::Lines).await;
        }
        ClientCommand::Log { id, follow: false } => {
            let rows = connection.get_json(&format!("/v1/calc/{id}/log/:")).await?;
            rows.as_array()
                .into_iter()
                .flatten()
                .for_each(watch::print_row);
        }
        ClientCommand::Abort { id } => jobs::manage(&connection, id, "abort").await?,
        ClientCommand::Remove { id } => jobs::manage(&connection, id, "remove").await?,
        ClientCommand::Results { id } => jobs::results(&connection, id).await?,
        ClientCommand::Export {
            id,
            result,
            export_type,
            dir,
        } => {
            let written = if result {
                download::export_result(&connection, id, &export_type, &dir).await?
            } else {
                download::export_calculation(&connection, id, &export_type, &dir).await?
            };
            for path in written {
                println!("{}", path.display());
            }
        }
        ClientCommand::Extract { id, spec, output } => {
            let path = download::extract(&connection, id, &spec, output.as_deref()).await?;
            println!("{}", path.display());
        }
        ClientCommand::Plot {
            spec,
            id,
            output,
            size,
        } => {
            let output = output.unwrap_or_else(|| {
                let what = spec.split('?').next().unwrap_or("plot");
                PathBuf::from(format!("{what}_{id}.png"))
            });
            download::plot(&connection, id, &spec, &output, size).await?;
            println!("{}", output.display());
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// Follows job `id` to its end and reports it: success only when it completed.
async fn finish(connection: &Connection, id: i64, display: Display) -> anyhow::Result<ExitCode> {
    let status = watch::watch(connection, id, display).await?;
    println!("calculation {id} {status}");
    if status == "complete" {
        return Ok(ExitCode::SUCCESS);
    }
    let traceback = watch::traceback_tail(connection, id).await;
    if !traceback.is_empty() {
        eprintln!("{traceback}");
    }
    Ok(ExitCode::FAILURE)
}
