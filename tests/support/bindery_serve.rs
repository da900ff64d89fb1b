//! `bindery serve --upstream sandbox` as a process for CLI tests: its API URL, its request log
//! (one line per request: method, path, status) to count what arrived, stopped when dropped.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// The sandbox's one account.
pub const ACCOUNT: &str = "023e105f4ecef8ad9ca31a8372d0c353";

pub struct Server {
    child: Child,
    /// `http://127.0.0.1:PORT/client/v4`.
    pub api: String,
    log: Arc<Mutex<Vec<String>>>,
}

impl Server {
    /// Starts the server on a free port with `extra` arguments (e.g. `--sandbox-rate-limit`).
    pub fn start(extra: &[&str]) -> Server {
        let mut child = Command::new(env!("CARGO_BIN_EXE_bindery"))
            .args(["serve", "--addr", "127.0.0.1:0", "--upstream", "sandbox"])
            .args(["--dist", "no-such-dist"])
            .args(extra)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        let first = lines.next().unwrap().unwrap();
        let url = first
            .strip_prefix("Bindery is running: open ")
            .unwrap_or_else(|| panic!("unexpected first line {first:?}"))
            .to_string();
        std::thread::spawn(move || lines.for_each(drop));
        let log = Arc::new(Mutex::new(Vec::new()));
        let sink = log.clone();
        let stderr = child.stderr.take().unwrap();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                sink.lock().unwrap().push(line);
            }
        });
        Server {
            child,
            api: format!("{url}client/v4"),
            log,
        }
    }

    /// Request log lines (`METHOD path status …`) that start with `prefix`.
    pub fn logged(&self, prefix: &str) -> Vec<String> {
        std::thread::sleep(Duration::from_millis(100));
        self.log
            .lock()
            .unwrap()
            .iter()
            .filter_map(|l| l.strip_prefix("bindery: "))
            .filter(|l| l.starts_with(prefix))
            .map(str::to_string)
            .collect()
    }

    /// Everything the server printed on standard error.
    pub fn log_text(&self) -> String {
        self.log.lock().unwrap().join("\n")
    }

    /// A JSON request with curl; the answer's body.
    pub fn call(&self, method: &str, path: &str, body: Option<&str>) -> serde_json::Value {
        let mut command = Command::new("curl");
        command
            .args(["-sS", "-X", method, "-H", "Authorization: Bearer t"])
            .args(["-H", "Content-Type: application/json"])
            .arg(format!("{}{path}", self.api));
        if let Some(body) = body {
            command.args(["--data-binary", body]);
        }
        let output = command.output().unwrap();
        serde_json::from_slice(&output.stdout)
            .unwrap_or_else(|e| panic!("{method} {path}: {e}: {output:?}"))
    }

    /// A JSON `POST` that must succeed.
    pub fn post_json(&self, path: &str, body: &str) -> serde_json::Value {
        let answer = self.call("POST", path, Some(body));
        assert_eq!(answer["success"], true, "{answer}");
        answer
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
