//! The server in local AWS mode (`oqcloud serve --backend aws`) against a real moto server
//! over HTTP: jobs stored in DynamoDB, files in S3, runs queued on SQS and taken by the
//! queue-polling workers, mail through SES. Every test prints `SKIPPED` and passes when
//! `moto_server` is not installed; the abort test also needs the reference engine.

use std::time::Duration;

use oqcloud_model::JobStatus;
use oqcloud_store::{BlobStore, JobRepo, RunQueue, TransitionFields, blob_keys};
use oqcloud_tests::{TestServer, demo_on_engine, openquake_available};
use serde_json::Value;

const LONG: Duration = Duration::from_secs(600);

macro_rules! aws_server_or_skip {
    ($name:literal, $workers:expr) => {
        match TestServer::start_aws($name, $workers).await {
            Some(server) => server,
            None => return,
        }
    };
}

#[tokio::test(flavor = "multi_thread")]
async fn a_job_runs_serves_results_mails_and_is_removed() {
    let mut server = aws_server_or_skip!("a_job_runs_serves_results_mails_and_is_removed", 1);
    let job = demo_on_engine("classical_area", "native");
    let id = server.submit_ok(job.path()).await;
    let seen = server
        .wait_for(id, LONG, |s| s == "complete" || s == "failed")
        .await;
    let (_, log) = server.get_json(&format!("/v1/calc/{id}/log/:")).await;
    assert_eq!(seen.last().map(String::as_str), Some("complete"), "{log}");
    let (_, size) = server.get_json(&format!("/v1/calc/{id}/log/size")).await;
    assert_eq!(
        size.as_u64().unwrap() as usize,
        log.as_array().unwrap().len()
    );

    let (code, results) = server.get_json(&format!("/v1/calc/{id}/results")).await;
    assert_eq!(code, 200);
    let hcurves = results
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["type"] == "hmaps")
        .expect("hazard maps listed")
        .clone();
    let rid = hcurves["id"].as_i64().unwrap();
    let export = server
        .get(&format!("/v1/calc/result/{rid}?export_type=csv"))
        .await;
    assert_eq!(export.status().as_u16(), 200);
    assert!(export.text().await.unwrap().starts_with("#,"));

    // Extract reads the datastore from S3.
    let extract = server
        .get(&format!("/v1/calc/{id}/extract/hcurves?kind=mean&imt=PGA"))
        .await;
    assert_eq!(extract.status().as_u16(), 200);
    assert_eq!(extract.headers()["content-type"], "application/x-zip");
    assert!(extract.bytes().await.unwrap().starts_with(b"PK"));

    // The datastore is a redirect to a presigned S3 URL, which serves the HDF5 file.
    let no_redirects = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let datastore = no_redirects
        .get(server.url(&format!("/v1/calc/{id}/datastore")))
        .send()
        .await
        .unwrap();
    assert!(datastore.status().is_redirection(), "{datastore:?}");
    let location = datastore.headers()["location"].to_str().unwrap().to_owned();
    let (_, env) = server.aws();
    assert!(location.starts_with(&env.endpoint), "{location}");
    assert!(location.contains("X-Amz-Signature="), "{location}");
    let bytes = reqwest::get(&location)
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    assert_eq!(&bytes[..8], b"\x89HDF\r\n\x1a\n");

    // The owner's completion mail, read back from the emulator (it is sent just after the
    // job is marked complete).
    let owner_address = format!(
        "tester@{}",
        env.settings.mail_from.split('@').nth(1).unwrap()
    );
    let expected_subject = format!("Calculation {id} completed");
    let mut sent = Vec::new();
    for _ in 0..100 {
        sent = env.sent_mail().await;
        let mailed = sent.iter().any(|message| {
            message["destinations"]["ToAddresses"][0] == owner_address.as_str()
                && message["subject"]
                    .as_str()
                    .is_some_and(|s| s.contains(&expected_subject))
        });
        if mailed {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(
        sent.iter().any(|message| message["subject"]
            .as_str()
            .is_some_and(|s| s.contains(&expected_subject))),
        "no completion mail to {owner_address}: {sent:?}"
    );

    let stores = env.stores.clone();
    let calc_prefix = blob_keys::calc_prefix(id);
    assert!(!stores.blobs.list(&calc_prefix).await.unwrap().is_empty());
    let response = server.post(&format!("/v1/calc/{id}/remove")).await;
    assert_eq!(response.status().as_u16(), 200);
    assert_eq!(
        server
            .get(&format!("/v1/calc/{id}"))
            .await
            .status()
            .as_u16(),
        404
    );
    assert!(stores.blobs.list(&calc_prefix).await.unwrap().is_empty());
    assert!(stores.jobs.get_job(id).await.unwrap().is_none());
    assert_eq!(stores.jobs.log_size(id).await.unwrap(), 0);
    assert!(stores.jobs.outputs(id).await.unwrap().is_empty());
}

#[tokio::test(flavor = "multi_thread")]
async fn a_duplicate_delivery_runs_the_job_once() {
    let mut server = aws_server_or_skip!("a_duplicate_delivery_runs_the_job_once", 0);
    let job = demo_on_engine("classical_area", "native");
    let id = server.submit_ok(job.path()).await;
    let (aws, env) = server.aws();
    // SQS delivers at least once: the same calc id twice, to two workers.
    env.stores.queue.enqueue(id).await.unwrap();
    aws.start_workers(2);
    let seen = server
        .wait_for(id, LONG, |s| s == "complete" || s == "failed")
        .await;
    assert_eq!(
        seen.last().map(String::as_str),
        Some("complete"),
        "{seen:?}"
    );
    // Both messages are handled: deleted, none waiting or in flight.
    let (_, env) = server.aws();
    let queue = env.stores.queue.clone();
    let mut pending = queue.pending().await.unwrap();
    for _ in 0..100 {
        if pending == 0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
        pending = queue.pending().await.unwrap();
    }
    assert_eq!(pending, 0, "run messages left on the queue");
    let (_, log) = server.get_json(&format!("/v1/calc/{id}/log/:")).await;
    let runs = log
        .as_array()
        .unwrap()
        .iter()
        .filter(|row| {
            row[3]
                .as_str()
                .is_some_and(|m| m.starts_with("Running calculation"))
        })
        .count();
    assert_eq!(runs, 1, "{log}");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_job_whose_worker_died_ends_failed() {
    let mut server = aws_server_or_skip!("a_job_whose_worker_died_ends_failed", 0);
    let job = demo_on_engine("classical_area", "native");
    let id = server.submit_ok(job.path()).await;
    let (aws, env) = server.aws();
    // A worker takes the job, starts it, then dies: no heartbeat, no final status.
    let delivery = env
        .stores
        .queue
        .receive(5, 1)
        .await
        .unwrap()
        .expect("the run message");
    assert_eq!(delivery.calc_id, Some(id));
    env.stores
        .jobs
        .transition(id, JobStatus::Executing, TransitionFields::default())
        .await
        .unwrap()
        .expect("moved to executing");
    aws.start_workers(1);
    let seen = server
        .wait_for(id, Duration::from_secs(120), |s| s != "executing")
        .await;
    assert_eq!(seen.last().map(String::as_str), Some("failed"), "{seen:?}");
    let (_, traceback) = server.get_json(&format!("/v1/calc/{id}/traceback")).await;
    assert!(
        traceback.to_string().contains("stopped without finishing"),
        "{traceback}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn aborting_a_running_job_on_the_aws_backend() {
    if !openquake_available("aborting_a_running_job_on_the_aws_backend") {
        return;
    }
    let server = aws_server_or_skip!("aborting_a_running_job_on_the_aws_backend", 1);
    let job = demo_on_engine("classical_large", "openquake");
    let id = server.submit_ok(job.path()).await;
    server.wait_for(id, LONG, |s| s == "executing").await;
    tokio::time::sleep(Duration::from_secs(5)).await;
    let body: Value = server
        .post(&format!("/v1/calc/{id}/abort"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        body,
        serde_json::json!({"success": format!("Killing job {id}")})
    );
    let seen = server
        .wait_for(id, Duration::from_secs(60), |s| s != "executing")
        .await;
    assert_eq!(seen.last().map(String::as_str), Some("aborted"), "{seen:?}");
    let (code, _) = server.get_json(&format!("/v1/calc/{id}/results")).await;
    assert_eq!(code, 404);
}
