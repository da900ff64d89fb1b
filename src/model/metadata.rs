//! The `metadata` object (section (b) of the API reference), field by field.
//!
//! Field order follows wrangler's, so previews look like what the official CLI sends. Unset
//! fields are `None` or absent lists and are omitted from the JSON, never sent as `null`. Every
//! object is open (see [`super::open`]): members this build does not know are kept in `extra`
//! and sent as given.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Number, Value};

use super::Binding;

crate::open_struct! {
    /// The metadata part (the `settings` part of a settings PATCH).
    pub struct Metadata {
        /// Part name of the ES-module entry point (module syntax).
        opt main_module: String,
        /// Part name of the service-worker script (legacy syntax).
        opt body_part: String,
        list bindings: Binding,
        list containers: Container,
        opt compatibility_date: String,
        list compatibility_flags: String,
        opt migrations: Migrations,
        /// How Durable Objects pick up new code (wrangler sends it on every `deploy` upload).
        opt code_update_strategy: CodeUpdateStrategy,
        /// Declarative exports (class / entrypoint name → descriptor), an alternative to
        /// migrations for Durable Objects.
        opt exports: Exports,
        opt capnp_schema: String,
        /// Binding *types* carried over from the previous version.
        list keep_bindings: String,
        opt usage_model: UsageModel,
        list tags: String,
        opt logpush: bool,
        opt placement: Placement,
        list tail_consumers: TailConsumer,
        list streaming_tail_consumers: TailConsumer,
        opt limits: Limits,
        opt annotations: Annotations,
        opt keep_assets: bool,
        opt assets: Assets,
        opt observability: Observability,
        opt cache_options: CacheOptions,
        list package_dependencies: PackageDependency,
    }
}

impl Metadata {
    /// The part named as entry: `main_module`, else `body_part`.
    pub fn entry_part(&self) -> Option<&str> {
        self.main_module.as_deref().or(self.body_part.as_deref())
    }

    /// Whether each known field is written, in [`METADATA_FIELDS`] (wire) order. A list counts
    /// when it is present, even empty (`[]` clears the list on a settings PATCH). Cheap: no
    /// serialization, no allocation.
    pub fn set_fields(&self) -> [(&'static str, bool); 24] {
        let m = self;
        [
            ("main_module", m.main_module.is_some()),
            ("body_part", m.body_part.is_some()),
            ("bindings", m.bindings.is_present()),
            ("containers", m.containers.is_present()),
            ("compatibility_date", m.compatibility_date.is_some()),
            ("compatibility_flags", m.compatibility_flags.is_present()),
            ("migrations", m.migrations.is_some()),
            ("code_update_strategy", m.code_update_strategy.is_some()),
            ("exports", m.exports.is_some()),
            ("capnp_schema", m.capnp_schema.is_some()),
            ("keep_bindings", m.keep_bindings.is_present()),
            ("usage_model", m.usage_model.is_some()),
            ("tags", m.tags.is_present()),
            ("logpush", m.logpush.is_some()),
            ("placement", m.placement.is_some()),
            ("tail_consumers", m.tail_consumers.is_present()),
            (
                "streaming_tail_consumers",
                m.streaming_tail_consumers.is_present(),
            ),
            ("limits", m.limits.is_some()),
            ("annotations", m.annotations.is_some()),
            ("keep_assets", m.keep_assets.is_some()),
            ("assets", m.assets.is_some()),
            ("observability", m.observability.is_some()),
            ("cache_options", m.cache_options.is_some()),
            ("package_dependencies", m.package_dependencies.is_present()),
        ]
    }

    /// The metadata as the JSON object serializing it gives, with `bindings` in place of the
    /// bindings list (left out when `None`); every other member is serialized alone. The list
    /// is the one member that grows with the Worker: an edit of another field, and the preview
    /// that writes each binding on its own, need not write it out.
    pub fn object_with_bindings(&self, bindings: Option<Value>) -> Map<String, Value> {
        let mut object = Map::new();
        let mut bindings = bindings;
        for (name, set) in self.set_fields() {
            let value = match name {
                _ if !set => None,
                "bindings" => bindings.take(),
                name => self.member(name),
            };
            if let Some(value) = value {
                object.insert(name.to_string(), value);
            }
        }
        // A kept member named like a known one replaces its value in place, as in the whole
        // object.
        for (key, value) in &self.extra {
            object.insert(key.clone(), value.clone());
        }
        object
    }

    /// Module syntax unless the metadata names a `body_part` (service-worker syntax).
    pub fn is_service_worker(&self) -> bool {
        self.body_part.is_some() && self.main_module.is_none()
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UsageModel {
    Standard,
    Bundled,
    Unbound,
}

impl UsageModel {
    pub const ALL: [UsageModel; 3] = [
        UsageModel::Standard,
        UsageModel::Bundled,
        UsageModel::Unbound,
    ];

    pub fn id(self) -> &'static str {
        match self {
            UsageModel::Standard => "standard",
            UsageModel::Bundled => "bundled",
            UsageModel::Unbound => "unbound",
        }
    }
}

crate::open_struct! {
    /// A Container linked to a Durable Object class (wrangler also sends its `images`).
    pub struct Container {
        opt name: String,
        opt class_name: String,
    }
}

crate::open_struct! {
    /// Durable Object migrations, single-step (class lists at the top level) or stepped (`steps`).
    pub struct Migrations {
        opt old_tag: String,
        opt new_tag: String,
        list new_classes: String,
        list new_sqlite_classes: String,
        list renamed_classes: RenamedClass,
        list deleted_classes: String,
        list transferred_classes: TransferredClass,
        opt steps: Vec<MigrationStep>,
    }
}

impl Migrations {
    pub fn is_stepped(&self) -> bool {
        self.steps.is_some()
    }

    /// The class changes written at the top level (the single-step form).
    pub fn single_step(&self) -> MigrationStep {
        MigrationStep {
            new_classes: self.new_classes.clone(),
            new_sqlite_classes: self.new_sqlite_classes.clone(),
            renamed_classes: self.renamed_classes.clone(),
            deleted_classes: self.deleted_classes.clone(),
            transferred_classes: self.transferred_classes.clone(),
            extra: Default::default(),
        }
    }

    /// Every step, whichever form the migration is written in.
    pub fn all_steps(&self) -> Vec<MigrationStep> {
        let mut steps = vec![self.single_step()];
        steps.extend(self.steps.iter().flatten().cloned());
        steps.retain(|s| !s.is_empty());
        steps
    }
}

crate::open_struct! {
    pub struct MigrationStep {
        list new_classes: String,
        list new_sqlite_classes: String,
        list renamed_classes: RenamedClass,
        list deleted_classes: String,
        list transferred_classes: TransferredClass,
    }
}

impl MigrationStep {
    /// Whether the step changes no class (empty lists count as none).
    pub fn is_empty(&self) -> bool {
        self.new_classes.is_empty()
            && self.new_sqlite_classes.is_empty()
            && self.renamed_classes.is_empty()
            && self.deleted_classes.is_empty()
            && self.transferred_classes.is_empty()
    }
}

crate::open_struct! {
    pub struct RenamedClass {
        req from: String,
        req to: String,
    }
}

crate::open_struct! {
    pub struct TransferredClass {
        req from: String,
        req from_script: String,
        req to: String,
    }
}

crate::open_struct! {
    /// How Durable Objects switch to the new code: `immediate`, or `deferred` until they
    /// hibernate, at most `max_delay` seconds (default 300, at most 86400).
    pub struct CodeUpdateStrategy {
        opt mode: String,
        /// Seconds, kept as written (wrangler allows fractions).
        opt max_delay: Number,
    }
}

/// Declarative exports: export name → descriptor, in the order given.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Exports(pub Vec<(String, Export)>);

impl Exports {
    /// The export called `name`.
    pub fn get(&self, name: &str) -> Option<&Export> {
        self.0.iter().find(|(n, _)| n == name).map(|(_, e)| e)
    }

    pub fn iter(&self) -> impl Iterator<Item = (&String, &Export)> {
        self.0.iter().map(|(name, export)| (name, export))
    }

    pub fn keys(&self) -> impl Iterator<Item = &String> {
        self.0.iter().map(|(name, _)| name)
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl<'a> IntoIterator for &'a Exports {
    type Item = (&'a String, &'a Export);
    type IntoIter = std::iter::Map<
        std::slice::Iter<'a, (String, Export)>,
        fn(&'a (String, Export)) -> (&'a String, &'a Export),
    >;
    fn into_iter(self) -> Self::IntoIter {
        self.0.iter().map(|(name, export)| (name, export))
    }
}

impl std::ops::Index<&str> for Exports {
    type Output = Export;
    fn index(&self, name: &str) -> &Export {
        self.get(name).expect("no export of that name")
    }
}

impl Serialize for Exports {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for (name, export) in &self.0 {
            map.serialize_entry(name, export)?;
        }
        map.end()
    }
}

impl<'de> Deserialize<'de> for Exports {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let object = serde_json::Map::<String, serde_json::Value>::deserialize(deserializer)?;
        object
            .into_iter()
            .map(|(name, value)| {
                let export = match value {
                    serde_json::Value::Object(fields) => {
                        Export::from_object(fields).map_err(|e| super::in_field(&name, &e))
                    }
                    other => Err(format!("`{name}`: expected an object, not {other}")),
                };
                export.map(|export| (name, export))
            })
            .collect::<Result<Vec<_>, String>>()
            .map(Exports)
            .map_err(<D::Error as serde::de::Error>::custom)
    }
}

crate::open_struct! {
    /// One declarative export (the SDK's `Workers*Export` types): a Worker entrypoint
    /// (`type: "worker"`, optional `cache`), a Durable Object (`type: "durable-object"` with
    /// `storage` and an optional `container`), or a Durable Object tombstone (`state`:
    /// `deleted`, `renamed` + `renamed_to`, `transferred` + `transferred_to`,
    /// `expecting-transfer` + `transfer_from` and `storage`).
    pub struct Export {
        opt kind: String = "type",
        /// `created` (the default), `deleted`, `renamed`, `transferred` or `expecting-transfer`.
        opt state: String,
        /// `sqlite` or `legacy-kv`.
        opt storage: String,
        /// The `name` of an entry of `containers`.
        opt container: String,
        opt cache: ExportCache,
        opt renamed_to: String,
        opt transferred_to: String,
        opt transfer_from: String,
    }
}

crate::open_struct! {
    pub struct ExportCache {
        opt enabled: bool,
    }
}

crate::open_struct! {
    /// Smart or targeted placement. Every shape of the reference fits: `{mode:"smart"}`,
    /// `{region}` / `{hostname}` / `{host}` with or without `mode:"targeted"`, or
    /// `{mode, target:[…]}`.
    pub struct Placement {
        opt mode: String,
        opt hint: String,
        opt region: String,
        opt hostname: String,
        opt host: String,
        opt target: Vec<PlacementTarget>,
    }
}

crate::open_struct! {
    pub struct PlacementTarget {
        opt region: String,
        opt hostname: String,
        opt host: String,
    }
}

crate::open_struct! {
    pub struct TailConsumer {
        req service: String,
        opt environment: String,
        opt namespace: String,
    }
}

crate::open_struct! {
    pub struct Limits {
        opt cpu_ms: u64,
        opt subrequests: u64,
    }
}

crate::open_struct! {
    pub struct Annotations {
        opt message: String = "workers/message",
        opt tag: String = "workers/tag",
        /// Version uploads only.
        opt alias: String = "workers/alias",
    }
}

crate::open_struct! {
    pub struct Assets {
        /// Completion token of an assets upload session.
        opt jwt: String,
        opt config: AssetsConfig,
        /// Whether the assets of earlier versions are retained.
        opt retention: AssetsRetention,
    }
}

crate::open_struct! {
    pub struct AssetsConfig {
        /// `auto-trailing-slash`, `force-trailing-slash`, `drop-trailing-slash` or `none`.
        opt html_handling: String,
        /// `none`, `404-page` or `single-page-application`.
        opt not_found_handling: String,
        /// A boolean, or a list of path rules such as `/api/*` and `!/static/*`.
        opt run_worker_first: serde_json::Value,
        opt headers: String = "_headers",
        opt redirects: String = "_redirects",
        /// The path the assets are served under.
        opt base_path: String,
        /// Deprecated.
        opt serve_directly: bool,
    }
}

crate::open_struct! {
    pub struct AssetsRetention {
        opt enabled: bool,
    }
}

crate::open_struct! {
    /// Workers Logs and traces. Every sub-field is optional, as wrangler sends them (e.g. only
    /// `logs: {enabled, invocation_logs}`); sampling rates are kept as written.
    pub struct Observability {
        opt enabled: bool,
        opt head_sampling_rate: Number,
        opt logs: ObservabilityLogs,
        opt traces: ObservabilityTraces,
    }
}

crate::open_struct! {
    pub struct ObservabilityLogs {
        opt enabled: bool,
        opt invocation_logs: bool,
        opt head_sampling_rate: Number,
        opt persist: bool,
        list destinations: String,
    }
}

crate::open_struct! {
    pub struct ObservabilityTraces {
        opt enabled: bool,
        opt head_sampling_rate: Number,
        opt persist: bool,
        list destinations: String,
        /// `authenticated` or `accept`.
        opt propagation_policy: String,
    }
}

crate::open_struct! {
    pub struct CacheOptions {
        req enabled: bool,
        opt cross_version_cache: bool,
    }
}

crate::open_struct! {
    pub struct PackageDependency {
        req name: String,
        req package_json_version: String = "packageJsonVersion",
        req installed_version: String = "installedVersion",
    }
}

/// How one endpoint treats a metadata field, from the sources of the API reference: the
/// official SDK's request types (`ScriptUpdateParams`, `VersionCreateParams`,
/// `ScriptAndVersionSettingEditParams`, `ContentUpdateParams`) and what wrangler 4.164 sends
/// (`deploy`, which uploads with a PUT, or a version plus a deployment when the Worker exists;
/// `versions upload`; the wrangler corpus under `tests/wrangler/corpus` shows both).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Accepts {
    /// The sources agree: the endpoint takes it.
    Yes,
    /// The sources disagree (the reason says how): Bindery sends it and warns.
    Disputed(&'static str),
    /// No source sends it there: Bindery leaves it out. The text names the request that
    /// carries it instead.
    No(&'static str),
}

impl Accepts {
    /// Whether the field is sent.
    pub fn sends(self) -> bool {
        !matches!(self, Accepts::No(_))
    }
}

/// Which endpoints take a metadata field.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FieldSupport {
    pub name: &'static str,
    /// PUT script and PUT dispatch script.
    pub upload: Accepts,
    /// POST versions.
    pub version: Accepts,
    /// PATCH settings.
    pub settings: Accepts,
    /// PUT content.
    pub content: Accepts,
}

use Accepts::{Disputed, No, Yes};

const fn field(
    name: &'static str,
    upload: Accepts,
    version: Accepts,
    settings: Accepts,
    content: Accepts,
) -> FieldSupport {
    FieldSupport {
        name,
        upload,
        version,
        settings,
        content,
    }
}

/// Where the fields a content upload does not take go.
const NOT_CONTENT: Accepts = No("an upload, a version upload or a settings PATCH: a content upload (PUT …/content) replaces the code only");
const UPLOAD_OR_VERSION: Accepts = No("an upload or a version upload");
const VERSION_LACKS: &str = "the SDK's version upload does not list it; wrangler sends it there";

/// Every metadata field in wire order, with how each endpoint takes it. Grounding, row by
/// row (SDK = the official SDK's request type for that endpoint; wrangler = what wrangler 4.164
/// sends there):
/// - PUT upload: every field of the SDK's `ScriptUpdateParams.Metadata`, plus what only
///   wrangler sends (`containers`, `code_update_strategy`, `capnp_schema`,
///   `streaming_tail_consumers`).
/// - POST versions: the SDK lists `main_module`, `bindings`, `compatibility_*`, `exports`,
///   `keep_bindings`, `usage_model`, `annotations`, `cache_options`, `package_dependencies`;
///   wrangler also sends `containers`, `capnp_schema`, `placement`, `tail_consumers`, `limits`,
///   `assets` (`versions upload` and `deploy`), and `logpush`, `observability`,
///   `streaming_tail_consumers` (`deploy` only): disputed, sent with a warning. Neither sends
///   `body_part`, `migrations` (wrangler refuses them), `code_update_strategy` (wrangler puts it
///   on the deployment), `tags` or `keep_assets`.
/// - PATCH settings: the SDK's `ScriptAndVersionSettingEditParams.Settings`.
/// - PUT content: the SDK's `ContentUpdateParams.Metadata` (`main_module`, `body_part`).
pub const METADATA_FIELDS: &[FieldSupport] = &[
    field("main_module", Yes, Yes, No("an upload or a content upload (PUT …/content)"), Yes),
    field(
        "body_part",
        Yes,
        No("an upload: version uploads take module syntax (`main_module`) only"),
        No("an upload or a content upload (PUT …/content)"),
        Yes,
    ),
    field("bindings", Yes, Yes, Yes, NOT_CONTENT),
    field("containers", Yes, Yes, UPLOAD_OR_VERSION, NOT_CONTENT),
    field("compatibility_date", Yes, Yes, Yes, NOT_CONTENT),
    field("compatibility_flags", Yes, Yes, Yes, NOT_CONTENT),
    field(
        "migrations",
        Yes,
        No("an upload (PUT …/scripts/NAME), which wrangler falls back to when there are migrations"),
        Yes,
        NOT_CONTENT,
    ),
    field(
        "code_update_strategy",
        Yes,
        No("the deployment of the version (POST …/deployments), where wrangler sends it"),
        No("an upload (PUT …/scripts/NAME) or a deployment (POST …/deployments)"),
        NOT_CONTENT,
    ),
    field("exports", Yes, Yes, Yes, NOT_CONTENT),
    field("capnp_schema", Yes, Yes, UPLOAD_OR_VERSION, NOT_CONTENT),
    field(
        "keep_bindings",
        Yes,
        Yes,
        No("no request: on a settings PATCH, list each binding to keep with only its name and type"),
        NOT_CONTENT,
    ),
    field("usage_model", Yes, Yes, Yes, NOT_CONTENT),
    field(
        "tags",
        Yes,
        No("a settings PATCH (…/settings) or …/script-settings: tags are not versioned"),
        Yes,
        NOT_CONTENT,
    ),
    field(
        "logpush",
        Yes,
        Disputed("the SDK's version upload does not list it and `wrangler versions upload` leaves it out, but `wrangler deploy` sends it there"),
        Yes,
        NOT_CONTENT,
    ),
    field("placement", Yes, Disputed(VERSION_LACKS), Yes, NOT_CONTENT),
    field("tail_consumers", Yes, Disputed(VERSION_LACKS), Yes, NOT_CONTENT),
    field(
        "streaming_tail_consumers",
        Yes,
        Disputed("the SDK does not list it; `wrangler deploy` sends it there, `wrangler versions upload` does not"),
        UPLOAD_OR_VERSION,
        NOT_CONTENT,
    ),
    field("limits", Yes, Disputed(VERSION_LACKS), Yes, NOT_CONTENT),
    field("annotations", Yes, Yes, Yes, NOT_CONTENT),
    field(
        "keep_assets",
        Yes,
        No("an upload (PUT …/scripts/NAME)"),
        No("an upload (PUT …/scripts/NAME)"),
        NOT_CONTENT,
    ),
    field("assets", Yes, Disputed(VERSION_LACKS), UPLOAD_OR_VERSION, NOT_CONTENT),
    field(
        "observability",
        Yes,
        Disputed("the SDK's version upload does not list it and `wrangler versions upload` leaves it out, but `wrangler deploy` sends it there"),
        Yes,
        NOT_CONTENT,
    ),
    field("cache_options", Yes, Yes, Yes, NOT_CONTENT),
    field("package_dependencies", Yes, Yes, UPLOAD_OR_VERSION, NOT_CONTENT),
];

impl FieldSupport {
    /// How `operation` takes the field.
    pub fn support(&self, operation: super::Operation) -> Accepts {
        match operation {
            super::Operation::Upload => self.upload,
            super::Operation::Version => self.version,
            super::Operation::Settings => self.settings,
            super::Operation::Content => self.content,
        }
    }

    /// Whether `operation` sends the field (taken, or disputed and sent with a warning).
    pub fn accepted_by(&self, operation: super::Operation) -> bool {
        self.support(operation).sends()
    }

    pub fn lookup(name: &str) -> Option<&'static FieldSupport> {
        METADATA_FIELDS.iter().find(|f| f.name == name)
    }
}

/// A list a settings PATCH takes, where absent and `[]` differ: absent keeps the deployed list,
/// `[]` clears it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PatchList {
    pub name: &'static str,
    /// "every binding": what `[]` removes.
    pub every: &'static str,
    /// "bindings": what absent keeps.
    pub plural: &'static str,
}

/// Every list a settings PATCH takes, in wire order.
pub const PATCH_LISTS: [PatchList; 4] = [
    PatchList {
        name: "bindings",
        every: "every binding",
        plural: "bindings",
    },
    PatchList {
        name: "compatibility_flags",
        every: "every compatibility flag",
        plural: "compatibility flags",
    },
    PatchList {
        name: "tags",
        every: "every tag",
        plural: "tags",
    },
    PatchList {
        name: "tail_consumers",
        every: "every tail Worker",
        plural: "tail Workers",
    },
];

/// Whether a list is left out, written empty, or holds items: what a settings PATCH does with it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ListPresence {
    /// Left out: the deployed list stays.
    Absent,
    /// `[]`: the deployed list is cleared.
    Empty,
    /// These many items replace the deployed list.
    Items(usize),
}

impl PatchList {
    pub fn lookup(name: &str) -> Option<&'static PatchList> {
        PATCH_LISTS.iter().find(|l| l.name == name)
    }

    /// How `metadata` holds this list.
    pub fn presence(&self, metadata: &Metadata) -> ListPresence {
        let m = metadata;
        let (present, len) = match self.name {
            "bindings" => (m.bindings.is_present(), m.bindings.len()),
            "compatibility_flags" => (
                m.compatibility_flags.is_present(),
                m.compatibility_flags.len(),
            ),
            "tags" => (m.tags.is_present(), m.tags.len()),
            "tail_consumers" => (m.tail_consumers.is_present(), m.tail_consumers.len()),
            _ => (false, 0),
        };
        match (present, len) {
            (false, _) => ListPresence::Absent,
            (true, 0) => ListPresence::Empty,
            (true, n) => ListPresence::Items(n),
        }
    }

    /// Empties the list, leaving it out (`absent`) or writing `[]`.
    pub fn clear(&self, metadata: &mut Metadata, absent: bool) {
        fn set<T>(list: &mut super::List<T>, absent: bool) {
            if absent {
                list.set_absent()
            } else {
                list.set_empty()
            }
        }
        let m = metadata;
        match self.name {
            "bindings" => set(&mut m.bindings, absent),
            "compatibility_flags" => set(&mut m.compatibility_flags, absent),
            "tags" => set(&mut m.tags, absent),
            "tail_consumers" => set(&mut m.tail_consumers, absent),
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_patch_list_is_a_list_a_settings_patch_takes() {
        let written: Metadata = serde_json::from_value(serde_json::json!(
            {"bindings": [], "compatibility_flags": [], "tags": [], "tail_consumers": []}
        ))
        .unwrap();
        for list in PATCH_LISTS {
            let support = FieldSupport::lookup(list.name).unwrap();
            assert!(support.accepted_by(super::super::Operation::Settings));
            assert_eq!(list.presence(&Metadata::default()), ListPresence::Absent);
            assert_eq!(
                list.presence(&written),
                ListPresence::Empty,
                "{}",
                list.name
            );
            let mut m = written.clone();
            list.clear(&mut m, true);
            assert_eq!(list.presence(&m), ListPresence::Absent);
            list.clear(&mut m, false);
            assert_eq!(list.presence(&m), ListPresence::Empty);
        }
        let others: Vec<&str> = METADATA_FIELDS
            .iter()
            .filter(|f| f.accepted_by(super::super::Operation::Settings))
            .map(|f| f.name)
            .filter(|name| {
                let mut object = serde_json::Map::new();
                object.insert(name.to_string(), serde_json::json!([]));
                let m: Metadata =
                    serde_json::from_value(serde_json::Value::Object(object)).unwrap_or_default();
                m.set_fields().iter().any(|(n, set)| n == name && *set)
            })
            .collect();
        let names: Vec<&str> = PATCH_LISTS.iter().map(|l| l.name).collect();
        assert_eq!(others, names, "the lists a settings PATCH takes");
    }

    #[test]
    fn set_fields_cover_every_metadata_field_in_order() {
        let names: Vec<&str> = Metadata::default()
            .set_fields()
            .iter()
            .map(|(n, _)| *n)
            .collect();
        let expected: Vec<&str> = METADATA_FIELDS.iter().map(|f| f.name).collect();
        assert_eq!(names, expected);
        assert!(Metadata::default().set_fields().iter().all(|(_, set)| !set));
    }

    #[test]
    fn set_fields_agree_with_what_serializes() {
        let metadata: Metadata = serde_json::from_value(serde_json::json!({
            "main_module": "a.js", "bindings": [], "tags": ["t"], "logpush": false,
            "limits": {}, "keep_assets": false
        }))
        .unwrap();
        let serialized = serde_json::to_value(&metadata).unwrap();
        for (name, set) in metadata.set_fields() {
            assert_eq!(set, serialized.get(name).is_some(), "{name}");
        }
    }

    #[test]
    fn the_endpoint_table_has_a_row_for_every_known_field_in_wire_order() {
        let rows: Vec<&str> = METADATA_FIELDS.iter().map(|f| f.name).collect();
        assert_eq!(rows, Metadata::FIELDS);
    }

    #[test]
    fn every_field_left_out_names_the_request_that_carries_it() {
        for row in METADATA_FIELDS {
            for operation in crate::model::Operation::ALL {
                match row.support(operation) {
                    Accepts::No(instead) | Accepts::Disputed(instead) => {
                        assert!(instead.len() > 10, "{} on {operation:?}", row.name)
                    }
                    Accepts::Yes => {}
                }
            }
            assert_eq!(
                row.upload,
                Accepts::Yes,
                "{}: an upload takes every field",
                row.name
            );
        }
    }

    #[test]
    fn what_wrangler_sends_loads_and_serializes_as_given() {
        let given = serde_json::json!({
            "main_module": "index.js",
            "bindings": [{"name": "K", "type": "kv_namespace", "namespace_id": "abc"}],
            "compatibility_date": "2025-01-01",
            "compatibility_flags": [],
            "code_update_strategy": {"mode": "deferred", "max_delay": 300},
            "keep_bindings": ["secret_text", "secret_key"],
            "observability": {"logs": {"enabled": true, "invocation_logs": false, "head_sampling_rate": 0.5}},
            "extra_field": "kept as given",
            "nested": {"list": [1, 2, 3], "flag": true}
        });
        let metadata: Metadata = serde_json::from_value(given.clone()).unwrap();
        assert!(metadata.compatibility_flags.is_written_empty());
        assert_eq!(
            metadata.extra.keys().collect::<Vec<_>>(),
            ["extra_field", "nested"]
        );
        assert_eq!(serde_json::to_value(&metadata).unwrap(), given);
    }

    #[test]
    fn numbers_are_kept_as_written() {
        let given =
            serde_json::json!({"observability": {"enabled": true, "head_sampling_rate": 1}});
        let metadata: Metadata = serde_json::from_value(given).unwrap();
        assert_eq!(
            serde_json::to_string(&metadata).unwrap(),
            r#"{"observability":{"enabled":true,"head_sampling_rate":1}}"#
        );
    }

    #[test]
    fn unknown_members_of_known_objects_are_kept() {
        let given = serde_json::json!({
            "observability": {"enabled": true, "issues": {"enabled": true}, "redact_query_string": true},
            "assets": {"config": {"base_path": "/docs", "future": 1}, "retention": {"enabled": true}},
            "limits": {"cpu_ms": 5, "memory_mb": 128},
            "placement": {"mode": "smart", "strategy": "latency"},
            "migrations": {"new_tag": "v1", "steps": [{"new_classes": ["A"], "note": "x"}]},
            "tail_consumers": [{"service": "t", "filters": ["a"]}],
            "containers": [{"class_name": "C", "images": ["img"]}]
        });
        let metadata: Metadata = serde_json::from_value(given.clone()).unwrap();
        assert_eq!(serde_json::to_value(&metadata).unwrap(), given);
        let observability = metadata.observability.unwrap();
        assert_eq!(
            observability.extra.keys().collect::<Vec<_>>(),
            ["issues", "redact_query_string"]
        );
        assert_eq!(metadata.limits.unwrap().extra.len(), 1);
    }

    #[test]
    fn a_settings_patch_keeps_empty_lists_apart_from_absent_ones() {
        let given = serde_json::json!({"bindings": [], "compatibility_flags": [], "tags": [], "tail_consumers": []});
        let metadata: Metadata = serde_json::from_value(given.clone()).unwrap();
        assert_eq!(serde_json::to_value(&metadata).unwrap(), given);
        assert_ne!(metadata, Metadata::default());
        assert_eq!(serde_json::to_string(&Metadata::default()).unwrap(), "{}");
    }

    #[test]
    fn typed_exports_read_every_shape_of_the_sdk() {
        let given = serde_json::json!({
            "Api": {"type": "worker", "cache": {"enabled": true}},
            "Cart": {"type": "durable-object", "storage": "sqlite", "container": "box"},
            "Old": {"type": "durable-object", "state": "deleted"},
            "Moved": {"type": "durable-object", "state": "renamed", "renamed_to": "New"},
            "Gone": {"type": "durable-object", "state": "transferred", "transferred_to": "other"},
            "Coming": {"type": "durable-object", "state": "expecting-transfer", "storage": "sqlite", "transfer_from": "other"}
        });
        let exports: Exports = serde_json::from_value(given.clone()).unwrap();
        assert_eq!(exports["Cart"].container.as_deref(), Some("box"));
        assert_eq!(exports["Api"].cache.as_ref().unwrap().enabled, Some(true));
        assert_eq!(
            exports.keys().collect::<Vec<_>>(),
            ["Api", "Cart", "Old", "Moved", "Gone", "Coming"]
        );
        assert_eq!(serde_json::to_value(&exports).unwrap(), given);
    }

    #[test]
    fn a_known_field_of_the_wrong_type_is_still_an_error_naming_it() {
        let error =
            serde_json::from_value::<Metadata>(serde_json::json!({"limits": {"cpu_ms": "fast"}}))
                .unwrap_err()
                .to_string();
        assert!(
            error.starts_with("`limits.cpu_ms`: invalid type"),
            "{error}"
        );
    }

    /// The fields this version adds: each loads typed, and a value of the wrong type is an
    /// error naming it.
    #[test]
    fn new_fields_are_typed_and_refuse_a_wrong_type() {
        let typed: Metadata = serde_json::from_value(serde_json::json!({
            "code_update_strategy": {"mode": "immediate", "max_delay": 10},
            "assets": {"retention": {"enabled": true}, "config": {"base_path": "/docs"}},
            "observability": {"logs": {"invocation_logs": true}, "traces": {"enabled": false}},
            "exports": {"Cart": {"type": "durable-object", "storage": "sqlite"}}
        }))
        .unwrap();
        assert_eq!(
            typed.code_update_strategy.unwrap().mode.as_deref(),
            Some("immediate")
        );
        let assets = typed.assets.unwrap();
        assert_eq!(assets.retention.unwrap().enabled, Some(true));
        assert_eq!(assets.config.unwrap().base_path.as_deref(), Some("/docs"));
        let logs = typed.observability.unwrap().logs.unwrap();
        assert_eq!((logs.enabled, logs.invocation_logs), (None, Some(true)));
        assert_eq!(
            typed.exports.unwrap()["Cart"].storage.as_deref(),
            Some("sqlite")
        );

        for (given, field) in [
            (
                serde_json::json!({"code_update_strategy": {"mode": 1}}),
                "`code_update_strategy.mode`",
            ),
            (
                serde_json::json!({"code_update_strategy": {"mode": "deferred", "max_delay": "soon"}}),
                "`code_update_strategy.max_delay`",
            ),
            (
                serde_json::json!({"assets": {"retention": {"enabled": "yes"}}}),
                "`assets.retention.enabled`",
            ),
            (
                serde_json::json!({"observability": {"logs": {"invocation_logs": "no"}}}),
                "`observability.logs.invocation_logs`",
            ),
            (
                serde_json::json!({"exports": {"Cart": {"type": 3}}}),
                "`exports.Cart.type`",
            ),
        ] {
            let error = serde_json::from_value::<Metadata>(given)
                .unwrap_err()
                .to_string();
            assert!(error.starts_with(field), "{field}: {error}");
        }
    }
}
