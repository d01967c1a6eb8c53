//! The Lambda functions without AWS: API Gateway events (REST API payload 1.0 and HTTP API
//! payload 2.0, from the fixtures in `tests/data/lambda`) go through lambda_http's
//! conversions exactly as in a function, into the router over the AWS stores on a moto
//! server; the dispatcher's SQS events submit AWS Batch jobs on moto. Every test prints
//! `SKIPPED` and passes when `moto_server` is not installed.

use std::collections::HashSet;

use aws_lambda_events::sqs::SqsEvent;
use base64::Engine;
use oqcloud_api::Limits;
use oqcloud_functions::api::{ApiSettings, router};
use oqcloud_functions::batch::{BatchJobs, BatchSettings, CALC_ID_PARAMETER, job_name};
use oqcloud_functions::dispatcher::{Dispatched, Dispatcher};
use oqcloud_model::{JobStatus, NewJob};
use oqcloud_store::{JobRepo, TransitionFields};
use oqcloud_store_aws::moto::TestEnv;
use oqcloud_tests::lambda::{Payload, body_bytes, event, fixture, invoke, moto_batch, scratch};
use oqcloud_tests::{demo, dir_entries};
use serde_json::Value;

macro_rules! env_or_skip {
    ($name:literal) => {
        match TestEnv::new($name).await {
            Some(env) => env,
            None => return,
        }
    };
}

/// Every route of the router, as API Gateway sends it to its function, with the status a
/// job that is `created` (`{id}`, owned by the caller) gets; the requests that change the
/// job come last.
const ROUTES: &[(&str, &str, u16)] = &[
    ("GET", "/v1/engine_version", 200),
    ("GET", "/v1/engine_latest_version", 200),
    ("GET", "/v1/available_gsims", 200),
    ("GET", "/v1/ini_defaults", 200),
    ("POST", "/v1/on_same_fs", 400),
    ("POST", "/v1/valid/", 400),
    ("GET", "/v1/calc/list?limit=5", 200),
    ("POST", "/v1/calc/run", 400),
    ("POST", "/v1/calc/validate_zip", 400),
    ("POST", "/v1/calc/upload_url", 200),
    ("GET", "/v1/calc/result/987654", 404),
    ("GET", "/v1/calc/{id}", 200),
    ("GET", "/v1/calc/{id}/status", 200),
    ("GET", "/v1/calc/{id}/traceback", 200),
    ("GET", "/v1/calc/{id}/log/0:10", 200),
    ("GET", "/v1/calc/{id}/results", 404),
    ("GET", "/v1/calc/{id}/result/list", 404),
    ("GET", "/v1/calc/{id}/datastore", 404),
    ("GET", "/v1/calc/{id}/extract/hcurves?kind=mean", 404),
    ("OPTIONS", "/v1/calc/run", 200),
    ("DELETE", "/v1/calc/{id}", 405),
    ("GET", "/v1/nothing/here", 404),
    ("POST", "/v1/calc/{id}/abort", 200),
    ("POST", "/v1/calc/{id}/remove", 200),
];

async fn api(env: &TestEnv, batch: BatchSettings, scratch: std::path::PathBuf) -> axum::Router {
    router(
        &env.stores,
        BatchJobs::new(&env.sdk_config().await, batch),
        ApiSettings {
            default_user: "tester".into(),
            limits: Limits::with_max_upload(10 * 1024 * 1024),
            scratch_dir: scratch,
        },
    )
    .expect("router")
}

async fn new_job(env: &TestEnv) -> i64 {
    env.stores
        .jobs
        .create_job(NewJob {
            user_name: "tester".into(),
            host: "lambda".into(),
        })
        .await
        .expect("job created")
        .id
}

#[tokio::test(flavor = "multi_thread")]
async fn every_route_answers_rest_and_http_api_events() {
    let env = env_or_skip!("every_route_answers_rest_and_http_api_events");
    let batch = moto_batch(&env).await;
    let (_dir, scratch) = scratch();
    let router = api(&env, batch, scratch).await;
    for payload in [Payload::RestV1, Payload::HttpV2] {
        let id = new_job(&env).await;
        for (method, path, expected) in ROUTES {
            let path = path.replace("{id}", &id.to_string());
            let response = invoke(&router, event(payload, method, &path, &[], None)).await;
            assert_eq!(
                response["statusCode"], *expected,
                "{payload:?} {method} {path}: {response}"
            );
        }
        assert!(
            env.stores.jobs.get_job(id).await.unwrap().is_none(),
            "removed"
        );
    }

    // Bodies and headers come back as API Gateway expects them.
    for payload in [Payload::RestV1, Payload::HttpV2] {
        let version = invoke(
            &router,
            event(payload, "GET", "/v1/engine_version", &[], None),
        )
        .await;
        assert_eq!(version["body"], "3.26.2", "{version}");
        assert_eq!(version["isBase64Encoded"], false);
        let id = new_job(&env).await;
        let status = invoke(
            &router,
            event(payload, "GET", &format!("/v1/calc/{id}/status"), &[], None),
        )
        .await;
        let body: Value = serde_json::from_slice(&body_bytes(&status)).unwrap();
        assert_eq!(body["status"], "created", "{status}");
        assert_eq!(body["id"], id);
        let headers = match payload {
            // REST API responses carry multiValueHeaders as well.
            Payload::RestV1 => &status["multiValueHeaders"],
            Payload::HttpV2 => &status["headers"],
        };
        let cors = &headers["access-control-allow-origin"];
        assert!(cors == "*" || cors[0] == "*", "{status}");
        let list = invoke(
            &router,
            event(
                payload,
                "GET",
                "/v1/calc/list?limit=1&order_dir=DESC",
                &[],
                None,
            ),
        )
        .await;
        let listed: Value = serde_json::from_slice(&body_bytes(&list)).unwrap();
        assert_eq!(listed.as_array().map(Vec::len), Some(1), "{list}");
        assert_eq!(listed[0]["id"], id, "{list}");
    }
}

/// A multipart body of every file of `dir` as `archive` parts, and its content type.
fn multipart(dir: &std::path::Path) -> (Vec<u8>, String) {
    let boundary = "oqcloud-lambda-test-boundary";
    let mut body = Vec::new();
    for (name, bytes) in dir_entries(dir) {
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"archive\"; \
                 filename=\"{name}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
            )
            .as_bytes(),
        );
        body.extend_from_slice(&bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    (body, format!("multipart/form-data; boundary={boundary}"))
}

#[tokio::test(flavor = "multi_thread")]
async fn a_submission_in_a_base64_event_is_stored_and_queued() {
    let env = env_or_skip!("a_submission_in_a_base64_event_is_stored_and_queued");
    let (_dir, scratch) = scratch();
    let router = api(
        &env,
        BatchSettings {
            job_queue: "unused".into(),
            job_definition: "unused".into(),
        },
        scratch,
    )
    .await;
    let (body, content_type) = multipart(&demo("classical_area"));
    let encoded = base64::engine::general_purpose::STANDARD.encode(&body);
    let mut ids = HashSet::new();
    for payload in [Payload::RestV1, Payload::HttpV2] {
        let response = invoke(
            &router,
            event(
                payload,
                "POST",
                "/v1/calc/run",
                &[("Content-Type", &content_type)],
                Some((&encoded, true)),
            ),
        )
        .await;
        assert_eq!(response["statusCode"], 200, "{payload:?}: {response}");
        let answer: Value = serde_json::from_slice(&body_bytes(&response)).unwrap();
        let id = answer["job_id"].as_i64().expect("job_id");
        let job = env
            .stores
            .jobs
            .get_job(id)
            .await
            .unwrap()
            .expect("job stored");
        assert_eq!(job.status, JobStatus::Created);
        assert_eq!(job.calculation_mode, "classical");
        ids.insert(id);
    }
    // Both runs are on the queue for the dispatcher.
    let mut queued = HashSet::new();
    for _ in 0..2 {
        let delivery = env
            .stores
            .queue
            .receive(1, 30)
            .await
            .unwrap()
            .expect("a run message");
        queued.insert(delivery.calc_id.expect("a calc id"));
    }
    assert_eq!(queued, ids);
}

/// The SQS fixture event with its message body set to `body`.
fn run_message(body: &str) -> SqsEvent {
    let mut event = fixture("sqs-run-message.json");
    event["Records"][0]["body"] = body.into();
    serde_json::from_value(event).expect("an SQS event")
}

#[tokio::test(flavor = "multi_thread")]
async fn the_dispatcher_submits_one_batch_job_per_waiting_calculation() {
    let env = env_or_skip!("the_dispatcher_submits_one_batch_job_per_waiting_calculation");
    let settings = moto_batch(&env).await;
    let batch = BatchJobs::new(&env.sdk_config().await, settings.clone());
    let dispatcher = Dispatcher {
        jobs: env.stores.jobs.clone(),
        batch: batch.clone(),
    };
    let id = new_job(&env).await;

    let response = dispatcher.handle(run_message(&id.to_string())).await;
    assert!(response.batch_item_failures.is_empty(), "{response:?}");
    let jobs = batch.jobs_of(id).await.unwrap();
    assert_eq!(jobs.len(), 1, "{jobs:?}");
    let described = batch
        .client()
        .describe_jobs()
        .jobs(&jobs[0].job_id)
        .send()
        .await
        .unwrap();
    let submitted = &described.jobs()[0];
    assert_eq!(submitted.job_name(), Some(job_name(id).as_str()));
    assert!(
        submitted
            .job_queue()
            .is_some_and(|queue| queue.ends_with(&settings.job_queue)),
        "{submitted:?}"
    );
    assert_eq!(
        submitted
            .parameters()
            .and_then(|p| p.get(CALC_ID_PARAMETER)),
        Some(&id.to_string())
    );
    let job = env.stores.jobs.get_job(id).await.unwrap().unwrap();
    assert_eq!(job.status, JobStatus::Submitted);

    // SQS delivers at least once: the same message again submits nothing more.
    assert!(
        dispatcher
            .handle(run_message(&id.to_string()))
            .await
            .batch_item_failures
            .is_empty()
    );
    assert_eq!(
        dispatcher.dispatch(id).await.unwrap(),
        Dispatched::Duplicate
    );
    assert_eq!(batch.jobs_of(id).await.unwrap().len(), 1);

    // A calculation aborted while queued, or removed, gets no Batch job.
    let aborted = new_job(&env).await;
    env.stores
        .jobs
        .transition(aborted, JobStatus::Aborted, TransitionFields::default())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        dispatcher.dispatch(aborted).await.unwrap(),
        Dispatched::NotWaiting
    );
    assert_eq!(
        dispatcher.dispatch(987_654).await.unwrap(),
        Dispatched::NotWaiting
    );
    assert!(batch.jobs_of(aborted).await.unwrap().is_empty());

    // A message that names no calculation is dropped, not retried.
    assert!(
        dispatcher
            .handle(run_message("not a calc id"))
            .await
            .batch_item_failures
            .is_empty()
    );

    // A Batch failure (here: an unknown job queue) hands the message back to SQS.
    let broken = Dispatcher {
        jobs: env.stores.jobs.clone(),
        batch: BatchJobs::new(
            &env.sdk_config().await,
            BatchSettings {
                job_queue: "no-such-queue".into(),
                job_definition: settings.job_definition.clone(),
            },
        ),
    };
    let waiting = new_job(&env).await;
    let response = broken.handle(run_message(&waiting.to_string())).await;
    let failed: Vec<&str> = response
        .batch_item_failures
        .iter()
        .map(|failure| failure.item_identifier.as_str())
        .collect();
    assert_eq!(failed, ["0b6e1c2d-3f4a-4b5c-8d9e-0f1a2b3c4d5e"]);
    assert_eq!(
        env.stores
            .jobs
            .get_job(waiting)
            .await
            .unwrap()
            .unwrap()
            .status,
        JobStatus::Created
    );
}

/// A path of the template with its parameters filled in the way [`ROUTES`] fills them.
fn instantiate(template_path: &str) -> String {
    template_path
        .replace("{rid}", "987654")
        .replace("{range}", "0:10")
        .replace("{spec+}", "hcurves")
        .replace("{rest+}", "nrml")
}

#[test]
fn the_template_routes_every_endpoint_to_a_function() {
    let template = std::fs::read_to_string(oqcloud_tests::repo_root().join("template.yaml"))
        .expect("template.yaml");
    let template_paths: Vec<String> = template
        .lines()
        .filter_map(|line| line.trim().strip_prefix("Path: "))
        .map(instantiate)
        .collect();
    let tested: HashSet<&str> = ROUTES
        .iter()
        .map(|(_, path, _)| path.split('?').next().unwrap_or(path))
        .collect();
    // Every route of the template is one the router answers (ROUTES are tested against it)...
    for path in &template_paths {
        let covered = tested.contains(path.as_str())
            || (path == "/v1/valid/nrml" && tested.contains("/v1/valid/"));
        assert!(
            covered,
            "template path {path} is not among the tested routes"
        );
    }
    // ...and every tested route but the unknown one is deployed.
    for path in tested {
        assert!(
            path == "/v1/nothing/here" || template_paths.iter().any(|p| p == path),
            "route {path} is not in template.yaml"
        );
    }
}
