//! The `multipart/form-data` body, byte for byte (RFC 7578, as browsers and curl write it).
//!
//! First the JSON part, then one part per module. Given a boundary the output is fully
//! deterministic, so previews and golden files can compare bytes.

use crate::model::Composition;

/// The boundary used for previews and golden files. Real sends may use any other.
pub const DEFAULT_BOUNDARY: &str = "----BinderyBoundary7MA4YWxkTrZu0gW";

/// One part of the body.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Part {
    pub name: String,
    /// Present on module parts; the JSON part has none.
    pub filename: Option<String>,
    pub content_type: Option<String>,
    pub body: Vec<u8>,
}

impl Part {
    /// Size of the part's body in bytes.
    pub fn size(&self) -> usize {
        self.body.len()
    }
}

/// A part without its body: what a preview lists.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PartHead {
    pub name: String,
    pub filename: Option<String>,
    pub content_type: Option<String>,
    pub size: usize,
}

/// The parts of `c` in wire order: the JSON part (`metadata`, or `settings` for a PATCH), then,
/// when the endpoint takes code, every module (filename = part name unless it has its own).
pub fn parts(c: &Composition) -> Vec<Part> {
    let json = super::json::compact(c).into_bytes();
    let mut bodies = std::iter::once(json).chain(c.modules.iter().map(|m| m.bytes.clone()));
    heads(c, 0)
        .into_iter()
        .map(|head| Part {
            name: head.name,
            filename: head.filename,
            content_type: head.content_type,
            body: bodies.next().unwrap_or_default(),
        })
        .collect()
}

/// The same parts as [`parts`] without copying any body; `json_size` is the length of the
/// compact wire JSON (see [`super::json::compact`]).
pub fn heads(c: &Composition, json_size: usize) -> Vec<PartHead> {
    let operation = c.request.operation;
    let mut heads = vec![PartHead {
        name: operation.json_part_name().to_string(),
        filename: None,
        content_type: Some("application/json".to_string()),
        size: json_size,
    }];
    if operation.sends_modules() {
        heads.extend(c.modules.iter().map(|module| PartHead {
            name: module.name.clone(),
            filename: Some(module.filename().to_string()),
            content_type: Some(module.content_type().to_string()),
            size: module.bytes.len(),
        }));
    }
    heads
}

/// Encodes `parts` with CRLF line endings, closing with `--boundary--\r\n`.
pub fn encode(parts: &[Part], boundary: &str) -> Vec<u8> {
    let mut out = Vec::with_capacity(parts.iter().map(|p| p.size() + 160).sum::<usize>() + 64);
    for part in parts {
        out.extend_from_slice(format!("--{boundary}\r\n").as_bytes());
        let mut disposition = format!(
            "Content-Disposition: form-data; name=\"{}\"",
            escape_quoted(&part.name)
        );
        if let Some(filename) = &part.filename {
            disposition.push_str(&format!("; filename=\"{}\"", escape_quoted(filename)));
        }
        out.extend_from_slice(disposition.as_bytes());
        out.extend_from_slice(b"\r\n");
        if let Some(content_type) = &part.content_type {
            out.extend_from_slice(format!("Content-Type: {content_type}\r\n").as_bytes());
        }
        out.extend_from_slice(b"\r\n");
        out.extend_from_slice(&part.body);
        out.extend_from_slice(b"\r\n");
    }
    out.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    out
}

/// The request's `Content-Type` header value for `boundary`.
pub fn content_type_header(boundary: &str) -> String {
    format!("multipart/form-data; boundary={boundary}")
}

/// The whole body of `c`'s request.
pub fn body(c: &Composition, boundary: &str) -> Vec<u8> {
    encode(&parts(c), boundary)
}

/// Escapes a `name`/`filename` value the way browsers (and curl since 7.81) do: `"`, CR and LF
/// become `%22`, `%0D` and `%0A`; everything else, including non-ASCII, is sent as UTF-8.
pub fn escape_quoted(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for ch in value.chars() {
        match ch {
            '"' => out.push_str("%22"),
            '\r' => out.push_str("%0D"),
            '\n' => out.push_str("%0A"),
            other => out.push(other),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Binding, BindingKind, Metadata, Module, ModuleKind, Operation, Request};

    fn composition(operation: Operation) -> Composition {
        Composition {
            request: Request {
                operation,
                account_id: "a".into(),
                script_name: "s".into(),
                ..Default::default()
            },
            metadata: Metadata {
                main_module: Some("index.js".into()),
                compatibility_date: Some("2024-06-01".into()),
                bindings: vec![Binding::new(
                    "V",
                    BindingKind::PlainText { text: "x".into() },
                )]
                .into(),
                ..Default::default()
            },
            modules: vec![
                Module::inline(
                    "index.js",
                    "export default { fetch() { return new Response(\"hi\") } }",
                ),
                Module {
                    kind: ModuleKind::Wasm,
                    ..Module::inline("add.wasm", vec![0u8, 0x61, 0x73, 0x6d])
                },
            ],
            ..Default::default()
        }
    }

    #[test]
    fn upload_body_matches_the_reference_shape() {
        let body = body(&composition(Operation::Upload), "B");
        let mut expected = Vec::new();
        expected.extend_from_slice(
            b"--B\r\n\
Content-Disposition: form-data; name=\"metadata\"\r\n\
Content-Type: application/json\r\n\r\n\
{\"main_module\":\"index.js\",\"bindings\":[{\"type\":\"plain_text\",\"name\":\"V\",\"text\":\"x\"}],\"compatibility_date\":\"2024-06-01\"}\r\n\
--B\r\n\
Content-Disposition: form-data; name=\"index.js\"; filename=\"index.js\"\r\n\
Content-Type: application/javascript+module\r\n\r\n\
export default { fetch() { return new Response(\"hi\") } }\r\n\
--B\r\n\
Content-Disposition: form-data; name=\"add.wasm\"; filename=\"add.wasm\"\r\n\
Content-Type: application/wasm\r\n\r\n",
        );
        expected.extend_from_slice(&[0, 0x61, 0x73, 0x6d]);
        expected.extend_from_slice(b"\r\n--B--\r\n");
        assert_eq!(
            String::from_utf8_lossy(&body),
            String::from_utf8_lossy(&expected)
        );
        assert_eq!(body, expected);
    }

    #[test]
    fn settings_patch_has_one_settings_part() {
        let parts = parts(&composition(Operation::Settings));
        assert_eq!(parts.len(), 1);
        assert_eq!(parts[0].name, "settings");
        assert_eq!(parts[0].filename, None);
        assert_eq!(parts[0].content_type.as_deref(), Some("application/json"));
        assert!(!String::from_utf8(parts[0].body.clone())
            .unwrap()
            .contains("main_module"));
    }

    #[test]
    fn module_parts_follow_module_order_with_filename_and_kind() {
        let parts = parts(&composition(Operation::Version));
        let summary: Vec<(&str, Option<&str>, Option<&str>, usize)> = parts
            .iter()
            .map(|p| {
                (
                    p.name.as_str(),
                    p.filename.as_deref(),
                    p.content_type.as_deref(),
                    p.size(),
                )
            })
            .collect();
        assert_eq!(
            summary[1],
            (
                "index.js",
                Some("index.js"),
                Some("application/javascript+module"),
                56
            )
        );
        assert_eq!(
            summary[2],
            ("add.wasm", Some("add.wasm"), Some("application/wasm"), 4)
        );
    }

    #[test]
    fn names_are_escaped_like_browsers() {
        assert_eq!(escape_quoted("a\"b\r\nc\\d;é"), "a%22b%0D%0Ac\\d;é");
        let part = Part {
            name: "x\"y".into(),
            filename: Some("f\n".into()),
            content_type: None,
            body: vec![],
        };
        let body = String::from_utf8(encode(&[part], "b")).unwrap();
        assert_eq!(body, "--b\r\nContent-Disposition: form-data; name=\"x%22y\"; filename=\"f%0A\"\r\n\r\n\r\n--b--\r\n");
    }

    #[test]
    fn deterministic_and_header_names_the_boundary() {
        let c = composition(Operation::Upload);
        assert_eq!(
            body(&c, DEFAULT_BOUNDARY),
            body(&c.clone(), DEFAULT_BOUNDARY),
            "the same composition gives the same bytes"
        );
        assert_eq!(
            content_type_header(DEFAULT_BOUNDARY),
            "multipart/form-data; boundary=----BinderyBoundary7MA4YWxkTrZu0gW"
        );
    }
}
