//! A job's whole life over a real socket. Run by the reference OpenQuake engine (the jobs ask
//! for `engine = openquake`, since the native engine would finish them before they can be
//! watched or aborted): submit, watch `created -> executing -> complete`, read the log while
//! it runs, list and export results, download the datastore; abort a long job; remove a job.
//! Those are skipped, with a visible message, where the reference engine is not installed.
//! Run by the native engine: the same job completes and serves the same kinds of results.

use std::time::Duration;

use oqcloud_tests::{
    TestServer, demo, demo_on_engine, failing_job, files_under, openquake_available,
};
use serde_json::Value;

const LONG: Duration = Duration::from_secs(600);

#[tokio::test]
async fn a_job_runs_to_completion_and_serves_its_results() {
    if !openquake_available("a_job_runs_to_completion_and_serves_its_results") {
        return;
    }
    let server = TestServer::start().await;
    let job = demo_on_engine("classical_area", "openquake");
    let response = server.submit_dir(job.path()).await;
    assert_eq!(response.status().as_u16(), 200);
    let location = response.headers()["location"].to_str().unwrap().to_owned();
    let body: Value = response.json().await.unwrap();
    let id = body["job_id"].as_i64().unwrap();
    assert_eq!(location, format!("/v1/calc/{id}"));
    assert_eq!(body["status"], "created");
    assert_eq!(body["calculation_mode"], "classical");

    // Read the log while the job runs: rows appear before the job completes.
    let seen_running = server
        .wait_for(id, LONG, |s| s == "executing" || s == "complete")
        .await;
    let mut log_rows_while_running = 0;
    loop {
        let (_, status) = server.get_json(&format!("/v1/calc/{id}/status")).await;
        let (code, log) = server.get_json(&format!("/v1/calc/{id}/log/:")).await;
        assert_eq!(code, 200);
        if status["status"] != "executing" {
            break;
        }
        log_rows_while_running = log_rows_while_running.max(log.as_array().unwrap().len());
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let seen = server.wait_for(id, LONG, |s| s != "executing").await;
    assert_eq!(
        seen.last().map(String::as_str),
        Some("complete"),
        "{seen:?}"
    );
    assert!(
        seen_running.contains(&"executing".to_owned()),
        "never saw executing: {seen_running:?}"
    );
    assert!(log_rows_while_running > 0, "no log rows while executing");

    let (_, size) = server.get_json(&format!("/v1/calc/{id}/log/size")).await;
    let (_, log) = server.get_json(&format!("/v1/calc/{id}/log/:")).await;
    assert_eq!(
        size.as_u64().unwrap() as usize,
        log.as_array().unwrap().len()
    );
    let (_, slice) = server.get_json(&format!("/v1/calc/{id}/log/1:3")).await;
    assert_eq!(
        slice.as_array().unwrap().as_slice(),
        &log.as_array().unwrap()[1..3]
    );

    let (code, info) = server.get_json(&format!("/v1/calc/{id}")).await;
    assert_eq!(code, 200);
    assert_eq!(info["status"], "complete");
    assert!(info["size_mb"].as_f64().unwrap() > 0.0);
    assert!(info["stop_time"].as_str().unwrap().ends_with("+00:00"));

    let (code, results) = server.get_json(&format!("/v1/calc/{id}/results")).await;
    assert_eq!(code, 200);
    let results = results.as_array().unwrap();
    let types: Vec<&str> = results
        .iter()
        .map(|r| r["type"].as_str().unwrap())
        .collect();
    for expected in ["fullreport", "hcurves", "hmaps", "uhs"] {
        assert!(types.contains(&expected), "{types:?}");
    }
    let hmaps = results.iter().find(|r| r["type"] == "hmaps").unwrap();
    assert_eq!(hmaps["outtypes"], serde_json::json!(["csv", "npz"]));
    let rid = hmaps["id"].as_i64().unwrap();
    assert!(
        hmaps["url"]
            .as_str()
            .unwrap()
            .ends_with(&format!("/v1/calc/result/{rid}?export_type=csv"))
    );

    let export = server
        .get(&format!("/v1/calc/result/{rid}?export_type=csv"))
        .await;
    assert_eq!(export.status().as_u16(), 200);
    let disposition = export.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(
        disposition.starts_with(&format!("attachment; filename=output-{rid}-")),
        "{disposition}"
    );
    let csv = export.text().await.unwrap();
    assert!(csv.starts_with("#,"), "{}", &csv[..csv.len().min(200)]);
    assert!(csv.lines().nth(1).unwrap().starts_with("lon,lat,"), "{csv}");
    let bad_format = server
        .get(&format!("/v1/calc/result/{rid}?export_type=xls"))
        .await;
    assert_eq!(bad_format.status().as_u16(), 404);

    let datastore = server.get(&format!("/v1/calc/{id}/datastore")).await;
    assert_eq!(datastore.status().as_u16(), 200);
    assert_eq!(datastore.headers()["content-type"], "application/x-hdf");
    let bytes = datastore.bytes().await.unwrap();
    assert_eq!(&bytes[..8], b"\x89HDF\r\n\x1a\n");

    // The owner got a completion mail (sent just after the job is marked complete).
    let mail_log = server.data_dir.path().join("mail.log");
    let mut mail = String::new();
    for _ in 0..100 {
        mail = std::fs::read_to_string(&mail_log).unwrap_or_default();
        if mail.contains("complete") {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(
        mail.contains(&format!("{id}")) && mail.contains("complete"),
        "{mail}"
    );
}

#[tokio::test]
async fn aborting_a_running_job_stops_every_process() {
    if !openquake_available("aborting_a_running_job_stops_every_process") {
        return;
    }
    let server = TestServer::start().await;
    let job = demo_on_engine("classical_large", "openquake");
    let id = server.submit_ok(job.path()).await;
    server.wait_for(id, LONG, |s| s == "executing").await;
    // Wait for the engine's processes, then let it start its own worker processes.
    let data_dir = server.data_dir.path().to_string_lossy().into_owned();
    let started = std::time::Instant::now();
    while processes_with_environment(&data_dir).is_empty() {
        assert!(
            started.elapsed() < Duration::from_secs(120),
            "no engine process of job {id} started"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    tokio::time::sleep(Duration::from_secs(5)).await;
    let running = processes_with_environment(&data_dir);
    assert!(
        !running.is_empty(),
        "no engine process of job {id} is running"
    );
    let response = server.post(&format!("/v1/calc/{id}/abort")).await;
    assert_eq!(response.status().as_u16(), 200);
    let body: Value = response.json().await.unwrap();
    assert_eq!(
        body,
        serde_json::json!({"success": format!("Killing job {id}")})
    );

    let seen = server
        .wait_for(id, Duration::from_secs(60), |s| s != "executing")
        .await;
    assert_eq!(seen.last().map(String::as_str), Some("aborted"), "{seen:?}");
    // Every process of the run (the engine and the worker processes it started) carries
    // environment variables naming the run's directory under the data directory.
    let left = processes_with_environment(&data_dir);
    assert!(
        left.is_empty(),
        "processes left after abort: {left:?} (before: {running:?})"
    );
    let (code, _) = server.get_json(&format!("/v1/calc/{id}/results")).await;
    assert_eq!(code, 404, "an aborted job has no results");

    // Aborting it again is the reference's error.
    let body: Value = server
        .post(&format!("/v1/calc/{id}/abort"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        body,
        serde_json::json!({"error": format!("Job {id} is not running")})
    );
}

#[tokio::test]
async fn a_native_job_completes_and_serves_its_results() {
    let server = TestServer::start().await;
    let job = demo_on_engine("classical_area", "native");
    let id = server.submit_ok(job.path()).await;
    let seen = server
        .wait_for(id, LONG, |s| s == "complete" || s == "failed")
        .await;
    let (_, log) = server.get_json(&format!("/v1/calc/{id}/log/:")).await;
    assert_eq!(seen.last().map(String::as_str), Some("complete"), "{log}");
    let engine_line = log
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|row| row[3].as_str())
        .find(|message| message.contains("with the native engine"));
    assert!(engine_line.is_some(), "{log}");

    let (code, results) = server.get_json(&format!("/v1/calc/{id}/results")).await;
    assert_eq!(code, 200);
    let results = results.as_array().unwrap();
    let types: Vec<&str> = results
        .iter()
        .map(|r| r["type"].as_str().unwrap())
        .collect();
    for expected in ["fullreport", "hcurves", "hmaps", "uhs"] {
        assert!(types.contains(&expected), "{types:?}");
    }
    for result in results {
        let rid = result["id"].as_i64().unwrap();
        let export = server
            .get(&format!("/v1/calc/result/{rid}?export_type=csv"))
            .await;
        if result["type"] == "fullreport" {
            continue;
        }
        assert_eq!(export.status().as_u16(), 200, "{result}");
        // One CSV, or a zip of one CSV per IMT, each starting with the metadata line.
        let bytes = export.bytes().await.unwrap();
        let csvs: Vec<Vec<u8>> = if bytes.starts_with(b"PK") {
            let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
            (0..archive.len())
                .map(|i| {
                    let mut member = Vec::new();
                    std::io::Read::read_to_end(&mut archive.by_index(i).unwrap(), &mut member)
                        .unwrap();
                    member
                })
                .collect()
        } else {
            vec![bytes.to_vec()]
        };
        for csv in csvs {
            assert!(csv.starts_with(b"#,"), "{}", String::from_utf8_lossy(&csv));
        }
    }
    let datastore = server.get(&format!("/v1/calc/{id}/datastore")).await;
    assert_eq!(datastore.status().as_u16(), 200);
    assert_eq!(&datastore.bytes().await.unwrap()[..8], b"\x89HDF\r\n\x1a\n");
}

#[tokio::test]
async fn removing_a_job_deletes_record_and_files() {
    if !openquake_available("removing_a_job_deletes_record_and_files") {
        return;
    }
    let server = TestServer::start().await;
    let id = server.submit_ok(&demo("classical_area")).await;
    server
        .wait_for(id, LONG, |s| s == "complete" || s == "failed")
        .await;
    let calc_dir = server.data_dir.path().join(format!("blobs/calcs/{id}"));
    assert!(!files_under(&calc_dir).is_empty());

    let response = server.post(&format!("/v1/calc/{id}/remove")).await;
    assert_eq!(response.status().as_u16(), 200);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["success"], id.to_string());
    for path in [
        format!("/v1/calc/{id}"),
        format!("/v1/calc/{id}/status"),
        format!("/v1/calc/{id}/results"),
    ] {
        assert_eq!(server.get(&path).await.status().as_u16(), 404, "{path}");
    }
    let (_, log) = server.get_json(&format!("/v1/calc/{id}/log/:")).await;
    assert_eq!(log, Value::Array(vec![]));
    assert!(files_under(&calc_dir).is_empty(), "files left after remove");
}

#[tokio::test]
async fn a_failing_job_ends_failed_with_its_traceback() {
    if !openquake_available("a_failing_job_ends_failed_with_its_traceback") {
        return;
    }
    let server = TestServer::start().await;
    let dir = failing_job();
    let id = server.submit_ok(dir.path()).await;
    let seen = server
        .wait_for(id, LONG, |s| s == "complete" || s == "failed")
        .await;
    assert_eq!(seen.last().map(String::as_str), Some("failed"), "{seen:?}");
    let (code, traceback) = server.get_json(&format!("/v1/calc/{id}/traceback")).await;
    assert_eq!(code, 200);
    let lines: Vec<&str> = traceback
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l.as_str().unwrap())
        .collect();
    assert!(
        lines.iter().any(|l| l.contains("source_model.xml")),
        "{lines:?}"
    );
    let (code, _) = server.get_json(&format!("/v1/calc/{id}/results")).await;
    assert_eq!(code, 404);
}

/// Live processes whose environment mentions `needle`.
fn processes_with_environment(needle: &str) -> Vec<String> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir("/proc").unwrap().flatten() {
        let zombie = std::fs::read_to_string(entry.path().join("stat"))
            .ok()
            .and_then(|stat| {
                stat.rsplit_once(") ")
                    .map(|(_, rest)| rest.starts_with('Z'))
            })
            .unwrap_or(true);
        if zombie {
            continue;
        }
        if let Ok(bytes) = std::fs::read(entry.path().join("environ"))
            && String::from_utf8_lossy(&bytes).contains(needle)
        {
            found.push(entry.file_name().to_string_lossy().into_owned());
        }
    }
    found
}
