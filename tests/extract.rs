//! The extract API end to end: a job run by the native engine, then its hazard curves
//! extracted over a real socket as an `.npz`; a bad spec is a 400, an unknown calculation a
//! 404.

use std::io::{Cursor, Read};
use std::time::Duration;

use oqcloud_tests::{TestServer, native_quantiles_job};

/// The `.npy` header of member `name` of an npz archive.
fn npy_header(npz: &[u8], name: &str) -> String {
    let mut zip = zip::ZipArchive::new(Cursor::new(npz)).expect("an npz is a zip");
    let mut member = zip.by_name(&format!("{name}.npy")).expect("member");
    let mut bytes = Vec::new();
    member.read_to_end(&mut bytes).expect("read member");
    assert!(bytes.starts_with(b"\x93NUMPY"), "{name}: not an npy");
    let len = usize::from(u16::from_le_bytes([bytes[8], bytes[9]]));
    String::from_utf8_lossy(&bytes[10..10 + len]).into_owned()
}

#[tokio::test]
async fn hazard_curves_of_a_native_run_are_extracted() {
    let server = TestServer::start().await;
    let job = native_quantiles_job();
    let id = server.submit_ok(job.path()).await;
    let seen = server
        .wait_for(id, Duration::from_secs(300), |s| {
            matches!(s, "complete" | "failed")
        })
        .await;
    assert_eq!(
        seen.last().map(String::as_str),
        Some("complete"),
        "{seen:?}"
    );

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
