//! `[env.NAME]`: which keys an environment inherits from the top level and which it does not.
//!
//! Wrangler's rules (its config normalisation, and the environments page of its docs):
//! - *inheritable* keys (compatibility date and flags, `main`, `rules`, `migrations`, `limits`,
//!   `placement`, `observability`, `logpush`, …) take the environment's value when it sets one,
//!   else the top level's — the whole value, never merged;
//! - `name` is inherited with `-NAME` appended (`my-worker` → `my-worker-staging`) unless the
//!   environment sets its own;
//! - *non-inheritable* keys (`vars`, every binding section, `tail_consumers`, `unsafe`, …) come
//!   only from the environment; set at the top level but not in the environment, they are left
//!   out, with a warning (wrangler's own);
//! - a few keys live only at the top level (`keep_vars`, `wasm_modules`, `text_blobs`,
//!   `data_blobs`, `site`, `alias`, `dev`, …) and apply to every environment.
//!
//! An `--env` that the file does not define uses the top level as the environment (with the
//! `-NAME` suffix on the name); wrangler refuses that when other environments are defined, and
//! only warns when there are none. A `null` counts as absent, as JavaScript's `??` does.

use serde_json::{Map, Value};

use super::super::Notes;

/// Keys an environment inherits from the top level (in wrangler's order).
pub const INHERITABLE: &[&str] = &[
    "account_id",
    "compatibility_date",
    "compatibility_flags",
    "jsx_factory",
    "jsx_fragment",
    "tsconfig",
    "rules",
    "name",
    "main",
    "find_additional_modules",
    "preserve_file_names",
    "base_dir",
    "route",
    "routes",
    "triggers",
    "assets",
    "limits",
    "placement",
    "build",
    "workers_dev",
    "preview_urls",
    "migrations",
    "exports",
    "logfwdr",
    "no_bundle",
    "minify",
    "keep_names",
    "first_party_worker",
    "logpush",
    "upload_source_maps",
    "observability",
    "access",
    "cache",
    "compliance_region",
    "python_modules",
    "previews",
];

/// Keys only an environment's own value sets (in wrangler's order).
pub const NOT_INHERITABLE: &[&str] = &[
    "vars",
    "secrets",
    "define",
    "durable_objects",
    "workflows",
    "kv_namespaces",
    "cloudchamber",
    "containers",
    "send_email",
    "queues",
    "connect",
    "r2_buckets",
    "d1_databases",
    "vectorize",
    "ai_search_namespaces",
    "ai_search",
    "agent_memory",
    "hyperdrive",
    "services",
    "analytics_engine_datasets",
    "dispatch_namespaces",
    "mtls_certificates",
    "tail_consumers",
    "streaming_tail_consumers",
    "unsafe",
    "browser",
    "analytics",
    "ai",
    "images",
    "stream",
    "media",
    "pipelines",
    "k2",
    "secrets_store_secrets",
    "artifacts",
    "unsafe_hello_world",
    "flagship",
    "worker_loaders",
    "ratelimits",
    "vpc_services",
    "vpc_networks",
    "version_metadata",
];

/// Keys read only at the top level; an environment cannot set them.
pub const TOP_LEVEL_ONLY: &[&str] = &[
    "send_metrics",
    "dependencies_instrumentation",
    "keep_vars",
    "addresses",
    "pages_build_output_dir",
    "$schema",
    "legacy_env",
    "dev",
    "site",
    "alias",
    "wasm_modules",
    "text_blobs",
    "data_blobs",
    "env",
];

/// The configuration as the chosen environment sees it.
#[derive(Clone, Debug, Default)]
pub struct Resolved {
    /// Every known key with its effective value (absent keys left out).
    pub values: Map<String, Value>,
    /// Where an environment's own keys live in the file (`env.staging.`), for messages.
    pub prefix: String,
    /// The keys the chosen environment sets itself.
    pub own_keys: Vec<String>,
}

impl Resolved {
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.values.get(key).filter(|v| !v.is_null())
    }

    /// Where `key` was read from, for messages: `env.staging.vars` or `vars`.
    pub fn origin(&self, key: &str) -> String {
        if self.own_keys.iter().any(|k| k == key) {
            format!("{}{key}", self.prefix)
        } else {
            key.to_string()
        }
    }
}

/// Picks the values of environment `env` (or the top level) from a parsed configuration.
pub fn resolve(raw: &Map<String, Value>, env: Option<&str>, notes: &mut Notes) -> Resolved {
    let top = raw;
    let envs = raw.get("env").and_then(Value::as_object);
    let Some(env_name) = env else {
        let mut values = Map::new();
        for key in INHERITABLE
            .iter()
            .chain(NOT_INHERITABLE)
            .chain(TOP_LEVEL_ONLY)
        {
            if let Some(value) = top.get(*key) {
                values.insert(key.to_string(), value.clone());
            }
        }
        return Resolved {
            values,
            ..Resolved::default()
        };
    };

    let own = envs.and_then(|e| e.get(env_name)).filter(|v| !v.is_null());
    let own = match own {
        Some(Value::Object(own)) => Some(own),
        Some(other) => {
            notes.error(
                "wrangler-env-invalid",
                format!("import.env.{env_name}"),
                format!(
                    "`env.{env_name}` is {}, not a table; wrangler refuses the file. The top level is used instead.",
                    super::super::describe_json_type(other)
                ),
            );
            None
        }
        None => None,
    };
    let mut values = Map::new();
    match own {
        Some(own) => {
            for key in INHERITABLE {
                let value = present(own.get(*key)).cloned().or_else(|| {
                    let inherited = present(top.get(*key))?;
                    Some(if *key == "name" {
                        suffixed_name(inherited, env_name)?
                    } else {
                        inherited.clone()
                    })
                });
                if let Some(value) = value {
                    values.insert(key.to_string(), value);
                }
            }
            for key in NOT_INHERITABLE {
                match present(own.get(*key)) {
                    Some(value) => {
                        values.insert(key.to_string(), value.clone());
                    }
                    None if present(top.get(*key)).is_some() => notes.warning(
                        "wrangler-not-inherited",
                        format!("import.{key}"),
                        format!(
                            "`{key}` is set at the top level but not in `env.{env_name}`; environments do not inherit it, so it is left out (as wrangler does). Copy it into `[env.{env_name}]` if the environment needs it."
                        ),
                    ),
                    None => {}
                }
            }
            for key in own.keys() {
                if TOP_LEVEL_ONLY.contains(&key.as_str()) {
                    notes.warning(
                        "wrangler-top-level-only",
                        format!("import.env.{env_name}.{key}"),
                        format!(
                            "`{key}` is only read at the top level; its value in `env.{env_name}` is ignored (as wrangler ignores it)."
                        ),
                    );
                } else if !INHERITABLE.contains(&key.as_str())
                    && !NOT_INHERITABLE.contains(&key.as_str())
                {
                    notes.warning(
                        "wrangler-unknown-key",
                        format!("import.env.{env_name}.{key}"),
                        format!(
                            "`env.{env_name}.{key}` is not a key wrangler knows; it is ignored."
                        ),
                    );
                }
            }
        }
        None => {
            let defined: Vec<&String> = envs.map(|e| e.keys().collect()).unwrap_or_default();
            let message = format!(
                "No environment `{env_name}` in the configuration{}; the top level is used, with the name suffixed `-{env_name}`.",
                if defined.is_empty() {
                    String::new()
                } else {
                    format!(
                        " (defined: {})",
                        defined.iter().map(|n| format!("`{n}`")).collect::<Vec<_>>().join(", ")
                    )
                }
            );
            if defined.is_empty() {
                notes.warning("wrangler-env-missing", "import.env", message);
            } else {
                notes.error(
                    "wrangler-env-missing",
                    "import.env",
                    message + " Wrangler refuses this; pick one of the defined environments.",
                );
            }
            for key in INHERITABLE.iter().chain(NOT_INHERITABLE) {
                if let Some(value) = present(top.get(*key)) {
                    let value = if *key == "name" {
                        match suffixed_name(value, env_name) {
                            Some(v) => v,
                            None => continue,
                        }
                    } else {
                        value.clone()
                    };
                    values.insert(key.to_string(), value);
                }
            }
        }
    }
    for key in TOP_LEVEL_ONLY {
        if let Some(value) = top.get(*key) {
            values.insert(key.to_string(), value.clone());
        }
    }
    Resolved {
        values,
        prefix: format!("env.{env_name}."),
        own_keys: own.map(|o| o.keys().cloned().collect()).unwrap_or_default(),
    }
}

fn present(value: Option<&Value>) -> Option<&Value> {
    value.filter(|v| !v.is_null())
}

/// `name-env`, as wrangler names an environment's Worker (an empty name stays unset).
fn suffixed_name(name: &Value, env: &str) -> Option<Value> {
    match name {
        Value::String(s) if s.is_empty() => None,
        Value::String(s) => Some(Value::String(format!("{s}-{env}"))),
        other => Some(other.clone()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn obj(value: Value) -> Map<String, Value> {
        value.as_object().unwrap().clone()
    }

    #[test]
    fn inheritable_keys_fall_back_to_the_top_level_whole() {
        let raw = obj(json!({
            "name": "app", "compatibility_date": "2024-01-01", "compatibility_flags": ["a"],
            "limits": {"cpu_ms": 50, "subrequests": 10},
            "env": {"staging": {"compatibility_flags": ["b"], "limits": {"cpu_ms": 10}}}
        }));
        let mut notes = Notes::default();
        let r = resolve(&raw, Some("staging"), &mut notes);
        assert_eq!(r.get("name"), Some(&json!("app-staging")));
        assert_eq!(r.get("compatibility_date"), Some(&json!("2024-01-01")));
        assert_eq!(r.get("compatibility_flags"), Some(&json!(["b"])));
        // Replaced, not merged.
        assert_eq!(r.get("limits"), Some(&json!({"cpu_ms": 10})));
        assert!(notes.is_empty());
    }

    #[test]
    fn an_environment_name_wins_over_the_suffix() {
        let raw = obj(json!({"name": "app", "env": {"prod": {"name": "app-live"}}}));
        let r = resolve(&raw, Some("prod"), &mut Notes::default());
        assert_eq!(r.get("name"), Some(&json!("app-live")));
    }

    #[test]
    fn bindings_and_vars_are_not_inherited_and_say_so() {
        let raw = obj(json!({
            "name": "app", "vars": {"A": "1"}, "kv_namespaces": [{"binding": "K", "id": "x"}],
            "env": {"staging": {"vars": {"B": "2"}}}
        }));
        let mut notes = Notes::default();
        let r = resolve(&raw, Some("staging"), &mut notes);
        assert_eq!(r.get("vars"), Some(&json!({"B": "2"})));
        assert_eq!(r.get("kv_namespaces"), None);
        let findings = notes.into_findings();
        assert_eq!(findings.len(), 1, "{findings:?}");
        assert_eq!(findings[0].rule, "wrangler-not-inherited");
        assert_eq!(findings[0].at, "import.kv_namespaces");
    }

    #[test]
    fn top_level_only_keys_apply_to_every_environment() {
        let raw = obj(json!({
            "keep_vars": true, "wasm_modules": {"W": "w.wasm"},
            "env": {"staging": {"keep_vars": false}}
        }));
        let mut notes = Notes::default();
        let r = resolve(&raw, Some("staging"), &mut notes);
        assert_eq!(r.get("keep_vars"), Some(&json!(true)));
        assert_eq!(r.get("wasm_modules"), Some(&json!({"W": "w.wasm"})));
        assert_eq!(notes.into_findings()[0].rule, "wrangler-top-level-only");
    }

    #[test]
    fn an_undefined_environment_uses_the_top_level() {
        let raw = obj(json!({"name": "app", "vars": {"A": "1"}}));
        let mut notes = Notes::default();
        let r = resolve(&raw, Some("qa"), &mut notes);
        assert_eq!(r.get("name"), Some(&json!("app-qa")));
        assert_eq!(r.get("vars"), Some(&json!({"A": "1"})));
        let findings = notes.into_findings();
        assert_eq!(findings[0].level, crate::rules::Level::Warning);

        let raw = obj(json!({"name": "app", "env": {"prod": {}}}));
        let mut notes = Notes::default();
        resolve(&raw, Some("qa"), &mut notes);
        let findings = notes.into_findings();
        assert_eq!(findings[0].level, crate::rules::Level::Error);
        assert!(
            findings[0].message.contains("`prod`"),
            "{}",
            findings[0].message
        );
    }

    #[test]
    fn null_counts_as_absent() {
        let raw = obj(json!({"main": "a.js", "env": {"x": {"main": null, "vars": null}}}));
        let r = resolve(&raw, Some("x"), &mut Notes::default());
        assert_eq!(r.get("main"), Some(&json!("a.js")));
        assert_eq!(r.get("vars"), None);
    }
}
