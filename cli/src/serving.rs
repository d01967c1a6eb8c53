//! What the embedded server and the local AWS mode share: serving the router on a socket,
//! waiting for a shutdown signal, and stopping with the running jobs aborted.

use std::net::SocketAddr;
use std::time::Duration;

use anyhow::Context;
use axum::Router;
use oqcloud_store::runs::RunRegistry;
use tokio::net::TcpListener;
use tokio::task::JoinHandle;

/// How long a stopping server waits for its aborted jobs to end.
const ABORT_GRACE: Duration = Duration::from_secs(60);

/// Binds `host:port` (0 picks a free port) and serves `router` there in a task.
pub(crate) async fn serve(
    router: Router,
    host: &str,
    port: u16,
) -> anyhow::Result<(SocketAddr, JoinHandle<()>)> {
    let listener = TcpListener::bind((host, port))
        .await
        .with_context(|| format!("binding {host}:{port}"))?;
    let addr = listener.local_addr()?;
    let server = tokio::spawn(async move {
        if let Err(error) = axum::serve(listener, router).await {
            tracing::error!("server stopped: {error}");
        }
    });
    Ok((addr, server))
}

/// Waits until the server task ends or SIGINT or SIGTERM arrives.
pub(crate) async fn until_signal(server: &mut JoinHandle<()>) -> anyhow::Result<()> {
    tokio::select! {
        ended = server => ended?,
        () = shutdown_signal() => tracing::info!("shutting down"),
    }
    Ok(())
}

/// Stops serving, aborts the running jobs (their engines' processes are stopped and the
/// jobs end `aborted`), waits for that up to a minute, and stops the workers.
pub(crate) async fn stop(server: JoinHandle<()>, runs: &RunRegistry, workers: Vec<JoinHandle<()>>) {
    server.abort();
    let aborted = runs.abort_all();
    if aborted > 0 {
        tracing::info!("aborting {aborted} running job(s)");
    }
    let deadline = tokio::time::Instant::now() + ABORT_GRACE;
    while runs.running() > 0 && tokio::time::Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    for worker in workers {
        worker.abort();
    }
}

/// Resolves on SIGINT (Ctrl-C) or SIGTERM.
pub(crate) async fn shutdown_signal() {
    let interrupt = tokio::signal::ctrl_c();
    let mut terminate =
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(signal) => signal,
            Err(error) => {
                tracing::warn!("cannot listen for SIGTERM: {error}");
                let _ = interrupt.await;
                return;
            }
        };
    tokio::select! {
        _ = interrupt => {}
        _ = terminate.recv() => {}
    }
}
