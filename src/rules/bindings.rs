//! The binding list as a whole: names, unknown types, secrets, bindings that need other metadata.
//! Per-type required fields live in `binding_fields.rs`.

use std::collections::HashMap;

use super::text::{closest, first_non_identifier_char, is_identifier, is_reserved_word};
use super::{binding_at, is_kept_on_patch, sends, Findings};
use crate::model::{BindingKind, Composition, Operation, KNOWN_BINDING_TYPES};

pub(super) fn check(c: &Composition, out: &mut Findings) {
    if !sends(c, "bindings") {
        return;
    }
    let bindings = &c.metadata.bindings;
    if c.request.operation == Operation::Settings && bindings.is_written_empty() {
        out.warning(
            "patch-removes-all-bindings",
            "metadata.bindings",
            "`bindings: []` on a settings PATCH removes every binding of the deployed Worker. To keep them, leave `bindings` out (\"leave unchanged\").",
        );
    }
    let mut seen: HashMap<&str, usize> = HashMap::with_capacity(bindings.len());
    for (index, binding) in bindings.iter().enumerate() {
        let name = binding.name.as_str();
        check_name(index, name, out);
        if !name.is_empty() {
            if let Some(first) = seen.insert(name, index) {
                seen.insert(name, first);
                out.error(
                    "binding-name-duplicate",
                    binding_at(index, "name"),
                    format!("`{name}` is already bound by bindings[{first}]; every binding needs its own name. Rename or remove one of them."),
                );
            }
        }
        match &binding.kind {
            BindingKind::Custom { type_name, .. } => check_custom_type(index, type_name, out),
            BindingKind::SecretText { text } if text.is_empty() && !is_kept_on_patch(c, binding) => out.error(
                "secret-text-empty",
                binding_at(index, "text"),
                format!(
                    "The secret `{name}` is empty, and a listed binding replaces the deployed one. Enter its value; to keep the existing secret instead, remove this binding and add `secret_text` to keep_bindings, or turn it into an `inherit` binding named `{name}`."
                ),
            ),
            BindingKind::Assets {} if needs_assets(c) => out.warning(
                "assets-binding-without-assets",
                binding_at(index, ""),
                format!("`{name}` is an assets binding, but the metadata has no assets upload (`assets.jwt`, the token an assets upload session completes with) and no `keep_assets`. Upload an assets folder, or set keep_assets so the binding has files to serve."),
            ),
            _ => {}
        }
    }
    check_inherit_strict(c, out);
}

fn check_name(index: usize, name: &str, out: &mut Findings) {
    let at = binding_at(index, "name");
    if name.is_empty() {
        out.error(
            "binding-name-missing",
            at,
            "This binding has no name. Give it the `env` name the code uses, e.g. `MY_KV`.",
        );
    } else if !is_identifier(name) {
        let ch = first_non_identifier_char(name).unwrap_or(' ');
        let fixed: String = name
            .chars()
            .map(|ch| {
                if ch.is_ascii_alphanumeric() || ch == '_' || ch == '$' {
                    ch
                } else {
                    '_'
                }
            })
            .collect();
        let fixed = if fixed.starts_with(|ch: char| ch.is_ascii_digit()) {
            format!("_{fixed}")
        } else {
            fixed
        };
        out.error(
            "binding-name-invalid",
            at,
            format!("`{name}` is not a valid JavaScript identifier (`{ch}` is not allowed there); use letters, digits, `_` and `$`, not starting with a digit, e.g. `{fixed}`."),
        );
    } else if is_reserved_word(name) {
        out.error(
            "binding-name-reserved",
            at,
            format!("`{name}` is a JavaScript reserved word and cannot name a binding. Choose another name, e.g. `{}`.", name.to_ascii_uppercase()),
        );
    }
}

fn check_custom_type(index: usize, type_name: &str, out: &mut Findings) {
    let at = binding_at(index, "");
    if type_name.trim().is_empty() {
        out.error(
            "binding-type-missing",
            at,
            "This binding has no `type`. Pick one of the known binding types.",
        );
        return;
    }
    let hint = match (type_name, closest(type_name, KNOWN_BINDING_TYPES)) {
        ("tail_consumer", _) => {
            " Tail Workers are set in metadata `tail_consumers`, not as a binding.".to_string()
        }
        (_, Some(known)) => format!(" Did you mean `{known}`?"),
        (_, None) => String::new(),
    };
    out.warning("binding-type-unknown", at, format!("The binding type `{type_name}` is not in Bindery's reference: sent as given (the API accepts it if it knows the type).{hint}"));
}

/// Without `bindings_inherit=strict` an `inherit` binding that cannot be resolved is dropped
/// silently; say so once, at the first one.
fn check_inherit_strict(c: &Composition, out: &mut Findings) {
    let r = &c.request;
    if r.bindings_inherit_strict || !r.operation.accepts_bindings_inherit() {
        return;
    }
    let first = c
        .metadata
        .bindings
        .iter()
        .find(|b| matches!(b.kind, BindingKind::Inherit { .. }));
    if let Some(binding) = first {
        out.warning(
            "inherit-not-strict",
            "request.bindings_inherit_strict",
            format!("`{}` is an inherit binding, but strict inheritance is off: if the binding cannot be found on the earlier version it is dropped without an error. Turn on `bindings_inherit=strict` (wrangler always does).", binding.name),
        );
    }
}

/// Whether an `assets` binding would have nothing to serve: no assets upload (an `assets` object
/// with only its `config` uploads nothing) and no `keep_assets`.
fn needs_assets(c: &Composition) -> bool {
    matches!(c.request.operation, Operation::Upload | Operation::Version)
        && c.metadata.assets.as_ref().is_none_or(|a| a.jwt.is_none())
        && c.metadata.keep_assets != Some(true)
}

#[cfg(test)]
mod removal_tests {
    use crate::model::{List, Operation};
    use crate::rules::testing::*;
    use crate::rules::Level::*;

    #[test]
    fn an_empty_binding_list_on_a_patch_warns_that_it_removes_them_all() {
        let mut c = valid();
        c.request.operation = Operation::Settings;
        c.modules.clear();
        c.metadata.main_module = None;
        c.metadata.bindings = List::empty();
        expect_one(
            &c,
            "patch-removes-all-bindings",
            Warning,
            "metadata.bindings",
            &["removes every binding"],
        );
        c.metadata.bindings = List::absent();
        expect_none(&c, "patch-removes-all-bindings");
        c.request.operation = Operation::Upload;
        c.metadata.bindings = List::empty();
        expect_none(&c, "patch-removes-all-bindings");
    }
}

#[cfg(test)]
mod tests {
    use crate::model::{Binding, BindingKind};
    use crate::rules::testing::*;
    use crate::rules::Level::*;
    use serde_json::Map;

    fn text(name: &str) -> Binding {
        Binding::new(name, BindingKind::PlainText { text: "v".into() })
    }

    #[test]
    fn binding_names_must_be_identifiers() {
        let mut c = valid();
        c.metadata.bindings.push(text("MY-KV"));
        expect_one(
            &c,
            "binding-name-invalid",
            Error,
            "bindings[0].name",
            &["`MY-KV`", "`-`", "identifier", "`MY_KV`"],
        );
        c.metadata.bindings[0].name = "1KV".into();
        expect_one(
            &c,
            "binding-name-invalid",
            Error,
            "bindings[0].name",
            &["`_1KV`"],
        );
        c.metadata.bindings[0].name = String::new();
        expect_one(
            &c,
            "binding-name-missing",
            Error,
            "bindings[0].name",
            &["no name"],
        );
        c.metadata.bindings[0].name = "default".into();
        expect_one(
            &c,
            "binding-name-reserved",
            Error,
            "bindings[0].name",
            &["`default`", "reserved"],
        );
    }

    #[test]
    fn binding_names_are_unique() {
        let mut c = valid();
        c.metadata
            .bindings
            .extend([text("A"), text("B"), text("A")]);
        expect_one(
            &c,
            "binding-name-duplicate",
            Error,
            "bindings[2].name",
            &["`A`", "bindings[0]"],
        );
    }

    #[test]
    fn unknown_types_are_sent_as_given() {
        let mut c = valid();
        c.metadata.bindings.push(Binding::new(
            "H",
            BindingKind::Custom {
                type_name: "secret_txt".into(),
                fields: Map::new(),
            },
        ));
        expect_one(
            &c,
            "binding-type-unknown",
            Warning,
            "bindings[0]",
            &["not in Bindery's reference: sent as given", "`secret_text`"],
        );
        c.metadata.bindings[0].kind = BindingKind::Custom {
            type_name: "tail_consumer".into(),
            fields: Map::new(),
        };
        expect_one(
            &c,
            "binding-type-unknown",
            Warning,
            "bindings[0]",
            &["tail_consumers"],
        );
        c.metadata.bindings[0].kind = BindingKind::Custom {
            type_name: String::new(),
            fields: Map::new(),
        };
        expect_one(&c, "binding-type-missing", Error, "bindings[0]", &["type"]);
    }

    #[test]
    fn empty_secret_is_an_error_even_with_keep_bindings() {
        let mut c = valid();
        c.metadata.bindings.push(Binding::new(
            "API_KEY",
            BindingKind::SecretText {
                text: String::new(),
            },
        ));
        c.metadata.keep_bindings = vec!["secret_text".into()].into();
        expect_one(
            &c,
            "secret-text-empty",
            Error,
            "bindings[0].text",
            &[
                "`API_KEY`",
                "keep_bindings",
                "inherit",
                "remove this binding",
            ],
        );
        c.metadata.bindings[0].kind = BindingKind::SecretText {
            text: "s3cret".into(),
        };
        expect_none(&c, "secret-text-empty");
    }

    #[test]
    fn inherit_without_strict_is_dropped_silently() {
        let mut c = valid();
        let inherit = BindingKind::Inherit {
            old_name: None,
            version_id: None,
        };
        c.metadata.bindings.push(Binding::new("DB", inherit));
        expect_one(
            &c,
            "inherit-not-strict",
            Warning,
            "request.bindings_inherit_strict",
            &["`DB`", "dropped", "strict"],
        );
        c.request.bindings_inherit_strict = true;
        expect_none(&c, "inherit-not-strict");
    }

    #[test]
    fn assets_binding_needs_assets() {
        let mut c = valid();
        c.metadata
            .bindings
            .push(Binding::new("ASSETS", BindingKind::Assets {}));
        expect_one(
            &c,
            "assets-binding-without-assets",
            Warning,
            "bindings[0]",
            &["`ASSETS`", "keep_assets"],
        );
        c.metadata.keep_assets = Some(true);
        expect_none(&c, "assets-binding-without-assets");
        // Only the configuration, without an upload's token: still nothing to serve.
        c.metadata.keep_assets = None;
        c.metadata.assets = Some(crate::model::Assets {
            config: Some(crate::model::AssetsConfig {
                not_found_handling: Some("404-page".into()),
                ..Default::default()
            }),
            ..Default::default()
        });
        expect_one(
            &c,
            "assets-binding-without-assets",
            Warning,
            "bindings[0]",
            &["`assets.jwt`"],
        );
        c.metadata.assets.as_mut().unwrap().jwt = Some("a.b.c".into());
        expect_none(&c, "assets-binding-without-assets");
    }
}
