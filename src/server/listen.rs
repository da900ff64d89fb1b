//! Accepting connections, with limits a slow or hostile client cannot stretch.
//!
//! `axum::serve` sets no timer, so a client that sends its request headers one byte a second,
//! or never finishes them, keeps its connection (and a task) forever, and nothing bounds how
//! many such connections pile up. Here every HTTP/1 connection must deliver each request's
//! headers within [`ConnectionLimits::header_read_timeout`] (which also closes a kept-alive
//! connection left idle that long), and at most [`ConnectionLimits::max_connections`] are open
//! at once: a connection beyond that is closed at once, with a log line at most once a second.

use std::future::Future;
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::extract::Request;
use axum::Router;
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use tokio::net::TcpListener;
use tokio::sync::Semaphore;
use tower::ServiceExt;

/// How long a client may take to send a request's headers, and how many connections may be
/// open at once.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ConnectionLimits {
    pub header_read_timeout: Duration,
    pub max_connections: usize,
}

impl Default for ConnectionLimits {
    fn default() -> Self {
        ConnectionLimits {
            header_read_timeout: Duration::from_secs(10),
            // A browser opens six per origin; the rest is for tools and tests, not for slowloris.
            max_connections: 256,
        }
    }
}

/// Serves `app` on `listener` until `shutdown` completes, then lets open requests finish (for
/// at most a few seconds).
pub async fn serve(
    listener: TcpListener,
    app: Router,
    limits: ConnectionLimits,
    shutdown: impl Future<Output = ()>,
) {
    // HTTP/1 only, as axum::serve without its `http2` feature.
    let mut builder = http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(limits.header_read_timeout);
    let permits = Arc::new(Semaphore::new(limits.max_connections));
    let graceful = GracefulShutdown::new();
    let mut last_refusal_logged: Option<Instant> = None;
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        let (stream, _) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                // Out of file descriptors and the like: wait a moment instead of spinning.
                Err(_) => {
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let Ok(permit) = permits.clone().try_acquire_owned() else {
            if last_refusal_logged.is_none_or(|t| t.elapsed() >= Duration::from_secs(1)) {
                eprintln!(
                    "bindery: a connection was closed at once: {} connections are open already",
                    limits.max_connections
                );
                last_refusal_logged = Some(Instant::now());
            }
            drop(stream);
            continue;
        };
        let _ = stream.set_nodelay(true);
        let service = TowerToHyperService::new(app.clone().map_request(
            |request: Request<hyper::body::Incoming>| request.map(axum::body::Body::new),
        ));
        let connection = graceful.watch(builder.serve_connection(TokioIo::new(stream), service));
        tokio::spawn(async move {
            // A timed-out or reset connection ends here; there is no one to tell.
            let _ = connection.await;
            drop(permit);
        });
    }
    drop(listener);
    let _ = tokio::time::timeout(Duration::from_secs(5), graceful.shutdown()).await;
}
