//! Bad input over a real socket: every refusal is a clear 4xx, no panic, and nothing is
//! left behind (no job record, no stored file).

use oqcloud_tests::{TestServer, files_under, zip_bytes, zip_form};
use reqwest::multipart::{Form, Part};
use serde_json::Value;

const GOOD_INI: &str = "[general]
description = tiny
calculation_mode = classical
random_seed = 23

[geometry]
sites = 0.0 0.0

[logic_tree]
number_of_logic_tree_samples = 0

[erf]
rupture_mesh_spacing = 2.0
width_of_mfd_bin = 0.1
area_source_discretization = 5.0

[site_params]
reference_vs30_type = measured
reference_vs30_value = 760.0
reference_depth_to_2pt5km_per_sec = 5.0
reference_depth_to_1pt0km_per_sec = 100.0

[calculation]
source_model_logic_tree_file = source_model_logic_tree.xml
gsim_logic_tree_file = gmpe_logic_tree.xml
investigation_time = 50.0
intensity_measure_types_and_levels = {\"PGA\": [0.1, 0.2]}
truncation_level = 3
maximum_distance = 200.0
";

/// Asserts that no calculation was stored: the list is empty and no blob exists.
async fn assert_nothing_stored(server: &TestServer) {
    let (status, list) = server.get_json("/v1/calc/list").await;
    assert_eq!(status, 200);
    assert_eq!(
        list,
        Value::Array(vec![]),
        "a rejected submission left a job"
    );
    let blobs = files_under(&server.data_dir.path().join("blobs"));
    assert!(
        blobs.is_empty(),
        "a rejected submission left files: {blobs:?}"
    );
}

async fn refusal(response: reqwest::Response) -> (u16, String) {
    let status = response.status().as_u16();
    let body: Value = response.json().await.expect("refusals are JSON");
    (
        status,
        body["error"].as_str().unwrap_or_default().to_owned(),
    )
}

fn ini_form(ini: &str, extra: &[(&str, &str)]) -> Form {
    let mut form = Form::new().part(
        "archive",
        Part::bytes(ini.as_bytes().to_vec()).file_name("job.ini"),
    );
    for (name, content) in extra {
        form = form.part(
            "archive",
            Part::bytes(content.as_bytes().to_vec()).file_name(name.to_string()),
        );
    }
    form
}

const LOGIC_TREES: [(&str, &str); 2] = [
    ("source_model_logic_tree.xml", "<nrml/>"),
    ("gmpe_logic_tree.xml", "<nrml/>"),
];

#[tokio::test]
async fn unknown_and_malformed_ids_are_404() {
    let server = TestServer::start().await;
    for path in [
        "/v1/calc/99999",
        "/v1/calc/99999/status",
        "/v1/calc/99999/results",
        "/v1/calc/99999/datastore",
        "/v1/calc/abc",
        "/v1/calc/abc/status",
        "/v1/calc/-1",
        "/v1/calc/2/",
        "/v1/calc/list/",
        "/v1/calc/1/log/5",
        "/v1/calc/1/log/-1:",
        "/v1/calc/result/99999?export_type=csv",
        "/v1/nosuch",
    ] {
        let response = server.get(path).await;
        assert_eq!(response.status().as_u16(), 404, "{path}");
    }
    // The reference answers these for unknown ids with 200 and an empty list.
    for path in ["/v1/calc/99999/traceback", "/v1/calc/99999/log/:"] {
        let (status, body) = server.get_json(path).await;
        assert_eq!((status, body), (200, Value::Array(vec![])), "{path}");
    }
}

/// Submits GOOD_INI with `from` replaced by `to`; asserts a 400 whose message contains
/// every fragment, and that nothing was stored.
async fn assert_ini_refused(from: &str, to: &str, fragments: &[&str]) {
    let server = TestServer::start().await;
    let ini = GOOD_INI.replace(from, to);
    let response = server
        .post_form("/v1/calc/run", ini_form(&ini, &LOGIC_TREES))
        .await;
    let (status, error) = refusal(response).await;
    assert_eq!(status, 400, "{error}");
    for fragment in fragments {
        assert!(error.contains(fragment), "{fragment:?} not in {error:?}");
    }
    assert_nothing_stored(&server).await;
}

#[tokio::test]
async fn malformed_ini_is_400_naming_file_and_line() {
    assert_ini_refused(
        "random_seed = 23",
        "this is not an ini line",
        &["job.ini", "line 4", "this is not an ini line"],
    )
    .await;
}

#[tokio::test]
async fn bad_value_is_400_naming_key_and_line() {
    assert_ini_refused(
        "investigation_time = 50.0",
        "investigation_time = -50.0",
        &["job.ini", "line 26", "investigation_time"],
    )
    .await;
}

#[tokio::test]
async fn misspelled_key_is_400() {
    assert_ini_refused(
        "investigation_time",
        "investigaton_time",
        &[
            "line 26",
            "investigaton_time",
            "did you mean 'investigation_time'",
        ],
    )
    .await;
}

#[tokio::test]
async fn input_outside_the_upload_is_400_even_when_it_exists() {
    let server = TestServer::start().await;
    // Uploads are unpacked under <data>/uploads/<tmp>/: put a file where `../` would reach.
    let uploads = server.data_dir.path().join("uploads");
    std::fs::create_dir_all(&uploads).unwrap();
    std::fs::write(uploads.join("server_file.xml"), "<nrml/>").unwrap();
    let ini = GOOD_INI.replace(
        "gsim_logic_tree_file = gmpe_logic_tree.xml",
        "gsim_logic_tree_file = ../server_file.xml",
    );
    let response = server
        .post_form("/v1/calc/run", ini_form(&ini, &LOGIC_TREES))
        .await;
    let (status, error) = refusal(response).await;
    assert_eq!(status, 400, "{error}");
    assert!(error.contains("outside the uploaded files"), "{error}");
    assert_nothing_stored(&server).await;
}

#[tokio::test]
async fn only_the_owner_removes_a_job() {
    let server = TestServer::start().await;
    // Accepted, then failed at run time: the logic trees are empty documents.
    let form = ini_form(GOOD_INI, &LOGIC_TREES).text("job_owner", "alice");
    let response = server.post_form("/v1/calc/run", form).await;
    assert_eq!(response.status().as_u16(), 200);
    let body: Value = response.json().await.unwrap();
    let id = body["job_id"].as_i64().unwrap();
    assert_eq!(body["user_name"], "alice");
    server
        .wait_for(id, std::time::Duration::from_secs(300), |s| {
            s == "failed" || s == "complete"
        })
        .await;
    let response = server.post(&format!("/v1/calc/{id}/remove")).await;
    assert_eq!(response.status().as_u16(), 403);
    let body: Value = response.json().await.unwrap();
    assert_eq!(
        body["error"],
        format!("Cannot delete calculation {id}: it belongs to alice and you are tester")
    );
    let (status, _) = server.get_json(&format!("/v1/calc/{id}")).await;
    assert_eq!(status, 200, "the job must still be there");
}

#[tokio::test]
async fn missing_input_file_is_400_naming_it() {
    let server = TestServer::start().await;
    let (status, error) = refusal(
        server
            .post_form(
                "/v1/calc/run",
                ini_form(GOOD_INI, &[("gmpe_logic_tree.xml", "<nrml/>")]),
            )
            .await,
    )
    .await;
    assert_eq!(status, 400, "{error}");
    assert!(error.contains("source_model_logic_tree.xml"), "{error}");
    assert_nothing_stored(&server).await;
}

#[tokio::test]
async fn no_ini_and_no_files_are_400() {
    let server = TestServer::start().await;
    let form = Form::new().part(
        "archive",
        Part::bytes(b"<nrml/>".to_vec()).file_name("a.xml"),
    );
    let (status, error) = refusal(server.post_form("/v1/calc/run", form).await).await;
    assert_eq!(status, 400);
    assert_eq!(error, "There are no .ini files in the archive");
    let form = Form::new().text("description", "nothing");
    let (status, _) = refusal(server.post_form("/v1/calc/run", form).await).await;
    assert_eq!(status, 400);
    assert_nothing_stored(&server).await;
}

#[tokio::test]
async fn zip_with_traversal_or_absolute_paths_is_400_and_writes_nothing() {
    let server = TestServer::start().await;
    for evil in [
        "../escape.xml",
        "/tmp/oqcloud-absolute.xml",
        "a/../../escape.xml",
    ] {
        let zip = zip_bytes(&[
            ("job.ini", GOOD_INI.as_bytes()),
            ("source_model_logic_tree.xml", b"<nrml/>"),
            ("gmpe_logic_tree.xml", b"<nrml/>"),
            (evil, b"<nrml/>"),
        ]);
        let (status, error) = refusal(server.post_form("/v1/calc/run", zip_form(zip)).await).await;
        assert_eq!(status, 400, "{evil}: {error}");
        assert!(error.contains(evil), "{error}");
    }
    assert!(!std::path::Path::new("/tmp/oqcloud-absolute.xml").exists());
    let escaped = files_under(server.data_dir.path())
        .into_iter()
        .filter(|path| path.ends_with("escape.xml"))
        .collect::<Vec<_>>();
    assert!(escaped.is_empty(), "{escaped:?}");
    assert_nothing_stored(&server).await;
}

#[tokio::test]
async fn upload_over_the_limit_is_413() {
    let server = TestServer::start_with(|options| options.max_upload_bytes = 64 * 1024).await;
    let big = "x".repeat(100 * 1024);
    let response = server
        .post_form(
            "/v1/calc/run",
            ini_form(GOOD_INI, &[("big.xml", big.as_str())]),
        )
        .await;
    assert_eq!(response.status().as_u16(), 413);
    // A small zip that unpacks to more than the limit is refused too.
    let bomb = vec![b'a'; 200 * 1024];
    let zip = zip_bytes(&[("job.ini", GOOD_INI.as_bytes()), ("bomb.xml", &bomb)]);
    let response = server.post_form("/v1/calc/run", zip_form(zip)).await;
    assert_eq!(response.status().as_u16(), 413);
    assert_nothing_stored(&server).await;
}

#[tokio::test]
async fn the_embedded_server_takes_uploads_in_the_request_only() {
    let server = TestServer::start().await;
    let response = server.post("/v1/calc/upload_url").await;
    assert_eq!(response.status().as_u16(), 404);
    let message = response.text().await.unwrap();
    assert!(message.contains("body of POST /v1/calc/run"), "{message}");
    // An upload key names nothing here.
    let form = Form::new().text("upload_key", "tmp/uploads/746573746572/00ff.zip");
    let (status, error) = refusal(server.post_form("/v1/calc/run", form).await).await;
    assert_eq!(status, 400);
    assert!(error.contains("nothing was uploaded"), "{error}");
    assert_nothing_stored(&server).await;
}

#[tokio::test]
async fn unknown_parent_job_is_400() {
    let server = TestServer::start().await;
    for (value, expected) in [
        ("99999", "calc_id=99999 missing in the database"),
        (
            "abc",
            "abc: could not convert to calculation: hazard_calculation_id=abc",
        ),
    ] {
        let form = ini_form(GOOD_INI, &LOGIC_TREES).text("hazard_job_id", value);
        let form = form.text("job_ini", "job.ini");
        let (status, error) = refusal(server.post_form("/v1/calc/run", form).await).await;
        assert_eq!(status, 400);
        assert_eq!(error, expected);
    }
    assert_nothing_stored(&server).await;
}

#[tokio::test]
async fn abort_and_remove_of_unknown_jobs_answer_like_the_reference() {
    let server = TestServer::start().await;
    let response = server.post("/v1/calc/99999/abort").await;
    assert_eq!(response.status().as_u16(), 200);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body, serde_json::json!({"error": "Unknown job 99999"}));
    let response = server.post("/v1/calc/99999/remove").await;
    assert_eq!(response.status().as_u16(), 403);
    let body: Value = response.json().await.unwrap();
    assert_eq!(
        body,
        serde_json::json!({"error": "Cannot delete calculation 99999: ID does not exist"})
    );
}

#[tokio::test]
async fn wrong_methods_are_405() {
    let server = TestServer::start().await;
    for path in ["/v1/calc/run", "/v1/calc/2/abort", "/v1/calc/2/remove"] {
        let response = server.get(path).await;
        assert_eq!(response.status().as_u16(), 405, "{path}");
        assert_eq!(response.headers()["allow"], "POST", "{path}");
    }
    let response = server
        .client
        .head(server.url("/v1/calc/2/datastore"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 405);
}

#[tokio::test]
async fn validate_zip_reports_problems_and_stores_nothing() {
    let server = TestServer::start().await;
    let response = server
        .post_form("/v1/calc/validate_zip", Form::new().text("x", "y"))
        .await;
    assert_eq!(response.status().as_u16(), 400);
    assert_eq!(response.text().await.unwrap(), "Missing archive file");

    let bad = GOOD_INI.replace("investigation_time = 50.0", "investigation_time = -50.0");
    let zip = zip_bytes(&[
        ("job.ini", bad.as_bytes()),
        ("source_model_logic_tree.xml", b"<nrml/>"),
        ("gmpe_logic_tree.xml", b"<nrml/>"),
    ]);
    let response = server
        .post_form("/v1/calc/validate_zip", zip_form(zip))
        .await;
    assert_eq!(response.status().as_u16(), 200);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["valid"], false);
    assert_eq!(body["error_line"], 26);
    assert!(
        body["error_msg"]
            .as_str()
            .unwrap()
            .contains("investigation_time")
    );

    let form = Form::new().part(
        "archive",
        Part::bytes(b"not a zip".to_vec()).file_name("job.zip"),
    );
    let body: Value = server
        .post_form("/v1/calc/validate_zip", form)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(body["valid"], false);
    assert_nothing_stored(&server).await;
}
