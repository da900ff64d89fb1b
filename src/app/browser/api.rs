//! The account requests behind the pickers and "Load from account", through the same-origin
//! proxy: list every page of a resource kind, create one, list accounts, read a script's settings.
//!
//! The token is only ever put in the `Authorization` header (see [`super::xhr`]).

use serde_json::Value;

use super::xhr::{request, Body, Reply};
use crate::app::resources::{parse_accounts, Account, Next, Resource, ResourceKind, MAX_PAGES};
use crate::diff::CurrentSettings;
use crate::model::{Operation, Request};

/// Same-origin prefix the proxy forwards to the API.
pub const API_PREFIX: &str = "/client/v4";

/// Header that picks the R2 jurisdiction of a bucket list or create.
const R2_JURISDICTION: &str = "cf-r2-jurisdiction";

async fn get(url: &str, token: &str, headers: &[(&str, &str)]) -> Result<Reply, String> {
    request("GET", url, Some(token), Body::None, headers, |_, _| {}).await
}

/// The jurisdiction header for R2, when one is chosen.
fn r2_headers(kind: ResourceKind, jurisdiction: Option<&str>) -> Vec<(&'static str, &str)> {
    match (kind, jurisdiction) {
        (ResourceKind::R2, Some(j)) if !j.is_empty() => vec![(R2_JURISDICTION, j)],
        _ => Vec::new(),
    }
}

/// Every resource of `kind` in the account, following pages or cursors (at most
/// [`MAX_PAGES`] requests).
pub async fn list_all(
    kind: ResourceKind,
    account_id: &str,
    token: &str,
    jurisdiction: Option<&str>,
) -> Result<Vec<Resource>, String> {
    let headers = r2_headers(kind, jurisdiction);
    let mut items = Vec::new();
    let mut next: Option<Next> = None;
    for number in 1..=MAX_PAGES {
        let url = kind.list_url(API_PREFIX, account_id, next.as_ref());
        let reply = get(&url, token, &headers).await?;
        let page = kind
            .parse_page(&reply.body, number)
            .map_err(|e| with_status(reply.status, e))?;
        items.extend(page.items);
        match page.next {
            Some(following) => next = Some(following),
            None => return Ok(items),
        }
    }
    Ok(items)
}

/// Creates a resource of `kind` called `name`; the answer's resource.
pub async fn create(
    kind: ResourceKind,
    account_id: &str,
    token: &str,
    name: &str,
    jurisdiction: Option<&str>,
) -> Result<Resource, String> {
    let url = format!("{API_PREFIX}{}", kind.path(account_id));
    let body = kind.create_body(name).to_string();
    let headers = r2_headers(kind, jurisdiction);
    let reply = request(
        "POST",
        &url,
        Some(token),
        Body::Json(&body),
        &headers,
        |_, _| {},
    )
    .await?;
    kind.parse_created(&reply.body)
        .map_err(|e| with_status(reply.status, e))
}

/// Every account the token can reach.
pub async fn accounts(token: &str) -> Result<Vec<Account>, String> {
    let mut all = Vec::new();
    for page in 1..=MAX_PAGES {
        let url = format!("{API_PREFIX}/accounts?page={page}&per_page=50");
        let reply = get(&url, token, &[]).await?;
        let (accounts, more) =
            parse_accounts(&reply.body, page).map_err(|e| with_status(reply.status, e))?;
        all.extend(accounts);
        if !more {
            break;
        }
    }
    Ok(all)
}

/// What reading a script's settings found.
#[derive(Clone, Debug, PartialEq)]
pub enum Deployed {
    Found(Box<CurrentSettings>),
    /// 404 or code 10007: the script does not exist yet.
    Missing,
    Failed(String),
}

/// The settings URL of the script `request` names (account or WfP user Worker).
pub fn settings_url(request: &Request) -> String {
    let mut settings = request.clone();
    settings.operation = Operation::Settings;
    format!("{API_PREFIX}{}", settings.path())
}

/// Reads the current settings of the script `request` names.
pub async fn deployed(request: &Request, token: &str) -> Deployed {
    match get(&settings_url(request), token, &[]).await {
        Ok(reply) => read_deployed(&reply),
        Err(e) => Deployed::Failed(e),
    }
}

/// Reads a settings answer: found, missing (404 / 10007), or failed with the API's words.
pub fn read_deployed(reply: &Reply) -> Deployed {
    let envelope: Option<Value> = serde_json::from_str(&reply.body).ok();
    let codes: Vec<i64> = envelope
        .as_ref()
        .and_then(|e| e.get("errors")?.as_array().cloned())
        .unwrap_or_default()
        .iter()
        .filter_map(|e| e.get("code")?.as_i64())
        .collect();
    if reply.status == 404 || codes.contains(&10007) {
        return Deployed::Missing;
    }
    let success = envelope.as_ref().and_then(|e| e.get("success")?.as_bool()) == Some(true);
    match envelope {
        Some(envelope) if success && (200..300).contains(&reply.status) => {
            match CurrentSettings::parse(&envelope) {
                Ok(current) => Deployed::Found(Box::new(current)),
                Err(e) => Deployed::Failed(e),
            }
        }
        _ => Deployed::Failed(with_status(
            reply.status,
            crate::app::resources::errors_of(&reply.body),
        )),
    }
}

fn with_status(status: u16, message: String) -> String {
    if (200..300).contains(&status) {
        message
    } else {
        format!("HTTP {status}: {message}")
    }
}
