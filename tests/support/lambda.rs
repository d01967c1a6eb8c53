//! Support for the tests of the Lambda functions: API Gateway events from the fixtures in
//! `tests/data/lambda`, run through lambda_http exactly as the runtime does, and AWS Batch
//! resources on the moto server.

use std::path::PathBuf;

use aws_sdk_batch::types::{
    CeType, ComputeEnvironmentOrder, ContainerProperties, JobDefinitionType, JqState,
    ResourceRequirement, ResourceType,
};
use axum::Router;
use lambda_http::request::LambdaRequest;
use lambda_http::{Adapter, Service};
use lambda_runtime::{Context, LambdaEvent};
use oqcloud_functions::api::service;
use oqcloud_functions::batch::BatchSettings;
use oqcloud_store_aws::moto::TestEnv;
use serde_json::Value;

/// A fixture of `tests/data/lambda`, parsed.
pub fn fixture(name: &str) -> Value {
    let path = crate::repo_root().join("tests/data/lambda").join(name);
    let text =
        std::fs::read_to_string(&path).unwrap_or_else(|err| panic!("{}: {err}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|err| panic!("{}: {err}", path.display()))
}

/// API Gateway's payload versions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Payload {
    /// REST API proxy integration (payload 1.0), stage `Prod` in the request context.
    RestV1,
    /// HTTP API (payload 2.0), `$default` stage.
    HttpV2,
}

/// The fixture event of `payload` turned into a request `method path?query` with `body`
/// (base64-encoded when `binary`) and `headers`.
pub fn event(
    payload: Payload,
    method: &str,
    path_and_query: &str,
    headers: &[(&str, &str)],
    body: Option<(&str, bool)>,
) -> Value {
    let (path, query) = path_and_query
        .split_once('?')
        .unwrap_or((path_and_query, ""));
    let mut event;
    match payload {
        Payload::RestV1 => {
            event = fixture("apigw-rest-v1.json");
            event["httpMethod"] = method.into();
            event["path"] = path.into();
            event["resource"] = path.into();
            event["requestContext"]["httpMethod"] = method.into();
            event["requestContext"]["resourcePath"] = path.into();
            event["requestContext"]["path"] = format!("/Prod{path}").into();
            let mut single = serde_json::Map::new();
            let mut multi = serde_json::Map::new();
            for pair in query.split('&').filter(|pair| !pair.is_empty()) {
                let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
                single.insert(name.into(), value.into());
                multi.insert(name.into(), Value::Array(vec![value.into()]));
            }
            if !single.is_empty() {
                event["queryStringParameters"] = single.into();
                event["multiValueQueryStringParameters"] = multi.into();
            }
            for (name, value) in headers {
                event["headers"][*name] = (*value).into();
                event["multiValueHeaders"][*name] = Value::Array(vec![(*value).into()]);
            }
        }
        Payload::HttpV2 => {
            event = fixture("apigw-http-v2.json");
            event["routeKey"] = format!("{method} {path}").into();
            event["rawPath"] = path.into();
            event["rawQueryString"] = query.into();
            event["requestContext"]["routeKey"] = format!("{method} {path}").into();
            event["requestContext"]["http"]["method"] = method.into();
            event["requestContext"]["http"]["path"] = path.into();
            if !query.is_empty() {
                let mut parameters = serde_json::Map::new();
                for pair in query.split('&') {
                    let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
                    parameters.insert(name.into(), value.into());
                }
                event["queryStringParameters"] = parameters.into();
            }
            for (name, value) in headers {
                event["headers"][name.to_ascii_lowercase()] = (*value).into();
            }
        }
    }
    if let Some((body, binary)) = body {
        event["body"] = body.into();
        event["isBase64Encoded"] = binary.into();
    }
    event
}

/// What API Gateway gets back from the function: the serialized `LambdaResponse` of the
/// function's service for `event`, as the runtime posts it.
pub async fn invoke(router: &Router, event: Value) -> Value {
    let request: LambdaRequest =
        serde_json::from_value(event).expect("lambda_http parses the event");
    let mut adapter = Adapter::from(service(router.clone()));
    let response = adapter
        .call(LambdaEvent::new(request, Context::default()))
        .await
        .expect("the service never fails");
    serde_json::to_value(response).expect("the response serializes")
}

/// The decoded body of a response posted by [`invoke`].
pub fn body_bytes(response: &Value) -> Vec<u8> {
    use base64::Engine;
    let body = response["body"].as_str().unwrap_or_default();
    if response["isBase64Encoded"] == true {
        base64::engine::general_purpose::STANDARD
            .decode(body)
            .expect("base64 body")
    } else {
        body.as_bytes().to_vec()
    }
}

/// A Batch compute environment, job queue and job definition on the moto server of `env`
/// (jobs are accepted and marked succeeded without running: moto's `use_docker: false`).
/// moto answers `/moto-api/data.json` with a 500 once Batch resources exist, so tests that
/// read sent mail run in another test process.
pub async fn moto_batch(env: &TestEnv) -> BatchSettings {
    let client = reqwest::Client::new();
    let configured = client
        .post(format!("{}/moto-api/config", env.endpoint))
        .json(&serde_json::json!({"batch": {"use_docker": false}}))
        .send()
        .await
        .expect("moto config");
    assert!(configured.status().is_success(), "{configured:?}");
    let name = env.settings.jobs_table.replace("jobs-", "oq-");
    // The compute environment's service role must exist in moto's IAM: one unsigned
    // CreateRole call (moto routes it by the credential scope and checks no signature).
    let role = client
        .post(&env.endpoint)
        .header(
            "Authorization",
            "AWS4-HMAC-SHA256 Credential=testing/20260101/us-east-1/iam/aws4_request, \
             SignedHeaders=host, Signature=0",
        )
        .form(&[
            ("Action", "CreateRole"),
            ("Version", "2010-05-08"),
            ("RoleName", name.as_str()),
            (
                "AssumeRolePolicyDocument",
                r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"batch.amazonaws.com"},"Action":"sts:AssumeRole"}]}"#,
            ),
        ])
        .send()
        .await
        .expect("CreateRole");
    assert!(role.status().is_success(), "{:?}", role.text().await);
    let batch = aws_sdk_batch::Client::new(&env.sdk_config().await);
    batch
        .create_compute_environment()
        .compute_environment_name(&name)
        .r#type(CeType::Unmanaged)
        .service_role(format!("arn:aws:iam::123456789012:role/{name}"))
        .send()
        .await
        .expect("compute environment");
    batch
        .create_job_queue()
        .job_queue_name(&name)
        .state(JqState::Enabled)
        .priority(1)
        .compute_environment_order(
            ComputeEnvironmentOrder::builder()
                .order(1)
                .compute_environment(&name)
                .build(),
        )
        .send()
        .await
        .expect("job queue");
    batch
        .register_job_definition()
        .job_definition_name(&name)
        .r#type(JobDefinitionType::Container)
        .container_properties(
            ContainerProperties::builder()
                .image("oqcloud-worker:test")
                .command("--calc-id")
                .command("Ref::calc_id")
                .resource_requirements(
                    ResourceRequirement::builder()
                        .r#type(ResourceType::Vcpu)
                        .value("1")
                        .build(),
                )
                .resource_requirements(
                    ResourceRequirement::builder()
                        .r#type(ResourceType::Memory)
                        .value("2048")
                        .build(),
                )
                .build(),
        )
        .send()
        .await
        .expect("job definition");
    BatchSettings {
        job_queue: name.clone(),
        job_definition: name,
    }
}

/// A scratch directory for a function's uploads.
pub fn scratch() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().canonicalize().expect("canonical temp dir");
    (dir, path)
}
