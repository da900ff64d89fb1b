//! A copy of a composition that is safe to store: no secret value survives.
//!
//! Which values are secret is the binding catalog's to say (its write-only fields), so a new
//! binding type with key material is redacted as soon as its catalog entry says so.

use super::{catalog, Binding, BindingKind, Composition};

impl Composition {
    /// The composition with every write-only value removed: `secret_text` texts are emptied and
    /// `secret_key` key material (`key_base64`, `key_jwk`) is dropped. Names, types and the
    /// rest of each binding stay, so the form comes back with only the secrets to re-enter.
    pub fn redacted(&self) -> Composition {
        let mut copy = self.clone();
        for binding in &mut copy.metadata.bindings {
            if binding.kind.is_secret() {
                *binding = without_secrets(binding);
            }
        }
        copy
    }

    /// Whether any binding carries a secret value that [`Composition::redacted`] would drop.
    pub fn has_secret_values(&self) -> bool {
        self.metadata.bindings.iter().any(|b| {
            catalog::secret_fields(b.type_name()).any(|field| b.kind.is_blank(field) == Some(false))
        })
    }
}

/// `binding` with its write-only fields left out (a required one reads back empty).
fn without_secrets(binding: &Binding) -> Binding {
    let mut object = binding.to_json();
    for field in catalog::secret_fields(binding.type_name()) {
        object.shift_remove(field);
    }
    // Taking fields out of a valid binding leaves a valid one; should it not, nothing of the
    // binding but its name and type is kept.
    Binding::from_json(object).unwrap_or_else(|_| {
        Binding::new(
            binding.name.clone(),
            BindingKind::empty(binding.type_name()),
        )
    })
}

#[cfg(test)]
mod tests {
    use crate::model::{Binding, BindingKind, Composition};
    use serde_json::json;

    fn with_secrets() -> Composition {
        let mut c = Composition::default();
        c.metadata.bindings = vec![
            Binding::new(
                "API_KEY",
                BindingKind::SecretText {
                    text: "hunter2-very-secret".into(),
                },
            ),
            Binding::new(
                "SIGNING",
                BindingKind::SecretKey {
                    format: "raw".into(),
                    algorithm: json!({"name": "HMAC", "hash": "SHA-256"}),
                    usages: vec!["sign".into()],
                    key_base64: Some("c2VjcmV0LWtleS1ieXRlcw==".into()),
                    key_jwk: Some(json!({"k": "jwk-secret-material"})),
                },
            ),
            Binding::new(
                "GREETING",
                BindingKind::PlainText {
                    text: "hello".into(),
                },
            ),
        ]
        .into();
        c
    }

    #[test]
    fn no_secret_value_survives_serialisation() {
        let c = with_secrets();
        assert!(c.has_secret_values());
        let redacted = c.redacted();
        assert!(!redacted.has_secret_values());
        let text = serde_json::to_string(&redacted).unwrap();
        for secret in [
            "hunter2-very-secret",
            "c2VjcmV0LWtleS1ieXRlcw==",
            "jwk-secret-material",
        ] {
            assert!(!text.contains(secret), "{secret} leaked into {text}");
        }
    }

    #[test]
    fn everything_else_is_kept() {
        let c = with_secrets();
        let redacted = c.redacted();
        assert_eq!(redacted.metadata.bindings.len(), 3);
        assert_eq!(redacted.metadata.bindings[0].name, "API_KEY");
        assert_eq!(redacted.metadata.bindings[0].type_name(), "secret_text");
        assert_eq!(redacted.metadata.bindings[2], c.metadata.bindings[2]);
        match &redacted.metadata.bindings[1].kind {
            BindingKind::SecretKey {
                format,
                usages,
                algorithm,
                ..
            } => {
                assert_eq!(format, "raw");
                assert_eq!(usages, &vec!["sign".to_string()]);
                assert_eq!(algorithm["name"], "HMAC");
            }
            other => panic!("kind changed: {other:?}"),
        }
    }
}
