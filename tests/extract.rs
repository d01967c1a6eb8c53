//! The extract API end to end: a job run by the native engine, then its hazard curves
//! extracted over a real socket as an `.npz`; a bad spec is a 400, an unknown calculation a
//! 404. A risk job run by the reference engine, then its damages extracted.

use std::io::{Cursor, Read};
use std::path::Path;
use std::time::Duration;

use oqcloud_tests::{TestServer, area_quantiles_job, openquake_available, repo_root};

/// Member `name` of an npz archive: its `.npy` header and its data.
fn npy_member(npz: &[u8], name: &str) -> (String, Vec<u8>) {
    let mut zip = zip::ZipArchive::new(Cursor::new(npz)).expect("an npz is a zip");
    let mut member = zip.by_name(&format!("{name}.npy")).expect("member");
    let mut bytes = Vec::new();
    member.read_to_end(&mut bytes).expect("read member");
    assert!(bytes.starts_with(b"\x93NUMPY"), "{name}: not an npy");
    let len = usize::from(u16::from_le_bytes([bytes[8], bytes[9]]));
    let header = String::from_utf8_lossy(&bytes[10..10 + len]).into_owned();
    (header, bytes[10 + len..].to_vec())
}

/// The `.npy` header of member `name` of an npz archive.
fn npy_header(npz: &[u8], name: &str) -> String {
    npy_member(npz, name).0
}

/// The dtype and shape of a `.npy` header (`'descr': '<f4', ..., 'shape': (4, 2, 6)`).
fn descr_and_shape(header: &str) -> (&str, &str) {
    let field = |key: &str, end: char| {
        let start = header.find(key).expect(key) + key.len();
        let stop = header[start..].find(end).expect("end") + start;
        header[start..=stop].trim()
    };
    (field("'descr':", ','), field("'shape':", ')'))
}

/// Submits the job of `dir` and waits until it is complete (panics if it fails or takes
/// longer than `timeout`); returns its id.
async fn run_to_completion(server: &TestServer, dir: &Path, timeout: Duration) -> i64 {
    let id = server.submit_ok(dir).await;
    let seen = server
        .wait_for(id, timeout, |s| matches!(s, "complete" | "failed"))
        .await;
    assert_eq!(
        seen.last().map(String::as_str),
        Some("complete"),
        "{seen:?}"
    );
    id
}

#[tokio::test]
async fn hazard_curves_of_a_native_run_are_extracted() {
    let server = TestServer::start().await;
    let job = area_quantiles_job("native");
    let id = run_to_completion(&server, job.path(), Duration::from_secs(300)).await;

    let path = format!("/v1/calc/{id}/extract/hcurves?kind=mean&imt=PGA");
    let response = server.get(&path).await;
    assert_eq!(response.status().as_u16(), 200);
    let headers = response.headers().clone();
    assert_eq!(headers["content-type"], "application/x-zip");
    let disposition = headers["content-disposition"].to_str().unwrap().to_owned();
    assert!(
        disposition.starts_with("attachment; filename=hcurves") && disposition.ends_with(".npz"),
        "{disposition}"
    );
    assert_eq!(headers["access-control-allow-origin"], "*");
    let body = response.bytes().await.expect("body");
    assert_eq!(headers["content-length"], body.len().to_string().as_str());
    let mean = npy_header(&body, "mean");
    assert!(mean.contains("'descr': '<f4'"), "{mean}");
    assert!(mean.contains("'shape': (3, 1, 8)"), "{mean}");
    assert!(npy_header(&body, "kind").contains("'descr': '<U4'"));
    assert!(npy_header(&body, "k").contains("'descr': '<i8'"));

    let head = server
        .client
        .head(server.url(&path))
        .send()
        .await
        .expect("HEAD");
    assert_eq!(head.status().as_u16(), 200);
    assert_eq!(head.headers()["content-type"], "application/x-zip");

    let bad = server
        .get(&format!("/v1/calc/{id}/extract/hcurves?kind=foo"))
        .await;
    assert_eq!(bad.status().as_u16(), 400);
    assert_eq!(bad.headers()["content-type"], "text/plain");
    let message = bad.text().await.expect("body");
    assert!(message.starts_with("kind: unknown 'foo'"), "{message}");

    let unknown = server.get("/v1/calc/9999/extract/hcurves?kind=mean").await;
    assert_eq!(unknown.status().as_u16(), 404);
}

/// A scenario_damage job (run by the reference engine: oqcloud's engine does hazard only):
/// its damages by region extracted over a real socket, the same bytes as the reference's
/// `Extractor`; a bad loss type is a 400; the results list works.
#[tokio::test]
async fn damages_of_a_reference_risk_run_are_extracted() {
    if !openquake_available("damages_of_a_reference_risk_run_are_extracted") {
        return;
    }
    let server = TestServer::start().await;
    let fixtures = repo_root().join("tests/data/extract-risk-damage");
    let id = run_to_completion(&server, &fixtures.join("job"), Duration::from_secs(600)).await;

    let response = server
        .get(&format!(
            "/v1/calc/{id}/extract/agg_damages/structural?NAME_1=*"
        ))
        .await;
    assert_eq!(response.status().as_u16(), 200);
    assert_eq!(response.headers()["content-type"], "application/x-zip");
    let body = response.bytes().await.expect("body");
    let expected =
        std::fs::read(fixtures.join("agg_damages-structural_NAME_1-all.npz")).expect("fixture");
    for member in ["array", "tags", "selected", "stats", "extra"] {
        let (ours, theirs) = (npy_member(&body, member), npy_member(&expected, member));
        assert_eq!(
            descr_and_shape(&ours.0),
            descr_and_shape(&theirs.0),
            "{member}"
        );
        assert!(ours.1 == theirs.1, "{member} differs");
    }

    let bad = server
        .get(&format!("/v1/calc/{id}/extract/agg_damages/contents"))
        .await;
    assert_eq!(bad.status().as_u16(), 400);
    let message = bad.text().await.expect("body");
    assert_eq!(
        message,
        "loss_type: 'contents' is not one of the calculation's (structural)"
    );

    let (status, results) = server.get_json(&format!("/v1/calc/{id}/results")).await;
    assert_eq!(status, 200, "{results}");
    assert!(
        results.as_array().is_some_and(|r| !r.is_empty()),
        "{results}"
    );
}
