//! Members Bindery does not know (`not-in-reference`): a new API field, wrangler's
//! `unsafe.metadata` keys, a field inside a known object (`observability.issues`) or binding
//! (`cross_account_grant` before it was typed). Each is kept and sent as given, with one warning
//! at its path, never an error: the API may well take it, and Bindery cannot tell. A name close
//! to a known field is probably a typo, so the warning says which.
//!
//! A known field given as `null` is kept the same way (the model holds it in `extra` too), but
//! it is not unknown, so it gets no warning.

use serde_json::Map;
use serde_json::Value;

use super::text::closest;
use super::{At, Findings};
use crate::model::{
    known_fields, Assets, Binding, BindingKind, Composition, Metadata, Migrations, Observability,
};

const RULE: &str = "not-in-reference";

pub(super) fn check(c: &Composition, out: &mut Findings) {
    let m = &c.metadata;
    report(&m.extra, Metadata::FIELDS, "", out);
    nested(m, out);
    for (index, binding) in m.bindings.iter().enumerate() {
        binding_members(binding, index, out);
    }
}

fn nested(m: &Metadata, out: &mut Findings) {
    use crate::model::*;
    for (index, container) in m.containers.iter().enumerate() {
        report(
            &container.extra,
            Container::FIELDS,
            &format!("containers[{index}]"),
            out,
        );
    }
    if let Some(migrations) = &m.migrations {
        migrations_members(migrations, out);
    }
    if let Some(strategy) = &m.code_update_strategy {
        report(
            &strategy.extra,
            CodeUpdateStrategy::FIELDS,
            "code_update_strategy",
            out,
        );
    }
    for (name, export) in m.exports.iter().flatten() {
        let at = format!("exports.{name}");
        report(&export.extra, Export::FIELDS, &at, out);
        if let Some(cache) = &export.cache {
            report(
                &cache.extra,
                ExportCache::FIELDS,
                &format!("{at}.cache"),
                out,
            );
        }
    }
    if let Some(placement) = &m.placement {
        report(&placement.extra, Placement::FIELDS, "placement", out);
        for (index, target) in placement.target.iter().flatten().enumerate() {
            report(
                &target.extra,
                PlacementTarget::FIELDS,
                &format!("placement.target[{index}]"),
                out,
            );
        }
    }
    for field in ["tail_consumers", "streaming_tail_consumers"] {
        let list = if field == "tail_consumers" {
            &m.tail_consumers
        } else {
            &m.streaming_tail_consumers
        };
        for (index, consumer) in list.iter().enumerate() {
            report(
                &consumer.extra,
                TailConsumer::FIELDS,
                &format!("{field}[{index}]"),
                out,
            );
        }
    }
    if let Some(limits) = &m.limits {
        report(&limits.extra, Limits::FIELDS, "limits", out);
    }
    if let Some(annotations) = &m.annotations {
        report(&annotations.extra, Annotations::FIELDS, "annotations", out);
    }
    if let Some(assets) = &m.assets {
        assets_members(assets, out);
    }
    if let Some(observability) = &m.observability {
        observability_members(observability, out);
    }
    if let Some(cache) = &m.cache_options {
        report(&cache.extra, CacheOptions::FIELDS, "cache_options", out);
    }
    for (index, dependency) in m.package_dependencies.iter().enumerate() {
        report(
            &dependency.extra,
            PackageDependency::FIELDS,
            &format!("package_dependencies[{index}]"),
            out,
        );
    }
}

fn migrations_members(migrations: &Migrations, out: &mut Findings) {
    use crate::model::{MigrationStep, RenamedClass, TransferredClass};
    let at = "migrations";
    report(&migrations.extra, Migrations::FIELDS, at, out);
    let top = migrations.single_step();
    let steps = std::iter::once((at.to_string(), &top, None)).chain(
        migrations
            .steps
            .iter()
            .flatten()
            .enumerate()
            .map(|(index, step)| (format!("{at}.steps[{index}]"), step, Some(&step.extra))),
    );
    for (step_at, step, extra) in steps {
        if let Some(extra) = extra {
            report(extra, MigrationStep::FIELDS, &step_at, out);
        }
        for (index, renamed) in step.renamed_classes.iter().enumerate() {
            report(
                &renamed.extra,
                RenamedClass::FIELDS,
                &format!("{step_at}.renamed_classes[{index}]"),
                out,
            );
        }
        for (index, transferred) in step.transferred_classes.iter().enumerate() {
            report(
                &transferred.extra,
                TransferredClass::FIELDS,
                &format!("{step_at}.transferred_classes[{index}]"),
                out,
            );
        }
    }
}

fn assets_members(assets: &Assets, out: &mut Findings) {
    use crate::model::{AssetsConfig, AssetsRetention};
    report(&assets.extra, Assets::FIELDS, "assets", out);
    if let Some(config) = &assets.config {
        report(&config.extra, AssetsConfig::FIELDS, "assets.config", out);
    }
    if let Some(retention) = &assets.retention {
        report(
            &retention.extra,
            AssetsRetention::FIELDS,
            "assets.retention",
            out,
        );
    }
}

fn observability_members(o: &Observability, out: &mut Findings) {
    use crate::model::{ObservabilityLogs, ObservabilityTraces};
    let at = "observability";
    report(&o.extra, Observability::FIELDS, at, out);
    if let Some(logs) = &o.logs {
        report(
            &logs.extra,
            ObservabilityLogs::FIELDS,
            &format!("{at}.logs"),
            out,
        );
    }
    if let Some(traces) = &o.traces {
        report(
            &traces.extra,
            ObservabilityTraces::FIELDS,
            &format!("{at}.traces"),
            out,
        );
    }
}

/// A binding's members its type does not have (a binding of an unknown type is reported whole
/// by `binding-type-unknown`).
fn binding_members(binding: &Binding, index: usize, out: &mut Findings) {
    if matches!(binding.kind, BindingKind::Custom { .. }) {
        return;
    }
    let known = known_fields(binding.type_name()).unwrap_or_default();
    for key in binding.extra.keys() {
        if key == "type" || key == "name" || known.contains(&key.as_str()) {
            continue;
        }
        let hint = hint(key, known);
        out.warning(
            RULE,
            At::binding(index).field(key.clone()),
            format!(
                "`{key}` is not in Bindery's reference for {} bindings: sent as given.{hint}",
                binding.type_name()
            ),
        );
    }
}

/// One warning per member of `extra` that is not a known field (known ones given as `null`
/// live there too). `under` is the path of the object below `metadata` (empty for the metadata
/// itself).
fn report(extra: &Map<String, Value>, known: &[&str], under: &str, out: &mut Findings) {
    for key in extra.keys() {
        if known.contains(&key.as_str()) {
            continue;
        }
        let hint = hint(key, known);
        let at = if under.is_empty() {
            At::metadata(key.clone())
        } else {
            At::metadata(format!("{under}.{key}"))
        };
        out.warning(
            RULE,
            at,
            format!("`{key}` is not in Bindery's reference: sent as given.{hint}"),
        );
    }
}

fn hint(key: &str, known: &[&str]) -> String {
    closest(key, known)
        .map(|field| format!(" Did you mean `{field}`?"))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::check;
    use serde_json::json;

    fn findings(metadata: Value) -> Vec<(String, String)> {
        let c = Composition {
            metadata: serde_json::from_value(metadata).unwrap(),
            ..Default::default()
        };
        check(&c)
            .into_iter()
            .filter(|f| f.rule == RULE)
            .map(|f| (f.at.to_string(), f.message))
            .collect()
    }

    #[test]
    fn every_unknown_member_gets_one_warning_at_its_path() {
        let found = findings(json!({
            "main_module": "a.js",
            "extra_field": 1,
            "observability": {"enabled": true, "issues": {"enabled": true}, "logs": {"enabled": true, "stream": 1}},
            "assets": {"config": {"base_path": "/x", "future": true}},
            "limits": {"cpu_ms": 5, "memory_mb": 1},
            "placement": {"mode": "smart", "strategy": "x"},
            "migrations": {"steps": [{"new_classes": ["A"], "note": 1}]},
            "tail_consumers": [{"service": "t", "filters": []}],
            "bindings": [{"type": "kv_namespace", "name": "K", "namespace_id": "0f2ac74b498b48028cb68387c421e279", "raw": true}]
        }));
        let paths: Vec<&str> = found.iter().map(|(at, _)| at.as_str()).collect();
        assert_eq!(
            paths,
            [
                "metadata.extra_field",
                "metadata.migrations.steps[0].note",
                "metadata.placement.strategy",
                "metadata.tail_consumers[0].filters",
                "metadata.limits.memory_mb",
                "metadata.assets.config.future",
                "metadata.observability.issues",
                "metadata.observability.logs.stream",
                "bindings[0].raw",
            ]
        );
        assert!(found.iter().all(
            |(_, message)| message.contains("not in Bindery's reference")
                && message.contains("sent as given")
        ));
    }

    #[test]
    fn a_name_close_to_a_known_field_is_called_a_likely_typo() {
        let found = findings(json!({"main_modul": "a.js"}));
        assert_eq!(found.len(), 1);
        assert!(
            found[0].1.contains("Did you mean `main_module`?"),
            "{}",
            found[0].1
        );
    }

    #[test]
    fn known_fields_and_nulls_of_known_fields_get_no_warning() {
        let found = findings(json!({
            "main_module": "a.js",
            "placement": null,
            "observability": {"enabled": true, "head_sampling_rate": null},
            "bindings": [{"type": "r2_bucket", "name": "B", "bucket_name": "bucket", "jurisdiction": null}]
        }));
        assert!(found.is_empty(), "{found:?}");
    }
}
