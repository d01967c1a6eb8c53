//! The web pages over a real socket: `/` redirects to `/engine/`; the list shows the
//! calculations with their status, mode, owner and (escaped) description, a page at a time;
//! a calculation's page has its outputs with working download links, its plots once
//! complete, and the buttons its caller may use; unknown calculations are 404 pages.
//! (Permission checks with other callers than the default user: `oqcloud-api`'s unit tests.)

use std::time::Duration;

use oqcloud_tests::{TestServer, demo_on_engine, files_form};
use reqwest::multipart::Part;
use serde_json::Value;

const LONG: Duration = Duration::from_secs(300);

/// `GET path` without following redirects: (status, content type, body).
async fn page(server: &TestServer, path: &str) -> (u16, String, String) {
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client");
    let response = client.get(server.url(path)).send().await.expect("GET");
    let status = response.status().as_u16();
    let content_type = response
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap_or_default().to_owned())
        .unwrap_or_default();
    let location = response
        .headers()
        .get("location")
        .map(|v| v.to_str().unwrap_or_default().to_owned());
    let body = response.text().await.expect("body");
    (status, content_type, location.unwrap_or(body))
}

/// A copy of the classical demo (native engine) with `description` in its job.ini.
fn job_described(description: &str) -> tempfile::TempDir {
    let dir = demo_on_engine("classical_area", "native");
    let job_ini = dir.path().join("job.ini");
    let text = std::fs::read_to_string(&job_ini).expect("job.ini");
    let text = text
        .lines()
        .map(|line| {
            if line.starts_with("description") {
                format!("description = {description}")
            } else {
                line.to_owned()
            }
        })
        .collect::<Vec<_>>()
        .join("\n");
    std::fs::write(&job_ini, text).expect("write job.ini");
    dir
}

#[tokio::test]
async fn the_pages_show_calculations_outputs_and_plots() {
    let server = TestServer::start().await;
    let (status, _, location) = page(&server, "/").await;
    assert_eq!((status, location.as_str()), (301, "/engine/"));

    let job = demo_on_engine("classical_area", "native");
    let id = server.submit_ok(job.path()).await;
    let seen = server
        .wait_for(id, LONG, |s| matches!(s, "complete" | "failed" | "aborted"))
        .await;
    assert_eq!(
        seen.last().map(String::as_str),
        Some("complete"),
        "{seen:?}"
    );

    // someone else's job, described with markup
    let markup = r#"<script>alert("owned")</script> & <b>bold</b>"#;
    let marked = job_described(markup);
    let form = files_form(marked.path()).part("job_owner", Part::text("alice"));
    let response = server.post_form("/v1/calc/run", form).await;
    assert_eq!(response.status().as_u16(), 200);
    let body: Value = response.json().await.expect("JSON");
    let alices = body["job_id"].as_i64().expect("job_id");

    let (status, content_type, html) = page(&server, "/engine/").await;
    assert_eq!(status, 200);
    assert_eq!(content_type, "text/html; charset=utf-8");
    for expected in [
        format!("<tr data-calc-id=\"{id}\">"),
        format!("<tr data-calc-id=\"{alices}\">"),
        format!("href=\"/engine/{id}/outputs\""),
        "oqcloud demo: classical PSHA for two area sources and a fault".into(),
        "status-complete\">complete<".into(),
        "<td>classical</td>".into(),
        "<td>tester</td>".into(),
        "<td>alice</td>".into(),
        "&lt;script&gt;alert(&quot;owned&quot;)&lt;/script&gt; &amp; &lt;b&gt;bold&lt;/b&gt;"
            .into(),
    ] {
        assert!(html.contains(&expected), "no {expected} in {html}");
    }
    assert!(!html.contains("<script>alert"), "{html}");
    assert!(!html.contains("<b>bold"), "{html}");

    // the calculation page: record, outputs with a link per format, plots, remove button
    let (status, content_type, html) = page(&server, &format!("/engine/{id}/outputs")).await;
    assert_eq!(status, 200);
    assert_eq!(content_type, "text/html; charset=utf-8");
    assert!(html.contains("data-status=\"complete\""), "{html}");
    assert!(
        html.contains("id=\"remove\""),
        "the owner may remove: {html}"
    );
    assert!(
        !html.contains("id=\"abort\""),
        "a complete job is not abortable"
    );
    let (_, results) = server.get_json(&format!("/v1/calc/{id}/results")).await;
    let results = results.as_array().expect("results");
    assert!(!results.is_empty());
    for result in results {
        let rid = result["id"].as_i64().expect("id");
        for format in result["outtypes"].as_array().expect("outtypes") {
            let format = format.as_str().expect("format");
            let href = format!("/v1/calc/result/{rid}?export_type={format}&amp;dload=true");
            assert!(html.contains(&href), "no link {href} in {html}");
        }
        let name = result["name"].as_str().expect("name");
        assert!(html.contains(&format!("<td>{name}</td>")), "no {name}");
    }
    let hcurves = results
        .iter()
        .find(|r| r["type"] == "hcurves")
        .expect("an hcurves output");
    let download = format!(
        "/v1/calc/result/{}?export_type=csv&dload=true",
        hcurves["id"]
    );
    let response = server.get(&download).await;
    assert_eq!(response.status().as_u16(), 200, "{download}");
    let disposition = response.headers()["content-disposition"].to_str().unwrap();
    assert!(
        disposition.starts_with("attachment; filename="),
        "{disposition}"
    );
    for image in ["hcurves.png", "hmaps.png", "uhs.png"] {
        let src = format!("/v1/calc/{id}/download_png/{image}");
        assert!(
            html.contains(&format!("<img class=\"plot\" src=\"{src}\"")),
            "no {src}"
        );
        let response = server.get(&src).await;
        assert_eq!(response.status().as_u16(), 200, "{src}");
        assert_eq!(response.headers()["content-type"], "image/png");
    }

    // alice's page: escaped description; the default user (a superuser) may not remove it
    let (status, _, html) = page(&server, &format!("/engine/{alices}/outputs")).await;
    assert_eq!(status, 200);
    assert!(
        html.contains("&lt;script&gt;alert(&quot;owned&quot;)"),
        "{html}"
    );
    assert!(!html.contains("<script>alert"), "{html}");
    assert!(!html.contains("id=\"remove\""), "{html}");

    for missing in [
        "/engine/9999/outputs",
        "/engine/abc/outputs",
        "/engine/-1/outputs",
    ] {
        let (status, content_type, _) = page(&server, missing).await;
        assert_eq!(status, 404, "{missing}");
        assert_eq!(content_type, "text/html; charset=utf-8", "{missing}");
    }

    let (status, _, html) = page(&server, "/engine/submit").await;
    assert_eq!(status, 200);
    for expected in [
        "action=\"/v1/calc/run\"",
        "enctype=\"multipart/form-data\"",
        "name=\"archive\" multiple",
    ] {
        assert!(html.contains(expected), "no {expected} in {html}");
    }
    let (status, _, html) = page(&server, "/engine/license").await;
    assert_eq!(status, 200);
    assert!(html.contains("GNU Affero General Public License"), "{html}");
    for (path, content_type) in [
        ("/static/oqcloud.js", "text/javascript; charset=utf-8"),
        ("/static/oqcloud.css", "text/css; charset=utf-8"),
    ] {
        let (status, actual, _) = page(&server, path).await;
        assert_eq!((status, actual.as_str()), (200, content_type), "{path}");
    }
}

#[tokio::test]
async fn the_list_pages_through_calculations() {
    let server = TestServer::start().await;
    let job = demo_on_engine("classical_area", "native");
    let mut ids = Vec::new();
    for _ in 0..3 {
        ids.push(server.submit_ok(job.path()).await);
    }
    let row = |id: i64| format!("<tr data-calc-id=\"{id}\">");

    let (status, _, html) = page(&server, "/engine/?limit=2").await;
    assert_eq!(status, 200);
    assert!(
        html.contains(&row(ids[2])) && html.contains(&row(ids[1])),
        "{html}"
    );
    assert!(!html.contains(&row(ids[0])), "{html}");
    assert!(
        html.contains("href=\"/engine/?page=2&amp;limit=2\">Older"),
        "{html}"
    );
    assert!(!html.contains("rel=\"prev\""), "{html}");

    let (status, _, html) = page(&server, "/engine/?page=2&limit=2").await;
    assert_eq!(status, 200);
    assert!(html.contains(&row(ids[0])), "{html}");
    assert!(!html.contains(&row(ids[1])), "{html}");
    assert!(
        html.contains("href=\"/engine/?page=1&amp;limit=2\">&laquo; Newer"),
        "{html}"
    );
    assert!(!html.contains("rel=\"next\""), "{html}");

    let (status, _, html) = page(&server, "/engine/?page=3&limit=2").await;
    assert_eq!(status, 200);
    assert!(html.contains("No calculations on this page."), "{html}");

    for bad in [
        "/engine/?page=0",
        "/engine/?limit=x",
        "/engine/?limit=100000",
    ] {
        let (status, content_type, _) = page(&server, bad).await;
        assert_eq!(status, 400, "{bad}");
        assert_eq!(content_type, "text/html; charset=utf-8", "{bad}");
    }
}
