//! Metadata fields other than the entry, bindings, date and migrations: what the chosen endpoint
//! accepts, keep_bindings, annotations, usage model, limits, observability, tail consumers, tags,
//! assets. Placement shapes live in `placement.rs`.

use serde_json::Value;

use super::text::{closest, worker_name_problem};
use super::{sends, At, Findings};
use crate::model::{
    Composition, Metadata, Observability, Operation, TailConsumer, UsageModel, KNOWN_BINDING_TYPES,
};

/// `workers/message` is truncated beyond this many bytes.
const MAX_MESSAGE_BYTES: usize = 1000;
/// `workers/tag` is rejected beyond this many bytes.
const MAX_TAG_BYTES: usize = 100;
const HTML_HANDLING: &[&str] = &[
    "auto-trailing-slash",
    "force-trailing-slash",
    "drop-trailing-slash",
    "none",
];
const NOT_FOUND_HANDLING: &[&str] = &["none", "404-page", "single-page-application"];
const PROPAGATION_POLICIES: &[&str] = &["authenticated", "accept"];

pub(super) fn check(c: &Composition, out: &mut Findings) {
    let m = &c.metadata;
    not_sent(c, out);
    disputed(c, out);
    keep_bindings(c, out);
    if sends(c, "annotations") {
        annotations(c, out);
    }
    if let (Some(model @ (UsageModel::Bundled | UsageModel::Unbound)), true) =
        (m.usage_model, sends(c, "usage_model"))
    {
        out.warning(
            "usage-model-legacy",
            "metadata.usage_model",
            format!("The usage model `{}` is a legacy billing model; `standard` is the current one. Choose standard, or leave it unset.", model.id()),
        );
    }
    if m.limits.as_ref().and_then(|l| l.cpu_ms) == Some(0) && sends(c, "limits") {
        out.error("limits-cpu-ms", "metadata.limits", "`limits.cpu_ms` is 0, which would allow no CPU time. Enter a positive number of milliseconds, or remove the limit.");
    }
    if let (Some(observability), true) = (&m.observability, sends(c, "observability")) {
        check_observability(observability, out);
    }
    for field in ["tail_consumers", "streaming_tail_consumers"] {
        if sends(c, field) {
            let consumers = if field == "tail_consumers" {
                &m.tail_consumers
            } else {
                &m.streaming_tail_consumers
            };
            tail_consumers(field, consumers, out);
        }
    }
    if sends(c, "tags") {
        tags(&m.tags, out);
    }
    if sends(c, "assets") {
        assets(m, out);
    }
    if let Some(part) = &m.capnp_schema {
        if sends(c, "capnp_schema") && c.module(part).is_none() {
            out.error("capnp-schema-part-missing", "metadata.capnp_schema", format!("`capnp_schema` names the part `{part}`, but no module part has that name. Add the compiled schema as a module or correct the name."));
        }
    }
}

/// One warning listing the set fields the endpoint drops. Fields with a rule of their own on
/// this endpoint (the entry, keep_bindings on PATCH, migrations on versions) are left to it.
fn not_sent(c: &Composition, out: &mut Findings) {
    let operation = c.request.operation;
    let dropped: Vec<&str> = crate::encode::dropped_fields(c)
        .into_iter()
        .filter(|name| !matches!(*name, "main_module" | "body_part"))
        .filter(|name| !(operation == Operation::Settings && *name == "keep_bindings"))
        .filter(|name| !(operation == Operation::Version && *name == "migrations"))
        .collect();
    let Some(first) = dropped.first() else { return };
    let (endpoint, advice) = match operation {
        Operation::Settings => ("a settings PATCH", "Choose \"Upload and deploy\" to set them, or clear them."),
        Operation::Version => ("a version upload", "Set these non-versioned settings with a settings PATCH after deploying, or choose \"Upload and deploy\"."),
        Operation::Content => ("a content-only upload", "It replaces code only; choose \"Upload and deploy\" or a settings PATCH to change them."),
        Operation::Upload => ("an upload", "Clear them."),
    };
    let list = dropped
        .iter()
        .map(|f| format!("`{f}`"))
        .collect::<Vec<_>>()
        .join(", ");
    out.warning(
        "fields-not-sent",
        At::metadata(first.to_string()),
        format!("Not sent for {endpoint}: {list}. {advice}"),
    );
}

/// A field the sources disagree on for this endpoint: sent as given, with a warning saying how
/// they disagree (see `model::METADATA_FIELDS`).
fn disputed(c: &Composition, out: &mut Findings) {
    for (name, why) in crate::encode::disputed_fields(c) {
        out.warning(
            "field-disputed",
            At::metadata(name),
            format!("`{name}` is sent as given, though {why}. If the API refuses it, send it with \"Upload and deploy\" or a settings PATCH instead."),
        );
    }
}

fn keep_bindings(c: &Composition, out: &mut Findings) {
    let at = "metadata.keep_bindings";
    let kept_types = if sends(c, "keep_bindings") {
        c.metadata.keep_bindings.as_slice()
    } else {
        &[]
    };
    for kept in kept_types {
        if !KNOWN_BINDING_TYPES.contains(&kept.as_str()) {
            let hint = match closest(kept, KNOWN_BINDING_TYPES) {
                Some(known) => format!(" Did you mean `{known}`?"),
                None => " List binding types such as `secret_text` or `kv_namespace`.".to_string(),
            };
            out.error("keep-bindings-unknown-type", at, format!("`{kept}` is not a binding type; keep_bindings holds binding types, not binding names.{hint}"));
        }
    }
    if c.request.operation == Operation::Settings && !c.metadata.keep_bindings.is_empty() {
        out.warning(
            "keep-bindings-not-sent",
            at,
            "keep_bindings is not sent for a settings PATCH, and bindings left out of the PATCH are removed. To keep a binding, list it with only its name and type.",
        );
    }
}

fn annotations(c: &Composition, out: &mut Findings) {
    let Some(a) = &c.metadata.annotations else {
        return;
    };
    let at = "metadata.annotations";
    if let Some(message) = &a.message {
        if message.len() > MAX_MESSAGE_BYTES {
            out.warning("annotation-too-long", at, format!("`workers/message` is {} bytes; the API keeps only the first {MAX_MESSAGE_BYTES}. Shorten it.", message.len()));
        }
    }
    if let Some(tag) = &a.tag {
        if tag.len() > MAX_TAG_BYTES {
            out.error(
                "annotation-too-long",
                at,
                format!(
                    "`workers/tag` is {} bytes; at most {MAX_TAG_BYTES} are allowed. Shorten it.",
                    tag.len()
                ),
            );
        }
    }
    if a.alias.is_some() && c.request.operation != Operation::Version {
        out.warning("annotation-alias-not-version", at, "`workers/alias` applies to version uploads only. Choose \"Upload a version\", or clear the alias.");
    }
}

fn check_observability(o: &Observability, out: &mut Findings) {
    let at = "metadata.observability";
    let rates = [
        ("head_sampling_rate", o.head_sampling_rate.as_ref()),
        (
            "logs.head_sampling_rate",
            o.logs.as_ref().and_then(|l| l.head_sampling_rate.as_ref()),
        ),
        (
            "traces.head_sampling_rate",
            o.traces
                .as_ref()
                .and_then(|t| t.head_sampling_rate.as_ref()),
        ),
    ];
    for (field, rate) in rates {
        if let Some(rate) = rate {
            if !rate.as_f64().is_some_and(|r| (0.0..=1.0).contains(&r)) {
                out.error("observability-sampling-rate", at, format!("`observability.{field}` is {rate}; it is a fraction from 0 to 1 (e.g. 0.1 for 10%)."));
            }
        }
    }
    if let Some(policy) = o
        .traces
        .as_ref()
        .and_then(|t| t.propagation_policy.as_deref())
    {
        if !PROPAGATION_POLICIES.contains(&policy) {
            out.error("observability-propagation-policy", at, format!("`observability.traces.propagation_policy` is `{policy}`; use `authenticated` or `accept`."));
        }
    }
}

fn tail_consumers(field: &'static str, consumers: &[TailConsumer], out: &mut Findings) {
    let at = At::metadata(field);
    for (index, consumer) in consumers.iter().enumerate() {
        let service = consumer.service.as_str();
        if service.trim().is_empty() {
            out.error(
                "tail-consumer-service-missing",
                at.clone(),
                format!("`{field}[{index}]` has no `service`. Enter the name of the tail Worker."),
            );
        } else if let Some(problem) = worker_name_problem(service) {
            out.warning("tail-consumer-service-format", at.clone(), format!("The tail Worker name `{service}` {problem}, so it cannot name an existing Worker. Check the spelling."));
        }
    }
}

fn tags(tags: &[String], out: &mut Findings) {
    for tag in tags {
        if tag.trim().is_empty() {
            out.warning(
                "tag-empty",
                "metadata.tags",
                "An empty tag is listed. Remove it.",
            );
        } else if tag.contains(',') {
            out.warning("tag-comma", "metadata.tags", format!("The tag `{tag}` contains a comma; the API's tag filter separates tags with commas, so it cannot be filtered on. Split it into separate tags."));
        }
    }
}

fn assets(m: &Metadata, out: &mut Findings) {
    let Some(assets) = &m.assets else { return };
    let at = "metadata.assets";
    if m.keep_assets == Some(true) && assets.jwt.is_some() {
        out.warning("keep-assets-ignored", "metadata.keep_assets", "keep_assets is set, but an explicit assets upload (`assets.jwt`) wins over it. Clear one of them.");
    }
    let Some(config) = &assets.config else { return };
    let choices = [
        (
            "html_handling",
            config.html_handling.as_deref(),
            HTML_HANDLING,
        ),
        (
            "not_found_handling",
            config.not_found_handling.as_deref(),
            NOT_FOUND_HANDLING,
        ),
    ];
    for (field, value, allowed) in choices {
        if let Some(value) = value {
            if !allowed.contains(&value) {
                out.error(
                    "assets-config-invalid",
                    at,
                    format!(
                        "`assets.config.{field}` is `{value}`; use one of: {}.",
                        allowed.join(", ")
                    ),
                );
            }
        }
    }
    match &config.run_worker_first {
        None | Some(Value::Bool(_)) => {}
        Some(Value::Array(rules)) if rules.iter().all(Value::is_string) => {}
        Some(_) => out.error(
            "assets-config-invalid",
            at,
            "`assets.config.run_worker_first` must be true/false or a list of path rules such as \"/api/*\" and \"!/static/*\".",
        ),
    }
}

#[cfg(test)]
mod tests {
    use crate::model::{
        Annotations, Assets, AssetsConfig, Limits, Observability, ObservabilityTraces, Operation,
        TailConsumer, UsageModel,
    };
    use crate::rules::testing::*;
    use crate::rules::Level::*;
    use serde_json::json;

    #[test]
    fn fields_the_endpoint_drops_are_listed() {
        let mut c = valid();
        c.request.operation = Operation::Settings;
        c.metadata.main_module = None;
        c.modules.clear();
        c.metadata.tags = vec!["prod".into()].into();
        expect_none(&c, "fields-not-sent");
        c.metadata.assets = Some(Assets {
            jwt: Some("t".into()),
            config: None,
            ..Default::default()
        });
        c.metadata.package_dependencies = vec![Default::default()].into();
        c.metadata.keep_assets = Some(false);
        expect_one(
            &c,
            "fields-not-sent",
            Warning,
            "metadata.keep_assets",
            &[
                "Not sent for a settings PATCH",
                "`keep_assets`, `assets`, `package_dependencies`",
            ],
        );
        c.request.operation = Operation::Version;
        c.metadata.main_module = Some("index.js".into());
        c.modules = valid().modules;
        expect_one(
            &c,
            "fields-not-sent",
            Warning,
            "metadata.tags",
            &["version upload", "`tags`", "`keep_assets`"],
        );
    }

    #[test]
    fn content_only_drops_bindings_and_date() {
        let mut c = valid();
        c.request.operation = Operation::Content;
        expect_one(
            &c,
            "fields-not-sent",
            Warning,
            "metadata.compatibility_date",
            &["content-only", "`compatibility_date`"],
        );
    }

    #[test]
    fn keep_bindings_holds_known_types() {
        let mut c = valid();
        c.metadata.keep_bindings =
            vec!["secret_text".into(), "kv_namespaces".into(), "MY_KV".into()].into();
        let found = of_rule(&c, "keep-bindings-unknown-type");
        assert_eq!(found.len(), 2, "{found:#?}");
        assert!(found
            .iter()
            .all(|f| f.level == Error && f.at == "metadata.keep_bindings"));
        assert!(
            found[0].message.contains("`kv_namespaces`")
                && found[0].message.contains("`kv_namespace`?"),
            "{}",
            found[0]
        );
        assert!(
            found[1]
                .message
                .contains("binding types, not binding names"),
            "{}",
            found[1]
        );
    }

    #[test]
    fn keep_bindings_on_settings_patch() {
        let mut c = valid();
        c.request.operation = Operation::Settings;
        c.metadata.main_module = None;
        c.modules.clear();
        c.metadata.keep_bindings = vec!["kv_namespace".into()].into();
        expect_one(
            &c,
            "keep-bindings-not-sent",
            Warning,
            "metadata.keep_bindings",
            &["settings PATCH", "name and type"],
        );
        expect_none(&c, "fields-not-sent");
    }

    #[test]
    fn annotations_limits() {
        let mut c = valid();
        c.metadata.annotations = Some(Annotations {
            message: Some("m".repeat(1001)),
            tag: Some("t".repeat(101)),
            alias: Some("beta".into()),
            ..Default::default()
        });
        expect_one(
            &c,
            "annotation-alias-not-version",
            Warning,
            "metadata.annotations",
            &["workers/alias", "version"],
        );
        let found = of_rule(&c, "annotation-too-long");
        let levels: Vec<_> = found
            .iter()
            .map(|f| (f.level, f.message.contains("workers/tag")))
            .collect();
        assert_eq!(levels, [(Error, true), (Warning, false)]);
        c.request.operation = Operation::Version;
        expect_none(&c, "annotation-alias-not-version");
    }

    #[test]
    fn usage_model_limits_observability() {
        let mut c = valid();
        c.metadata.usage_model = Some(UsageModel::Bundled);
        expect_one(
            &c,
            "usage-model-legacy",
            Warning,
            "metadata.usage_model",
            &["`bundled`", "standard"],
        );
        c.metadata.limits = Some(Limits {
            cpu_ms: Some(0),
            subrequests: None,
            ..Default::default()
        });
        expect_one(&c, "limits-cpu-ms", Error, "metadata.limits", &["cpu_ms"]);
        c.metadata.observability = Some(Observability {
            enabled: Some(true),
            head_sampling_rate: Some(10.into()),
            logs: None,
            traces: Some(ObservabilityTraces {
                propagation_policy: Some("always".into()),
                ..Default::default()
            }),
            ..Default::default()
        });
        expect_one(
            &c,
            "observability-sampling-rate",
            Error,
            "metadata.observability",
            &["head_sampling_rate", "0 to 1"],
        );
        expect_one(
            &c,
            "observability-propagation-policy",
            Error,
            "metadata.observability",
            &["`always`"],
        );
    }

    #[test]
    fn tail_consumers_and_tags() {
        let mut c = valid();
        c.metadata.tail_consumers = vec![TailConsumer {
            service: String::new(),
            environment: None,
            namespace: None,
            ..Default::default()
        }]
        .into();
        expect_one(
            &c,
            "tail-consumer-service-missing",
            Error,
            "metadata.tail_consumers",
            &["tail_consumers[0]", "service"],
        );
        c.metadata.tags = vec!["team:a,b".into()].into();
        expect_one(
            &c,
            "tag-comma",
            Warning,
            "metadata.tags",
            &["`team:a,b`", "comma"],
        );
    }

    #[test]
    fn tail_worker_names_and_empty_tags() {
        let mut c = valid();
        c.metadata.streaming_tail_consumers = vec![TailConsumer {
            service: "Log Sink".into(),
            environment: None,
            namespace: None,
            ..Default::default()
        }]
        .into();
        expect_one(
            &c,
            "tail-consumer-service-format",
            Warning,
            "metadata.streaming_tail_consumers",
            &["`Log Sink`"],
        );
        c.metadata.tags = vec![" ".into()].into();
        expect_one(&c, "tag-empty", Warning, "metadata.tags", &["empty tag"]);
    }

    #[test]
    fn explicit_assets_win_over_keep_assets() {
        let mut c = valid();
        c.metadata.assets = Some(Assets {
            jwt: Some("token".into()),
            config: None,
            ..Default::default()
        });
        c.metadata.keep_assets = Some(true);
        expect_one(
            &c,
            "keep-assets-ignored",
            Warning,
            "metadata.keep_assets",
            &["wins"],
        );
        c.metadata.keep_assets = Some(false);
        expect_none(&c, "keep-assets-ignored");
    }

    #[test]
    fn assets_config_values() {
        let mut c = valid();
        c.metadata.assets = Some(Assets {
            jwt: None,
            config: Some(AssetsConfig {
                not_found_handling: Some("spa".into()),
                run_worker_first: Some(json!("/api/*")),
                ..Default::default()
            }),
            ..Default::default()
        });
        let found = of_rule(&c, "assets-config-invalid");
        assert_eq!(found.len(), 2, "{found:#?}");
        assert!(found[0].message.contains("single-page-application"));
        assert!(found[1].message.contains("run_worker_first"));
    }

    #[test]
    fn capnp_schema_names_a_part() {
        let mut c = valid();
        c.metadata.capnp_schema = Some("schema.capnp".into());
        expect_one(
            &c,
            "capnp-schema-part-missing",
            Error,
            "metadata.capnp_schema",
            &["`schema.capnp`"],
        );
    }
}
