//! `bindery serve`: the app, the proxy to the Cloudflare API, and the sandbox.
//!
//! - [`args`]: the command-line options, turned into a [`ServerConfig`];
//! - [`app`]: the router ([`build_app`]) putting the pieces together;
//! - [`guards`]: request target, `Host`, `Origin`, allow-list, headers, body cap;
//! - [`proxy`]: streaming forwarder to the upstream fixed at start-up;
//! - [`listen`]: accepting connections, with a header-read timeout and a connection cap;
//! - [`static_files`] (compressed once by [`precompress`]), [`logging`], [`info`];
//! - [`sandbox`]: an in-process emulation of the API endpoints Bindery uses.

pub mod app;
pub mod args;
pub mod config;
pub mod envelope;
pub mod guards;
pub mod info;
pub mod listen;
pub mod logging;
pub mod precompress;
pub mod proxy;
pub mod sandbox;
pub mod static_files;

use std::net::SocketAddr;
use std::process::ExitCode;

pub use app::build_app;
pub use args::ServeArgs;
pub use config::{ServerConfig, Upstream};
pub use listen::ConnectionLimits;

/// Serves the whole server for `config` on `listener` (bound at `config.addr`) until
/// `shutdown` completes.
pub async fn serve_on(
    listener: tokio::net::TcpListener,
    config: ServerConfig,
    shutdown: impl std::future::Future<Output = ()>,
) {
    let limits = config.connections;
    listen::serve(listener, build_app(config), limits, shutdown).await;
}

/// Runs the server until it is stopped (Ctrl-C).
pub fn run(args: ServeArgs) -> ExitCode {
    let config = match args.to_config() {
        Ok(config) => config,
        Err(message) => {
            eprintln!("bindery serve: {message}");
            return ExitCode::from(2);
        }
    };
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("bindery serve: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    runtime.block_on(serve(config))
}

async fn serve(mut config: ServerConfig) -> ExitCode {
    let listener = match tokio::net::TcpListener::bind(config.addr).await {
        Ok(listener) => listener,
        Err(e) => {
            eprintln!("bindery serve: cannot listen on {}: {e}", config.addr);
            return ExitCode::FAILURE;
        }
    };
    if let Ok(bound) = listener.local_addr() {
        config.addr = bound;
    }
    announce(&config);
    let shutdown = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    serve_on(listener, config, shutdown).await;
    ExitCode::SUCCESS
}

/// The URL to open (a loopback one when listening on every address).
pub fn url_to_open(addr: SocketAddr) -> String {
    let shown = if addr.ip().is_unspecified() {
        SocketAddr::new(std::net::Ipv4Addr::LOCALHOST.into(), addr.port())
    } else {
        addr
    };
    format!("http://{shown}/")
}

fn announce(config: &ServerConfig) {
    if !config.addr.ip().is_loopback() {
        eprintln!(
            "bindery serve: WARNING: listening on {}, not loopback: anyone who can reach this \
             address can use the proxy (with their own token) and the sandbox",
            config.addr
        );
    }
    println!("Bindery is running: open {}", url_to_open(config.addr));
    println!(
        "API requests under /client/v4/ go to: {:?}",
        config.upstream
    );
    if !config.dist.join("index.html").is_file() {
        println!(
            "The app is not built ({} has no index.html): run `make run` to build and serve it.",
            config.dist.display()
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_url_to_open_is_reachable() {
        assert_eq!(
            url_to_open("127.0.0.1:8787".parse().unwrap()),
            "http://127.0.0.1:8787/"
        );
        assert_eq!(
            url_to_open("0.0.0.0:9000".parse().unwrap()),
            "http://127.0.0.1:9000/"
        );
        assert_eq!(
            url_to_open("[::1]:9000".parse().unwrap()),
            "http://[::1]:9000/"
        );
    }
}
