//! Helpers shared by the worker tests.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use async_trait::async_trait;
use oqcloud_model::{LogLevel, LogRecord};
use oqcloud_worker::openquake::{OpenQuakeEngine, REPO_INSTALL};
use oqcloud_worker::{Engine, EngineError, ExportedFile, ProducedOutput, RunContext, RunOutput};

/// A test job under `tests/data/`.
pub fn data(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(name)
}

/// The reference engine, shared by the tests of this binary (its database template is made
/// once); `None`, with a `SKIPPED` line naming `test`, when it is not installed.
pub fn reference_engine(test: &str) -> Option<Arc<OpenQuakeEngine>> {
    static ENGINE: OnceLock<Option<Arc<OpenQuakeEngine>>> = OnceLock::new();
    let engine = ENGINE
        .get_or_init(|| {
            let workspace = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
            OpenQuakeEngine::discover()
                .or_else(|| OpenQuakeEngine::at(workspace.join(REPO_INSTALL)))
                .map(Arc::new)
        })
        .clone();
    if engine.is_none() {
        eprintln!(
            "SKIPPED: {test}: the reference OpenQuake engine is not installed \
             (set OQCLOUD_OPENQUAKE to its `oq`, or install it into .venv-openquake \
             at the workspace root)"
        );
    }
    engine
}

/// The pid in a row's process field `oq/<pid>`.
pub fn oq_pid(row: &LogRecord) -> Option<i32> {
    row.process.strip_prefix("oq/")?.parse().ok()
}

/// Living (not zombie) processes whose process group is `pgid`.
pub fn group_members(pgid: i32) -> Vec<i32> {
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    entries
        .filter_map(|entry| entry.ok()?.file_name().to_str()?.parse::<i32>().ok())
        .filter(|pid| stat(*pid).is_some_and(|(state, pgrp)| state != 'Z' && pgrp == pgid))
        .collect()
}

/// Whether `pid` is a living (not zombie) process.
pub fn is_alive(pid: i32) -> bool {
    stat(pid).is_some_and(|(state, _)| state != 'Z')
}

/// State and process group of `pid`, from `/proc/<pid>/stat`.
fn stat(pid: i32) -> Option<(char, i32)> {
    let text = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    let mut fields = text[text.rfind(')')? + 1..].split_whitespace();
    let state = fields.next()?.chars().next()?;
    let _ppid = fields.next()?;
    let pgrp = fields.next()?.parse().ok()?;
    Some((state, pgrp))
}

/// Asserts that every process in `pids` is gone, allowing a moment for them to die.
pub async fn assert_gone(pids: &[i32]) {
    for _ in 0..50 {
        if !pids.iter().any(|pid| is_alive(*pid)) {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let alive: Vec<i32> = pids.iter().copied().filter(|pid| is_alive(*pid)).collect();
    panic!("processes still alive after the run: {alive:?}");
}

/// How a [`FakeEngine`] run ends.
#[derive(Clone, Copy)]
pub enum Ending {
    /// With a 1 MiB datastore and one `hmaps` output exported as csv.
    Complete,
    /// With a two-line traceback.
    Fail,
    /// Refusing the job as unsupported.
    Refuse,
    /// Aborted, once the run is cancelled.
    WaitForAbort,
}

/// An engine that counts its runs, checks that the inputs were fetched and ends as told.
pub struct FakeEngine {
    runs: AtomicUsize,
    ending: Ending,
}

impl FakeEngine {
    pub fn new(ending: Ending) -> Arc<FakeEngine> {
        Arc::new(FakeEngine {
            runs: AtomicUsize::new(0),
            ending,
        })
    }

    pub fn runs(&self) -> usize {
        self.runs.load(Ordering::SeqCst)
    }
}

#[async_trait]
impl Engine for FakeEngine {
    fn name(&self) -> &'static str {
        "fake"
    }

    fn version(&self) -> String {
        "0.0".into()
    }

    async fn run(&self, ctx: RunContext) -> Result<RunOutput, EngineError> {
        self.runs.fetch_add(1, Ordering::SeqCst);
        let ini = std::fs::read_to_string(&ctx.job_ini).unwrap();
        assert!(ini.contains("calculation_mode = classical"));
        assert!(ctx.input_dir.join("source_model.xml").is_file());
        ctx.log
            .send(LogRecord::now(LogLevel::Info, "fake/1", "computing"))
            .unwrap();
        match self.ending {
            Ending::Complete => {
                let datastore = ctx.work_dir.join(format!("calc_{}.hdf5", ctx.calc_id));
                std::fs::write(&datastore, vec![0u8; 1024 * 1024]).unwrap();
                let csv = ctx
                    .work_dir
                    .join(format!("hazard_map-mean_{}.csv", ctx.calc_id));
                std::fs::write(&csv, "lon,lat\n").unwrap();
                Ok(RunOutput {
                    datastore,
                    outputs: vec![ProducedOutput {
                        output_type: "hmaps".into(),
                        display_name: "Hazard Maps".into(),
                        size_mb: Some(0.5),
                        exports: vec![ExportedFile {
                            format: "csv".into(),
                            path: csv,
                        }],
                    }],
                    pid: None,
                })
            }
            Ending::Fail => Err(EngineError::Failed {
                traceback: vec![
                    "  File \"fake.py\", line 1, in run".into(),
                    "ValueError: boom".into(),
                ],
            }),
            Ending::Refuse => Err(EngineError::Unsupported(
                "it uses a feature nobody implements".into(),
            )),
            Ending::WaitForAbort => {
                ctx.cancel.cancelled().await;
                Err(EngineError::Aborted)
            }
        }
    }
}
