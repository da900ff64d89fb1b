//! The binding catalog: everything Bindery knows about each binding type, in one place.
//!
//! Each entry of `binding_kinds!` (in `binding.rs`) declares a type's Rust fields *and* its
//! catalog data: a label and a group for the type chooser, a noun for sentences ("KV namespace
//! binding USER_KV will be removed"), one line of help, and per field how it is edited, whether
//! it is required (or one of a set of alternatives, such as D1's `id` | `database_id`), which
//! account resource it names, and whether its value is write-only. The forms, the
//! required-field rule, the diff's wording, the redaction of secrets, the sandbox's checks, the
//! resource pickers and the error explanations all read this catalog, so adding a binding type
//! is one entry there. So do the wrangler configuration's importer and exporter: an entry says
//! under which key of `wrangler.toml` its bindings are declared and which fields wrangler spells
//! differently from the wire ([`WranglerKey`]).

/// How a field is edited and how its text maps to JSON.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Input {
    Text,
    /// A password input; the value is write-only at the API.
    Secret,
    /// A JSON value typed into a password input (write-only key material).
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

impl Input {
    /// Whether values of this input are write-only: the API never returns them, Bindery never
    /// stores them and masks them on screen.
    pub const fn is_write_only(self) -> bool {
        matches!(self, Input::Secret | Input::SecretJson)
    }
}

/// An account resource a binding field names by id or name: what the pickers list, what the
/// sandbox checks exists, and what the API's "not found" codes are about.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Resource {
    KvNamespace,
    R2Bucket,
    D1Database,
    Queue,
    /// Another Worker (script) of the account.
    Worker,
    /// A Durable Object class exported by a Worker.
    DurableObjectClass,
    DispatchNamespace,
    Hyperdrive,
    Vectorize,
    MtlsCertificate,
    SecretsStore,
    Workflow,
    Pipeline,
}

impl Resource {
    pub const ALL: [Resource; 13] = [
        Resource::KvNamespace,
        Resource::R2Bucket,
        Resource::D1Database,
        Resource::Queue,
        Resource::Worker,
        Resource::DurableObjectClass,
        Resource::DispatchNamespace,
        Resource::Hyperdrive,
        Resource::Vectorize,
        Resource::MtlsCertificate,
        Resource::SecretsStore,
        Resource::Workflow,
        Resource::Pipeline,
    ];

    /// What it is called in a sentence ("KV namespace").
    pub fn label(self) -> &'static str {
        match self {
            Resource::KvNamespace => "KV namespace",
            Resource::R2Bucket => "R2 bucket",
            Resource::D1Database => "D1 database",
            Resource::Queue => "queue",
            Resource::Worker => "Worker (service)",
            Resource::DurableObjectClass => "Durable Object class",
            Resource::DispatchNamespace => "dispatch namespace",
            Resource::Hyperdrive => "Hyperdrive config",
            Resource::Vectorize => "Vectorize index",
            Resource::MtlsCertificate => "mTLS certificate",
            Resource::SecretsStore => "Secrets Store",
            Resource::Workflow => "workflow",
            Resource::Pipeline => "pipeline",
        }
    }

    /// The code the API answers an upload with when a binding names one that does not exist
    /// (codes captured from the live API, reference section (f)).
    pub fn missing_code(self) -> Option<i64> {
        Some(match self {
            Resource::KvNamespace => 10041,
            Resource::R2Bucket => 10085,
            Resource::D1Database => 10181,
            Resource::Queue => 11000,
            Resource::Worker => 10144,
            Resource::DurableObjectClass => 10061,
            Resource::DispatchNamespace => 100119,
            Resource::Hyperdrive => 10157,
            Resource::Vectorize => 10159,
            Resource::MtlsCertificate => 100143,
            Resource::SecretsStore | Resource::Workflow | Resource::Pipeline => return None,
        })
    }

    /// The resource a "not found" code is about.
    pub fn for_missing_code(code: i64) -> Option<Resource> {
        Resource::ALL
            .into_iter()
            .find(|r| r.missing_code() == Some(code))
    }
}

/// The group a type is listed under in the chooser.
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

/// One field of a binding type's form.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FieldSpec {
    /// Wire name; a dot reaches into an object (`simple.limit`).
    pub key: &'static str,
    pub input: Input,
    /// Whether a binding of this type needs it (see also [`TypeSpec::one_of`]).
    pub required: bool,
    /// A required field whose empty value is still a value (a plain-text variable's `""`).
    pub empty_ok: bool,
    /// The account resource it names, if any.
    pub resource: Option<Resource>,
    /// One line for the form; for a required field, also what the required-field error asks
    /// for.
    pub help: &'static str,
    /// For an object field edited member by member (a rate limiter's `simple`): its members,
    /// with their full keys. Empty for a field edited as one value.
    pub members: &'static [FieldSpec],
}

impl FieldSpec {
    /// Whether the value is write-only (see [`Input::is_write_only`]).
    pub const fn write_only(&self) -> bool {
        self.input.is_write_only()
    }

    pub const fn resource(self, resource: Resource) -> FieldSpec {
        FieldSpec {
            resource: Some(resource),
            ..self
        }
    }

    /// This field edited member by member.
    pub const fn members(self, members: &'static [FieldSpec]) -> FieldSpec {
        FieldSpec { members, ..self }
    }

    /// A member field (of an object field), with its full key.
    pub const fn key(self, key: &'static str) -> FieldSpec {
        FieldSpec { key, ..self }
    }

    /// Required, but an empty value is a value.
    pub const fn empty_ok(self) -> FieldSpec {
        FieldSpec {
            empty_ok: true,
            ..self
        }
    }
}

/// A field a binding of the type needs. (The key is the Rust field's name, filled in by
/// `binding_kinds!`.)
pub const fn req(input: Input, help: &'static str) -> FieldSpec {
    FieldSpec {
        key: "",
        input,
        required: true,
        empty_ok: false,
        resource: None,
        help,
        members: &[],
    }
}

/// A field a binding of the type may leave out.
pub const fn opt(input: Input, help: &'static str) -> FieldSpec {
    FieldSpec {
        required: false,
        ..req(input, help)
    }
}

/// Fields of which at least one must be set.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct OneOf {
    pub fields: &'static [&'static str],
    /// At most one of them, too (sending both is ambiguous).
    pub exclusive: bool,
}

/// How a section of wrangler's configuration holds its bindings.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Layout {
    /// An array of tables: `kv_namespaces = [{ binding = "KV", id = "…" }]`.
    List,
    /// An array of tables under a key of the section: `durable_objects.bindings`,
    /// `queues.producers`.
    Under(&'static str),
    /// One table, one binding: `ai = { binding = "AI" }`.
    Table,
    /// A table of binding name → file path (the service-worker blobs: `wasm_modules`).
    Paths,
}

/// Where wrangler's configuration declares bindings of a type, and how it spells their fields.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct WranglerKey {
    /// The configuration's key (`kv_namespaces`).
    pub section: &'static str,
    pub layout: Layout,
    /// The key holding the binding's name in each table: `binding`, or `name` in a few
    /// sections (`durable_objects`, `send_email`, `ratelimits`, `logfwdr`).
    pub name_key: &'static str,
    /// Fields wrangler spells differently from the wire: (wire key, wrangler key). A KV
    /// namespace's `namespace_id` is wrangler's `id`.
    pub renames: &'static [(&'static str, &'static str)],
}

impl WranglerKey {
    /// Declared under `section`, named by `binding`, every field spelled as on the wire.
    pub const fn new(section: &'static str, layout: Layout) -> WranglerKey {
        WranglerKey {
            section,
            layout,
            name_key: "binding",
            renames: &[],
        }
    }

    /// Named by `key` instead of `binding`.
    pub const fn named_by(self, name_key: &'static str) -> WranglerKey {
        WranglerKey { name_key, ..self }
    }

    /// Fields wrangler spells differently: (wire key, wrangler key).
    pub const fn renames(self, renames: &'static [(&'static str, &'static str)]) -> WranglerKey {
        WranglerKey { renames, ..self }
    }

    /// wrangler's key for a wire field.
    pub fn wrangler_key<'k>(&self, wire: &'k str) -> &'k str {
        self.renames
            .iter()
            .find(|(w, _)| *w == wire)
            .map_or(wire, |(_, key)| key)
    }
}

/// Declared in an array of tables under `section`.
pub const fn listed(section: &'static str) -> WranglerKey {
    WranglerKey::new(section, Layout::List)
}

/// Declared in an array of tables under `section.key`.
pub const fn under(section: &'static str, key: &'static str) -> WranglerKey {
    WranglerKey::new(section, Layout::Under(key))
}

/// Declared as the one table `section`.
pub const fn table(section: &'static str) -> WranglerKey {
    WranglerKey::new(section, Layout::Table)
}

/// Declared as name → file path under `section`.
pub const fn paths(section: &'static str) -> WranglerKey {
    WranglerKey::new(section, Layout::Paths)
}

/// Everything the catalog knows about one binding type.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TypeSpec {
    /// The wire `type`.
    pub type_name: &'static str,
    /// The chooser's name for it ("Plain text variable").
    pub label: &'static str,
    /// The word used in sentences ("Variable MODE will be removed").
    pub noun: &'static str,
    pub group: Group,
    pub help: &'static str,
    /// The form's fields, in wire order.
    pub fields: &'static [FieldSpec],
    /// Sets of alternative fields, one of which is required.
    pub one_of: &'static [OneOf],
    /// Where a wrangler configuration declares it; `None` for a type wrangler has no key for,
    /// or declares in its own way (variables in `vars`, secrets never, `inherit` through
    /// `secrets.required`, the assets binding in `assets.binding`).
    pub wrangler: Option<WranglerKey>,
}

impl TypeSpec {
    pub const fn noun(self, noun: &'static str) -> TypeSpec {
        TypeSpec { noun, ..self }
    }

    /// One of `fields` is required.
    pub const fn one_of(self, one_of: &'static [OneOf]) -> TypeSpec {
        TypeSpec { one_of, ..self }
    }

    /// Declared in a wrangler configuration as `key` says.
    pub const fn wrangler(self, key: WranglerKey) -> TypeSpec {
        TypeSpec {
            wrangler: Some(key),
            ..self
        }
    }

    /// The field with this key (a member's full key reaches into its object).
    pub fn field(&self, key: &str) -> Option<&'static FieldSpec> {
        self.form_fields().find(|f| f.key == key)
    }

    /// Every field as the form shows it: an object field edited member by member gives its
    /// members instead.
    pub fn form_fields(&self) -> impl Iterator<Item = &'static FieldSpec> {
        self.fields.iter().flat_map(|field| {
            if field.members.is_empty() {
                std::slice::from_ref(field)
            } else {
                field.members
            }
        })
    }

    /// The write-only fields (top-level keys), in order.
    pub fn write_only_fields(&self) -> impl Iterator<Item = &'static str> {
        self.fields.iter().filter(|f| f.write_only()).map(|f| f.key)
    }

    /// Whether a binding of this type carries a write-only value.
    pub fn holds_secret(&self) -> bool {
        self.fields.iter().any(FieldSpec::write_only)
    }

    /// Whether the chooser's search text matches (label, wire type or help).
    pub fn matches(&self, query: &str) -> bool {
        let query = query.trim().to_lowercase();
        query.is_empty()
            || self.label.to_lowercase().contains(&query)
            || self.type_name.contains(&query)
            || self.help.to_lowercase().contains(&query)
    }
}

/// A type's entry before `binding_kinds!` adds its wire name and fields.
pub const fn kind(label: &'static str, group: Group, help: &'static str) -> TypeSpec {
    TypeSpec {
        type_name: "",
        label,
        noun: label,
        group,
        help,
        fields: &[],
        one_of: &[],
        wrangler: None,
    }
}

/// At least one of `fields`.
pub const fn any_of(fields: &'static [&'static str]) -> OneOf {
    OneOf {
        fields,
        exclusive: false,
    }
}

/// Exactly one of `fields`.
pub const fn exactly_one(fields: &'static [&'static str]) -> OneOf {
    OneOf {
        fields,
        exclusive: true,
    }
}

/// The types the app's folded chooser offers once a composition has a binding (the full list
/// opens on demand), most used first.
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

/// The catalog entry of a known binding type.
pub fn lookup(type_name: &str) -> Option<&'static TypeSpec> {
    super::CATALOG.iter().find(|t| t.type_name == type_name)
}

/// The binding type declared under a wrangler configuration's `section`, with its key.
pub fn wrangler_section(section: &str) -> Option<(&'static TypeSpec, &'static WranglerKey)> {
    super::CATALOG.iter().find_map(|spec| {
        spec.wrangler
            .as_ref()
            .filter(|key| key.section == section)
            .map(|key| (spec, key))
    })
}

/// The write-only fields of a binding type: values the API never returns, that Bindery never
/// stores and masks on screen. Empty for every type that holds no secret (and unknown types).
pub fn secret_fields(type_name: &str) -> impl Iterator<Item = &'static str> {
    lookup(type_name)
        .into_iter()
        .flat_map(TypeSpec::write_only_fields)
}

/// Every (type, field) naming `resource`, in catalog order.
pub fn fields_naming(
    resource: Resource,
) -> impl Iterator<Item = (&'static TypeSpec, &'static FieldSpec)> {
    super::CATALOG.iter().flat_map(move |spec| {
        spec.form_fields()
            .filter(move |f| f.resource == Some(resource))
            .map(move |f| (spec, f))
    })
}
