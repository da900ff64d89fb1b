//! Rules over a composition: findings with a level, a location and a fix.
//!
//! [`check`] runs every rule and returns the findings, errors first, then warnings, each group in
//! a stable order (request, entry, modules, service-worker format, bindings, binding fields,
//! metadata fields, exports, members not in the reference, placement, compatibility date and
//! flags, migrations). The rules are pure and
//! linear in the size of the composition, so the browser app can run them on every keystroke.
//! Warnings never block a send; errors describe requests the API would reject (or that would
//! silently do the wrong thing). Fields the chosen endpoint does not send are reported once as
//! `fields-not-sent` and otherwise not checked: what is not sent cannot make the request fail.
//! On a settings PATCH, a binding with only `type` and `name` keeps the deployed binding, so its
//! empty fields are not reported.
//!
//! # Locations (`Finding::at`)
//!
//! `at` is an [`At`]: a stable path the UI maps to the field at fault, rendered and serialized
//! as in this table:
//!
//! | Path | Field |
//! |---|---|
//! | `request.account_id`, `request.script_name`, `request.dispatch_namespace`, `request.operation`, `request.bindings_inherit_strict` | the request line |
//! | `metadata.main_module`, `metadata.body_part` | the entry point |
//! | `metadata.compatibility_date`, `metadata.compatibility_flags` | runtime date and flags |
//! | `metadata.keep_bindings`, `metadata.migrations` | kept binding types, Durable Object migrations |
//! | `metadata.<field>` | any other metadata field by its wire name (`metadata.annotations`, `metadata.placement`, …) |
//! | `metadata.<field>.<member>` | a member inside one, nested with dots and `[i]` (`metadata.observability.logs.enabled`, `metadata.exports.Cart.storage`, `metadata.tail_consumers[0].filters`) |
//! | `bindings[3]` | the whole binding at index 3 of `metadata.bindings` |
//! | `bindings[3].name` | its `env` name |
//! | `bindings[3].<field>` | one of its fields by wire name, nested with dots (`bindings[0].namespace_id`, `bindings[2].simple.period`) |
//! | `modules[1]`, `modules[1].name`, `modules[1].kind` | a module part, its part name, its kind |
//!
//! A warning about several metadata fields at once (fields the endpoint does not accept) points at
//! the first of them.
//!
//! # Rule ids
//!
//! `Finding::rule` is a stable kebab-case id (e.g. `entry-missing`); the same id is reused by
//! one rule for every location it reports, so tools can filter or count by it.

mod at;
mod binding_fields;
mod bindings;
mod compatibility;
mod entry;
mod env_usage;
mod exports;
mod metadata_fields;
mod migrations;
mod modules;
mod open_world;
mod placement;
mod request;
#[cfg(test)]
mod scenarios;
mod service_worker;
mod text;

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::model::Composition;

pub use at::At;
pub use text::{is_cloudflare_id, looks_like_placeholder};

/// The rules that report a value not given yet: a required field left empty, or a placeholder
/// (`<your-account-id>`, the one form the examples use) still standing in for it, or an
/// assets binding whose folder is not uploaded yet. The app
/// lists these as "to do" until the user has edited the field or tried to copy or send;
/// everything else is reported as soon as it is written. The CLI reports them all as they are.
pub const VALUE_NOT_GIVEN: &[&str] = &[
    "account-id-missing",
    "account-id-placeholder",
    "script-name-missing",
    "dispatch-namespace-missing",
    "entry-missing",
    "binding-name-missing",
    "binding-type-missing",
    "binding-field-missing",
    "binding-id-placeholder",
    "secret-text-empty",
    "json-binding-empty",
    "assets-binding-without-assets",
];

/// Whether `rule` reports a value not given yet (see [`VALUE_NOT_GIVEN`]).
pub fn is_value_not_given(rule: &str) -> bool {
    VALUE_NOT_GIVEN.contains(&rule)
}

/// How serious a finding is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    /// The API would reject the request, or it would not do what the composition says.
    Error,
    /// Worth a look; never blocks sending.
    Warning,
}

impl Level {
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Error => "error",
            Level::Warning => "warning",
        }
    }
}

impl fmt::Display for Level {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One problem found in a composition.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Finding {
    pub level: Level,
    /// Stable kebab-case id of the rule, e.g. `main-module-missing`.
    pub rule: &'static str,
    /// Where: a path from the table in this module's documentation.
    pub at: At,
    /// One or two sentences naming the field or part at fault and how to fix it.
    pub message: String,
}

impl fmt::Display for Finding {
    /// `error[entry-missing] metadata.main_module: …`
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}[{}] {}: {}",
            self.level, self.rule, self.at, self.message
        )
    }
}

/// A finding read back (the app's import worker sends them). The rule id is kept once per
/// distinct id for the life of the program, so a finding read back has a `&'static str` like
/// the ones the rules write; rule ids are a closed set of short words, so this stays small.
impl<'de> Deserialize<'de> for Finding {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Finding, D::Error> {
        #[derive(Deserialize)]
        struct Sent {
            level: Level,
            rule: String,
            at: At,
            message: String,
        }
        let sent = Sent::deserialize(deserializer)?;
        Ok(Finding {
            level: sent.level,
            rule: rule_id(sent.rule),
            at: sent.at,
            message: sent.message,
        })
    }
}

fn rule_id(text: String) -> &'static str {
    static SEEN: std::sync::Mutex<Vec<&'static str>> = std::sync::Mutex::new(Vec::new());
    let mut seen = SEEN.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    if let Some(id) = seen.iter().find(|id| **id == text) {
        return id;
    }
    let id: &'static str = Box::leak(text.into_boxed_str());
    seen.push(id);
    id
}

/// Checks a composition without knowing today's date (no "date in the future" warning).
pub fn check(c: &Composition) -> Vec<Finding> {
    check_at(c, None)
}

/// Checks a composition; `today` (`YYYY-MM-DD`) enables the "compatibility date in the future"
/// warning. An unparsable `today` is ignored.
pub fn check_at(c: &Composition, today: Option<&str>) -> Vec<Finding> {
    let mut out = Findings::default();
    request::check(c, &mut out);
    entry::check(c, &mut out);
    modules::check(c, &mut out);
    service_worker::check(c, &mut out);
    bindings::check(c, &mut out);
    binding_fields::check(c, &mut out);
    metadata_fields::check(c, &mut out);
    exports::check(c, &mut out);
    open_world::check(c, &mut out);
    placement::check(c, &mut out);
    compatibility::check(c, today, &mut out);
    migrations::check(c, &mut out);
    env_usage::check(c, &mut out);
    let mut findings = out.items;
    // Stable: keeps the rule order inside each level.
    findings.sort_by_key(|f| f.level);
    findings
}

/// Whether any finding is an error (a request that should not be sent as is).
pub fn has_errors(findings: &[Finding]) -> bool {
    findings.iter().any(|f| f.level == Level::Error)
}

/// Collects findings while the rules run.
#[derive(Default)]
pub(crate) struct Findings {
    items: Vec<Finding>,
}

impl Findings {
    fn push(
        &mut self,
        level: Level,
        rule: &'static str,
        at: impl Into<At>,
        message: impl Into<String>,
    ) {
        self.items.push(Finding {
            level,
            rule,
            at: at.into(),
            message: message.into(),
        });
    }

    pub(crate) fn error(
        &mut self,
        rule: &'static str,
        at: impl Into<At>,
        message: impl Into<String>,
    ) {
        self.push(Level::Error, rule, at, message);
    }

    pub(crate) fn warning(
        &mut self,
        rule: &'static str,
        at: impl Into<At>,
        message: impl Into<String>,
    ) {
        self.push(Level::Warning, rule, at, message);
    }
}

/// `bindings[i].field`, or `bindings[i]` for an empty field.
pub(crate) fn binding_at(index: usize, field: impl Into<std::borrow::Cow<'static, str>>) -> At {
    At::binding(index).field(field)
}

/// `modules[i].field`, or `modules[i]` for an empty field.
pub(crate) fn module_at(index: usize, field: impl Into<std::borrow::Cow<'static, str>>) -> At {
    At::module(index).field(field)
}

/// Whether the chosen endpoint sends the metadata field `field`. Rules about a field the
/// request drops stay quiet: the drop itself is reported once (`fields-not-sent`), and what is
/// not sent cannot make the request fail.
pub(crate) fn sends(c: &Composition, field: &str) -> bool {
    crate::model::FieldSupport::lookup(field).is_some_and(|f| f.accepted_by(c.request.operation))
}

/// Whether a settings PATCH lists this binding bare (only `type` and `name`, every other field
/// blank): the form that carries the deployed binding of that name over unchanged
/// (reference (e)). Such a binding has no fields to check.
pub(crate) fn is_kept_on_patch(c: &Composition, binding: &crate::model::Binding) -> bool {
    use serde_json::Value;
    fn blank(value: &Value) -> bool {
        match value {
            Value::Null => true,
            Value::Bool(b) => !b,
            Value::Number(n) => n.as_f64() == Some(0.0),
            Value::String(s) => s.is_empty(),
            Value::Array(items) => items.is_empty(),
            Value::Object(fields) => fields.values().all(blank),
        }
    }
    c.request.operation == crate::model::Operation::Settings
        && !matches!(binding.kind, crate::model::BindingKind::Custom { .. })
        && binding
            .to_json()
            .iter()
            .all(|(key, value)| key == "type" || key == "name" || blank(value))
}

/// Test helpers shared by the rule files.
#[cfg(test)]
pub(crate) mod testing {
    use super::{Finding, Level};
    use crate::model::{Composition, Module, Operation};

    /// The CPU time this thread has used: the timing tests measure the work itself, not how
    /// long a busy machine (other tests, other builds) kept the thread waiting.
    pub(crate) fn thread_cpu_time() -> std::time::Duration {
        let mut now = libc::timespec {
            tv_sec: 0,
            tv_nsec: 0,
        };
        // SAFETY: clock_gettime writes one timespec through a pointer to a live local.
        let status = unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut now) };
        assert_eq!(status, 0, "clock_gettime(CLOCK_THREAD_CPUTIME_ID)");
        std::time::Duration::new(now.tv_sec as u64, now.tv_nsec as u32)
    }

    /// A valid module-syntax upload: one ES module entry, a date, a real-looking account.
    pub fn valid() -> Composition {
        let mut c = Composition::default();
        c.request.account_id = "0123456789abcdef0123456789abcdef".into();
        c.request.script_name = "my-worker".into();
        c.request.operation = Operation::Upload;
        c.metadata.main_module = Some("index.js".into());
        c.metadata.compatibility_date = Some("2024-06-01".into());
        c.modules.push(Module::inline(
            "index.js",
            "export default { fetch() { return new Response('hi') } }",
        ));
        c
    }

    /// A valid service-worker upload with `body_part = "worker.js"`.
    pub fn service_worker() -> Composition {
        let mut c = valid();
        c.metadata.main_module = None;
        c.metadata.body_part = Some("worker.js".into());
        let mut script = Module::inline(
            "worker.js",
            "addEventListener('fetch', e => e.respondWith(new Response('hi')))",
        );
        script.kind = crate::model::ModuleKind::Commonjs;
        c.modules = vec![script];
        c
    }

    /// Runs the whole check and returns the findings of one rule.
    pub fn of_rule(c: &Composition, rule: &str) -> Vec<Finding> {
        super::check(c)
            .into_iter()
            .filter(|f| f.rule == rule)
            .collect()
    }

    /// Asserts exactly one finding of `rule` with this level and location, whose message
    /// contains every word of `words`; returns it.
    pub fn expect_one(
        c: &Composition,
        rule: &str,
        level: Level,
        at: &str,
        words: &[&str],
    ) -> Finding {
        let found = of_rule(c, rule);
        assert_eq!(
            found.len(),
            1,
            "expected one `{rule}` finding, got {found:#?}"
        );
        let finding = found.into_iter().next().unwrap();
        assert_eq!(finding.level, level, "{finding}");
        assert_eq!(finding.at, at, "{finding}");
        for word in words {
            assert!(
                finding.message.contains(word),
                "`{word}` missing in: {finding}"
            );
        }
        finding
    }

    pub fn expect_none(c: &Composition, rule: &str) {
        let found = of_rule(c, rule);
        assert!(
            found.is_empty(),
            "expected no `{rule}` finding, got {found:#?}"
        );
    }
}

#[cfg(test)]
mod tests {
    use super::testing::*;
    use super::*;

    #[test]
    fn a_valid_composition_has_no_findings() {
        assert_eq!(check(&valid()), vec![]);
        assert_eq!(check(&service_worker()), vec![]);
    }

    #[test]
    fn errors_come_first_and_levels_serialize_lowercase() {
        let mut c = valid();
        c.metadata.compatibility_date = None; // warning
        c.request.script_name = String::new(); // error, reported earlier by rule order anyway
        c.metadata.main_module = Some("missing.js".into()); // error
        let findings = check(&c);
        assert!(has_errors(&findings));
        let levels: Vec<Level> = findings.iter().map(|f| f.level).collect();
        let mut sorted = levels.clone();
        sorted.sort();
        assert_eq!(levels, sorted);
        assert_eq!(findings.last().unwrap().rule, "compatibility-date-missing");
        let json = serde_json::to_value(&findings[0]).unwrap();
        assert_eq!(json["level"], "error");
        assert_eq!(serde_json::to_value(Level::Warning).unwrap(), "warning");
    }

    #[test]
    fn warnings_alone_do_not_count_as_errors() {
        let mut c = valid();
        c.metadata.compatibility_date = None;
        let findings = check(&c);
        assert!(!findings.is_empty());
        assert!(!has_errors(&findings));
    }

    #[test]
    fn what_the_endpoint_does_not_send_cannot_fail_it() {
        use crate::model::{Binding, BindingKind, Operation, Placement};
        let mut c = valid();
        c.request.operation = Operation::Content;
        c.metadata
            .bindings
            .push(Binding::new("1 bad", BindingKind::empty("kv_namespace")));
        c.metadata.placement = Some(Placement::default());
        c.metadata.compatibility_date = Some("2024-02-30".into());
        c.metadata.keep_bindings = vec!["nonsense".into()].into();
        let findings = check(&c);
        let rules: Vec<&str> = findings.iter().map(|f| f.rule).collect();
        assert_eq!(rules, ["fields-not-sent"], "{findings:#?}");
        assert!(findings[0]
            .message
            .contains("`bindings`, `compatibility_date`, `keep_bindings`, `placement`"));
        c.request.operation = Operation::Upload;
        assert!(has_errors(&check(&c)));
    }

    /// 300 bindings of every known type and 50 modules (some CommonJS, which get scanned).
    fn large() -> Composition {
        use crate::model::{Binding, BindingKind, Module, ModuleKind, KNOWN_BINDING_TYPES};
        let mut c = valid();
        for i in 0..300 {
            let type_name = KNOWN_BINDING_TYPES[i % KNOWN_BINDING_TYPES.len()];
            c.metadata.bindings.push(Binding::new(
                format!("BINDING_{i}"),
                BindingKind::empty(type_name),
            ));
        }
        let body =
            "function handler(request) {\n  return new Response(request.url);\n}\n".repeat(200);
        for i in 0..49 {
            let mut module = Module::inline(format!("lib/module_{i}.js"), body.clone());
            if i % 2 == 0 {
                module.kind = ModuleKind::Commonjs;
            }
            c.modules.push(module);
        }
        c
    }

    /// Speed is measured by the edit → preview benchmark, not here; this checks that a large
    /// composition is checked whole: each empty binding reported once, at its own index.
    #[test]
    fn large_compositions_are_checked_whole() {
        let c = large();
        let findings = check_at(&c, Some("2026-01-01"));
        assert!(has_errors(&findings));
        let last = At::binding(c.metadata.bindings.len() - 1);
        assert!(
            findings.iter().any(|f| f.at.is_under(&last)),
            "{last} not reached"
        );
        assert_eq!(
            findings,
            check_at(&c, Some("2026-01-01")),
            "findings are deterministic"
        );
    }

    /// The did-you-mean hint compared every known type with the whole text: a pasted megabyte
    /// took half a minute.
    #[test]
    fn a_binding_type_of_a_million_characters_is_checked_at_once() {
        use crate::model::Binding;
        let mut c = valid();
        let mut object = serde_json::Map::new();
        object.insert("type".into(), "hologram".repeat(125_000).into());
        object.insert("name".into(), "H".into());
        c.metadata
            .bindings
            .push(Binding::from_json(object).unwrap());
        let started = testing::thread_cpu_time();
        let findings = check(&c);
        let elapsed = testing::thread_cpu_time() - started;
        // Unbounded, this took half a minute; the margin is for a slow test machine.
        assert!(elapsed < std::time::Duration::from_secs(5), "{elapsed:?}");
        assert!(
            findings
                .iter()
                .any(|f| f.rule == "binding-type-unknown" && f.at == "bindings[0]"),
            "{findings:#?}"
        );
    }

    /// Each id of [`VALUE_NOT_GIVEN`] is a real rule's, reported for an empty or placeholder
    /// value, so the list cannot drift from the rules.
    #[test]
    fn every_value_not_given_rule_is_reported_for_a_missing_value() {
        use crate::model::{Binding, BindingKind, Target};
        let mut c = valid();
        c.request.account_id = String::new();
        c.request.script_name = String::new();
        c.request.target = Target::Dispatch;
        c.metadata.main_module = None;
        c.metadata.bindings = vec![
            Binding::new("", BindingKind::empty("kv_namespace")),
            Binding::new("K", BindingKind::empty("")),
            Binding::new("S", BindingKind::empty("secret_text")),
            Binding::new("J", BindingKind::empty("json")),
            Binding::new("A", BindingKind::Assets {}),
            Binding::from_json(
                serde_json::json!({"type": "kv_namespace", "name": "P", "namespace_id": "<your-namespace-id>"})
                    .as_object()
                    .unwrap()
                    .clone(),
            )
            .unwrap(),
        ]
        .into();
        let mut reported: Vec<&str> = check(&c).iter().map(|f| f.rule).collect();
        c.request.account_id = "<your-account-id>".into();
        reported.extend(check(&c).iter().map(|f| f.rule));
        for rule in VALUE_NOT_GIVEN {
            assert!(
                reported.contains(rule),
                "`{rule}` is not reported: {reported:?}"
            );
            assert!(is_value_not_given(rule));
        }
        assert!(!is_value_not_given("script-name-invalid"));
    }

    #[test]
    fn display_names_level_rule_and_place() {
        let f = Finding {
            level: Level::Error,
            rule: "x-y",
            at: "bindings[0].name".into(),
            message: "Fix it.".into(),
        };
        assert_eq!(f.to_string(), "error[x-y] bindings[0].name: Fix it.");
    }
}
