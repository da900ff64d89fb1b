//! The assets upload session, request by request (the flow wrangler uses):
//!
//! 1. `POST …/scripts/{name}/assets-upload-session` with `{"manifest": …}` (account Worker or
//!    Workers for Platforms user Worker): the answer holds an upload JWT and `buckets`, the
//!    hashes the API does not have yet, grouped;
//! 2. one `POST /accounts/{id}/workers/assets/upload?base64=true` per bucket, authorised by that
//!    JWT (not the API token): multipart, one part per file named by its hash, the file's
//!    base64 text as content and its MIME type as the part's type;
//! 3. the answer to the last bucket (or the session's own answer when nothing is missing) holds
//!    the completion JWT, which goes into `metadata.assets.jwt` of the Worker upload.

use serde::Deserialize;
use serde_json::Value;

use super::manifest::{Manifest, ManifestEntry};
use crate::encode::multipart::{self, Part};
use crate::explain::Envelope;
use crate::model::{encode_segment, Assets, AssetsConfig, Request, Target};

/// The type wrangler gives a part whose file has no known MIME type; the API serves such a
/// file without a `Content-Type`.
pub const NULL_CONTENT_TYPE: &str = "application/null";

/// The session path for the script `request` names.
pub fn session_path(request: &Request) -> String {
    let account = encode_segment(&request.account_id);
    let script = encode_segment(&request.script_name);
    match request.target {
        Target::Account => {
            format!("/accounts/{account}/workers/scripts/{script}/assets-upload-session")
        }
        Target::Dispatch => format!(
            "/accounts/{account}/workers/dispatch/namespaces/{}/scripts/{script}/assets-upload-session",
            encode_segment(&request.dispatch_namespace)
        ),
    }
}

/// The JSON body opening a session.
pub fn session_body(manifest: &Manifest) -> String {
    serde_json::json!({ "manifest": manifest }).to_string()
}

/// The bucket upload path (below the API base) for `account_id`.
pub fn upload_path(account_id: &str) -> String {
    format!(
        "/accounts/{}/workers/assets/upload?base64=true",
        encode_segment(account_id)
    )
}

/// What opening a session answered.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
pub struct SessionAnswer {
    pub jwt: String,
    #[serde(default)]
    pub buckets: Vec<Vec<String>>,
}

/// Reads the session answer; `Err` with the API's words when it is not a success.
pub fn parse_session(status: u16, body: &str) -> Result<SessionAnswer, String> {
    let result = success_result(status, body)?;
    serde_json::from_value::<SessionAnswer>(result)
        .map_err(|e| format!("the upload session answer has no usable jwt and buckets: {e}"))
        .and_then(|answer| {
            if answer.jwt.is_empty() {
                Err("the upload session answer has an empty jwt".into())
            } else {
                Ok(answer)
            }
        })
}

/// Reads a bucket upload answer: the completion JWT when this was the last bucket.
pub fn parse_upload(status: u16, body: &str) -> Result<Option<String>, String> {
    let result = success_result(status, body)?;
    Ok(result
        .get("jwt")
        .and_then(Value::as_str)
        .filter(|jwt| !jwt.is_empty())
        .map(str::to_string))
}

fn success_result(status: u16, body: &str) -> Result<Value, String> {
    let envelope = Envelope::parse(body);
    match envelope {
        Some(envelope) if envelope.success && (200..300).contains(&status) => Ok(envelope.result),
        Some(envelope) if !envelope.errors.is_empty() => Err(envelope
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

/// One file to upload in a bucket.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BucketFile {
    /// The manifest path (`/css/site.css`).
    pub path: String,
    pub hash: String,
    pub size: u64,
}

/// The files of each bucket the API asked for, in its order. Every hash must be one of the
/// manifest's: an unknown one is an error (the API asked for a file that was not offered).
pub fn plan_buckets(
    manifest: &Manifest,
    answer: &SessionAnswer,
) -> Result<Vec<Vec<BucketFile>>, String> {
    let by_hash: std::collections::HashMap<&str, (&String, &ManifestEntry)> = manifest
        .files
        .iter()
        .map(|(path, entry)| (entry.hash.as_str(), (path, entry)))
        .collect();
    answer
        .buckets
        .iter()
        .filter(|bucket| !bucket.is_empty())
        .map(|bucket| {
            bucket
                .iter()
                .map(|hash| {
                    by_hash
                        .get(hash.as_str())
                        .map(|(path, entry)| BucketFile {
                            path: (*path).clone(),
                            hash: hash.clone(),
                            size: entry.size,
                        })
                        .ok_or_else(|| {
                            format!("the API asked for a file that is not in the manifest (hash {hash})")
                        })
                })
                .collect()
        })
        .collect()
}

/// The part type of a file whose MIME type is `mime` (`None`: unknown): `text/*` types get
/// `; charset=utf-8` when they name no charset, unknown types are [`NULL_CONTENT_TYPE`].
pub fn part_content_type(mime: Option<&str>) -> String {
    match mime.map(str::trim).filter(|m| !m.is_empty()) {
        None => NULL_CONTENT_TYPE.to_string(),
        Some(m) if m.starts_with("text/") && !m.contains("charset") => {
            format!("{m}; charset=utf-8")
        }
        Some(m) => m.to_string(),
    }
}

/// One bucket's part: named by the hash, the file's base64 text as body.
pub fn bucket_part(hash: &str, base64: Vec<u8>, content_type: String) -> Part {
    Part {
        name: hash.to_string(),
        filename: Some(hash.to_string()),
        content_type: Some(content_type),
        body: base64,
    }
}

/// The multipart body of one bucket upload.
pub fn bucket_body(parts: &[Part], boundary: &str) -> Vec<u8> {
    multipart::encode(parts, boundary)
}

/// `metadata.assets` after an upload: the completion JWT with the configuration (from the
/// composition's `assets.config`, `_headers` and `_redirects` from the folder when present).
pub fn assets_metadata(
    jwt: String,
    config: Option<AssetsConfig>,
    headers: Option<String>,
    redirects: Option<String>,
) -> Assets {
    let mut config = config.unwrap_or_default();
    if headers.is_some() {
        config.headers = headers;
    }
    if redirects.is_some() {
        config.redirects = redirects;
    }
    let empty = config == AssetsConfig::default();
    Assets {
        jwt: Some(jwt),
        config: (!empty).then_some(config),
        ..Assets::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn manifest() -> Manifest {
        let mut m = Manifest::default();
        m.insert("index.html", "h1".into(), 10);
        m.insert("a/b.css", "h2".into(), 20);
        m
    }

    #[test]
    fn session_paths_for_account_and_dispatch_workers() {
        let mut request = Request {
            account_id: "acc".into(),
            script_name: "site".into(),
            dispatch_namespace: "prod ns".into(),
            ..Default::default()
        };
        assert_eq!(
            session_path(&request),
            "/accounts/acc/workers/scripts/site/assets-upload-session"
        );
        request.target = Target::Dispatch;
        assert_eq!(
            session_path(&request),
            "/accounts/acc/workers/dispatch/namespaces/prod%20ns/scripts/site/assets-upload-session"
        );
        assert_eq!(
            upload_path("acc"),
            "/accounts/acc/workers/assets/upload?base64=true"
        );
    }

    #[test]
    fn the_session_body_wraps_the_manifest() {
        let body: Value = serde_json::from_str(&session_body(&manifest())).unwrap();
        assert_eq!(body["manifest"]["/index.html"]["hash"], "h1");
        assert_eq!(body["manifest"]["/a/b.css"]["size"], 20);
    }

    #[test]
    fn buckets_name_the_files_to_send_and_unknown_hashes_are_refused() {
        let answer = parse_session(
            200,
            r#"{"success":true,"errors":[],"messages":[],"result":{"jwt":"J","buckets":[["h2"],[]]}}"#,
        )
        .unwrap();
        let plan = plan_buckets(&manifest(), &answer).unwrap();
        assert_eq!(plan.len(), 1);
        assert_eq!(plan[0][0].path, "/a/b.css");
        let wrong = SessionAnswer {
            jwt: "J".into(),
            buckets: vec![vec!["nope".into()]],
        };
        assert!(plan_buckets(&manifest(), &wrong)
            .unwrap_err()
            .contains("nope"));
    }

    #[test]
    fn refusals_carry_the_api_words() {
        let error = parse_session(
            403,
            r#"{"success":false,"errors":[{"code":10000,"message":"Authentication error"}],"messages":[],"result":null}"#,
        )
        .unwrap_err();
        assert_eq!(error, "Authentication error [code: 10000]");
        assert!(parse_session(502, "<html>")
            .unwrap_err()
            .starts_with("HTTP 502"));
    }

    #[test]
    fn the_last_bucket_answer_carries_the_completion_jwt() {
        let ok = |result: &str| {
            format!(r#"{{"success":true,"errors":[],"messages":[],"result":{result}}}"#)
        };
        assert_eq!(parse_upload(202, &ok("{}")).unwrap(), None);
        assert_eq!(
            parse_upload(201, &ok(r#"{"jwt":"done"}"#)).unwrap(),
            Some("done".into())
        );
    }

    #[test]
    fn part_types_follow_wrangler() {
        assert_eq!(
            part_content_type(Some("text/html")),
            "text/html; charset=utf-8"
        );
        assert_eq!(
            part_content_type(Some("text/html; charset=latin1")),
            "text/html; charset=latin1"
        );
        assert_eq!(part_content_type(Some("image/png")), "image/png");
        assert_eq!(part_content_type(None), "application/null");
        assert_eq!(part_content_type(Some("")), "application/null");
        let body = bucket_body(
            &[bucket_part(
                "h1",
                b"PGgxPg==".to_vec(),
                "text/html; charset=utf-8".into(),
            )],
            "B",
        );
        assert_eq!(
            String::from_utf8(body).unwrap(),
            "--B\r\nContent-Disposition: form-data; name=\"h1\"; filename=\"h1\"\r\nContent-Type: text/html; charset=utf-8\r\n\r\nPGgxPg==\r\n--B--\r\n"
        );
    }

    #[test]
    fn the_metadata_takes_the_folder_rules_over_the_composition() {
        let config = AssetsConfig {
            html_handling: Some("none".into()),
            headers: Some("old".into()),
            ..Default::default()
        };
        let assets = assets_metadata("J".into(), Some(config), Some("/*\n  X: 1".into()), None);
        let config = assets.config.unwrap();
        assert_eq!(assets.jwt.as_deref(), Some("J"));
        assert_eq!(config.html_handling.as_deref(), Some("none"));
        assert_eq!(config.headers.as_deref(), Some("/*\n  X: 1"));
        assert_eq!(assets_metadata("J".into(), None, None, None).config, None);
    }
}
