//! `bindery deploy COMPOSITION VERSION[@PCT]…`: deploy one version at 100 % or split the
//! traffic between two; `--list` the versions and deployments; `--rollback VERSION`. The
//! composition names the account and the script (an account Worker: Workers for Platforms user
//! Workers have no versions).

use std::path::PathBuf;
use std::process::ExitCode;

use super::api::{self, Api, Auth, Body};
use super::{fail, parse_composition};
use crate::deploy::deployments::{self, Deployment, Split};
use crate::deploy::versions::{self, Version};
use crate::deploy::{self as d, result_of};
use crate::explain::explain_response;
use crate::model::{Composition, Request};
use crate::send::rate::RateSetting;

#[derive(clap::Args)]
pub struct DeployArgs {
    /// The composition naming the account and the script.
    pub composition: PathBuf,
    /// The version(s) to deploy: an id (or its beginning, or #N), with @PCT for a split of two
    /// (e.g. abc123@90 def456@10).
    pub versions: Vec<String>,
    /// List the versions and deployments instead.
    #[arg(long, conflicts_with_all = ["versions", "rollback"])]
    pub list: bool,
    /// Deploy this earlier version at 100 % (message "Rollback" unless --message).
    #[arg(long, value_name = "VERSION", conflicts_with = "versions")]
    pub rollback: Option<String>,
    /// The deployment's message (annotation workers/message).
    #[arg(long)]
    pub message: Option<String>,
    /// The deployment's tag (annotation workers/tag).
    #[arg(long)]
    pub tag: Option<String>,
    /// Deploy even when the version's secrets differ from the current deployment's.
    #[arg(long)]
    pub force: bool,
    /// Where the API is: `cloudflare` or a base URL (default: $CLOUDFLARE_API_BASE_URL, else
    /// cloudflare).
    #[arg(long)]
    pub upstream: Option<String>,
}

/// The API client and the request line a composition file names (modules are not read).
pub(super) fn connect(
    path: &std::path::Path,
    upstream: Option<&str>,
) -> Result<(Api, Composition), String> {
    let base = api::api_base(upstream)?;
    let token = api::token_from_env()?;
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("{}: cannot read the composition: {e}", path.display()))?;
    let composition = parse_composition(path, &text).map_err(|e| e.to_string())?;
    let request = &composition.request;
    if request.account_id.is_empty() || request.script_name.is_empty() {
        return Err(format!(
            "{}: the composition must name request.account_id and request.script_name",
            path.display()
        ));
    }
    Ok((Api::new(base, token, RateSetting::Off)?, composition))
}

pub fn run(args: DeployArgs) -> ExitCode {
    let (api, composition) = match connect(&args.composition, args.upstream.as_deref()) {
        Ok(c) => c,
        Err(e) => return fail(e),
    };
    if let Some(why) = d::versions_unavailable(&composition.request) {
        return fail(why);
    }
    if !args.list && args.rollback.is_none() && args.versions.is_empty() {
        return fail("name the version(s) to deploy, or use --list or --rollback VERSION");
    }
    let wanted = match &args.rollback {
        Some(version) => vec![(version.clone(), None)],
        None => match args
            .versions
            .iter()
            .map(|a| deployments::parse_split_arg(a))
            .collect()
        {
            Ok(w) => w,
            Err(e) => return fail(e),
        },
    };
    let runtime = match super::runtime() {
        Ok(r) => r,
        Err(e) => return fail(e),
    };
    runtime.block_on(async {
        let request = &composition.request;
        let (versions, deployments) = match read_state(&api, request).await {
            Ok(state) => state,
            Err(e) => {
                eprintln!("bindery: {e}");
                return ExitCode::FAILURE;
            }
        };
        if args.list {
            print!("{}", list_text(&versions, &deployments));
            return ExitCode::SUCCESS;
        }
        let resolved: Result<Vec<(String, Option<f64>)>, String> = wanted
            .iter()
            .map(|(v, p)| versions::resolve(&versions, v).map(|v| (v.id.clone(), *p)))
            .collect();
        let splits = match resolved.and_then(|r| deployments::plan(&r)) {
            Ok(s) => s,
            Err(e) => return fail(e),
        };
        let message = args
            .message
            .clone()
            .or_else(|| args.rollback.as_ref().map(|_| "Rollback".to_string()));
        let current = deployments.first();
        let changes = deployments::changes(current, &splits, &versions);
        if changes.is_empty() {
            println!("Nothing changes: the Worker is deployed like this already.");
            return ExitCode::SUCCESS;
        }
        println!("What this deployment changes:");
        for change in &changes {
            println!("  {}", change.describe());
        }
        deploy(
            &api,
            &composition,
            &splits,
            message.as_deref(),
            args.tag.as_deref(),
            args.force,
        )
        .await
    })
}

async fn read_state(
    api: &Api,
    request: &Request,
) -> Result<(Vec<Version>, Vec<Deployment>), String> {
    let get = |path: String| async move {
        let sent = api.send("GET", &path, &Body::None, Auth::Token, true).await;
        match sent.result {
            Ok(a) => result_of(a.status, &a.body),
            Err(e) => Err(e.message),
        }
    };
    let versions = get(d::versions_path(request, false))
        .await
        .and_then(|r| versions::parse_versions(&r))
        .map_err(|e| format!("cannot list the versions: {e}"))?;
    let deployments = get(d::deployments_path(request))
        .await
        .and_then(|r| deployments::parse_deployments(&r))
        .map_err(|e| format!("cannot list the deployments: {e}"))?;
    Ok((versions, deployments))
}

async fn deploy(
    api: &Api,
    composition: &Composition,
    splits: &[Split],
    message: Option<&str>,
    tag: Option<&str>,
    force: bool,
) -> ExitCode {
    let mut path = d::deployments_path(&composition.request);
    if force {
        path.push_str("?force=true");
    }
    let body = Body::Json(deployments::deployment_body(splits, message, tag));
    // A second identical deployment is harmless, but not retried on a 5xx all the same: the
    // list says what happened.
    let sent = api.send("POST", &path, &body, Auth::Token, false).await;
    let answer = match sent.result {
        Ok(a) => a,
        Err(e) => {
            eprintln!("error: no answer from the API: {}", e.message);
            return ExitCode::FAILURE;
        }
    };
    match result_of(answer.status, &answer.body) {
        Ok(result) => {
            let id = deployments::parse_deployment(&result)
                .map(|d| d.id)
                .unwrap_or_default();
            println!(
                "Success: deployed{}.",
                if id.is_empty() {
                    String::new()
                } else {
                    format!(" (deployment {id})")
                }
            );
            ExitCode::SUCCESS
        }
        Err(_) => {
            println!("{} POST {}", answer.status, api.url(&path));
            let explanations = explain_response(answer.status, &answer.body, composition);
            print!("{}", super::send::explanations_text(&explanations));
            if answer.body.contains("force=true") && !force {
                println!("  Run again with --force to deploy with the version's own secrets.");
            }
            ExitCode::FAILURE
        }
    }
}

/// The versions (newest first) with their share in the current deployment, then the
/// deployments.
pub fn list_text(versions: &[Version], deployments: &[Deployment]) -> String {
    let current = deployments.first();
    let mut out = String::from("Versions (newest first):\n");
    if versions.is_empty() {
        out.push_str("  none\n");
    }
    for v in versions {
        let share = current.map_or(0.0, |d| d.share(&v.id));
        let share = if share > 0.0 {
            format!("{share} %")
        } else {
            "-".to_string()
        };
        out.push_str(&format!(
            "  {:<16} {:>6}  {}  {}{}{}\n",
            v.label(),
            share,
            v.created_on,
            v.id,
            v.tag
                .as_ref()
                .map(|t| format!("  tag {t}"))
                .unwrap_or_default(),
            v.message
                .as_ref()
                .map(|m| format!("  \"{m}\""))
                .unwrap_or_default(),
        ));
    }
    out.push_str("Deployments (newest first):\n");
    if deployments.is_empty() {
        out.push_str("  none\n");
    }
    for dep in deployments {
        let shares: Vec<String> = dep
            .versions
            .iter()
            .map(|s| {
                let label = versions
                    .iter()
                    .find(|v| v.id == s.version_id)
                    .map_or_else(|| d::short_id(&s.version_id).to_string(), Version::label);
                format!("{label} {} %", s.percentage)
            })
            .collect();
        out.push_str(&format!(
            "  {}  {}  {}{}\n",
            dep.created_on,
            d::short_id(&dep.id),
            shares.join(", "),
            dep.message
                .as_ref()
                .map(|m| format!("  \"{m}\""))
                .unwrap_or_default(),
        ));
    }
    out
}
