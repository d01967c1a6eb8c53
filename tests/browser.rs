//! The browser test: Debian's headless chromium, driven by `tests/browser/webui.mjs`
//! (Node, playwright-core), uses the web pages of an embedded server on a free port over a
//! temporary data directory: opens the list, submits `demos/classical_area` through the
//! form, waits for `complete` on the calculation page, downloads an output and checks that
//! the plots are displayed. Screenshots go to `target/test-artifacts/browser/`.
//!
//! Prints `SKIPPED` and passes when node, chromium or the script's `node_modules`
//! (`npm ci` in `tests/browser`, which `infra/test.sh` runs) are missing.

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;

use oqcloud_tests::{TestServer, demo, repo_root};

/// The script, the calculation's time included.
const TIMEOUT: Duration = Duration::from_secs(15 * 60);

/// Why the test cannot run here, if it cannot.
fn missing_tool(browser_dir: &Path) -> Option<String> {
    let node = std::process::Command::new("node")
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status();
    if !node.is_ok_and(|status| status.success()) {
        return Some("node is not installed".into());
    }
    let chromium = std::env::var_os("OQCLOUD_CHROMIUM")
        .map_or_else(|| PathBuf::from("/usr/bin/chromium"), PathBuf::from);
    if !chromium.is_file() {
        return Some(format!(
            "no chromium at {} (apt-get install chromium, or set OQCLOUD_CHROMIUM)",
            chromium.display()
        ));
    }
    if !browser_dir.join("node_modules/playwright-core").is_dir() {
        return Some(format!(
            "playwright-core is not installed (npm ci in {})",
            browser_dir.display()
        ));
    }
    None
}

#[tokio::test]
async fn a_browser_submits_a_job_and_sees_its_results() {
    let browser_dir = repo_root().join("tests/browser");
    if let Some(reason) = missing_tool(&browser_dir) {
        eprintln!("SKIPPED a_browser_submits_a_job_and_sees_its_results: {reason}");
        return;
    }
    let artifacts = repo_root().join("target/test-artifacts/browser");
    // screenshots of an earlier run must not pass for this one's
    let _ = std::fs::remove_dir_all(&artifacts);
    let server = TestServer::start().await;
    let mut script = tokio::process::Command::new("node");
    script
        .arg(browser_dir.join("webui.mjs"))
        .arg(&server.base)
        .arg(demo("classical_area"))
        .arg(&artifacts)
        .current_dir(&browser_dir)
        .kill_on_drop(true);
    let output = tokio::time::timeout(TIMEOUT, script.output())
        .await
        .unwrap_or_else(|_| panic!("the browser test took longer than {TIMEOUT:?}"))
        .expect("node runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    println!("{stdout}");
    eprintln!("{stderr}");
    assert!(
        output.status.success(),
        "the browser test failed ({}); screenshots in {}:\n{stdout}\n{stderr}",
        output.status,
        artifacts.display()
    );
    for screenshot in [
        "1-list.png",
        "2-submit.png",
        "3-calculation.png",
        "4-list.png",
    ] {
        assert!(
            artifacts.join(screenshot).is_file(),
            "no screenshot {screenshot}"
        );
    }
}
