//! A Worker's versions, as `GET …/versions` lists them (`result.items`, newest first).

use serde_json::Value;

/// One version.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Version {
    pub id: String,
    pub number: Option<u64>,
    pub created_on: String,
    /// `workers/message`, `workers/tag` and `workers/triggered_by` annotations.
    pub message: Option<String>,
    pub tag: Option<String>,
    pub triggered_by: Option<String>,
}

impl Version {
    fn from_json(item: &Value) -> Option<Version> {
        let text = |v: Option<&Value>| v.and_then(Value::as_str).map(str::to_string);
        let annotations = item.get("annotations");
        let annotation = |key: &str| text(annotations.and_then(|a| a.get(key)));
        Some(Version {
            id: item.get("id")?.as_str()?.to_string(),
            number: item.get("number").and_then(Value::as_u64),
            created_on: text(item.pointer("/metadata/created_on"))
                .or_else(|| text(item.get("created_on")))
                .unwrap_or_default(),
            message: annotation("workers/message"),
            tag: annotation("workers/tag"),
            triggered_by: annotation("workers/triggered_by"),
        })
    }

    /// `#3 0123abcd` (number when known, short id).
    pub fn label(&self) -> String {
        match self.number {
            Some(n) => format!("#{n} {}", super::short_id(&self.id)),
            None => super::short_id(&self.id).to_string(),
        }
    }
}

/// Reads the `result` of a versions list (`{items: [...]}`; a bare list is read as well).
pub fn parse_versions(result: &Value) -> Result<Vec<Version>, String> {
    let items = result
        .get("items")
        .or(Some(result))
        .and_then(Value::as_array)
        .ok_or("the versions answer has no list of items")?;
    Ok(items.iter().filter_map(Version::from_json).collect())
}

/// The version `wanted` names: a whole id, a unique beginning of one, or `#N` / `N` for its
/// number.
pub fn resolve<'a>(versions: &'a [Version], wanted: &str) -> Result<&'a Version, String> {
    let number = wanted.strip_prefix('#').unwrap_or(wanted);
    if let Ok(n) = number.parse::<u64>() {
        if let Some(v) = versions.iter().find(|v| v.number == Some(n)) {
            return Ok(v);
        }
    }
    if let Some(v) = versions.iter().find(|v| v.id == wanted) {
        return Ok(v);
    }
    let matching: Vec<&Version> = versions
        .iter()
        .filter(|v| !wanted.is_empty() && v.id.starts_with(wanted))
        .collect();
    match matching.as_slice() {
        [one] => Ok(one),
        [] => Err(format!(
            "no version {wanted}: the Worker has {} (see `bindery deploy COMPOSITION --list`)",
            match versions.len() {
                0 => "no versions yet".to_string(),
                n => format!("{n} version(s)"),
            }
        )),
        many => Err(format!(
            "{wanted} is the beginning of {} version ids; give more of it",
            many.len()
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn list() -> Vec<Version> {
        parse_versions(&json!({"items": [
            {"id": "bbbb2222-0000", "number": 2, "metadata": {"created_on": "2026-01-02T00:00:00Z"},
             "annotations": {"workers/message": "fix", "workers/tag": "v2", "workers/triggered_by": "upload"}},
            {"id": "aaaa1111-0000", "number": 1, "metadata": {"created_on": "2026-01-01T00:00:00Z"}},
            {"no": "id"}
        ]}))
        .unwrap()
    }

    #[test]
    fn versions_are_read_with_their_annotations() {
        let versions = list();
        assert_eq!(versions.len(), 2);
        assert_eq!(versions[0].tag.as_deref(), Some("v2"));
        assert_eq!(versions[0].message.as_deref(), Some("fix"));
        assert_eq!(versions[1].created_on, "2026-01-01T00:00:00Z");
        assert_eq!(versions[0].label(), "#2 bbbb2222");
        assert!(parse_versions(&json!({"x": 1})).is_err());
    }

    #[test]
    fn a_version_is_named_by_id_prefix_or_number() {
        let versions = list();
        assert_eq!(resolve(&versions, "aaaa1111-0000").unwrap().number, Some(1));
        assert_eq!(resolve(&versions, "bbbb").unwrap().number, Some(2));
        assert_eq!(resolve(&versions, "#1").unwrap().id, "aaaa1111-0000");
        assert_eq!(resolve(&versions, "2").unwrap().id, "bbbb2222-0000");
        assert!(resolve(&versions, "cccc")
            .unwrap_err()
            .contains("2 version(s)"));
        let same = [
            versions[0].clone(),
            Version {
                id: "bbbb9".into(),
                number: None,
                ..versions[1].clone()
            },
        ];
        assert!(resolve(&same, "bbbb")
            .unwrap_err()
            .contains("beginning of 2"));
    }
}
