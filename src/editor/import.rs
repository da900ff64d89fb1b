//! Opening what a user already has in the composer: a composition file, a wrangler
//! configuration (with the project's files, if dropped together), or a pasted curl command.
//!
//! The browser hands over files as (path, bytes): the name, or the path inside a dropped
//! folder. Everything else — which file is the configuration, where the others sit relative
//! to it, what the import found — is decided here, so the host tests cover it.
//!
//! The app runs these in a Web Worker of their own (a second wasm module, loaded the first time
//! the user imports), so the importers and their TOML and JSONC parsers weigh nothing on the
//! first load. The worker's protocol is here too: an [`ImportRequest`] in, an [`ImportReply`]
//! out (each as JSON text, file bytes as base64), answered by the pure [`answer`]; the app and
//! the worker only post and receive the text.

use base64::Engine;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::import::config_text::ConfigFormat;
use crate::import::files::{FileError, Files, MemFiles, RelPath};
use crate::import::wrangler::WranglerOptions;
use crate::import::{curl, wrangler, Imported};
use crate::model::Composition;
use crate::rules::{Finding, Level};

/// A file as the browser gives it: its name (or path inside a dropped folder) and bytes.
pub type GivenFile = (String, Vec<u8>);

/// What opening a file or a command produced: the composition, the import's findings, and a
/// sentence for the notice.
#[derive(Clone, Debug, PartialEq)]
pub struct Opened {
    pub composition: Composition,
    pub findings: Vec<Finding>,
    pub summary: String,
}

/// What the files given look like.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Given {
    /// A composition file: open it at once.
    Composition(Box<Opened>),
    /// A wrangler configuration: ask for the environment (and the rest) first.
    Wrangler(WranglerFile),
}

/// A wrangler configuration picked or dropped, with the choices its import offers.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct WranglerFile {
    /// The configuration's name as given (`wrangler.toml`, `shop/wrangler.jsonc`).
    pub name: String,
    pub text: String,
    /// The `[env.NAME]` sections it defines.
    pub environments: Vec<String>,
    /// Whether it has Durable Object migrations (the deployed tag then matters).
    pub has_migrations: bool,
    /// The other files given with it, by path relative to the configuration's folder.
    #[serde(with = "given_files")]
    pub others: Vec<GivenFile>,
}

fn file_name(path: &str) -> &str {
    path.rsplit(['/', '\\']).next().unwrap_or(path)
}

fn is_wrangler_name(path: &str) -> bool {
    matches!(
        file_name(path).to_ascii_lowercase().as_str(),
        "wrangler.toml" | "wrangler.json" | "wrangler.jsonc"
    )
}

/// Sorts out what was picked or dropped: a composition file, or a wrangler configuration and
/// the files that came with it.
pub fn given(files: Vec<GivenFile>) -> Result<Given, String> {
    if files.is_empty() {
        return Err("no file was given".into());
    }
    let config = files
        .iter()
        .position(|(path, _)| is_wrangler_name(path))
        .or_else(|| {
            // A configuration under another name: TOML or JSONC, or JSON with wrangler's keys.
            files.iter().position(|(path, bytes)| {
                let lower = path.to_ascii_lowercase();
                lower.ends_with(".toml")
                    || lower.ends_with(".jsonc")
                    || (lower.ends_with(".json") && looks_like_wrangler(bytes))
            })
        });
    let Some(index) = config else {
        let (name, bytes) = &files[0];
        let composition = super::file::parse_composition(bytes)
            .map_err(|e| format!("{} was not imported: {e}", file_name(name)))?;
        let unloaded = super::file::unloaded_modules(&composition);
        let summary = if unloaded.is_empty() {
            format!("Imported {}.", file_name(name))
        } else {
            format!(
                "Imported {}. These modules refer to files on disk; add them with \"Add files…\": {}",
                file_name(name),
                unloaded.join(", ")
            )
        };
        return Ok(Given::Composition(Box::new(Opened {
            summary,
            composition,
            findings: Vec::new(),
        })));
    };
    let mut files = files;
    let (name, bytes) = files.remove(index);
    let text = String::from_utf8(bytes).map_err(|_| {
        format!(
            "{} was not imported: it is not a UTF-8 text file",
            file_name(&name)
        )
    })?;
    let format = ConfigFormat::from_file_name(&name).unwrap_or_else(|| ConfigFormat::sniff(&text));
    let raw = crate::import::config_text::parse(&text, format)
        .map_err(|e| format!("{} was not imported: line {e}", file_name(&name)))?;
    let environments = raw
        .get("env")
        .and_then(|e| e.as_object())
        .map(|e| e.keys().cloned().collect())
        .unwrap_or_default();
    let has_migrations = std::iter::once(&raw)
        .chain(
            raw.get("env")
                .and_then(|e| e.as_object())
                .into_iter()
                .flat_map(|e| e.values().filter_map(|v| v.as_object())),
        )
        .any(|o| {
            o.get("migrations")
                .and_then(|m| m.as_array())
                .is_some_and(|m| !m.is_empty())
        });
    // The other files, relative to the configuration's folder (a dropped folder keeps its
    // paths; files picked one by one are beside it).
    let folder = name
        .rsplit_once(['/', '\\'])
        .map(|(dir, _)| dir.to_string());
    let others = files
        .into_iter()
        .map(|(path, bytes)| {
            let relative = match &folder {
                Some(dir) => path
                    .strip_prefix(dir.as_str())
                    .and_then(|p| p.strip_prefix(['/', '\\']))
                    .map(str::to_string)
                    .unwrap_or(path),
                None => path,
            };
            (relative, bytes)
        })
        .collect();
    Ok(Given::Wrangler(WranglerFile {
        name,
        text,
        environments,
        has_migrations,
        others,
    }))
}

/// JSON that is a wrangler configuration rather than a composition: no `format` and
/// `request`, and one of the keys every configuration has.
fn looks_like_wrangler(bytes: &[u8]) -> bool {
    let Ok(text) = std::str::from_utf8(bytes) else {
        return false;
    };
    crate::import::config_text::parse(text, ConfigFormat::Jsonc).is_ok_and(|o| {
        !(o.contains_key("format") && o.contains_key("request"))
            && ["name", "main", "compatibility_date"]
                .iter()
                .any(|k| o.contains_key(*k))
    })
}

/// The given files as a folder. A path the configuration names that was not given as such is
/// found by its file name when exactly one given file has it (files picked one by one have no
/// folders).
struct GivenFolder {
    files: MemFiles,
    names: Vec<(String, RelPath)>,
}

impl GivenFolder {
    fn of(list: &[GivenFile]) -> GivenFolder {
        let mut files = MemFiles::new();
        let mut names = Vec::new();
        for (path, bytes) in list {
            if let Ok(rel) = RelPath::parse(path) {
                names.push((rel.file_name().to_string(), rel.clone()));
                let _ = files.insert(rel.as_str(), bytes.clone());
            }
        }
        GivenFolder { files, names }
    }
}

impl Files for GivenFolder {
    fn read(&self, path: &RelPath) -> Result<Vec<u8>, FileError> {
        match self.files.read(path) {
            Err(FileError::NotFound) => {
                let mut same = self.names.iter().filter(|(n, _)| n == path.file_name());
                match (same.next(), same.next()) {
                    (Some((_, found)), None) => self.files.read(found),
                    _ => Err(FileError::NotFound),
                }
            }
            other => other,
        }
    }

    fn list(&self, dir: &RelPath) -> Result<Vec<RelPath>, FileError> {
        self.files.list(dir)
    }

    fn available(&self) -> bool {
        !self.files.is_empty()
    }
}

fn counted(findings: &[Finding]) -> String {
    let errors = findings.iter().filter(|f| f.level == Level::Error).count();
    let warnings = findings.len() - errors;
    match (errors, warnings) {
        (0, 0) => String::new(),
        (e, w) => {
            format!(" The import has {e} error(s) and {w} warning(s) to look at, listed in Checks.")
        }
    }
}

fn opened(imported: Imported, what: String) -> Opened {
    let c = &imported.composition;
    let unread = imported
        .sources
        .iter()
        .filter(|s| matches!(s, crate::import::ModuleSource::File { read: false, .. }))
        .count();
    let mut summary = format!(
        "Imported {what}: {} binding(s), {} module(s).",
        c.metadata.bindings.len(),
        c.modules.len()
    );
    if unread > 0 {
        summary.push_str(&format!(
            " {unread} module file(s) were not given: add them with \"Add files…\"."
        ));
    }
    summary.push_str(&counted(&imported.findings));
    Opened {
        composition: imported.composition,
        findings: imported.findings,
        summary,
    }
}

/// Imports a wrangler configuration with the choices made.
pub fn open_wrangler(file: &WranglerFile, options: &WranglerOptions) -> Result<Opened, String> {
    let format =
        ConfigFormat::from_file_name(&file.name).unwrap_or_else(|| ConfigFormat::sniff(&file.text));
    let folder = GivenFolder::of(&file.others);
    let imported = wrangler::import(&file.text, format, options, &folder, None)
        .map_err(|e| format!("{} was not imported: line {e}", file_name(&file.name)))?;
    let what = match &options.env {
        Some(env) => format!("{} (environment {env})", file_name(&file.name)),
        None => file_name(&file.name).to_string(),
    };
    Ok(opened(imported, what))
}

/// Imports a pasted curl command, reading the files it names from `files`.
pub fn open_curl(text: &str, files: &[GivenFile]) -> Result<Opened, String> {
    let folder = GivenFolder::of(files);
    let imported =
        curl::import(text, &folder).map_err(|e| format!("The command was not imported: {e}."))?;
    Ok(opened(imported, "the curl command".into()))
}

/// What the app asks its import worker; `id` pairs the reply with the question (a dialog
/// keeps only the answer to its latest one).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum ImportRequest {
    /// What was picked or dropped on Import ([`given`]).
    Given {
        id: u32,
        #[serde(with = "given_files")]
        files: Vec<GivenFile>,
    },
    /// A wrangler configuration with the choices made in its dialog ([`open_wrangler`]).
    Wrangler {
        id: u32,
        file: WranglerFile,
        options: WranglerOptions,
    },
    /// A pasted curl command and the files it reads ([`open_curl`]).
    Curl {
        id: u32,
        text: String,
        #[serde(with = "given_files")]
        files: Vec<GivenFile>,
    },
}

/// The import worker's answer to the [`ImportRequest`] of the same `id`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum ImportReply {
    Given {
        id: u32,
        result: Result<Given, String>,
    },
    Opened {
        id: u32,
        result: Result<Box<Opened>, String>,
    },
    /// Nothing was imported for a reason outside the input: the request could not be read, or
    /// (made by the app itself) the worker did not load or stopped.
    Failed { id: u32, message: String },
}

/// What the worker posts once it listens; the app queues its requests until then.
pub const WORKER_READY: &str = "ready";

impl ImportRequest {
    pub fn id(&self) -> u32 {
        match self {
            ImportRequest::Given { id, .. }
            | ImportRequest::Wrangler { id, .. }
            | ImportRequest::Curl { id, .. } => *id,
        }
    }

    /// The text posted to the worker.
    pub fn to_text(&self) -> String {
        to_text(self)
    }

    pub fn from_text(text: &str) -> Result<ImportRequest, String> {
        from_text(text)
    }
}

impl ImportReply {
    pub fn id(&self) -> u32 {
        match self {
            ImportReply::Given { id, .. }
            | ImportReply::Opened { id, .. }
            | ImportReply::Failed { id, .. } => *id,
        }
    }

    /// The text the worker posts back.
    pub fn to_text(&self) -> String {
        to_text(self)
    }

    /// Reads a reply; one that does not read is a [`ImportReply::Failed`] for `id`.
    pub fn from_text(text: &str, id: u32) -> ImportReply {
        from_text(text).unwrap_or_else(|message| ImportReply::Failed {
            id,
            message: format!("The import's answer could not be read ({message})."),
        })
    }
}

// Through `Value`, like the composition file: one (de)serializer for the model keeps the wasm
// smaller.
fn to_text<T: Serialize>(value: &T) -> String {
    serde_json::to_value(value)
        .map(|v| v.to_string())
        .unwrap_or_default()
}

fn from_text<T: serde::de::DeserializeOwned>(text: &str) -> Result<T, String> {
    serde_json::from_str::<serde_json::Value>(text)
        .and_then(serde_json::from_value)
        .map_err(|e| e.to_string())
}

/// The import worker's whole job: one request, its reply. Pure, so the host tests cover it.
pub fn answer(request: ImportRequest) -> ImportReply {
    match request {
        ImportRequest::Given { id, files } => ImportReply::Given {
            id,
            result: given(files),
        },
        ImportRequest::Wrangler { id, file, options } => ImportReply::Opened {
            id,
            result: open_wrangler(&file, &options).map(Box::new),
        },
        ImportRequest::Curl { id, text, files } => ImportReply::Opened {
            id,
            result: open_curl(&text, &files).map(Box::new),
        },
    }
}

/// [`answer`] from text to text, as the worker receives and posts it. A request that does not
/// read gets a [`ImportReply::Failed`] (with its id when that much reads).
pub fn answer_text(text: &str) -> String {
    match ImportRequest::from_text(text) {
        Ok(request) => answer(request).to_text(),
        Err(message) => {
            let id = serde_json::from_str::<serde_json::Value>(text)
                .ok()
                .and_then(|v| {
                    v.as_object()?
                        .values()
                        .next()?
                        .get("id")?
                        .as_u64()
                        .and_then(|id| u32::try_from(id).ok())
                })
                .unwrap_or(0);
            ImportReply::Failed {
                id,
                message: format!("The import could not read its request ({message})."),
            }
            .to_text()
        }
    }
}

/// Bytes as base64 text: a dropped folder can be large, and JSON would spell each byte as a
/// number.
struct Base64<'a>(&'a [u8]);

impl Serialize for Base64<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&base64::engine::general_purpose::STANDARD.encode(self.0))
    }
}

fn from_base64<E: serde::de::Error>(text: &str) -> Result<Vec<u8>, E> {
    base64::engine::general_purpose::STANDARD
        .decode(text)
        .map_err(E::custom)
}

/// Given files as `[name, base64]` pairs.
mod given_files {
    use super::*;

    pub fn serialize<S: Serializer>(files: &[GivenFile], serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(files.iter().map(|(name, bytes)| (name, Base64(bytes))))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Vec<GivenFile>, D::Error> {
        Vec::<(String, String)>::deserialize(deserializer)?
            .into_iter()
            .map(|(name, text)| Ok((name, from_base64(&text)?)))
            .collect()
    }
}

/// An [`Opened`] as sent: the composition as its file format says it, except that a module
/// read from a path keeps its bytes (the file format names the path instead), so every
/// module's bytes go beside it, in order.
#[derive(Serialize)]
struct OpenedOut<'a> {
    composition: &'a Composition,
    module_bytes: Vec<Base64<'a>>,
    findings: &'a [Finding],
    summary: &'a str,
}

#[derive(Deserialize)]
struct OpenedIn {
    composition: Composition,
    module_bytes: Vec<String>,
    findings: Vec<Finding>,
    summary: String,
}

impl Serialize for Opened {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        OpenedOut {
            composition: &self.composition,
            module_bytes: self
                .composition
                .modules
                .iter()
                .map(|m| Base64(&m.bytes))
                .collect(),
            findings: &self.findings,
            summary: &self.summary,
        }
        .serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for Opened {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Opened, D::Error> {
        let sent = OpenedIn::deserialize(deserializer)?;
        let mut composition = sent.composition;
        if sent.module_bytes.len() != composition.modules.len() {
            return Err(serde::de::Error::custom(
                "the modules and their bytes do not match",
            ));
        }
        for (module, text) in composition.modules.iter_mut().zip(&sent.module_bytes) {
            module.bytes = from_base64(text)?;
        }
        Ok(Opened {
            composition,
            findings: sent.findings,
            summary: sent.summary,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::ModuleKind;

    fn file(path: &str, text: &str) -> GivenFile {
        (path.to_string(), text.as_bytes().to_vec())
    }

    #[test]
    fn a_composition_file_opens_at_once() {
        let c = Composition::default();
        let opened = given(vec![file(
            "w.bindery.json",
            &serde_json::to_string(&c).unwrap(),
        )])
        .unwrap();
        assert!(matches!(opened, Given::Composition(o) if o.composition == c));
        let err = given_err(vec![file("notes.txt", "hello")]);
        assert!(err.contains("notes.txt was not imported"), "{err}");
        // JSON that is neither keeps the composition file's messages.
        assert!(given_err(vec![file("bad.json", "{oops")]).contains("not valid JSON"));
        assert!(
            given_err(vec![file("x.json", "{\"hello\": 1}")]).contains("not a Bindery composition")
        );
        assert!(matches!(
            given(vec![file(
                "app.json",
                "{\"name\": \"w\", \"main\": \"a.js\"}"
            )]),
            Ok(Given::Wrangler(_))
        ));
    }

    fn given_err(files: Vec<GivenFile>) -> String {
        match given(files) {
            Err(e) => e,
            Ok(g) => panic!("expected an error, got {g:?}"),
        }
    }

    #[test]
    fn a_dropped_folder_is_a_configuration_with_its_files() {
        let toml = "name = \"shop\"\nmain = \"src/index.js\"\n[[migrations]]\ntag = \"v1\"\n[env.staging]\n[env.production]\n";
        let given = given(vec![
            file("shop/src/index.js", "export default {}"),
            file("shop/wrangler.toml", toml),
        ])
        .unwrap();
        let Given::Wrangler(w) = given else {
            panic!("a wrangler file")
        };
        assert_eq!(w.environments, ["staging", "production"]);
        assert!(w.has_migrations);
        assert_eq!(w.others[0].0, "src/index.js");
        let options = WranglerOptions {
            env: Some("staging".into()),
            ..Default::default()
        };
        let opened = open_wrangler(&w, &options).unwrap();
        assert_eq!(opened.composition.request.script_name, "shop-staging");
        assert_eq!(opened.composition.modules[0].bytes, b"export default {}");
        assert!(
            opened.summary.contains("environment staging"),
            "{}",
            opened.summary
        );
    }

    #[test]
    fn files_picked_one_by_one_are_found_by_name() {
        let jsonc = "// config\n{ \"name\": \"w\", \"main\": \"src/worker.js\", }";
        let Given::Wrangler(w) = given(vec![
            file("wrangler.jsonc", jsonc),
            file("worker.js", "export default {}"),
        ])
        .unwrap() else {
            panic!("a wrangler file")
        };
        let opened = open_wrangler(&w, &WranglerOptions::default()).unwrap();
        assert_eq!(opened.composition.modules[0].kind, ModuleKind::Esm);
        assert_eq!(opened.composition.modules[0].bytes, b"export default {}");
    }

    #[test]
    fn a_configuration_alone_says_which_modules_to_add() {
        let Given::Wrangler(w) = given(vec![file(
            "wrangler.toml",
            "name = \"w\"\nmain = \"index.js\"\n",
        )])
        .unwrap() else {
            panic!("a wrangler file")
        };
        let opened = open_wrangler(&w, &WranglerOptions::default()).unwrap();
        assert!(opened.summary.contains("Add files"), "{}", opened.summary);
        let err = given_err(vec![file("wrangler.toml", "name = ")]);
        assert!(
            err.contains("wrangler.toml was not imported: line 1"),
            "{err}"
        );
    }

    #[test]
    fn hostile_names_given_or_named_read_nothing_but_the_configurations_own_folder() {
        let toml = "name = \"w\"\nmain = \"../secret.js\"\n[text_blobs]\nT = \"/etc/passwd\"\n[data_blobs]\nD = \"..\\\\secret.js\"\n";
        let Given::Wrangler(w) = given(vec![
            file("shop/wrangler.toml", toml),
            file("../secret.js", "climbed"),
            file("/etc/passwd", "absolute"),
            file("a\0b.js", "nul"),
            file("secret.js", "outside the configuration's folder"),
            file("shop/secret.js", "beside, but not what is named"),
        ])
        .unwrap() else {
            panic!("a wrangler file")
        };
        let opened = open_wrangler(&w, &WranglerOptions::default()).unwrap();
        for module in &opened.composition.modules {
            assert!(module.bytes.is_empty(), "{} was read", module.name);
        }
        let refused = opened
            .findings
            .iter()
            .filter(|f| {
                f.message.contains("leaves the folder") || f.message.contains("absolute path")
            })
            .count();
        assert_eq!(refused, 3, "{:#?}", opened.findings);
        // A pasted command's paths are held to the same folder.
        let curl = "curl -X PUT https://api.cloudflare.com/client/v4/accounts/a/workers/scripts/w -F 'metadata={\"main_module\":\"w.js\"}' -F 'w.js=@../secret.js;type=application/javascript+module'";
        let opened = open_curl(curl, &[file("secret.js", "x"), file("../secret.js", "y")]).unwrap();
        assert!(opened.composition.modules[0].bytes.is_empty());
    }

    /// Every file under `dir`, by path relative to it (as a dropped folder gives them).
    fn folder(dir: &std::path::Path) -> Vec<GivenFile> {
        let mut found = Vec::new();
        let mut folders = vec![dir.to_path_buf()];
        while let Some(folder) = folders.pop() {
            for entry in std::fs::read_dir(&folder).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    folders.push(path);
                } else {
                    let name = path.strip_prefix(dir).unwrap().to_string_lossy();
                    found.push((format!("project/{name}"), std::fs::read(&path).unwrap()));
                }
            }
        }
        found.sort();
        found
    }

    /// A request or reply as the app and the worker post it: to text and back.
    fn through_text(reply: &ImportReply) -> ImportReply {
        ImportReply::from_text(&reply.to_text(), u32::MAX)
    }

    #[test]
    fn the_worker_answers_every_wrangler_corpus_case_as_the_importer_itself_does() {
        let corpus = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/wrangler/corpus");
        let (mut cases, mut module_bytes) = (0, 0);
        for case in std::fs::read_dir(&corpus).unwrap() {
            let files: Vec<GivenFile> = folder(&case.unwrap().path())
                .into_iter()
                .filter(|(name, _)| !name.ends_with("case.json"))
                .collect();
            let request = ImportRequest::Given { id: 7, files };
            assert_eq!(
                ImportRequest::from_text(&request.to_text()).as_ref(),
                Ok(&request)
            );
            let reply = answer_text(&request.to_text());
            let direct = answer(request);
            assert_eq!(ImportReply::from_text(&reply, 0), direct);
            let ImportReply::Given {
                id: 7,
                result: Ok(Given::Wrangler(file)),
            } = direct
            else {
                panic!("a wrangler file: {direct:?}")
            };
            let request = ImportRequest::Wrangler {
                id: 8,
                options: WranglerOptions {
                    env: file.environments.first().cloned(),
                    migration_tag: file.has_migrations.then(|| "v1".into()),
                    ..WranglerOptions::default()
                },
                file,
            };
            let direct = answer(request.clone());
            assert_eq!(
                ImportReply::from_text(&answer_text(&request.to_text()), 0),
                direct
            );
            let ImportReply::Opened {
                result: Ok(opened), ..
            } = &direct
            else {
                panic!("opened: {direct:?}")
            };
            assert_eq!(&through_text(&direct), &direct);
            module_bytes += opened
                .composition
                .modules
                .iter()
                .map(|m| m.bytes.len())
                .sum::<usize>();
            cases += 1;
        }
        assert!(cases >= 10 && module_bytes > 0, "{cases} cases");
    }

    #[test]
    fn bytes_cross_as_base64_not_as_lists_of_numbers() {
        let bytes: Vec<u8> = (0..=255).collect();
        let request = ImportRequest::Curl {
            id: 1,
            text: "curl".into(),
            files: vec![("blob.bin".into(), bytes.clone())],
        };
        let text = request.to_text();
        assert!(text.len() < 2 * bytes.len(), "{text}");
        assert!(text.contains(&base64::engine::general_purpose::STANDARD.encode(&bytes)));
        assert_eq!(ImportRequest::from_text(&text), Ok(request));
        // A module with a path keeps its bytes too (the file format would name only the path).
        let curl = "curl https://api.cloudflare.com/client/v4/accounts/abc/workers/scripts/w -F 'metadata={\"main_module\":\"w.js\"}' -F 'w.js=@w.js;type=application/javascript+module' -F 'b.bin=@b.bin;type=application/octet-stream'";
        let reply = answer(ImportRequest::Curl {
            id: 2,
            text: curl.into(),
            files: vec![
                file("w.js", "export default {}"),
                ("b.bin".into(), bytes.clone()),
            ],
        });
        let back = through_text(&reply);
        assert_eq!(back, reply);
        let ImportReply::Opened {
            result: Ok(opened), ..
        } = back
        else {
            panic!("opened: {back:?}")
        };
        assert_eq!(opened.composition.modules[1].bytes, bytes);
        assert!(opened.findings.iter().any(|f| f.rule == "curl-method"));
    }

    #[test]
    fn a_rule_id_read_back_is_kept_once() {
        let reply = answer(ImportRequest::Curl {
            id: 3,
            text: "curl https://api.cloudflare.com/client/v4/accounts/abc/workers/scripts/w -F 'metadata={}'".into(),
            files: Vec::new(),
        });
        let rules = |reply: ImportReply| match reply {
            ImportReply::Opened { result: Ok(o), .. } => {
                o.findings.iter().map(|f| f.rule).collect::<Vec<_>>()
            }
            other => panic!("opened: {other:?}"),
        };
        let (first, second) = (rules(through_text(&reply)), rules(through_text(&reply)));
        assert!(!first.is_empty());
        assert_eq!(first, rules(reply));
        for (a, b) in first.iter().zip(&second) {
            assert!(std::ptr::eq(*a, *b), "{a} read back twice is one id");
        }
    }

    #[test]
    fn what_does_not_read_is_a_failure_with_its_id_not_a_crash() {
        let failed = |text: &str| ImportReply::from_text(&answer_text(text), 0);
        for text in [
            "",
            "{",
            "[]",
            "{\"Curl\": {\"id\": 9}}",
            "{\"Given\": {\"id\": 9, \"files\": [[\"a\", \"not base64!\"]]}}",
        ] {
            let reply = failed(text);
            assert!(
                matches!(&reply, ImportReply::Failed { message, .. } if message.contains("could not read its request")),
                "{text}: {reply:?}"
            );
            assert_eq!(reply.id(), if text.contains('9') { 9 } else { 0 }, "{text}");
        }
        assert!(matches!(
            ImportReply::from_text("{\"Opened\": {}}", 4),
            ImportReply::Failed { id: 4, .. }
        ));
        // Modules and their bytes that do not match are refused, not guessed.
        let reply = answer(ImportRequest::Curl {
            id: 5,
            text: "curl https://api.cloudflare.com/client/v4/accounts/abc/workers/scripts/w -F 'metadata={}' -F 'a.js=x'".into(),
            files: Vec::new(),
        });
        let text = reply
            .to_text()
            .replace("\"module_bytes\":[\"eA==\"]", "\"module_bytes\":[]");
        assert!(
            matches!(
                ImportReply::from_text(&text, 5),
                ImportReply::Failed { id: 5, .. }
            ),
            "{text}"
        );
    }

    #[test]
    fn a_curl_command_opens_with_its_findings() {
        let text = "curl https://api.cloudflare.com/client/v4/accounts/abc/workers/scripts/w -F 'metadata={\"main_module\":\"index.js\"}' -F 'index.js=@index.js;type=application/javascript+module'";
        let opened = open_curl(text, &[file("index.js", "export default {}")]).unwrap();
        assert_eq!(opened.composition.modules[0].bytes, b"export default {}");
        assert!(opened.findings.iter().any(|f| f.rule == "curl-method"));
        assert!(opened.summary.contains("Checks"), "{}", opened.summary);
        assert!(open_curl("ls", &[])
            .unwrap_err()
            .contains("no curl command"));
    }
}
