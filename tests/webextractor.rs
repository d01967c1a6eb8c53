//! OpenQuake's own `WebExtractor` (the reference engine's Python client) reads a native
//! calculation and a reference-engine calculation of the same job (the 2-realization
//! `area_quantiles` job) from an oqcloud server over a real socket, and finds the same
//! arrays (`tests/python/webextractor.py`).

use std::time::Duration;

use oqcloud_tests::{TestServer, area_quantiles_job, openquake_available, repo_root};
use oqcloud_worker::openquake::OpenQuakeEngine;

async fn run_to_completion(server: &TestServer, engine: &str) -> i64 {
    let job = area_quantiles_job(engine);
    let id = server.submit_ok(job.path()).await;
    let seen = server
        .wait_for(id, Duration::from_secs(900), |s| {
            matches!(s, "complete" | "failed" | "aborted")
        })
        .await;
    assert_eq!(
        seen.last().map(String::as_str),
        Some("complete"),
        "{engine}: {seen:?}"
    );
    id
}

#[tokio::test]
async fn openquakes_web_extractor_reads_native_and_reference_results_alike() {
    if !openquake_available("openquakes_web_extractor_reads_native_and_reference_results_alike") {
        return;
    }
    let python = OpenQuakeEngine::discover()
        .expect("the reference engine")
        .executable()
        .with_file_name("python");
    let server = TestServer::start_with(|o| o.workers = 2).await;
    let native = run_to_completion(&server, "native").await;
    let reference = run_to_completion(&server, "openquake").await;
    let script = repo_root().join("tests/python/webextractor.py");
    let output = tokio::process::Command::new(&python)
        .arg(&script)
        .arg(server.url(""))
        .arg(native.to_string())
        .arg(reference.to_string())
        .output()
        .await
        .expect("run the WebExtractor script");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stdout}\n{stderr}");
    eprintln!("{stdout}");
    for spec in [
        "hcurves?kind=mean&imt=PGA",
        "hmaps?kind=mean&imt=PGA",
        "uhs?kind=mean",
    ] {
        assert!(stdout.contains(spec), "{spec} not compared:\n{stdout}");
    }
}
