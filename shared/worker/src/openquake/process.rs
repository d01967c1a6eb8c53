//! Running an OpenQuake process in its own process group, with its output turned into log
//! rows and an abort that leaves no process behind.

use std::io;
use std::process::{ExitStatus, Stdio};
use std::time::Duration;

use nix::errno::Errno;
use nix::sys::signal::{Signal, killpg};
use nix::unistd::Pid;
use oqcloud_model::{LogLevel, LogRecord};
use tokio::io::{AsyncBufReadExt, AsyncRead, BufReader};
use tokio::process::Command;
use tokio::sync::mpsc;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

use super::logparse::{LogParser, StreamEnd};

/// How long an interrupted process may take to stop before it is killed.
const INTERRUPT_GRACE: Duration = Duration::from_secs(3);
/// A record whose next line has not come for this long is complete: rows of a running
/// process show up while it works instead of when it logs again.
const QUIET_FLUSH: Duration = Duration::from_millis(200);
/// How long to wait for the output pipes to close once the process group is gone.
const DRAIN_TIMEOUT: Duration = Duration::from_secs(5);

/// How a process ended.
pub(crate) enum Ending {
    /// It exited by itself.
    Exited {
        status: ExitStatus,
        /// What its stderr ended with.
        stderr: StreamEnd,
    },
    /// The run was cancelled; the process group was interrupted, then killed.
    Cancelled,
}

/// A spawned process and its process group.
pub(crate) struct GroupProcess {
    child: tokio::process::Child,
    pid: u32,
    /// Whether the group may still hold processes of ours (the leader is not reaped yet).
    live: bool,
    stdout: Option<JoinHandle<StreamEnd>>,
    stderr: Option<JoinHandle<StreamEnd>>,
}

impl GroupProcess {
    /// Spawns `command` as the leader of a new process group; its stdout and stderr lines
    /// become rows of process `<label>/<pid>` on `log`.
    pub fn spawn(
        command: &mut Command,
        label: &str,
        log: &mpsc::UnboundedSender<LogRecord>,
    ) -> io::Result<GroupProcess> {
        let mut child = command
            .process_group(0)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()?;
        let pid = child
            .id()
            .ok_or_else(|| io::Error::other("the process exited before it could be watched"))?;
        let process = format!("{label}/{pid}");
        let stdout = child.stdout.take().map(|stdout| {
            let parser = LogParser::new(process.clone(), LogLevel::Info);
            tokio::spawn(read_lines(stdout, parser, log.clone()))
        });
        let stderr = child.stderr.take().map(|stderr| {
            let parser = LogParser::new(process, LogLevel::Warning);
            tokio::spawn(read_lines(stderr, parser, log.clone()))
        });
        Ok(GroupProcess {
            child,
            pid,
            live: true,
            stdout,
            stderr,
        })
    }

    /// The pid of the group leader (also the process group id).
    pub fn pid(&self) -> u32 {
        self.pid
    }

    /// Waits for the process to exit, or, when `cancel` fires, interrupts the whole group
    /// (SIGINT), kills it (SIGKILL) if it is still there after a grace period, and waits
    /// for it. Processes left in the group after the leader exits are killed.
    pub async fn wait(mut self, cancel: &CancellationToken) -> io::Result<Ending> {
        let status = tokio::select! {
            status = self.child.wait() => Some(status?),
            () = cancel.cancelled() => None,
        };
        let status = match status {
            Some(status) => status,
            None => {
                self.signal(Signal::SIGINT);
                if tokio::time::timeout(INTERRUPT_GRACE, self.child.wait())
                    .await
                    .is_err()
                {
                    self.signal(Signal::SIGKILL);
                }
                self.child.wait().await?;
                self.reaped();
                drain(self.pid, self.stdout.take()).await;
                drain(self.pid, self.stderr.take()).await;
                return Ok(Ending::Cancelled);
            }
        };
        self.reaped();
        drain(self.pid, self.stdout.take()).await;
        let stderr = drain(self.pid, self.stderr.take()).await;
        Ok(Ending::Exited { status, stderr })
    }

    /// The leader is reaped: kills what is left of its group, once.
    fn reaped(&mut self) {
        self.signal(Signal::SIGKILL);
        self.live = false;
    }

    fn signal(&self, signal: Signal) {
        if !self.live {
            return;
        }
        let Ok(pgid) = i32::try_from(self.pid) else {
            return;
        };
        match killpg(Pid::from_raw(pgid), signal) {
            Ok(()) | Err(Errno::ESRCH) => {}
            Err(err) => tracing::warn!("could not send {signal} to process group {pgid}: {err}"),
        }
    }
}

impl Drop for GroupProcess {
    /// A run dropped before its process ended (its task was cancelled) kills the group.
    fn drop(&mut self) {
        self.signal(Signal::SIGKILL);
        for reader in [&self.stdout, &self.stderr].into_iter().flatten() {
            reader.abort();
        }
    }
}

async fn read_lines(
    stream: impl AsyncRead + Unpin,
    mut parser: LogParser,
    log: mpsc::UnboundedSender<LogRecord>,
) -> StreamEnd {
    let mut emit = |record| {
        // A closed receiver means nobody reads the log any more; keep draining the pipe.
        let _ = log.send(record);
    };
    let mut reader = BufReader::new(stream);
    let mut buf = Vec::new();
    loop {
        // A partly read line stays in `buf` when the timeout fires; reading resumes it.
        match tokio::time::timeout(QUIET_FLUSH, reader.read_until(b'\n', &mut buf)).await {
            Err(_) => parser.flush(&mut emit),
            Ok(Ok(0)) => break,
            Ok(Ok(_)) => {
                let line = String::from_utf8_lossy(&buf);
                parser.push(line.trim_end_matches(['\n', '\r']), &mut emit);
                buf.clear();
            }
            Ok(Err(err)) => {
                tracing::warn!("reading process output: {err}");
                break;
            }
        }
    }
    if !buf.is_empty() {
        parser.push(&String::from_utf8_lossy(&buf), &mut emit);
    }
    parser.finish(&mut emit)
}

/// Waits for an output reader to finish (its pipe closes when the group is gone),
/// giving up after a timeout.
async fn drain(pid: u32, reader: Option<JoinHandle<StreamEnd>>) -> StreamEnd {
    let Some(mut reader) = reader else {
        return StreamEnd::default();
    };
    match tokio::time::timeout(DRAIN_TIMEOUT, &mut reader).await {
        Ok(Ok(end)) => end,
        Ok(Err(err)) => {
            tracing::warn!("output reader of process {pid} failed: {err}");
            StreamEnd::default()
        }
        Err(_) => {
            tracing::warn!("output of process {pid} still open; not read further");
            reader.abort();
            StreamEnd::default()
        }
    }
}
