//! A Workers upload as it went over the wire (method, URL, content type, body) read back into a
//! composition: the request line from the URL, the metadata as given, every other part as a
//! module whose kind comes from its content type. What Bindery would send differently is said
//! in notes, never silently changed.

use super::multipart::{parse, FormPart};
use crate::model::{Composition, Metadata, Module, ModuleKind, Operation, Request, Target};

/// A composition read from an upload, with what did not carry over as is.
#[derive(Clone, Debug, PartialEq)]
pub struct Decoded {
    pub composition: Composition,
    pub notes: Vec<String>,
}

/// Reads an upload: `method` and `url` (a full URL, or a path with or without `/client/v4`),
/// the request's `Content-Type` and its body.
pub fn composition_from_upload(
    method: &str,
    url: &str,
    content_type: &str,
    body: &[u8],
) -> Result<Decoded, String> {
    let mut notes = Vec::new();
    let (path, query) = match url.split_once('?') {
        Some((path, query)) => (path, Some(query)),
        None => (url, None),
    };
    let mut request = request_from_path(method, path)?;
    for pair in query
        .unwrap_or_default()
        .split('&')
        .filter(|p| !p.is_empty())
    {
        if pair == "bindings_inherit=strict" && request.operation.accepts_bindings_inherit() {
            request.bindings_inherit_strict = true;
        } else {
            notes.push(format!(
                "The query parameter `{pair}` is not kept: Bindery does not send it."
            ));
        }
    }
    let json_part = request.operation.json_part_name();
    let mut metadata = None;
    let mut modules = Vec::new();
    for part in parse(content_type, body)? {
        if part.name == json_part && metadata.is_none() {
            let parsed: Metadata = serde_json::from_slice(&part.bytes)
                .map_err(|e| format!("the `{json_part}` part: {e}"))?;
            metadata = Some(parsed);
        } else {
            modules.push(module_from_part(part, &mut notes));
        }
    }
    let metadata = metadata.ok_or_else(|| format!("the upload has no `{json_part}` part"))?;
    if request.operation == Operation::Settings && !modules.is_empty() {
        notes.push(format!(
            "A settings PATCH sends no modules; the {} other part(s) are kept but not sent.",
            modules.len()
        ));
    }
    Ok(Decoded {
        composition: Composition {
            request,
            metadata,
            modules,
            ..Composition::default()
        },
        notes,
    })
}

/// The request line from the path: account or dispatch-namespace Worker, and the operation
/// from the method and the last segment.
pub fn request_from_path(method: &str, path: &str) -> Result<Request, String> {
    let after = path
        .find("/accounts/")
        .map(|i| &path[i + "/accounts/".len()..])
        .ok_or_else(|| format!("`{path}` is not a Workers script URL (…/accounts/ID/workers/…)"))?;
    let segments: Vec<String> = after
        .trim_end_matches('/')
        .split('/')
        .map(percent_decode)
        .collect();
    let segments: Vec<&str> = segments.iter().map(String::as_str).collect();
    let (target, account, namespace, script, rest) = match segments.as_slice() {
        [account, "workers", "scripts", script, rest @ ..] => {
            (Target::Account, *account, "", *script, rest)
        }
        [account, "workers", "dispatch", "namespaces", namespace, "scripts", script, rest @ ..] => {
            (Target::Dispatch, *account, *namespace, *script, rest)
        }
        _ => return Err(format!("`{path}` is not a Workers script URL")),
    };
    let method = method.to_ascii_uppercase();
    let operation = match (method.as_str(), rest) {
        ("PUT", []) => Operation::Upload,
        ("POST", ["versions"]) => Operation::Version,
        ("PATCH", ["settings"]) => Operation::Settings,
        ("PUT", ["content"]) => Operation::Content,
        _ => {
            return Err(format!(
                "{method} {path} is not an upload Bindery composes (PUT …/scripts/NAME, POST …/versions, PATCH …/settings, PUT …/content)"
            ))
        }
    };
    Ok(Request {
        target,
        operation,
        account_id: account.to_string(),
        script_name: script.to_string(),
        dispatch_namespace: namespace.to_string(),
        bindings_inherit_strict: false,
    })
}

/// The module kind a part's content type stands for, with the aliases the API accepts.
pub fn kind_of_content_type(content_type: &str) -> Option<ModuleKind> {
    let media = content_type
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    Some(match media.as_str() {
        "application/javascript+module" | "text/javascript+module" => ModuleKind::Esm,
        "application/javascript" | "text/javascript" => ModuleKind::Commonjs,
        "text/plain" => ModuleKind::Text,
        "application/octet-stream" => ModuleKind::Data,
        "application/wasm" => ModuleKind::Wasm,
        "application/source-map" => ModuleKind::SourceMap,
        "text/x-python" => ModuleKind::Python,
        "text/x-python-requirement" => ModuleKind::PythonRequirement,
        _ => return None,
    })
}

fn module_from_part(part: FormPart, notes: &mut Vec<String>) -> Module {
    let FormPart {
        name,
        filename,
        content_type,
        bytes,
    } = part;
    let (kind, media_type) = match content_type.as_deref() {
        Some(given) => match kind_of_content_type(given) {
            Some(kind) => (
                kind,
                (given != kind.content_type()).then(|| given.to_string()),
            ),
            None => {
                let kind = ModuleKind::guess(&name);
                notes.push(format!("The part `{name}` has the content type `{given}`, which Bindery does not know; it is sent as given, as a {} module.", kind.label()));
                (kind, Some(given.to_string()))
            }
        },
        None => {
            let kind = ModuleKind::guess(&name);
            notes.push(format!(
                "The part `{name}` has no content type; Bindery sends it as {} (guessed from its name).",
                kind.content_type()
            ));
            (kind, None)
        }
    };
    let filename = match filename {
        Some(filename) if filename == name => None,
        Some(filename) => Some(filename),
        None => {
            notes.push(format!(
                "The part `{name}` has no filename; Bindery sends its name as the filename (without one the API may answer \"No such module\")."
            ));
            None
        }
    };
    Module {
        name,
        kind,
        path: None,
        bytes,
        filename,
        media_type,
    }
}

/// Decodes `%XX` escapes of a URL path segment (invalid UTF-8 is replaced).
fn percent_decode(segment: &str) -> String {
    let bytes = segment.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut index = 0;
    while index < bytes.len() {
        let hex = segment
            .get(index + 1..index + 3)
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (bytes[index], hex) {
            (b'%', Some(byte)) => {
                out.push(byte);
                index += 3;
            }
            (byte, _) => {
                out.push(byte);
                index += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::encode;

    #[test]
    fn what_bindery_sends_reads_back_as_the_same_composition() {
        let json = r#"{"format":1,"request":{"target":"dispatch","operation":"upload","account_id":"acc","script_name":"cust-1","dispatch_namespace":"prod","bindings_inherit_strict":true},
            "metadata":{"main_module":"worker.js","bindings":[{"type":"kv_namespace","name":"K","namespace_id":"abc","future":1}],"compatibility_date":"2024-06-01","extra_field":[1]},
            "modules":[{"name":"worker.js","content":"export default {}"},{"name":"ADD","kind":"wasm","content_base64":"AGFzbQ==","filename":"add.wasm"}]}"#;
        let c: Composition = serde_json::from_str(json).unwrap();
        let body = encode::body(&c, "B0undary");
        let url = format!(
            "https://api.cloudflare.com/client/v4{}?{}",
            c.request.path(),
            c.request.query()
        );
        let decoded =
            composition_from_upload("PUT", &url, &encode::content_type_header("B0undary"), &body)
                .unwrap();
        assert!(decoded.notes.is_empty(), "{:?}", decoded.notes);
        assert_eq!(decoded.composition, c);
    }

    #[test]
    fn every_endpoint_reads_from_its_path() {
        let cases = [
            (
                "PUT",
                "/client/v4/accounts/a/workers/scripts/s",
                Target::Account,
                Operation::Upload,
            ),
            (
                "POST",
                "/accounts/a/workers/scripts/s/versions",
                Target::Account,
                Operation::Version,
            ),
            (
                "PATCH",
                "/accounts/a/workers/dispatch/namespaces/n/scripts/s/settings",
                Target::Dispatch,
                Operation::Settings,
            ),
            (
                "put",
                "/accounts/a/workers/scripts/s/content",
                Target::Account,
                Operation::Content,
            ),
        ];
        for (method, path, target, operation) in cases {
            let request = request_from_path(method, path).unwrap();
            assert_eq!(
                (request.target, request.operation),
                (target, operation),
                "{path}"
            );
            assert_eq!(request.script_name, "s");
        }
        assert!(request_from_path("GET", "/accounts/a/workers/scripts/s").is_err());
        assert!(request_from_path("PUT", "/accounts/a/storage/kv/namespaces").is_err());
        let encoded = request_from_path("PUT", "/accounts/a/workers/scripts/my%20script").unwrap();
        assert_eq!(encoded.script_name, "my script");
    }

    #[test]
    fn kinds_come_from_content_types_and_odd_ones_are_kept_as_given() {
        let body = concat!(
            "--b\r\nContent-Disposition: form-data; name=\"metadata\"\r\n\r\n{\"main_module\":\"a.js\"}\r\n",
            "--b\r\nContent-Disposition: form-data; name=\"a.js\"; filename=\"a.js\"\r\nContent-Type: text/javascript+module\r\n\r\nexport default {}\r\n",
            "--b\r\nContent-Disposition: form-data; name=\"x.dat\"; filename=\"x.dat\"\r\nContent-Type: application/x-thing\r\n\r\n?\r\n",
            "--b\r\nContent-Disposition: form-data; name=\"nofile.txt\"\r\nContent-Type: text/plain\r\n\r\nt\r\n",
            "--b--\r\n"
        );
        let decoded = composition_from_upload(
            "PUT",
            "/accounts/a/workers/scripts/s?excludeScript=true&bindings_inherit=strict",
            "multipart/form-data; boundary=b",
            body.as_bytes(),
        )
        .unwrap();
        let modules = &decoded.composition.modules;
        assert_eq!(modules[0].kind, ModuleKind::Esm);
        assert_eq!(modules[0].content_type(), "text/javascript+module");
        assert_eq!(modules[1].content_type(), "application/x-thing");
        assert_eq!(modules[2].kind, ModuleKind::Text);
        assert!(decoded.composition.request.bindings_inherit_strict);
        let notes = decoded.notes.join("\n");
        for expected in [
            "`excludeScript=true` is not kept",
            "`application/x-thing`",
            "`nofile.txt` has no filename",
        ] {
            assert!(notes.contains(expected), "{expected} in {notes}");
        }
    }

    #[test]
    fn an_upload_without_metadata_or_with_bad_json_is_an_error() {
        let no_metadata = "--b\r\nContent-Disposition: form-data; name=\"a.js\"; filename=\"a.js\"\r\n\r\nx\r\n--b--\r\n";
        let error = composition_from_upload(
            "PUT",
            "/accounts/a/workers/scripts/s",
            "multipart/form-data; boundary=b",
            no_metadata.as_bytes(),
        )
        .unwrap_err();
        assert!(error.contains("no `metadata` part"), "{error}");
        let bad =
            "--b\r\nContent-Disposition: form-data; name=\"metadata\"\r\n\r\n{oops\r\n--b--\r\n";
        let error = composition_from_upload(
            "PUT",
            "/accounts/a/workers/scripts/s",
            "multipart/form-data; boundary=b",
            bad.as_bytes(),
        )
        .unwrap_err();
        assert!(error.starts_with("the `metadata` part:"), "{error}");
    }
}
