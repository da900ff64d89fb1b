//! The error codes Cloudflare returns around uploads, and what they mean.

use crate::model::catalog::{self, Resource};
use crate::model::{Composition, Target};

use super::locate::{binding_field, entry_field, module_field, part_in_location, quoted};
use super::AT_TOKEN;
use crate::rules::At;

/// The explanation and `at` path for one error.
pub fn explain(code: i64, message: &str, composition: &Composition) -> (String, Option<At>) {
    // A user Worker's own namespace is named by the request, not by a binding.
    let own_namespace = code == 100119 && composition.request.target == Target::Dispatch;
    if let Some(resource) = Resource::for_missing_code(code).filter(|_| !own_namespace) {
        return (
            format!(
                "A binding points at a {} that does not exist in this account. Check the id or \
                 name, or create it first; right after creating one, retry after a few seconds.",
                resource.label()
            ),
            missing_resource_field(composition, resource, message),
        );
    }
    match code {
        10021 => validation(message, composition),
        10027 => (
            "The Worker is too large after compression. Remove unused modules or large data parts."
                .into(),
            Some(At::root("modules")),
        ),
        10057 => (
            "An `inherit` binding could not be resolved: the previous version has no binding of that \
             name. Check its name/old_name, or turn strict inheritance off."
                .into(),
            binding_field(composition, &["inherit"], message, "name")
                .or_else(|| Some(At::request("bindings_inherit_strict"))),
        ),
        10016 => (
            "The script name is not valid: use lowercase letters, digits and dashes, at most 63 \
             characters, not starting or ending with a dash."
                .into(),
            Some(At::request("script_name")),
        ),
        10007 | 10090 | 10092 => (
            "No Worker of that name exists here: check the script name (settings and content \
             uploads need an existing Worker)."
                .into(),
            Some(At::request("script_name")),
        ),
        100119 => (
            "The dispatch namespace does not exist in this account: check its name or create it."
                .into(),
            Some(At::request("dispatch_namespace")),
        ),
        10052 => ("A binding has no name: every binding needs the `env` name it is reachable under.".into(), first_unnamed_binding(composition)),
        10056 => ("A binding refers to something that was not found; check the ids of your bindings.".into(), None),
        10068 | 10069 => (
            "The entry module registers no supported event handler: it needs e.g. `export default { fetch() {…} }`."
                .into(),
            Some(entry_field(composition)),
        ),
        10000 => (
            "The API refused the token for this request: it may be unknown or malformed (paste \
             it again and use \"Verify token\"), or valid but without the Workers Scripts: Edit \
             permission for this account (or made for another account: check the account id)."
                .into(),
            Some(AT_TOKEN),
        ),
        9106 | 9109 | 1000 | 6003 | 6111 => (
            "Authentication failed: the API token is missing, mistyped, expired or of the wrong kind. \
             Paste it again and use \"Verify token\"."
                .into(),
            Some(AT_TOKEN),
        ),
        7003 => (
            "The API could not route the request: the account id is most likely wrong (it is the \
             32-character hex id on the dashboard, not an e-mail or a zone id)."
                .into(),
            Some(At::request("account_id")),
        ),
        7000 => (
            "No route for this path and method: check the endpoint chosen and the ids in the URL."
                .into(),
            Some(At::request("operation")),
        ),
        10215 | 10222 => (
            "Secrets can change only when the latest version is deployed: deploy first.".into(),
            None,
        ),
        971 | 6100 => ("Too many requests: wait a moment and send again.".into(), None),
        _ => ("See the message from the API above.".into(), None),
    }
}

/// 10021 is a generic validation error; its message tells which mistake it was.
fn validation(message: &str, composition: &Composition) -> (String, Option<At>) {
    let lower = message.to_ascii_lowercase();
    let json_part = composition.request.operation.json_part_name();
    if lower.contains("could not read content for part") {
        return (
            format!(
                "The API found no single JSON `{json_part}` part. Send the request as built here \
                 (the whole metadata object as one part), not as flattened form fields."
            ),
            Some(At::root("metadata")),
        );
    }
    if lower.contains("no such module") {
        let name = quoted(message).unwrap_or("");
        let at = if composition.metadata.entry_part() == Some(name) {
            Some(entry_field(composition))
        } else {
            module_field(composition, name, "name").or_else(|| Some(At::root("modules")))
        };
        return (
            format!(
                "A module named \"{name}\" was imported or named as entry but no part has that name. \
                 Add the file, or make the part name match the import path exactly."
            ),
            at,
        );
    }
    // Both are what V8 says when ES module syntax is run as a classic script.
    if lower.contains("unexpected token 'export'")
        || lower.contains("unexpected token \"export\"")
        || lower.contains("cannot use import statement outside a module")
    {
        let at = part_in_location(message)
            .and_then(|part| module_field(composition, part, "kind"))
            .or_else(|| {
                if composition.metadata.is_service_worker() {
                    Some(At::metadata("body_part"))
                } else {
                    composition
                        .entry_module()
                        .and_then(|m| module_field(composition, &m.name, "kind"))
                }
            });
        return (
            "An ES module was run as a service-worker or CommonJS script. Set the module's kind to \
             \"ES module\" and name it as main module (not body part)."
                .into(),
            at,
        );
    }
    if lower.contains("missing text property for binding") {
        return (
            "A secret or variable was sent without its `text`. A binding list read back from the \
             API never has secret values: to keep a deployed secret, list its type in \
             keep_bindings or send an `inherit` binding of that name instead."
                .into(),
            named_binding_field(composition, message, "text"),
        );
    }
    if lower.contains("must have a valid") {
        let field = message.split('`').nth(1).unwrap_or("name");
        return (
            "A binding lacks a field its type needs, or carries a placeholder or empty id: fill in \
             the real value (the id of the resource)."
                .into(),
            named_binding_field(composition, message, field)
                .or_else(|| binding_field(composition, &["d1"], message, "id")),
        );
    }
    if lower.contains("invalid left-hand side") {
        return (
            "A module's bytes arrived corrupted or are not JavaScript: check the file and its kind."
                .into(),
            part_in_location(message).and_then(|part| module_field(composition, part, "kind")),
        );
    }
    if lower.contains("startup") && (lower.contains("cpu") || lower.contains("memory")) {
        return (
            "The Worker's top-level code does too much at start-up: move work into the handlers."
                .into(),
            Some(entry_field(composition)),
        );
    }
    (
        "The API rejected the upload as invalid; its message above says why.".into(),
        None,
    )
}

/// The binding field naming a resource the API did not find (the catalog says which fields name
/// it): on the binding the message mentions, else the first that could; on the field that binding
/// fills (D1's `database_id` when it uses that spelling).
fn missing_resource_field(
    composition: &Composition,
    resource: Resource,
    message: &str,
) -> Option<At> {
    let naming: Vec<_> = catalog::fields_naming(resource).collect();
    let mut types: Vec<&str> = naming.iter().map(|(spec, _)| spec.type_name).collect();
    types.dedup();
    let index = binding_field(composition, &types, message, "")?.binding_index()?;
    let binding = composition.metadata.bindings.get(index)?;
    let fields: Vec<&'static str> = naming
        .iter()
        .filter(|(spec, _)| spec.type_name == binding.type_name())
        .map(|(_, field)| field.key)
        .collect();
    let field = fields
        .iter()
        .find(|key| binding.kind.is_blank(key) == Some(false))
        .or(fields.first())?;
    Some(At::binding(index).field(*field))
}

/// `bindings[i].name` for a binding whose name the message quotes.
/// `bindings[i].<field>` for the binding the message names ("… binding NAME …"), when its type
/// has that field (the catalog says), else its name.
fn named_binding_field(composition: &Composition, message: &str, field: &str) -> Option<At> {
    let index = composition.metadata.bindings.iter().position(|b| {
        !b.name.is_empty()
            && message
                .match_indices(&format!("binding {}", b.name))
                .any(|(at, named)| {
                    !message[at + named.len()..]
                        .starts_with(|c: char| c.is_alphanumeric() || c == '_')
                })
    })?;
    let binding = &composition.metadata.bindings[index];
    let known = catalog::lookup(binding.type_name()).and_then(|spec| spec.field(field));
    Some(At::binding(index).field(known.map_or("name", |f| f.key)))
}

fn first_unnamed_binding(composition: &Composition) -> Option<At> {
    let index = composition
        .metadata
        .bindings
        .iter()
        .position(|b| b.name.is_empty())?;
    Some(At::binding(index).field("name"))
}
