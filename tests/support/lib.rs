//! Support code for the end-to-end tests: start the embedded server on a real socket,
//! submit jobs over HTTP, wait for them, and compare with the reference fixtures.

pub mod lambda;
pub mod qa;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use oqcloud::aws::{AwsServer, AwsServerOptions};
use oqcloud::embedded::{EmbeddedServer, ServerOptions};
use oqcloud_api::Limits;
use oqcloud_store_aws::moto::TestEnv;
use reqwest::multipart::{Form, Part};
use serde_json::Value;

/// The repository's root directory.
pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests/ sits in the repository")
        .to_path_buf()
}

/// A demo job directory under `demos/`.
pub fn demo(name: &str) -> PathBuf {
    repo_root().join("demos").join(name)
}

/// Whether the reference OpenQuake engine can be found; prints a visible SKIPPED line for
/// `test` when it cannot.
pub fn openquake_available(test: &str) -> bool {
    let found = oqcloud::embedded::available_engines()
        .iter()
        .any(|engine| engine.name() == "openquake");
    if !found {
        eprintln!(
            "SKIPPED {test}: the reference OpenQuake engine is not installed \
             (set OQCLOUD_OPENQUAKE or install it with infra/install-openquake.sh)"
        );
    }
    found
}

/// Runs `tests/python/<script>` with the reference engine's Python (which must be
/// installed: see [`openquake_available`]) and `args`; asserts it succeeds and returns what
/// it printed.
pub async fn run_reference_python(
    script: &str,
    args: impl IntoIterator<Item = impl AsRef<std::ffi::OsStr>>,
) -> String {
    let python = oqcloud_worker::openquake::OpenQuakeEngine::discover()
        .expect("the reference engine")
        .executable()
        .with_file_name("python");
    let output = tokio::process::Command::new(&python)
        .arg(repo_root().join("tests/python").join(script))
        .args(args)
        .output()
        .await
        .unwrap_or_else(|e| panic!("running {script}: {e}"));
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{script}: {stdout}\n{stderr}");
    stdout
}

/// A copy of the demo `name` whose job.ini asks for `engine`: the reference OpenQuake
/// engine (`openquake`) or oqcloud's own (`native`).
pub fn demo_on_engine(name: &str, engine: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    for entry in std::fs::read_dir(demo(name)).expect("demo dir") {
        let path = entry.expect("dir entry").path();
        if path.is_file() {
            std::fs::copy(&path, dir.path().join(path.file_name().expect("file name")))
                .expect("copy demo file");
        }
    }
    let job_ini = dir.path().join("job.ini");
    let mut text = std::fs::read_to_string(&job_ini).expect("demo job.ini");
    text.push_str(&format!("\n[oqcloud]\nengine = {engine}\n"));
    std::fs::write(&job_ini, text).expect("write job.ini");
    dir
}

/// The 2-realization job of the extract fixtures (`tests/data/qa/oqcloud/area_quantiles`:
/// `demos/classical_area` at 3 sites, away from its fault), with its logic trees and
/// source model beside it and `engine` set.
pub fn area_quantiles_job(engine: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    let job =
        std::fs::read_to_string(repo_root().join("tests/data/qa/oqcloud/area_quantiles/job.ini"))
            .expect("job.ini");
    let job = job
        .replace("../../../../../demos/classical_area/", "")
        .replace("[general]\n", &format!("[general]\nengine = {engine}\n"));
    std::fs::write(dir.path().join("job.ini"), job).expect("write job.ini");
    for name in [
        "source_model_logic_tree.xml",
        "gsim_logic_tree.xml",
        "source_model.xml",
    ] {
        std::fs::copy(demo("classical_area").join(name), dir.path().join(name))
            .expect("copy input");
    }
    dir
}

/// A copy of `demos/classical_area` without its source model: accepted (the logic tree that
/// names it is there), then failed at run time when the source model is read.
pub fn failing_job() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    for entry in std::fs::read_dir(demo("classical_area")).expect("demo dir") {
        let path = entry.expect("dir entry").path();
        let name = path.file_name().expect("file name");
        if name != "source_model.xml" {
            std::fs::copy(&path, dir.path().join(name)).expect("copy demo file");
        }
    }
    dir
}

/// A server on a free loopback port: the embedded one over a temporary data directory, or
/// the local AWS mode over fresh resources of a moto server.
pub struct TestServer {
    pub base: String,
    pub client: reqwest::Client,
    /// The data directory (embedded) or the scratch directory (AWS mode).
    pub data_dir: tempfile::TempDir,
    pub backend: Backend,
}

/// What a [`TestServer`] runs on.
pub enum Backend {
    Embedded(EmbeddedServer),
    Aws {
        server: AwsServer,
        env: TestEnv,
    },
    /// A second AWS-mode server over the resources of another (see [`TestServer::aws_peer`]).
    AwsPeer(AwsServer),
}

/// An AWS-mode server over `env` with the test options (user `tester`, 5 MiB uploads)
/// adjusted, and its scratch directory.
async fn start_aws_server(
    env: &TestEnv,
    workers: usize,
    adjust: impl FnOnce(&mut AwsServerOptions),
) -> (AwsServer, tempfile::TempDir) {
    let data_dir = tempfile::tempdir().expect("temp dir");
    let mut options = AwsServerOptions {
        host: "127.0.0.1".into(),
        port: 0,
        workers,
        limits: Limits::with_max_upload(5 * 1024 * 1024),
        default_user: "tester".into(),
        scratch_dir: data_dir.path().to_path_buf(),
    };
    adjust(&mut options);
    let server = AwsServer::start(env.stores.clone(), options)
        .await
        .expect("server starts");
    (server, data_dir)
}

impl TestServer {
    /// Starts a server with two workers and a 5 MiB upload limit.
    pub async fn start() -> TestServer {
        Self::start_with(|_| {}).await
    }

    /// Starts a server after adjusting the default test options.
    pub async fn start_with(adjust: impl FnOnce(&mut ServerOptions)) -> TestServer {
        let data_dir = tempfile::tempdir().expect("temp dir");
        let mut options = ServerOptions {
            host: "127.0.0.1".into(),
            port: 0,
            data_dir: data_dir.path().to_path_buf(),
            workers: 2,
            max_upload_bytes: 5 * 1024 * 1024,
            default_user: "tester".into(),
        };
        adjust(&mut options);
        let server = EmbeddedServer::start(options).await.expect("server starts");
        TestServer {
            base: format!("http://{}", server.addr),
            client: reqwest::Client::new(),
            data_dir,
            backend: Backend::Embedded(server),
        }
    }

    /// Starts a server in local AWS mode over fresh resources of a moto server, with
    /// `workers` queue-polling workers; `None` (after printing SKIPPED) when moto is not
    /// installed.
    pub async fn start_aws(test: &str, workers: usize) -> Option<TestServer> {
        Self::start_aws_with(test, workers, |_| {}).await
    }

    /// [`TestServer::start_aws`] after adjusting the default test options.
    pub async fn start_aws_with(
        test: &str,
        workers: usize,
        adjust: impl FnOnce(&mut AwsServerOptions),
    ) -> Option<TestServer> {
        let env = TestEnv::new(test).await?;
        let (server, data_dir) = start_aws_server(&env, workers, adjust).await;
        Some(TestServer {
            base: format!("http://{}", server.addr),
            client: reqwest::Client::new(),
            data_dir,
            backend: Backend::Aws { server, env },
        })
    }

    /// Another server in local AWS mode, without workers, over the same emulator resources
    /// as this one (panics for an embedded server), with the test options adjusted.
    pub async fn aws_peer(&self, adjust: impl FnOnce(&mut AwsServerOptions)) -> TestServer {
        let Backend::Aws { env, .. } = &self.backend else {
            panic!("not an AWS-mode server");
        };
        let (server, data_dir) = start_aws_server(env, 0, adjust).await;
        TestServer {
            base: format!("http://{}", server.addr),
            client: reqwest::Client::new(),
            data_dir,
            backend: Backend::AwsPeer(server),
        }
    }

    /// The AWS-mode server and its emulator resources (panics for an embedded server).
    pub fn aws(&mut self) -> (&mut AwsServer, &TestEnv) {
        match &mut self.backend {
            Backend::Aws { server, env } => (server, env),
            _ => panic!("not an AWS-mode server with its resources"),
        }
    }

    /// The absolute URL of a path.
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// `GET path`.
    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client.get(self.url(path)).send().await.expect("GET")
    }

    /// `GET path` answered with JSON: (status, body).
    pub async fn get_json(&self, path: &str) -> (u16, Value) {
        let response = self.get(path).await;
        let status = response.status().as_u16();
        let body = response.json().await.unwrap_or(Value::Null);
        (status, body)
    }

    /// `POST path` with no body.
    pub async fn post(&self, path: &str) -> reqwest::Response {
        self.client.post(self.url(path)).send().await.expect("POST")
    }

    /// `POST path` with a multipart form.
    pub async fn post_form(&self, path: &str, form: Form) -> reqwest::Response {
        self.client
            .post(self.url(path))
            .multipart(form)
            .send()
            .await
            .expect("POST multipart")
    }

    /// Submits every file of a directory as `archive` parts, the job.ini first.
    pub async fn submit_dir(&self, dir: &Path) -> reqwest::Response {
        self.post_form("/v1/calc/run", files_form(dir)).await
    }

    /// Submits a job and returns its id, asserting it was accepted.
    pub async fn submit_ok(&self, dir: &Path) -> i64 {
        let response = self.submit_dir(dir).await;
        let status = response.status().as_u16();
        let body: Value = response.json().await.expect("JSON body");
        assert_eq!(status, 200, "submission refused: {body}");
        body["job_id"].as_i64().expect("job_id")
    }

    /// Polls the job's status until `done` holds for it, or panics after `timeout`.
    /// Returns every distinct status seen, in order.
    pub async fn wait_for(
        &self,
        id: i64,
        timeout: Duration,
        done: impl Fn(&str) -> bool,
    ) -> Vec<String> {
        let start = Instant::now();
        let mut seen: Vec<String> = Vec::new();
        loop {
            let (code, body) = self.get_json(&format!("/v1/calc/{id}/status")).await;
            assert_eq!(code, 200, "status of {id}: {body}");
            let status = body["status"].as_str().unwrap_or_default().to_owned();
            if seen.last() != Some(&status) {
                seen.push(status.clone());
            }
            if done(&status) {
                return seen;
            }
            assert!(
                start.elapsed() < timeout,
                "job {id} still {status} after {timeout:?}; seen {seen:?}"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Waits for the job to end, within `timeout`, and asserts it completed.
    pub async fn wait_complete(&self, id: i64, timeout: Duration) {
        let seen = self
            .wait_for(id, timeout, |s| matches!(s, "complete" | "failed"))
            .await;
        assert_eq!(
            seen.last().map(String::as_str),
            Some("complete"),
            "{seen:?}"
        );
    }
}

/// A multipart form with every file of `dir` as an `archive` part, `*.ini` first.
pub fn files_form(dir: &Path) -> Form {
    let mut names: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("demo dir")
        .map(|entry| entry.expect("dir entry").path())
        .filter(|path| path.is_file())
        .collect();
    names.sort_by_key(|path| {
        (
            path.extension().is_none_or(|ext| ext != "ini"),
            path.clone(),
        )
    });
    let mut form = Form::new();
    for path in names {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let bytes = std::fs::read(&path).expect("read demo file");
        form = form.part("archive", Part::bytes(bytes).file_name(name));
    }
    form
}

/// A zip archive of `(name, content)` entries.
pub fn zip_bytes(entries: &[(&str, &[u8])]) -> Vec<u8> {
    let mut writer = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for (name, content) in entries {
        writer
            .start_file(*name, zip::write::SimpleFileOptions::default())
            .expect("zip entry");
        writer.write_all(content).expect("zip write");
    }
    writer.finish().expect("zip finish").into_inner()
}

/// The files of a directory as zip entries.
pub fn dir_entries(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut entries: Vec<(String, Vec<u8>)> = std::fs::read_dir(dir)
        .expect("dir")
        .map(|entry| entry.expect("dir entry").path())
        .filter(|path| path.is_file())
        .map(|path| {
            (
                path.file_name().unwrap().to_string_lossy().into_owned(),
                std::fs::read(&path).expect("read"),
            )
        })
        .collect();
    entries.sort();
    entries
}

/// A form with one zip upload in the `archive` field.
pub fn zip_form(zip: Vec<u8>) -> Form {
    Form::new().part("archive", Part::bytes(zip).file_name("job.zip"))
}

/// Directory of the reference server's recorded exchanges (`../shared/spec/fixtures/oq-3.26`),
/// if `shared/` sits beside the repository.
pub fn fixtures_dir() -> Option<PathBuf> {
    let dir = repo_root().parent()?.join("shared/spec/fixtures/oq-3.26");
    dir.join("index.json").is_file().then_some(dir)
}

/// Every file under `dir`, recursively.
pub fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    if let Ok(entries) = std::fs::read_dir(dir) {
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                found.extend(files_under(&path));
            } else {
                found.push(path);
            }
        }
    }
    found
}
