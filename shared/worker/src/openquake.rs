//! The reference OpenQuake engine, run as a subprocess (`oq engine --run job.ini`).
//!
//! Every run is isolated in its work directory: OpenQuake's data directory (`OQ_DATADIR`)
//! is `<work>/oqdata` and its SQLite database (`[dbserver] file` of a configuration file
//! named by `OQ_CONFIG_FILE`) is `<work>/oqdata/db.sqlite3`, so runs at the same time never
//! share state. The database is copied from a template made once per engine with
//! `oq engine --upgrade-db`, and its id sequence is set so that OpenQuake's calculation id
//! is the job's calc id (`calc_<id>.hdf5`, export file names). A parent calculation is
//! registered in it, with its datastore linked into the data directory, so that
//! `--hazard-calculation-id <parent>` works as in OpenQuake.
//!
//! After a successful run the outputs OpenQuake registered are read from its database and
//! exported in every format of the export registry by `infra/openquake/export_outputs.py`,
//! run with OpenQuake's Python. A failed run's traceback is the last `ERROR` row of its
//! database (what OpenQuake's own server shows), or else the traceback it printed.

mod logparse;
mod process;

use std::ffi::OsString;
use std::io::Read;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use anyhow::{Context, bail};
use async_trait::async_trait;
use oqcloud_model::{CalcId, output_kind};
use rusqlite::{Connection, OptionalExtension, params};
use tokio::process::Command;
use tokio::sync::OnceCell;

use crate::engine::{
    Engine, EngineError, ExportedFile, ParentCalc, ProducedOutput, RunContext, RunOutput,
};
use process::{Ending, GroupProcess};

/// Environment variable naming the `oq` executable to use.
pub const OPENQUAKE_ENV: &str = "OQCLOUD_OPENQUAKE";

/// Where the repository's install script puts OpenQuake, relative to the working directory.
pub const REPO_INSTALL: &str = ".venv-openquake/bin/oq";

/// The export helper, run with OpenQuake's Python.
const EXPORT_SCRIPT: &str = include_str!("../../../infra/openquake/export_outputs.py");

/// The reference OpenQuake engine installed on this machine.
pub struct OpenQuakeEngine {
    oq: PathBuf,
    python: PathBuf,
    version: OnceLock<String>,
    gsims: OnceCell<Vec<String>>,
    /// An empty OpenQuake database, copied into every run.
    db_template: OnceCell<Vec<u8>>,
}

impl OpenQuakeEngine {
    /// Finds OpenQuake: `$OQCLOUD_OPENQUAKE` (the `oq` executable), else `oq` on the
    /// `PATH`, else `.venv-openquake/bin/oq` under the current directory.
    pub fn discover() -> Option<Self> {
        let cwd = std::env::current_dir().ok();
        let oq = find_oq(
            std::env::var_os(OPENQUAKE_ENV),
            std::env::var_os("PATH"),
            cwd.as_deref(),
        )?;
        Self::at(oq)
    }

    /// The engine whose `oq` executable is `oq`; `None` if it is not an executable file or
    /// its Python interpreter cannot be found.
    pub fn at(oq: impl Into<PathBuf>) -> Option<Self> {
        let oq = oq.into();
        if !is_executable(&oq) {
            return None;
        }
        let python = interpreter_of(&oq)?;
        Some(OpenQuakeEngine {
            oq,
            python,
            version: OnceLock::new(),
            gsims: OnceCell::new(),
            db_template: OnceCell::new(),
        })
    }

    /// The `oq` executable.
    pub fn executable(&self) -> &Path {
        &self.oq
    }

    /// OpenQuake's version (e.g. `3.26.2`), asked once and cached; `unknown` if it could
    /// not be asked. The first call runs its Python for a fraction of a second.
    pub fn version(&self) -> String {
        self.version
            .get_or_init(|| {
                let answer = std::process::Command::new(&self.python)
                    .args([
                        "-c",
                        "from openquake.baselib import __version__; print(__version__)",
                    ])
                    .output();
                match answer {
                    Ok(out) if out.status.success() => {
                        String::from_utf8_lossy(&out.stdout).trim().to_owned()
                    }
                    Ok(out) => {
                        tracing::warn!(
                            "asking OpenQuake its version failed: {}",
                            String::from_utf8_lossy(&out.stderr).trim()
                        );
                        "unknown".to_owned()
                    }
                    Err(err) => {
                        tracing::warn!("asking OpenQuake its version failed: {err}");
                        "unknown".to_owned()
                    }
                }
            })
            .clone()
    }

    /// The GSIM class names OpenQuake knows, sorted (`/v1/available_gsims`); empty if they
    /// could not be listed. Computed once.
    pub async fn available_gsims(&self) -> Vec<String> {
        let listed = self
            .gsims
            .get_or_try_init(|| async {
                let out = Command::new(&self.python)
                    .args([
                        "-c",
                        "from openquake.hazardlib.gsim import get_available_gsims\n\
                         for name in get_available_gsims(): print(name)",
                    ])
                    .kill_on_drop(true)
                    .output()
                    .await?;
                if !out.status.success() {
                    bail!("{}", String::from_utf8_lossy(&out.stderr).trim());
                }
                let mut names: Vec<String> = String::from_utf8_lossy(&out.stdout)
                    .lines()
                    .map(str::trim)
                    .filter(|name| !name.is_empty())
                    .map(str::to_owned)
                    .collect();
                names.sort();
                Ok(names)
            })
            .await;
        match listed {
            Ok(names) => names.clone(),
            Err(err) => {
                tracing::warn!("listing OpenQuake's GSIMs failed: {err:#}");
                Vec::new()
            }
        }
    }

    /// A command running `program` in the run's isolated OpenQuake environment.
    fn command(&self, program: &Path, dirs: &RunDirs) -> Command {
        let mut command = Command::new(program);
        command
            .current_dir(&dirs.work)
            .env("OQ_DATABASE", "127.0.0.1")
            .env("OQ_DATADIR", &dirs.data)
            .env("OQ_CONFIG_FILE", &dirs.config)
            .env("TMPDIR", &dirs.tmp)
            .env("TZ", "UTC")
            .env("PYTHONUNBUFFERED", "1")
            // OpenQuake skips its check for a newer release under CI: the check calls out to
            // the internet, which a worker must not depend on (it costs a 1 s timeout here).
            .env("CI", "1");
        command
    }

    /// An empty OpenQuake database, made once with `oq engine --upgrade-db`.
    async fn db_template(&self) -> anyhow::Result<&[u8]> {
        let bytes = self
            .db_template
            .get_or_try_init(|| async {
                let dir = tempfile::tempdir()?;
                let dirs = RunDirs::create(dir.path())?;
                let out = self
                    .command(&self.oq, &dirs)
                    .args(["engine", "--upgrade-db"])
                    .kill_on_drop(true)
                    .output()
                    .await
                    .with_context(|| format!("running {}", self.oq.display()))?;
                if !out.status.success() {
                    bail!(
                        "`oq engine --upgrade-db` failed: {}",
                        String::from_utf8_lossy(&out.stderr).trim()
                    );
                }
                Ok(tokio::fs::read(dirs.database()).await?)
            })
            .await?;
        Ok(bytes)
    }

    /// Lays out the run's OpenQuake environment under its work directory.
    async fn prepare(&self, ctx: &RunContext) -> anyhow::Result<RunDirs> {
        let template = self.db_template().await?;
        let dirs = RunDirs::create(&ctx.work_dir)?;
        tokio::fs::write(dirs.database(), template).await?;
        let parent = match &ctx.parent {
            Some(ParentCalc { id, datastore }) => {
                let link = dirs.data.join(format!("calc_{id}.hdf5"));
                let target = std::path::absolute(datastore)?;
                tokio::fs::symlink(&target, &link)
                    .await
                    .with_context(|| format!("linking {}", target.display()))?;
                Some((*id, dirs.data.join(format!("calc_{id}"))))
            }
            None => None,
        };
        let database = dirs.database();
        let calc_id = ctx.calc_id;
        tokio::task::spawn_blocking(move || seed_database(&database, calc_id, parent)).await??;
        Ok(dirs)
    }

    /// Exports every output in every registered format; returns the produced outputs.
    async fn export(
        &self,
        ctx: &RunContext,
        dirs: &RunDirs,
        job: &OqJob,
    ) -> Result<Vec<ProducedOutput>, EngineError> {
        let pairs: Vec<String> = job
            .outputs
            .iter()
            .flat_map(|output| {
                formats_of(&output.ds_key)
                    .iter()
                    .map(move |format| format!("{}:{format}", output.ds_key))
            })
            .collect();
        if !pairs.is_empty() {
            let script = dirs.work.join("export_outputs.py");
            tokio::fs::write(&script, EXPORT_SCRIPT)
                .await
                .map_err(|err| {
                    EngineError::failed(format!("could not write the export script: {err}"))
                })?;
            let mut command = self.command(&self.python, dirs);
            command
                .arg(&script)
                .arg(&job.datastore)
                .arg(&dirs.exports)
                .args(&pairs);
            let process = GroupProcess::spawn(&mut command, "export", &ctx.log).map_err(|err| {
                EngineError::failed(format!("could not start {}: {err}", self.python.display()))
            })?;
            match process.wait(&ctx.cancel).await {
                Ok(Ending::Cancelled) => return Err(EngineError::Aborted),
                Ok(Ending::Exited { status, stderr }) if !status.success() => {
                    let mut traceback = stderr.traceback.unwrap_or_default();
                    traceback.push(format!(
                        "exporting the outputs failed ({status}){}",
                        stderr
                            .last_line
                            .map(|line| format!(": {line}"))
                            .unwrap_or_default()
                    ));
                    return Err(EngineError::Failed { traceback });
                }
                Ok(Ending::Exited { .. }) => {}
                Err(err) => {
                    return Err(EngineError::failed(format!(
                        "waiting for the export failed: {err}"
                    )));
                }
            }
        }
        let mut outputs = Vec::new();
        for output in &job.outputs {
            let mut exports = Vec::new();
            for format in formats_of(&output.ds_key) {
                let dir = dirs.exports.join(&output.ds_key).join(format);
                for path in files_in(&dir).await {
                    exports.push(ExportedFile {
                        format: (*format).to_owned(),
                        path,
                    });
                }
            }
            outputs.push(ProducedOutput {
                output_type: output.ds_key.clone(),
                display_name: output.display_name.clone(),
                size_mb: output.size_mb,
                exports,
            });
        }
        Ok(outputs)
    }
}

#[async_trait]
impl Engine for OpenQuakeEngine {
    fn name(&self) -> &'static str {
        "openquake"
    }

    fn version(&self) -> String {
        OpenQuakeEngine::version(self)
    }

    async fn run(&self, ctx: RunContext) -> Result<RunOutput, EngineError> {
        let dirs = self.prepare(&ctx).await.map_err(|err| {
            EngineError::failed(format!("could not prepare the OpenQuake run: {err:#}"))
        })?;
        // OpenQuake runs in the work directory: give it an absolute job.ini.
        let job_ini = std::path::absolute(&ctx.job_ini).map_err(|err| {
            EngineError::failed(format!("bad job.ini path {}: {err}", ctx.job_ini.display()))
        })?;
        let mut command = self.command(&self.oq, &dirs);
        command.arg("engine");
        if let Some(parent) = &ctx.parent {
            command
                .arg("--hazard-calculation-id")
                .arg(parent.id.to_string());
        }
        command.arg("--run").arg(&job_ini);
        let process = GroupProcess::spawn(&mut command, "oq", &ctx.log).map_err(|err| {
            EngineError::failed(format!("could not start {}: {err}", self.oq.display()))
        })?;
        let pid = process.pid();
        let (status, stderr) = match process.wait(&ctx.cancel).await {
            Ok(Ending::Cancelled) => return Err(EngineError::Aborted),
            Ok(Ending::Exited { status, stderr }) => (status, stderr),
            Err(err) => {
                return Err(EngineError::failed(format!(
                    "waiting for OpenQuake failed: {err}"
                )));
            }
        };
        let database = dirs.database();
        let after = ctx.parent.as_ref().map_or(0, |parent| parent.id);
        let job = tokio::task::spawn_blocking(move || read_job(&database, after))
            .await
            .map_err(anyhow::Error::from)
            .and_then(|read| read);
        let job = match job {
            Ok(Some(job)) if status.success() && job.status == "complete" => job,
            Ok(job) => {
                let error = job.and_then(|job| job.error);
                return Err(EngineError::Failed {
                    traceback: failure_traceback(error, stderr, status),
                });
            }
            Err(err) => {
                tracing::warn!("reading OpenQuake's database failed: {err:#}");
                return Err(EngineError::Failed {
                    traceback: failure_traceback(None, stderr, status),
                });
            }
        };
        let outputs = self.export(&ctx, &dirs, &job).await?;
        Ok(RunOutput {
            datastore: job.datastore,
            outputs,
            pid: Some(pid),
        })
    }
}

/// The directories of one run's OpenQuake environment.
struct RunDirs {
    work: PathBuf,
    /// `OQ_DATADIR`: datastores and the database.
    data: PathBuf,
    /// The configuration file named by `OQ_CONFIG_FILE`.
    config: PathBuf,
    /// `TMPDIR` of the processes.
    tmp: PathBuf,
    /// Exported files, as `<type>/<format>/<file>`.
    exports: PathBuf,
}

impl RunDirs {
    fn create(work: &Path) -> anyhow::Result<RunDirs> {
        let work = std::path::absolute(work)?;
        let dirs = RunDirs {
            data: work.join("oqdata"),
            config: work.join("openquake.cfg"),
            tmp: work.join("tmp"),
            exports: work.join("exports"),
            work,
        };
        for dir in [&dirs.data, &dirs.tmp, &dirs.exports] {
            std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
        }
        let database = dirs.database();
        let Some(database) = database.to_str().filter(|path| !path.contains('\n')) else {
            bail!("unusable work directory {}", dirs.work.display());
        };
        std::fs::write(&dirs.config, format!("[dbserver]\nfile = {database}\n"))?;
        Ok(dirs)
    }

    fn database(&self) -> PathBuf {
        self.data.join("db.sqlite3")
    }
}

/// Makes OpenQuake's next calculation id `calc_id` and registers the parent calculation
/// (id, datastore path without `.hdf5`) as complete.
fn seed_database(
    database: &Path,
    calc_id: CalcId,
    parent: Option<(CalcId, PathBuf)>,
) -> anyhow::Result<()> {
    let db = Connection::open(database)?;
    if let Some((id, ds_calc_dir)) = parent {
        db.execute(
            "INSERT INTO job (id, description, user_name, calculation_mode, status, \
             is_running, ds_calc_dir) VALUES (?1, 'parent calculation', 'oqcloud', \
             'unknown', 'complete', 0, ?2)",
            params![id, ds_calc_dir.to_string_lossy()],
        )?;
    }
    if calc_id > 0 {
        db.execute("DELETE FROM sqlite_sequence WHERE name = 'job'", [])?;
        db.execute(
            "INSERT INTO sqlite_sequence (name, seq) VALUES ('job', ?1)",
            [calc_id - 1],
        )?;
    }
    Ok(())
}

/// The calculation OpenQuake ran, as its database records it.
struct OqJob {
    status: String,
    datastore: PathBuf,
    /// The last `ERROR` log row: the traceback of a failure.
    error: Option<String>,
    outputs: Vec<OqOutput>,
}

struct OqOutput {
    ds_key: String,
    display_name: String,
    size_mb: Option<f64>,
}

/// The latest calculation with an id above `after` (the parent's), if any.
fn read_job(database: &Path, after: CalcId) -> anyhow::Result<Option<OqJob>> {
    let db = Connection::open(database)?;
    let row = db
        .query_row(
            "SELECT id, status, ds_calc_dir FROM job WHERE id > ?1 ORDER BY id DESC LIMIT 1",
            [after],
            |row| {
                Ok((
                    row.get::<_, i64>(0)?,
                    row.get::<_, String>(1)?,
                    row.get::<_, String>(2)?,
                ))
            },
        )
        .optional()?;
    let Some((id, status, ds_calc_dir)) = row else {
        return Ok(None);
    };
    let error = db
        .query_row(
            "SELECT message FROM log WHERE job_id = ?1 AND level = 'ERROR' \
             ORDER BY id DESC LIMIT 1",
            [id],
            |row| row.get::<_, String>(0),
        )
        .optional()?;
    let mut outputs = db.prepare(
        "SELECT ds_key, display_name, size_mb FROM output WHERE oq_job_id = ?1 ORDER BY id",
    )?;
    let outputs = outputs
        .query_map([id], |row| {
            Ok(OqOutput {
                ds_key: row.get(0)?,
                display_name: row.get(1)?,
                // OpenQuake stores -1 for outputs computed on the fly.
                size_mb: row.get::<_, Option<f64>>(2)?.filter(|size| *size >= 0.0),
            })
        })?
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Some(OqJob {
        status,
        datastore: PathBuf::from(format!("{ds_calc_dir}.hdf5")),
        error,
        outputs,
    }))
}

/// The traceback of a failed run: OpenQuake's `ERROR` row, else the traceback it printed,
/// else its exit status and last words.
fn failure_traceback(
    error: Option<String>,
    stderr: logparse::StreamEnd,
    status: std::process::ExitStatus,
) -> Vec<String> {
    if let Some(error) = error.filter(|error| !error.trim().is_empty()) {
        return error.trim_end().lines().map(str::to_owned).collect();
    }
    if let Some(traceback) = stderr.traceback.filter(|lines| !lines.is_empty()) {
        return traceback;
    }
    vec![match stderr.last_line {
        Some(line) => format!("OpenQuake failed ({status}): {line}"),
        None => format!("OpenQuake failed ({status})"),
    }]
}

/// Export formats of an output type, in registry order (none if it is not registered).
fn formats_of(output_type: &str) -> &'static [&'static str] {
    output_kind(output_type).map_or(&[], |kind| kind.formats)
}

/// The regular files directly in `dir`, sorted; none if it does not exist.
async fn files_in(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let Ok(mut entries) = tokio::fs::read_dir(dir).await else {
        return files;
    };
    while let Ok(Some(entry)) = entries.next_entry().await {
        if entry.file_type().await.is_ok_and(|kind| kind.is_file()) {
            files.push(entry.path());
        }
    }
    files.sort();
    files
}

/// The `oq` executable to use: `env` (the value of `$OQCLOUD_OPENQUAKE`) when set, else
/// `oq` in one of the `path` directories, else `.venv-openquake/bin/oq` under `cwd`.
fn find_oq(env: Option<OsString>, path: Option<OsString>, cwd: Option<&Path>) -> Option<PathBuf> {
    if let Some(explicit) = env.filter(|value| !value.is_empty()) {
        let explicit = PathBuf::from(explicit);
        if is_executable(&explicit) {
            return Some(explicit);
        }
        tracing::warn!(
            "{OPENQUAKE_ENV}={} is not an executable file; OpenQuake is not used",
            explicit.display()
        );
        return None;
    }
    let on_path = path.and_then(|path| {
        std::env::split_paths(&path)
            .map(|dir| dir.join("oq"))
            .find(|candidate| is_executable(candidate))
    });
    // The repository's install, from the working directory or any directory above it
    // (tests run in a crate's directory).
    on_path.or_else(|| {
        cwd?.ancestors()
            .map(|dir| dir.join(REPO_INSTALL))
            .find(|candidate| is_executable(candidate))
    })
}

fn is_executable(path: &Path) -> bool {
    std::fs::metadata(path)
        .is_ok_and(|meta| meta.is_file() && meta.permissions().mode() & 0o111 != 0)
}

/// The Python interpreter that runs `oq`: the `python*` its `#!` line names, else
/// `python3` or `python` next to it (symbolic links to `oq` followed).
fn interpreter_of(oq: &Path) -> Option<PathBuf> {
    let mut head = [0u8; 512];
    let read = std::fs::File::open(oq)
        .and_then(|mut file| file.read(&mut head))
        .unwrap_or(0);
    let head = String::from_utf8_lossy(&head[..read]);
    let shebang = head
        .strip_prefix("#!")
        .and_then(|rest| rest.lines().next())
        .map(str::trim)
        .filter(|interpreter| !interpreter.contains(' '))
        .map(PathBuf::from)
        .filter(|interpreter| {
            interpreter.is_absolute()
                && interpreter
                    .file_name()
                    .is_some_and(|name| name.to_string_lossy().starts_with("python"))
                && is_executable(interpreter)
        });
    shebang.or_else(|| {
        let dir = oq.canonicalize().ok()?.parent()?.to_path_buf();
        ["python3", "python"]
            .into_iter()
            .map(|name| dir.join(name))
            .find(|candidate| is_executable(candidate))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn executable(path: &Path, content: &str) {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, content).unwrap();
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755)).unwrap();
    }

    #[test]
    fn discovery_order() {
        let dir = tempfile::tempdir().unwrap();
        let explicit = dir.path().join("explicit/oq");
        let on_path = dir.path().join("bin/oq");
        let repo = dir.path().join(REPO_INSTALL);
        for oq in [&explicit, &on_path, &repo] {
            executable(oq, "#!/bin/sh\n");
        }
        let path = Some(OsString::from(format!(
            "{}:{}",
            dir.path().join("nothing").display(),
            dir.path().join("bin").display()
        )));
        let cwd = Some(dir.path());

        assert_eq!(
            find_oq(Some(explicit.clone().into()), path.clone(), cwd),
            Some(explicit)
        );
        assert_eq!(
            find_oq(Some(dir.path().join("missing").into()), path.clone(), cwd),
            None
        );
        assert_eq!(
            find_oq(Some(OsString::new()), path.clone(), cwd),
            Some(on_path)
        );
        assert_eq!(find_oq(None, None, cwd), Some(repo.clone()));
        // From a directory below the repository (a crate's, when tests run).
        assert_eq!(
            find_oq(None, None, Some(&dir.path().join("bin"))),
            Some(repo)
        );
        let elsewhere = tempfile::tempdir().unwrap();
        assert_eq!(find_oq(None, None, Some(elsewhere.path())), None);
    }

    #[test]
    fn finds_the_interpreter_from_the_shebang_or_next_to_oq() {
        let dir = tempfile::tempdir().unwrap();
        let python = dir.path().join("venv/bin/python3");
        executable(&python, "");
        let oq = dir.path().join("venv/bin/oq");
        executable(&oq, &format!("#!{}\nimport sys\n", python.display()));
        assert_eq!(interpreter_of(&oq), Some(python.clone()));

        let wrapped = dir.path().join("venv/bin/oq-env");
        executable(&wrapped, "#!/usr/bin/env python3\n");
        let linked = dir.path().join("elsewhere/oq");
        std::fs::create_dir_all(linked.parent().unwrap()).unwrap();
        std::os::unix::fs::symlink(&wrapped, &linked).unwrap();
        assert_eq!(
            interpreter_of(&linked),
            Some(python.canonicalize().unwrap())
        );

        let lonely = dir.path().join("lonely/oq");
        executable(&lonely, "#!/bin/sh\n");
        assert_eq!(interpreter_of(&lonely), None);
        assert!(OpenQuakeEngine::at(&lonely).is_none());
    }

    #[test]
    fn failure_traceback_prefers_the_database_row() {
        let status = std::process::Command::new("false").status().unwrap();
        let stderr = logparse::StreamEnd {
            traceback: Some(vec!["  File \"x\"".into(), "ValueError: printed".into()]),
            last_line: Some("ValueError: printed".into()),
        };
        assert_eq!(
            failure_traceback(
                Some("  File \"a.py\", line 1\nLogicTreeError: stored\n".into()),
                stderr,
                status
            ),
            vec!["  File \"a.py\", line 1", "LogicTreeError: stored"]
        );
        let stderr = logparse::StreamEnd {
            traceback: Some(vec!["ValueError: printed".into()]),
            last_line: None,
        };
        assert_eq!(
            failure_traceback(None, stderr, status),
            vec!["ValueError: printed"]
        );
        let stderr = logparse::StreamEnd {
            traceback: None,
            last_line: Some("Job 5 not found".into()),
        };
        assert_eq!(
            failure_traceback(None, stderr, status),
            vec!["OpenQuake failed (exit status: 1): Job 5 not found"]
        );
    }
}
