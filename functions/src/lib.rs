//! The AWS Lambda entry points of oqcloud, as a library their `main`s call:
//!
//! - [`api`]: the REST API. Every endpoint function (`src/bin/<endpoint>.rs`) runs the same
//!   router, [`oqcloud_api::app`], over the AWS stores; API Gateway routes only its own
//!   paths to each function, which then differ only in their IAM rights, memory and
//!   timeout (see `template.yaml`).
//! - [`dispatcher`]: consumes the SQS run queue and submits one AWS Batch job per
//!   calculation (the container runs `oqcloud worker --calc-id N`).
//! - [`notifier`]: receives the Batch job state changes (EventBridge) and settles a job
//!   whose container ended without settling it: it ends `failed` and its owner is mailed.
//!   Jobs a worker settles are mailed by the worker itself, so every terminal status is
//!   mailed once, by whoever recorded it.
//!
//! Configuration comes only from the environment: the stores' variables (see
//! [`oqcloud_store_aws`]) and those of [`batch::BatchSettings`].

pub mod api;
pub mod batch;
pub mod dispatcher;
pub mod notifier;

use aws_config::{BehaviorVersion, SdkConfig};

/// The SDK configuration from the environment (region, credentials, `AWS_ENDPOINT_URL`).
pub async fn sdk_config() -> SdkConfig {
    aws_config::defaults(BehaviorVersion::latest()).load().await
}

/// What a function's `main` returns: an error is printed, and the process exits non-zero.
pub type MainResult = Result<(), lambda_runtime::Error>;

/// Runs `body` on a multi-threaded tokio runtime with Lambda's default log subscriber (the
/// level from `RUST_LOG` or `AWS_LAMBDA_LOG_LEVEL`).
fn run_main(body: impl Future<Output = MainResult>) -> MainResult {
    lambda_runtime::tracing::init_default_subscriber();
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?
        .block_on(body)
}
