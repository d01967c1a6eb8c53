//! Listing and managing calculations: `list`, `status`, `results`, `abort`, `remove`.

use serde_json::Value;

use super::http::Connection;

/// `GET /v1/calc/list`: the latest `limit` calculations, one line each.
pub async fn list(connection: &Connection, limit: u32) -> anyhow::Result<()> {
    let jobs = connection
        .get_json(&format!("/v1/calc/list?limit={limit}"))
        .await?;
    let jobs = jobs.as_array().map(Vec::as_slice).unwrap_or_default();
    if jobs.is_empty() {
        println!("no calculations");
    } else {
        print_jobs(jobs);
    }
    Ok(())
}

/// `GET /v1/calc/:id/status`: one line, as in `list`.
pub async fn status(connection: &Connection, id: i64) -> anyhow::Result<()> {
    let job = connection
        .get_json(&format!("/v1/calc/{id}/status"))
        .await?;
    print_jobs(std::slice::from_ref(&job));
    Ok(())
}

fn print_jobs(jobs: &[Value]) {
    let text = |job: &Value, key: &str| match &job[key] {
        Value::String(s) => s.clone(),
        Value::Null => "-".to_owned(),
        other => other.to_string(),
    };
    let rows: Vec<[String; 6]> = jobs
        .iter()
        .map(|job| {
            [
                text(job, "id"),
                text(job, "status"),
                text(job, "calculation_mode"),
                text(job, "owner"),
                text(job, "start_time"),
                text(job, "description"),
            ]
        })
        .collect();
    print_table(
        &["id", "status", "mode", "owner", "start_time", "description"],
        &rows,
    );
}

/// `GET /v1/calc/:id/results`: the outputs with their ids and export formats.
pub async fn results(connection: &Connection, id: i64) -> anyhow::Result<()> {
    let outputs = connection
        .get_json(&format!("/v1/calc/{id}/results"))
        .await?;
    let rows: Vec<[String; 4]> = outputs
        .as_array()
        .into_iter()
        .flatten()
        .map(|output| {
            let formats: Vec<&str> = output["outtypes"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
                .collect();
            [
                output["id"].to_string(),
                output["type"].as_str().unwrap_or_default().to_owned(),
                output["name"].as_str().unwrap_or_default().to_owned(),
                formats.join(","),
            ]
        })
        .collect();
    print_table(&["id", "type", "name", "formats"], &rows);
    Ok(())
}

/// `POST /v1/calc/:id/<action>` (`abort`, `remove`): the server's `success` message, or its
/// `error` as a failure (the reference answers some refusals with 200).
pub async fn manage(connection: &Connection, id: i64, action: &str) -> anyhow::Result<()> {
    let answer = connection
        .post_json(&format!("/v1/calc/{id}/{action}"))
        .await?;
    if let Some(error) = answer["error"].as_str() {
        anyhow::bail!("{action} {id}: {error}");
    }
    match &answer["success"] {
        Value::String(message) if action == "remove" => println!("removed calculation {message}"),
        Value::String(message) => println!("{message}"),
        other => println!("{action} {id}: {other}"),
    }
    Ok(())
}

/// Prints rows under a header, columns padded to their widest cell (the last one unpadded).
fn print_table<const N: usize>(header: &[&str; N], rows: &[[String; N]]) {
    let mut widths = header.map(|h| h.chars().count());
    for row in rows {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(cell.chars().count());
        }
    }
    let line = |cells: Vec<&str>| {
        let mut out = String::new();
        for (i, cell) in cells.iter().enumerate() {
            if i + 1 == N {
                out.push_str(cell);
            } else {
                out.push_str(&format!("{cell:<width$}  ", width = widths[i]));
            }
        }
        println!("{}", out.trim_end());
    };
    line(header.to_vec());
    for row in rows {
        line(row.iter().map(String::as_str).collect());
    }
}
