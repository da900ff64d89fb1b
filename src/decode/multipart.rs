//! Reading a `multipart/form-data` body (RFC 7578) into its parts, in pure Rust, so the same
//! reader runs in the browser and on the host.
//!
//! Names and filenames are read as the Fetch standard's parser (and undici, which wrangler
//! uses) writes them: the value runs to the closing `"`, then `%22`, `%0D` and `%0A` are
//! decoded. A body that does not follow the format is an error that says where.

/// One part as it arrived.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FormPart {
    pub name: String,
    pub filename: Option<String>,
    /// The part's `Content-Type` header, as sent.
    pub content_type: Option<String>,
    pub bytes: Vec<u8>,
}

/// The `boundary` parameter of a `multipart/form-data` content type.
pub fn boundary(content_type: &str) -> Result<String, String> {
    let mut pieces = content_type.split(';');
    let media = pieces.next().unwrap_or_default().trim();
    if !media.eq_ignore_ascii_case("multipart/form-data") {
        return Err(format!("the body is `{media}`, not multipart/form-data"));
    }
    for piece in pieces {
        if let Some((key, value)) = piece.split_once('=') {
            if key.trim().eq_ignore_ascii_case("boundary") {
                let value = value.trim();
                let value = value
                    .strip_prefix('"')
                    .and_then(|v| v.strip_suffix('"'))
                    .unwrap_or(value);
                if value.is_empty() {
                    break;
                }
                return Ok(value.to_string());
            }
        }
    }
    Err("the multipart content type names no boundary".to_string())
}

/// Splits `body` into its parts. `content_type` is the request's header (it carries the
/// boundary).
pub fn parse(content_type: &str, body: &[u8]) -> Result<Vec<FormPart>, String> {
    let boundary = boundary(content_type)?;
    let delimiter = format!("--{boundary}").into_bytes();
    let mut parts = Vec::new();
    // The first delimiter may follow a preamble; it starts a line.
    let mut at = find(body, &delimiter, 0)
        .filter(|&i| i == 0 || body[..i].ends_with(b"\r\n"))
        .ok_or("the body does not contain its boundary")?;
    loop {
        at += delimiter.len();
        if body[at..].starts_with(b"--") {
            return Ok(parts);
        }
        // Transport padding, then CRLF.
        while body.get(at).is_some_and(|b| *b == b' ' || *b == b'\t') {
            at += 1;
        }
        if !body[at..].starts_with(b"\r\n") {
            return Err(format!(
                "part {}: the boundary line does not end with CRLF",
                parts.len() + 1
            ));
        }
        at += 2;
        let head_end = find(body, b"\r\n\r\n", at)
            .ok_or_else(|| format!("part {}: its headers never end", parts.len() + 1))?;
        let head = std::str::from_utf8(&body[at..head_end])
            .map_err(|_| format!("part {}: its headers are not UTF-8", parts.len() + 1))?;
        let (name, filename, content_type) = headers(head, parts.len() + 1)?;
        let content_start = head_end + 4;
        let mut next = Vec::with_capacity(delimiter.len() + 2);
        next.extend_from_slice(b"\r\n");
        next.extend_from_slice(&delimiter);
        let content_end = find(body, &next, content_start)
            .ok_or_else(|| format!("part `{name}`: the body ends before the closing boundary"))?;
        parts.push(FormPart {
            name,
            filename,
            content_type,
            bytes: body[content_start..content_end].to_vec(),
        });
        at = content_end + 2;
    }
}

/// A part's name, filename and content type from its header lines.
fn headers(head: &str, number: usize) -> Result<(String, Option<String>, Option<String>), String> {
    let mut disposition = None;
    let mut content_type = None;
    for line in head.split("\r\n") {
        let Some((key, value)) = line.split_once(':') else {
            return Err(format!("part {number}: header line `{line}` has no `:`"));
        };
        let value = value.trim();
        if key.trim().eq_ignore_ascii_case("content-disposition") {
            disposition = Some(value);
        } else if key.trim().eq_ignore_ascii_case("content-type") {
            content_type = Some(value.to_string());
        }
    }
    let disposition =
        disposition.ok_or_else(|| format!("part {number} has no Content-Disposition"))?;
    let (name, filename) =
        content_disposition(disposition).map_err(|reason| format!("part {number}: {reason}"))?;
    Ok((name, filename, content_type))
}

/// `form-data; name="…"; filename="…"` → (name, filename).
pub fn content_disposition(value: &str) -> Result<(String, Option<String>), String> {
    let rest = value
        .get(..9)
        .filter(|head| head.eq_ignore_ascii_case("form-data"))
        .map(|_| &value[9..])
        .ok_or_else(|| format!("Content-Disposition `{value}` is not form-data"))?;
    let (mut name, mut filename) = (None, None);
    let mut rest = rest;
    loop {
        rest = rest.trim_start();
        if rest.is_empty() {
            break;
        }
        rest = rest
            .strip_prefix(';')
            .ok_or_else(|| format!("Content-Disposition `{value}`: expected `;`"))?
            .trim_start();
        if rest.is_empty() {
            break;
        }
        let equals = rest
            .find('=')
            .ok_or_else(|| format!("Content-Disposition `{value}`: a parameter without `=`"))?;
        let key = rest[..equals].trim().to_ascii_lowercase();
        rest = rest[equals + 1..].trim_start();
        let raw = if let Some(quoted) = rest.strip_prefix('"') {
            let end = quoted
                .find('"')
                .ok_or_else(|| format!("Content-Disposition `{value}`: a quote is not closed"))?;
            rest = &quoted[end + 1..];
            &quoted[..end]
        } else {
            let end = rest.find(';').unwrap_or(rest.len());
            let word = rest[..end].trim_end();
            rest = &rest[end..];
            word
        };
        match key.as_str() {
            "name" => name = Some(unescape(raw)),
            "filename" => filename = Some(unescape(raw)),
            _ => {}
        }
    }
    let name = name.ok_or_else(|| format!("Content-Disposition `{value}` has no name"))?;
    Ok((name, filename))
}

/// Undoes the form-data escaping of names: `%22` → `"`, `%0D` → CR, `%0A` → LF.
fn unescape(value: &str) -> String {
    value
        .replace("%22", "\"")
        .replace("%0D", "\r")
        .replace("%0A", "\n")
}

fn find(haystack: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    if needle.is_empty() || from > haystack.len() {
        return None;
    }
    haystack[from..]
        .windows(needle.len())
        .position(|window| window == needle)
        .map(|i| i + from)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::encode::multipart::{encode, Part};

    #[test]
    fn reads_back_what_the_encoder_writes_byte_for_byte() {
        let parts = vec![
            Part {
                name: "metadata".into(),
                filename: None,
                content_type: None,
                body: br#"{"main_module":"a.js"}"#.to_vec(),
            },
            Part {
                name: "we\"ird\r\nname".into(),
                filename: Some("dir/a b.wasm".into()),
                content_type: Some("application/wasm".into()),
                body: b"\0asm\r\n--not-the-boundary\r\n".to_vec(),
            },
            Part {
                name: "empty".into(),
                filename: Some("empty".into()),
                content_type: Some("text/plain".into()),
                body: Vec::new(),
            },
        ];
        let body = encode(&parts, "XyZ");
        let read = parse("multipart/form-data; boundary=XyZ", &body).unwrap();
        let back: Vec<Part> = read
            .into_iter()
            .map(|p| Part {
                name: p.name,
                filename: p.filename,
                content_type: p.content_type,
                body: p.bytes,
            })
            .collect();
        assert_eq!(back, parts);
    }

    #[test]
    fn a_preamble_and_a_quoted_boundary_are_fine() {
        let body = b"ignored preamble\r\n--b\r\nContent-Disposition: form-data; name=x\r\n\r\n1\r\n--b--\r\n";
        let parts = parse("multipart/form-data; boundary=\"b\"", body).unwrap();
        assert_eq!(parts.len(), 1);
        assert_eq!(
            (parts[0].name.as_str(), parts[0].bytes.as_slice()),
            ("x", &b"1"[..])
        );
    }

    #[test]
    fn malformed_bodies_say_what_is_wrong() {
        let cases: [(&str, &[u8], &str); 5] = [
            ("application/json", b"{}", "not multipart/form-data"),
            ("multipart/form-data", b"", "no boundary"),
            (
                "multipart/form-data; boundary=b",
                b"nothing here",
                "does not contain its boundary",
            ),
            (
                "multipart/form-data; boundary=b",
                b"--b\r\nContent-Type: text/plain\r\n\r\nx\r\n--b--",
                "no Content-Disposition",
            ),
            (
                "multipart/form-data; boundary=b",
                b"--b\r\nContent-Disposition: form-data; name=\"x\"\r\n\r\nnever closed",
                "before the closing boundary",
            ),
        ];
        for (content_type, body, expected) in cases {
            let error = parse(content_type, body).unwrap_err();
            assert!(error.contains(expected), "{expected}: {error}");
        }
    }
}
