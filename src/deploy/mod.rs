//! Versions, deployments and secrets of a deployed Worker, the pure parts shared by the CLI
//! (`bindery deploy`, `bindery secret`) and the app's Deployed Worker panel: the paths, the
//! request bodies, reading the answers, and what a deployment changes.
//!
//! Versions and deployments exist for account Workers only (a Workers for Platforms upload
//! deploys at once); secrets for both.

pub mod deployments;
pub mod form;
pub mod secrets;
pub mod versions;

use serde_json::Value;

use crate::explain::Envelope;
use crate::model::{encode_segment, Operation, Request, Target};

pub use deployments::{Deployment, Split};
pub use form::DeployForm;
pub use secrets::SecretName;
pub use versions::Version;

/// The script's own path (`/accounts/…/workers/scripts/NAME`, or the dispatch namespace form).
pub fn script_path(request: &Request) -> String {
    let mut script = request.clone();
    script.operation = Operation::Upload;
    script.path()
}

/// Why versions and deployments cannot be used for this target, if they cannot.
pub fn versions_unavailable(request: &Request) -> Option<&'static str> {
    match request.target {
        Target::Account => None,
        Target::Dispatch => Some("Workers for Platforms user Workers have no versions or deployments: each upload deploys at once"),
    }
}

/// `GET` the versions (newest first); `deployable` keeps only those that can be deployed.
pub fn versions_path(request: &Request, deployable: bool) -> String {
    let query = if deployable { "?deployable=true" } else { "" };
    format!("{}/versions{query}", script_path(request))
}

/// `GET` the deployments (newest first), `POST` a new one.
pub fn deployments_path(request: &Request) -> String {
    format!("{}/deployments", script_path(request))
}

/// `GET` the secret names, `PUT` one secret.
pub fn secrets_path(request: &Request) -> String {
    format!("{}/secrets", script_path(request))
}

/// `DELETE` (or `GET`) one secret; its name is percent-encoded, as `url_encoded=true` says.
pub fn secret_path(request: &Request, name: &str) -> String {
    format!(
        "{}/secrets/{}?url_encoded=true",
        script_path(request),
        encode_segment(name)
    )
}

/// `PATCH` several secrets at once (JSON merge patch).
pub fn secrets_bulk_path(request: &Request) -> String {
    format!("{}/secrets-bulk", script_path(request))
}

/// The `result` of a successful answer, or the API's errors in one line.
pub fn result_of(status: u16, body: &str) -> Result<Value, String> {
    match Envelope::parse(body) {
        Some(e) if e.success && (200..300).contains(&status) => Ok(e.result),
        Some(e) if !e.errors.is_empty() => Err(e
            .errors
            .iter()
            .map(|e| format!("{} [code: {}]", e.message, e.code))
            .collect::<Vec<_>>()
            .join("; ")),
        _ => Err(format!(
            "HTTP {status}: {}",
            body.chars().take(200).collect::<String>()
        )),
    }
}

/// The first characters of an id, as lists show it.
pub fn short_id(id: &str) -> &str {
    &id[..id.len().min(8)]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(target: Target) -> Request {
        Request {
            target,
            operation: Operation::Version,
            account_id: "acc".into(),
            script_name: "site".into(),
            dispatch_namespace: "ns".into(),
            bindings_inherit_strict: true,
        }
    }

    #[test]
    fn paths_hang_off_the_script_whatever_the_operation() {
        let r = request(Target::Account);
        assert_eq!(
            versions_path(&r, true),
            "/accounts/acc/workers/scripts/site/versions?deployable=true"
        );
        assert_eq!(
            deployments_path(&r),
            "/accounts/acc/workers/scripts/site/deployments"
        );
        assert_eq!(
            secrets_path(&r),
            "/accounts/acc/workers/scripts/site/secrets"
        );
        assert_eq!(
            secret_path(&r, "A/B C"),
            "/accounts/acc/workers/scripts/site/secrets/A%2FB%20C?url_encoded=true"
        );
        let d = request(Target::Dispatch);
        assert_eq!(
            secrets_bulk_path(&d),
            "/accounts/acc/workers/dispatch/namespaces/ns/scripts/site/secrets-bulk"
        );
        assert!(versions_unavailable(&d).is_some());
        assert!(versions_unavailable(&r).is_none());
    }

    #[test]
    fn results_and_refusals() {
        assert_eq!(
            result_of(200, r#"{"success":true,"errors":[],"result":[1]}"#).unwrap(),
            serde_json::json!([1])
        );
        assert_eq!(
            result_of(
                404,
                r#"{"success":false,"errors":[{"code":10007,"message":"not found"}]}"#
            )
            .unwrap_err(),
            "not found [code: 10007]"
        );
        assert!(result_of(502, "bad gateway")
            .unwrap_err()
            .starts_with("HTTP 502"));
        assert_eq!(short_id("0123456789abcdef"), "01234567");
    }
}
