//! `bindery send COMPOSITION.json`: perform the request a composition describes and print the
//! answer with the app's plain explanations. Exit 0 when the API accepted it, 1 when it refused
//! it (or never answered), 2 on bad input.

use std::path::PathBuf;
use std::process::ExitCode;

use bytes::Bytes;

use super::api::{self, Api, Auth, Body, Sent};
use super::assets::{self, AssetsArgs};
use super::{fail, load_composition};
use crate::encode;
use crate::explain::{explain_response, Envelope, Explanation};
use crate::model::Composition;
use crate::rules;
use crate::send::rate::RateSetting;

#[derive(clap::Args)]
pub struct SendArgs {
    /// The composition file; with --many, a folder of compositions or a CSV / JSON-lines file
    /// of values for --template.
    pub source: PathBuf,
    /// Where the API is: `cloudflare` or a base URL such as http://127.0.0.1:8787/client/v4
    /// (default: $CLOUDFLARE_API_BASE_URL, else cloudflare).
    #[arg(long)]
    pub upstream: Option<String>,
    /// Upload the static assets in this folder first and attach them (metadata.assets).
    #[arg(long, value_name = "DIR")]
    pub assets: Option<PathBuf>,
    #[command(flatten)]
    pub asset_limits: AssetsArgs,
    /// Print the whole response envelope after the summary.
    #[arg(long)]
    pub body: bool,
    /// Send many Workers: SOURCE is a folder of compositions, or a values file with --template.
    #[arg(long)]
    pub many: bool,
    #[command(flatten)]
    pub many_args: super::many::ManyArgs,
}

pub fn run(args: SendArgs) -> ExitCode {
    if args.many {
        return super::many::run(args);
    }
    let base = match api::api_base(args.upstream.as_deref()) {
        Ok(base) => base,
        Err(e) => return fail(e),
    };
    let token = match api::token_from_env() {
        Ok(token) => token,
        Err(e) => return fail(e),
    };
    let mut composition = match load_composition(&args.source) {
        Ok(c) => c,
        Err(e) => return fail(e),
    };
    let runtime = match super::runtime() {
        Ok(r) => r,
        Err(e) => return fail(e),
    };
    let api = match Api::new(base, token, RateSetting::Off) {
        Ok(api) => api,
        Err(e) => return fail(e),
    };
    runtime.block_on(async move {
        if let Some(dir) = &args.assets {
            match assets::upload(&api, &mut composition, dir, &args.asset_limits, true).await {
                Ok(()) => {}
                Err(assets::Failure::Input(message)) => return fail(message),
                Err(assets::Failure::Api(message)) => {
                    eprintln!("bindery: the assets upload failed: {message}");
                    return ExitCode::FAILURE;
                }
            }
        }
        warn_findings(&composition);
        let sent = send_composition(&api, &composition).await;
        let report = Reported::of(&composition, &sent);
        print!("{}", report.text(&api, &composition));
        if args.body {
            if let Ok(answer) = &sent.result {
                println!("{}", pretty(&answer.body));
            }
        }
        if report.accepted {
            ExitCode::SUCCESS
        } else {
            ExitCode::FAILURE
        }
    })
}

/// Rule errors do not stop a send (the API is the judge), but they are said first.
fn warn_findings(composition: &Composition) {
    let findings = rules::check_at(composition, Some(&super::today_utc()));
    let errors: Vec<&rules::Finding> = findings
        .iter()
        .filter(|f| f.level == rules::Level::Error)
        .collect();
    if errors.is_empty() {
        return;
    }
    eprintln!("warning: the checks found errors; the API will likely reject this request:");
    for f in errors {
        eprintln!("  error[{}] {}: {}", f.rule, f.at, f.message);
    }
}

/// A fresh random multipart boundary.
pub fn boundary() -> String {
    format!("----BinderyBoundary{:016x}", rand::random::<u64>())
}

/// The request a composition describes, sent with the rate limit and retries.
pub async fn send_composition(api: &Api, composition: &Composition) -> Sent {
    let boundary = boundary();
    let bytes = Bytes::from(encode::multipart::body(composition, &boundary));
    let request = &composition.request;
    api.send(
        request.method(),
        &request.path_and_query(),
        &Body::Multipart { boundary, bytes },
        Auth::Token,
        request.operation.is_idempotent(),
    )
    .await
}

/// What the answer means, as the app shows it.
pub struct Reported {
    pub accepted: bool,
    pub status: Option<u16>,
    pub explanations: Vec<Explanation>,
    pub no_answer: Option<String>,
    pub result: serde_json::Value,
    pub attempts: u32,
    pub elapsed_ms: u64,
}

impl Reported {
    pub fn of(composition: &Composition, sent: &Sent) -> Reported {
        let elapsed_ms = sent.elapsed.as_millis() as u64;
        match &sent.result {
            Ok(answer) => {
                let explanations = explain_response(answer.status, &answer.body, composition);
                let envelope = Envelope::parse(&answer.body);
                let accepted = (200..300).contains(&answer.status)
                    && explanations.is_empty()
                    && envelope.as_ref().is_none_or(|e| e.success);
                Reported {
                    accepted,
                    status: Some(answer.status),
                    explanations,
                    no_answer: None,
                    result: envelope.map(|e| e.result).unwrap_or_default(),
                    attempts: sent.attempts,
                    elapsed_ms,
                }
            }
            Err(e) => Reported {
                accepted: false,
                status: None,
                explanations: Vec::new(),
                no_answer: Some(e.message.clone()),
                result: serde_json::Value::Null,
                attempts: sent.attempts,
                elapsed_ms,
            },
        }
    }

    /// The status line, then success or each error with its explanation and field.
    pub fn text(&self, api: &Api, composition: &Composition) -> String {
        let request = &composition.request;
        let status = self
            .status
            .map_or("no response".to_string(), |s| s.to_string());
        let tries = if self.attempts > 1 {
            format!(", {} attempts", self.attempts)
        } else {
            String::new()
        };
        let mut out = format!(
            "{status} {} {} ({} ms{tries})\n",
            request.method(),
            api.url(&request.path_and_query()),
            self.elapsed_ms
        );
        if let Some(message) = &self.no_answer {
            out.push_str(&format!("error: no answer from the API: {message}\n"));
        } else if self.accepted {
            out.push_str("Success: the API accepted the request.\n");
            for (label, key) in [("id", "id"), ("version", "number"), ("etag", "etag")] {
                if let Some(value) = self.result.get(key).filter(|v| !v.is_null()) {
                    let value = value.as_str().map_or(value.to_string(), str::to_string);
                    out.push_str(&format!("{label}: {value}\n"));
                }
            }
        }
        out.push_str(&explanations_text(&self.explanations));
        out
    }
}

/// Each explanation as `error CODE at FIELD: API message` and its plain words below.
pub fn explanations_text(explanations: &[Explanation]) -> String {
    let mut out = String::new();
    for e in explanations {
        let code = e.code.map(|c| format!(" {c}")).unwrap_or_default();
        let at =
            e.at.as_ref()
                .map(|a| format!(" at {a}"))
                .unwrap_or_default();
        let message = if e.message.is_empty() {
            String::new()
        } else {
            format!(": {}", e.message.trim())
        };
        out.push_str(&format!("error{code}{at}{message}\n  {}\n", e.explanation));
    }
    out
}

fn pretty(body: &str) -> String {
    serde_json::from_str::<serde_json::Value>(body)
        .ok()
        .and_then(|v| serde_json::to_string_pretty(&v).ok())
        .unwrap_or_else(|| body.to_string())
}
