//! Conformance with the reference server: our answers to the requests recorded in
//! `tests/data/oq-3.26` (copied from the reference's fixtures by `tools/copy_fixtures.py`)
//! have the same status codes, content types and JSON shapes (keys, key order, value types).
//! Deliberate differences are in `docs/compatibility.md` and asserted as such here.

use std::path::PathBuf;
use std::sync::OnceLock;
use std::time::Duration;

use oqcloud_tests::{TestServer, demo, failing_job, openquake_available, repo_root};
use reqwest::multipart::Form;
use serde_json::Value;

fn fixture_dir() -> PathBuf {
    repo_root().join("tests/data/oq-3.26")
}

fn index() -> &'static Value {
    static INDEX: OnceLock<Value> = OnceLock::new();
    INDEX.get_or_init(|| {
        let text = std::fs::read_to_string(fixture_dir().join("index.json")).expect("index.json");
        serde_json::from_str(&text).expect("index.json is JSON")
    })
}

/// One recorded exchange: the reference's status, content type and JSON body (if any).
struct Fixture {
    name: String,
    request: Value,
    status: u16,
    content_type: String,
    body: Option<Value>,
}

fn fixture(name: &str) -> Fixture {
    let entry = &index()[name];
    assert!(entry.is_object(), "no fixture {name}");
    let response = &entry["response"];
    let body = response["body_file"]
        .as_str()
        .filter(|file| file.ends_with(".json") && !file.ends_with("-summary.json"))
        .map(|file| {
            let text = std::fs::read_to_string(fixture_dir().join(file)).expect("body file");
            serde_json::from_str(&text.replace("Infinity", "\"Infinity\""))
                .expect("fixture body is JSON")
        });
    Fixture {
        name: name.to_owned(),
        request: entry["request"].clone(),
        status: response["status"].as_u64().unwrap() as u16,
        content_type: response["headers"]["Content-Type"]
            .as_str()
            .unwrap_or_default()
            .to_owned(),
        body,
    }
}

/// Checks that two JSON values have the same shape: the same keys in the same order, and
/// values of the same type (null matches anything: nullable fields).
fn same_shape(ours: &Value, theirs: &Value, at: &str) -> Result<(), String> {
    match (ours, theirs) {
        (Value::Null, _) | (_, Value::Null) => Ok(()),
        (Value::Object(a), Value::Object(b)) => {
            let keys_a: Vec<&String> = a.keys().collect();
            let keys_b: Vec<&String> = b.keys().collect();
            if keys_a != keys_b {
                return Err(format!("{at}: keys {keys_a:?} != reference {keys_b:?}"));
            }
            for (key, value) in a {
                same_shape(value, &b[key], &format!("{at}.{key}"))?;
            }
            Ok(())
        }
        (Value::Array(a), Value::Array(b)) => match (a.first(), b.first()) {
            (Some(x), Some(y)) => same_shape(x, y, &format!("{at}[0]")),
            _ => Ok(()),
        },
        (Value::Number(_), Value::Number(_))
        | (Value::String(_), Value::String(_))
        | (Value::Bool(_), Value::Bool(_)) => Ok(()),
        _ => Err(format!(
            "{at}: {ours} has another type than the reference's {theirs}"
        )),
    }
}

/// Asserts that a response conforms to a fixture (status, content type, JSON shape);
/// returns our JSON body, if any.
async fn conforms(response: reqwest::Response, name: &str) -> Value {
    let expected = fixture(name);
    let status = response.status().as_u16();
    let content_type = response
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default();
    if expected.name.starts_with("GET") || expected.name.starts_with("POST") {
        assert_eq!(
            response
                .headers()
                .get("access-control-allow-origin")
                .map(|v| v.to_str().unwrap()),
            Some("*"),
            "{name}: CORS header"
        );
    }
    let text = response.text().await.unwrap();
    assert_eq!(status, expected.status, "{name}: status; body {text}");
    assert_eq!(content_type, expected.content_type, "{name}: content type");
    let ours: Value = if content_type == "application/json" {
        serde_json::from_str(&text.replace("Infinity", "\"Infinity\""))
            .unwrap_or_else(|e| panic!("{name}: our body is not JSON ({e}): {text}"))
    } else {
        Value::String(text)
    };
    if let Some(theirs) = &expected.body
        && let Err(difference) = same_shape(&ours, theirs, name)
    {
        panic!("{difference}");
    }
    ours
}

#[tokio::test]
async fn utility_endpoints_conform() {
    let server = TestServer::start().await;
    let version = conforms(server.get("/v1/engine_version").await, "GET_engine_version").await;
    assert_eq!(version, "3.26.2");
    conforms(
        server.get("/v1/engine_latest_version").await,
        "GET_engine_latest_version",
    )
    .await;
    let defaults = conforms(server.get("/v1/ini_defaults").await, "GET_ini_defaults").await;
    assert_eq!(
        Some(defaults),
        fixture("GET_ini_defaults").body,
        "ini_defaults differ"
    );
    let gsims = conforms(
        server.get("/v1/available_gsims").await,
        "GET_available_gsims",
    )
    .await;
    if openquake_available("available_gsims equals the reference list") {
        assert_eq!(Some(gsims), fixture("GET_available_gsims").body);
    }
    for (method, path, name) in [
        (reqwest::Method::OPTIONS, "/v1/calc/run", "OPTIONS_calc_run"),
        (
            reqwest::Method::OPTIONS,
            "/v1/calc/2/abort",
            "OPTIONS_calc_2_abort",
        ),
        (
            reqwest::Method::OPTIONS,
            "/v1/calc/list",
            "OPTIONS_calc_list",
        ),
    ] {
        let response = server
            .client
            .request(method, server.url(path))
            .send()
            .await
            .unwrap();
        let expected = fixture(name);
        assert_eq!(response.status().as_u16(), expected.status, "{name}");
    }
}

#[tokio::test]
async fn nrml_validation_conforms() {
    let server = TestServer::start().await;
    for name in [
        "POST_valid_bad_nrml_attr",
        "POST_valid_bad_nrml_value",
        "POST_valid_extra_suffix",
        "POST_valid_good_nrml",
        "POST_valid_good_nrml_vulnerability",
        "POST_valid_malformed_xml",
        "POST_valid_not_nrml_root",
        "POST_valid_not_xml",
        "POST_valid_missing_xml_text",
    ] {
        let request = fixture(name).request;
        let mut form = Form::new();
        if let Some(fields) = request["form"].as_object() {
            for (key, value) in fields {
                form = form.text(key.clone(), value.as_str().unwrap_or_default().to_owned());
            }
        }
        let response = server
            .post_form(request["path"].as_str().unwrap(), form)
            .await;
        let ours = conforms(response, name).await;
        if let Some(theirs) = fixture(name).body {
            assert_eq!(ours["valid"], theirs["valid"], "{name}: {ours}");
            assert_eq!(ours["error_line"], theirs["error_line"], "{name}: {ours}");
            assert_eq!(
                ours["error_msg"].is_null(),
                theirs["error_msg"].is_null(),
                "{name}: {ours}"
            );
        }
    }
}

#[tokio::test]
async fn on_same_fs_conforms() {
    let server = TestServer::start().await;
    let job_ini = server.data_dir.path().join("job.ini");
    std::fs::write(&job_ini, "[general]\n\ndescription = Classical PSHA\n").unwrap();
    let outside = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(
        outside.path(),
        "[general]\n\ndescription = Classical PSHA\n",
    )
    .unwrap();
    let path = job_ini.display().to_string();
    for (filename, checksum, name, expected) in [
        (path.as_str(), "3204189069", "POST_on_same_fs_match", true),
        (
            "/nonexistent/job.ini",
            "3204189069",
            "POST_on_same_fs_missing_file",
            false,
        ),
        (
            path.as_str(),
            "12345",
            "POST_on_same_fs_wrong_checksum",
            false,
        ),
        (
            path.as_str(),
            "abc",
            "POST_on_same_fs_nonnumeric_checksum",
            false,
        ),
        // The same file outside the data directory is never read.
        (
            &outside.path().display().to_string(),
            "3204189069",
            "POST_on_same_fs_missing_file",
            false,
        ),
    ] {
        let form = Form::new()
            .text("filename", filename.to_owned())
            .text("checksum", checksum.to_owned());
        let ours = conforms(server.post_form("/v1/on_same_fs", form).await, name).await;
        assert_eq!(ours["success"], expected, "{name} {filename}");
    }
}

#[tokio::test]
async fn unknown_ids_and_routing_conform() {
    let server = TestServer::start().await;
    for (path, name) in [
        ("/v1/calc/99999", "GET_calc_99999_info"),
        ("/v1/calc/99999/status", "GET_calc_99999_status"),
        ("/v1/calc/99999/results", "GET_calc_99999_results"),
        ("/v1/calc/99999/datastore", "GET_calc_99999_datastore"),
        ("/v1/calc/99999/traceback", "GET_calc_99999_traceback"),
        ("/v1/calc/99999/log/:", "GET_calc_99999_log_full"),
        ("/v1/calc/abc", "GET_calc_abc_info_non_numeric"),
        ("/v1/calc/2/", "GET_calc_2_trailing_slash"),
        ("/v1/calc/2/log/-1:", "GET_calc_2_log_negative"),
        ("/v1/calc/2/log/5", "GET_calc_2_log_no_colon"),
        ("/v1/calc/2/abort", "GET_calc_2_abort_method_not_allowed"),
    ] {
        conforms(server.get(path).await, name).await;
    }
    let ours = conforms(
        server.post("/v1/calc/99999/abort").await,
        "POST_calc_99999_abort",
    )
    .await;
    assert_eq!(Some(ours), fixture("POST_calc_99999_abort").body);
    let ours = conforms(
        server.post("/v1/calc/99999/remove").await,
        "POST_calc_99999_remove",
    )
    .await;
    assert_eq!(Some(ours), fixture("POST_calc_99999_remove").body);
    let response = server
        .post_form("/v1/calc/validate_zip", Form::new().text("x", "y"))
        .await;
    let ours = conforms(response, "POST_validate_zip_missing_archive").await;
    assert_eq!(ours, "Missing archive file");
}

#[tokio::test]
async fn a_failed_jobs_endpoints_conform() {
    let server = TestServer::start().await;
    let job = failing_job();
    let response = server.submit_dir(job.path()).await;
    let run = conforms(response, "POST_calc_run_multipart_AreaSourceClassicalPSHA").await;
    let id = run["job_id"].as_i64().unwrap();
    assert_eq!(run["status"], "created");
    let created = conforms(
        server.get(&format!("/v1/calc/{id}")).await,
        "GET_calc_AreaSource_zip_info_while_created",
    )
    .await;
    assert_eq!(created["stop_time"], "None");

    let seen = server
        .wait_for(id, Duration::from_secs(300), |s| {
            s == "failed" || s == "complete"
        })
        .await;
    assert_eq!(seen.last().map(String::as_str), Some("failed"));

    conforms(
        server.get(&format!("/v1/calc/{id}/status")).await,
        "GET_calc_5_status_failed",
    )
    .await;
    conforms(
        server.get(&format!("/v1/calc/{id}")).await,
        "GET_calc_5_info_failed",
    )
    .await;
    let traceback = conforms(
        server.get(&format!("/v1/calc/{id}/traceback")).await,
        "GET_calc_5_traceback_failed_scenario_risk",
    )
    .await;
    assert!(!traceback.as_array().unwrap().is_empty());
    conforms(
        server.get(&format!("/v1/calc/{id}/results")).await,
        "GET_calc_5_results_failed_job",
    )
    .await;
    let log = conforms(
        server.get(&format!("/v1/calc/{id}/log/:")).await,
        "GET_calc_2_log_full",
    )
    .await;
    assert!(!log.as_array().unwrap().is_empty());
    conforms(
        server.get(&format!("/v1/calc/{id}/log/0:5")).await,
        "GET_calc_2_log_0-5",
    )
    .await;
    // log/size is a 500 in the reference (a bug); we answer the count it intends.
    let (status, size) = server.get_json(&format!("/v1/calc/{id}/log/size")).await;
    assert_eq!(
        (status, size.as_u64()),
        (200, Some(log.as_array().unwrap().len() as u64))
    );
    let list = conforms(server.get("/v1/calc/list").await, "GET_calc_list_full").await;
    assert_eq!(list[0]["id"], id);

    let abort = conforms(
        server.post(&format!("/v1/calc/{id}/abort")).await,
        "POST_calc_10_abort_failed_job",
    )
    .await;
    assert_eq!(abort["error"], format!("Job {id} is not running"));
    let removed = conforms(
        server.post(&format!("/v1/calc/{id}/remove")).await,
        "POST_calc_remove_success",
    )
    .await;
    assert_eq!(removed["success"], id.to_string());
    conforms(
        server.get(&format!("/v1/calc/{id}")).await,
        "GET_calc_99999_info",
    )
    .await;
}

#[tokio::test]
async fn a_complete_jobs_results_conform() {
    if !openquake_available("a_complete_jobs_results_conform") {
        return;
    }
    let server = TestServer::start().await;
    let id = server.submit_ok(&demo("classical_area")).await;
    let seen = server
        .wait_for(id, Duration::from_secs(600), |s| {
            s == "failed" || s == "complete"
        })
        .await;
    assert_eq!(seen.last().map(String::as_str), Some("complete"));
    conforms(
        server.get(&format!("/v1/calc/{id}/status")).await,
        "GET_calc_AreaSource_zip_status_while_complete",
    )
    .await;
    conforms(
        server.get(&format!("/v1/calc/{id}")).await,
        "GET_calc_AreaSource_zip_info_while_complete",
    )
    .await;
    let results = conforms(
        server.get(&format!("/v1/calc/{id}/results")).await,
        "GET_calc_2_results_classical",
    )
    .await;
    conforms(
        server.get(&format!("/v1/calc/{id}/result/list")).await,
        "GET_calc_2_result_list_classical",
    )
    .await;
    let hmaps = results
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["type"] == "hmaps")
        .expect("hmaps output");
    let rid = hmaps["id"].as_i64().unwrap();
    let response = server
        .get(&format!("/v1/calc/result/{rid}?export_type=csv"))
        .await;
    let disposition = response.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(
        disposition.starts_with(&format!(
            "attachment; filename=output-{rid}-hazard_map-mean"
        )),
        "{disposition}"
    );
    conforms(response, "GET_calc_classical_result_hmaps_csv").await;
    let response = server.get(&format!("/v1/calc/{id}/datastore")).await;
    assert_eq!(
        response.headers()["content-disposition"],
        format!("attachment; filename=calc_{id}.hdf5").as_str()
    );
    conforms(response, "GET_calc_2_datastore").await;
}
