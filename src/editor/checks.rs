//! What the Checks panel and the fields show of the rule findings: a value not given yet is a
//! neutral "to do" until the user has edited its field or tried to copy or send, so a blank
//! page (or an example still holding its placeholders) does not open on a wall of errors.
//!
//! The rules themselves do not change (`bindery check` reports the same findings): this only
//! decides how the page presents the findings of [`rules::VALUE_NOT_GIVEN`]. Everything else
//! (a malformed id, a reserved name, a module that does not parse) is shown as soon as it is
//! written.

use std::collections::HashSet;
use std::rc::Rc;

use crate::model::Composition;
use crate::rules::{self, At, Finding};

/// A value still to give: where, which rule asks for it, and a few words naming it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ToDo {
    pub at: At,
    pub rule: &'static str,
    /// `account id`, `a module`, `USER_KV: namespace id`.
    pub label: String,
    /// A placeholder stands in the field (rather than nothing).
    pub placeholder: bool,
}

/// The findings as the page shows them.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Checks {
    /// The errors and warnings to show now (the rules' own list when nothing is a to-do).
    pub findings: Rc<Vec<Finding>>,
    /// The values still to give, in the rules' order.
    pub todo: Rc<Vec<ToDo>>,
}

impl Checks {
    /// Splits `all` (the rule findings of `c`): a finding of [`rules::VALUE_NOT_GIVEN`] whose
    /// field was not edited is a to-do, unless the user already tried to copy or send.
    pub fn of(
        c: &Composition,
        all: &Rc<Vec<Finding>>,
        touched: &Touched,
        attempted: bool,
    ) -> Checks {
        let is_todo =
            |f: &Finding| !attempted && rules::is_value_not_given(f.rule) && !touched.covers(&f.at);
        if !all.iter().any(is_todo) {
            return Checks {
                findings: all.clone(),
                todo: Rc::default(),
            };
        }
        let (todo, shown): (Vec<&Finding>, Vec<&Finding>) = all.iter().partition(|f| is_todo(f));
        Checks {
            findings: Rc::new(shown.into_iter().cloned().collect()),
            todo: Rc::new(todo.into_iter().map(|f| to_do(c, f)).collect()),
        }
    }
}

/// The fields the user has edited since the composition was started (new, imported, an
/// example, loaded from the account). Paths follow their binding or module when the list is
/// reordered.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Touched(HashSet<At>);

impl Touched {
    /// Whether `at` counts as edited: it, or a field above it, was edited (a custom binding's
    /// fields edited as one object cover each of them); for a whole binding or module, any of
    /// its fields.
    pub fn covers(&self, at: &At) -> bool {
        if self.0.is_empty() {
            return false;
        }
        at.and_parents().any(|p| self.0.contains(&p))
            || (at.field_path().is_empty()
                && at.index().is_some()
                && self.0.iter().any(|t| t.is_under(at)))
    }

    pub fn contains(&self, at: &At) -> bool {
        self.0.contains(at)
    }

    /// Records an edit of `at`; `false` when it was recorded already.
    pub fn insert(&mut self, at: At) -> bool {
        self.0.insert(at)
    }

    /// The item `index` of the list `root` (`bindings`, `modules`) was removed: its paths go,
    /// the paths of the items after it move up by one.
    pub fn removed(&mut self, root: &str, index: usize) {
        self.reindex(root, |i| match i {
            i if i == index => None,
            i if i > index => Some(i - 1),
            i => Some(i),
        });
    }

    /// The items `a` and `b` of the list `root` swapped places.
    pub fn swapped(&mut self, root: &str, a: usize, b: usize) {
        self.reindex(root, |i| {
            Some(match i {
                i if i == a => b,
                i if i == b => a,
                i => i,
            })
        });
    }

    fn reindex(&mut self, root: &str, map: impl Fn(usize) -> Option<usize>) {
        if !self.0.iter().any(|at| at.root_name() == root) {
            return;
        }
        self.0 = std::mem::take(&mut self.0)
            .into_iter()
            .filter_map(|at| match at.index() {
                Some(i) if at.root_name() == root => map(i).map(|new| {
                    At::parse(&format!("{root}[{new}]")).field(at.field_path().to_string())
                }),
                _ => Some(at),
            })
            .collect();
    }
}

fn to_do(c: &Composition, f: &Finding) -> ToDo {
    let placeholder = f.rule.ends_with("-placeholder");
    let what = match f.rule {
        "account-id-missing" | "account-id-placeholder" => "account id".to_string(),
        "script-name-missing" => "script name".to_string(),
        "dispatch-namespace-missing" => "dispatch namespace".to_string(),
        "entry-missing" if c.modules.is_empty() => "a module".to_string(),
        "entry-missing" => "the main module".to_string(),
        "assets-binding-without-assets" => match f
            .at
            .binding_index()
            .and_then(|i| c.metadata.bindings.get(i))
        {
            Some(b) if !b.name.is_empty() => format!("{}: upload the assets folder", b.name),
            _ => "upload the assets folder".to_string(),
        },
        _ => match f.at.binding_index() {
            Some(index) => {
                let who = match c.metadata.bindings.get(index) {
                    Some(b) if !b.name.is_empty() => b.name.clone(),
                    Some(b) if !b.type_name().is_empty() => {
                        format!("binding {} ({})", index + 1, b.type_name())
                    }
                    _ => format!("binding {}", index + 1),
                };
                match f.at.field_path() {
                    "" => format!("{who}: type"),
                    field => format!("{who}: {}", field.replace(['_', '.'], " ")),
                }
            }
            None => f.at.to_string(),
        },
    };
    ToDo {
        at: f.at.clone(),
        rule: f.rule,
        label: if placeholder {
            format!("{what} (replace the placeholder)")
        } else {
            what
        },
        placeholder,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Binding, BindingKind, Module};
    use crate::rules::{check, Level};

    fn checks(c: &Composition, touched: &Touched, attempted: bool) -> Checks {
        Checks::of(c, &Rc::new(check(c)), touched, attempted)
    }

    fn labels(checks: &Checks) -> Vec<&str> {
        checks.todo.iter().map(|t| t.label.as_str()).collect()
    }

    #[test]
    fn a_blank_composition_has_three_things_to_do_and_no_error() {
        let c = Composition::default();
        let shown = checks(&c, &Touched::default(), false);
        assert_eq!(labels(&shown), ["account id", "script name", "a module"]);
        assert!(!rules::has_errors(&shown.findings), "{:#?}", shown.findings);
    }

    #[test]
    fn an_edited_field_left_empty_is_an_error_and_so_is_everything_after_an_attempt() {
        let c = Composition::default();
        let mut touched = Touched::default();
        assert!(touched.insert(At::request("script_name")));
        assert!(!touched.insert(At::request("script_name")));
        let shown = checks(&c, &touched, false);
        assert_eq!(labels(&shown), ["account id", "a module"]);
        let errors: Vec<&str> = shown
            .findings
            .iter()
            .filter(|f| f.level == Level::Error)
            .map(|f| f.rule)
            .collect();
        assert_eq!(errors, ["script-name-missing"]);

        let tried = checks(&c, &touched, true);
        assert!(tried.todo.is_empty());
        assert_eq!(*tried.findings, check(&c));
    }

    #[test]
    fn what_was_written_is_reported_at_once() {
        let mut c = Composition::default();
        c.request.script_name = "My Worker".into();
        let shown = checks(&c, &Touched::default(), false);
        assert!(shown
            .findings
            .iter()
            .any(|f| f.rule == "script-name-invalid" && f.level == Level::Error));
        assert_eq!(labels(&shown), ["account id", "a module"]);
    }

    #[test]
    fn nothing_to_do_shares_the_rules_own_list() {
        let mut c = Composition::default();
        c.request.account_id = "0123456789abcdef0123456789abcdef".into();
        c.request.script_name = "w".into();
        c.metadata.main_module = Some("index.js".into());
        c.modules
            .push(Module::inline("index.js", "export default {}"));
        let all = Rc::new(check(&c));
        let shown = Checks::of(&c, &all, &Touched::default(), false);
        assert!(Rc::ptr_eq(&shown.findings, &all));
        assert!(shown.todo.is_empty());
    }

    #[test]
    fn bindings_and_placeholders_are_named_in_the_list() {
        let mut c = Composition::default();
        c.request.account_id = "<your-account-id>".into();
        c.request.script_name = "w".into();
        c.metadata.main_module = Some("index.js".into());
        c.modules.push(Module::inline(
            "index.js",
            "export default { fetch(r, env) { return env.USER_KV.get('k') } }",
        ));
        c.metadata.bindings = vec![
            Binding::new("", BindingKind::empty("r2_bucket")),
            Binding::from_json(
                serde_json::json!({"type": "kv_namespace", "name": "USER_KV", "namespace_id": "<your-kv-namespace-id>"})
                    .as_object()
                    .unwrap()
                    .clone(),
            )
            .unwrap(),
        ]
        .into();
        let shown = checks(&c, &Touched::default(), false);
        assert_eq!(
            labels(&shown),
            [
                "account id (replace the placeholder)",
                "binding 1 (r2_bucket): name",
                "binding 1 (r2_bucket): bucket name",
                "USER_KV: namespace id (replace the placeholder)",
            ]
        );
        assert_eq!(
            shown.todo.iter().filter(|t| t.placeholder).count(),
            2,
            "{:#?}",
            shown.todo
        );
    }

    #[test]
    fn edits_follow_their_binding_when_the_list_changes() {
        let mut touched = Touched::default();
        touched.insert(At::binding(0).field("name"));
        touched.insert(At::binding(2).field("namespace_id"));
        touched.insert(At::request("account_id"));
        touched.swapped("bindings", 0, 1);
        assert!(touched.contains(&At::binding(1).field("name")));
        assert!(!touched.contains(&At::binding(0).field("name")));
        touched.removed("bindings", 1);
        assert!(!touched.contains(&At::binding(1).field("name")));
        assert!(touched.contains(&At::binding(1).field("namespace_id")));
        assert!(touched.contains(&At::request("account_id")));
        // A whole binding counts as edited once any of its fields was; a field, only when it
        // (or the whole binding) was.
        assert!(touched.covers(&At::binding(1)));
        assert!(!touched.covers(&At::binding(1).field("name")));
        touched.insert(At::binding(0));
        assert!(touched.covers(&At::binding(0).field("anything")));
    }
}
