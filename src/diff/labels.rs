//! Human words for binding types and settings fields, used in the diff's sentences.

/// A short human label for a binding type (`kv_namespace` → "KV namespace"), the catalog's noun;
/// an unknown type is shown as "`type`" by the callers, so this returns "binding" for it.
pub fn type_label(type_name: &str) -> &'static str {
    crate::model::catalog::lookup(type_name).map_or("binding", |spec| spec.noun)
}

/// How a binding is named in a sentence: "Secret API_KEY", "KV namespace binding USER_KV",
/// "`hologram` binding H" for a type this build does not know.
pub fn binding_subject(type_name: &str, name: &str) -> String {
    match crate::model::catalog::lookup(type_name) {
        Some(spec) if spec.group == crate::model::catalog::Group::Variables => {
            format!("{} {name}", spec.noun)
        }
        Some(spec) => format!("{} binding {name}", spec.noun),
        None => format!("`{type_name}` binding {name}"),
    }
}

/// Whether bindings of this type carry a write-only value that the API never returns.
pub fn is_secret_type(type_name: &str) -> bool {
    crate::model::catalog::lookup(type_name).is_some_and(|spec| spec.holds_secret())
}

/// A human label for a settings field (`compatibility_date` → "Compatibility date").
pub fn setting_label(field: &str) -> &'static str {
    match field {
        "compatibility_date" => "Compatibility date",
        "compatibility_flags" => "Compatibility flags",
        "usage_model" => "Usage model",
        "placement" => "Placement",
        "limits" => "Limits",
        "logpush" => "Logpush",
        "tags" => "Tags",
        "tail_consumers" => "Tail Workers",
        "observability" => "Observability",
        _ => "Setting",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::KNOWN_BINDING_TYPES;

    #[test]
    fn every_known_type_has_a_label() {
        for type_name in KNOWN_BINDING_TYPES {
            assert_ne!(type_label(type_name), "binding", "{type_name}");
        }
        assert_eq!(type_label("kv_namespace"), "KV namespace");
    }

    #[test]
    fn subjects_read_naturally() {
        assert_eq!(
            binding_subject("kv_namespace", "USER_KV"),
            "KV namespace binding USER_KV"
        );
        assert_eq!(binding_subject("secret_text", "API_KEY"), "Secret API_KEY");
        assert_eq!(binding_subject("hologram", "H"), "`hologram` binding H");
    }
}
