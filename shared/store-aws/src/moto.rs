//! Test support (feature `moto`): a moto server (the AWS-API emulator), and a fresh set of
//! AWS resources on it per test.
//!
//! One `moto_server` runs per test process, on a free loopback port. It is started through
//! `sh`, which kills it when the test process exits (its stdin pipe closes then). Each test
//! gets its own table, bucket, queue and sender, so tests run in parallel.

use std::io::Write;
use std::net::{TcpListener, TcpStream};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

use crate::{AwsSettings, AwsStores};
use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_sdk_dynamodb::config::Credentials;

/// Account id moto puts in queue URLs.
const MOTO_ACCOUNT: &str = "123456789012";

/// Runs moto until its stdin reaches end of file.
const SCRIPT: &str = r#"moto_server -H 127.0.0.1 -p "$1" >/dev/null 2>&1 & pid=$!
read -r _ || true
kill "$pid""#;

/// A running `moto_server`.
pub struct Moto {
    pub endpoint: String,
    _child: Child,
    _stdin: Option<ChildStdin>,
}

static MOTO: OnceLock<Option<Moto>> = OnceLock::new();

fn installed(program: &str) -> bool {
    std::env::var_os("PATH")
        .is_some_and(|path| std::env::split_paths(&path).any(|dir| dir.join(program).is_file()))
}

fn start() -> Option<Moto> {
    if !installed("moto_server") {
        return None;
    }
    let port = TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .expect("a free loopback port")
        .port();
    let mut child = Command::new("sh")
        .args(["-c", SCRIPT, "sh", &port.to_string()])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .expect("starting moto_server");
    let stdin = child.stdin.take();
    let deadline = Instant::now() + Duration::from_secs(60);
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(Instant::now() < deadline, "moto_server did not start");
        std::thread::sleep(Duration::from_millis(100));
    }
    Some(Moto {
        endpoint: format!("http://127.0.0.1:{port}"),
        _child: child,
        _stdin: stdin,
    })
}

/// Stores over fresh resources of a shared moto server.
pub struct TestEnv {
    /// The emulator's URL.
    pub endpoint: String,
    pub settings: AwsSettings,
    pub stores: AwsStores,
}

impl TestEnv {
    /// A new set of resources for test `name`, or `None` (after saying so) when moto is
    /// not installed.
    pub async fn new(name: &str) -> Option<TestEnv> {
        let Some(moto) = MOTO.get_or_init(start) else {
            // Straight to stderr: the test harness captures `eprintln!` of passing tests.
            let _ = writeln!(
                std::io::stderr(),
                "SKIPPED {name}: moto_server is not installed (pip install \"moto[server]\")"
            );
            return None;
        };
        static NEXT: AtomicU32 = AtomicU32::new(0);
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        let suffix = format!("{n}-{}", name.replace('_', "-"));
        let settings = AwsSettings {
            jobs_table: format!("jobs-{suffix}"),
            bucket: format!("blobs-{suffix}").chars().take(63).collect(),
            queue_url: format!("{}/{MOTO_ACCOUNT}/runs-{suffix}", moto.endpoint),
            mail_from: format!("oq-{n}@example.com"),
            s3_path_style: true,
        };
        let sdk = sdk_config(&moto.endpoint).await;
        let stores = AwsStores::new(&sdk, &settings);
        stores.create_resources().await.expect("creating resources");
        Some(TestEnv {
            endpoint: moto.endpoint.clone(),
            settings,
            stores,
        })
    }

    /// An SDK configuration for the emulator (region `us-east-1`, test credentials), for
    /// clients of services the stores do not cover.
    pub async fn sdk_config(&self) -> SdkConfig {
        sdk_config(&self.endpoint).await
    }

    /// Every mail SES has sent through this emulator so far (every test's: moto's
    /// `/moto-api/data.json`), as moto records them (`source`, `destinations`, `subject`,
    /// `body`). Moto answers 500 there once Batch or Lambda resources exist in it.
    pub async fn sent_mail(&self) -> Vec<serde_json::Value> {
        let url = format!("{}/moto-api/data.json", self.endpoint);
        let data: serde_json::Value = reqwest::get(&url)
            .await
            .and_then(reqwest::Response::error_for_status)
            .unwrap_or_else(|e| panic!("GET {url}: {e}"))
            .json()
            .await
            .unwrap_or_else(|e| panic!("GET {url}: {e}"));
        data["ses"]["Message"]
            .as_array()
            .cloned()
            .unwrap_or_default()
    }

    /// The environment a process needs to reach these resources: the stores' variables,
    /// the emulator's endpoint, region and test credentials.
    pub fn process_env(&self) -> Vec<(&'static str, String)> {
        vec![
            (crate::JOBS_TABLE_VAR, self.settings.jobs_table.clone()),
            (crate::BUCKET_VAR, self.settings.bucket.clone()),
            (crate::QUEUE_URL_VAR, self.settings.queue_url.clone()),
            (crate::MAIL_FROM_VAR, self.settings.mail_from.clone()),
            ("AWS_ENDPOINT_URL", self.endpoint.clone()),
            ("AWS_REGION", "us-east-1".to_owned()),
            ("AWS_ACCESS_KEY_ID", "testing".to_owned()),
            ("AWS_SECRET_ACCESS_KEY", "testing".to_owned()),
        ]
    }
}

/// The SDK configuration of a moto server at `endpoint`.
async fn sdk_config(endpoint: &str) -> SdkConfig {
    aws_config::defaults(BehaviorVersion::latest())
        .region(Region::new("us-east-1"))
        .endpoint_url(endpoint)
        .credentials_provider(Credentials::new("testing", "testing", None, None, "moto"))
        .load()
        .await
}
