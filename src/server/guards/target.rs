//! The request target must be a plain path: no absolute URL, no `..` or `.` segments (raw or
//! percent-encoded, once or twice), no encoded slashes, no empty segments, no backslashes, no
//! control characters. What passes is returned as decoded segments made only of safe characters,
//! so joining them to the upstream base can never leave it.

use axum::http::{StatusCode, Uri, Version};

use crate::server::envelope::Refusal;

/// Characters allowed in a (decoded) path segment besides ASCII letters and digits.
const SAFE_PUNCTUATION: &[u8] = b"-._~@+";

fn refuse(message: &str) -> Refusal {
    Refusal::new(StatusCode::BAD_REQUEST, message)
}

/// Checks a request target; on success, the decoded path segments (`[]` for `/`).
///
/// HTTP/1 requests must use the origin form (`/path?query`). HTTP/2 carries scheme and authority
/// as pseudo-headers, so there they are expected; the authority is checked as the `Host`.
pub fn check_target(uri: &Uri, version: Version) -> Result<Vec<String>, Refusal> {
    let pseudo_headers = version >= Version::HTTP_2;
    if !pseudo_headers && (uri.scheme().is_some() || uri.authority().is_some()) {
        return Err(refuse(
            "absolute-URL request targets are not accepted; send the path only",
        ));
    }
    let path = uri.path();
    if !path.starts_with('/') {
        return Err(refuse("the request target must be a path starting with /"));
    }
    if let Some(query) = uri.query() {
        let decoded = percent_decode(query)?;
        if decoded.iter().any(|b| b.is_ascii_control()) {
            return Err(refuse(
                "control characters are not accepted in the request target",
            ));
        }
    }
    if path == "/" {
        return Ok(Vec::new());
    }
    path[1..].split('/').map(check_segment).collect()
}

fn check_segment(raw: &str) -> Result<String, Refusal> {
    if raw.is_empty() {
        return Err(refuse("empty path segments (//) are not accepted"));
    }
    let decoded = percent_decode(raw)?;
    if decoded.iter().any(|b| b.is_ascii_control()) {
        return Err(refuse(
            "control characters are not accepted in the request target",
        ));
    }
    if decoded.contains(&b'\\') {
        return Err(refuse("backslashes are not accepted in paths"));
    }
    if decoded.contains(&b'/') {
        return Err(refuse("encoded slashes (%2F) are not accepted in paths"));
    }
    if decoded == b"." || decoded == b".." {
        return Err(refuse("dot segments (. or ..) are not accepted in paths"));
    }
    if decoded.contains(&b'%') {
        return Err(refuse("double percent-encoding is not accepted in paths"));
    }
    if let Some(&b) = decoded
        .iter()
        .find(|b| !b.is_ascii_alphanumeric() && !SAFE_PUNCTUATION.contains(b))
    {
        return Err(refuse(&match b {
            0x80.. => "non-ASCII characters are not accepted in paths".to_string(),
            _ => format!("the character {:?} is not accepted in paths", b as char),
        }));
    }
    // Only safe ASCII is left, so this cannot fail.
    Ok(String::from_utf8(decoded).expect("ASCII"))
}

/// One level of %XX decoding; a malformed escape is refused.
fn percent_decode(text: &str) -> Result<Vec<u8>, Refusal> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = bytes
                .get(i + 1..i + 3)
                .and_then(|h| std::str::from_utf8(h).ok())
                .and_then(|h| u8::from_str_radix(h, 16).ok())
                .ok_or_else(|| refuse("malformed percent-encoding in the request target"))?;
            out.push(hex);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(target: &str) -> Result<Vec<String>, Refusal> {
        check_target(&target.parse::<Uri>().unwrap(), Version::HTTP_11)
    }

    #[test]
    fn plain_paths_pass_decoded() {
        assert_eq!(check("/").unwrap(), Vec::<String>::new());
        assert_eq!(
            check("/client/v4/accounts?page=2").unwrap(),
            ["client", "v4", "accounts"]
        );
        assert_eq!(check("/a/my%2Dworker").unwrap(), ["a", "my-worker"]);
        assert_eq!(
            check("/bindery-1a2b_bg.wasm").unwrap(),
            ["bindery-1a2b_bg.wasm"]
        );
        assert_eq!(
            check("/accounts/me@example.com").unwrap(),
            ["accounts", "me@example.com"]
        );
    }

    #[test]
    fn tricks_are_refused() {
        for (target, why) in [
            ("/client/v4/../../etc/passwd", "dot segments"),
            ("/client/v4/./accounts", "dot segments"),
            ("/client/v4/%2e%2e/%2e%2e/etc/passwd", "dot segments"),
            ("/client/v4/%2E%2E%2Fetc", "encoded slashes"),
            ("/client/v4/%252e%252e/x", "double percent-encoding"),
            ("/client/v4/accounts%2fx", "encoded slashes"),
            ("/client/v4//evil.com/", "empty path segments"),
            ("//evil.com/", "empty path segments"),
            ("/client/v4/accounts/", "empty path segments"),
            ("/client/v4/%5cevil", "backslashes"),
            ("/client/v4/a%0d%0aX-Injected:%201", "control characters"),
            ("/client/v4/a%00", "control characters"),
            (
                "/client/v4/accounts?x=%0d%0aSet-Cookie:1",
                "control characters",
            ),
            ("/client/v4/%zz", "malformed percent-encoding"),
            ("/client/v4/a%2", "malformed percent-encoding"),
            ("/client/v4/a:b", "character ':'"),
            ("/client/v4/%C3%A9", "non-ASCII"),
            ("http://evil.com/client/v4/accounts", "absolute-URL"),
            ("http://127.0.0.1:8787@evil.com/", "absolute-URL"),
        ] {
            let refusal = check(target).expect_err(target);
            assert_eq!(refusal.status, StatusCode::BAD_REQUEST, "{target}");
            assert!(
                refusal.message.contains(why),
                "{target}: {}",
                refusal.message
            );
        }
    }

    #[test]
    fn http2_pseudo_headers_are_not_an_absolute_url() {
        let uri = "http://127.0.0.1:8787/client/v4/accounts"
            .parse::<Uri>()
            .unwrap();
        assert_eq!(
            check_target(&uri, Version::HTTP_2).unwrap(),
            ["client", "v4", "accounts"]
        );
        assert!(check_target(&uri, Version::HTTP_11).is_err());
        let sneaky = "http://127.0.0.1:8787/client/v4/%2e%2e"
            .parse::<Uri>()
            .unwrap();
        assert!(check_target(&sneaky, Version::HTTP_2).is_err());
    }

    #[test]
    fn authority_form_is_refused() {
        let uri = "evil.com:443".parse::<Uri>().unwrap();
        assert!(check_target(&uri, Version::HTTP_11).is_err());
    }
}
