//! Binding objects (section (c) of the API reference): what `env.NAME` is bound to.
//!
//! A [`Binding`] is a name plus a [`BindingKind`]. Every type the API knows is a typed variant;
//! a type this build does not know yet is kept as [`BindingKind::Custom`] with its raw fields,
//! so a new Cloudflare binding never blocks a user. Required string fields default to empty so
//! that a half-filled form is representable; the rules report what is missing.
//!
//! Empty fields are left out of the JSON. A binding that is only `type` + `name` on the wire is
//! meaningful in a settings PATCH: it carries the existing binding of that name over unchanged
//! (how a secret whose value cannot be read back is kept). See [`Binding::is_bare`].

use serde::de::Error as _;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::{Map, Value};

#[derive(Clone, Debug, PartialEq)]
pub struct Binding {
    /// The `env.NAME` identifier.
    pub name: String,
    pub kind: BindingKind,
    /// Members of a known type that this build does not know (and known fields given as
    /// `null`), in the order given; sent as given after the type's fields. (A binding of an
    /// unknown type keeps all its fields in [`BindingKind::Custom`].)
    pub extra: Map<String, Value>,
}

impl Binding {
    pub fn new(name: impl Into<String>, kind: BindingKind) -> Binding {
        Binding {
            name: name.into(),
            kind,
            extra: Map::new(),
        }
    }

    /// The wire `type` string.
    pub fn type_name(&self) -> &str {
        self.kind.type_name()
    }

    /// Whether the binding is only `type` + `name` on the wire (every field empty).
    pub fn is_bare(&self) -> bool {
        self.to_json().len() == 2
    }

    /// The binding as a JSON object: `type`, `name`, then the type's fields.
    pub fn to_json(&self) -> Map<String, Value> {
        let mut out = Map::new();
        out.insert("type".into(), Value::String(self.type_name().to_string()));
        out.insert("name".into(), Value::String(self.name.clone()));
        let fields = match &self.kind {
            BindingKind::Custom { fields, .. } => fields.clone(),
            kind => match serde_json::to_value(kind) {
                Ok(Value::Object(map)) => map,
                _ => Map::new(),
            },
        };
        for (key, value) in fields.into_iter().chain(self.extra.clone()) {
            if key != "type" && key != "name" {
                out.insert(key, value);
            }
        }
        out
    }

    /// Reads a binding object. Known types are checked field by field; members the type does not
    /// have (and known fields given as `null`) are kept in [`Binding::extra`]. Any other `type`
    /// becomes [`BindingKind::Custom`].
    pub fn from_json(object: Map<String, Value>) -> Result<Binding, String> {
        let mut object = object;
        let type_name = match object.get("type") {
            Some(Value::String(t)) => t.clone(),
            Some(_) => return Err("binding `type` must be a string".into()),
            None => return Err("binding has no `type`".into()),
        };
        let name = match object.shift_remove("name") {
            Some(Value::String(n)) => n,
            Some(_) => return Err(format!("{type_name} binding: `name` must be a string")),
            None => String::new(),
        };
        let mut extra = Map::new();
        let kind = match known_fields(&type_name) {
            Some(fields) => {
                let (typed, unknown): (Map<String, Value>, Map<String, Value>) =
                    object.into_iter().partition(|(key, value)| {
                        key == "type" || (fields.contains(&key.as_str()) && !value.is_null())
                    });
                extra = unknown;
                BindingKind::from_object(typed)
                    .map_err(|e| format!("{type_name} binding `{name}`: {e}"))?
            }
            None => {
                object.shift_remove("type");
                BindingKind::Custom {
                    type_name,
                    fields: object,
                }
            }
        };
        Ok(Binding { name, kind, extra })
    }
}

impl Serialize for Binding {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.to_json().serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for Binding {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let object = Map::<String, Value>::deserialize(deserializer)?;
        Binding::from_json(object).map_err(D::Error::custom)
    }
}

/// Declares every binding type once: its Rust fields (with serde attributes) *and* its catalog
/// data (see [`super::catalog`]): `Variant = "wire_type" { field: Type => field_spec, … } as
/// type_spec`. The key of each field spec is the field's name.
macro_rules! binding_kinds {
    ($( $(#[$meta:meta])* $variant:ident = $wire:literal {
        $( $(#[$fmeta:meta])* $field:ident : $ty:ty => $fspec:expr ),* $(,)?
    } as $tspec:expr ),* $(,)?) => {
        /// The catalog: one entry per binding type, in declaration order.
        pub const CATALOG: &[super::catalog::TypeSpec] = &[$(
            super::catalog::TypeSpec {
                type_name: $wire,
                fields: &[$( super::catalog::FieldSpec { key: stringify!($field), ..$fspec } ),*],
                ..$tspec
            }
        ),*];

        /// Every binding type, tagged by its wire `type`.
        ///
        /// Serialized by serde's derive (internally tagged); read by [`BindingKind::from_object`],
        /// which dispatches on `type` and reads each field with its type's own `Deserialize`:
        /// the same checks and messages as serde's internally tagged enum, without its buffered
        /// generic code for every variant (a large share of the browser bundle). Every field must
        /// be `#[serde(default)]` (absent fields take their default).
        #[derive(Clone, Debug, PartialEq, Serialize)]
        #[serde(tag = "type", deny_unknown_fields)]
        pub enum BindingKind {
            $( $(#[$meta])* #[serde(rename = $wire)] $variant { $( $(#[$fmeta])* $field: $ty ),* }, )*
            /// A type this build does not know: its fields are sent as given.
            #[serde(skip)]
            Custom { type_name: String, fields: Map<String, Value> },
        }

        /// The wire `type` of every known binding kind, in catalog order.
        pub const KNOWN_BINDING_TYPES: &[&str] = &[$($wire),*];

        /// The fields of a known binding type (besides `type` and `name`), in order; `None` for
        /// a type this build does not know.
        pub fn known_fields(type_name: &str) -> Option<&'static [&'static str]> {
            match type_name {
                $( $wire => Some(&[$(stringify!($field)),*]), )*
                _ => None,
            }
        }

        impl BindingKind {
            pub fn type_name(&self) -> &str {
                match self {
                    $( BindingKind::$variant { .. } => $wire, )*
                    BindingKind::Custom { type_name, .. } => type_name,
                }
            }

            /// Whether the top-level field `key` holds nothing (see [`Blank`]); `None` when the
            /// kind has no such field. Typed, so the rules ask it on every keystroke cheaply.
            pub fn is_blank(&self, key: &str) -> Option<bool> {
                match self {
                    $( #[allow(unused_variables)] BindingKind::$variant { $($field),* } => {
                        $( if key == stringify!($field) { return Some(Blank::is_blank($field)); } )*
                        None
                    } )*
                    BindingKind::Custom { fields, .. } => Some(fields.get(key).is_none_or(Blank::is_blank)),
                }
            }

            /// Reads a known kind from its JSON object (`type` and the kind's fields; `name`
            /// already taken out). Unknown fields and values of the wrong type are errors.
            pub fn from_object(mut object: Map<String, Value>) -> Result<BindingKind, serde_json::Error> {
                let type_name = match object.shift_remove("type") {
                    Some(Value::String(type_name)) => type_name,
                    Some(other) => {
                        return Err(serde_json::Error::invalid_type(unexpected(&other), &"variant identifier"))
                    }
                    None => return Err(serde_json::Error::missing_field("type")),
                };
                match type_name.as_str() {
                    $( $wire => {
                        const FIELDS: &[&str] = &[$(stringify!($field)),*];
                        // Every field is optional (`#[serde(default)]`): absent means default.
                        $( let mut $field: Option<$ty> = None; )*
                        // In the object's order, as serde's derive reads them.
                        for (key, _value) in object {
                            match key.as_str() {
                                $( stringify!($field) => $field = Some(<$ty>::deserialize(_value)?), )*
                                _ => return Err(serde_json::Error::unknown_field(&key, FIELDS)),
                            }
                        }
                        Ok(BindingKind::$variant { $( $field: $field.unwrap_or_default() ),* })
                    } )*
                    other => Err(serde_json::Error::unknown_variant(other, KNOWN_BINDING_TYPES)),
                }
            }
        }

        /// serde's own internally tagged reading, kept to check [`BindingKind::from_object`]
        /// against it.
        #[cfg(test)]
        mod tagged {
            use super::*;
            #[derive(Debug, Deserialize)]
            #[serde(tag = "type", deny_unknown_fields)]
            pub(super) enum Reference {
                $( #[serde(rename = $wire)] $variant { $( $(#[$fmeta])* #[allow(dead_code)] $field: $ty ),* }, )*
            }
        }
    };
}

impl<'de> Deserialize<'de> for BindingKind {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let object = Map::<String, Value>::deserialize(deserializer)?;
        BindingKind::from_object(object).map_err(D::Error::custom)
    }
}

/// How serde names a JSON value in an "invalid type" message.
fn unexpected(value: &Value) -> serde::de::Unexpected<'_> {
    use serde::de::Unexpected;
    match value {
        Value::Null => Unexpected::Unit,
        Value::Bool(b) => Unexpected::Bool(*b),
        Value::Number(n) => match (n.as_u64(), n.as_i64(), n.as_f64()) {
            (Some(u), _, _) => Unexpected::Unsigned(u),
            (_, Some(i), _) => Unexpected::Signed(i),
            (_, _, Some(f)) => Unexpected::Float(f),
            _ => Unexpected::Other("number"),
        },
        Value::String(s) => Unexpected::Str(s),
        Value::Array(_) => Unexpected::Seq,
        Value::Object(_) => Unexpected::Map,
    }
}

use super::catalog::Group::*;
use super::catalog::Input::*;
use super::catalog::{any_of, exactly_one, kind, listed, opt, paths, req, table, under, Resource};

binding_kinds! {
    PlainText = "plain_text" {
        #[serde(default)] text: String /* an empty variable is a value */
            => req(Text, "The value of env.NAME (may be empty).").empty_ok(),
    } as kind("Plain text variable", Variables, "A string visible in the dashboard.").noun("Variable"),
    /// Write-only: never returned by GET.
    SecretText = "secret_text" {
        #[serde(default, skip_serializing_if = "String::is_empty")] text: String
            // Required; an empty one gets the `secret-text-empty` rule's own advice (keep the
            // deployed secret instead), so it is not also reported as a missing field.
            => req(Secret, "The secret value; never stored by this page.").empty_ok(),
    } as kind("Secret", Variables, "A string that is write-only once uploaded."),
    Json = "json" {
        #[serde(default, skip_serializing_if = "Value::is_null")] json: Value
            => req(Json, "The JSON value."),
    } as kind("JSON variable", Variables, "Any JSON value, parsed into env.NAME."),
    SecretsStoreSecret = "secrets_store_secret" {
        #[serde(default, skip_serializing_if = "String::is_empty")] store_id: String
            => req(Text, "The Secrets Store id.").resource(Resource::SecretsStore),
        #[serde(default, skip_serializing_if = "String::is_empty")] secret_name: String
            => req(Text, "The secret's name in the store."),
    } as kind("Secrets Store secret", Variables, "A secret kept in an account-level Secrets Store.").wrangler(listed("secrets_store_secrets")),
    /// A CryptoKey; the key material is write-only.
    SecretKey = "secret_key" {
        #[serde(default, skip_serializing_if = "String::is_empty")] format: String
            => req(Choice(&["raw", "pkcs8", "spki", "jwk"]), "The key format: raw, pkcs8, spki or jwk."),
        #[serde(default, skip_serializing_if = "Value::is_null")] algorithm: Value
            => req(Json, "The WebCrypto algorithm, e.g. {\"name\":\"HMAC\",\"hash\":\"SHA-256\"}."),
        #[serde(default, skip_serializing_if = "Vec::is_empty")] usages: Vec<String>
            => req(List, "The key usages, e.g. sign, verify."),
        #[serde(default, skip_serializing_if = "Option::is_none")] key_base64: Option<String>
            => opt(Secret, "Key bytes in base64 (raw, pkcs8, spki)."),
        #[serde(default, skip_serializing_if = "Option::is_none")] key_jwk: Option<Value>
            => opt(SecretJson, "The key as a JWK object (format jwk)."),
    } as kind("Secret key (CryptoKey)", Variables, "An imported CryptoKey; the key material is write-only.").noun("Secret key"),
    VersionMetadata = "version_metadata" {} as kind("Version metadata", Variables, "Id, tag and timestamp of the running version.").wrangler(table("version_metadata")),
    KvNamespace = "kv_namespace" {
        #[serde(default, skip_serializing_if = "String::is_empty")] namespace_id: String
            => req(Text, "The KV namespace id (not its title).").resource(Resource::KvNamespace),
    } as kind("KV namespace", Storage, "A Workers KV namespace.").wrangler(listed("kv_namespaces").renames(&[("namespace_id", "id")])),
    R2Bucket = "r2_bucket" {
        #[serde(default, skip_serializing_if = "String::is_empty")] bucket_name: String
            => req(Text, "The bucket name.").resource(Resource::R2Bucket),
        #[serde(default, skip_serializing_if = "Option::is_none")] jurisdiction: Option<String>
            => opt(Choice(&["eu", "fedramp", "fedramp-high", "us"]), "Only for buckets created in a jurisdiction."),
    } as kind("R2 bucket", Storage, "An R2 object storage bucket.").wrangler(listed("r2_buckets")),
    /// Send `id` (what wrangler sends); `database_id` is the newer SDK spelling.
    D1 = "d1" {
        #[serde(default, skip_serializing_if = "Option::is_none")] id: Option<String>
            => opt(Text, "The D1 database id, a UUID (what wrangler sends).").resource(Resource::D1Database),
        #[serde(default, skip_serializing_if = "Option::is_none")] database_id: Option<String>
            => opt(Text, "The D1 database id, newer spelling; use one of the two.").resource(Resource::D1Database),
    } as kind("D1 database", Storage, "A D1 SQL database; fill id (or database_id).").one_of(&[exactly_one(&["id", "database_id"])]).wrangler(listed("d1_databases").renames(&[("id", "database_id"), ("internalEnv", "database_internal_env")])),
    Hyperdrive = "hyperdrive" {
        #[serde(default, skip_serializing_if = "String::is_empty")] id: String
            => req(Text, "The Hyperdrive config id.").resource(Resource::Hyperdrive),
    } as kind("Hyperdrive", Storage, "A Hyperdrive database connection config.").wrangler(listed("hyperdrive")),
    Vectorize = "vectorize" {
        #[serde(default, skip_serializing_if = "String::is_empty")] index_name: String
            => req(Text, "The Vectorize index name.").resource(Resource::Vectorize),
    } as kind("Vectorize index", Storage, "A Vectorize vector index.").wrangler(listed("vectorize")),
    AnalyticsEngine = "analytics_engine" {
        #[serde(default, skip_serializing_if = "String::is_empty")] dataset: String
            // Optional: wrangler leaves it out when the config does, and the API takes that.
            => opt(Text, "The dataset name (created on first write)."),
    } as kind("Analytics Engine", Storage, "A Workers Analytics Engine dataset.").wrangler(listed("analytics_engine_datasets")),
    Pipelines = "pipelines" {
        #[serde(default, skip_serializing_if = "Option::is_none")] pipeline: Option<String>
            => opt(Text, "The pipeline name or id.").resource(Resource::Pipeline),
        #[serde(default, skip_serializing_if = "Option::is_none")] stream: Option<String>
            => opt(Text, "The stream id (newer pipelines)."),
    } as kind("Pipeline", Storage, "A Pipelines stream to send records to.").one_of(&[exactly_one(&["pipeline", "stream"])]).wrangler(listed("pipelines")),
    AiSearch = "ai_search" {
        #[serde(default, skip_serializing_if = "String::is_empty")] instance_name: String
            => req(Text, "The AI Search instance name."),
        #[serde(default, skip_serializing_if = "Option::is_none")] namespace: Option<String>
            => opt(Text, "Its namespace, when not the default."),
    } as kind("AI Search instance", Storage, "An AI Search (AutoRAG) instance.").wrangler(listed("ai_search")),
    AiSearchNamespace = "ai_search_namespace" {
        #[serde(default, skip_serializing_if = "String::is_empty")] namespace: String
            => req(Text, "The namespace name."),
    } as kind("AI Search namespace", Storage, "An AI Search namespace.").wrangler(listed("ai_search_namespaces")),
    AgentMemory = "agent_memory" {
        #[serde(default, skip_serializing_if = "String::is_empty")] namespace: String
            => req(Text, "The namespace name."),
    } as kind("Agent memory", Storage, "An agent memory namespace.").wrangler(listed("agent_memory")),
    Artifacts = "artifacts" {
        #[serde(default, skip_serializing_if = "String::is_empty")] namespace: String
            => req(Text, "The namespace name."),
    } as kind("Artifacts", Storage, "An artifacts namespace.").wrangler(listed("artifacts")),
    Service = "service" {
        #[serde(default, skip_serializing_if = "String::is_empty")] service: String
            => req(Text, "The name of the Worker to call.").resource(Resource::Worker),
        #[serde(default, skip_serializing_if = "Option::is_none")] environment: Option<String>
            => opt(Text, "Legacy environment name."),
        #[serde(default, skip_serializing_if = "Option::is_none")] entrypoint: Option<String>
            => opt(Text, "Named entrypoint class exported by that Worker."),
        #[serde(default, skip_serializing_if = "Option::is_none")] props: Option<Map<String, Value>>
            => opt(Json, "JSON object passed as ctx.props."),
        /// Lets this Worker call a Worker of another account (wrangler passes it through).
        #[serde(default, skip_serializing_if = "Option::is_none")] cross_account_grant: Option<String>
            => opt(Text, "Grant to call a Worker of another account."),
    } as kind("Service (Worker)", Services, "Another Worker, called over a service binding.").noun("Service").wrangler(listed("services")),
    DurableObjectNamespace = "durable_object_namespace" {
        #[serde(default, skip_serializing_if = "Option::is_none")] class_name: Option<String>
            => opt(Text, "The Durable Object class name (or give its namespace_id).").resource(Resource::DurableObjectClass),
        #[serde(default, skip_serializing_if = "Option::is_none")] script_name: Option<String>
            => opt(Text, "Worker defining the class, when not this one.").resource(Resource::Worker),
        #[serde(default, skip_serializing_if = "Option::is_none")] environment: Option<String>
            => opt(Text, "Legacy environment of that Worker."),
        #[serde(default, skip_serializing_if = "Option::is_none")] namespace_id: Option<String>
            => opt(Text, "Existing namespace id, instead of class_name."),
        #[serde(default, skip_serializing_if = "Option::is_none")] dispatch_namespace: Option<String>
            => opt(Text, "Dispatch namespace of that Worker (WfP).").resource(Resource::DispatchNamespace),
    } as kind("Durable Object", Services, "A Durable Object class, here or in another Worker.").one_of(&[any_of(&["class_name", "namespace_id"])]).wrangler(under("durable_objects", "bindings").named_by("name")),
    Workflow = "workflow" {
        #[serde(default, skip_serializing_if = "String::is_empty")] workflow_name: String
            => req(Text, "The workflow name.").resource(Resource::Workflow),
        #[serde(default, skip_serializing_if = "Option::is_none")] class_name: Option<String>
            => opt(Text, "Exported WorkflowEntrypoint class."),
        #[serde(default, skip_serializing_if = "Option::is_none")] script_name: Option<String>
            => opt(Text, "Worker defining it, when not this one.").resource(Resource::Worker),
    } as kind("Workflow", Services, "A Workflow to create and manage instances of.").wrangler(listed("workflows").renames(&[("workflow_name", "name")])),
    WorkerLoader = "worker_loader" {} as kind("Worker loader", Services, "Loads dynamic Workers at run time.").wrangler(listed("worker_loaders")),
    VpcService = "vpc_service" {
        #[serde(default, skip_serializing_if = "String::is_empty")] service_id: String
            => req(Text, "The Workers VPC service id."),
    } as kind("VPC service", Services, "A service reachable in a private network.").wrangler(listed("vpc_services")),
    VpcNetwork = "vpc_network" {
        #[serde(default, skip_serializing_if = "Option::is_none")] tunnel_id: Option<String>
            => opt(Text, "A tunnel id (UUID)."),
        #[serde(default, skip_serializing_if = "Option::is_none")] network_id: Option<String>
            => opt(Text, "The network id: cf1:network."),
    } as kind("VPC network", Services, "A private network reached through a tunnel.").one_of(&[exactly_one(&["tunnel_id", "network_id"])]).wrangler(listed("vpc_networks")),
    MtlsCertificate = "mtls_certificate" {
        #[serde(default, skip_serializing_if = "String::is_empty")] certificate_id: String
            => req(Text, "The mTLS certificate id.").resource(Resource::MtlsCertificate),
    } as kind("mTLS certificate", Services, "A client certificate for outbound fetch.").wrangler(listed("mtls_certificates")),
    /// Copies the binding called `name` (or `old_name`) from an earlier version.
    Inherit = "inherit" {
        #[serde(default, skip_serializing_if = "Option::is_none")] old_name: Option<String>
            => opt(Text, "Its name in that version, when renamed."),
        #[serde(default, skip_serializing_if = "Option::is_none")] version_id: Option<String>
            => opt(Text, "Version to copy from (default: latest)."),
    } as kind("Inherit from previous version", Services, "Keeps the binding of this name from an earlier version.").noun("Inherited"),
    Ai = "ai" {
        #[serde(default, skip_serializing_if = "Option::is_none")] staging: Option<bool>
            => opt(Bool, "Use the staging environment."),
    } as kind("Workers AI", Platform, "Run models on Workers AI.").wrangler(table("ai")),
    Browser = "browser" {} as kind("Browser Rendering", Platform, "A headless browser (Puppeteer / Playwright).").wrangler(table("browser")),
    Queue = "queue" {
        #[serde(default, skip_serializing_if = "String::is_empty")] queue_name: String
            => req(Text, "The queue name (not its id).").resource(Resource::Queue),
        #[serde(default, skip_serializing_if = "Option::is_none")] delivery_delay: Option<u64>
            => opt(Number, "Default delay in seconds."),
    } as kind("Queue producer", Platform, "Send messages to a Queue.").wrangler(under("queues", "producers").renames(&[("queue_name", "queue")])),
    SendEmail = "send_email" {
        #[serde(default, skip_serializing_if = "Option::is_none")] destination_address: Option<String>
            => opt(Text, "The only address it may send to."),
        #[serde(default, skip_serializing_if = "Option::is_none")] allowed_destination_addresses: Option<Vec<String>>
            => opt(List, "Addresses it may send to."),
        #[serde(default, skip_serializing_if = "Option::is_none")] allowed_sender_addresses: Option<Vec<String>>
            => opt(List, "Addresses it may send from."),
    } as kind("Send email", Platform, "Send email through Email Routing.").wrangler(listed("send_email").named_by("name")),
    DispatchNamespace = "dispatch_namespace" {
        /// The namespace *name*.
        #[serde(default, skip_serializing_if = "String::is_empty")] namespace: String
            => req(Text, "The dispatch namespace name.").resource(Resource::DispatchNamespace),
        #[serde(default, skip_serializing_if = "Option::is_none")] outbound: Option<Outbound>
            => opt(Json, "Outbound Worker: {\"worker\":{\"service\":\"…\"},\"params\":[{\"name\":\"…\"}]}."),
    } as kind("Dispatch namespace", Platform, "Call user Workers of a WfP namespace.").wrangler(listed("dispatch_namespaces")),
    Ratelimit = "ratelimit" {
        #[serde(default, skip_serializing_if = "String::is_empty")] namespace_id: String
            => req(Text, "The rate-limit namespace id, a positive integer unique per account."),
        #[serde(default, skip_serializing_if = "RateLimitSimple::is_unset")] simple: RateLimitSimple
            => req(Json, "The limit: requests per period.").members(&[
                req(Number, "Requests allowed per period.").key("simple.limit"),
                req(Number, "Period in seconds: 10 or 60.").key("simple.period"),
                opt(Number, "Seconds a client stays limited once over: 0, 10, or a multiple of 60 up to 86400.").key("simple.mitigation_timeout"),
            ]),
    } as kind("Rate limiter", Platform, "A rate-limiting counter.").wrangler(listed("ratelimits").named_by("name")),
    Images = "images" {} as kind("Images", Platform, "Transform images.").wrangler(table("images")),
    Media = "media" {} as kind("Media transformations", Platform, "Transform video and audio.").wrangler(table("media")),
    Stream = "stream" {} as kind("Stream", Platform, "Cloudflare Stream video.").wrangler(table("stream")),
    Websearch = "websearch" {} as kind("Web search", Platform, "Search the web from the Worker."),
    Assets = "assets" {} as kind("Static assets", Platform, "Fetch the Worker's static assets."),
    Messaging = "messaging" {
        #[serde(default, skip_serializing_if = "String::is_empty")] namespace: String
            => req(Text, "The namespace name."),
    } as kind("Messaging", Platform, "A messaging namespace."),
    Flagship = "flagship" {
        #[serde(default, skip_serializing_if = "String::is_empty")] app_id: String
            => req(Text, "The feature-flag app id."),
    } as kind("Flagship", Platform, "Feature flags of an app.").wrangler(listed("flagship")),
    /// wrangler's `k2` producer binding (a K2 stream).
    K2 = "k2" {
        #[serde(default, skip_serializing_if = "String::is_empty")] stream: String
            => req(Text, "The K2 stream id."),
    } as kind("K2 stream", Platform, "Produce records into a K2 stream.").wrangler(listed("k2")),
    /// wrangler's `analytics` binding (Analytics SQL).
    Analytics = "analytics" {} as kind("Analytics SQL", Platform, "Query Workers analytics with SQL.").wrangler(table("analytics")),
    Logfwdr = "logfwdr" {
        #[serde(default, skip_serializing_if = "String::is_empty")] destination: String
            => req(Text, "The destination name."),
    } as kind("Log forwarder", Platform, "Forward logs to a destination.").wrangler(under("logfwdr", "bindings").named_by("name")),
    UnsafeHelloWorld = "unsafe_hello_world" {
        #[serde(default, skip_serializing_if = "Option::is_none")] enable_timer: Option<bool>
            => opt(Bool, "Enable its timer."),
    } as kind("Hello world (test)", Platform, "A test binding.").wrangler(listed("unsafe_hello_world")),
    /// Service-worker syntax only.
    WasmModule = "wasm_module" {
        #[serde(default, skip_serializing_if = "String::is_empty")] part: String
            => req(Text, "The name of the module part to bind."),
    } as kind("WebAssembly module", Legacy, "Service-worker syntax only: a wasm part as a global.").wrangler(paths("wasm_modules")),
    /// Service-worker syntax only.
    TextBlob = "text_blob" {
        #[serde(default, skip_serializing_if = "String::is_empty")] part: String
            => req(Text, "The name of the module part to bind."),
    } as kind("Text blob", Legacy, "Service-worker syntax only: a text part as a global.").wrangler(paths("text_blobs")),
    /// Service-worker syntax only.
    DataBlob = "data_blob" {
        #[serde(default, skip_serializing_if = "String::is_empty")] part: String
            => req(Text, "The name of the module part to bind."),
    } as kind("Data blob", Legacy, "Service-worker syntax only: a binary part as a global.").wrangler(paths("data_blobs")),
}

pub fn is_known_type(type_name: &str) -> bool {
    KNOWN_BINDING_TYPES.contains(&type_name)
}

/// Whether a field's value holds nothing: an empty string (or only spaces), `null`, an empty
/// list or object, or unset. Numbers and booleans always hold something.
pub trait Blank {
    fn is_blank(&self) -> bool;
}

impl Blank for str {
    fn is_blank(&self) -> bool {
        self.trim().is_empty()
    }
}

impl Blank for String {
    fn is_blank(&self) -> bool {
        self.trim().is_empty()
    }
}

impl Blank for Value {
    fn is_blank(&self) -> bool {
        match self {
            Value::Null => true,
            Value::String(text) => text.trim().is_empty(),
            Value::Array(items) => items.is_empty(),
            Value::Object(fields) => fields.is_empty(),
            Value::Bool(_) | Value::Number(_) => false,
        }
    }
}

impl<T: Blank> Blank for Option<T> {
    fn is_blank(&self) -> bool {
        self.as_ref().is_none_or(Blank::is_blank)
    }
}

impl<T> Blank for Vec<T> {
    fn is_blank(&self) -> bool {
        self.is_empty()
    }
}

impl Blank for Map<String, Value> {
    fn is_blank(&self) -> bool {
        self.is_empty()
    }
}

impl Blank for bool {
    fn is_blank(&self) -> bool {
        false
    }
}

impl Blank for u64 {
    fn is_blank(&self) -> bool {
        false
    }
}

impl Blank for RateLimitSimple {
    fn is_blank(&self) -> bool {
        self.is_unset()
    }
}

impl Blank for Outbound {
    fn is_blank(&self) -> bool {
        self == &Outbound::default()
    }
}

impl BindingKind {
    /// A kind with every field at its default, for a newly added binding of `type_name`.
    pub fn empty(type_name: &str) -> BindingKind {
        let mut object = Map::new();
        object.insert("type".into(), Value::String(type_name.to_string()));
        if type_name == "d1" {
            // D1 defaults to `id`, the spelling the API has accepted for years.
            object.insert("id".into(), Value::String(String::new()));
        }
        if is_known_type(type_name) {
            if let Ok(kind) = BindingKind::from_object(object) {
                return kind;
            }
        }
        BindingKind::Custom {
            type_name: type_name.to_string(),
            fields: Map::new(),
        }
    }

    /// Whether this binding's type carries a write-only value (secret text or key material),
    /// as the catalog says.
    pub fn is_secret(&self) -> bool {
        super::catalog::lookup(self.type_name()).is_some_and(|spec| spec.holds_secret())
    }
}

pub use super::catalog::secret_fields;

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RateLimitSimple {
    #[serde(default)]
    pub limit: u64,
    /// Seconds: 10 or 60.
    #[serde(default)]
    pub period: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mitigation_timeout: Option<u64>,
}

impl RateLimitSimple {
    pub fn is_unset(&self) -> bool {
        self == &RateLimitSimple::default()
    }
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Outbound {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub worker: Option<OutboundWorker>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub params: Vec<OutboundParam>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OutboundWorker {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub environment: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub entrypoint: Option<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OutboundParam {
    pub name: String,
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// `from_object` accepts, refuses and words its refusals exactly as serde's internally
    /// tagged derive does, for every kind, every field and values of every JSON type.
    #[test]
    fn from_object_reads_like_the_tagged_derive() {
        let values = [
            json!(null),
            json!(true),
            json!(7),
            json!(-3),
            json!(1.5),
            json!("text"),
            json!(""),
            json!([]),
            json!(["a", "b"]),
            json!([1]),
            json!({}),
            json!({"limit": 10, "period": 60}),
            json!({"worker": {"service": "w"}, "params": [{"name": "p"}]}),
            json!({"bogus": 1}),
            json!([{"name": "p"}]),
        ];
        let read = |object: Map<String, Value>| {
            let ours = BindingKind::from_object(object.clone())
                .map(|kind| format!("{kind:?}"))
                .map_err(|e| e.to_string());
            let theirs = serde_json::from_value::<tagged::Reference>(Value::Object(object))
                .map(|kind| format!("{kind:?}"))
                .map_err(|e| e.to_string());
            (ours, theirs)
        };
        let mut compared = 0;
        for type_name in KNOWN_BINDING_TYPES {
            let base = json!({"type": type_name}).as_object().unwrap().clone();
            let (ours, theirs) = read(base.clone());
            assert_eq!(ours, theirs, "{type_name}");
            // The field names, from the refusal of an unknown one.
            let mut unknown = base.clone();
            unknown.insert("no_such_field".into(), json!(1));
            let (ours, theirs) = read(unknown);
            assert_eq!(ours, theirs, "{type_name} with an unknown field");
            let message = theirs.unwrap_err();
            let fields: Vec<&str> = message
                .split_once(", expected ")
                .map(|(_, list)| list.trim_start_matches("one of ").split(", "))
                .map(|list| list.map(|f| f.trim_matches('`')).collect())
                .unwrap_or_default();
            for field in fields {
                for value in &values {
                    let mut object = base.clone();
                    object.insert(field.to_string(), value.clone());
                    let (ours, theirs) = read(object);
                    assert_eq!(ours, theirs, "{type_name}.{field} = {value}");
                    compared += 1;
                }
            }
        }
        assert!(compared > 500, "only {compared} cases");
    }

    #[test]
    fn seed_kv_binding_round_trips_with_type_first() {
        let raw = json!({"type":"kv_namespace","name":"USER_KV","namespace_id":"abc"});
        let binding: Binding = serde_json::from_value(raw.clone()).unwrap();
        assert_eq!(binding.name, "USER_KV");
        assert_eq!(
            binding.kind,
            BindingKind::KvNamespace {
                namespace_id: "abc".into()
            }
        );
        assert_eq!(serde_json::to_string(&binding).unwrap(), raw.to_string());
    }

    #[test]
    fn unknown_type_is_kept_verbatim() {
        let raw = json!({"type":"hologram","name":"H","beam":{"power":3}});
        let binding: Binding = serde_json::from_value(raw.clone()).unwrap();
        assert!(matches!(binding.kind, BindingKind::Custom { .. }));
        assert_eq!(serde_json::to_value(&binding).unwrap(), raw);
    }

    #[test]
    fn unknown_field_on_known_type_is_kept_and_sent_as_given() {
        let raw = json!({"type":"kv_namespace","name":"K","namespace_id":"abc","namespace":"x","raw":true});
        let binding: Binding = serde_json::from_value(raw.clone()).unwrap();
        assert_eq!(
            binding.kind,
            BindingKind::KvNamespace {
                namespace_id: "abc".into()
            }
        );
        assert_eq!(
            binding.extra.keys().collect::<Vec<_>>(),
            ["namespace", "raw"]
        );
        assert_eq!(serde_json::to_value(&binding).unwrap(), raw);
    }

    #[test]
    fn a_known_field_given_as_null_is_sent_as_null() {
        let raw = json!({"type":"r2_bucket","name":"B","bucket_name":"b","jurisdiction":null});
        let binding: Binding = serde_json::from_value(raw.clone()).unwrap();
        assert!(matches!(
            binding.kind,
            BindingKind::R2Bucket {
                jurisdiction: None,
                ..
            }
        ));
        assert_eq!(serde_json::to_value(&binding).unwrap(), raw);
    }

    #[test]
    fn a_known_field_of_the_wrong_type_is_an_error_naming_the_binding() {
        let raw = json!({"type":"kv_namespace","name":"K","namespace_id":7});
        let err = serde_json::from_value::<Binding>(raw)
            .unwrap_err()
            .to_string();
        assert!(err.contains("kv_namespace binding `K`"), "{err}");
    }

    #[test]
    fn a_cross_account_grant_of_the_wrong_type_is_an_error() {
        let raw = json!({"type":"service","name":"P","service":"w","cross_account_grant":7});
        let err = serde_json::from_value::<Binding>(raw)
            .unwrap_err()
            .to_string();
        assert!(err.contains("service binding `P`"), "{err}");
    }

    #[test]
    fn what_wrangler_sends_for_a_service_binding_loads_typed() {
        let raw = json!({"name":"PARTNER","type":"service","service":"partner-worker","cross_account_grant":"grant-7f3e"});
        let binding: Binding = serde_json::from_value(raw.clone()).unwrap();
        assert!(binding.extra.is_empty());
        assert!(matches!(
            binding.kind,
            BindingKind::Service { cross_account_grant: Some(ref grant), .. } if grant == "grant-7f3e"
        ));
        assert_eq!(serde_json::to_value(&binding).unwrap(), raw);
    }

    #[test]
    fn every_known_type_has_an_empty_form() {
        for type_name in KNOWN_BINDING_TYPES {
            let kind = BindingKind::empty(type_name);
            assert_eq!(kind.type_name(), *type_name);
            assert!(!matches!(kind, BindingKind::Custom { .. }), "{type_name}");
            let binding = Binding::new("X", kind);
            let back: Binding =
                serde_json::from_value(serde_json::to_value(&binding).unwrap()).unwrap();
            assert_eq!(back, binding);
        }
    }

    #[test]
    fn empty_fields_are_left_out_so_a_bare_binding_keeps_the_existing_one() {
        let secret = Binding::new("API_KEY", BindingKind::empty("secret_text"));
        assert_eq!(
            serde_json::to_string(&secret).unwrap(),
            r#"{"type":"secret_text","name":"API_KEY"}"#
        );
        assert!(secret.is_bare());
        let var = Binding::new(
            "EMPTY",
            BindingKind::PlainText {
                text: String::new(),
            },
        );
        assert_eq!(
            serde_json::to_string(&var).unwrap(),
            r#"{"type":"plain_text","name":"EMPTY","text":""}"#
        );
        assert!(!var.is_bare());
    }

    #[test]
    fn d1_defaults_to_id() {
        let binding = Binding::new("DB", BindingKind::empty("d1"));
        assert_eq!(
            serde_json::to_string(&binding).unwrap(),
            r#"{"type":"d1","name":"DB","id":""}"#
        );
    }
}
