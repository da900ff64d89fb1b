//! Module parts: the code and data files sent beside the metadata.

use base64::Engine as _;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// How the runtime interprets a module part; decides its Content-Type.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ModuleKind {
    /// ES module (`export`/`import`): `application/javascript+module`.
    Esm,
    /// CommonJS module, or the single service-worker script: `application/javascript`.
    Commonjs,
    /// Text module, imported as a string.
    Text,
    /// Binary module, imported as an ArrayBuffer.
    Data,
    /// Compiled WebAssembly, imported as `WebAssembly.Module`.
    Wasm,
    SourceMap,
    Python,
    PythonRequirement,
}

impl ModuleKind {
    pub const ALL: [ModuleKind; 8] = [
        ModuleKind::Esm,
        ModuleKind::Commonjs,
        ModuleKind::Text,
        ModuleKind::Data,
        ModuleKind::Wasm,
        ModuleKind::SourceMap,
        ModuleKind::Python,
        ModuleKind::PythonRequirement,
    ];

    pub fn content_type(self) -> &'static str {
        match self {
            ModuleKind::Esm => "application/javascript+module",
            ModuleKind::Commonjs => "application/javascript",
            ModuleKind::Text => "text/plain",
            ModuleKind::Data => "application/octet-stream",
            ModuleKind::Wasm => "application/wasm",
            ModuleKind::SourceMap => "application/source-map",
            ModuleKind::Python => "text/x-python",
            ModuleKind::PythonRequirement => "text/x-python-requirement",
        }
    }

    /// The serde name, as written in composition files (`esm`, `commonjs`, …).
    pub fn id(self) -> &'static str {
        match self {
            ModuleKind::Esm => "esm",
            ModuleKind::Commonjs => "commonjs",
            ModuleKind::Text => "text",
            ModuleKind::Data => "data",
            ModuleKind::Wasm => "wasm",
            ModuleKind::SourceMap => "source_map",
            ModuleKind::Python => "python",
            ModuleKind::PythonRequirement => "python_requirement",
        }
    }

    pub fn from_id(id: &str) -> Option<ModuleKind> {
        ModuleKind::ALL.into_iter().find(|k| k.id() == id)
    }

    pub fn label(self) -> &'static str {
        match self {
            ModuleKind::Esm => "ES module",
            ModuleKind::Commonjs => "CommonJS / service worker",
            ModuleKind::Text => "Text",
            ModuleKind::Data => "Data (binary)",
            ModuleKind::Wasm => "WebAssembly",
            ModuleKind::SourceMap => "Source map",
            ModuleKind::Python => "Python",
            ModuleKind::PythonRequirement => "Python requirements",
        }
    }

    /// Whether the runtime executes this part as JavaScript.
    pub fn is_javascript(self) -> bool {
        matches!(self, ModuleKind::Esm | ModuleKind::Commonjs)
    }

    /// Guesses the kind from a file name; the user can always override it.
    pub fn guess(file_name: &str) -> ModuleKind {
        let base = file_name
            .rsplit('/')
            .next()
            .unwrap_or(file_name)
            .to_ascii_lowercase();
        if base == "requirements.txt" {
            return ModuleKind::PythonRequirement;
        }
        let ext = base.rsplit_once('.').map(|(_, e)| e).unwrap_or("");
        match ext {
            "js" | "mjs" | "jsx" | "ts" | "mts" => ModuleKind::Esm,
            "cjs" | "cts" => ModuleKind::Commonjs,
            "wasm" => ModuleKind::Wasm,
            "map" => ModuleKind::SourceMap,
            "py" => ModuleKind::Python,
            "txt" | "html" | "htm" | "md" | "csv" | "css" | "svg" | "xml" | "sql" | "toml"
            | "yaml" | "yml" | "json" => ModuleKind::Text,
            _ => ModuleKind::Data,
        }
    }
}

/// One module part: its part name, kind and bytes.
///
/// In a composition file a module is `{"name", "kind"?, "path" | "content" | "content_base64",
/// "filename"?, "content_type"?}`: `path` is relative to the composition file and read by
/// whoever loads it (the CLI), `content` is inline UTF-8 text, `content_base64` inline bytes. A
/// missing `kind` is guessed from the name. `filename` and `content_type` are for parts that
/// came that way (wrangler names a service-worker blob part `ADD_WASM` with the filename
/// `assets/add.wasm`); left out, the filename is the part name and the type the kind's.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Module {
    /// Part name = module name (`index.js`, `lib/util.js`).
    pub name: String,
    pub kind: ModuleKind,
    /// Local file the bytes come from (curl's `@path`); `None` when the bytes are inline.
    pub path: Option<String>,
    /// The part's bytes. Empty until loaded when `path` is set.
    pub bytes: Vec<u8>,
    /// The part's `filename` when it is not the part name.
    pub filename: Option<String>,
    /// The part's `Content-Type` when it is not the kind's own (e.g. `text/javascript`).
    pub media_type: Option<String>,
}

impl Module {
    /// A module with inline bytes and the kind guessed from its name.
    pub fn inline(name: impl Into<String>, bytes: impl Into<Vec<u8>>) -> Module {
        let name = name.into();
        Module {
            kind: ModuleKind::guess(&name),
            name,
            path: None,
            bytes: bytes.into(),
            filename: None,
            media_type: None,
        }
    }

    /// The part's `Content-Type`: as given, else the kind's.
    pub fn content_type(&self) -> &str {
        self.media_type
            .as_deref()
            .unwrap_or_else(|| self.kind.content_type())
    }

    /// The part's `filename`: as given, else the part name.
    pub fn filename(&self) -> &str {
        self.filename.as_deref().unwrap_or(&self.name)
    }

    /// The file curl reads the part from: the path if known, else the part name.
    pub fn local_file(&self) -> &str {
        self.path.as_deref().unwrap_or(&self.name)
    }

    /// The bytes as text, when they are UTF-8.
    pub fn text(&self) -> Option<&str> {
        std::str::from_utf8(&self.bytes).ok()
    }
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct ModuleFile {
    name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    kind: Option<ModuleKind>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    path: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    content: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    content_base64: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    filename: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    content_type: Option<String>,
}

impl Serialize for Module {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let (content, content_base64) = match (&self.path, std::str::from_utf8(&self.bytes)) {
            (Some(_), _) => (None, None),
            (None, Ok(text)) => (Some(text.to_string()), None),
            (None, Err(_)) => (
                None,
                Some(base64::engine::general_purpose::STANDARD.encode(&self.bytes)),
            ),
        };
        ModuleFile {
            name: self.name.clone(),
            kind: Some(self.kind),
            path: self.path.clone(),
            content,
            content_base64,
            filename: self.filename.clone(),
            content_type: self.media_type.clone(),
        }
        .serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for Module {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        use serde::de::Error;
        let file = ModuleFile::deserialize(deserializer)?;
        let sources = [
            file.path.is_some(),
            file.content.is_some(),
            file.content_base64.is_some(),
        ]
        .iter()
        .filter(|set| **set)
        .count();
        if sources != 1 {
            return Err(D::Error::custom(format!(
                "module `{}` needs exactly one of `path`, `content` or `content_base64`",
                file.name
            )));
        }
        let bytes = match (file.content, file.content_base64) {
            (Some(text), _) => text.into_bytes(),
            (_, Some(b64)) => base64::engine::general_purpose::STANDARD
                .decode(b64.trim())
                .map_err(|e| {
                    D::Error::custom(format!(
                        "module `{}`: content_base64 is not base64: {e}",
                        file.name
                    ))
                })?,
            _ => Vec::new(),
        };
        Ok(Module {
            kind: file.kind.unwrap_or_else(|| ModuleKind::guess(&file.name)),
            name: file.name,
            path: file.path,
            bytes,
            filename: file.filename,
            media_type: file.content_type,
        })
    }
}

/// Whether a module's file path reaches outside the folder it is relative to, read as text:
/// an absolute path (`/etc/passwd`, `\\server\share`, `C:\x`, `~/x`) or one with a `..`
/// segment. Symbolic links are not seen here; the CLI resolves them before reading a file.
pub fn path_leaves_folder(path: &str) -> bool {
    let bytes = path.as_bytes();
    let drive = bytes.len() >= 2 && bytes[0].is_ascii_alphabetic() && bytes[1] == b':';
    path.starts_with(['/', '\\', '~'])
        || drive
        || path.split(['/', '\\']).any(|segment| segment == "..")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn guesses_kinds_from_names() {
        assert_eq!(ModuleKind::guess("worker.js"), ModuleKind::Esm);
        assert_eq!(ModuleKind::guess("lib/old.cjs"), ModuleKind::Commonjs);
        assert_eq!(ModuleKind::guess("add.WASM"), ModuleKind::Wasm);
        assert_eq!(ModuleKind::guess("index.js.map"), ModuleKind::SourceMap);
        assert_eq!(ModuleKind::guess("main.py"), ModuleKind::Python);
        assert_eq!(
            ModuleKind::guess("requirements.txt"),
            ModuleKind::PythonRequirement
        );
        assert_eq!(ModuleKind::guess("page.html"), ModuleKind::Text);
        assert_eq!(ModuleKind::guess("blob"), ModuleKind::Data);
    }

    #[test]
    fn inline_text_and_binary_round_trip() {
        let text = Module::inline("a.js", "export default {}");
        let binary = Module::inline("b.bin", vec![0u8, 159, 146, 150]);
        for module in [text, binary] {
            let json = serde_json::to_string(&module).unwrap();
            let back: Module = serde_json::from_str(&json).unwrap();
            assert_eq!(back, module);
        }
    }

    #[test]
    fn a_filename_and_content_type_of_their_own_round_trip() {
        let json = r#"{"name":"ADD_WASM","kind":"wasm","content_base64":"AGFzbf8=","filename":"assets/add.wasm","content_type":"application/wasm; x=1"}"#;
        let module: Module = serde_json::from_str(json).unwrap();
        assert_eq!(module.filename(), "assets/add.wasm");
        assert_eq!(module.content_type(), "application/wasm; x=1");
        assert_eq!(serde_json::to_string(&module).unwrap(), json);
        let plain = Module::inline("a.js", "x");
        assert_eq!(
            (plain.filename(), plain.content_type()),
            ("a.js", "application/javascript+module")
        );
    }

    #[test]
    fn exactly_one_source() {
        let err = serde_json::from_str::<Module>(r#"{"name":"a.js"}"#).unwrap_err();
        assert!(err.to_string().contains("exactly one of `path`"), "{err}");
        let both = r#"{"name":"a.js","path":"a.js","content":"x"}"#;
        assert!(serde_json::from_str::<Module>(both).is_err());
    }

    #[test]
    fn paths_that_leave_the_folder_are_seen_as_text() {
        for path in [
            "/etc/passwd",
            "/proc/self/environ",
            "../secret.js",
            "src/../../x.js",
            "a/..",
            "..",
            "\\\\server\\share\\x.js",
            "C:\\x.js",
            "c:x.js",
            "~/x.js",
            "src\\..\\..\\x.js",
        ] {
            assert!(path_leaves_folder(path), "{path}");
        }
        for path in [
            "worker.js",
            "src/index.js",
            "..x.js",
            "a..b/c.js",
            "./x.js",
            "-",
            "",
        ] {
            assert!(!path_leaves_folder(path), "{path}");
        }
    }
}
