//! `oqcloud worker --calc-id N`, the AWS Batch container's entrypoint, run as a real
//! process against a moto server: calculations submitted through the API in local AWS mode
//! (with no in-process worker) run to completion, or end `aborted` with nothing registered
//! when the process gets SIGTERM (what Batch's `TerminateJob` sends). Each test prints
//! `SKIPPED` and passes without moto (and, for the abort, without the reference engine).

use std::process::{ExitStatus, Stdio};
use std::time::Duration;

use oqcloud_store::{BlobStore, JobRepo, blob_keys};
use oqcloud_tests::{TestServer, demo_on_engine, openquake_available};
use tokio::process::{Child, Command};

const LONG: Duration = Duration::from_secs(600);

/// Starts `oqcloud worker --calc-id id` with the environment of the server's emulator.
fn worker(server: &mut TestServer, id: i64) -> Child {
    let scratch = server.data_dir.path().join("batch-worker");
    let (_, env) = server.aws();
    Command::new(env!("CARGO_BIN_EXE_oqcloud"))
        .args(["worker", "--calc-id", &id.to_string()])
        .envs(env.process_env())
        .env("OQCLOUD_DATA_DIR", scratch)
        .env("RUST_LOG", "info")
        .stdin(Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .expect("starting oqcloud worker")
}

async fn exit_of(mut child: Child, within: Duration) -> ExitStatus {
    tokio::time::timeout(within, child.wait())
        .await
        .expect("the worker exits in time")
        .expect("waiting for the worker")
}

#[tokio::test(flavor = "multi_thread")]
async fn the_batch_worker_runs_a_submitted_calculation() {
    let Some(mut server) =
        TestServer::start_aws("the_batch_worker_runs_a_submitted_calculation", 0).await
    else {
        return;
    };
    let job = demo_on_engine("classical_area", "native");
    let id = server.submit_ok(job.path()).await;
    let child = worker(&mut server, id);
    assert!(exit_of(child, LONG).await.success());

    let (_, status) = server.get_json(&format!("/v1/calc/{id}/status")).await;
    assert_eq!(status["status"], "complete", "{status}");
    let (code, results) = server.get_json(&format!("/v1/calc/{id}/results")).await;
    assert_eq!(code, 200, "{results}");
    assert!(
        results
            .as_array()
            .unwrap()
            .iter()
            .any(|output| output["type"] == "hcurves"),
        "{results}"
    );
    let (_, log) = server.get_json(&format!("/v1/calc/{id}/log/:")).await;
    assert!(log.to_string().contains("Running calculation"), "{log}");
    let (_, env) = server.aws();
    let datastore = env
        .stores
        .blobs
        .head(&blob_keys::datastore_key(id))
        .await
        .unwrap()
        .expect("the datastore in S3");
    assert!(datastore.size > 0);

    // A second Batch job of the same calculation (a duplicate) runs nothing.
    let again = worker(&mut server, id);
    assert!(exit_of(again, Duration::from_secs(60)).await.success());
    let (_, log_after) = server.get_json(&format!("/v1/calc/{id}/log/:")).await;
    assert_eq!(log_after, log);
}

#[tokio::test(flavor = "multi_thread")]
async fn sigterm_aborts_the_calculation_and_registers_nothing() {
    if !openquake_available("sigterm_aborts_the_calculation_and_registers_nothing") {
        return;
    }
    let Some(mut server) =
        TestServer::start_aws("sigterm_aborts_the_calculation_and_registers_nothing", 0).await
    else {
        return;
    };
    let job = demo_on_engine("classical_large", "openquake");
    let id = server.submit_ok(job.path()).await;
    let child = worker(&mut server, id);
    server.wait_for(id, LONG, |s| s == "executing").await;
    // Let the reference engine get going before Batch terminates the job.
    tokio::time::sleep(Duration::from_secs(5)).await;
    let pid = child.id().expect("the worker runs").to_string();
    let killed = std::process::Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .unwrap();
    assert!(killed.success());
    // Batch waits 30 s after SIGTERM before SIGKILL.
    assert!(exit_of(child, Duration::from_secs(30)).await.success());

    let (_, status) = server.get_json(&format!("/v1/calc/{id}/status")).await;
    assert_eq!(status["status"], "aborted", "{status}");
    let (code, _) = server.get_json(&format!("/v1/calc/{id}/results")).await;
    assert_eq!(code, 404);
    let (_, env) = server.aws();
    assert!(env.stores.jobs.outputs(id).await.unwrap().is_empty());
    assert!(
        env.stores
            .blobs
            .head(&blob_keys::datastore_key(id))
            .await
            .unwrap()
            .is_none()
    );
    let (_, log) = server.get_json(&format!("/v1/calc/{id}/log/:")).await;
    assert!(log.to_string().contains("aborted"), "{log}");
}
