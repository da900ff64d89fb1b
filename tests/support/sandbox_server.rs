//! `bindery serve --upstream sandbox` as a test starts it: the whole server (guards, proxy,
//! sandbox) on a free loopback port, on its own thread and runtime, so blocking tests can run
//! the real peers (wrangler, the SDK, Java) against it. A handle on the sandbox lets a test look
//! at what was stored, besides reading it back with the peers' own commands.

use std::net::SocketAddr;

use bindery::server::sandbox::{Sandbox, ACCOUNT_ID};
use bindery::server::{build_app, ServerConfig, Upstream};

use super::peers::Api;

/// The token the peers send (the sandbox takes any non-empty one).
pub const PEER_TOKEN: &str = "sandbox-peer-token";

pub struct SandboxServer {
    pub addr: SocketAddr,
    pub sandbox: Sandbox,
}

impl SandboxServer {
    /// Starts a server in front of `sandbox`; it runs until the test process ends.
    pub fn start(sandbox: Sandbox) -> SandboxServer {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1:0");
        listener
            .set_nonblocking(true)
            .expect("non-blocking listener");
        let addr = listener.local_addr().expect("local address");
        let mut config = ServerConfig::new(addr, Upstream::Sandbox(sandbox.clone()));
        config.dist = std::path::PathBuf::from("no-such-dist-folder");
        std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_multi_thread()
                .worker_threads(2)
                .enable_all()
                .build()
                .expect("server runtime");
            runtime.block_on(async move {
                let listener = tokio::net::TcpListener::from_std(listener).expect("listener");
                axum::serve(listener, build_app(config))
                    .await
                    .expect("sandbox server");
            });
        });
        SandboxServer { addr, sandbox }
    }

    /// `http://127.0.0.1:PORT/client/v4`.
    pub fn base_url(&self) -> String {
        format!("http://{}/client/v4", self.addr)
    }

    /// Where the peers talk to.
    pub fn api(&self) -> Api {
        Api {
            base_url: self.base_url(),
            token: PEER_TOKEN.to_string(),
            account_id: ACCOUNT_ID.to_string(),
        }
    }
}
