//! The JSON-lines report of `bindery send --many`: one line per Worker, written whole as soon
//! as its outcome is known, so the file stays valid whenever the run stops (a line cut by a
//! hard kill is the last one, and [`Resume`] skips it).
//!
//! A Worker is identified by its request (`PUT /accounts/…/scripts/customer-1`): `--resume`
//! skips every request whose line says `ok` or `skipped`, however the input was reordered.

use std::collections::HashSet;

use serde::{Deserialize, Serialize};

use crate::explain::Explanation;

/// How one Worker's send ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// The API accepted it.
    Ok,
    /// The API refused it (an answer that is final: 4xx, or `success: false`).
    Refused,
    /// No final answer: 5xx or connection failures until the retries ran out, or a 5xx on a
    /// request that is not safe to repeat.
    Failed,
    /// Not sent: its composition could not be built (a pointer, a module file).
    Invalid,
    /// Not sent: a report given to `--resume` says it succeeded already.
    Skipped,
}

impl Outcome {
    /// Whether the Worker is done (no need to send it again).
    pub fn is_done(self) -> bool {
        matches!(self, Outcome::Ok | Outcome::Skipped)
    }
}

/// One API error of a refused send, explained as the app explains it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ReportError {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<i64>,
    pub message: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub explanation: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub at: Option<String>,
}

impl From<&Explanation> for ReportError {
    fn from(e: &Explanation) -> Self {
        ReportError {
            code: e.code,
            message: e.message.clone(),
            explanation: e.explanation.clone(),
            at: e.at.as_ref().map(ToString::to_string),
        }
    }
}

/// One line of the report.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ReportLine {
    /// Method and path (below the API base): the Worker's identity for `--resume`.
    pub request: String,
    /// Where it came from: a composition file, or `FILE:LINE` of the values file.
    pub source: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub script: String,
    pub outcome: Outcome,
    /// The last HTTP status, when there was an answer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<u16>,
    #[serde(default)]
    pub attempts: u32,
    /// Time from the first attempt to the outcome, in milliseconds.
    #[serde(default)]
    pub ms: u64,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<ReportError>,
}

impl ReportLine {
    /// The line as written: compact JSON and a newline.
    pub fn to_line(&self) -> String {
        let mut line = serde_json::to_string(self).expect("a report line serializes");
        line.push('\n');
        line
    }
}

/// The key of a request: `METHOD path?query`.
pub fn request_key(method: &str, path_and_query: &str) -> String {
    format!("{method} {path_and_query}")
}

/// What a report given to `--resume` says is done, read line by line.
#[derive(Clone, Debug, Default)]
pub struct Resume {
    done: HashSet<String>,
    /// Lines that are not report lines (a line cut by a kill, text added by hand).
    pub unreadable: usize,
    pub lines: usize,
}

impl Resume {
    /// Reads one line of the report.
    pub fn add_line(&mut self, line: &str) {
        if line.trim().is_empty() {
            return;
        }
        self.lines += 1;
        match serde_json::from_str::<ReportLine>(line) {
            Ok(report) if report.outcome.is_done() => {
                self.done.insert(report.request);
            }
            Ok(_) => {}
            Err(_) => self.unreadable += 1,
        }
    }

    /// Reads a whole report.
    pub fn from_text(text: &str) -> Resume {
        let mut resume = Resume::default();
        text.lines().for_each(|line| resume.add_line(line));
        resume
    }

    /// Whether `request_key` succeeded already.
    pub fn is_done(&self, request_key: &str) -> bool {
        self.done.contains(request_key)
    }

    /// How many Workers are done.
    pub fn done_count(&self) -> usize {
        self.done.len()
    }
}

/// Counts per outcome, for the summary.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Tally {
    pub ok: usize,
    pub refused: usize,
    pub failed: usize,
    pub invalid: usize,
    pub skipped: usize,
}

impl Tally {
    pub fn add(&mut self, outcome: Outcome) {
        match outcome {
            Outcome::Ok => self.ok += 1,
            Outcome::Refused => self.refused += 1,
            Outcome::Failed => self.failed += 1,
            Outcome::Invalid => self.invalid += 1,
            Outcome::Skipped => self.skipped += 1,
        }
    }

    pub fn total(&self) -> usize {
        self.ok + self.refused + self.failed + self.invalid + self.skipped
    }

    /// Whether every Worker is done.
    pub fn all_done(&self) -> bool {
        self.refused + self.failed + self.invalid == 0
    }

    /// `900 sent, 2 refused, 0 failed, 1 invalid, 97 skipped`.
    pub fn summary(&self) -> String {
        format!(
            "{} sent, {} refused, {} failed, {} invalid, {} skipped (done before)",
            self.ok, self.refused, self.failed, self.invalid, self.skipped
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(request: &str, outcome: Outcome) -> ReportLine {
        ReportLine {
            request: request.into(),
            source: "rows.csv:2".into(),
            script: "w".into(),
            outcome,
            status: Some(200),
            attempts: 1,
            ms: 12,
            errors: vec![],
        }
    }

    #[test]
    fn a_line_is_one_compact_json_object() {
        let text = line("PUT /accounts/a/workers/scripts/w", Outcome::Ok).to_line();
        assert_eq!(
            text,
            "{\"request\":\"PUT /accounts/a/workers/scripts/w\",\"source\":\"rows.csv:2\",\"script\":\"w\",\"outcome\":\"ok\",\"status\":200,\"attempts\":1,\"ms\":12}\n"
        );
        let back: ReportLine = serde_json::from_str(&text).unwrap();
        assert_eq!(back, line("PUT /accounts/a/workers/scripts/w", Outcome::Ok));
    }

    #[test]
    fn resume_skips_what_succeeded_and_only_that() {
        let text = [
            line("PUT /a", Outcome::Ok).to_line(),
            line("PUT /b", Outcome::Refused).to_line(),
            line("PUT /c", Outcome::Failed).to_line(),
            line("PUT /d", Outcome::Skipped).to_line(),
            line("PUT /b", Outcome::Ok).to_line(),
        ]
        .concat();
        let resume = Resume::from_text(&text);
        assert!(resume.is_done("PUT /a"));
        assert!(resume.is_done("PUT /b"));
        assert!(!resume.is_done("PUT /c"));
        assert!(resume.is_done("PUT /d"));
        assert_eq!(resume.done_count(), 3);
        assert_eq!(resume.unreadable, 0);
    }

    #[test]
    fn a_line_cut_by_a_kill_is_counted_and_ignored() {
        let mut text = line("PUT /a", Outcome::Ok).to_line();
        text.push_str("{\"request\":\"PUT /b\",\"sour");
        let resume = Resume::from_text(&text);
        assert!(resume.is_done("PUT /a"));
        assert!(!resume.is_done("PUT /b"));
        assert_eq!((resume.lines, resume.unreadable), (2, 1));
    }

    #[test]
    fn the_tally_says_whether_everything_is_done() {
        let mut tally = Tally::default();
        tally.add(Outcome::Ok);
        tally.add(Outcome::Skipped);
        assert!(tally.all_done());
        tally.add(Outcome::Refused);
        assert!(!tally.all_done());
        assert_eq!(tally.total(), 3);
        assert_eq!(
            tally.summary(),
            "1 sent, 1 refused, 0 failed, 0 invalid, 1 skipped (done before)"
        );
    }
}
