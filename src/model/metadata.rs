//! The `metadata` object (section (b) of the API reference), field by field.
//!
//! Field order follows wrangler's, so previews look like what the official CLI sends. Unset
//! fields are `None` or empty and are omitted from the JSON, never sent as `null`.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::Binding;

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Metadata {
    /// Part name of the ES-module entry point (module syntax).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub main_module: Option<String>,
    /// Part name of the service-worker script (legacy syntax).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body_part: Option<String>,
    #[serde(default)]
    pub bindings: Vec<Binding>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub containers: Vec<Container>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub compatibility_date: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub compatibility_flags: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub migrations: Option<Migrations>,
    /// Declarative exports (class / entrypoint name → descriptor), an alternative to migrations.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exports: Option<Map<String, Value>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub capnp_schema: Option<String>,
    /// Binding *types* carried over from the previous version.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub keep_bindings: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub usage_model: Option<UsageModel>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub logpush: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub placement: Option<Placement>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tail_consumers: Vec<TailConsumer>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub streaming_tail_consumers: Vec<TailConsumer>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limits: Option<Limits>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub annotations: Option<Annotations>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub keep_assets: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assets: Option<Assets>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub observability: Option<Observability>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cache_options: Option<CacheOptions>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub package_dependencies: Vec<PackageDependency>,
}

impl Metadata {
    /// The part named as entry: `main_module`, else `body_part`.
    pub fn entry_part(&self) -> Option<&str> {
        self.main_module.as_deref().or(self.body_part.as_deref())
    }

    /// Whether each field holds a value, in [`METADATA_FIELDS`] (wire) order. An empty list
    /// counts as unset. Cheap: no serialization, no allocation.
    pub fn set_fields(&self) -> [(&'static str, bool); 23] {
        let m = self;
        [
            ("main_module", m.main_module.is_some()),
            ("body_part", m.body_part.is_some()),
            ("bindings", !m.bindings.is_empty()),
            ("containers", !m.containers.is_empty()),
            ("compatibility_date", m.compatibility_date.is_some()),
            ("compatibility_flags", !m.compatibility_flags.is_empty()),
            ("migrations", m.migrations.is_some()),
            ("exports", m.exports.is_some()),
            ("capnp_schema", m.capnp_schema.is_some()),
            ("keep_bindings", !m.keep_bindings.is_empty()),
            ("usage_model", m.usage_model.is_some()),
            ("tags", !m.tags.is_empty()),
            ("logpush", m.logpush.is_some()),
            ("placement", m.placement.is_some()),
            ("tail_consumers", !m.tail_consumers.is_empty()),
            (
                "streaming_tail_consumers",
                !m.streaming_tail_consumers.is_empty(),
            ),
            ("limits", m.limits.is_some()),
            ("annotations", m.annotations.is_some()),
            ("keep_assets", m.keep_assets.is_some()),
            ("assets", m.assets.is_some()),
            ("observability", m.observability.is_some()),
            ("cache_options", m.cache_options.is_some()),
            ("package_dependencies", !m.package_dependencies.is_empty()),
        ]
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

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Container {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub class_name: Option<String>,
}

/// Durable Object migrations, single-step (class lists at the top level) or stepped (`steps`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Migrations {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub old_tag: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub new_tag: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub new_classes: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub new_sqlite_classes: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub renamed_classes: Vec<RenamedClass>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub deleted_classes: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub transferred_classes: Vec<TransferredClass>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub steps: Option<Vec<MigrationStep>>,
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

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MigrationStep {
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub new_classes: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub new_sqlite_classes: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub renamed_classes: Vec<RenamedClass>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub deleted_classes: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub transferred_classes: Vec<TransferredClass>,
}

impl MigrationStep {
    pub fn is_empty(&self) -> bool {
        self == &MigrationStep::default()
    }
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RenamedClass {
    pub from: String,
    pub to: String,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TransferredClass {
    pub from: String,
    pub from_script: String,
    pub to: String,
}

/// Smart or targeted placement. Every shape of the reference fits: `{mode:"smart"}`,
/// `{region}` / `{hostname}` / `{host}` with or without `mode:"targeted"`, or `{mode, target:[…]}`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Placement {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mode: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hint: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hostname: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub host: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target: Option<Vec<PlacementTarget>>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PlacementTarget {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hostname: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub host: Option<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TailConsumer {
    pub service: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub environment: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub namespace: Option<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Limits {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cpu_ms: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subrequests: Option<u64>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Annotations {
    #[serde(
        rename = "workers/message",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub message: Option<String>,
    #[serde(
        rename = "workers/tag",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub tag: Option<String>,
    /// Version uploads only.
    #[serde(
        rename = "workers/alias",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub alias: Option<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Assets {
    /// Completion token of an assets upload session.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub jwt: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub config: Option<AssetsConfig>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AssetsConfig {
    /// `auto-trailing-slash`, `force-trailing-slash`, `drop-trailing-slash` or `none`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub html_handling: Option<String>,
    /// `none`, `404-page` or `single-page-application`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub not_found_handling: Option<String>,
    /// A boolean, or a list of path rules such as `/api/*` and `!/static/*`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub run_worker_first: Option<Value>,
    #[serde(rename = "_headers", default, skip_serializing_if = "Option::is_none")]
    pub headers: Option<String>,
    #[serde(
        rename = "_redirects",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub redirects: Option<String>,
    /// Deprecated.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub serve_directly: Option<bool>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Observability {
    pub enabled: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub head_sampling_rate: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub logs: Option<ObservabilityLogs>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub traces: Option<ObservabilityTraces>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ObservabilityLogs {
    pub enabled: bool,
    pub invocation_logs: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub head_sampling_rate: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub persist: Option<bool>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub destinations: Vec<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ObservabilityTraces {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enabled: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub head_sampling_rate: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub persist: Option<bool>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub destinations: Vec<String>,
    /// `authenticated` or `accept`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub propagation_policy: Option<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CacheOptions {
    pub enabled: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cross_version_cache: Option<bool>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PackageDependency {
    pub name: String,
    #[serde(rename = "packageJsonVersion")]
    pub package_json_version: String,
    #[serde(rename = "installedVersion")]
    pub installed_version: String,
}

/// Which endpoints accept a metadata field (section (b) of the API reference).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FieldSupport {
    pub name: &'static str,
    /// PUT script and PUT dispatch script.
    pub upload: bool,
    /// POST versions.
    pub version: bool,
    /// PATCH settings.
    pub settings: bool,
    /// PUT content.
    pub content: bool,
}

const fn field(
    name: &'static str,
    upload: bool,
    version: bool,
    settings: bool,
    content: bool,
) -> FieldSupport {
    FieldSupport {
        name,
        upload,
        version,
        settings,
        content,
    }
}

/// Every metadata field in wire order, with the endpoints that accept it.
/// Where wrangler sends a field the SDK type lacks (placement, limits, assets on versions), the
/// field counts as accepted.
pub const METADATA_FIELDS: &[FieldSupport] = &[
    field("main_module", true, true, false, true),
    field("body_part", true, false, false, true),
    field("bindings", true, true, true, false),
    field("containers", true, true, false, false),
    field("compatibility_date", true, true, true, false),
    field("compatibility_flags", true, true, true, false),
    field("migrations", true, false, true, false),
    field("exports", true, true, true, false),
    field("capnp_schema", true, true, false, false),
    field("keep_bindings", true, true, false, false),
    field("usage_model", true, true, true, false),
    field("tags", true, false, true, false),
    field("logpush", true, false, true, false),
    field("placement", true, true, true, false),
    field("tail_consumers", true, false, true, false),
    field("streaming_tail_consumers", true, true, false, false),
    field("limits", true, true, true, false),
    field("annotations", true, true, true, false),
    field("keep_assets", true, false, false, false),
    field("assets", true, true, false, false),
    field("observability", true, false, true, false),
    field("cache_options", true, true, true, false),
    field("package_dependencies", true, true, false, false),
];

impl FieldSupport {
    pub fn accepted_by(&self, operation: super::Operation) -> bool {
        match operation {
            super::Operation::Upload => self.upload,
            super::Operation::Version => self.version,
            super::Operation::Settings => self.settings,
            super::Operation::Content => self.content,
        }
    }

    pub fn lookup(name: &str) -> Option<&'static FieldSupport> {
        METADATA_FIELDS.iter().find(|f| f.name == name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
            let present = serialized.get(name).is_some()
                && !(name == "bindings" && metadata.bindings.is_empty());
            assert_eq!(set, present, "{name}");
        }
    }
}
