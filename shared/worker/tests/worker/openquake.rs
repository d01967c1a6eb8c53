//! The reference OpenQuake engine run as an `Engine`.

use std::path::Path;

use oqcloud_model::{CalcId, LogLevel, LogRecord};
use oqcloud_worker::openquake::OpenQuakeEngine;
use oqcloud_worker::{Engine, EngineError, RunContext, RunOutput};
use tempfile::TempDir;
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

use crate::support::{data, group_members, reference_engine};

/// A run context for the job in `tests/data/<job>`, with a fresh work directory.
fn context(
    calc_id: CalcId,
    job: &str,
    cancel: &CancellationToken,
) -> (RunContext, mpsc::UnboundedReceiver<LogRecord>, TempDir) {
    let work = tempfile::tempdir().unwrap();
    let (log, rows) = mpsc::unbounded_channel();
    let input_dir = data(job);
    let ctx = RunContext {
        calc_id,
        job_ini: input_dir.join("job.ini"),
        input_dir,
        work_dir: work.path().join("work"),
        log,
        cancel: cancel.clone(),
        parent: None,
    };
    (ctx, rows, work)
}

async fn run(
    engine: &OpenQuakeEngine,
    calc_id: CalcId,
    job: &str,
) -> (Result<RunOutput, EngineError>, Vec<LogRecord>, TempDir) {
    let cancel = CancellationToken::new();
    let (ctx, mut rows, work) = context(calc_id, job, &cancel);
    let result = engine.run(ctx).await;
    let mut log = Vec::new();
    while let Ok(row) = rows.try_recv() {
        log.push(row);
    }
    (result, log, work)
}

fn file_name(path: &Path) -> String {
    path.file_name().unwrap().to_string_lossy().into_owned()
}

#[tokio::test]
async fn two_small_jobs_at_once_complete_with_their_outputs() {
    let Some(engine) = reference_engine("two_small_jobs_at_once_complete_with_their_outputs")
    else {
        return;
    };
    let started = std::time::Instant::now();
    let ((first, log, _work3), (second, _, _work4)) =
        tokio::join!(run(&engine, 3, "classical"), run(&engine, 4, "classical"));
    eprintln!("two runs took {:?}", started.elapsed());
    let first = first.unwrap();
    let second = second.unwrap();

    // Each run has its own data directory and OpenQuake calculation id.
    assert_eq!(file_name(&first.datastore), "calc_3.hdf5");
    assert_eq!(file_name(&second.datastore), "calc_4.hdf5");
    assert!(first.datastore.is_file());
    assert_ne!(first.datastore.parent(), second.datastore.parent());

    let types: Vec<&str> = first
        .outputs
        .iter()
        .map(|o| o.output_type.as_str())
        .collect();
    assert_eq!(types, ["fullreport", "hcurves", "hmaps", "uhs"]);
    assert_eq!(first.outputs[1].display_name, "Hazard Curves");
    assert_eq!(first.outputs[1].size_mb, None);
    for output in &first.outputs {
        let formats: Vec<&str> = output.exports.iter().map(|e| e.format.as_str()).collect();
        let expected: &[&str] = if output.output_type == "fullreport" {
            &["rst"]
        } else {
            &["csv", "npz"]
        };
        for format in expected {
            assert!(
                formats.contains(format),
                "{} {formats:?}",
                output.output_type
            );
        }
        for export in &output.exports {
            assert!(export.path.is_file(), "{}", export.path.display());
        }
    }
    let hcurves: Vec<String> = first.outputs[1]
        .exports
        .iter()
        .filter(|e| e.format == "csv")
        .map(|e| file_name(&e.path))
        .collect();
    assert_eq!(
        hcurves,
        [
            "hazard_curve-mean-PGA_3.csv",
            "hazard_curve-mean-SA(0.1)_3.csv",
            "hazard_curve-mean-SA(1.0)_3.csv"
        ]
    );
    let csv = std::fs::read_to_string(&first.outputs[2].exports[0].path).unwrap();
    assert!(csv.starts_with('#'), "{csv}");
    assert!(
        csv.contains("generated_by='OpenQuake engine 3.26.2"),
        "{csv}"
    );

    // The log: OpenQuake's rows, multi-line messages kept together, and the exports.
    let pid = first.pid.unwrap();
    assert!(log.iter().any(|r| r.level == LogLevel::Info
        && r.process == format!("oq/{pid}")
        && r.message.starts_with("Checksum of the inputs: ")));
    assert!(
        log.iter()
            .any(|r| r.message.starts_with("  id | name\n") && r.message.contains("Full Report")),
        "{log:#?}"
    );
    assert!(
        log.iter().any(|r| r.process.starts_with("export/")
            && r.message == "Exported hcurves in csv: 3 file(s)"),
        "{log:#?}"
    );
    assert!(group_members(i32::try_from(pid).unwrap()).is_empty());
}

#[tokio::test]
async fn reports_its_version_and_gsims() {
    let Some(engine) = reference_engine("reports_its_version_and_gsims") else {
        return;
    };
    assert_eq!(engine.version(), "3.26.2");
    assert_eq!(Engine::version(engine.as_ref()), "3.26.2");
    let gsims = engine.available_gsims().await;
    assert_eq!(gsims.len(), 967);
    assert_eq!(gsims[0], "AbrahamsonBhasin2020");
    assert!(gsims.windows(2).all(|pair| pair[0] < pair[1]));
    assert!(gsims.iter().any(|name| name == "BooreAtkinson2008"));
}
