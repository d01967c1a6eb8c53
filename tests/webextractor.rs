//! OpenQuake's own `WebExtractor` (the reference engine's Python client) reads a native
//! calculation and a reference-engine calculation of the same job (the 2-realization
//! `area_quantiles` job) from an oqcloud server over a real socket, and finds the same
//! arrays (`tests/python/webextractor.py`); and reads the disaggregation of a reference
//! calculation as OpenQuake's `Extractor` reads its downloaded datastore
//! (`tests/python/webextractor_disagg.py`).

use std::time::Duration;

use oqcloud_tests::{
    TestServer, area_quantiles_job, openquake_available, repo_root, run_reference_python,
};

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
    let server = TestServer::start_with(|o| o.workers = 2).await;
    let native = run_to_completion(&server, "native").await;
    let reference = run_to_completion(&server, "openquake").await;
    let args = [server.url(""), native.to_string(), reference.to_string()];
    let stdout = run_reference_python("webextractor.py", args).await;
    eprintln!("{stdout}");
    for spec in [
        "hcurves?kind=mean&imt=PGA",
        "hmaps?kind=mean&imt=PGA",
        "uhs?kind=mean",
    ] {
        assert!(stdout.contains(spec), "{spec} not compared:\n{stdout}");
    }
}

/// A disaggregation (run by the reference engine: the native engine has none yet) read
/// through oqcloud by `WebExtractor` equals what `Extractor` reads from its datastore.
#[tokio::test]
async fn openquakes_web_extractor_reads_a_disaggregation() {
    if !openquake_available("openquakes_web_extractor_reads_a_disaggregation") {
        return;
    }
    let server = TestServer::start().await;
    let job = repo_root().join("tests/data/extract-disagg/job");
    let id = server.submit_ok(&job).await;
    server.wait_complete(id, Duration::from_secs(900)).await;
    let scratch = tempfile::tempdir().expect("scratch");
    let args = [
        server.url(""),
        id.to_string(),
        scratch.path().display().to_string(),
    ];
    let stdout = run_reference_python("webextractor_disagg.py", args).await;
    eprintln!("{stdout}");
    assert!(
        stdout.contains("disagg_layer?kind=Mag&kind=TRT_Mag_Dist"),
        "{stdout}"
    );
}
