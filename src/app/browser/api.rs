//! The account requests behind the pickers and "Load from account", through the same-origin
//! proxy: list every page of a resource kind, create one, list accounts, read a script's settings.
//!
//! The token is only ever put in the `Authorization` header (see [`super::http`]).

use gloo_net::http::Method;

use super::http::{call, get};
use crate::editor::resources::{
    parse_accounts, settings_path, with_status, Account, Deployed, Next, Resource, ResourceKind,
    MAX_PAGES,
};
use crate::model::Request;

/// Same-origin prefix the proxy forwards to the API.
pub const API_PREFIX: &str = "/client/v4";

/// Header that picks the R2 jurisdiction of a bucket list or create.
const R2_JURISDICTION: &str = "cf-r2-jurisdiction";

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
        let reply = get(&url, Some(token), &headers).await?;
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
    let reply = call(Method::POST, &url, Some(token), &headers, Some(&body)).await?;
    kind.parse_created(&reply.body)
        .map_err(|e| with_status(reply.status, e))
}

/// Every account the token can reach.
pub async fn accounts(token: &str) -> Result<Vec<Account>, String> {
    let mut all = Vec::new();
    for page in 1..=MAX_PAGES {
        let url = format!("{API_PREFIX}/accounts?page={page}&per_page=50");
        let reply = get(&url, Some(token), &[]).await?;
        let (accounts, more) =
            parse_accounts(&reply.body, page).map_err(|e| with_status(reply.status, e))?;
        all.extend(accounts);
        if !more {
            break;
        }
    }
    Ok(all)
}

/// Reads the current settings of the script `request` names.
pub async fn deployed(request: &Request, token: &str) -> Deployed {
    let url = format!("{API_PREFIX}{}", settings_path(request));
    match get(&url, Some(token), &[]).await {
        Ok(reply) => Deployed::read(reply.status, &reply.body),
        Err(e) => Deployed::Failed(e),
    }
}
