//! Static assets, the three steps wrangler takes:
//!
//! 1. `POST …/scripts/{script}/assets-upload-session` with a manifest (`/path` → `{hash,
//!    size}`) answers `{jwt, buckets}`: the hashes the sandbox has not stored yet, in buckets.
//!    With nothing to upload, `jwt` is already the completion token.
//! 2. `POST /accounts/{id}/workers/assets/upload?base64=true`, authorised by that session JWT
//!    (`Authorization: Bearer`), multipart with one part per file (part name = hash, content
//!    base64). The upload that completes the manifest answers the completion token.
//! 3. The Worker upload names the completion token in `metadata.assets.jwt`; it is checked (a
//!    token the sandbox did not issue, an expired one, one already used or the session token
//!    instead of the completion token is refused) and spent.
//!
//! The tokens are JWT-shaped (wrangler reads their payload's `exp`), and only the sandbox can
//! tell a valid one: the signature part is random and the sandbox records each token it issues.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use axum::body::{Body, Bytes};
use axum::extract::{Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use base64::Engine;
use serde_json::{json, Value};

use super::form::read_multipart;
use super::ids::{hex_id, unix_seconds};
use super::place::ScriptRef;
use super::reply::{ApiError, Reply, Success};
use super::resources::json_body;
use super::scripts::{check_script_name, require_namespace};
use super::state::{
    AssetFile, AssetToken, Manifest, ManifestEntry, State as SandboxState, TokenPurpose,
};
use super::Sandbox;

/// How long an upload session and its completion token are good for.
pub const TOKEN_LIFETIME_SECONDS: u64 = 3600;
/// Files per bucket in a session's answer (each bucket is one upload request).
const BUCKET_SIZE: usize = 10;
/// The largest asset file (as the real service: 25 MiB).
const MAX_ASSET_BYTES: u64 = 25 * 1024 * 1024;

fn b64url(bytes: &[u8]) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// `header.payload.signature` for a token being issued (the signature part is random).
fn encode_token(token: &AssetToken) -> String {
    let header = json!({"alg": "HS256", "typ": "JWT"});
    let payload = json!({
        "jti": token.id,
        "sub": match token.purpose {
            TokenPurpose::Upload => "assets-upload",
            TokenPurpose::Completion => "assets-completion",
        },
        "script": token.script,
        "exp": token.expires_at,
        "iat": token.expires_at.saturating_sub(TOKEN_LIFETIME_SECONDS),
    });
    format!(
        "{}.{}.{}",
        b64url(header.to_string().as_bytes()),
        b64url(payload.to_string().as_bytes()),
        b64url(&rand::random::<[u8; 32]>())
    )
}

/// The recorded token a JWT stands for (`None`: not issued here, or altered).
fn find_token(state: &SandboxState, jwt: &str) -> Option<usize> {
    let mut parts = jwt.split('.');
    let (Some(_), Some(payload), Some(signature), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return None;
    };
    let payload = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(payload)
        .ok()?;
    let payload: Value = serde_json::from_slice(&payload).ok()?;
    let id = payload.get("jti")?.as_str()?;
    state
        .assets
        .tokens
        .iter()
        .position(|t| t.id == id && t.jwt == jwt && !signature.is_empty())
}

/// Records a new token and returns its JWT.
fn issue(
    state: &mut SandboxState,
    purpose: TokenPurpose,
    r: &ScriptRef,
    manifest: Manifest,
) -> String {
    let now = unix_seconds();
    let mut token = AssetToken {
        id: hex_id(),
        jwt: String::new(),
        purpose,
        namespace: r.namespace.clone(),
        script: r.name.clone(),
        manifest,
        expires_at: now + TOKEN_LIFETIME_SECONDS,
        used: false,
    };
    let jwt = encode_token(&token);
    token.jwt = jwt.clone();
    let store = Arc::make_mut(&mut state.assets);
    store.tokens.retain(|t| t.expires_at > now && !t.used);
    store.tokens.push(token);
    jwt
}

/// 10021 naming the token's field (the real codes for these refusals are not confirmed).
fn token_error(status: StatusCode, field: &str, why: &str) -> ApiError {
    ApiError::new(status, 10021, format!("{field}: {why}"))
}

/// Reads a manifest: `{"/path": {"hash": "…", "size": 123}}`.
fn read_manifest(value: Option<&Value>) -> Result<Manifest, ApiError> {
    let Some(Value::Object(entries)) = value else {
        return Err(ApiError::validation(
            "manifest: must be an object of \"/path\" → {\"hash\", \"size\"}",
        ));
    };
    let mut manifest = BTreeMap::new();
    for (path, entry) in entries {
        let field = format!("manifest[{path:?}]");
        if !path.starts_with('/') {
            return Err(ApiError::validation(format!(
                "{field}: asset paths start with /"
            )));
        }
        let hash = entry
            .get("hash")
            .and_then(Value::as_str)
            .filter(|h| {
                !h.is_empty() && h.len() <= 64 && h.bytes().all(|b| b.is_ascii_alphanumeric())
            })
            .ok_or_else(|| ApiError::validation(format!("{field}.hash: must be a hex digest")))?;
        let size = entry
            .get("size")
            .and_then(Value::as_u64)
            .filter(|s| *s <= MAX_ASSET_BYTES)
            .ok_or_else(|| {
                ApiError::validation(format!(
                    "{field}.size: must be a whole number of bytes up to {MAX_ASSET_BYTES}"
                ))
            })?;
        manifest.insert(
            path.clone(),
            ManifestEntry {
                hash: hash.to_string(),
                size,
            },
        );
    }
    Ok(manifest)
}

/// The manifest's hashes the store does not have, each once, in manifest order.
fn missing_hashes(state: &SandboxState, manifest: &Manifest) -> Vec<String> {
    let mut missing: Vec<String> = Vec::new();
    for entry in manifest.values() {
        if !state.assets.files.contains_key(&entry.hash) && !missing.contains(&entry.hash) {
            missing.push(entry.hash.clone());
        }
    }
    missing
}

/// `POST …/scripts/{script}/assets-upload-session`: `{manifest}` → `{jwt, buckets}`.
pub async fn upload_session(State(sandbox): State<Sandbox>, r: ScriptRef, body: Bytes) -> Reply {
    check_script_name(&r.name)?;
    let body = json_body(&body)?;
    let manifest = read_manifest(body.get("manifest"))?;
    sandbox.change(|state| {
        require_namespace(state, r.namespace.as_deref())?;
        let missing = missing_hashes(state, &manifest);
        let purpose = if missing.is_empty() {
            TokenPurpose::Completion
        } else {
            TokenPurpose::Upload
        };
        let jwt = issue(state, purpose, &r, manifest);
        let buckets: Vec<Vec<String>> = missing
            .chunks(BUCKET_SIZE)
            .map(<[String]>::to_vec)
            .collect();
        Ok(Success::new(json!({"jwt": jwt, "buckets": buckets})))
    })
}

/// `POST /accounts/{id}/workers/assets/upload?base64=true`, authorised by a session JWT.
pub async fn upload_files(
    State(sandbox): State<Sandbox>,
    Query(query): Query<HashMap<String, String>>,
    headers: HeaderMap,
    body: Body,
) -> Reply {
    let jwt = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or("")
        .trim()
        .to_string();
    let base64 = query.get("base64").is_some_and(|v| v == "true");
    let form = read_multipart(&headers, body).await?;
    sandbox.change(|state| {
        let at = find_token(state, &jwt).ok_or_else(|| {
            token_error(
                StatusCode::UNAUTHORIZED,
                "Authorization",
                "not an upload-session token this API issued (use the jwt of assets-upload-session)",
            )
        })?;
        let token = state.assets.tokens[at].clone();
        if token.purpose != TokenPurpose::Upload {
            return Err(token_error(
                StatusCode::UNAUTHORIZED,
                "Authorization",
                "this is a completion token: uploads are authorised by the session's jwt",
            ));
        }
        if token.expires_at <= unix_seconds() {
            return Err(token_error(
                StatusCode::UNAUTHORIZED,
                "Authorization",
                "Expired JWT: start a new upload session",
            ));
        }
        let mut files = Vec::new();
        for part in &form.parts {
            let field = format!("part {:?}", part.name);
            let Some(entry) = token.manifest.values().find(|e| e.hash == part.name) else {
                return Err(ApiError::validation(format!(
                    "{field}: this hash is not in the session's manifest"
                )));
            };
            let data = if base64 {
                let text: Vec<u8> = part.data.iter().copied().filter(|b| !b.is_ascii_whitespace()).collect();
                base64::engine::general_purpose::STANDARD
                    .decode(text)
                    .map_err(|e| ApiError::validation(format!("{field}: not base64 ({e})")))?
            } else {
                part.data.to_vec()
            };
            if data.len() as u64 != entry.size {
                return Err(ApiError::validation(format!(
                    "{field}: {} bytes, but the manifest says {}",
                    data.len(),
                    entry.size
                )));
            }
            let content_type = part
                .content_type
                .clone()
                .filter(|t| !t.eq_ignore_ascii_case("application/null"));
            files.push((part.name.clone(), AssetFile { content_type, data: Bytes::from(data) }));
        }
        let store = Arc::make_mut(&mut state.assets);
        store.files.extend(files);
        if missing_hashes(state, &token.manifest).is_empty() {
            let r = ScriptRef {
                namespace: token.namespace.clone(),
                name: token.script.clone(),
            };
            let jwt = issue(state, TokenPurpose::Completion, &r, token.manifest);
            Ok(Success {
                status: StatusCode::CREATED,
                ..Success::new(json!({ "jwt": jwt }))
            })
        } else {
            Ok(Success {
                status: StatusCode::ACCEPTED,
                ..Success::new(json!({}))
            })
        }
    })
}

/// Checks and spends the completion token of a Worker upload (`metadata.assets.jwt`); returns
/// the manifest it stands for.
pub fn consume_completion_token(
    state: &mut SandboxState,
    r: &ScriptRef,
    jwt: &str,
) -> Result<Manifest, ApiError> {
    let field = "metadata.assets.jwt";
    let bad = |why: &str| token_error(StatusCode::BAD_REQUEST, field, why);
    let at = find_token(state, jwt)
        .ok_or_else(|| bad("not a completion token this API issued (or altered)"))?;
    let token = state.assets.tokens[at].clone();
    if token.purpose == TokenPurpose::Upload {
        let missing = missing_hashes(state, &token.manifest);
        return Err(if missing.is_empty() {
            bad("this is the upload-session token; use the completion token the last upload answered")
        } else {
            bad(&format!(
                "this is the upload-session token, and these files were never uploaded: {}",
                missing.join(", ")
            ))
        });
    }
    if token.used {
        return Err(bad(
            "this completion token was already used by an upload; start a new upload session",
        ));
    }
    if token.expires_at <= unix_seconds() {
        return Err(bad("Expired JWT: start a new upload session"));
    }
    if token.script != r.name || token.namespace != r.namespace {
        return Err(bad(&format!(
            "this token was issued for the Worker {}, not {}",
            token.script, r.name
        )));
    }
    let missing = missing_hashes(state, &token.manifest);
    if !missing.is_empty() {
        return Err(bad(&format!(
            "these files of the manifest were never uploaded: {}",
            missing.join(", ")
        )));
    }
    Arc::make_mut(&mut state.assets).tokens[at].used = true;
    Ok(token.manifest)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn manifest(hashes: &[(&str, &str, u64)]) -> Manifest {
        hashes
            .iter()
            .map(|(path, hash, size)| {
                (
                    path.to_string(),
                    ManifestEntry {
                        hash: hash.to_string(),
                        size: *size,
                    },
                )
            })
            .collect()
    }

    #[test]
    fn tokens_are_jwt_shaped_and_only_the_issued_one_is_known() {
        let mut state = SandboxState::default();
        let r = ScriptRef::account("site");
        let jwt = issue(&mut state, TokenPurpose::Completion, &r, Manifest::new());
        let parts: Vec<&str> = jwt.split('.').collect();
        assert_eq!(parts.len(), 3);
        let payload: Value = serde_json::from_slice(
            &base64::engine::general_purpose::URL_SAFE_NO_PAD
                .decode(parts[1])
                .unwrap(),
        )
        .unwrap();
        assert!(payload["exp"].as_u64().unwrap() > unix_seconds());
        assert!(find_token(&state, &jwt).is_some());
        let forged = format!("{}.{}.{}", parts[0], parts[1], b64url(b"guess"));
        assert!(find_token(&state, &forged).is_none());
        assert!(find_token(&state, "not.a.jwt").is_none());
        assert!(find_token(&state, "").is_none());
    }

    #[test]
    fn completion_tokens_are_spent_once() {
        let mut state = SandboxState::default();
        let r = ScriptRef::account("site");
        let jwt = issue(&mut state, TokenPurpose::Completion, &r, Manifest::new());
        assert!(consume_completion_token(&mut state, &r, &jwt).is_ok());
        let again = consume_completion_token(&mut state, &r, &jwt).unwrap_err();
        assert!(again.message.contains("already used"), "{}", again.message);
        let other = issue(&mut state, TokenPurpose::Completion, &r, Manifest::new());
        let error =
            consume_completion_token(&mut state, &ScriptRef::account("x"), &other).unwrap_err();
        assert!(error.message.contains("issued for the Worker site"));
    }

    #[test]
    fn a_session_token_is_not_a_completion_token() {
        let mut state = SandboxState::default();
        let r = ScriptRef::account("site");
        let m = manifest(&[("/a.txt", "aaaa", 1)]);
        let jwt = issue(&mut state, TokenPurpose::Upload, &r, m);
        let error = consume_completion_token(&mut state, &r, &jwt).unwrap_err();
        assert_eq!(error.code, 10021);
        assert!(
            error.message.contains("never uploaded: aaaa"),
            "{}",
            error.message
        );
    }

    #[test]
    fn manifests_are_read() {
        let ok = read_manifest(Some(&json!({"/index.html": {"hash": "ab12", "size": 3}}))).unwrap();
        assert_eq!(ok["/index.html"].size, 3);
        for bad in [
            json!([]),
            json!({"index.html": {"hash": "ab", "size": 1}}),
            json!({"/a": {"hash": "", "size": 1}}),
            json!({"/a": {"hash": "a/b", "size": 1}}),
            json!({"/a": {"hash": "ab", "size": -1}}),
            json!({"/a": {"hash": "ab"}}),
        ] {
            assert_eq!(read_manifest(Some(&bad)).unwrap_err().code, 10021, "{bad}");
        }
        assert!(read_manifest(None).is_err());
    }
}
