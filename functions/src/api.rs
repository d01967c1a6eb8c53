//! The REST API as a Lambda behind API Gateway (REST API payload v1 or HTTP API v2).
//!
//! Every endpoint function runs the whole router: routing stays in one place
//! ([`oqcloud_api::app`]), the same code serves the embedded server, and a function that
//! received a path API Gateway does not route to it would still answer it correctly.

use std::convert::Infallible;
use std::path::PathBuf;
use std::sync::Arc;

use axum::Router;
use lambda_http::request::RequestContext;
use lambda_http::{Request, RequestExt};
use oqcloud::aws::api_state;
use oqcloud_api::{Limits, app};
use oqcloud_store_aws::{AwsSettings, AwsStores};
use tower::ServiceExt;
use tower::util::BoxCloneSyncService;

use crate::batch::{BatchJobs, BatchRunQueue, BatchSettings};
use crate::{MainResult, run_main, sdk_config};

/// Environment variable: the user requests act as (authentication is off); `oqcloud` by
/// default.
pub const DEFAULT_USER_VAR: &str = "OQCLOUD_DEFAULT_USER";
/// Environment variable: the largest accepted upload in MiB; 10 by default, API Gateway's
/// payload limit (larger inputs go through S3: see the README).
pub const MAX_UPLOAD_MB_VAR: &str = "OQCLOUD_MAX_UPLOAD_MB";
/// Environment variable: the largest job zip uploaded to a presigned URL, in MiB; 200 by
/// default.
pub const MAX_STAGED_UPLOAD_MB_VAR: &str = "OQCLOUD_MAX_STAGED_UPLOAD_MB";
/// Environment variable: the largest export or extract answered in the response body, in
/// bytes ([`Limits::DEFAULT_MAX_INLINE_BYTES`] by default); larger ones are redirected to a
/// presigned S3 URL.
pub const MAX_INLINE_BYTES_VAR: &str = "OQCLOUD_MAX_INLINE_BYTES";
/// Environment variable: how many MiB of datastores copied from S3 an instance keeps for
/// its next requests; [`Limits::DEFAULT_DATASTORE_CACHE_BYTES`] by default (the template
/// gives the functions reading datastores 4 GiB of `/tmp`).
pub const DATASTORE_CACHE_MB_VAR: &str = "OQCLOUD_DATASTORE_CACHE_MB";

/// Settings of the API in a function.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiSettings {
    /// The user requests act as.
    pub default_user: String,
    pub limits: Limits,
    /// Local scratch space (uploads being checked, datastores being read); absolute.
    pub scratch_dir: PathBuf,
}

impl ApiSettings {
    /// [`DEFAULT_USER_VAR`] and the limits' variables, scratch space under `/tmp`.
    pub fn from_env() -> anyhow::Result<Self> {
        const MIB: u64 = 1024 * 1024;
        Ok(ApiSettings {
            default_user: std::env::var(DEFAULT_USER_VAR).unwrap_or_else(|_| "oqcloud".to_owned()),
            limits: Limits {
                max_upload_bytes: number_var(MAX_UPLOAD_MB_VAR, 10)? * MIB,
                max_staged_upload_bytes: number_var(MAX_STAGED_UPLOAD_MB_VAR, 200)? * MIB,
                max_inline_bytes: number_var(
                    MAX_INLINE_BYTES_VAR,
                    Limits::DEFAULT_MAX_INLINE_BYTES,
                )?,
                datastore_cache_bytes: number_var(
                    DATASTORE_CACHE_MB_VAR,
                    Limits::DEFAULT_DATASTORE_CACHE_BYTES / MIB,
                )? * MIB,
            },
            scratch_dir: PathBuf::from("/tmp/oqcloud"),
        })
    }
}

/// The number in environment variable `name`, `default` when it is unset.
fn number_var(name: &str, default: u64) -> anyhow::Result<u64> {
    match std::env::var(name) {
        Ok(value) => value
            .parse()
            .map_err(|err| anyhow::anyhow!("{name}={value:?}: {err}")),
        Err(_) => Ok(default),
    }
}

/// The main of every endpoint function: builds the router from the environment and serves
/// API Gateway's events with it.
pub fn main() -> MainResult {
    run_main(async {
        let sdk = sdk_config().await;
        let stores = AwsStores::new(&sdk, &AwsSettings::from_env()?);
        let batch = BatchJobs::new(&sdk, BatchSettings::from_env()?);
        let router = router(&stores, batch, ApiSettings::from_env()?)?;
        lambda_http::run(service(router)).await
    })
}

/// The router over the AWS stores, with runs queued on SQS and aborted on Batch.
pub fn router(
    stores: &AwsStores,
    batch: BatchJobs,
    settings: ApiSettings,
) -> anyhow::Result<Router> {
    std::fs::create_dir_all(&settings.scratch_dir)?;
    let queue = Arc::new(BatchRunQueue {
        sqs: stores.queue.clone(),
        batch,
    });
    Ok(app(api_state(
        stores,
        queue,
        &settings.scratch_dir,
        settings.default_user,
        settings.limits,
    )))
}

/// The service a function runs over API Gateway's requests: `router`, after taking the
/// stage name off the path (a REST API's events carry it; the routes do not).
pub fn service(
    router: Router,
) -> BoxCloneSyncService<Request, axum::response::Response, Infallible> {
    BoxCloneSyncService::new(router.map_request(without_stage))
}

/// The request with `/<stage>` removed from the front of its path, when API Gateway put it
/// there (lambda_http adds the stage of REST API events, and of HTTP API events outside the
/// `$default` stage).
fn without_stage(mut request: Request) -> Request {
    let stage = match request.request_context_ref() {
        Some(RequestContext::ApiGatewayV1(context)) => context.stage.clone(),
        Some(RequestContext::ApiGatewayV2(context)) => context.stage.clone(),
        _ => None,
    };
    let Some(stage) = stage else {
        return request;
    };
    let uri = request.uri();
    let prefix = format!("/{stage}");
    let Some(rest) = uri.path().strip_prefix(&prefix) else {
        return request;
    };
    if !rest.starts_with('/') {
        return request;
    }
    let path_and_query = match uri.query() {
        Some(query) => format!("{rest}?{query}"),
        None => rest.to_owned(),
    };
    let mut parts = uri.clone().into_parts();
    match path_and_query.parse() {
        Ok(parsed) => parts.path_and_query = Some(parsed),
        Err(_) => return request,
    }
    if let Ok(uri) = axum::http::Uri::from_parts(parts) {
        *request.uri_mut() = uri;
    }
    request
}
