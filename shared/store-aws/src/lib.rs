//! The AWS implementations of oqcloud's storage traits: [`DynamoJobRepo`] (DynamoDB),
//! [`S3BlobStore`] (S3), [`SqsRunQueue`] (SQS) and [`SesMailer`] (SES v2), built together
//! by [`AwsStores`] from the environment.
//!
//! Configuration comes only from the environment ([`AwsSettings::from_env`]): the resource
//! names below plus the SDK's own variables (`AWS_REGION`, credentials, and
//! `AWS_ENDPOINT_URL` to talk to an emulator such as moto server).
//!
//! | variable             | meaning                                             |
//! |----------------------|-----------------------------------------------------|
//! | `OQCLOUD_JOBS_TABLE` | DynamoDB table of jobs, their log rows and outputs  |
//! | `OQCLOUD_BUCKET`     | S3 bucket of inputs, datastores and exports         |
//! | `OQCLOUD_QUEUE_URL`  | URL of the SQS queue of calc ids to run             |
//! | `OQCLOUD_MAIL_FROM`  | sender address of completion mail (an SES identity) |
//!
//! Invariants, the same as the embedded stores keep:
//! - calc ids and result ids come from atomic counters (DynamoDB `ADD`) and are never reused,
//!   not even after a job is deleted;
//! - a status transition is one conditional write (`status IN (predecessors)`): a duplicate
//!   delivery or a late worker cannot move a finished job backwards;
//! - log rows of a job are numbered by a per-job counter and read back in that order.
//!
//! [`AwsStores::create_resources`] creates the table, bucket, queue and mail identity
//! idempotently; the `oqcloud-aws-setup` binary runs it from the same environment.

mod dynamo;
mod filter;
#[cfg(feature = "moto")]
pub mod moto;
mod s3;
mod ses;
mod sqs;

use std::sync::Arc;

use aws_config::{BehaviorVersion, SdkConfig};
use oqcloud_store::{StoreError, StoreResult};

pub use dynamo::DynamoJobRepo;
pub use s3::S3BlobStore;
pub use ses::SesMailer;
pub use sqs::{Delivery, SqsRunQueue};

/// Environment variable naming the DynamoDB jobs table.
pub const JOBS_TABLE_VAR: &str = "OQCLOUD_JOBS_TABLE";
/// Environment variable naming the S3 bucket.
pub const BUCKET_VAR: &str = "OQCLOUD_BUCKET";
/// Environment variable holding the SQS queue URL.
pub const QUEUE_URL_VAR: &str = "OQCLOUD_QUEUE_URL";
/// Environment variable holding the sender address of mail.
pub const MAIL_FROM_VAR: &str = "OQCLOUD_MAIL_FROM";

/// Names of the AWS resources the stores use.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AwsSettings {
    pub jobs_table: String,
    pub bucket: String,
    pub queue_url: String,
    pub mail_from: String,
    /// Address S3 objects as `<endpoint>/<bucket>/<key>` (emulators need it). Set when
    /// `AWS_ENDPOINT_URL` or `AWS_ENDPOINT_URL_S3` is.
    pub s3_path_style: bool,
}

impl AwsSettings {
    /// Reads the settings from the process environment.
    pub fn from_env() -> StoreResult<Self> {
        Self::from_vars(|name| std::env::var(name).ok())
    }

    /// Reads the settings through `var` (a variable lookup); every name is required and
    /// must not be empty.
    pub fn from_vars(var: impl Fn(&str) -> Option<String>) -> StoreResult<Self> {
        let required = |name: &str| {
            var(name)
                .filter(|value| !value.is_empty())
                .ok_or_else(|| StoreError::Other(format!("environment variable {name} is not set")))
        };
        let custom_endpoint = ["AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_S3"]
            .iter()
            .any(|name| var(name).is_some_and(|value| !value.is_empty()));
        Ok(AwsSettings {
            jobs_table: required(JOBS_TABLE_VAR)?,
            bucket: required(BUCKET_VAR)?,
            queue_url: required(QUEUE_URL_VAR)?,
            mail_from: required(MAIL_FROM_VAR)?,
            s3_path_style: custom_endpoint,
        })
    }
}

/// Every AWS store, sharing one SDK configuration.
#[derive(Clone)]
pub struct AwsStores {
    pub jobs: Arc<DynamoJobRepo>,
    pub blobs: Arc<S3BlobStore>,
    pub queue: Arc<SqsRunQueue>,
    pub mailer: Arc<SesMailer>,
}

impl AwsStores {
    /// Stores configured from the environment: [`AwsSettings::from_env`] and the SDK's
    /// default chain (region, credentials, `AWS_ENDPOINT_URL`).
    pub async fn from_env() -> StoreResult<Self> {
        let settings = AwsSettings::from_env()?;
        let sdk = aws_config::defaults(BehaviorVersion::latest()).load().await;
        Ok(Self::new(&sdk, &settings))
    }

    /// Stores over an explicit SDK configuration. S3 uses path-style addressing when
    /// `settings` asks for it or `sdk` has a custom endpoint.
    pub fn new(sdk: &SdkConfig, settings: &AwsSettings) -> Self {
        let path_style = settings.s3_path_style || sdk.endpoint_url().is_some();
        let s3 = aws_sdk_s3::config::Builder::from(sdk)
            .force_path_style(path_style)
            .build();
        AwsStores {
            jobs: Arc::new(DynamoJobRepo::new(
                aws_sdk_dynamodb::Client::new(sdk),
                settings.jobs_table.clone(),
            )),
            blobs: Arc::new(S3BlobStore::new(
                aws_sdk_s3::Client::from_conf(s3),
                settings.bucket.clone(),
            )),
            queue: Arc::new(SqsRunQueue::new(
                aws_sdk_sqs::Client::new(sdk),
                settings.queue_url.clone(),
            )),
            mailer: Arc::new(SesMailer::new(
                aws_sdk_sesv2::Client::new(sdk),
                settings.mail_from.clone(),
            )),
        }
    }

    /// Creates the jobs table, the bucket, the queue and the sender's mail identity if they
    /// do not exist; existing ones are left as they are. Waits until the table is active.
    pub async fn create_resources(&self) -> StoreResult<()> {
        self.jobs.create_table().await?;
        self.blobs.create_bucket().await?;
        self.queue.create_queue().await?;
        self.mailer.create_identity().await
    }
}

/// A failed AWS call as a [`StoreError`], with the SDK's full error chain.
fn aws_error(
    what: impl std::fmt::Display,
    err: impl std::error::Error + Send + Sync + 'static,
) -> StoreError {
    StoreError::Other(format!(
        "{what}: {}",
        aws_sdk_dynamodb::error::DisplayErrorContext(err)
    ))
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;

    fn vars(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let map: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        move |name| map.get(name).cloned()
    }

    const NAMES: [(&str, &str); 4] = [
        (JOBS_TABLE_VAR, "jobs"),
        (BUCKET_VAR, "blobs"),
        (QUEUE_URL_VAR, "http://q/1/runs"),
        (MAIL_FROM_VAR, "oq@example.com"),
    ];

    #[test]
    fn reads_settings_from_variables() {
        let settings = AwsSettings::from_vars(vars(&NAMES)).unwrap();
        assert_eq!(
            settings,
            AwsSettings {
                jobs_table: "jobs".into(),
                bucket: "blobs".into(),
                queue_url: "http://q/1/runs".into(),
                mail_from: "oq@example.com".into(),
                s3_path_style: false,
            }
        );
        let mut with_endpoint = NAMES.to_vec();
        with_endpoint.push(("AWS_ENDPOINT_URL", "http://127.0.0.1:5000"));
        assert!(
            AwsSettings::from_vars(vars(&with_endpoint))
                .unwrap()
                .s3_path_style
        );
    }

    #[test]
    fn names_the_missing_variable() {
        for missing in 0..NAMES.len() {
            let mut pairs = NAMES.to_vec();
            let (name, _) = pairs.remove(missing);
            let err = AwsSettings::from_vars(vars(&pairs))
                .unwrap_err()
                .to_string();
            assert!(err.contains(name), "{err}");
            pairs.push((name, ""));
            assert!(
                AwsSettings::from_vars(vars(&pairs)).is_err(),
                "{name} empty"
            );
        }
    }
}
