//! "Create in account": the resources a composition needs, found or created in one action, and
//! the fields their ids go into. Pure: the app lists the resources, creates what is missing
//! and applies the edits these functions return.
//!
//! A binding field that points at a resource kind the API can create by name (KV, R2, D1,
//! queues, dispatch namespaces) needs one when it is empty or holds a placeholder (then a
//! resource named after the script and the binding is used, or made, and its id fills the
//! field), or when it names a bucket, queue or namespace by its name (then that one must
//! exist). A binding a settings PATCH lists by name only keeps the deployed one: it needs
//! nothing.

use serde_json::Value;

use super::resources::{Resource, ResourceKind};
use super::{Action, BindingEdit};
use crate::model::{Composition, Operation, Target};
use crate::rules::{looks_like_placeholder, At};

/// One resource the composition needs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Need {
    pub kind: ResourceKind,
    /// The name it is found or created by.
    pub name: String,
    /// The field its id (or name) goes into, when the field does not hold it yet.
    pub fill: Option<At>,
}

/// What to do about one need, given the account's list of that kind.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Step {
    /// It exists: its value (id or name) is used.
    Use(String),
    /// It must be created with [`Need::name`].
    Create,
}

/// The resources `c` needs, in the order of its fields (the dispatch namespace first).
pub fn needs(c: &Composition) -> Vec<Need> {
    let mut out = Vec::new();
    let r = &c.request;
    let namespace = r.dispatch_namespace.trim();
    if r.target == Target::Dispatch && !namespace.is_empty() && !looks_like_placeholder(namespace) {
        out.push(Need {
            kind: ResourceKind::DispatchNamespace,
            name: namespace.to_string(),
            fill: None,
        });
    }
    for (index, binding) in c.metadata.bindings.iter().enumerate() {
        let Some((kind, key, value)) = resource_field(binding) else {
            continue;
        };
        if c.request.operation == Operation::Settings && binding.is_bare() {
            continue;
        }
        let need = if value.is_empty() || looks_like_placeholder(&value) {
            Need {
                kind,
                name: resource_name(kind, &r.script_name, &binding.name),
                fill: Some(At::binding(index).field(key)),
            }
        } else if names_itself(kind) {
            Need {
                kind,
                name: value,
                fill: None,
            }
        } else {
            // An id the user gave: nothing to create by it.
            continue;
        };
        if !out.contains(&need) {
            out.push(need);
        }
    }
    out
}

/// The field of `binding` that points at a resource the API creates by name: its kind, key
/// and trimmed text (a D1 binding's database is `id` or, in the older spelling, `database_id`).
fn resource_field(binding: &crate::model::Binding) -> Option<(ResourceKind, &'static str, String)> {
    let type_name = binding.type_name();
    // The binding's fields are read once, and only for the kinds that have such a field.
    let (kind, keys): (ResourceKind, &[&'static str]) = match type_name {
        "kv_namespace" => (ResourceKind::Kv, &["namespace_id"]),
        "r2_bucket" => (ResourceKind::R2, &["bucket_name"]),
        "d1" => (ResourceKind::D1, &["id", "database_id"]),
        "queue" => (ResourceKind::Queue, &["queue_name"]),
        "dispatch_namespace" => (ResourceKind::DispatchNamespace, &["namespace"]),
        _ => return None,
    };
    debug_assert!(keys
        .iter()
        .all(|k| ResourceKind::for_field(type_name, k) == Some(kind)));
    let fields = binding.to_json();
    let text = |key: &str| match fields.get(key) {
        Some(Value::String(s)) => s.trim().to_string(),
        _ => String::new(),
    };
    let (key, value) = keys
        .iter()
        .map(|key| (*key, text(key)))
        .find(|(_, value)| !value.is_empty())
        .unwrap_or((keys[0], String::new()));
    Some((kind, key, value))
}

/// Whether this resource is `existing` (same name, or the value a field holds).
pub fn step(need: &Need, existing: &[Resource]) -> Step {
    match existing
        .iter()
        .find(|r| r.label == need.name || r.value == need.name)
    {
        Some(found) => Step::Use(found.value.clone()),
        None => Step::Create,
    }
}

/// The edit that puts `value` (the resource's id or name) into the need's field.
pub fn fill(need: &Need, value: &str) -> Option<Action> {
    let at = need.fill.as_ref()?;
    let index = at.binding_index()?;
    Some(Action::EditBinding(
        index,
        BindingEdit::Field {
            key: at.field_path().to_string(),
            value: Some(Value::String(value.to_string())),
        },
    ))
}

impl Need {
    /// What it is, for the list before the button: `KV namespace visit-counter-USER_KV`.
    pub fn text(&self) -> String {
        format!("{} {}", self.kind.singular(), self.name)
    }

    /// What was done about it.
    pub fn done_text(&self, step: &Step) -> String {
        match step {
            Step::Create => format!("Created the {}.", self.text()),
            Step::Use(_) => format!("Found the {}.", self.text()),
        }
    }
}

/// Kinds whose binding field holds the resource's name rather than an id.
fn names_itself(kind: ResourceKind) -> bool {
    matches!(
        kind,
        ResourceKind::R2 | ResourceKind::Queue | ResourceKind::DispatchNamespace
    )
}

/// A name for a new resource: `<script>-<BINDING>`; lowercase letters, digits and `-` (at most
/// 63) for the kinds whose names are that strict.
pub fn resource_name(kind: ResourceKind, script: &str, binding: &str) -> String {
    let base = match (script.trim(), binding.trim()) {
        ("", "") => "bindery".to_string(),
        ("", b) => b.to_string(),
        (s, "") => s.to_string(),
        (s, b) => format!("{s}-{b}"),
    };
    if kind == ResourceKind::Kv {
        return base;
    }
    let mut name: String = base
        .chars()
        .map(|ch| match ch.to_ascii_lowercase() {
            ch @ ('a'..='z' | '0'..='9') => ch,
            _ => '-',
        })
        .collect();
    while name.contains("--") {
        name = name.replace("--", "-");
    }
    let name: String = name.trim_matches('-').chars().take(63).collect();
    let name = name.trim_end_matches('-').to_string();
    if name.len() < 3 {
        format!("{name}-bindery")
            .trim_start_matches('-')
            .to_string()
    } else {
        name
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::editor::edit::binding_value;
    use crate::editor::examples::find;
    use crate::editor::Editor;
    use std::rc::Rc;

    fn resource(label: &str, value: &str) -> Resource {
        Resource {
            label: label.into(),
            value: value.into(),
        }
    }

    #[test]
    fn the_docs_examples_need_their_namespace_kv_and_bucket() {
        let step1 = find("wfp-user-worker-kv").unwrap().composition();
        assert_eq!(
            needs(&step1),
            [
                Need {
                    kind: ResourceKind::DispatchNamespace,
                    name: "production".into(),
                    fill: None
                },
                Need {
                    kind: ResourceKind::Kv,
                    name: "customer-42-USER_KV".into(),
                    fill: Some(At::binding(0).field("namespace_id"))
                },
            ]
        );
        // Step 2 keeps USER_KV as deployed: only the bucket is needed.
        let step2 = find("wfp-add-r2-keep-kv").unwrap().composition();
        assert_eq!(
            needs(&step2)[1..],
            [Need {
                kind: ResourceKind::R2,
                name: "customer-42-files".into(),
                fill: None
            }]
        );
        assert!(needs(&find("python-worker").unwrap().composition()).is_empty());
    }

    #[test]
    fn an_existing_resource_is_used_and_its_id_fills_the_field() {
        let c = find("kv-worker").unwrap().composition();
        let need = &needs(&c)[0];
        assert_eq!(need.name, "visit-counter-USER_KV");
        assert_eq!(step(need, &[]), Step::Create);
        let id = "0f2ac74b498b48028cb68387c421e279";
        let listed = [
            resource("other", "1"),
            resource("visit-counter-USER_KV", id),
        ];
        assert_eq!(step(need, &listed), Step::Use(id.into()));
        assert_eq!(need.text(), "KV namespace visit-counter-USER_KV");
        assert_eq!(
            need.done_text(&Step::Create),
            "Created the KV namespace visit-counter-USER_KV."
        );
        assert_eq!(
            need.done_text(&Step::Use(id.into())),
            "Found the KV namespace visit-counter-USER_KV."
        );

        let state = Rc::new(Editor::new(c, "2025-06-02"));
        let state = state.apply(fill(need, id).unwrap());
        let kv = &state.composition.metadata.bindings[0];
        assert_eq!(binding_value(kv, "namespace_id"), Some(Value::from(id)));
        assert!(needs(&state.composition).is_empty(), "nothing left to make");
    }

    #[test]
    fn empty_fields_and_kinds_without_create_are_handled() {
        let mut c = Composition::default();
        c.request.script_name = "My_App".into();
        for type_name in ["r2_bucket", "d1", "queue", "hyperdrive"] {
            c.metadata.bindings.push(crate::model::Binding::new(
                "DATA",
                crate::model::BindingKind::empty(type_name),
            ));
        }
        let made: Vec<(ResourceKind, String)> =
            needs(&c).into_iter().map(|n| (n.kind, n.name)).collect();
        assert_eq!(
            made,
            [
                (ResourceKind::R2, "my-app-data".to_string()),
                (ResourceKind::D1, "my-app-data".to_string()),
                (ResourceKind::Queue, "my-app-data".to_string()),
            ],
            "one per binding; Hyperdrive configs are not created by name"
        );
    }

    #[test]
    fn strict_names_are_lowercase_dashed_and_long_enough() {
        assert_eq!(resource_name(ResourceKind::Kv, "w", "USER_KV"), "w-USER_KV");
        assert_eq!(resource_name(ResourceKind::R2, "", "A"), "a-bindery");
        assert_eq!(resource_name(ResourceKind::R2, "", ""), "bindery");
        assert_eq!(resource_name(ResourceKind::Queue, "--x__y--", "Z"), "x-y-z");
        let long = resource_name(ResourceKind::R2, &"a".repeat(70), "B");
        assert_eq!(long.len(), 63);
    }
}
