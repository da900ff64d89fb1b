//! Binding sections of a wrangler configuration → the metadata `bindings` array, as wrangler 4
//! builds it.
//!
//! Wrangler does this in two steps, and both leave a mark on the result:
//! 1. every section is turned into one JavaScript object keyed by binding name (`vars`,
//!    `kv_namespaces`, … in the order of its normalized configuration). A name used twice keeps
//!    its first place and takes the later value; names that look like array indexes (`"0"`,
//!    `"42"`) come first, in numeric order — how JavaScript orders object keys;
//! 2. the upload form reads that object back *type by type* in a fixed order (inherit,
//!    plain_text, json, …, data_blob, then every `unsafe` binding), copying each type's own
//!    fields under their wire names (`id` → `namespace_id`, `database_id` → `id`,
//!    `queue` → `queue_name`, a workflow's `name` → `workflow_name`, …).
//!
//! So `vars` strings come before `vars` JSON values, and KV bindings before R2 buckets whatever
//! the file's order. A binding the upload would refuse (a KV namespace without `id`, a queue
//! without `queue`) is kept with the field missing, and an error finding at that field says
//! what to add.

use serde_json::{Map, Value};

use super::env::Resolved;
use crate::import::{describe_json_type, Notes};
use crate::model::catalog::{self, Layout};

/// One entry of wrangler's intermediate bindings object.
#[derive(Clone, Debug, PartialEq)]
pub struct Entry {
    pub name: String,
    /// Wrangler's internal type (`kv_namespace`, `pipeline`, `unsafe_foo`, …).
    pub kind: String,
    /// The section's fields, without the name key.
    pub fields: Map<String, Value>,
    /// Where it came from, for messages (`kv_namespaces[1]`, `env.staging.vars.API_URL`).
    pub source: String,
}

/// Wrangler's bindings object: insertion order, except array-index keys first, ascending.
#[derive(Clone, Debug, Default)]
pub struct JsObject {
    entries: Vec<Entry>,
    /// Names given more than once: (name, first source, later source).
    pub duplicates: Vec<(String, String, String)>,
}

impl JsObject {
    pub fn insert(&mut self, entry: Entry) {
        if let Some(existing) = self.entries.iter_mut().find(|e| e.name == entry.name) {
            self.duplicates.push((
                entry.name.clone(),
                existing.source.clone(),
                entry.source.clone(),
            ));
            *existing = entry;
        } else {
            self.entries.push(entry);
        }
    }

    pub fn contains(&self, name: &str) -> bool {
        self.entries.iter().any(|e| e.name == name)
    }

    /// Entries in JavaScript's property order.
    pub fn ordered(&self) -> Vec<&Entry> {
        let mut indexed: Vec<(u32, &Entry)> = Vec::new();
        let mut named: Vec<&Entry> = Vec::new();
        for entry in &self.entries {
            match array_index(&entry.name) {
                Some(index) => indexed.push((index, entry)),
                None => named.push(entry),
            }
        }
        indexed.sort_by_key(|(index, _)| *index);
        indexed.into_iter().map(|(_, e)| e).chain(named).collect()
    }
}

/// A canonical array index (`0`, `17`, never `017` or `4294967295`).
fn array_index(name: &str) -> Option<u32> {
    let index: u32 = name.parse().ok()?;
    (index < u32::MAX && index.to_string() == name).then_some(index)
}

/// Binding sections in the order of wrangler's normalized configuration.
const SECTIONS: &[&str] = &[
    "assets",
    "vars",
    "durable_objects",
    "workflows",
    "kv_namespaces",
    "send_email",
    "queues",
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
    "logfwdr",
    "wasm_modules",
    "text_blobs",
    "data_blobs",
];

/// Step 1: the configuration's binding sections as wrangler's bindings object.
pub fn collect(config: &Resolved, notes: &mut Notes) -> JsObject {
    let mut out = JsObject::default();
    for section in SECTIONS {
        let Some(value) = config.get(section) else {
            continue;
        };
        let origin = config.origin(section);
        match *section {
            "vars" => each_property(value, &origin, notes, |name, v, source| {
                let kind = if v.is_string() { "plain_text" } else { "json" };
                out.insert(entry(name, kind, single("value", v.clone()), source));
            }),
            "assets" => {
                if let Some(binding) = value.get("binding").and_then(Value::as_str) {
                    if !binding.is_empty() {
                        out.insert(entry(
                            binding,
                            "assets",
                            Map::new(),
                            format!("{origin}.binding"),
                        ));
                    }
                }
            }
            "unsafe" => {
                let list = value.get("bindings").unwrap_or(&Value::Null);
                each_item(
                    list,
                    &format!("{origin}.bindings"),
                    notes,
                    |mut fields, source, notes| {
                        let name = take_name(&mut fields, "name", &source, notes);
                        let kind = match fields.remove("type") {
                            Some(Value::String(t)) => format!("unsafe_{t}"),
                            Some(other) => {
                                wrong_type(notes, &format!("{source}.type"), "a string", &other);
                                return;
                            }
                            None => {
                                notes.error(
                                "wrangler-binding-invalid",
                                format!("import.{source}.type"),
                                format!("`{source}` has no `type`; wrangler refuses it. The binding is left out."),
                            );
                                return;
                            }
                        };
                        out.insert(Entry {
                            name,
                            kind,
                            fields,
                            source,
                        });
                    },
                );
            }
            section => {
                // Every other section is a binding type's, as the catalog declares it.
                let Some((spec, key)) = catalog::wrangler_section(section) else {
                    continue;
                };
                let kind = spec.type_name;
                let name_key = key.name_key;
                match key.layout {
                    Layout::Paths => each_property(value, &origin, notes, |name, v, source| {
                        out.insert(entry(name, kind, single("path", v.clone()), source));
                    }),
                    Layout::Table => match value {
                        Value::Object(fields) => {
                            let mut fields = fields.clone();
                            let name = take_name(&mut fields, name_key, &origin, notes);
                            out.insert(entry(&name, kind, fields, origin.clone()));
                        }
                        other => wrong_type(notes, &origin, "a table", other),
                    },
                    Layout::Under(list) => each_item(
                        value.get(list).unwrap_or(&Value::Null),
                        &format!("{origin}.{list}"),
                        notes,
                        |mut fields, source, notes| {
                            let name = take_name(&mut fields, name_key, &source, notes);
                            out.insert(entry(&name, kind, fields, source));
                        },
                    ),
                    Layout::List => {
                        each_item(value, &origin, notes, |mut fields, source, notes| {
                            let name = take_name(&mut fields, name_key, &source, notes);
                            out.insert(entry(&name, kind, fields, source));
                        })
                    }
                }
            }
        }
    }
    // `secrets.required`: each secret not bound otherwise is inherited from the deployed Worker.
    if let Some(required) = config.get("secrets").and_then(|s| s.get("required")) {
        let origin = format!("{}.required", config.origin("secrets"));
        match required.as_array() {
            Some(names) => {
                for (i, name) in names.iter().enumerate() {
                    match name.as_str() {
                        Some(name) if !out.contains(name) => {
                            out.insert(entry(name, "inherit", Map::new(), format!("{origin}[{i}]")))
                        }
                        Some(_) => {}
                        None => wrong_type(notes, &format!("{origin}[{i}]"), "a string", name),
                    }
                }
            }
            None => wrong_type(notes, &origin, "an array", required),
        }
    }
    for (name, first, later) in &out.duplicates {
        notes.error(
            "wrangler-binding-duplicate",
            format!("import.{later}"),
            format!(
                "`{name}` is bound twice (`{first}` and `{later}`); wrangler refuses duplicate binding names. The later one is kept."
            ),
        );
    }
    out
}

fn entry(name: &str, kind: &str, fields: Map<String, Value>, source: String) -> Entry {
    Entry {
        name: name.to_string(),
        kind: kind.to_string(),
        fields,
        source,
    }
}

fn single(key: &str, value: Value) -> Map<String, Value> {
    let mut map = Map::new();
    map.insert(key.to_string(), value);
    map
}

fn wrong_type(notes: &mut Notes, source: &str, expected: &str, found: &Value) {
    notes.error(
        "wrangler-binding-invalid",
        format!("import.{source}"),
        format!(
            "`{source}` should be {expected}, not {}; wrangler refuses it. It is left out.",
            describe_json_type(found)
        ),
    );
}

/// Takes the binding's name out of `fields` (as wrangler does: the key becomes the object key).
/// A missing name becomes `"undefined"`, the key JavaScript would use — with an error.
fn take_name(
    fields: &mut Map<String, Value>,
    key: &str,
    source: &str,
    notes: &mut Notes,
) -> String {
    match fields.remove(key) {
        Some(Value::String(name)) => name,
        other => {
            notes.error(
                "wrangler-binding-invalid",
                format!("import.{source}.{key}"),
                format!(
                    "`{source}` has no string `{key}` (the variable name in `env`); wrangler refuses it. Give it a name."
                ),
            );
            match other {
                Some(Value::Null) | None => "undefined".to_string(),
                Some(value) => value.to_string(),
            }
        }
    }
}

fn each_property(
    value: &Value,
    origin: &str,
    notes: &mut Notes,
    mut each: impl FnMut(&str, &Value, String),
) {
    match value {
        Value::Object(map) => {
            for (name, v) in map {
                each(name, v, format!("{origin}.{name}"));
            }
        }
        other => wrong_type(notes, origin, "a table", other),
    }
}

fn each_item(
    value: &Value,
    origin: &str,
    notes: &mut Notes,
    mut each: impl FnMut(Map<String, Value>, String, &mut Notes),
) {
    match value {
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                let source = format!("{origin}[{i}]");
                match item {
                    Value::Object(fields) => each(fields.clone(), source, notes),
                    other => wrong_type(notes, &source, "a table", other),
                }
            }
        }
        Value::Null => {}
        other => wrong_type(notes, origin, "an array", other),
    }
}

/// The order in which the upload form reads types back; single-binding types take only the
/// first binding of that type.
const EMIT_ORDER: &[(&str, bool)] = &[
    ("inherit", false),
    ("plain_text", false),
    ("json", false),
    ("secret_text", false),
    ("kv_namespace", false),
    ("send_email", false),
    ("durable_object_namespace", false),
    ("workflow", false),
    ("queue", false),
    ("r2_bucket", false),
    ("d1", false),
    ("vectorize", false),
    ("ai_search_namespace", false),
    ("ai_search", false),
    ("agent_memory", false),
    ("hyperdrive", false),
    ("secrets_store_secret", false),
    ("artifacts", false),
    ("unsafe_hello_world", false),
    ("flagship", false),
    ("ratelimit", false),
    ("vpc_service", false),
    ("vpc_network", false),
    ("service", false),
    ("analytics_engine", false),
    ("dispatch_namespace", false),
    ("mtls_certificate", false),
    ("pipelines", false),
    ("k2", false),
    ("worker_loader", false),
    ("logfwdr", false),
    ("wasm_module", false),
    ("browser", true),
    ("analytics", true),
    ("ai", true),
    ("images", true),
    ("stream", true),
    ("media", true),
    ("version_metadata", true),
    ("assets", true),
    ("text_blob", false),
    ("data_blob", false),
];

/// One binding of the metadata, and the entry it came from.
#[derive(Clone, Debug, PartialEq)]
pub struct Emitted {
    pub json: Map<String, Value>,
    pub source: String,
    /// For `wasm_module`/`text_blob`/`data_blob`: the file path of the part (relative to the
    /// configuration), which the part is read from.
    pub part_path: Option<Value>,
}

/// Step 2: the metadata bindings, in the upload form's order. Findings about a binding point
/// at its index in the result (`bindings[3].namespace_id`).
pub fn emit(object: &JsObject, notes: &mut Notes) -> Vec<Emitted> {
    let ordered = object.ordered();
    let mut out: Vec<Emitted> = Vec::new();
    for (kind, single) in EMIT_ORDER {
        let of_kind = ordered.iter().filter(|e| e.kind == *kind);
        for e in of_kind.take(if *single { 1 } else { usize::MAX }) {
            let index = out.len();
            let (json, part_path) = binding_json(e, index, notes);
            out.push(Emitted {
                json,
                source: e.source.clone(),
                part_path,
            });
        }
    }
    for e in &ordered {
        if let Some(type_name) = e.kind.strip_prefix("unsafe_") {
            if e.kind == "unsafe_hello_world" {
                continue;
            }
            let mut json = Map::new();
            json.insert("name".into(), Value::String(e.name.clone()));
            json.insert("type".into(), Value::String(type_name.to_string()));
            for (key, value) in &e.fields {
                json.insert(key.clone(), value.clone());
            }
            out.push(Emitted {
                json,
                source: e.source.clone(),
                part_path: None,
            });
        }
    }
    out
}

fn truthy(value: Option<&Value>) -> Option<&Value> {
    value.filter(|v| match v {
        Value::Null => false,
        Value::Bool(b) => *b,
        Value::Number(n) => n.as_f64().is_some_and(|f| f != 0.0),
        Value::String(s) => !s.is_empty(),
        Value::Array(_) | Value::Object(_) => true,
    })
}

/// The metadata object of one entry, keys in wrangler's order.
fn binding_json(e: &Entry, index: usize, notes: &mut Notes) -> (Map<String, Value>, Option<Value>) {
    let f = &e.fields;
    let mut out = Map::new();
    let name = Value::String(e.name.clone());
    let type_first = matches!(e.kind.as_str(), "workflow" | "queue");
    if type_first {
        out.insert("type".into(), Value::String(e.kind.clone()));
        out.insert("name".into(), name);
    } else {
        out.insert("name".into(), name);
        if e.kind != "ai" {
            out.insert("type".into(), Value::String(e.kind.clone()));
        }
    }
    // A wire field is read from wrangler's key for it (the catalog's renames: a KV namespace's
    // `namespace_id` from `id`).
    let renames = catalog::lookup(&e.kind).and_then(|spec| spec.wrangler);
    let key_of = |wire: &'static str| renames.map_or(wire, |r| r.wrangler_key(wire));
    let copy_from = |out: &mut Map<String, Value>, wire: &str, key: &str| {
        if let Some(value) = f.get(key) {
            out.insert(wire.to_string(), value.clone());
        }
    };
    let copy =
        |out: &mut Map<String, Value>, wire: &'static str| copy_from(out, wire, key_of(wire));
    let mut required = |out: &mut Map<String, Value>, wire: &'static str, what: &str| {
        let key = key_of(wire);
        match f.get(key) {
        Some(value) if !value.is_null() => {
            out.insert(wire.to_string(), value.clone());
        }
        _ => notes.error(
            "wrangler-binding-incomplete",
            format!("bindings[{index}].{wire}"),
            format!(
                "`{}` has no `{key}` ({what}); wrangler refuses to deploy it. Fill it in, or make the binding `inherit` to keep the deployed Worker's.",
                e.source
            ),
        ),
    }
    };
    let mut part_path = None;
    match e.kind.as_str() {
        "plain_text" => copy_from(&mut out, "text", "value"),
        "json" => copy_from(&mut out, "json", "value"),
        "kv_namespace" => {
            required(&mut out, "namespace_id", "the namespace id");
            copy(&mut out, "raw");
        }
        "send_email" => {
            copy(&mut out, "allowed_sender_addresses");
            if f.get("destination_address").is_some() {
                copy(&mut out, "destination_address");
            } else {
                copy(&mut out, "allowed_destination_addresses");
            }
        }
        "durable_object_namespace" => {
            copy(&mut out, "class_name");
            for key in ["script_name", "environment"] {
                if let Some(value) = truthy(f.get(key)) {
                    out.insert(key.into(), value.clone());
                }
            }
        }
        "workflow" => {
            copy(&mut out, "workflow_name");
            copy(&mut out, "class_name");
            copy(&mut out, "script_name");
            copy(&mut out, "raw");
        }
        "queue" => {
            required(&mut out, "queue_name", "the queue's name");
            copy(&mut out, "delivery_delay");
            copy(&mut out, "raw");
        }
        "r2_bucket" => {
            required(&mut out, "bucket_name", "the bucket's name");
            copy(&mut out, "jurisdiction");
            copy(&mut out, "raw");
        }
        "d1" => {
            required(&mut out, "id", "the database id");
            copy(&mut out, "internalEnv");
            copy(&mut out, "raw");
        }
        "vectorize" => {
            copy(&mut out, "index_name");
            copy(&mut out, "raw");
        }
        "ai_search_namespace" | "agent_memory" => {
            required(&mut out, "namespace", "the namespace");
        }
        "ai_search" => copy(&mut out, "instance_name"),
        "hyperdrive" => copy(&mut out, "id"),
        "secrets_store_secret" => {
            copy(&mut out, "store_id");
            copy(&mut out, "secret_name");
        }
        "artifacts" => copy(&mut out, "namespace"),
        "unsafe_hello_world" => copy(&mut out, "enable_timer"),
        "flagship" => required(&mut out, "app_id", "the Flagship app id"),
        "ratelimit" => {
            copy(&mut out, "namespace_id");
            copy(&mut out, "simple");
        }
        "vpc_service" => copy(&mut out, "service_id"),
        "vpc_network" => {
            if f.contains_key("tunnel_id") {
                copy(&mut out, "tunnel_id");
            } else {
                copy(&mut out, "network_id");
            }
        }
        "service" => {
            copy(&mut out, "service");
            copy(&mut out, "cross_account_grant");
            for key in ["environment", "entrypoint", "props"] {
                if let Some(value) = truthy(f.get(key)) {
                    out.insert(key.into(), value.clone());
                }
            }
        }
        "analytics_engine" => copy(&mut out, "dataset"),
        "dispatch_namespace" => {
            required(&mut out, "namespace", "the dispatch namespace's name");
            if let Some(outbound) = truthy(f.get("outbound")) {
                let mut worker = Map::new();
                for key in ["service", "environment"] {
                    if let Some(value) = outbound.get(key) {
                        worker.insert(key.into(), value.clone());
                    }
                }
                let mut wire = Map::new();
                wire.insert("worker".into(), Value::Object(worker));
                if let Some(Value::Array(parameters)) = outbound.get("parameters") {
                    let params = parameters
                        .iter()
                        .map(|p| {
                            let mut param = Map::new();
                            param.insert("name".into(), p.clone());
                            Value::Object(param)
                        })
                        .collect();
                    wire.insert("params".into(), Value::Array(params));
                }
                out.insert("outbound".into(), Value::Object(wire));
            }
        }
        "mtls_certificate" => copy(&mut out, "certificate_id"),
        "pipelines" => {
            if let Some(stream) = truthy(f.get("stream")) {
                out.insert("stream".into(), stream.clone());
            } else if let Some(pipeline) = truthy(f.get("pipeline")) {
                out.insert("pipeline".into(), pipeline.clone());
            } else {
                notes.error(
                    "wrangler-binding-incomplete",
                    format!("bindings[{index}].pipeline"),
                    format!(
                        "`{}` names neither a `stream` nor a `pipeline`; wrangler refuses it. Add one.",
                        e.source
                    ),
                );
            }
        }
        "k2" => copy(&mut out, "stream"),
        "logfwdr" => copy(&mut out, "destination"),
        "wasm_module" | "text_blob" | "data_blob" => {
            out.insert("part".into(), Value::String(e.name.clone()));
            part_path = f.get("path").cloned();
        }
        "browser" | "images" => copy(&mut out, "raw"),
        "ai" => {
            copy(&mut out, "staging");
            out.insert("type".into(), Value::String("ai".into()));
            copy(&mut out, "raw");
        }
        // inherit, worker_loader, analytics, stream, media, version_metadata, assets: name and
        // type only.
        _ => {}
    }
    (out, part_path)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::wrangler::env;
    use serde_json::json;

    fn bindings(config: Value) -> (Vec<Value>, Vec<crate::rules::Finding>) {
        let raw = config.as_object().unwrap().clone();
        let mut notes = Notes::default();
        let resolved = env::resolve(&raw, None, &mut notes);
        let object = collect(&resolved, &mut notes);
        let emitted = emit(&object, &mut notes);
        (
            emitted.into_iter().map(|e| Value::Object(e.json)).collect(),
            notes.into_findings(),
        )
    }

    #[test]
    fn every_section_the_catalog_declares_is_read_in_wranglers_order_and_sent() {
        // Sections that are not one binding type's: variables (two types), the assets binding,
        // `unsafe` (any type).
        const OWN: &[&str] = &["vars", "assets", "unsafe"];
        for section in SECTIONS {
            assert!(
                OWN.contains(section) || catalog::wrangler_section(section).is_some(),
                "`{section}` is in wrangler's order but no catalog type declares it"
            );
        }
        for spec in crate::model::CATALOG {
            if let Some(key) = spec.wrangler {
                assert!(SECTIONS.contains(&key.section), "{}", key.section);
                assert!(
                    EMIT_ORDER.iter().any(|(kind, _)| *kind == spec.type_name),
                    "{} would be read but never sent",
                    spec.type_name
                );
            }
        }
    }

    #[test]
    fn types_come_out_in_the_upload_forms_order_not_the_files() {
        let (out, findings) = bindings(json!({
            "r2_buckets": [{"binding": "B", "bucket_name": "b", "jurisdiction": "eu"}],
            "vars": {"J": {"x": 1}, "S": "text", "N": 3},
            "kv_namespaces": [{"binding": "K", "id": "k1", "preview_id": "p"}],
            "secrets": {"required": ["API_KEY"]},
        }));
        assert!(findings.is_empty(), "{findings:?}");
        assert_eq!(
            out,
            [
                json!({"name": "API_KEY", "type": "inherit"}),
                json!({"name": "S", "type": "plain_text", "text": "text"}),
                json!({"name": "J", "type": "json", "json": {"x": 1}}),
                json!({"name": "N", "type": "json", "json": 3}),
                json!({"name": "K", "type": "kv_namespace", "namespace_id": "k1"}),
                json!({"name": "B", "type": "r2_bucket", "bucket_name": "b", "jurisdiction": "eu"}),
            ]
        );
    }

    #[test]
    fn fields_take_their_wire_names() {
        let (out, _) = bindings(json!({
            "d1_databases": [{"binding": "DB", "database_id": "d", "database_name": "n"}],
            "queues": {"producers": [{"binding": "Q", "queue": "jobs", "delivery_delay": 5}]},
            "workflows": [{"binding": "W", "name": "flow", "class_name": "Flow"}],
            "durable_objects": {"bindings": [{"name": "DO", "class_name": "Room", "script_name": ""}]},
            "services": [{"binding": "S", "service": "auth", "entrypoint": "Auth", "environment": ""}],
            "dispatch_namespaces": [{"binding": "D", "namespace": "prod", "outbound": {"service": "out", "parameters": ["a"]}}],
            "pipelines": [{"binding": "P", "pipeline": "clicks"}],
            "ai": {"binding": "AI"},
        }));
        assert_eq!(
            out,
            [
                json!({"name": "DO", "type": "durable_object_namespace", "class_name": "Room"}),
                json!({"type": "workflow", "name": "W", "workflow_name": "flow", "class_name": "Flow"}),
                json!({"type": "queue", "name": "Q", "queue_name": "jobs", "delivery_delay": 5}),
                json!({"name": "DB", "type": "d1", "id": "d"}),
                json!({"name": "S", "type": "service", "service": "auth", "entrypoint": "Auth"}),
                json!({"name": "D", "type": "dispatch_namespace", "namespace": "prod", "outbound": {"worker": {"service": "out"}, "params": [{"name": "a"}]}}),
                json!({"name": "P", "type": "pipelines", "pipeline": "clicks"}),
                json!({"name": "AI", "type": "ai"}),
            ]
        );
    }

    #[test]
    fn unsafe_bindings_come_last_with_their_own_type() {
        let (out, _) = bindings(json!({
            "unsafe": {"bindings": [{"name": "X", "type": "quantum", "power": 3}, {"name": "H", "type": "hello_world", "enable_timer": true}]},
            "vars": {"A": "a"},
        }));
        assert_eq!(
            out,
            [
                json!({"name": "A", "type": "plain_text", "text": "a"}),
                json!({"name": "H", "type": "unsafe_hello_world", "enable_timer": true}),
                json!({"name": "X", "type": "quantum", "power": 3}),
            ]
        );
    }

    #[test]
    fn missing_ids_are_kept_with_an_error_at_the_field() {
        let (out, findings) = bindings(
            json!({"kv_namespaces": [{"binding": "K"}], "queues": {"producers": [{"binding": "Q"}]}}),
        );
        assert_eq!(out[0], json!({"name": "K", "type": "kv_namespace"}));
        assert_eq!(findings[0].at, "bindings[0].namespace_id");
        assert_eq!(findings[1].at, "bindings[1].queue_name");
        assert!(
            findings[0].message.contains("kv_namespaces[0]"),
            "{}",
            findings[0].message
        );
    }

    #[test]
    fn javascript_key_order_puts_index_names_first_and_duplicates_in_place() {
        let (out, findings) = bindings(
            json!({"vars": {"b": "1", "10": "2", "a": "3", "2": "4"}, "kv_namespaces": [{"binding": "b", "id": "k"}]}),
        );
        let names: Vec<&str> = out.iter().map(|b| b["name"].as_str().unwrap()).collect();
        // `b` became a KV binding (the later section wins) but kept its first place.
        assert_eq!(names, ["2", "10", "a", "b"]);
        assert_eq!(out[3]["type"], "kv_namespace");
        assert_eq!(findings[0].rule, "wrangler-binding-duplicate");
    }

    #[test]
    fn single_bindings_take_only_the_first() {
        let (out, findings) = bindings(
            json!({"browser": {"binding": "B"}, "images": {"binding": "I"}, "version_metadata": {"binding": "V"}, "assets": {"directory": "public", "binding": "ASSETS"}}),
        );
        assert!(findings.is_empty());
        let names: Vec<&str> = out.iter().map(|b| b["name"].as_str().unwrap()).collect();
        assert_eq!(names, ["B", "I", "V", "ASSETS"]);
    }

    #[test]
    fn service_worker_blobs_name_their_part() {
        let raw = json!({"wasm_modules": {"ADD": "add.wasm"}, "text_blobs": {"T": "t.html"}});
        let mut notes = Notes::default();
        let resolved = env::resolve(raw.as_object().unwrap(), None, &mut notes);
        let emitted = emit(&collect(&resolved, &mut notes), &mut notes);
        assert_eq!(
            Value::Object(emitted[0].json.clone()),
            json!({"name": "ADD", "type": "wasm_module", "part": "ADD"})
        );
        assert_eq!(emitted[0].part_path, Some(json!("add.wasm")));
        assert_eq!(emitted[1].json["type"], "text_blob");
    }
}
