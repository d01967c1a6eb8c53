//! The completion notifier: an EventBridge-triggered function that receives AWS Batch's
//! "Batch Job State Change" events of failed jobs.
//!
//! A worker that settles its calculation (complete, failed or aborted) records the status
//! and mails the owner itself, and then exits 0. A Batch job that fails without that (the
//! container was killed for memory or by its timeout, its instance went away, its image
//! could not start, the worker could not reach the stores) leaves the calculation
//! `executing` or waiting: the notifier ends it `failed` with Batch's reason as its
//! traceback and mails the owner ([`oqcloud_worker::fail_abandoned`]). The status change is
//! a conditional write, so exactly one of them records and mails a terminal status.

use std::collections::HashMap;
use std::sync::Arc;

use aws_lambda_events::cloudwatch_events::CloudWatchEvent;
use lambda_runtime::{LambdaEvent, service_fn};
use oqcloud_model::CalcId;
use oqcloud_store_aws::{AwsSettings, AwsStores};
use oqcloud_worker::{WorkerDeps, fail_abandoned};
use serde::{Deserialize, Serialize};

use crate::batch::{CALC_ID_PARAMETER, calc_id_of};
use crate::{MainResult, run_main, sdk_config};

/// The `detail` of a "Batch Job State Change" event (the fields used here).
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct BatchJobStateChange {
    #[serde(default)]
    pub job_id: Option<String>,
    #[serde(default)]
    pub job_name: Option<String>,
    #[serde(default)]
    pub status: Option<String>,
    #[serde(default)]
    pub status_reason: Option<String>,
    #[serde(default)]
    pub parameters: HashMap<String, String>,
    #[serde(default)]
    pub container: Option<ContainerDetail>,
}

/// The container part of a Batch job state change.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ContainerDetail {
    #[serde(default)]
    pub exit_code: Option<i64>,
    #[serde(default)]
    pub reason: Option<String>,
}

impl BatchJobStateChange {
    /// The calculation the Batch job ran.
    pub fn calc_id(&self) -> Option<CalcId> {
        calc_id_of(
            self.job_name.as_deref(),
            self.parameters.get(CALC_ID_PARAMETER).map(String::as_str),
        )
    }

    /// Why the Batch job ended, from Batch's reason and the container's.
    pub fn reason(&self) -> String {
        let mut parts = vec![format!(
            "The AWS Batch job {} of this calculation ended {} before the worker recorded \
             how the calculation ended",
            self.job_id.as_deref().unwrap_or("(unknown id)"),
            self.status.as_deref().unwrap_or("(unknown status)")
        )];
        if let Some(reason) = &self.status_reason {
            parts.push(format!("Batch: {reason}"));
        }
        if let Some(container) = &self.container {
            if let Some(code) = container.exit_code {
                parts.push(format!("container exit code: {code}"));
            }
            if let Some(reason) = &container.reason {
                parts.push(format!("container: {reason}"));
            }
        }
        parts.join("\n")
    }
}

/// The event the notifier handles.
pub type BatchEvent = CloudWatchEvent<BatchJobStateChange>;

/// What the notifier did with one event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Notified {
    /// The calculation was still unsettled: it is now `failed`, and its owner was mailed.
    Failed(CalcId),
    /// The calculation was settled (and mailed) by its worker, or is gone.
    AlreadySettled(CalcId),
    /// Not a failed Batch job of a calculation.
    Ignored,
}

/// The notifier: the stores it settles and mails with.
pub struct Notifier {
    deps: WorkerDeps,
}

impl Notifier {
    /// A notifier over the AWS stores.
    pub fn new(stores: &AwsStores) -> Self {
        Notifier {
            deps: WorkerDeps {
                jobs: stores.jobs.clone(),
                blobs: stores.blobs.clone(),
                mailer: stores.mailer.clone(),
                // It runs no calculation.
                engines: Vec::new(),
                scratch_dir: std::env::temp_dir(),
            },
        }
    }

    /// A notifier over the stores of the environment.
    pub async fn from_env() -> anyhow::Result<Self> {
        let sdk = sdk_config().await;
        Ok(Self::new(&AwsStores::new(&sdk, &AwsSettings::from_env()?)))
    }

    /// Handles one state change. Errors are the stores' (the event is then retried).
    pub async fn handle(&self, event: &BatchEvent) -> anyhow::Result<Notified> {
        let Some(detail) = &event.detail else {
            return Ok(Notified::Ignored);
        };
        let (Some("FAILED"), Some(id)) = (detail.status.as_deref(), detail.calc_id()) else {
            tracing::info!(
                "ignoring Batch job {:?} ({:?})",
                detail.job_name,
                detail.status
            );
            return Ok(Notified::Ignored);
        };
        Ok(if fail_abandoned(&self.deps, id, &detail.reason()).await? {
            Notified::Failed(id)
        } else {
            Notified::AlreadySettled(id)
        })
    }
}

/// The notifier function's main.
pub fn main() -> MainResult {
    run_main(async {
        let notifier = Arc::new(Notifier::from_env().await?);
        lambda_runtime::run(service_fn(move |event: LambdaEvent<BatchEvent>| {
            let notifier = notifier.clone();
            async move {
                let outcome = notifier.handle(&event.payload).await?;
                tracing::info!("{outcome:?}");
                Ok::<_, anyhow::Error>(())
            }
        }))
        .await
    })
}
