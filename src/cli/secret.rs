//! `bindery secret put|list|delete|bulk COMPOSITION …`: a Worker's secrets without uploading its
//! code (account Workers and Workers for Platforms user Workers). A value is read from standard
//! input (or, for `bulk`, a file), never from an argument, and is never printed or stored.

use std::io::{IsTerminal, Read};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Subcommand;

use super::api::{Api, Auth, Body};
use super::deploy::connect;
use super::fail;
use crate::deploy::secrets;
use crate::deploy::{self as d, result_of};
use crate::explain::explain_response;
use crate::model::Composition;

#[derive(clap::Args)]
pub struct SecretArgs {
    #[command(subcommand)]
    pub action: SecretAction,
    /// Where the API is: `cloudflare` or a base URL (default: $CLOUDFLARE_API_BASE_URL, else
    /// cloudflare).
    #[arg(long, global = true)]
    pub upstream: Option<String>,
}

#[derive(Subcommand)]
pub enum SecretAction {
    /// Set a secret; its value is read from standard input (`printf %s "$VALUE" | …`).
    Put { composition: PathBuf, name: String },
    /// List the secrets' names.
    List { composition: PathBuf },
    /// Delete a secret.
    Delete { composition: PathBuf, name: String },
    /// Set (and, with null in JSON, delete) several secrets in one request, from FILE or
    /// standard input: a JSON object {"NAME": "value", "OLD": null} or .env lines NAME=VALUE.
    Bulk {
        composition: PathBuf,
        file: Option<PathBuf>,
    },
}

pub fn run(args: SecretArgs) -> ExitCode {
    let composition_path = match &args.action {
        SecretAction::Put { composition, .. }
        | SecretAction::List { composition }
        | SecretAction::Delete { composition, .. }
        | SecretAction::Bulk { composition, .. } => composition.clone(),
    };
    let (api, composition) = match connect(&composition_path, args.upstream.as_deref()) {
        Ok(c) => c,
        Err(e) => return fail(e),
    };
    let request = &composition.request;
    let call = match &args.action {
        SecretAction::Put { name, .. } => {
            let value = match read_stdin_value(name) {
                Ok(v) => v,
                Err(e) => return fail(e),
            };
            Call {
                method: "PUT",
                path: d::secrets_path(request),
                body: Body::Json(secrets::put_body(name, &value)),
                done: format!("Success: secret {name} set."),
            }
        }
        SecretAction::List { .. } => Call {
            method: "GET",
            path: d::secrets_path(request),
            body: Body::None,
            done: String::new(),
        },
        SecretAction::Delete { name, .. } => Call {
            method: "DELETE",
            path: d::secret_path(request, name),
            body: Body::None,
            done: format!("Success: secret {name} deleted."),
        },
        SecretAction::Bulk { file, .. } => {
            let text = match file {
                Some(path) => {
                    std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))
                }
                None => read_stdin(),
            };
            let entries = match text.and_then(|t| secrets::parse_bulk_input(&t)) {
                Ok(e) if e.is_empty() => return fail("no secrets in the input"),
                Ok(e) => e,
                Err(e) => return fail(e),
            };
            let set = entries.iter().filter(|(_, v)| v.is_some()).count();
            let deleted = entries.len() - set;
            Call {
                method: "PATCH",
                path: d::secrets_bulk_path(request),
                body: Body::JsonAs {
                    text: secrets::bulk_body(&entries),
                    content_type: secrets::BULK_CONTENT_TYPE,
                },
                done: format!("Success: {set} secret(s) set, {deleted} deleted."),
            }
        }
    };
    let runtime = match super::runtime() {
        Ok(r) => r,
        Err(e) => return fail(e),
    };
    runtime.block_on(perform(&api, &composition, call))
}

struct Call {
    method: &'static str,
    path: String,
    body: Body,
    done: String,
}

async fn perform(api: &Api, composition: &Composition, call: Call) -> ExitCode {
    let sent = api
        .send(call.method, &call.path, &call.body, Auth::Token, true)
        .await;
    let answer = match sent.result {
        Ok(a) => a,
        Err(e) => {
            eprintln!("error: no answer from the API: {}", e.message);
            return ExitCode::FAILURE;
        }
    };
    match result_of(answer.status, &answer.body) {
        Ok(result) if call.method == "GET" => match secrets::parse_secrets(&result) {
            Ok(list) if list.is_empty() => {
                println!("No secrets.");
                ExitCode::SUCCESS
            }
            Ok(list) => {
                for secret in list {
                    println!("{}\t{}", secret.name, secret.kind);
                }
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("bindery: {e}");
                ExitCode::FAILURE
            }
        },
        Ok(_) => {
            println!("{}", call.done);
            ExitCode::SUCCESS
        }
        Err(_) => {
            // The path, never the body: it holds the value.
            println!("{} {} {}", answer.status, call.method, api.url(&call.path));
            let explanations = explain_response(answer.status, &answer.body, composition);
            print!("{}", super::send::explanations_text(&explanations));
            ExitCode::FAILURE
        }
    }
}

fn read_stdin() -> Result<String, String> {
    let mut text = String::new();
    std::io::stdin()
        .read_to_string(&mut text)
        .map_err(|e| format!("cannot read standard input: {e}"))?;
    Ok(text)
}

/// The value of `name` from standard input; a terminal is refused, so the value is never
/// typed where it shows.
fn read_stdin_value(name: &str) -> Result<String, String> {
    if std::io::stdin().is_terminal() {
        return Err(format!(
            "the value of {name} is read from standard input: pipe it in, e.g. `printf %s \"$VALUE\" | bindery secret put COMPOSITION {name}`"
        ));
    }
    let text = read_stdin()?;
    if text.is_empty() {
        return Err(format!("standard input is empty: no value for {name}"));
    }
    Ok(secrets::value_from_stdin(&text).to_string())
}
