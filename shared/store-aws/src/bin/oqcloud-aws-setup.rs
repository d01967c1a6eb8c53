//! Creates the AWS resources named by the environment (see `oqcloud_store_aws`), idempotently:
//! `OQCLOUD_JOBS_TABLE=... OQCLOUD_BUCKET=... OQCLOUD_QUEUE_URL=... OQCLOUD_MAIL_FROM=...
//! AWS_ENDPOINT_URL=http://127.0.0.1:5000 oqcloud-aws-setup`.

use std::process::ExitCode;

use oqcloud_store_aws::AwsStores;

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    let created = match AwsStores::from_env().await {
        Ok(stores) => stores.create_resources().await,
        Err(err) => Err(err),
    };
    match created {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("oqcloud-aws-setup: {err}");
            ExitCode::FAILURE
        }
    }
}
