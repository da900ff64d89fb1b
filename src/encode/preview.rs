//! Everything a live preview shows, from one serialization of the metadata.
//!
//! The app recomputes this on every edit; calling [`super::json::pretty`],
//! [`super::multipart::parts`] and [`super::curl::command`] one by one would serialize the
//! metadata three times and copy every module's bytes. The display copy with secret values
//! masked ([`Preview::masked`]) is made from the same wire value.

use serde_json::Value;

use super::curl::{command_with_json, CurlCommand, CurlOptions};
use super::multipart::{heads, PartHead};
use crate::model::Composition;

#[derive(Clone, Debug, PartialEq)]
pub struct Preview {
    /// The wire JSON on one line, as sent.
    pub compact: String,
    /// The same JSON indented for reading.
    pub pretty: String,
    /// [`Preview::pretty`] with every secret value replaced by [`SECRET_MASK`], for display;
    /// `None` when no binding carries a secret value (the display is then `pretty` itself).
    pub masked: Option<String>,
    pub parts: Vec<PartHead>,
    pub curl: CurlCommand,
    /// What the JSON means for this endpoint, in sentences ([`super::json::notes`]).
    pub notes: Vec<String>,
}

/// What a display shows in place of a secret value.
pub const SECRET_MASK: &str = "••••••";

pub fn preview(c: &Composition, o: &CurlOptions) -> Preview {
    let mut wire: Value = super::json::wire_metadata(c);
    let compact = wire.to_string();
    let pretty = serde_json::to_string_pretty(&wire).unwrap_or_default();
    let masked = c.has_secret_values().then(|| {
        mask_secrets(&mut wire);
        serde_json::to_string_pretty(&wire).unwrap_or_default()
    });
    Preview {
        parts: heads(c, compact.len()),
        curl: command_with_json(c, o, &compact),
        notes: super::json::notes(c),
        pretty,
        masked,
        compact,
    }
}

/// Replaces each non-empty write-only value of the wire metadata's bindings (a secret's
/// `text`, a key's `key_base64` / `key_jwk`) by [`SECRET_MASK`].
fn mask_secrets(wire: &mut Value) {
    let Some(bindings) = wire.get_mut("bindings").and_then(Value::as_array_mut) else {
        return;
    };
    for binding in bindings.iter_mut().filter_map(Value::as_object_mut) {
        let type_name = binding
            .get("type")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string();
        for key in crate::model::secret_fields(&type_name) {
            if let Some(value) = binding.get_mut(key) {
                if *value != Value::String(String::new()) {
                    *value = Value::String(SECRET_MASK.into());
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::encode::{command, compact, multipart, pretty};
    use crate::model::{Binding, BindingKind, Module, Operation};
    use serde_json::json;

    fn sample() -> Composition {
        let mut c: Composition = serde_json::from_str(
            r#"{"format":1,"request":{"account_id":"a","script_name":"s"},
                "metadata":{"main_module":"worker.js","compatibility_date":"2024-06-01"}}"#,
        )
        .unwrap();
        c.modules
            .push(Module::inline("worker.js", "export default {}"));
        c.modules.push(Module::inline("data.bin", vec![0u8, 1, 2]));
        c
    }

    #[test]
    fn agrees_with_the_separate_encoders() {
        for operation in Operation::ALL {
            let mut c = sample();
            c.request.operation = operation;
            let o = CurlOptions {
                file_prefix: "dist/".into(),
                ..CurlOptions::default()
            };
            let p = preview(&c, &o);
            assert_eq!(p.compact, compact(&c));
            assert_eq!(p.pretty, pretty(&c));
            assert_eq!(p.curl, command(&c, &o));
            let full: Vec<(String, Option<String>, Option<String>, usize)> = multipart::parts(&c)
                .into_iter()
                .map(|part| {
                    (
                        part.name.clone(),
                        part.filename.clone(),
                        part.content_type.clone(),
                        part.size(),
                    )
                })
                .collect();
            let heads: Vec<(String, Option<String>, Option<String>, usize)> = p
                .parts
                .into_iter()
                .map(|h| (h.name, h.filename, h.content_type, h.size))
                .collect();
            assert_eq!(heads, full, "{operation:?}");
        }
    }

    #[test]
    fn the_display_masks_secrets_but_the_wire_json_keeps_them() {
        let mut c = sample();
        let o = CurlOptions::default();
        assert_eq!(
            preview(&c, &o).masked,
            None,
            "nothing to mask without secrets"
        );
        c.metadata.bindings = vec![
            Binding::new(
                "API_KEY",
                BindingKind::SecretText {
                    text: "s3cr3t-value".into(),
                },
            ),
            Binding::from_json(
                json!({"type": "secret_key", "name": "SIGNING", "format": "raw",
                       "algorithm": {"name": "HMAC", "hash": "SHA-256"}, "usages": ["sign"],
                       "key_base64": "a2V5LWJ5dGVz"})
                .as_object()
                .unwrap()
                .clone(),
            )
            .unwrap(),
            Binding::new(
                "EMPTY",
                BindingKind::SecretText {
                    text: String::new(),
                },
            ),
            Binding::new(
                "PLAIN",
                BindingKind::PlainText {
                    text: "visible".into(),
                },
            ),
        ]
        .into();
        let p = preview(&c, &o);
        assert!(p.pretty.contains("s3cr3t-value") && p.pretty.contains("a2V5LWJ5dGVz"));
        assert!(
            p.curl.text.contains("s3cr3t-value"),
            "the curl sends the real value"
        );
        let masked = p.masked.expect("a masked display");
        assert!(!masked.contains("s3cr3t-value") && !masked.contains("a2V5LWJ5dGVz"));
        let mut expected: Value = serde_json::from_str(&p.pretty).unwrap();
        expected["bindings"][0]["text"] = json!(SECRET_MASK);
        expected["bindings"][1]["key_base64"] = json!(SECRET_MASK);
        assert_eq!(
            serde_json::from_str::<Value>(&masked).unwrap(),
            expected,
            "only the secret values differ (an empty one stays empty)"
        );
        assert_eq!(
            serde_json::to_string_pretty(&expected).unwrap(),
            masked,
            "same order and layout as the wire JSON"
        );
    }
}
