//! The binding type chooser's catalog: every binding type the model knows, grouped, with the
//! fields of its form, which are required, and one line of help each.

/// How a field is edited and how its text maps to JSON.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Input {
    Text,
    /// A password input; the value is write-only at the API.
    Secret,
    /// A JSON value typed into a password input (key material).
    SecretJson,
    /// A non-negative integer.
    Number,
    /// Unset, true or false.
    Bool,
    /// Comma-separated strings, sent as a JSON array.
    List,
    /// Any JSON value, in a textarea.
    Json,
    /// One of a few strings (empty = unset).
    Choice(&'static [&'static str]),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FieldSpec {
    /// Wire name; a dot reaches into an object (`simple.limit`).
    pub key: &'static str,
    pub input: Input,
    pub required: bool,
    pub help: &'static str,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Group {
    Variables,
    Storage,
    Services,
    Platform,
    Legacy,
}

impl Group {
    pub const ALL: [Group; 5] = [
        Group::Variables,
        Group::Storage,
        Group::Services,
        Group::Platform,
        Group::Legacy,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Group::Variables => "Variables & secrets",
            Group::Storage => "Storage & data",
            Group::Services => "Services & Durable Objects",
            Group::Platform => "Platform",
            Group::Legacy => "Legacy service-worker blobs",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TypeSpec {
    pub type_name: &'static str,
    pub label: &'static str,
    pub group: Group,
    pub help: &'static str,
    pub fields: &'static [FieldSpec],
}

const fn req(key: &'static str, input: Input, help: &'static str) -> FieldSpec {
    FieldSpec {
        key,
        input,
        required: true,
        help,
    }
}

const fn opt(key: &'static str, input: Input, help: &'static str) -> FieldSpec {
    FieldSpec {
        key,
        input,
        required: false,
        help,
    }
}

const fn spec(
    type_name: &'static str,
    label: &'static str,
    group: Group,
    help: &'static str,
    fields: &'static [FieldSpec],
) -> TypeSpec {
    TypeSpec {
        type_name,
        label,
        group,
        help,
        fields,
    }
}

use Group::*;
use Input::*;

pub const TYPES: &[TypeSpec] = &[
    spec(
        "plain_text",
        "Plain text variable",
        Variables,
        "A string visible in the dashboard.",
        &[req("text", Text, "The value of env.NAME.")],
    ),
    spec(
        "secret_text",
        "Secret",
        Variables,
        "A string that is write-only once uploaded.",
        &[req(
            "text",
            Secret,
            "The secret value; never stored by this page.",
        )],
    ),
    spec(
        "json",
        "JSON variable",
        Variables,
        "Any JSON value, parsed into env.NAME.",
        &[req("json", Json, "The JSON value.")],
    ),
    spec(
        "secrets_store_secret",
        "Secrets Store secret",
        Variables,
        "A secret kept in an account-level Secrets Store.",
        &[
            req("store_id", Text, "Id of the Secrets Store."),
            req("secret_name", Text, "Name of the secret inside the store."),
        ],
    ),
    spec(
        "secret_key",
        "Secret key (CryptoKey)",
        Variables,
        "An imported CryptoKey; the key material is write-only.",
        &[
            req(
                "format",
                Choice(&["raw", "pkcs8", "spki", "jwk"]),
                "Format of the key material.",
            ),
            req(
                "algorithm",
                Json,
                "WebCrypto algorithm, e.g. {\"name\":\"HMAC\",\"hash\":\"SHA-256\"}.",
            ),
            req("usages", List, "Key usages, e.g. sign, verify."),
            opt(
                "key_base64",
                Secret,
                "Key bytes in base64 (raw, pkcs8, spki).",
            ),
            opt(
                "key_jwk",
                SecretJson,
                "The key as a JWK object (format jwk).",
            ),
        ],
    ),
    spec(
        "version_metadata",
        "Version metadata",
        Variables,
        "Id, tag and timestamp of the running version.",
        &[],
    ),
    spec(
        "kv_namespace",
        "KV namespace",
        Storage,
        "A Workers KV namespace.",
        &[req(
            "namespace_id",
            Text,
            "The namespace id (not its title).",
        )],
    ),
    spec(
        "r2_bucket",
        "R2 bucket",
        Storage,
        "An R2 object storage bucket.",
        &[
            req("bucket_name", Text, "The bucket name."),
            opt(
                "jurisdiction",
                Choice(&["eu", "fedramp"]),
                "Only for buckets created in a jurisdiction.",
            ),
        ],
    ),
    spec(
        "d1",
        "D1 database",
        Storage,
        "A D1 SQL database; fill id (or database_id).",
        &[
            opt("id", Text, "Database UUID (what wrangler sends)."),
            opt(
                "database_id",
                Text,
                "Database UUID, newer spelling; use one of the two.",
            ),
        ],
    ),
    spec(
        "hyperdrive",
        "Hyperdrive",
        Storage,
        "A Hyperdrive database connection config.",
        &[req("id", Text, "The Hyperdrive config id.")],
    ),
    spec(
        "vectorize",
        "Vectorize index",
        Storage,
        "A Vectorize vector index.",
        &[req("index_name", Text, "The index name.")],
    ),
    spec(
        "analytics_engine",
        "Analytics Engine",
        Storage,
        "A Workers Analytics Engine dataset.",
        &[req(
            "dataset",
            Text,
            "Dataset name; created on first write.",
        )],
    ),
    spec(
        "pipelines",
        "Pipeline",
        Storage,
        "A Pipelines stream to send records to.",
        &[
            opt("pipeline", Text, "Pipeline name or id."),
            opt("stream", Text, "Stream id (newer pipelines)."),
        ],
    ),
    spec(
        "ai_search",
        "AI Search instance",
        Storage,
        "An AI Search (AutoRAG) instance.",
        &[
            req("instance_name", Text, "The instance name."),
            opt("namespace", Text, "Its namespace, when not the default."),
        ],
    ),
    spec(
        "ai_search_namespace",
        "AI Search namespace",
        Storage,
        "An AI Search namespace.",
        &[req("namespace", Text, "The namespace name.")],
    ),
    spec(
        "agent_memory",
        "Agent memory",
        Storage,
        "An agent memory namespace.",
        &[req("namespace", Text, "The namespace name.")],
    ),
    spec(
        "artifacts",
        "Artifacts",
        Storage,
        "An artifacts namespace.",
        &[req("namespace", Text, "The namespace name.")],
    ),
    spec(
        "service",
        "Service (Worker)",
        Services,
        "Another Worker, called over a service binding.",
        &[
            req("service", Text, "Name of the Worker to call."),
            opt("environment", Text, "Legacy environment name."),
            opt(
                "entrypoint",
                Text,
                "Named entrypoint class exported by that Worker.",
            ),
            opt("props", Json, "JSON object passed as ctx.props."),
        ],
    ),
    spec(
        "durable_object_namespace",
        "Durable Object",
        Services,
        "A Durable Object class, here or in another Worker.",
        &[
            opt(
                "class_name",
                Text,
                "The exported class name (required unless namespace_id is set).",
            ),
            opt(
                "script_name",
                Text,
                "Worker defining the class, when not this one.",
            ),
            opt("environment", Text, "Legacy environment of that Worker."),
            opt(
                "namespace_id",
                Text,
                "Existing namespace id instead of class_name.",
            ),
            opt(
                "dispatch_namespace",
                Text,
                "Dispatch namespace of that Worker (WfP).",
            ),
        ],
    ),
    spec(
        "workflow",
        "Workflow",
        Services,
        "A Workflow to create and manage instances of.",
        &[
            req("workflow_name", Text, "The workflow name."),
            opt("class_name", Text, "Exported WorkflowEntrypoint class."),
            opt(
                "script_name",
                Text,
                "Worker defining it, when not this one.",
            ),
        ],
    ),
    spec(
        "worker_loader",
        "Worker loader",
        Services,
        "Loads dynamic Workers at run time.",
        &[],
    ),
    spec(
        "vpc_service",
        "VPC service",
        Services,
        "A service reachable in a private network.",
        &[req("service_id", Text, "The VPC service id.")],
    ),
    spec(
        "vpc_network",
        "VPC network",
        Services,
        "A private network reached through a tunnel.",
        &[
            opt("tunnel_id", Text, "Tunnel id."),
            opt("network_id", Text, "Network id."),
        ],
    ),
    spec(
        "mtls_certificate",
        "mTLS certificate",
        Services,
        "A client certificate for outbound fetch.",
        &[req(
            "certificate_id",
            Text,
            "Id of an uploaded mTLS certificate.",
        )],
    ),
    spec(
        "inherit",
        "Inherit from previous version",
        Services,
        "Keeps the binding of this name from an earlier version.",
        &[
            opt("old_name", Text, "Its name in that version, when renamed."),
            opt(
                "version_id",
                Text,
                "Version to copy from (default: latest).",
            ),
        ],
    ),
    spec(
        "ai",
        "Workers AI",
        Platform,
        "Run models on Workers AI.",
        &[opt("staging", Bool, "Use the staging environment.")],
    ),
    spec(
        "browser",
        "Browser Rendering",
        Platform,
        "A headless browser (Puppeteer / Playwright).",
        &[],
    ),
    spec(
        "queue",
        "Queue producer",
        Platform,
        "Send messages to a Queue.",
        &[
            req("queue_name", Text, "The queue name (not its id)."),
            opt("delivery_delay", Number, "Default delay in seconds."),
        ],
    ),
    spec(
        "send_email",
        "Send email",
        Platform,
        "Send email through Email Routing.",
        &[
            opt(
                "destination_address",
                Text,
                "The only address it may send to.",
            ),
            opt(
                "allowed_destination_addresses",
                List,
                "Addresses it may send to.",
            ),
            opt(
                "allowed_sender_addresses",
                List,
                "Addresses it may send from.",
            ),
        ],
    ),
    spec(
        "dispatch_namespace",
        "Dispatch namespace",
        Platform,
        "Call user Workers of a WfP namespace.",
        &[
            req("namespace", Text, "The namespace name."),
            opt(
                "outbound",
                Json,
                "Outbound Worker: {\"worker\":{\"service\":\"…\"},\"params\":[{\"name\":\"…\"}]}.",
            ),
        ],
    ),
    spec(
        "ratelimit",
        "Rate limiter",
        Platform,
        "A rate-limiting counter.",
        &[
            req(
                "namespace_id",
                Text,
                "A positive integer, unique per account.",
            ),
            req("simple.limit", Number, "Requests allowed per period."),
            req("simple.period", Number, "Period in seconds: 10 or 60."),
        ],
    ),
    spec("images", "Images", Platform, "Transform images.", &[]),
    spec(
        "media",
        "Media transformations",
        Platform,
        "Transform video and audio.",
        &[],
    ),
    spec(
        "stream",
        "Stream",
        Platform,
        "Cloudflare Stream video.",
        &[],
    ),
    spec(
        "websearch",
        "Web search",
        Platform,
        "Search the web from the Worker.",
        &[],
    ),
    spec(
        "assets",
        "Static assets",
        Platform,
        "Fetch the Worker's static assets.",
        &[],
    ),
    spec(
        "messaging",
        "Messaging",
        Platform,
        "A messaging namespace.",
        &[req("namespace", Text, "The namespace name.")],
    ),
    spec(
        "flagship",
        "Flagship",
        Platform,
        "Feature flags of an app.",
        &[req("app_id", Text, "The app id.")],
    ),
    spec(
        "logfwdr",
        "Log forwarder",
        Platform,
        "Forward logs to a destination.",
        &[req("destination", Text, "The destination name.")],
    ),
    spec(
        "unsafe_hello_world",
        "Hello world (test)",
        Platform,
        "A test binding.",
        &[opt("enable_timer", Bool, "Enable its timer.")],
    ),
    spec(
        "wasm_module",
        "WebAssembly module",
        Legacy,
        "Service-worker syntax only: a wasm part as a global.",
        &[req("part", Text, "Name of the module part.")],
    ),
    spec(
        "text_blob",
        "Text blob",
        Legacy,
        "Service-worker syntax only: a text part as a global.",
        &[req("part", Text, "Name of the module part.")],
    ),
    spec(
        "data_blob",
        "Data blob",
        Legacy,
        "Service-worker syntax only: a binary part as a global.",
        &[req("part", Text, "Name of the module part.")],
    ),
];

/// The types the folded chooser offers once a composition has a binding (the full list opens
/// on demand), most used first.
pub const MOST_USED: &[&str] = &[
    "kv_namespace",
    "r2_bucket",
    "d1",
    "durable_object_namespace",
    "service",
    "queue",
    "secret_text",
    "plain_text",
];

/// The catalog entry of a binding type, if it is a known one.
pub fn lookup(type_name: &str) -> Option<&'static TypeSpec> {
    TYPES.iter().find(|t| t.type_name == type_name)
}

/// Whether a type matches the chooser's search text (label, wire type or help).
pub fn matches(spec: &TypeSpec, query: &str) -> bool {
    let query = query.trim().to_lowercase();
    query.is_empty()
        || spec.label.to_lowercase().contains(&query)
        || spec.type_name.contains(&query)
        || spec.help.to_lowercase().contains(&query)
}
