//! The extract API end to end: a job run by the native engine, then its hazard curves
//! extracted over a real socket as an `.npz`; a bad spec is a 400, an unknown calculation a
//! 404. A scenario run by the reference engine, then its ruptures extracted; a risk job
//! run by the reference engine, then its damages extracted.

use std::io::{Cursor, Read};
use std::time::Duration;

use oqcloud_tests::{TestServer, area_quantiles_job, openquake_available, repo_root};

/// The `.npy` header and data of member `name` of an npz archive.
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

#[tokio::test]
async fn hazard_curves_of_a_native_run_are_extracted() {
    let server = TestServer::start().await;
    let job = area_quantiles_job("native");
    let id = server.submit_ok(job.path()).await;
    server.wait_complete(id, Duration::from_secs(300)).await;

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

/// A scenario run by the reference engine through the server: its `rupture_info` and
/// `ruptures` over a real socket are what the reference extracts from its own datastore of
/// the same job (`tests/data/extract-scenario`); a non-numeric `min_mag` is a 400 naming
/// it; the results still list the calculation's outputs.
#[tokio::test]
async fn ruptures_of_a_reference_scenario_are_extracted() {
    if !openquake_available("ruptures_of_a_reference_scenario_are_extracted") {
        return;
    }
    let server = TestServer::start().await;
    let fixtures = repo_root().join("tests/data/extract-scenario");
    let id = server.submit_ok(&fixtures.join("job")).await;
    server.wait_complete(id, Duration::from_secs(600)).await;

    for (spec, fixture) in [
        ("ruptures", "ruptures.npz"),
        (
            "rupture_info?boundaries=no",
            "rupture_info_boundaries-no.npz",
        ),
    ] {
        let response = server.get(&format!("/v1/calc/{id}/extract/{spec}")).await;
        assert_eq!(response.status().as_u16(), 200, "{spec}");
        assert_eq!(response.headers()["content-type"], "application/x-zip");
        let body = response.bytes().await.expect("body");
        let expected = std::fs::read(fixtures.join(fixture)).expect("fixture");
        let (got_header, got) = npy_member(&body, "array");
        let (expected_header, expected) = npy_member(&expected, "array");
        assert_eq!(
            descr_and_shape(&got_header),
            descr_and_shape(&expected_header),
            "{spec}"
        );
        assert_eq!(got, expected, "{spec}");
    }

    let message = bad_request(
        &server,
        &format!("/v1/calc/{id}/extract/rupture_info?min_mag=big"),
    )
    .await;
    assert!(
        message.starts_with("min_mag: 'big' is not a number"),
        "{message}"
    );
    assert_results_listed(&server, id).await;
}

/// The message of the 400 answering `path`.
async fn bad_request(server: &TestServer, path: &str) -> String {
    let bad = server.get(path).await;
    assert_eq!(bad.status().as_u16(), 400, "{path}");
    bad.text().await.expect("body")
}

/// The results of calculation `id` list its outputs.
async fn assert_results_listed(server: &TestServer, id: i64) {
    let (status, results) = server.get_json(&format!("/v1/calc/{id}/results")).await;
    assert_eq!(status, 200, "{results}");
    assert!(
        results
            .as_array()
            .is_some_and(|outputs| !outputs.is_empty()),
        "{results}"
    );
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
    let id = server.submit_ok(&fixtures.join("job")).await;
    server.wait_complete(id, Duration::from_secs(600)).await;

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

    let message = bad_request(
        &server,
        &format!("/v1/calc/{id}/extract/agg_damages/contents"),
    )
    .await;
    assert_eq!(
        message,
        "loss_type: 'contents' is not one of the calculation's (structural)"
    );
    assert_results_listed(&server, id).await;
}
