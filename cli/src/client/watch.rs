//! Following a job until it ends: its log rows as they arrive, shown as lines (`log
//! --follow`) or as a progress bar fed by the percentages the engines log (`run --wait`).

use std::time::Duration;

use indicatif::{ProgressBar, ProgressStyle};
use serde_json::Value;

use super::http::Connection;

/// How the log is shown while waiting.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Display {
    /// Every row printed on stdout.
    Lines,
    /// A progress bar on stderr, with the latest message.
    Bar,
}

/// How often the server is asked.
const POLL: Duration = Duration::from_millis(500);

/// Follows job `id` until it is no longer running; returns its final status.
pub async fn watch(connection: &Connection, id: i64, display: Display) -> anyhow::Result<String> {
    let bar = (display == Display::Bar).then(|| {
        let bar = ProgressBar::new(100);
        bar.set_style(
            ProgressStyle::with_template(
                "{spinner} [{elapsed_precise}] {bar:30} {pos:>3}% {wide_msg}",
            )
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
        );
        bar.enable_steady_tick(Duration::from_millis(200));
        bar
    });
    let mut seen = 0usize;
    loop {
        // the status first: rows logged before it said "not running" are all read below
        let status = connection
            .get_json(&format!("/v1/calc/{id}/status"))
            .await?;
        let rows = connection
            .get_json(&format!("/v1/calc/{id}/log/{seen}:"))
            .await?;
        for row in rows.as_array().into_iter().flatten() {
            seen += 1;
            let field = |i: usize| row[i].as_str().unwrap_or_default();
            match &bar {
                Some(bar) => {
                    if let Some(percent) = percentage(field(3)) {
                        bar.set_position(percent);
                    }
                    bar.set_message(field(3).lines().next().unwrap_or_default().to_owned());
                }
                None => print_row(row),
            }
        }
        if !status["is_running"].as_bool().unwrap_or(false) {
            let final_status = status["status"].as_str().unwrap_or("unknown").to_owned();
            if let Some(bar) = bar {
                if final_status == "complete" {
                    bar.set_position(100);
                }
                bar.finish_and_clear();
            }
            return Ok(final_status);
        }
        tokio::time::sleep(POLL).await;
    }
}

/// Prints a log row (`[timestamp, level, process, message]`) as `[timestamp LEVEL] message`.
pub fn print_row(row: &Value) {
    let field = |i: usize| row[i].as_str().unwrap_or_default();
    println!("[{} {}] {}", field(0), field(1), field(3));
}

/// The last `NN%` of a log message (`classical  42% [3 submitted]`), at most 100.
fn percentage(message: &str) -> Option<u64> {
    let bytes = message.as_bytes();
    bytes
        .iter()
        .enumerate()
        .rev()
        .filter(|&(_, &b)| b == b'%')
        .find_map(|(at, _)| {
            let digits = bytes[..at]
                .iter()
                .rev()
                .take_while(|b| b.is_ascii_digit())
                .count();
            let number: u64 = message[at - digits..at].parse().ok()?;
            (number <= 100).then_some(number)
        })
}

/// The last lines of a failed job's traceback, for the error message.
pub async fn traceback_tail(connection: &Connection, id: i64) -> String {
    let lines = connection
        .get_json(&format!("/v1/calc/{id}/traceback"))
        .await
        .unwrap_or(Value::Null);
    let lines: Vec<&str> = lines
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .collect();
    lines[lines.len().saturating_sub(5)..].join("\n")
}

#[cfg(test)]
mod tests {
    use super::percentage;

    #[test]
    fn the_last_percentage_is_the_progress() {
        assert_eq!(
            percentage("classical  42% [3 submitted, 0 queued]"),
            Some(42)
        );
        assert_eq!(percentage("from 10% to 100%"), Some(100));
        assert_eq!(percentage("poe 250% is wrong, 7%"), Some(7));
        assert_eq!(percentage("no number %"), None);
        assert_eq!(percentage("Using engine version 3.26.2"), None);
    }
}
