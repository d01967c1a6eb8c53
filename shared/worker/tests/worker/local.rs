//! `run_local`: a job.ini run in this process, without a server.

use std::path::PathBuf;
use std::sync::Arc;

use oqcloud_worker::{Engine, run_local};

use crate::support::{Ending, FakeEngine, data, reference_engine};

fn names(paths: &[PathBuf]) -> Vec<String> {
    paths
        .iter()
        .map(|path| path.file_name().unwrap().to_string_lossy().into_owned())
        .collect()
}

#[tokio::test]
async fn copies_the_exports_of_the_requested_formats() {
    let out = tempfile::tempdir().unwrap();
    let engines: Vec<Arc<dyn Engine>> = vec![FakeEngine::new(Ending::Complete)];
    let job_ini = data("classical").join("job.ini");

    let written = run_local(&engines, &job_ini, None, &["csv".into()], out.path())
        .await
        .unwrap();
    assert_eq!(written, [out.path().join("hazard_map-mean_1.csv")]);
    assert_eq!(std::fs::read_to_string(&written[0]).unwrap(), "lon,lat\n");

    let none = run_local(
        &engines,
        &job_ini,
        None,
        &["xml".into()],
        &out.path().join("xml"),
    )
    .await
    .unwrap();
    assert!(none.is_empty());
}

#[tokio::test]
async fn a_failed_run_is_an_error_with_the_traceback() {
    let out = tempfile::tempdir().unwrap();
    let job_ini = data("classical").join("job.ini");
    let failing: Vec<Arc<dyn Engine>> = vec![FakeEngine::new(Ending::Fail)];
    let err = run_local(&failing, &job_ini, None, &[], out.path())
        .await
        .unwrap_err();
    assert!(err.to_string().ends_with("ValueError: boom"), "{err}");

    let err = run_local(&[], &job_ini, None, &[], out.path())
        .await
        .unwrap_err();
    assert!(
        err.to_string()
            .contains("the reference OpenQuake engine is not installed"),
        "{err}"
    );
    let err = run_local(
        &failing,
        &out.path().join("nope.ini"),
        None,
        &[],
        out.path(),
    )
    .await
    .unwrap_err();
    assert!(err.to_string().contains("nope.ini"), "{err}");
}

#[tokio::test]
async fn openquake_exports_csv_into_the_export_dir() {
    let Some(engine) = reference_engine("openquake_exports_csv_into_the_export_dir") else {
        return;
    };
    let out = tempfile::tempdir().unwrap();
    let engines: Vec<Arc<dyn Engine>> = vec![engine];
    let written = run_local(
        &engines,
        &data("classical").join("job.ini"),
        None,
        &["csv".into()],
        out.path(),
    )
    .await
    .unwrap();
    assert_eq!(
        names(&written),
        [
            "hazard_curve-mean-PGA_1.csv",
            "hazard_curve-mean-SA(0.1)_1.csv",
            "hazard_curve-mean-SA(1.0)_1.csv",
            "hazard_map-mean_1.csv",
            "hazard_uhs-mean_1.csv",
        ]
    );
    assert!(written.iter().all(|path| path.is_file()));
}
