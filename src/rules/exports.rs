//! Declarative `exports` (the SDK's `Workers*Export` types) and `code_update_strategy`.
//!
//! An export is a Worker entrypoint (`type: "worker"`, optional `cache`) or a Durable Object
//! (`type: "durable-object"`): created with a `storage` (`sqlite` or `legacy-kv`) and optionally
//! a `container` (which must name an entry of `containers` and needs sqlite storage), or a
//! tombstone: `deleted`, `renamed` (+ `renamed_to`), `transferred` (+ `transferred_to`),
//! `expecting-transfer` (+ `transfer_from`, `storage`). Durable Object exports replace
//! `migrations`: a Worker declares its classes one way or the other, never both.

use super::{sends, At, Findings};
use crate::model::{Composition, Export};

const STORAGES: &[&str] = &["sqlite", "legacy-kv"];
const DO_STATES: &[&str] = &[
    "created",
    "deleted",
    "renamed",
    "transferred",
    "expecting-transfer",
];
const MODES: &[&str] = &["immediate", "deferred"];
/// `max_delay` is capped at a day.
const MAX_DELAY_SECONDS: f64 = 86_400.0;

pub(super) fn check(c: &Composition, out: &mut Findings) {
    if sends(c, "exports") {
        exports(c, out);
    }
    if sends(c, "code_update_strategy") {
        code_update_strategy(c, out);
    }
}

fn exports(c: &Composition, out: &mut Findings) {
    let Some(exports) = &c.metadata.exports else {
        return;
    };
    let mut durable_objects = false;
    for (name, export) in exports {
        let at = format!("exports.{name}");
        match export.kind.as_deref() {
            None => out.error(
                "exports-type-missing",
                At::metadata(at.clone()),
                format!("The export `{name}` has no `type`. Set it to `worker` (an entrypoint) or `durable-object`."),
            ),
            Some("worker") => worker(name, export, &at, out),
            Some("durable-object") => {
                durable_objects = true;
                durable_object(c, name, export, &at, out);
            }
            Some(other) => out.warning(
                "exports-type-unknown",
                At::metadata(format!("{at}.type")),
                format!("The export type `{other}` is not in Bindery's reference: sent as given. Bindery knows `worker` and `durable-object`."),
            ),
        }
    }
    if durable_objects && c.metadata.migrations.is_some() && sends(c, "migrations") {
        out.error(
            "exports-with-migrations",
            At::metadata("exports"),
            "Durable Object `exports` and `migrations` cannot be sent together: declare the classes one way. Remove the migrations, or the Durable Object exports.",
        );
    }
}

fn worker(name: &str, export: &Export, at: &str, out: &mut Findings) {
    if let Some(state) = export.state.as_deref().filter(|s| *s != "created") {
        out.error(
            "exports-state-invalid",
            At::metadata(format!("{at}.state")),
            format!("The Worker entrypoint export `{name}` has the state `{state}`; an entrypoint can only be `created` (or leave the state out)."),
        );
    }
}

fn durable_object(c: &Composition, name: &str, export: &Export, at: &str, out: &mut Findings) {
    let state = export.state.as_deref().unwrap_or("created");
    if !DO_STATES.contains(&state) {
        out.error(
            "exports-state-invalid",
            At::metadata(format!("{at}.state")),
            format!("The Durable Object export `{name}` has the state `{state}`; use created, deleted, renamed, transferred or expecting-transfer."),
        );
        return;
    }
    let needed = match state {
        "renamed" => Some(("renamed_to", &export.renamed_to, "the class's new name")),
        "transferred" => Some((
            "transferred_to",
            &export.transferred_to,
            "the Worker the class moves to",
        )),
        "expecting-transfer" => Some((
            "transfer_from",
            &export.transfer_from,
            "the Worker the class comes from",
        )),
        _ => None,
    };
    if let Some((field, value, what)) = needed {
        if value.as_deref().is_none_or(|v| v.trim().is_empty()) {
            out.error(
                "exports-field-missing",
                At::metadata(format!("{at}.{field}")),
                format!("The Durable Object export `{name}` is `{state}` and needs `{field}`: enter {what}."),
            );
        }
    }
    let needs_storage = matches!(state, "created" | "expecting-transfer");
    match export.storage.as_deref() {
        None if needs_storage => out.error(
            "exports-storage",
            At::metadata(format!("{at}.storage")),
            format!("The Durable Object export `{name}` needs a `storage`: `sqlite` (recommended) or `legacy-kv`."),
        ),
        Some(storage) if !STORAGES.contains(&storage) => out.error(
            "exports-storage",
            At::metadata(format!("{at}.storage")),
            format!("The storage `{storage}` of the Durable Object export `{name}` is not `sqlite` or `legacy-kv`."),
        ),
        _ => {}
    }
    if let Some(container) = &export.container {
        let known = c
            .metadata
            .containers
            .iter()
            .any(|entry| entry.name.as_deref() == Some(container.as_str()));
        if !known {
            out.error(
                "exports-container-unknown",
                At::metadata(format!("{at}.container")),
                format!("The Durable Object export `{name}` names the container `{container}`, but no entry of `containers` has that `name`. Add the container, or correct the name."),
            );
        }
        if export.storage.as_deref() != Some("sqlite") {
            out.error(
                "exports-container-storage",
                At::metadata(format!("{at}.storage")),
                format!("The Durable Object export `{name}` has a container, which needs `storage: \"sqlite\"`."),
            );
        }
    }
}

fn code_update_strategy(c: &Composition, out: &mut Findings) {
    let Some(strategy) = &c.metadata.code_update_strategy else {
        return;
    };
    let at = "code_update_strategy";
    match strategy.mode.as_deref() {
        Some(mode) if MODES.contains(&mode) => {}
        Some(mode) => out.error(
            "code-update-strategy-mode",
            At::metadata(format!("{at}.mode")),
            format!("The code update mode `{mode}` is not `immediate` or `deferred`."),
        ),
        None => out.error(
            "code-update-strategy-mode",
            At::metadata(format!("{at}.mode")),
            "The code update strategy needs a `mode`: `immediate` (restart Durable Objects now) or `deferred` (when they hibernate).",
        ),
    }
    if let Some(delay) = &strategy.max_delay {
        let seconds = delay.as_f64().unwrap_or(-1.0);
        if !(0.0..=MAX_DELAY_SECONDS).contains(&seconds) {
            out.error(
                "code-update-strategy-max-delay",
                At::metadata(format!("{at}.max_delay")),
                format!("`max_delay` is {delay} seconds; it must be from 0 to 86400 (a day). The default is 300."),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Operation;
    use crate::rules::check;
    use serde_json::{json, Value};

    fn composition(metadata: Value) -> Composition {
        Composition {
            metadata: serde_json::from_value(metadata).unwrap(),
            ..Default::default()
        }
    }

    /// The findings of `rule`, as `at` paths.
    fn found(metadata: Value, rule: &str) -> Vec<String> {
        check(&composition(metadata))
            .into_iter()
            .filter(|f| f.rule == rule)
            .map(|f| f.at.to_string())
            .collect()
    }

    #[test]
    fn what_wrangler_sends_for_exports_passes() {
        let metadata = json!({"main_module": "a.js", "exports": {
            "Api": {"type": "worker", "cache": {"enabled": true}},
            "Cart": {"type": "durable-object", "storage": "sqlite"},
            "Legacy": {"type": "durable-object", "state": "deleted"}
        }});
        let c = composition(metadata);
        let problems: Vec<_> = check(&c)
            .into_iter()
            .filter(|f| f.rule.starts_with("exports"))
            .collect();
        assert!(problems.is_empty(), "{problems:?}");
    }

    #[test]
    fn an_export_needs_a_type_and_an_unknown_one_is_sent_with_a_warning() {
        assert_eq!(
            found(
                json!({"exports": {"A": {"storage": "sqlite"}}}),
                "exports-type-missing"
            ),
            ["metadata.exports.A"]
        );
        assert_eq!(
            found(
                json!({"exports": {"W": {"type": "workflow"}}}),
                "exports-type-unknown"
            ),
            ["metadata.exports.W.type"]
        );
        assert!(found(
            json!({"exports": {"A": {"type": "worker"}}}),
            "exports-type-missing"
        )
        .is_empty());
    }

    #[test]
    fn a_created_durable_object_needs_sqlite_or_legacy_kv_storage() {
        let rule = "exports-storage";
        assert_eq!(
            found(json!({"exports": {"A": {"type": "durable-object"}}}), rule),
            ["metadata.exports.A.storage"]
        );
        assert_eq!(
            found(
                json!({"exports": {"A": {"type": "durable-object", "storage": "disk"}}}),
                rule
            ),
            ["metadata.exports.A.storage"]
        );
        assert!(found(
            json!({"exports": {"A": {"type": "durable-object", "storage": "legacy-kv"}}}),
            rule
        )
        .is_empty());
        assert!(found(
            json!({"exports": {"A": {"type": "durable-object", "state": "deleted"}}}),
            rule
        )
        .is_empty());
    }

    #[test]
    fn tombstones_name_where_the_class_went() {
        let rule = "exports-field-missing";
        assert_eq!(
            found(
                json!({"exports": {"A": {"type": "durable-object", "state": "renamed"}}}),
                rule
            ),
            ["metadata.exports.A.renamed_to"]
        );
        assert_eq!(
            found(
                json!({"exports": {"A": {"type": "durable-object", "state": "transferred"}}}),
                rule
            ),
            ["metadata.exports.A.transferred_to"]
        );
        assert_eq!(
            found(
                json!({"exports": {"A": {"type": "durable-object", "state": "expecting-transfer", "storage": "sqlite"}}}),
                rule
            ),
            ["metadata.exports.A.transfer_from"]
        );
        assert!(found(json!({"exports": {"A": {"type": "durable-object", "state": "renamed", "renamed_to": "B"}}}), rule).is_empty());
        assert!(found(json!({"exports": {"A": {"type": "durable-object", "state": "transferred", "transferred_to": "w"}}}), rule).is_empty());
    }

    #[test]
    fn states_are_checked_per_type() {
        let rule = "exports-state-invalid";
        assert_eq!(
            found(
                json!({"exports": {"A": {"type": "worker", "state": "deleted"}}}),
                rule
            ),
            ["metadata.exports.A.state"]
        );
        assert_eq!(
            found(
                json!({"exports": {"A": {"type": "durable-object", "state": "gone"}}}),
                rule
            ),
            ["metadata.exports.A.state"]
        );
        assert!(found(
            json!({"exports": {"A": {"type": "worker", "state": "created"}}}),
            rule
        )
        .is_empty());
    }

    #[test]
    fn a_container_must_name_an_entry_of_containers_and_needs_sqlite() {
        let unknown = json!({"exports": {"A": {"type": "durable-object", "storage": "sqlite", "container": "box"}}});
        assert_eq!(
            found(unknown, "exports-container-unknown"),
            ["metadata.exports.A.container"]
        );
        let known = json!({
            "containers": [{"name": "box", "class_name": "A"}],
            "exports": {"A": {"type": "durable-object", "storage": "sqlite", "container": "box"}}
        });
        assert!(found(known.clone(), "exports-container-unknown").is_empty());
        assert!(found(known, "exports-container-storage").is_empty());
        let kv = json!({
            "containers": [{"name": "box"}],
            "exports": {"A": {"type": "durable-object", "storage": "legacy-kv", "container": "box"}}
        });
        assert_eq!(
            found(kv, "exports-container-storage"),
            ["metadata.exports.A.storage"]
        );
    }

    #[test]
    fn durable_object_exports_and_migrations_are_exclusive() {
        let rule = "exports-with-migrations";
        let both = json!({
            "migrations": {"new_tag": "v1", "new_sqlite_classes": ["A"]},
            "exports": {"A": {"type": "durable-object", "storage": "sqlite"}}
        });
        assert_eq!(found(both, rule), ["metadata.exports"]);
        let entrypoints_only = json!({
            "migrations": {"new_tag": "v1", "new_sqlite_classes": ["A"]},
            "exports": {"Api": {"type": "worker"}}
        });
        assert!(found(entrypoints_only, rule).is_empty());
    }

    #[test]
    fn the_code_update_strategy_takes_immediate_or_deferred() {
        let rule = "code-update-strategy-mode";
        assert_eq!(
            found(json!({"code_update_strategy": {"mode": "later"}}), rule),
            ["metadata.code_update_strategy.mode"]
        );
        assert_eq!(
            found(json!({"code_update_strategy": {"max_delay": 300}}), rule),
            ["metadata.code_update_strategy.mode"]
        );
        assert!(found(
            json!({"code_update_strategy": {"mode": "deferred", "max_delay": 300}}),
            rule
        )
        .is_empty());
        assert!(found(json!({"code_update_strategy": {"mode": "immediate"}}), rule).is_empty());
    }

    #[test]
    fn the_code_update_delay_is_at_most_a_day() {
        let rule = "code-update-strategy-max-delay";
        assert_eq!(
            found(
                json!({"code_update_strategy": {"mode": "deferred", "max_delay": 90000}}),
                rule
            ),
            ["metadata.code_update_strategy.max_delay"]
        );
        assert_eq!(
            found(
                json!({"code_update_strategy": {"mode": "deferred", "max_delay": -1}}),
                rule
            ),
            ["metadata.code_update_strategy.max_delay"]
        );
        assert!(found(
            json!({"code_update_strategy": {"mode": "deferred", "max_delay": 86400}}),
            rule
        )
        .is_empty());
        assert!(found(
            json!({"code_update_strategy": {"mode": "deferred", "max_delay": 0.5}}),
            rule
        )
        .is_empty());
    }

    #[test]
    fn the_code_update_strategy_is_not_checked_where_it_is_not_sent() {
        let mut c =
            composition(json!({"main_module": "a.js", "code_update_strategy": {"mode": "later"}}));
        c.request.operation = Operation::Version;
        assert!(check(&c)
            .iter()
            .all(|f| f.rule != "code-update-strategy-mode"));
    }
}
