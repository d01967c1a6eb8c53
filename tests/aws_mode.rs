//! The server in local AWS mode (`oqcloud serve --backend aws`) against a real moto server
//! over HTTP: jobs stored in DynamoDB, files in S3, runs queued on SQS and taken by the
//! queue-polling workers, mail through SES, large downloads and uploads through presigned S3
//! URLs. Every test prints `SKIPPED` and passes when `moto_server` is not installed; the
//! abort and WebExtractor tests also need the reference engine.

use std::time::Duration;

use oqcloud_model::JobStatus;
use oqcloud_store::{BlobStore, JobFilter, JobRepo, RunQueue, TransitionFields, blob_keys};
use oqcloud_store_aws::moto::TestEnv;
use oqcloud_tests::{
    TestServer, demo, demo_on_engine, dir_entries, files_form, openquake_available,
    run_reference_python, zip_bytes,
};
use reqwest::multipart::Form;
use serde_json::Value;

const LONG: Duration = Duration::from_secs(600);

macro_rules! aws_server_or_skip {
    ($name:literal, $workers:expr) => {
        aws_server_or_skip!($name, $workers, |_| {})
    };
    ($name:literal, $workers:expr, $adjust:expr) => {
        match TestServer::start_aws_with($name, $workers, $adjust).await {
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

    // Extract reads the datastore from S3; small downloads are answered inline.
    let no_redirects = no_redirects();
    let extract = no_redirects
        .get(server.url(&format!("/v1/calc/{id}/extract/hcurves?kind=mean&imt=PGA")))
        .send()
        .await
        .unwrap();
    assert_eq!(extract.status().as_u16(), 200);
    assert_eq!(extract.headers()["content-type"], "application/x-zip");
    assert!(extract.bytes().await.unwrap().starts_with(b"PK"));

    // The datastore is always a redirect to a presigned URL of its S3 object, which serves
    // the HDF5 file under the reference's name.
    let path = format!("/v1/calc/{id}/datastore");
    let key = blob_keys::datastore_key(id);
    let location = redirect_location(&no_redirects, &server.url(&path)).await;
    let (_, env) = server.aws();
    assert_presigned(&location, env, &key);
    let (content_type, disposition) = presigned_headers(&location);
    assert_eq!(content_type, "application/x-hdf");
    assert_eq!(disposition, format!("attachment; filename=calc_{id}.hdf5"));
    let datastore = server.get(&path).await;
    assert_eq!(datastore.status().as_u16(), 200);
    assert_served_as(&datastore, &location);
    let bytes = datastore.bytes().await.unwrap();
    assert_eq!(&bytes[..8], b"\x89HDF\r\n\x1a\n");
    let (_, env) = server.aws();
    let stored = env.stores.blobs.get(&key).await.unwrap().expect("in S3");
    assert!(bytes == stored, "the download differs from the S3 object");

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

/// A client that does not follow redirects.
fn no_redirects() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

/// The `Location` of the 307 that `GET url` answers.
async fn redirect_location(client: &reqwest::Client, url: &str) -> String {
    let response = client.get(url).send().await.unwrap();
    assert_eq!(response.status().as_u16(), 307, "GET {url}: {response:?}");
    assert!(response.content_length().unwrap_or(0) == 0);
    response.headers()["location"].to_str().unwrap().to_owned()
}

/// Asserts `url` is a presigned (SigV4 query) URL of an object of the test's bucket whose
/// key starts with `key`, path-style at the emulator.
fn assert_presigned(url: &str, env: &TestEnv, key: &str) {
    let object = format!("{}/{}/{key}", env.endpoint, env.settings.bucket);
    assert!(url.starts_with(&object), "{url} is not under {object}");
    for part in [
        "X-Amz-Algorithm=AWS4-HMAC-SHA256",
        "X-Amz-Signature=",
        "X-Amz-Expires=900",
    ] {
        assert!(url.contains(part), "{url} lacks {part}");
    }
}

/// The headers a presigned URL asks S3 to answer with: (`Content-Type`,
/// `Content-Disposition`).
fn presigned_headers(url: &str) -> (String, String) {
    let url = reqwest::Url::parse(url).unwrap();
    let param = |name: &str| {
        let value = url.query_pairs().find(|(key, _)| key == name);
        value
            .unwrap_or_else(|| panic!("{url} lacks {name}"))
            .1
            .into_owned()
    };
    (
        param("response-content-type"),
        param("response-content-disposition"),
    )
}

/// Asserts the emulator answered the presigned `url` with the headers it asks for. Moto
/// honours them from 5.2.5 on; an older one answers without `Content-Disposition`, and
/// then only the request (the URL's parameters) can be checked.
fn assert_served_as(response: &reqwest::Response, url: &str) {
    let headers = response.headers();
    if !headers.contains_key("content-disposition") {
        eprintln!("this moto_server ignores response-content-* overrides: headers not checked");
        return;
    }
    let (content_type, disposition) = presigned_headers(url);
    assert_eq!(headers["content-type"], content_type.as_str(), "{url}");
    assert_eq!(
        headers["content-disposition"],
        disposition.as_str(),
        "{url}"
    );
}

/// Waits for job `id` to end and asserts it completed.
async fn assert_completes(server: &TestServer, id: i64) {
    let seen = server
        .wait_for(id, LONG, |s| s == "complete" || s == "failed")
        .await;
    let last = seen.last().map(String::as_str);
    assert_eq!(last, Some("complete"), "{seen:?}");
}

/// Runs the classical_area demo natively on `server` and returns its id.
async fn completed_demo(server: &TestServer) -> i64 {
    let job = demo_on_engine("classical_area", "native");
    let id = server.submit_ok(job.path()).await;
    assert_completes(server, id).await;
    id
}

/// The result id of the output of type `output_type` of job `id`.
async fn result_id(server: &TestServer, id: i64, output_type: &str) -> i64 {
    let (code, results) = server.get_json(&format!("/v1/calc/{id}/results")).await;
    assert_eq!(code, 200, "{results}");
    let output = results
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["type"] == output_type);
    output.expect("output listed")["id"].as_i64().unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn downloads_over_the_inline_limit_are_redirected_to_s3() {
    let mut server = aws_server_or_skip!(
        "downloads_over_the_inline_limit_are_redirected_to_s3",
        1,
        |o| o.limits.max_inline_bytes = 100
    );
    // A server over the same resources that answers everything inline, and the embedded
    // server with the same job.
    let inline = server.aws_peer(|_| {}).await;
    let embedded = TestServer::start().await;
    let id = completed_demo(&server).await;
    let embedded_id = completed_demo(&embedded).await;
    let hmaps = result_id(&server, id, "hmaps").await;
    let hcurves = result_id(&server, id, "hcurves").await;
    let client = no_redirects();
    // (path, where its presigned URL points): the one-file export is its stored file, the
    // zipped export (one CSV per IMT) and the extract are written under tmp/exports/.
    let downloads = [
        (
            format!("/v1/calc/result/{hmaps}?export_type=csv&dload=true"),
            blob_keys::export_prefix(id, "hmaps", "csv"),
        ),
        (
            format!("/v1/calc/result/{hcurves}?export_type=csv"),
            "tmp/exports/".to_owned(),
        ),
        (
            format!("/v1/calc/{id}/extract/hcurves?kind=mean&imt=PGA"),
            "tmp/exports/".to_owned(),
        ),
    ];
    for (path, key) in &downloads {
        let location = redirect_location(&client, &server.url(path)).await;
        let (_, env) = server.aws();
        assert_presigned(&location, env, key);
        let redirected = client.get(&location).send().await.unwrap();
        assert_eq!(redirected.status().as_u16(), 200, "{path}");
        let direct = client.get(inline.url(path)).send().await.unwrap();
        assert_eq!(direct.status().as_u16(), 200, "{path} inline");
        // The presigned URL asks for the inline answer's headers.
        assert_served_as(&redirected, &location);
        let inline_header = |name: &str| direct.headers()[name].to_str().unwrap().to_owned();
        let (content_type, got) = presigned_headers(&location);
        assert_eq!(content_type, inline_header("content-type"), "{path}");
        let want = inline_header("content-disposition");
        if path.contains("/extract/") {
            // the reference's names end with 8 random characters and .npz
            let name = |v: &str| v[..v.len() - 12].to_owned();
            assert_eq!(name(&got), name(&want), "{path}");
            assert!(got.ends_with(".npz") && got.len() == want.len(), "{got}");
        } else {
            assert_eq!(got, want, "{path}");
        }
        let bytes = redirected.bytes().await.unwrap();
        assert!(bytes.len() > 100, "{path}: {} bytes", bytes.len());
        assert!(
            bytes == direct.bytes().await.unwrap(),
            "{path}: bytes differ"
        );
    }
    // The extract equals the embedded server's for the same job, byte for byte.
    let (extract, _) = &downloads[2];
    let via_s3 = server.get(extract).await.bytes().await.unwrap();
    let spec = "/extract/hcurves?kind=mean&imt=PGA";
    let embedded_extract = embedded.get(&format!("/v1/calc/{embedded_id}{spec}")).await;
    assert_eq!(embedded_extract.status().as_u16(), 200);
    assert!(via_s3 == embedded_extract.bytes().await.unwrap());
    // dload=true still downloads under the reference's name.
    let (export, _) = &downloads[0];
    let location = redirect_location(&client, &server.url(export)).await;
    let (_, disposition) = presigned_headers(&location);
    let expected = format!("attachment; filename=output-{hmaps}-hazard_map-mean_{id}.csv");
    assert_eq!(disposition, expected);
    // The temporary downloads are in tmp/exports/, where the lifecycle rule expires them.
    let (_, env) = server.aws();
    let temporary = env.stores.blobs.list("tmp/exports/").await.unwrap();
    assert!(temporary.len() >= 3, "{temporary:?}");
}

#[tokio::test(flavor = "multi_thread")]
async fn openquakes_web_extractor_follows_redirects_to_s3() {
    if !openquake_available("openquakes_web_extractor_follows_redirects_to_s3") {
        return;
    }
    let mut server =
        aws_server_or_skip!("openquakes_web_extractor_follows_redirects_to_s3", 1, |o| {
            o.limits.max_inline_bytes = 1
        });
    let inline = server.aws_peer(|_| {}).await;
    let id = completed_demo(&server).await;
    let copy = server.data_dir.path().join("copy.hdf5");
    let args = [
        server.url(""),
        inline.url(""),
        id.to_string(),
        copy.display().to_string(),
    ];
    let stdout = run_reference_python("webextractor_redirects.py", args).await;
    assert!(stdout.contains("hcurves?kind=mean&imt=PGA"), "{stdout}");
    let (_, env) = server.aws();
    let key = blob_keys::datastore_key(id);
    let stored = env.stores.blobs.get(&key).await.unwrap().expect("in S3");
    assert!(
        std::fs::read(&copy).unwrap() == stored,
        "the dumped datastore differs"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_job_zip_uploaded_to_a_presigned_url_runs() {
    let mut server = aws_server_or_skip!("a_job_zip_uploaded_to_a_presigned_url_runs", 1);
    let (key, url) = upload_url(&server).await;
    let (_, env) = server.aws();
    assert_presigned(&url, env, &key);
    assert!(
        key.starts_with(&blob_keys::upload_prefix("tester")),
        "{key}"
    );
    let job = demo_on_engine("classical_area", "native");
    let entries = dir_entries(job.path());
    let entries: Vec<(&str, &[u8])> = entries
        .iter()
        .map(|(name, bytes)| (name.as_str(), bytes.as_slice()))
        .collect();
    put(&url, zip_bytes(&entries)).await;

    // Another user may not submit it (nor learn anything from it): a 403, nothing stored.
    let mallory = server.aws_peer(|o| o.default_user = "mallory".into()).await;
    let (status, error) = submit_upload(&mallory, &key).await;
    assert_eq!(status, 403, "{error}");
    assert!(error.contains("belongs to another user"), "{error}");
    let (status, error) = submit_upload(&server, "calcs/1/inputs/job.ini").await;
    assert_eq!(status, 400, "{error}");
    assert!(
        error.contains("not a key given by POST /v1/calc/upload_url"),
        "{error}"
    );
    let (_, env) = server.aws();
    let jobs = env
        .stores
        .jobs
        .list_jobs(&JobFilter::default())
        .await
        .unwrap();
    assert!(jobs.is_empty(), "{jobs:?}");

    // validate_zip checks it as run would.
    let form = Form::new().text("upload_key", key.clone());
    let (_, valid) = json_of(server.post_form("/v1/calc/validate_zip", form).await).await;
    assert_eq!(valid["valid"], true, "{valid}");

    // Its uploader runs it: the job completes and the upload is consumed.
    let (status, body) = submit_upload(&server, &key).await;
    assert_eq!(status, 200, "{body}");
    let id = body.parse::<i64>().unwrap();
    assert_completes(&server, id).await;
    let (_, env) = server.aws();
    assert_eq!(env.stores.blobs.head(&key).await.unwrap(), None);
    let inputs = env
        .stores
        .blobs
        .list(&blob_keys::inputs_prefix(id))
        .await
        .unwrap();
    assert_eq!(inputs.len(), entries.len(), "{inputs:?}");
    let (status, error) = submit_upload(&server, &key).await;
    assert_eq!(status, 400);
    assert!(error.contains("nothing was uploaded"), "{error}");
}

#[tokio::test(flavor = "multi_thread")]
async fn uploaded_archives_get_the_checks_of_request_uploads() {
    let mut server = aws_server_or_skip!("uploaded_archives_get_the_checks_of_request_uploads", 0);
    // A path out of the archive.
    let (key, url) = upload_url(&server).await;
    put(
        &url,
        zip_bytes(&[("job.ini", b"[general]\n"), ("../evil.xml", b"<x/>")]),
    )
    .await;
    let (status, error) = submit_upload(&server, &key).await;
    assert_eq!(status, 400);
    assert!(error.contains("unsafe path '../evil.xml'"), "{error}");
    // No job.ini.
    let (key, url) = upload_url(&server).await;
    put(&url, zip_bytes(&[("model.xml", b"<x/>")])).await;
    let (status, error) = submit_upload(&server, &key).await;
    assert_eq!(status, 400);
    assert!(
        error.contains("There are no .ini files in the archive"),
        "{error}"
    );
    // Over the limit of presigned uploads.
    let small = server
        .aws_peer(|o| o.limits.max_staged_upload_bytes = 1000)
        .await;
    let (key, url) = upload_url(&small).await;
    put(&url, zip_bytes(&[("job.ini", &[b'#'; 2000])])).await;
    let (status, _) = submit_upload(&small, &key).await;
    assert_eq!(status, 413);
    // Files and a key at once.
    let form = files_form(&demo("classical_area")).text("upload_key", key.clone());
    let (status, body) = json_of(server.post_form("/v1/calc/run", form).await).await;
    assert_eq!(status, 400, "{body}");
    // Nothing was stored.
    let (_, env) = server.aws();
    let jobs = env
        .stores
        .jobs
        .list_jobs(&JobFilter::default())
        .await
        .unwrap();
    assert!(jobs.is_empty(), "{jobs:?}");
    assert!(env.stores.blobs.list("calcs/").await.unwrap().is_empty());
}

/// `POST /v1/calc/upload_url`: the upload key and the URL to PUT to.
async fn upload_url(server: &TestServer) -> (String, String) {
    let (status, body) = json_of(server.post("/v1/calc/upload_url").await).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["method"], "PUT");
    assert_eq!(body["expires_in"], 900);
    let text = |name: &str| body[name].as_str().unwrap().to_owned();
    (text("upload_key"), text("url"))
}

/// PUTs `bytes` to a presigned URL.
async fn put(url: &str, bytes: Vec<u8>) {
    let response = reqwest::Client::new()
        .put(url)
        .body(bytes)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 200, "PUT {url}");
}

/// `POST /v1/calc/run` with the form field `upload_key`: (status, the job id or the error).
async fn submit_upload(server: &TestServer, key: &str) -> (u16, String) {
    let form = Form::new().text("upload_key", key.to_owned());
    let (status, body) = json_of(server.post_form("/v1/calc/run", form).await).await;
    let answer = match body["job_id"].as_i64() {
        Some(id) => id.to_string(),
        None => body["error"].as_str().unwrap_or_default().to_owned(),
    };
    (status, answer)
}

async fn json_of(response: reqwest::Response) -> (u16, Value) {
    let status = response.status().as_u16();
    (status, response.json().await.expect("a JSON body"))
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
    assert_completes(&server, id).await;
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
