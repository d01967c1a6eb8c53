//! The client verbs end to end: the built `oqcloud` binary against a live embedded server
//! over a socket (a native job with realizations and quantiles), and the login against a
//! small server that demands a session cookie.

use std::collections::HashSet;
use std::path::Path;
use std::process::Output;
use std::time::Duration;

use oqcloud_tests::{
    TestServer, area_quantiles_job, demo_on_engine, failing_job, openquake_available, repo_root,
};

/// Runs `oqcloud ARGS` against `server`, with no config file of the machine's user in sight.
async fn oqcloud(server: &str, args: &[&str], config: Option<&Path>) -> Output {
    let home = tempfile::tempdir().expect("temp dir");
    let mut command = tokio::process::Command::new(env!("CARGO_BIN_EXE_oqcloud"));
    command
        .args(args)
        .env("HOME", home.path())
        .env_remove("VIRTUAL_ENV")
        .env_remove("OQCLOUD_USERNAME")
        .env_remove("OQCLOUD_PASSWORD");
    match config {
        Some(path) => command
            .env("OQ_CONFIG_FILE", path)
            .env_remove("OQCLOUD_SERVER"),
        None => command
            .env_remove("OQ_CONFIG_FILE")
            .env("OQCLOUD_SERVER", server),
    };
    let run = command.output();
    tokio::time::timeout(Duration::from_secs(600), run)
        .await
        .unwrap_or_else(|_| panic!("oqcloud {args:?} did not end in 10 minutes"))
        .expect("oqcloud runs")
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// Asserts success and returns stdout.
fn ok(args: &[&str], output: &Output) -> String {
    assert!(
        output.status.success(),
        "oqcloud {args:?} failed: {}\n{}",
        stdout(output),
        stderr(output)
    );
    stdout(output)
}

/// The calculation id in `submitted ... as calculation N`.
fn submitted_id(out: &str) -> String {
    out.lines()
        .find_map(|line| line.split_once(" as calculation "))
        .map(|(_, id)| id.trim().to_owned())
        .unwrap_or_else(|| panic!("no calculation id in {out}"))
}

/// (width, height, number of distinct colours) of a PNG.
fn png_summary(path: &Path) -> (u32, u32, usize) {
    let file = std::fs::File::open(path).expect("the PNG exists");
    let mut reader = png::Decoder::new(std::io::BufReader::new(file))
        .read_info()
        .expect("a PNG");
    let mut buffer = vec![0; reader.output_buffer_size()];
    let frame = reader.next_frame(&mut buffer).expect("PNG pixels");
    let channels = frame.color_type.samples();
    let colours: HashSet<&[u8]> = buffer[..frame.buffer_size()].chunks(channels).collect();
    (frame.width, frame.height, colours.len())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_client_runs_follows_exports_extracts_and_plots() {
    let server = TestServer::start().await;
    let base = server.base.clone();
    let job = area_quantiles_job("native");
    let job_dir = job.path().to_str().expect("utf-8 path");
    let work = tempfile::tempdir().expect("temp dir");
    let at = |name: &str| work.path().join(name).display().to_string();

    // run --wait ends with the job, complete
    let args = ["run", job_dir, "--wait"];
    let out = ok(&args, &oqcloud(&base, &args, None).await);
    let id = submitted_id(&out);
    assert!(out.contains(&format!("calculation {id} complete")), "{out}");

    // log --follow of a job just submitted ends when the job ends
    let job_ini = job.path().join("job.ini");
    let args = ["run", job_ini.to_str().unwrap()];
    let second = submitted_id(&ok(&args, &oqcloud(&base, &args, None).await));
    let args = ["log", &second, "--follow"];
    let out = ok(&args, &oqcloud(&base, &args, None).await);
    assert!(
        out.contains(&format!("calculation {second} complete")),
        "{out}"
    );
    assert!(
        out.lines().filter(|l| l.starts_with('[')).count() >= 2,
        "{out}"
    );
    let (_, status) = server.get_json(&format!("/v1/calc/{second}/status")).await;
    assert_eq!(status["status"], "complete");

    // a failing job: run --wait exits with failure and shows the traceback's end
    let failing = failing_job();
    let args = ["run", failing.path().to_str().unwrap(), "--wait"];
    let failed = oqcloud(&base, &args, None).await;
    assert!(!failed.status.success(), "{}", stdout(&failed));
    assert!(stdout(&failed).contains(" failed"), "{}", stdout(&failed));
    assert!(
        stderr(&failed).contains("source_model.xml"),
        "{}",
        stderr(&failed)
    );

    let args = ["list"];
    let out = ok(&args, &oqcloud(&base, &args, None).await);
    assert!(out.starts_with("id") && out.contains(&second), "{out}");
    let args = ["status", &id];
    assert!(ok(&args, &oqcloud(&base, &args, None).await).contains("complete"));
    let args = ["results", &id];
    let out = ok(&args, &oqcloud(&base, &args, None).await);
    assert!(out.contains("hcurves") && out.contains("csv"), "{out}");

    // export: the CSV files of every output, zips unpacked
    let dir = at("export");
    let args = ["export", &id, "--type", "csv", "--dir", &dir];
    let out = ok(&args, &oqcloud(&base, &args, None).await);
    let written: Vec<&str> = out.lines().collect();
    assert!(written.len() >= 4, "{out}");
    for path in &written {
        let text = std::fs::read_to_string(path).expect("exported file");
        assert!(
            text.starts_with('#') || path.ends_with(".rst"),
            "{path}: {text:.80}"
        );
    }
    assert!(
        written.iter().any(|p| p.contains("hazard_curve-mean-PGA")),
        "{out}"
    );
    let args = ["export", &id, "--type", "nosuch", "--dir", &dir];
    let failed = oqcloud(&base, &args, None).await;
    assert!(!failed.status.success());
    assert!(
        stderr(&failed).contains("formats: csv"),
        "{}",
        stderr(&failed)
    );

    // extract: an .npz numpy reads
    let npz = at("mean.npz");
    let args = ["extract", &id, "hcurves?kind=mean&imt=PGA", "-o", &npz];
    ok(&args, &oqcloud(&base, &args, None).await);
    assert!(std::fs::read(&npz).expect("npz").starts_with(b"PK"));
    let python = repo_root().join(".venv-openquake/bin/python");
    if python.is_file() {
        let check = "import sys, numpy; d = numpy.load(sys.argv[1]); \
                     assert d['mean'].shape == (3, 1, 8), d['mean'].shape; print(d['kind'].tolist())";
        let out = std::process::Command::new(&python)
            .args(["-c", check, &npz])
            .output()
            .expect("python runs");
        assert!(out.status.success(), "{}", stderr(&out));
        assert_eq!(stdout(&out).trim(), "['mean']");
    } else {
        eprintln!("SKIPPED numpy.load check: no {}", python.display());
    }

    // every plot kind: a PNG of the asked size, not blank, each different
    let specs = [
        "hcurves?kind=mean&imt=PGA&site_id=0",
        "hcurves?kind=rlzs&imt=PGA",
        "hcurves?kind=stats&imt=PGA&site_id=2",
        "hcurves?kind=rlzs&kind=mean&imt=PGA",
        "hcurves?kind=quantile-0.15&kind=mean&imt=SA(0.1)",
        "hcurves?kind=rlz-0&kind=rlz-1&imt=SA(0.1)&site_id=1",
        "hmaps?kind=mean&imt=PGA",
        "hmaps?kind=stats&imt=SA(0.1)",
        "uhs?kind=mean&site_id=0",
        "uhs?kind=rlzs&kind=mean&site_id=1",
    ];
    let mut images = HashSet::new();
    for (i, spec) in specs.iter().enumerate() {
        let png = at(&format!("plot{i}.png"));
        let args = ["plot", spec, &id, "-o", &png, "--size", "800x600"];
        ok(&args, &oqcloud(&base, &args, None).await);
        let (width, height, colours) = png_summary(Path::new(&png));
        assert_eq!((width, height), (800, 600), "{spec}");
        assert!(colours > 10, "{spec}: only {colours} colours");
        assert!(
            images.insert(std::fs::read(&png).unwrap()),
            "{spec}: same image as another"
        );
    }
    let default_png = at("default.png");
    let args = ["plot", "uhs?kind=mean", &id, "-o", &default_png];
    ok(&args, &oqcloud(&base, &args, None).await);
    let (width, height, _) = png_summary(Path::new(&default_png));
    assert_eq!((width, height), oqcloud_plot::DEFAULT_SIZE);

    // a kind the calculation lacks is named with the kinds it has
    let args = [
        "plot",
        "hcurves?kind=quantile-0.5&imt=PGA",
        &id,
        "-o",
        &at("x.png"),
    ];
    let failed = oqcloud(&base, &args, None).await;
    assert!(!failed.status.success());
    let message = stderr(&failed);
    for expected in [
        "no kind 'quantile-0.5'",
        "mean, quantile-0.15, quantile-0.85, rlz-000, rlz-001",
    ] {
        assert!(message.contains(expected), "{message}");
    }
    // a classical calculation has nothing to disaggregate: the server's message is relayed
    let args = ["plot", "disagg?kind=Mag&imt=PGA&site_id=0&spec=rlzs", &id];
    let failed = oqcloud(&base, &args, None).await;
    assert!(
        stderr(&failed).contains("this calculation has no disaggregation by rlzs"),
        "{}",
        stderr(&failed)
    );

    // the server draws the same pictures
    for name in ["hcurves.png", "hmaps.png", "uhs.png"] {
        let response = server
            .get(&format!("/v1/calc/{id}/download_png/{name}"))
            .await;
        assert_eq!(response.status().as_u16(), 200, "{name}");
        assert_eq!(response.headers()["content-type"], "image/png");
        let png = at(name);
        std::fs::write(&png, response.bytes().await.unwrap()).unwrap();
        let (width, height, colours) = png_summary(Path::new(&png));
        assert_eq!((width, height), oqcloud_plot::DEFAULT_SIZE, "{name}");
        assert!(colours > 10, "{name}: only {colours} colours");
    }
    let response = server
        .get(&format!("/v1/calc/{id}/download_png/foo.png"))
        .await;
    assert_eq!(response.status().as_u16(), 400);
    let message = response.text().await.unwrap();
    assert!(
        message.contains("hcurves.png, hmaps.png, uhs.png"),
        "{message}"
    );

    // abort of a finished job is refused; remove works, then the job is gone
    let args = ["abort", &id];
    let failed = oqcloud(&base, &args, None).await;
    assert!(!failed.status.success());
    assert!(
        stderr(&failed).contains("is not running"),
        "{}",
        stderr(&failed)
    );
    let args = ["remove", &second];
    assert!(ok(&args, &oqcloud(&base, &args, None).await).contains("removed"));
    let args = ["status", &second];
    let failed = oqcloud(&base, &args, None).await;
    assert!(stderr(&failed).contains("404"), "{}", stderr(&failed));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn log_follow_and_plots_of_a_reference_engine_job() {
    if !openquake_available("log_follow_and_plots_of_a_reference_engine_job") {
        return;
    }
    let server = TestServer::start().await;
    let job = demo_on_engine("classical_area", "openquake");
    let args = ["run", job.path().to_str().unwrap()];
    let id = submitted_id(&ok(&args, &oqcloud(&server.base, &args, None).await));
    // the reference engine takes seconds to start: the follow below starts while it runs
    let (_, status) = server.get_json(&format!("/v1/calc/{id}/status")).await;
    assert_eq!(status["is_running"], true, "{status}");
    let args = ["log", &id, "--follow"];
    let out = ok(&args, &oqcloud(&server.base, &args, None).await);
    assert!(
        out.trim_end()
            .ends_with(&format!("calculation {id} complete")),
        "{out}"
    );
    let rows = out.lines().filter(|l| l.starts_with('[')).count();
    let (_, all) = server.get_json(&format!("/v1/calc/{id}/log/:")).await;
    assert_eq!(rows, all.as_array().map_or(0, Vec::len), "{out}");
    assert!(rows > 5, "{out}");

    // the plots read the reference engine's datastore too
    let work = tempfile::tempdir().expect("temp dir");
    for spec in [
        "hcurves?kind=mean&imt=SA(0.1)&site_id=4",
        "hmaps?kind=mean&imt=PGA",
        "uhs?kind=mean&site_id=0",
    ] {
        let png = work.path().join("plot.png").display().to_string();
        let args = ["plot", spec, &id, "-o", &png];
        ok(&args, &oqcloud(&server.base, &args, None).await);
        let (width, height, colours) = png_summary(Path::new(&png));
        assert_eq!((width, height), oqcloud_plot::DEFAULT_SIZE, "{spec}");
        assert!(colours > 10, "{spec}: only {colours} colours");
    }
}

#[tokio::test]
async fn credentials_of_openquake_cfg_log_in_with_a_session_cookie() {
    use axum::routing::{get, post};
    use axum::{Form, Router, http::HeaderMap, http::StatusCode};

    async fn login(
        Form(form): Form<Vec<(String, String)>>,
    ) -> (StatusCode, HeaderMap, &'static str) {
        let mut headers = HeaderMap::new();
        if form.contains(&("username".into(), "alice".into()))
            && form.contains(&("password".into(), "s3cret".into()))
        {
            headers.insert(
                "set-cookie",
                "sessionid=abc123; HttpOnly; Path=/".parse().unwrap(),
            );
            (StatusCode::OK, headers, "Successful login")
        } else {
            (StatusCode::FORBIDDEN, headers, "Invalid login")
        }
    }
    async fn list(headers: HeaderMap) -> (StatusCode, String) {
        let cookie = headers
            .get("cookie")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        if cookie.contains("sessionid=abc123") {
            let job = r#"[{"id": 41, "owner": "alice", "calculation_mode": "classical", "status": "complete", "description": "remote job", "start_time": "2026-11-22, 01:58:07 UTC"}]"#;
            (StatusCode::OK, job.to_owned())
        } else {
            (StatusCode::FORBIDDEN, String::new())
        }
    }
    let app = Router::new()
        .route("/accounts/ajax_login/", post(login))
        .route("/v1/calc/list", get(list));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await });

    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("openquake.cfg");
    let cfg = |password: &str| {
        format!(
            "[dbserver]\nport = 1907\n\n[webapi]\nserver = http://{addr}\nusername = alice\npassword = {password}\n"
        )
    };
    std::fs::write(&config, cfg("s3cret")).unwrap();
    let out = ok(&["list"], &oqcloud("", &["list"], Some(&config)).await);
    assert!(out.contains("41") && out.contains("remote job"), "{out}");

    std::fs::write(&config, cfg("wrong")).unwrap();
    let failed = oqcloud("", &["list"], Some(&config)).await;
    assert!(!failed.status.success());
    assert!(
        stderr(&failed).contains("login as alice") && stderr(&failed).contains("403"),
        "{}",
        stderr(&failed)
    );
}
