//! Per-Worker values by JSON pointer (RFC 6901): one composition template, and for each Worker
//! a row whose columns are pointers into it (`/request/script_name`,
//! `/metadata/bindings/0/namespace_id`).
//!
//! A CSV cell is text: it replaces a string as is, and is read as JSON where the template holds
//! a number, a boolean, an array or an object (so `/metadata/logpush` takes `true`). An empty
//! cell keeps the template's value. A JSON-lines row gives typed values directly.

use serde_json::Value;

/// Why a value could not be put at a pointer; `Display` names the pointer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PointerError {
    pub pointer: String,
    pub reason: String,
}

impl std::fmt::Display for PointerError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.pointer, self.reason)
    }
}

impl std::error::Error for PointerError {}

fn error(pointer: &str, reason: impl Into<String>) -> PointerError {
    PointerError {
        pointer: pointer.to_string(),
        reason: reason.into(),
    }
}

/// The reference tokens of `pointer` (`~1` is `/`, `~0` is `~`).
pub fn tokens(pointer: &str) -> Result<Vec<String>, PointerError> {
    if pointer.is_empty() {
        return Err(error(pointer, "the empty pointer would replace the whole composition; name a field, e.g. /request/script_name"));
    }
    let Some(rest) = pointer.strip_prefix('/') else {
        return Err(error(
            pointer,
            "a JSON pointer starts with `/`, e.g. /request/script_name",
        ));
    };
    rest.split('/')
        .map(|token| {
            let mut out = String::with_capacity(token.len());
            let mut chars = token.chars();
            while let Some(c) = chars.next() {
                if c == '~' {
                    match chars.next() {
                        Some('0') => out.push('~'),
                        Some('1') => out.push('/'),
                        _ => {
                            return Err(error(
                                pointer,
                                "`~` must be followed by 0 or 1 (`~0` is ~, `~1` is /)",
                            ))
                        }
                    }
                } else {
                    out.push(c);
                }
            }
            Ok(out)
        })
        .collect()
}

/// The value at `pointer` in `doc`, if any.
pub fn get<'a>(doc: &'a Value, pointer: &str) -> Option<&'a Value> {
    doc.pointer(pointer)
}

/// Puts `value` at `pointer`. The parent must exist; an object member is added or replaced, an
/// array element replaced, or appended with `-` (or the array's length).
pub fn set(doc: &mut Value, pointer: &str, value: Value) -> Result<(), PointerError> {
    let tokens = tokens(pointer)?;
    let (last, parents) = tokens.split_last().expect("at least one token");
    let mut node = doc;
    let mut walked = String::new();
    for token in parents {
        walked.push('/');
        walked.push_str(&token.replace('~', "~0").replace('/', "~1"));
        node = match node {
            Value::Object(map) => map.get_mut(token),
            Value::Array(items) => token.parse::<usize>().ok().and_then(|i| items.get_mut(i)),
            _ => None,
        }
        .ok_or_else(|| error(pointer, format!("the template has nothing at {walked}")))?;
    }
    match node {
        Value::Object(map) => {
            map.insert(last.clone(), value);
            Ok(())
        }
        Value::Array(items) => {
            if last == "-" || last.parse::<usize>().ok() == Some(items.len()) {
                items.push(value);
                return Ok(());
            }
            match last.parse::<usize>().ok().and_then(|i| items.get_mut(i)) {
                Some(slot) => {
                    *slot = value;
                    Ok(())
                }
                None => Err(error(
                    pointer,
                    format!("index {last} is past the end of a list of {}", items.len()),
                )),
            }
        }
        _ => Err(error(pointer, "the parent is neither an object nor a list")),
    }
}

/// A CSV cell as the value for `pointer` in `template`: `None` for an empty cell (keep the
/// template's value).
pub fn cell_value(
    template: &Value,
    pointer: &str,
    cell: &str,
) -> Result<Option<Value>, PointerError> {
    if cell.is_empty() {
        return Ok(None);
    }
    match get(template, pointer) {
        None | Some(Value::String(_)) | Some(Value::Null) => {
            Ok(Some(Value::String(cell.to_string())))
        }
        Some(current) => serde_json::from_str(cell).map(Some).map_err(|e| {
            error(
                pointer,
                format!(
                    "the template holds {} here, and the cell `{cell}` is not JSON ({e})",
                    kind(current)
                ),
            )
        }),
    }
}

fn kind(value: &Value) -> &'static str {
    match value {
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
        Value::String(_) | Value::Null => "text",
    }
}

/// The template with each `(pointer, value)` put in, in order.
pub fn apply<'a>(
    template: &Value,
    values: impl IntoIterator<Item = (&'a str, Value)>,
) -> Result<Value, PointerError> {
    let mut doc = template.clone();
    for (pointer, value) in values {
        set(&mut doc, pointer, value)?;
    }
    Ok(doc)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn template() -> Value {
        json!({
            "format": 1,
            "request": {"target": "dispatch", "script_name": "template", "dispatch_namespace": "prod"},
            "metadata": {"bindings": [{"type": "kv_namespace", "name": "KV", "namespace_id": "x"}], "logpush": false}
        })
    }

    #[test]
    fn a_row_fills_the_script_name_and_a_binding_id() {
        let doc = apply(
            &template(),
            [
                ("/request/script_name", json!("customer-1")),
                ("/metadata/bindings/0/namespace_id", json!("abc")),
            ],
        )
        .unwrap();
        assert_eq!(doc["request"]["script_name"], "customer-1");
        assert_eq!(doc["metadata"]["bindings"][0]["namespace_id"], "abc");
        assert_eq!(template()["request"]["script_name"], "template");
    }

    #[test]
    fn new_members_and_appended_list_items() {
        let mut doc = template();
        set(
            &mut doc,
            "/metadata/compatibility_date",
            json!("2025-01-01"),
        )
        .unwrap();
        set(
            &mut doc,
            "/metadata/bindings/-",
            json!({"type": "plain_text", "name": "A", "text": "1"}),
        )
        .unwrap();
        set(
            &mut doc,
            "/metadata/bindings/2",
            json!({"type": "plain_text", "name": "B", "text": "2"}),
        )
        .unwrap();
        assert_eq!(doc["metadata"]["bindings"].as_array().unwrap().len(), 3);
        assert_eq!(doc["metadata"]["compatibility_date"], "2025-01-01");
    }

    #[test]
    fn escaped_tokens_name_keys_with_slashes_and_tildes() {
        let mut doc = json!({"a/b": {"~c": 1}});
        set(&mut doc, "/a~1b/~0c", json!(2)).unwrap();
        assert_eq!(doc, json!({"a/b": {"~c": 2}}));
        assert!(tokens("/bad~2").is_err());
    }

    #[test]
    fn mistakes_name_the_pointer_and_what_is_missing() {
        let mut doc = template();
        let e = set(&mut doc, "/metadata/bindings/3/name", json!("X")).unwrap_err();
        assert_eq!(
            e.to_string(),
            "/metadata/bindings/3/name: the template has nothing at /metadata/bindings/3"
        );
        let e = set(&mut doc, "/metadata/bindings/5", json!({})).unwrap_err();
        assert!(e.reason.contains("past the end of a list of 1"), "{e}");
        assert!(set(&mut doc, "request/script_name", json!("x"))
            .unwrap_err()
            .reason
            .contains("starts with `/`"));
        assert!(set(&mut doc, "", json!("x")).is_err());
    }

    #[test]
    fn csv_cells_take_the_type_the_template_holds() {
        let t = template();
        assert_eq!(
            cell_value(&t, "/request/script_name", "007").unwrap(),
            Some(json!("007"))
        );
        assert_eq!(
            cell_value(&t, "/metadata/logpush", "true").unwrap(),
            Some(json!(true))
        );
        assert_eq!(
            cell_value(&t, "/metadata/new_field", "1").unwrap(),
            Some(json!("1"))
        );
        assert_eq!(cell_value(&t, "/request/script_name", "").unwrap(), None);
        let e = cell_value(&t, "/metadata/logpush", "yes").unwrap_err();
        assert!(
            e.reason.starts_with("the template holds a boolean here"),
            "{e}"
        );
    }
}
