//! Importers: start from what a user already has — a wrangler configuration or a curl command —
//! instead of a blank form.
//!
//! Each importer is a pure function from text (plus, optionally, a read-only view of one folder,
//! [`files::Files`]) to an [`Imported`]: the composition that input describes, and findings that
//! say what could not be carried over and why, each at the field it concerns. The CLI, the app
//! and the tests share them; reading files stays at the edges.
//!
//! # Locations (`Finding::at`)
//!
//! Findings about a field of the composition use the paths of [`crate::rules`]
//! (`metadata.migrations`, `bindings[2].namespace_id`, `modules[0]`, `request.script_name`).
//! Findings about a part of the input that has no field in the composition (a wrangler `routes`
//! key, a curl option) use `import.<key>` (`import.routes`, `import.env.staging.vars`,
//! `import.curl.-H`).

pub mod config_text;
pub mod curl;
pub mod files;
pub mod glob;
pub mod js_scan;
pub mod wrangler;

use serde_json::{Map, Value};

use crate::model::Composition;
use crate::rules::{Finding, Level};

/// What an import produced.
#[derive(Clone, Debug, PartialEq)]
pub struct Imported {
    pub composition: Composition,
    /// What the input said that the composition does not carry, what is missing, and what the
    /// API would answer to the request as given; errors first.
    pub findings: Vec<Finding>,
    /// Where each module's bytes came from (same order as `composition.modules`).
    pub sources: Vec<ModuleSource>,
}

/// Where a module of an import came from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ModuleSource {
    /// A file of the folder given to the importer (the `Module::path`); `read` is false when it
    /// could not be read and the module is an empty placeholder.
    File { root: Root, read: bool },
    /// Bytes the importer wrote itself (e.g. inline `-F name=value` text).
    Inline,
}

/// Which folder a module path is relative to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Root {
    /// The folder of the imported file (the wrangler configuration's, or the one given with a
    /// curl command).
    Project,
    /// The folder of an already built Worker (`--modules DIR`).
    Built,
}

/// Findings collected during an import.
#[derive(Clone, Debug, Default)]
pub struct Notes {
    items: Vec<Finding>,
}

impl Notes {
    pub fn error(&mut self, rule: &'static str, at: impl Into<String>, message: impl Into<String>) {
        self.push(Level::Error, rule, at.into(), message.into());
    }

    pub fn warning(
        &mut self,
        rule: &'static str,
        at: impl Into<String>,
        message: impl Into<String>,
    ) {
        self.push(Level::Warning, rule, at.into(), message.into());
    }

    fn push(&mut self, level: Level, rule: &'static str, at: String, message: String) {
        self.items.push(Finding {
            level,
            rule,
            at: crate::rules::At::parse(&at),
            message,
        });
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// The findings, errors first (stable within each level).
    pub fn into_findings(self) -> Vec<Finding> {
        let mut items = self.items;
        items.sort_by_key(|f| f.level);
        items
    }
}

/// Reads the assembled metadata with the model's deserializer. What the model does not take is
/// left out with a finding naming it (a binding, or a top-level field), so one odd value never
/// loses the rest.
pub fn read_metadata(
    mut metadata: Map<String, Value>,
    notes: &mut Notes,
) -> crate::model::Metadata {
    if let Ok(read) =
        serde_json::from_value::<crate::model::Metadata>(Value::Object(metadata.clone()))
    {
        return read;
    }
    if let Some(Value::Array(bindings)) = metadata.get_mut("bindings") {
        let mut kept = Vec::new();
        for (index, binding) in bindings.drain(..).enumerate() {
            match serde_json::from_value::<crate::model::Binding>(binding.clone()) {
                Ok(_) => kept.push(binding),
                Err(error) => notes.error(
                    "import-not-representable",
                    format!("bindings[{index}]"),
                    format!("The binding {binding} is left out: {error}."),
                ),
            }
        }
        *bindings = kept;
    }
    let keys: Vec<String> = metadata.keys().cloned().collect();
    for key in keys {
        let mut alone = Map::new();
        alone.insert(key.clone(), metadata[&key].clone());
        if let Err(error) = serde_json::from_value::<crate::model::Metadata>(Value::Object(alone)) {
            let value = metadata.remove(&key).unwrap_or_default();
            notes.error(
                "import-not-representable",
                format!("metadata.{key}"),
                format!("`{key}` ({value}) is left out: {error}."),
            );
        }
    }
    serde_json::from_value(Value::Object(metadata)).unwrap_or_default()
}

/// "a string", "an array", … for messages about a value of the wrong type.
pub fn describe_json_type(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    /// Pieces of curl commands, shell syntax, TOML and JSON, glued at random.
    const PIECES: &[&str] = &[
        "curl",
        " ",
        " -F ",
        " -H ",
        " -X ",
        " -d ",
        " --data-binary ",
        " --form-string ",
        "'",
        "\"",
        "\\\n",
        "\\",
        "\n",
        "\r\n",
        "<<",
        "<<-",
        "<<<",
        "EOF",
        "\nEOF\n",
        "=",
        ";",
        ",",
        "@",
        "<",
        ">",
        "|",
        "&",
        "metadata",
        "metadata=",
        "index.js",
        "@index.js",
        ";type=",
        "application/json",
        "application/javascript+module",
        ";filename=",
        "{",
        "}",
        "[",
        "]",
        ":",
        "\"main_module\"",
        "\"bindings\"",
        "\"type\"",
        "\"name\"",
        "https://api.cloudflare.com/client/v4/accounts/",
        "a/workers/scripts/w",
        "/settings",
        "?bindings_inherit=strict",
        "name = ",
        "main = ",
        "[env.a]",
        "[[kv_namespaces]]",
        "binding = ",
        "id = ",
        "[vars]",
        "[[migrations]]",
        "tag = ",
        "[[rules]]",
        "globs = [\"**/*.js\"]",
        "type = \"Text\"",
        "no_bundle = true",
        "..",
        "/",
        "$X",
        "%2F",
        "é",
        "\u{0}",
        "#",
        "//",
        "/*",
        "*/",
        "null",
        "true",
        "1.5",
        "-0",
    ];

    proptest! {
        #![proptest_config(ProptestConfig { cases: 2000, failure_persistence: None, ..ProptestConfig::default() })]

        /// Both importers take any text without panicking: what they cannot read is an error or a
        /// finding, never a crash (the app calls them on whatever is pasted or dropped).
        #[test]
        fn any_text_is_read_or_refused_without_a_panic(
            pieces in prop::collection::vec(prop::sample::select(PIECES), 0..40)
        ) {
            let text: String = pieces.concat();
            let _ = super::wrangler::import_text(&text);
            let _ = super::curl::import_text(&text);
            let _ = super::curl::import_text(&format!("curl {text}"));
        }
    }
}
