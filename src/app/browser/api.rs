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

/// What a change request answered: `Ok` on success, else the API's words.
fn changed(reply: Result<super::http::Reply, String>) -> Result<serde_json::Value, String> {
    let reply = reply?;
    crate::deploy::result_of(reply.status, &reply.body)
}

/// The versions and deployments of the script `request` names (account Workers).
pub async fn history(
    request: &Request,
    token: &str,
) -> Result<crate::editor::live::History, String> {
    use crate::deploy::{deployments, versions};
    let url = format!(
        "{API_PREFIX}{}",
        crate::deploy::versions_path(request, false)
    );
    let versions = changed(get(&url, Some(token), &[]).await)
        .and_then(|r| versions::parse_versions(&r))
        .map_err(|e| format!("versions: {e}"))?;
    let url = format!("{API_PREFIX}{}", crate::deploy::deployments_path(request));
    let deployments = changed(get(&url, Some(token), &[]).await)
        .and_then(|r| deployments::parse_deployments(&r))
        .map_err(|e| format!("deployments: {e}"))?;
    Ok(crate::editor::live::History {
        versions,
        deployments,
    })
}

/// The secret names of the script `request` names.
pub async fn secrets(
    request: &Request,
    token: &str,
) -> Result<Vec<crate::deploy::SecretName>, String> {
    let url = format!("{API_PREFIX}{}", crate::deploy::secrets_path(request));
    changed(get(&url, Some(token), &[]).await)
        .and_then(|r| crate::deploy::secrets::parse_secrets(&r))
}

/// Creates a deployment from a `POST …/deployments` body.
pub async fn deploy(request: &Request, token: &str, body: &str) -> Result<(), String> {
    let url = format!("{API_PREFIX}{}", crate::deploy::deployments_path(request));
    let reply = call(Method::POST, &url, Some(token), &[], Some(body)).await;
    changed(reply).map(drop)
}

/// Sets one secret. The value travels in this request's body only.
pub async fn put_secret(
    request: &Request,
    token: &str,
    name: &str,
    value: &str,
) -> Result<(), String> {
    let url = format!("{API_PREFIX}{}", crate::deploy::secrets_path(request));
    let body = crate::deploy::secrets::put_body(name, value);
    let reply = call(Method::PUT, &url, Some(token), &[], Some(&body)).await;
    changed(reply).map(drop)
}

/// Deletes one secret.
pub async fn delete_secret(request: &Request, token: &str, name: &str) -> Result<(), String> {
    let url = format!("{API_PREFIX}{}", crate::deploy::secret_path(request, name));
    let reply = call(Method::DELETE, &url, Some(token), &[], None).await;
    changed(reply).map(drop)
}

/// Opens an assets upload session for the script `request` names.
pub async fn assets_session(
    request: &Request,
    token: &str,
    manifest: &crate::assets::Manifest,
) -> Result<crate::assets::SessionAnswer, String> {
    use crate::assets::session;
    let url = format!("{API_PREFIX}{}", session::session_path(request));
    let body = session::session_body(manifest);
    let reply = call(Method::POST, &url, Some(token), &[], Some(&body)).await?;
    session::parse_session(reply.status, &reply.body)
}

/// Uploads one bucket (a multipart body of base64 files), authorised by the session's JWT;
/// the completion JWT when it was the last one.
pub async fn upload_bucket(
    account_id: &str,
    jwt: &str,
    body: &[u8],
    boundary: &str,
    on_progress: impl Fn(f64, f64) + 'static,
) -> Result<Option<String>, String> {
    use crate::assets::session;
    let url = format!("{API_PREFIX}{}", session::upload_path(account_id));
    let content_type = crate::encode::multipart::content_type_header(boundary);
    let body = super::xhr::Bytes {
        bytes: body,
        content_type: &content_type,
    };
    let reply = super::xhr::send_bytes("POST", &url, jwt, body, on_progress).await?;
    session::parse_upload(reply.status, &reply.body)
}
