//! Secrets: write-only values bound to a Worker without uploading its code. A value only ever
//! travels in a request body; answers carry names and types, never values.

use serde_json::{json, Map, Value};

/// One secret as listed (its value is never readable).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SecretName {
    pub name: String,
    pub kind: String,
}

/// The `PUT …/secrets` body for one secret.
pub fn put_body(name: &str, value: &str) -> String {
    json!({ "name": name, "text": value, "type": "secret_text" }).to_string()
}

/// Reads the `result` of a secrets list.
pub fn parse_secrets(result: &Value) -> Result<Vec<SecretName>, String> {
    let items = result
        .as_array()
        .ok_or("the secrets answer is not a list")?;
    Ok(items
        .iter()
        .filter_map(|item| {
            Some(SecretName {
                name: item.get("name")?.as_str()?.to_string(),
                kind: item
                    .get("type")
                    .and_then(Value::as_str)
                    .unwrap_or("secret_text")
                    .to_string(),
            })
        })
        .collect())
}

/// The `PATCH …/secrets-bulk` body (JSON merge patch): a value sets a secret, `None` deletes it.
pub fn bulk_body(entries: &[(String, Option<String>)]) -> String {
    let secrets: Map<String, Value> = entries
        .iter()
        .map(|(name, value)| {
            let entry = match value {
                Some(text) => json!({ "name": name, "text": text, "type": "secret_text" }),
                None => Value::Null,
            };
            (name.clone(), entry)
        })
        .collect();
    json!({ "secrets": secrets }).to_string()
}

/// The content type of the bulk body.
pub const BULK_CONTENT_TYPE: &str = "application/merge-patch+json";

/// Reads the secrets of a bulk change: a JSON object (`{"KEY": "value", "OLD": null}`, null
/// deletes) or `.env` lines (`KEY=VALUE`, `#` comments, optional quotes, `export ` allowed).
pub fn parse_bulk_input(text: &str) -> Result<Vec<(String, Option<String>)>, String> {
    let trimmed = text.trim_start();
    if trimmed.starts_with('{') {
        let object: Map<String, Value> = serde_json::from_str(trimmed)
            .map_err(|e| format!("not a JSON object of name → value: {e}"))?;
        return object
            .into_iter()
            .map(|(name, value)| match value {
                Value::String(s) => Ok((name, Some(s))),
                Value::Null => Ok((name, None)),
                other => Err(format!(
                    "{name}: a secret is text (or null to delete it), not {other}"
                )),
            })
            .collect();
    }
    let mut entries = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let line = line.strip_prefix("export ").unwrap_or(line);
        let Some((name, value)) = line.split_once('=') else {
            return Err(format!("line {}: expected NAME=VALUE", i + 1));
        };
        let name = name.trim();
        if name.is_empty() {
            return Err(format!("line {}: the name before = is empty", i + 1));
        }
        let value = value.trim();
        let value = ['"', '\'']
            .iter()
            .find_map(|q| value.strip_prefix(*q).and_then(|v| v.strip_suffix(*q)))
            .unwrap_or(value);
        entries.push((name.to_string(), Some(value.to_string())));
    }
    Ok(entries)
}

/// A secret value read from standard input: one trailing newline (as `echo` adds) is dropped.
pub fn value_from_stdin(text: &str) -> &str {
    text.strip_suffix("\r\n")
        .or_else(|| text.strip_suffix('\n'))
        .unwrap_or(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_put_body_names_the_secret_and_its_type() {
        let body: Value = serde_json::from_str(&put_body("API_KEY", "s3cr\"t")).unwrap();
        assert_eq!(
            body,
            json!({"name": "API_KEY", "text": "s3cr\"t", "type": "secret_text"})
        );
    }

    #[test]
    fn lists_have_names_and_types_only() {
        let list =
            parse_secrets(&json!([{"name": "A", "type": "secret_text"}, {"name": "B"}, {"x": 1}]))
                .unwrap();
        assert_eq!(list.len(), 2);
        assert_eq!(
            list[1],
            SecretName {
                name: "B".into(),
                kind: "secret_text".into()
            }
        );
        assert!(parse_secrets(&json!({})).is_err());
    }

    #[test]
    fn bulk_sets_and_deletes_in_one_merge_patch() {
        let body: Value = serde_json::from_str(&bulk_body(&[
            ("A".into(), Some("1".into())),
            ("B".into(), None),
        ]))
        .unwrap();
        assert_eq!(
            body,
            json!({"secrets": {"A": {"name": "A", "text": "1", "type": "secret_text"}, "B": null}})
        );
    }

    #[test]
    fn bulk_input_is_json_or_dotenv() {
        assert_eq!(
            parse_bulk_input(r#" {"A": "1", "B": null} "#).unwrap(),
            vec![("A".into(), Some("1".into())), ("B".into(), None)]
        );
        assert_eq!(
            parse_bulk_input("# c\nA=1\nexport B = \"two words\"\nC='x=y'\n\n").unwrap(),
            vec![
                ("A".into(), Some("1".into())),
                ("B".into(), Some("two words".into())),
                ("C".into(), Some("x=y".into()))
            ]
        );
        assert!(parse_bulk_input("NOVALUE").unwrap_err().contains("line 1"));
        assert!(parse_bulk_input(r#"{"A": 1}"#)
            .unwrap_err()
            .contains("A: a secret is text"));
    }

    #[test]
    fn standard_input_loses_one_trailing_newline_only() {
        assert_eq!(value_from_stdin("v\n"), "v");
        assert_eq!(value_from_stdin("v\r\n"), "v");
        assert_eq!(value_from_stdin("v\n\n"), "v\n");
        assert_eq!(value_from_stdin("v"), "v");
    }
}
