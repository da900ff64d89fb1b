//! Human words for binding types and settings fields, used in the diff's sentences.

/// A short human label for a binding type (`kv_namespace` → "KV namespace"); an unknown type is
/// shown as "`type`" by the callers, so this returns "binding" for it.
pub fn type_label(type_name: &str) -> &'static str {
    match type_name {
        "plain_text" => "Variable",
        "secret_text" => "Secret",
        "json" => "JSON variable",
        "kv_namespace" => "KV namespace",
        "r2_bucket" => "R2 bucket",
        "d1" => "D1 database",
        "durable_object_namespace" => "Durable Object",
        "service" => "Service",
        "queue" => "Queue producer",
        "analytics_engine" => "Analytics Engine",
        "ai" => "Workers AI",
        "browser" => "Browser Rendering",
        "hyperdrive" => "Hyperdrive",
        "vectorize" => "Vectorize index",
        "version_metadata" => "Version metadata",
        "mtls_certificate" => "mTLS certificate",
        "dispatch_namespace" => "Dispatch namespace",
        "send_email" => "Send email",
        "workflow" => "Workflow",
        "pipelines" => "Pipeline",
        "secrets_store_secret" => "Secrets Store secret",
        "secret_key" => "Secret key",
        "ratelimit" => "Rate limiter",
        "images" => "Images",
        "media" => "Media transformations",
        "assets" => "Static assets",
        "inherit" => "Inherited",
        "wasm_module" => "WebAssembly module",
        "text_blob" => "Text blob",
        "data_blob" => "Data blob",
        "ai_search" => "AI Search instance",
        "ai_search_namespace" => "AI Search namespace",
        "messaging" => "Messaging",
        "flagship" => "Flagship",
        "vpc_service" => "VPC service",
        "vpc_network" => "VPC network",
        "worker_loader" => "Worker loader",
        "stream" => "Stream",
        "websearch" => "Web search",
        "agent_memory" => "Agent memory",
        "artifacts" => "Artifacts",
        "logfwdr" => "Log forwarder",
        "unsafe_hello_world" => "Hello world (test)",
        _ => "binding",
    }
}

/// How a binding is named in a sentence: "Secret API_KEY", "KV namespace binding USER_KV",
/// "`hologram` binding H" for a type this build does not know.
pub fn binding_subject(type_name: &str, name: &str) -> String {
    match type_name {
        "secret_text" | "secret_key" | "plain_text" | "json" => {
            format!("{} {name}", type_label(type_name))
        }
        known if crate::model::is_known_type(known) => {
            format!("{} binding {name}", type_label(type_name))
        }
        unknown => format!("`{unknown}` binding {name}"),
    }
}

/// Whether bindings of this type carry a write-only value that the API never returns.
pub fn is_secret_type(type_name: &str) -> bool {
    !crate::model::secret_fields(type_name).is_empty()
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
