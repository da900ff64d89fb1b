//! Required and well-formed fields, binding type by binding type (reference (c)).
//!
//! Which fields a type needs (and which alternatives, such as D1's `id` | `database_id`) comes
//! from the binding catalog (`model::catalog`), one `binding-field-missing` rule for every type;
//! the checks of a value's shape (ids, names, addresses, key material) follow, type by type, on
//! the values that are there.

use base64::Engine as _;
use serde_json::Value;

use super::text::{
    is_cloudflare_id, is_hex, is_identifier, is_uuid, looks_like_email, looks_like_placeholder,
    worker_name_problem,
};
use super::{binding_at, is_kept_on_patch, sends, Findings};
use crate::model::catalog::{self, Input, TypeSpec};
use crate::model::{Binding, BindingKind, Blank, Composition, RateLimitSimple};

const SECRET_KEY_USAGES: &[&str] = &[
    "encrypt",
    "decrypt",
    "sign",
    "verify",
    "deriveKey",
    "deriveBits",
    "wrapKey",
    "unwrapKey",
];
/// The only `network_id` a vpc_network binding accepts.
const VPC_NETWORK_ID: &str = "cf1:network";

pub(super) fn check(c: &Composition, out: &mut Findings) {
    if !sends(c, "bindings") {
        return;
    }
    for (index, binding) in c.metadata.bindings.iter().enumerate() {
        if is_kept_on_patch(c, binding) {
            continue;
        }
        let mut fields = Fields {
            index,
            binding,
            out,
        };
        if let (Some(spec), false) = (
            catalog::lookup(binding.type_name()),
            matches!(binding.kind, BindingKind::Custom { .. }),
        ) {
            fields.required_fields(spec);
        }
        fields.check_kind();
    }
}

/// The choices the catalog offers for a field (`r2_bucket.jurisdiction`).
fn choices(type_name: &str, key: &str) -> &'static [&'static str] {
    match catalog::lookup(type_name).and_then(|spec| spec.field(key)) {
        Some(field) => match field.input {
            Input::Choice(choices) => choices,
            _ => &[],
        },
        None => &[],
    }
}

/// A field's help as a phrase inside a sentence: "The KV namespace id." → "the KV namespace id".
fn phrase(help: &str) -> String {
    let help = help.trim_end_matches('.');
    let mut chars = help.chars();
    match chars.next() {
        Some(first) => first.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// The checks of one binding, reporting at `bindings[index].<field>`.
struct Fields<'a> {
    index: usize,
    binding: &'a Binding,
    out: &'a mut Findings,
}

impl Fields<'_> {
    /// `binding-field-missing` for every required field the binding leaves blank, and for
    /// every set of alternatives it fills none of, as the catalog lists them.
    fn required_fields(&mut self, spec: &TypeSpec) {
        for field in spec.form_fields().filter(|f| f.required && !f.empty_ok) {
            if self.is_blank(field.key) {
                self.missing(field.key, None, field.help);
            }
        }
        for group in spec.one_of {
            if group.fields.iter().all(|key| self.is_blank(key)) {
                // At the spelling the binding uses, if it names one.
                let written = self.binding.to_json();
                let at = group
                    .fields
                    .iter()
                    .find(|key| written.contains_key(**key))
                    .unwrap_or(&group.fields[0]);
                let others: Vec<String> = group
                    .fields
                    .iter()
                    .filter(|key| *key != at)
                    .map(|key| format!("`{key}`"))
                    .collect();
                let help = spec.field(at).map_or("", |f| f.help);
                self.missing(at, Some(others.join(" or ")), help);
            }
        }
    }

    /// Whether the field `key` holds nothing; a member key (`simple.limit`) reaches into its
    /// object.
    fn is_blank(&self, key: &str) -> bool {
        let kind = &self.binding.kind;
        // A JSON binding's `"json": null` is a value (wrangler sends it for a `null` in `vars`).
        if matches!(kind, BindingKind::Json { .. }) && self.binding.extra.contains_key(key) {
            return false;
        }
        match key.split_once('.') {
            None => kind.is_blank(key).unwrap_or(true),
            Some((parent, member)) => {
                kind.is_blank(parent).unwrap_or(true)
                    || self
                        .binding
                        .to_json()
                        .get(parent)
                        .and_then(|object| object.get(member))
                        .is_none_or(Blank::is_blank)
            }
        }
    }

    fn missing(&mut self, field: &str, alternatives: Option<String>, help: &str) {
        let (name, type_name) = (&self.binding.name, self.binding.type_name());
        let or = alternatives
            .filter(|others| !others.is_empty())
            .map(|others| format!(" (or {others})"))
            .unwrap_or_default();
        self.error(
            "binding-field-missing",
            field,
            format!(
                "The {type_name} binding `{name}` needs `{field}`{or}: enter {}.",
                phrase(help)
            ),
        );
    }

    /// The shape of each value that is there, type by type.
    fn check_kind(&mut self) {
        match &self.binding.kind {
            BindingKind::KvNamespace { namespace_id } => self.kv_namespace_id(namespace_id),
            BindingKind::R2Bucket {
                bucket_name,
                jurisdiction,
            } => self.r2(bucket_name, jurisdiction.as_deref()),
            BindingKind::D1 { id, database_id } => self.d1(id.as_deref(), database_id.as_deref()),
            BindingKind::DurableObjectNamespace { class_name, .. } => {
                if let Some(class) = present(class_name.as_deref()) {
                    self.identifier("class_name", class, "Durable Object class");
                }
            }
            BindingKind::Service {
                service,
                entrypoint,
                ..
            } => {
                if !service.is_blank() {
                    if let Some(problem) = worker_name_problem(service) {
                        self.warning("service-name-format", "service", format!("The Worker name `{service}` {problem}, so it cannot name an existing Worker. Check the spelling."));
                    }
                }
                if let Some(entrypoint) = entrypoint {
                    self.identifier("entrypoint", entrypoint, "entrypoint (a named export)");
                }
            }
            BindingKind::Hyperdrive { id } => {
                if self.usable_id("id", id, "the Hyperdrive config id") && !is_cloudflare_id(id) {
                    self.warning("hyperdrive-id-format", "id", format!("The Hyperdrive config id `{id}` is not 32 lowercase hex characters. Copy the config's id, not its name."));
                }
            }
            BindingKind::MtlsCertificate { certificate_id } => {
                self.usable_id("certificate_id", certificate_id, "the mTLS certificate id");
            }
            BindingKind::DispatchNamespace { outbound, .. } => {
                if let Some(worker) = outbound.as_ref().and_then(|o| o.worker.as_ref()) {
                    if worker.service.is_blank() {
                        self.missing(
                            "outbound.worker.service",
                            None,
                            "The outbound Worker's name.",
                        );
                    }
                }
            }
            BindingKind::SendEmail {
                destination_address,
                allowed_destination_addresses,
                allowed_sender_addresses,
            } => {
                self.email("destination_address", destination_address.iter());
                self.email(
                    "allowed_destination_addresses",
                    allowed_destination_addresses.iter().flatten(),
                );
                self.email(
                    "allowed_sender_addresses",
                    allowed_sender_addresses.iter().flatten(),
                );
            }
            BindingKind::Workflow { class_name, .. } => {
                if let Some(class) = class_name {
                    self.identifier("class_name", class, "Workflow class");
                }
            }
            BindingKind::Pipelines { pipeline, stream } => {
                if present(pipeline.as_deref()).is_some() && present(stream.as_deref()).is_some() {
                    self.error(
                        "pipelines-target-ambiguous",
                        "stream",
                        format!("The pipelines binding `{}` sets both `pipeline` and `stream`; send exactly one.", self.binding.name),
                    );
                }
            }
            BindingKind::SecretsStoreSecret { store_id, .. } => {
                self.usable_id("store_id", store_id, "the Secrets Store id");
            }
            BindingKind::SecretKey {
                format,
                algorithm,
                usages,
                key_base64,
                key_jwk,
            } => self.secret_key(
                format,
                algorithm,
                usages,
                key_base64.as_deref(),
                key_jwk.as_ref(),
            ),
            BindingKind::Ratelimit { simple, .. } => {
                if !simple.is_blank() {
                    self.ratelimit(simple);
                }
            }
            BindingKind::VpcService { service_id } => {
                self.usable_id("service_id", service_id, "the Workers VPC service id");
            }
            BindingKind::VpcNetwork {
                tunnel_id,
                network_id,
            } => self.vpc_network(tunnel_id.as_deref(), network_id.as_deref()),
            BindingKind::Json { json } => {
                // `"json": null` is a value (wrangler sends it for a `null` in `vars`, and the
                // Worker reads `null`); only a missing one is empty.
                if json.is_null() && !self.binding.extra.contains_key("json") {
                    self.error("json-binding-empty", "json", format!("The JSON binding `{}` has no value. Enter a JSON value (object, array, string, number or boolean).", self.binding.name));
                }
            }
            BindingKind::PlainText { .. }
            | BindingKind::SecretText { .. }
            | BindingKind::Queue { .. }
            | BindingKind::AnalyticsEngine { .. }
            | BindingKind::Vectorize { .. }
            | BindingKind::AiSearch { .. }
            | BindingKind::AiSearchNamespace { .. }
            | BindingKind::Messaging { .. }
            | BindingKind::AgentMemory { .. }
            | BindingKind::Artifacts { .. }
            | BindingKind::Flagship { .. }
            | BindingKind::Logfwdr { .. }
            | BindingKind::K2 { .. }
            | BindingKind::Analytics {}
            | BindingKind::WasmModule { .. }
            | BindingKind::TextBlob { .. }
            | BindingKind::DataBlob { .. }
            | BindingKind::Ai { .. }
            | BindingKind::Browser {}
            | BindingKind::VersionMetadata {}
            | BindingKind::Images {}
            | BindingKind::Media {}
            | BindingKind::Assets {}
            | BindingKind::Inherit { .. }
            | BindingKind::WorkerLoader {}
            | BindingKind::Stream {}
            | BindingKind::Websearch {}
            | BindingKind::UnsafeHelloWorld { .. }
            | BindingKind::Custom { .. } => {}
        }
    }

    fn error(&mut self, rule: &'static str, field: &str, message: String) {
        self.out
            .error(rule, binding_at(self.index, field.to_string()), message);
    }

    fn warning(&mut self, rule: &'static str, field: &str, message: String) {
        self.out
            .warning(rule, binding_at(self.index, field.to_string()), message);
    }

    /// A resource id that is there and not a placeholder copied from docs (a blank one is
    /// reported as missing by [`Fields::required_fields`]); true when usable.
    fn usable_id(&mut self, field: &str, value: &str, what: &str) -> bool {
        if value.is_blank() {
            return false;
        }
        if looks_like_placeholder(value) {
            let (name, type_name) = (&self.binding.name, self.binding.type_name());
            self.error(
                "binding-id-placeholder",
                field,
                format!("Replace the placeholder `{value}` with the real id ({what}); sent as it is, the API answers \"binding {name} of type {type_name} must have a valid `{field}` specified\"."),
            );
            return false;
        }
        true
    }

    fn identifier(&mut self, field: &str, value: &str, what: &str) {
        if !is_identifier(value) {
            self.error("binding-field-invalid", field, format!("`{value}` is not a valid {what} name: use letters, digits, `_` and `$`, not starting with a digit."));
        }
    }

    fn email<'s>(&mut self, field: &str, addresses: impl Iterator<Item = &'s String>) {
        for address in addresses {
            if !looks_like_email(address) {
                self.error("send-email-address-invalid", field, format!("`{address}` is not an e-mail address (name@example.com). Correct it in `{field}`."));
            }
        }
    }

    fn kv_namespace_id(&mut self, id: &str) {
        if !self.usable_id("namespace_id", id, "the KV namespace id") {
            return;
        }
        if id.len() > 32 {
            self.error("kv-namespace-id-too-long", "namespace_id", format!("The KV namespace id `{id}` is longer than 32 characters. Copy the namespace's id (32 hex characters), not its title."));
        } else if !is_hex(id) {
            self.warning("kv-namespace-id-format", "namespace_id", format!("The KV namespace id `{id}` is not hexadecimal; KV ids are 32 hex characters. Check that it is the id, not the title."));
        }
    }

    fn r2(&mut self, bucket_name: &str, jurisdiction: Option<&str>) {
        if !bucket_name.is_blank() && !is_r2_bucket_name(bucket_name) {
            self.warning(
                "r2-bucket-name-format",
                "bucket_name",
                format!("`{bucket_name}` is not a valid R2 bucket name (3–63 lowercase letters, digits and `-`, starting and ending with a letter or digit). Check the spelling."),
            );
        }
        if let Some(j) = jurisdiction {
            let known = choices("r2_bucket", "jurisdiction");
            if !known.contains(&j) {
                self.error("r2-jurisdiction-invalid", "jurisdiction", format!("The jurisdiction `{j}` is not one of {}. Pick one of those, or remove it for the default jurisdiction.", known.join(", ")));
            }
        }
    }

    fn d1(&mut self, id: Option<&str>, database_id: Option<&str>) {
        match (present(id), present(database_id)) {
            (None, None) => {} // missing: reported from the catalog
            (Some(_), Some(_)) => self.error(
                "d1-id-ambiguous",
                "database_id",
                format!("The D1 binding `{}` sets both `id` and `database_id`; send exactly one. Keep `id` (what the API has accepted for years).", self.binding.name),
            ),
            (Some(value), None) => {
                self.d1_id("id", value);
                self.blank_twin("database_id", database_id);
            }
            (None, Some(value)) => {
                self.d1_id("database_id", value);
                self.blank_twin("id", id);
            }
        }
    }

    /// An empty `id` beside a filled `database_id` (or the reverse) still travels as `""`.
    fn blank_twin(&mut self, field: &str, value: Option<&str>) {
        if value.is_some() {
            self.warning(
                "d1-empty-id-field",
                field,
                format!("The D1 binding `{}` also sends an empty `{field}`. Remove that field so the database id is unambiguous.", self.binding.name),
            );
        }
    }

    fn d1_id(&mut self, field: &str, value: &str) {
        if self.usable_id(field, value, "the D1 database id, a UUID") && !is_uuid(value) {
            self.warning("d1-id-format", field, format!("The D1 database id `{value}` is not a UUID (8-4-4-4-12 hex). Copy the database's uuid, not its name."));
        }
    }

    fn vpc_network(&mut self, tunnel_id: Option<&str>, network_id: Option<&str>) {
        match (present(tunnel_id), present(network_id)) {
            (None, None) => {} // missing: reported from the catalog
            (Some(_), Some(_)) => self.error(
                "vpc-network-ambiguous",
                "network_id",
                format!("The vpc_network binding `{}` sets both `tunnel_id` and `network_id`; send exactly one.", self.binding.name),
            ),
            (Some(tunnel), None) => {
                if self.usable_id("tunnel_id", tunnel, "the tunnel id") && !is_uuid(tunnel) {
                    self.warning("vpc-tunnel-id-format", "tunnel_id", format!("The tunnel id `{tunnel}` is not a UUID. Copy the tunnel's id."));
                }
            }
            (None, Some(network)) => {
                if network != VPC_NETWORK_ID {
                    self.error("vpc-network-id-invalid", "network_id", format!("`network_id` must be `{VPC_NETWORK_ID}`, not `{network}`. To reach a tunnel, use `tunnel_id` instead."));
                }
            }
        }
    }

    fn ratelimit(&mut self, simple: &RateLimitSimple) {
        if simple.limit == 0 {
            self.error("ratelimit-limit", "simple.limit", "`simple.limit` must be more than 0 requests per period. Enter the allowed number of requests.".into());
        }
        if simple.period != 10 && simple.period != 60 {
            self.error(
                "ratelimit-period",
                "simple.period",
                format!(
                    "`simple.period` is {} seconds; it must be 10 or 60.",
                    simple.period
                ),
            );
        }
        if let Some(timeout) = simple.mitigation_timeout {
            let allowed = timeout == 0 || timeout == 10 || (timeout % 60 == 0 && timeout <= 86_400);
            if !allowed {
                self.error(
                    "ratelimit-mitigation-timeout",
                    "simple.mitigation_timeout",
                    format!("`simple.mitigation_timeout` is {timeout}; it must be 0, 10, or a multiple of 60 up to 86400 seconds."),
                );
            } else if timeout != 0 && timeout < simple.period {
                self.error(
                    "ratelimit-mitigation-timeout",
                    "simple.mitigation_timeout",
                    format!("`simple.mitigation_timeout` ({timeout} s) is shorter than the period ({} s); make it at least the period, or 0.", simple.period),
                );
            }
        }
    }

    fn secret_key(
        &mut self,
        format: &str,
        algorithm: &Value,
        usages: &[String],
        key_base64: Option<&str>,
        key_jwk: Option<&Value>,
    ) {
        let name = self.binding.name.clone();
        let formats = choices("secret_key", "format");
        if !format.is_blank() && !formats.contains(&format) {
            self.error(
                "secret-key-format-invalid",
                "format",
                format!("The key format `{format}` is not one of raw, pkcs8, spki, jwk."),
            );
        }
        match algorithm {
            Value::Null => {} // missing: reported from the catalog
            Value::Object(map) if map.get("name").is_some_and(Value::is_string) => {}
            _ => self.error(
                "secret-key-algorithm-invalid",
                "algorithm",
                "`algorithm` must be a WebCrypto importKey algorithm object with a `name`, e.g. {\"name\":\"HMAC\",\"hash\":\"SHA-256\"}.".into(),
            ),
        }
        for usage in usages {
            if !SECRET_KEY_USAGES.contains(&usage.as_str()) {
                self.error("secret-key-usage-invalid", "usages", format!("`{usage}` is not a key usage; use encrypt, decrypt, sign, verify, deriveKey, deriveBits, wrapKey or unwrapKey."));
            }
        }
        let keep_hint = "to keep the deployed key instead, remove this binding and add `secret_key` to keep_bindings, or use an `inherit` binding";
        if format == "jwk" {
            if key_base64.is_some() {
                self.error(
                    "secret-key-material",
                    "key_base64",
                    "A jwk key goes in `key_jwk`, not `key_base64`. Move the key there.".into(),
                );
            }
            match key_jwk {
                Some(Value::Object(_)) => {}
                Some(_) => self.error(
                    "secret-key-material",
                    "key_jwk",
                    "`key_jwk` must be a JSON Web Key object.".into(),
                ),
                None => self.error(
                    "secret-key-material",
                    "key_jwk",
                    format!(
                        "The key `{name}` has no `key_jwk`. Paste the JSON Web Key; {keep_hint}."
                    ),
                ),
            }
        } else if formats.contains(&format) {
            if key_jwk.is_some() {
                self.error("secret-key-material", "key_jwk", format!("A {format} key goes in `key_base64`, not `key_jwk`. Move it there, or set the format to jwk."));
            }
            match key_base64 {
                None | Some("") => self.error("secret-key-material", "key_base64", format!("The key `{name}` has no `key_base64`. Paste the base64 key bytes; {keep_hint}.")),
                Some(key) if base64::engine::general_purpose::STANDARD.decode(key.trim()).is_err() => {
                    self.error("secret-key-material", "key_base64", "`key_base64` is not valid base64. Paste the key bytes in standard base64.".into())
                }
                Some(_) => {}
            }
        }
    }
}

/// The value of an optional field, unless it is unset or blank.
fn present(value: Option<&str>) -> Option<&str> {
    value.filter(|s| !s.trim().is_empty())
}

/// R2 bucket names: 3–63 of `[a-z0-9-]`, starting and ending with a letter or digit.
fn is_r2_bucket_name(name: &str) -> bool {
    let bytes = name.as_bytes();
    (3..=63).contains(&bytes.len())
        && bytes
            .iter()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || *b == b'-')
        && bytes[0] != b'-'
        && bytes[bytes.len() - 1] != b'-'
}

#[cfg(test)]
mod tests {
    use crate::model::{
        Binding, BindingKind, Composition, Operation, RateLimitSimple, KNOWN_BINDING_TYPES,
    };
    use crate::rules::testing::*;
    use crate::rules::Level::*;
    use serde_json::json;

    fn with(kind: BindingKind) -> Composition {
        let mut c = valid();
        c.metadata.bindings.push(Binding::new("B", kind));
        c
    }

    fn from_json(value: serde_json::Value) -> Composition {
        let mut c = valid();
        c.metadata
            .bindings
            .push(serde_json::from_value::<Binding>(value).unwrap());
        c
    }

    #[test]
    fn every_empty_known_type_reports_only_missing_fields() {
        for type_name in KNOWN_BINDING_TYPES {
            let c = with(BindingKind::empty(type_name));
            for f in crate::rules::check(&c) {
                let allowed = [
                    "binding-field-missing",
                    "json-binding-empty",
                    "ratelimit-limit",
                    "ratelimit-period",
                    "secret-key-material",
                    "secret-text-empty",
                    "service-worker-only-binding",
                    "assets-binding-without-assets",
                    "inherit-not-strict",
                ];
                assert!(allowed.contains(&f.rule), "{type_name}: {f}");
            }
        }
    }

    #[test]
    fn bare_bindings_on_a_settings_patch_keep_the_deployed_ones() {
        let mut c = from_json(json!({"type":"kv_namespace","name":"USER_KV"}));
        expect_one(
            &c,
            "binding-field-missing",
            Error,
            "bindings[0].namespace_id",
            &["namespace_id"],
        );
        c.request.operation = Operation::Settings;
        c.metadata.main_module = None;
        c.modules.clear();
        assert_eq!(crate::rules::check(&c), vec![]);
        c.metadata.bindings.push(Binding::new(
            "SECRET",
            BindingKind::SecretText {
                text: String::new(),
            },
        ));
        c.metadata
            .bindings
            .push(Binding::new("LIMITER", BindingKind::empty("ratelimit")));
        assert_eq!(crate::rules::check(&c), vec![]);
        // Half-filled is not bare: the missing field is still reported.
        c.metadata.bindings.push(
            serde_json::from_value(json!({"type":"r2_bucket","name":"B","jurisdiction":"eu"}))
                .unwrap(),
        );
        expect_one(
            &c,
            "binding-field-missing",
            Error,
            "bindings[3].bucket_name",
            &["bucket_name"],
        );
    }

    #[test]
    fn kv_namespace_id() {
        let c = with(BindingKind::KvNamespace {
            namespace_id: String::new(),
        });
        expect_one(
            &c,
            "binding-field-missing",
            Error,
            "bindings[0].namespace_id",
            &["kv_namespace", "`B`", "namespace_id"],
        );
        let c = with(BindingKind::KvNamespace {
            namespace_id: "<your-namespace-id>".into(),
        });
        expect_one(
            &c,
            "binding-id-placeholder",
            Error,
            "bindings[0].namespace_id",
            &["placeholder", "valid `namespace_id`"],
        );
        let c = with(BindingKind::KvNamespace {
            namespace_id: "a".repeat(33),
        });
        expect_one(
            &c,
            "kv-namespace-id-too-long",
            Error,
            "bindings[0].namespace_id",
            &["32"],
        );
        let c = with(BindingKind::KvNamespace {
            namespace_id: "my-kv-title".into(),
        });
        expect_one(
            &c,
            "kv-namespace-id-format",
            Warning,
            "bindings[0].namespace_id",
            &["hex", "title"],
        );
        let c = with(BindingKind::KvNamespace {
            namespace_id: "0123456789abcdef0123456789abcdef".into(),
        });
        assert_eq!(crate::rules::check(&c), vec![]);
    }

    #[test]
    fn r2_bucket_and_jurisdiction() {
        let c = from_json(
            json!({"type":"r2_bucket","name":"B","bucket_name":"assets","jurisdiction":"apac"}),
        );
        expect_one(
            &c,
            "r2-jurisdiction-invalid",
            Error,
            "bindings[0].jurisdiction",
            &["`apac`", "eu", "fedramp-high"],
        );
        let c = from_json(json!({"type":"r2_bucket","name":"B","bucket_name":"My_Bucket"}));
        expect_one(
            &c,
            "r2-bucket-name-format",
            Warning,
            "bindings[0].bucket_name",
            &["`My_Bucket`", "lowercase"],
        );
        let c = from_json(
            json!({"type":"r2_bucket","name":"B","bucket_name":"my-bucket","jurisdiction":"fedramp-high"}),
        );
        assert_eq!(crate::rules::check(&c), vec![]);
        // The SDK's jurisdictions, `us` included.
        let c = from_json(
            json!({"type":"r2_bucket","name":"B","bucket_name":"my-bucket","jurisdiction":"us"}),
        );
        assert_eq!(crate::rules::check(&c), vec![]);
    }

    #[test]
    fn a_durable_object_binding_names_its_class_or_its_namespace_id() {
        let c = from_json(json!({"type":"durable_object_namespace","name":"D"}));
        expect_one(
            &c,
            "binding-field-missing",
            Error,
            "bindings[0].class_name",
            &["`class_name`", "namespace_id"],
        );
        let c = from_json(
            json!({"type":"durable_object_namespace","name":"D","namespace_id":"0f2ac74b498b48028cb68387c421e279"}),
        );
        assert_eq!(crate::rules::check(&c), vec![]);
        let c =
            from_json(json!({"type":"durable_object_namespace","name":"D","class_name":"Room"}));
        assert_eq!(crate::rules::check(&c), vec![]);
    }

    #[test]
    fn d1_needs_exactly_one_real_id() {
        let c = from_json(json!({"type":"d1","name":"DB","id":""}));
        expect_one(
            &c,
            "binding-field-missing",
            Error,
            "bindings[0].id",
            &["d1", "`id`"],
        );
        let uuid = "6f3b2c1a-0d4e-4f5a-9b8c-7d6e5f4a3b2c";
        let c = from_json(json!({"type":"d1","name":"DB","id":uuid,"database_id":uuid}));
        expect_one(
            &c,
            "d1-id-ambiguous",
            Error,
            "bindings[0].database_id",
            &["exactly one"],
        );
        let c = from_json(json!({"type":"d1","name":"DB","database_id":"YOUR_DATABASE_ID"}));
        expect_one(
            &c,
            "binding-id-placeholder",
            Error,
            "bindings[0].database_id",
            &["binding DB of type d1 must have a valid"],
        );
        let c = from_json(json!({"type":"d1","name":"DB","id":"my-database"}));
        expect_one(&c, "d1-id-format", Warning, "bindings[0].id", &["UUID"]);
        let c = from_json(json!({"type":"d1","name":"DB","id":uuid}));
        assert_eq!(crate::rules::check(&c), vec![]);
        let c = from_json(json!({"type":"d1","name":"DB","id":"","database_id":uuid}));
        expect_one(
            &c,
            "d1-empty-id-field",
            Warning,
            "bindings[0].id",
            &["empty `id`"],
        );
    }

    #[test]
    fn simple_required_fields() {
        let cases = [
            (json!({"type":"service","name":"B"}), "service"),
            (json!({"type":"queue","name":"B"}), "queue_name"),
            (json!({"type":"hyperdrive","name":"B"}), "id"),
            (json!({"type":"vectorize","name":"B"}), "index_name"),
            (
                json!({"type":"mtls_certificate","name":"B"}),
                "certificate_id",
            ),
            (json!({"type":"dispatch_namespace","name":"B"}), "namespace"),
            (json!({"type":"workflow","name":"B"}), "workflow_name"),
            (json!({"type":"pipelines","name":"B"}), "pipeline"),
            (json!({"type":"ai_search","name":"B"}), "instance_name"),
            (json!({"type":"vpc_service","name":"B"}), "service_id"),
            (json!({"type":"vpc_network","name":"B"}), "tunnel_id"),
            (
                json!({"type":"durable_object_namespace","name":"B"}),
                "class_name",
            ),
            (
                json!({"type":"dispatch_namespace","name":"B","namespace":"prod","outbound":{"worker":{}}}),
                "outbound.worker.service",
            ),
        ];
        for (binding, field) in cases {
            let c = from_json(binding);
            expect_one(
                &c,
                "binding-field-missing",
                Error,
                &format!("bindings[0].{field}"),
                &["`B`", &format!("`{field}`")],
            );
        }
        let c = from_json(json!({"type":"secrets_store_secret","name":"B"}));
        let places: Vec<String> = of_rule(&c, "binding-field-missing")
            .into_iter()
            .map(|f| f.at.to_string())
            .collect();
        assert_eq!(places, ["bindings[0].store_id", "bindings[0].secret_name"]);
    }

    #[test]
    fn an_analytics_engine_binding_without_a_dataset_is_what_wrangler_sends() {
        let c = from_json(json!({"type":"analytics_engine","name":"B"}));
        assert_eq!(crate::rules::check(&c), vec![]);
        let c = from_json(json!({"type":"analytics_engine","name":"B","dataset":"events"}));
        assert_eq!(crate::rules::check(&c), vec![]);
    }

    #[test]
    fn an_empty_secret_gets_its_own_advice_not_a_second_missing_field_error() {
        let c = from_json(json!({"type":"secret_text","name":"B"}));
        let rules: Vec<&str> = crate::rules::check(&c).iter().map(|f| f.rule).collect();
        assert_eq!(rules, ["secret-text-empty"]);
    }

    #[test]
    fn names_inside_bindings_are_checked() {
        let c = from_json(
            json!({"type":"durable_object_namespace","name":"B","class_name":"my-class"}),
        );
        expect_one(
            &c,
            "binding-field-invalid",
            Error,
            "bindings[0].class_name",
            &["`my-class`", "Durable Object class"],
        );
        let c = from_json(json!({"type":"service","name":"B","service":"Auth.Worker"}));
        expect_one(
            &c,
            "service-name-format",
            Warning,
            "bindings[0].service",
            &["`Auth.Worker`"],
        );
    }

    #[test]
    fn one_of_two_fields() {
        let c = from_json(json!({"type":"pipelines","name":"B","pipeline":"p","stream":"s"}));
        expect_one(
            &c,
            "pipelines-target-ambiguous",
            Error,
            "bindings[0].stream",
            &["exactly one"],
        );
        let c = from_json(
            json!({"type":"vpc_network","name":"B","tunnel_id":"6f3b2c1a-0d4e-4f5a-9b8c-7d6e5f4a3b2c","network_id":"cf1:network"}),
        );
        expect_one(
            &c,
            "vpc-network-ambiguous",
            Error,
            "bindings[0].network_id",
            &["exactly one"],
        );
        let c = from_json(json!({"type":"vpc_network","name":"B","network_id":"net-1"}));
        expect_one(
            &c,
            "vpc-network-id-invalid",
            Error,
            "bindings[0].network_id",
            &["cf1:network", "tunnel_id"],
        );
        let c = from_json(json!({"type":"vpc_network","name":"B","tunnel_id":"tunnel"}));
        expect_one(
            &c,
            "vpc-tunnel-id-format",
            Warning,
            "bindings[0].tunnel_id",
            &["UUID"],
        );
    }

    #[test]
    fn hyperdrive_id_is_hex() {
        let c = from_json(json!({"type":"hyperdrive","name":"B","id":"my-postgres"}));
        expect_one(
            &c,
            "hyperdrive-id-format",
            Warning,
            "bindings[0].id",
            &["`my-postgres`", "32"],
        );
        let c = from_json(
            json!({"type":"hyperdrive","name":"B","id":"0123456789abcdef0123456789abcdef"}),
        );
        expect_none(&c, "hyperdrive-id-format");
    }

    #[test]
    fn send_email_addresses() {
        let c = from_json(
            json!({"type":"send_email","name":"B","allowed_sender_addresses":["ops@example.com","ops"]}),
        );
        expect_one(
            &c,
            "send-email-address-invalid",
            Error,
            "bindings[0].allowed_sender_addresses",
            &["`ops`", "e-mail"],
        );
    }

    #[test]
    fn json_binding_needs_a_value() {
        let c = from_json(json!({"type":"json","name":"B"}));
        expect_one(
            &c,
            "json-binding-empty",
            Error,
            "bindings[0].json",
            &["no value"],
        );
        let c = from_json(json!({"type":"json","name":"B","json":false}));
        expect_none(&c, "json-binding-empty");
        // What wrangler sends for `NOTHING = null` in `vars`.
        let c = from_json(json!({"type":"json","name":"B","json":null}));
        expect_none(&c, "json-binding-empty");
        expect_none(&c, "binding-field-missing");
    }

    #[test]
    fn ratelimit_shape() {
        let rl = |limit, period, mitigation_timeout| {
            with(BindingKind::Ratelimit {
                namespace_id: "1001".into(),
                simple: RateLimitSimple {
                    limit,
                    period,
                    mitigation_timeout,
                },
            })
        };
        expect_one(
            &rl(0, 60, None),
            "ratelimit-limit",
            Error,
            "bindings[0].simple.limit",
            &["more than 0"],
        );
        expect_one(
            &rl(100, 30, None),
            "ratelimit-period",
            Error,
            "bindings[0].simple.period",
            &["30", "10 or 60"],
        );
        expect_one(
            &rl(100, 60, Some(90)),
            "ratelimit-mitigation-timeout",
            Error,
            "bindings[0].simple.mitigation_timeout",
            &["multiple of 60"],
        );
        expect_one(
            &rl(100, 60, Some(10)),
            "ratelimit-mitigation-timeout",
            Error,
            "bindings[0].simple.mitigation_timeout",
            &["at least the period"],
        );
        assert_eq!(crate::rules::check(&rl(100, 60, Some(600))), vec![]);
        assert_eq!(crate::rules::check(&rl(100, 10, Some(0))), vec![]);
    }

    #[test]
    fn secret_key_shape() {
        let good = json!({"type":"secret_key","name":"B","format":"raw","algorithm":{"name":"HMAC","hash":"SHA-256"},"usages":["sign","verify"],"key_base64":"c2VjcmV0"});
        assert_eq!(crate::rules::check(&from_json(good.clone())), vec![]);
        let mut bad = good.clone();
        bad["format"] = json!("pem");
        expect_one(
            &from_json(bad),
            "secret-key-format-invalid",
            Error,
            "bindings[0].format",
            &["`pem`", "jwk"],
        );
        let mut bad = good.clone();
        bad["algorithm"] = json!("HMAC");
        expect_one(
            &from_json(bad),
            "secret-key-algorithm-invalid",
            Error,
            "bindings[0].algorithm",
            &["`name`"],
        );
        let mut bad = good.clone();
        bad["usages"] = json!(["sign", "mint"]);
        expect_one(
            &from_json(bad),
            "secret-key-usage-invalid",
            Error,
            "bindings[0].usages",
            &["`mint`"],
        );
        let mut bad = good.clone();
        bad["key_base64"] = json!("not base64!");
        expect_one(
            &from_json(bad),
            "secret-key-material",
            Error,
            "bindings[0].key_base64",
            &["base64"],
        );
        let mut bad = good.clone();
        bad["format"] = json!("jwk");
        let found = of_rule(&from_json(bad), "secret-key-material");
        let places: Vec<String> = found.iter().map(|f| f.at.to_string()).collect();
        assert_eq!(places, ["bindings[0].key_base64", "bindings[0].key_jwk"]);
        let mut missing = good;
        missing.as_object_mut().unwrap().remove("key_base64");
        expect_one(
            &from_json(missing),
            "secret-key-material",
            Error,
            "bindings[0].key_base64",
            &["keep_bindings", "inherit"],
        );
    }
}
