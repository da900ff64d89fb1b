//! Opening what a user already has in the composer: a composition file, a wrangler
//! configuration (with the project's files, if dropped together), or a pasted curl command.
//!
//! The browser hands over files as (path, bytes): the name, or the path inside a dropped
//! folder. Everything else — which file is the configuration, where the others sit relative
//! to it, what the import found — is decided here, so the host tests cover it.

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
#[derive(Clone, Debug, PartialEq)]
pub enum Given {
    /// A composition file: open it at once.
    Composition(Box<Opened>),
    /// A wrangler configuration: ask for the environment (and the rest) first.
    Wrangler(WranglerFile),
}

/// A wrangler configuration picked or dropped, with the choices its import offers.
#[derive(Clone, Debug, PartialEq)]
pub struct WranglerFile {
    /// The configuration's name as given (`wrangler.toml`, `shop/wrangler.jsonc`).
    pub name: String,
    pub text: String,
    /// The `[env.NAME]` sections it defines.
    pub environments: Vec<String>,
    /// Whether it has Durable Object migrations (the deployed tag then matters).
    pub has_migrations: bool,
    /// The other files given with it, by path relative to the configuration's folder.
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
