//! `bindery serve`: the app, the proxy to the Cloudflare API, and the sandbox.

/// Options of `bindery serve`.
#[derive(Clone, Debug, clap::Args)]
pub struct ServeArgs {
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1:8787")]
    pub addr: String,
    /// Where API requests go: `cloudflare`, `sandbox`, or a base URL.
    #[arg(long, default_value = "cloudflare")]
    pub upstream: String,
    /// Folder holding the built app.
    #[arg(long, default_value = "dist")]
    pub dist: std::path::PathBuf,
}

/// Runs the server until it is stopped.
pub fn run(args: ServeArgs) -> std::process::ExitCode {
    eprintln!("bindery serve: not built yet ({args:?})");
    std::process::ExitCode::FAILURE
}
