//! The composition as a file: reading an imported one with messages a user can act on, the
//! text of an export, and the text kept in the browser's storage (never a secret).

use crate::model::{Composition, FORMAT_VERSION};

/// A composition file, with messages a user can act on.
pub fn parse_composition(bytes: &[u8]) -> Result<Composition, String> {
    let text = std::str::from_utf8(bytes).map_err(|_| "it is not a UTF-8 text file".to_string())?;
    let value: serde_json::Value =
        serde_json::from_str(text).map_err(|e| format!("it is not valid JSON ({e})"))?;
    if value.get("format").is_none() || value.get("request").is_none() {
        return Err("it is not a Bindery composition (no `format` and `request` fields)".into());
    }
    let composition: Composition = serde_json::from_value(value)
        .map_err(|e| format!("it does not match the composition format ({e})"))?;
    if composition.format != FORMAT_VERSION {
        return Err(format!(
            "its format {} is not supported (this page reads format {FORMAT_VERSION})",
            composition.format
        ));
    }
    Ok(composition)
}

/// The modules named by path in an imported file whose bytes are not in it (to add again).
pub fn unloaded_modules(c: &Composition) -> Vec<String> {
    c.modules
        .iter()
        .filter(|m| m.path.is_some() && m.bytes.is_empty())
        .map(|m| m.name.clone())
        .collect()
}

/// An export: the file name (`<script>.bindery.json`) and its text, secret values left out
/// unless `with_secrets`.
pub fn export(c: &Composition, with_secrets: bool) -> (String, String) {
    let exported = if with_secrets {
        c.clone()
    } else {
        c.redacted()
    };
    // Through `Value`: one serializer for the model keeps the wasm smaller.
    let text = serde_json::to_value(&exported)
        .and_then(|v| serde_json::to_string_pretty(&v))
        .unwrap_or_default();
    let stem = if c.request.script_name.is_empty() {
        "composition"
    } else {
        &c.request.script_name
    };
    (format!("{stem}.bindery.json"), text)
}

/// The text stored for a composition: redacted, so no secret value is ever written.
pub fn storage_text(c: &Composition) -> String {
    // Through `Value`: one serializer for the model keeps the wasm smaller.
    serde_json::to_value(c.redacted())
        .map(|v| v.to_string())
        .unwrap_or_default()
}

/// The composition without its module bytes (each module named by path instead), for when
/// the whole one does not fit in storage.
pub fn without_module_bytes(c: &Composition) -> Composition {
    let mut light = c.clone();
    for module in &mut light.modules {
        module.path = Some(module.name.clone());
        module.bytes.clear();
    }
    light
}

/// Reads a stored text back. A text that no longer reads is reported, not lost.
pub fn read_stored(text: &str) -> Result<Composition, String> {
    // Through `Value`, like imports: one deserializer for the model keeps the wasm smaller.
    serde_json::from_str::<serde_json::Value>(text)
        .and_then(serde_json::from_value)
        .map_err(|e| format!("the saved composition could not be read ({e})"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Binding, BindingKind, Module};
    use serde_json::Value;

    fn sample() -> Composition {
        let mut c = Composition::default();
        c.request.account_id = "0123456789abcdef0123456789abcdef".into();
        c.request.script_name = "my-worker".into();
        c.metadata.main_module = Some("index.js".into());
        c.modules
            .push(Module::inline("index.js", "export default {}"));
        c.metadata.bindings.push(Binding::new(
            "API_KEY",
            BindingKind::SecretText {
                text: "hunter2-secret".into(),
            },
        ));
        c
    }

    #[test]
    fn import_accepts_compositions_and_explains_bad_files() {
        let c = sample();
        let text = serde_json::to_vec(&c).unwrap();
        assert_eq!(parse_composition(&text).unwrap(), c);
        assert!(parse_composition(b"{oops")
            .unwrap_err()
            .contains("not valid JSON"));
        assert!(parse_composition(&[0xff, 0xfe])
            .unwrap_err()
            .contains("not a UTF-8 text file"));
        assert!(parse_composition(br#"{"hello": 1}"#)
            .unwrap_err()
            .contains("not a Bindery composition"));
        let mut wrong = serde_json::to_value(&c).unwrap();
        wrong["request"]["operation"] = Value::String("explode".into());
        let err = parse_composition(&serde_json::to_vec(&wrong).unwrap()).unwrap_err();
        assert!(err.contains("does not match"), "{err}");
        let mut future = serde_json::to_value(&c).unwrap();
        future["format"] = 2.into();
        let err = parse_composition(&serde_json::to_vec(&future).unwrap()).unwrap_err();
        assert!(err.contains("format 2 is not supported"), "{err}");
    }

    #[test]
    fn exports_leave_secrets_out_unless_asked() {
        let c = sample();
        let (name, text) = export(&c, false);
        assert_eq!(name, "my-worker.bindery.json");
        assert!(!text.contains("hunter2-secret"));
        assert_eq!(parse_composition(text.as_bytes()).unwrap(), c.redacted());
        let (_, text) = export(&c, true);
        assert_eq!(parse_composition(text.as_bytes()).unwrap(), c);
        let mut unnamed = c;
        unnamed.request.script_name.clear();
        assert_eq!(export(&unnamed, false).0, "composition.bindery.json");
    }

    #[test]
    fn storage_never_holds_a_secret_and_reads_back() {
        let c = sample();
        let text = storage_text(&c);
        assert!(!text.contains("hunter2-secret"));
        assert_eq!(read_stored(&text).unwrap(), c.redacted());
        let light = without_module_bytes(&c);
        assert!(light.modules[0].bytes.is_empty());
        assert_eq!(unloaded_modules(&light), ["index.js"]);
        assert!(unloaded_modules(&c).is_empty());
        assert!(read_stored("{")
            .unwrap_err()
            .starts_with("the saved composition could not be read"));
    }
}
