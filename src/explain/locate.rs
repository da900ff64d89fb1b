//! Finding the field of a composition an error message is about.

use serde_json::Value;

use crate::model::Composition;
use crate::rules::At;

/// `modules[i].<field>` for the module called `name`.
pub fn module_field(composition: &Composition, name: &str, field: &'static str) -> Option<At> {
    let index = composition.modules.iter().position(|m| m.name == name)?;
    Some(At::module(index).field(field))
}

/// `bindings[i].<field>` for the binding of one of `types` that the message most likely means:
/// the one whose name or one of whose values the message quotes, else the first of those types.
pub fn binding_field(
    composition: &Composition,
    types: &[&str],
    message: &str,
    field: &'static str,
) -> Option<At> {
    let bindings = &composition.metadata.bindings;
    let candidates: Vec<usize> = (0..bindings.len())
        .filter(|&i| types.contains(&bindings[i].type_name()))
        .collect();
    let mentioned = candidates.iter().copied().find(|&i| {
        let binding = &bindings[i];
        let named = !binding.name.is_empty() && message.contains(&binding.name);
        named
            || binding.to_json().values().any(|value| match value {
                Value::String(s) => !s.is_empty() && message.contains(s.as_str()),
                _ => false,
            })
    });
    let index = mentioned.or_else(|| candidates.first().copied())?;
    Some(At::binding(index).field(field))
}

/// The text between the first pair of double quotes, e.g. the module of `No such module "a.js"`.
pub fn quoted(message: &str) -> Option<&str> {
    let start = message.find('"')? + 1;
    let length = message[start..].find('"')?;
    Some(&message[start..start + length])
}

/// The part named in a runtime error location such as `... at index.js:1:7`.
pub fn part_in_location(message: &str) -> Option<&str> {
    let location = message
        .rsplit(" at ")
        .next()
        .filter(|_| message.contains(" at "))?;
    let part = location.split(':').next()?.trim();
    (!part.is_empty()).then_some(part)
}

/// The entry part field: `metadata.main_module`, or `metadata.body_part` for service workers.
pub fn entry_field(composition: &Composition) -> At {
    if composition.metadata.is_service_worker() {
        At::metadata("body_part")
    } else {
        At::metadata("main_module")
    }
}
