//! What each list of a settings PATCH does, said next to the list: left out, the deployed list
//! stays ("unchanged"); `[]`, it is cleared ("remove all"); with items, they replace it. A new
//! PATCH starts with every list unchanged, removing the last item gives "remove all", and one
//! action switches an empty list between the two.

use super::Action;
use crate::model::{Composition, ListPresence, Operation, PatchList};

/// The state of one list of a settings PATCH, as the app shows it.
#[derive(Clone, Debug, PartialEq)]
pub struct PatchListView {
    /// "Unchanged", "Remove all" or "Replace".
    pub state: &'static str,
    /// One sentence: what the PATCH does with the deployed list.
    pub says: String,
    /// The button that switches an empty list, with its label.
    pub action: Option<(&'static str, Action)>,
}

/// The view of the list `name` (one of [`crate::model::PATCH_LISTS`]); `None` for another
/// request than a settings PATCH, where absent and `[]` mean the same.
pub fn patch_list_view(c: &Composition, name: &str) -> Option<PatchListView> {
    if c.request.operation != Operation::Settings {
        return None;
    }
    let list = PatchList::lookup(name)?;
    let switch = |remove_all| Action::SetPatchList {
        name: name.to_string(),
        remove_all,
    };
    Some(match list.presence(&c.metadata) {
        ListPresence::Absent => PatchListView {
            state: "Unchanged",
            says: format!(
                "`{name}` is left out: the deployed {} stay as they are.",
                list.plural
            ),
            action: Some(("Remove all", switch(true))),
        },
        ListPresence::Empty => PatchListView {
            state: "Remove all",
            says: format!("`{name}: []` removes {}.", list.every),
            action: Some(("Leave unchanged", switch(false))),
        },
        ListPresence::Items(n) => PatchListView {
            state: "Replace",
            says: format!(
                "These {n} replace the deployed {}; any not listed is removed.",
                list.plural
            ),
            action: None,
        },
    })
}

#[cfg(test)]
mod tests {
    use std::rc::Rc;

    use serde_json::json;

    use super::*;
    use crate::editor::Editor;
    use crate::model::{Binding, BindingKind, PATCH_LISTS};

    fn settings_patch() -> Rc<Editor> {
        let mut c = Editor::blank("2025-01-15");
        c.request.account_id = "0123456789abcdef0123456789abcdef".into();
        c.request.script_name = "my-worker".into();
        c.request.operation = Operation::Settings;
        c.metadata.compatibility_date = None;
        Rc::new(Editor::new(c, "2025-01-15"))
    }

    fn state_of(editor: &Editor, name: &str) -> &'static str {
        patch_list_view(&editor.composition, name).unwrap().state
    }

    #[test]
    fn every_list_of_a_new_settings_patch_starts_unchanged() {
        let editor = settings_patch();
        for list in PATCH_LISTS {
            assert_eq!(state_of(&editor, list.name), "Unchanged");
        }
        assert!(!editor.derived.metadata_pretty.contains("bindings"));
    }

    #[test]
    fn removing_the_last_binding_removes_all_and_leave_unchanged_makes_it_absent_again() {
        let editor = settings_patch()
            .apply(Action::AddBinding("kv_namespace".into()))
            .apply(Action::EditBinding(
                0,
                crate::editor::BindingEdit::Name("KV".into()),
            ));
        assert_eq!(state_of(&editor, "bindings"), "Replace");
        let editor = editor.apply(Action::RemoveBinding(0));
        assert_eq!(state_of(&editor, "bindings"), "Remove all");
        let sent: serde_json::Value =
            serde_json::from_str(&editor.derived.metadata_pretty).unwrap();
        assert_eq!(sent["bindings"], json!([]));
        let view = patch_list_view(&editor.composition, "bindings").unwrap();
        assert_eq!(view.says, "`bindings: []` removes every binding.");
        let (label, action) = view.action.unwrap();
        assert_eq!(label, "Leave unchanged");
        let editor = editor.apply(action);
        assert_eq!(state_of(&editor, "bindings"), "Unchanged");
        let sent: serde_json::Value =
            serde_json::from_str(&editor.derived.metadata_pretty).unwrap();
        assert!(sent.get("bindings").is_none(), "{sent}");
    }

    #[test]
    fn remove_all_writes_an_empty_list_and_never_drops_items() {
        for list in PATCH_LISTS {
            let editor = settings_patch();
            let (label, action) = patch_list_view(&editor.composition, list.name)
                .unwrap()
                .action
                .unwrap();
            assert_eq!(label, "Remove all");
            let editor = editor.apply(action);
            assert_eq!(state_of(&editor, list.name), "Remove all", "{}", list.name);
        }
        let mut editor = settings_patch();
        editor = editor.apply(Action::SetMetadataField {
            path: "tags".into(),
            value: Some(json!(["team-a"])),
        });
        let same = editor.clone().apply(Action::SetPatchList {
            name: "tags".into(),
            remove_all: false,
        });
        assert_eq!(same.composition.metadata.tags, ["team-a"]);
    }

    #[test]
    fn clearing_a_list_field_of_a_patch_removes_all_of_it() {
        let editor = settings_patch()
            .apply(Action::SetMetadataField {
                path: "compatibility_flags".into(),
                value: Some(json!(["nodejs_compat"])),
            })
            .apply(Action::SetMetadataField {
                path: "compatibility_flags".into(),
                value: None,
            });
        assert_eq!(state_of(&editor, "compatibility_flags"), "Remove all");
        assert!(editor
            .derived
            .metadata_pretty
            .contains("\"compatibility_flags\": []"));
    }

    #[test]
    fn an_upload_turned_into_a_patch_starts_with_its_empty_lists_unchanged() {
        let mut c = Editor::blank("2025-01-15");
        c.metadata.compatibility_flags.set_empty();
        c.metadata.bindings = vec![Binding::new(
            "KV",
            BindingKind::KvNamespace {
                namespace_id: "abc".into(),
            },
        )]
        .into();
        let editor = Rc::new(Editor::new(c, "2025-01-15"));
        assert_eq!(patch_list_view(&editor.composition, "bindings"), None);
        let editor = editor.apply(Action::SetOperation(Operation::Settings));
        assert_eq!(state_of(&editor, "compatibility_flags"), "Unchanged");
        assert_eq!(state_of(&editor, "bindings"), "Replace");
    }

    #[test]
    fn on_an_upload_removing_the_last_binding_is_just_no_bindings() {
        let editor = Rc::new(Editor::new(Editor::blank("2025-01-15"), "2025-01-15"))
            .apply(Action::AddBinding("ai".into()))
            .apply(Action::RemoveBinding(0));
        assert!(editor.composition.metadata.bindings.is_absent());
    }
}
