//! The module parts of an imported wrangler project. Bindery does not bundle, so they come from
//! one of three places:
//!
//! 1. **An already built Worker** (`--modules DIR`, e.g. the output of
//!    `wrangler deploy --dry-run --outdir DIR`). The parts are the ones wrangler uploads from that
//!    build: the entry (`index.js`), its source map (`index.js.map`) unless
//!    `upload_source_maps = false`, and the additional modules — the files the entry imports,
//!    named exactly as it imports them (`./3f2a…-add.wasm`) for a bundled build, or every file
//!    the module `rules` match, named by their path, when `find_additional_modules` (or
//!    `no_bundle`) is on. Wrangler's own `README.md` in that folder is not a part.
//! 2. **An unbundled `main`** in the project folder: the entry and the modules it imports, found
//!    by following relative specifiers (`./lib/util.js`) and, with `find_additional_modules`,
//!    every file under `base_dir` the module rules match. Part names are paths relative to
//!    `base_dir`, the entry's is its file name — as wrangler names them with `no_bundle`. A
//!    TypeScript entry, or one importing packages (`import { Hono } from "hono"`), needs a build
//!    first; the findings say so and how.
//! 3. **Nothing** (an import from text alone): the entry is left as a placeholder the user fills
//!    in, and a finding says so.
//!
//! Each module's kind follows wrangler's rules: the configuration's `rules`, then the defaults
//! (text for `.txt`/`.html`/`.sql`, data for `.bin`, WebAssembly for `.wasm`), an earlier rule
//! without `fallthrough = true` hiding later rules of its type; JavaScript is an ES module unless
//! it is `.cjs` or the entry exports nothing (a service worker).

use serde_json::Value;

use super::env::Resolved;
use crate::import::files::{FileError, Files, RelPath};
use crate::import::glob::Glob;
use crate::import::js_scan;
use crate::import::{ModuleSource, Notes, Root};
use crate::model::{Module, ModuleKind};

/// The most modules followed from an unbundled entry.
const MAX_FOLLOWED: usize = 1000;

/// A module rule: a kind and the globs that select it.
#[derive(Clone, Debug)]
pub struct Rule {
    pub kind: ModuleKind,
    pub globs: Vec<Glob>,
}

/// Wrangler's rule types and the module kinds they give.
fn rule_kind(rule_type: &str) -> Option<ModuleKind> {
    Some(match rule_type {
        "ESModule" => ModuleKind::Esm,
        "CommonJS" => ModuleKind::Commonjs,
        "CompiledWasm" => ModuleKind::Wasm,
        "Data" => ModuleKind::Data,
        "Text" => ModuleKind::Text,
        "PythonModule" => ModuleKind::Python,
        "PythonRequirement" => ModuleKind::PythonRequirement,
        _ => return None,
    })
}

/// The configuration's rules followed by wrangler's defaults; a rule whose type an earlier
/// rule without `fallthrough = true` already completed is dropped, as wrangler drops it.
pub fn parse_rules(config: &Resolved, notes: &mut Notes) -> Vec<Rule> {
    let mut raw: Vec<(String, Vec<String>, Option<bool>)> = Vec::new();
    if let Some(value) = config.get("rules") {
        let origin = config.origin("rules");
        match value.as_array() {
            Some(items) => {
                for (i, item) in items.iter().enumerate() {
                    let rule_type = item.get("type").and_then(Value::as_str);
                    let globs: Option<Vec<String>> =
                        item.get("globs").and_then(Value::as_array).map(|g| {
                            g.iter()
                                .filter_map(Value::as_str)
                                .map(str::to_string)
                                .collect()
                        });
                    match (rule_type, globs) {
                        (Some(t), Some(globs)) if rule_kind(t).is_some() => raw.push((
                            t.to_string(),
                            globs,
                            item.get("fallthrough").and_then(Value::as_bool),
                        )),
                        _ => notes.error(
                            "wrangler-rule-invalid",
                            format!("import.{origin}[{i}]"),
                            format!(
                                "`{origin}[{i}]` needs a `type` (ESModule, CommonJS, CompiledWasm, Data, Text, PythonModule or PythonRequirement) and a list of `globs`; wrangler refuses it. The rule is ignored."
                            ),
                        ),
                    }
                }
            }
            None => notes.error(
                "wrangler-rule-invalid",
                format!("import.{origin}"),
                format!("`{origin}` should be an array of rules; it is ignored."),
            ),
        }
    }
    for (t, globs) in [
        ("Text", &["**/*.txt", "**/*.html", "**/*.sql"][..]),
        ("Data", &["**/*.bin"][..]),
        ("CompiledWasm", &["**/*.wasm", "**/*.wasm?module"][..]),
    ] {
        raw.push((
            t.to_string(),
            globs.iter().map(|g| g.to_string()).collect(),
            None,
        ));
    }
    let mut completed: Vec<String> = Vec::new();
    let mut rules = Vec::new();
    for (t, globs, fallthrough) in raw {
        if completed.contains(&t) {
            continue;
        }
        if fallthrough != Some(true) {
            completed.push(t.clone());
        }
        rules.push(Rule {
            kind: rule_kind(&t).expect("checked above"),
            globs: globs.iter().map(|g| Glob::new(g)).collect(),
        });
    }
    rules
}

/// The kind the first matching rule gives `path`, if any.
pub fn rule_kind_of(rules: &[Rule], path: &str) -> Option<ModuleKind> {
    rules
        .iter()
        .find(|rule| rule.globs.iter().any(|g| g.matches(path)))
        .map(|rule| rule.kind)
}

/// A kind for a file no rule claims: JavaScript by extension, else wrangler's guess.
fn fallback_kind(path: &str) -> ModuleKind {
    let lower = path.to_ascii_lowercase();
    if lower.ends_with(".cjs") {
        ModuleKind::Commonjs
    } else if lower.ends_with(".js") || lower.ends_with(".mjs") {
        ModuleKind::Esm
    } else {
        ModuleKind::guess(path)
    }
}

/// What the collection found.
#[derive(Debug, Default)]
pub struct Collected {
    /// The entry's part name, if there is an entry.
    pub main: Option<String>,
    /// The entry is a service worker (exports nothing): `body_part` instead of `main_module`.
    pub service_worker: bool,
    pub modules: Vec<(Module, ModuleSource)>,
}

impl Collected {
    fn push(&mut self, module: Module, source: ModuleSource) {
        if !self.modules.iter().any(|(m, _)| m.name == module.name) {
            self.modules.push((module, source));
        }
    }
}

/// The module-related settings of the configuration.
pub struct Settings<'a> {
    pub main: Option<&'a str>,
    pub base_dir: Option<&'a str>,
    pub no_bundle: bool,
    pub find_additional_modules: Option<bool>,
    pub upload_source_maps: Option<bool>,
    pub rules: &'a [Rule],
    /// Where the project and the built folder are (for source maps).
    pub locations: Option<&'a super::Locations>,
}

impl Settings<'_> {
    fn finds_additional_modules(&self) -> bool {
        if self.no_bundle {
            self.find_additional_modules != Some(false)
        } else {
            self.find_additional_modules == Some(true)
        }
    }

    fn kind_of(&self, path: &str) -> ModuleKind {
        rule_kind_of(self.rules, path).unwrap_or_else(|| fallback_kind(path))
    }
}

/// A Python Worker's entry (`main = "src/entry.py"`).
pub fn is_python(main: &str) -> bool {
    main.to_ascii_lowercase().ends_with(".py")
}

/// The entry's kind: Python, a service-worker script, or an ES module.
fn entry_kind(python: bool, service_worker: bool) -> ModuleKind {
    if python {
        ModuleKind::Python
    } else if service_worker {
        ModuleKind::Commonjs
    } else {
        ModuleKind::Esm
    }
}

const TYPESCRIPT: &[&str] = &[".ts", ".tsx", ".mts", ".cts", ".jsx"];

fn is_javascript(kind: ModuleKind) -> bool {
    kind.is_javascript()
}

/// Collects the module parts (see the module documentation).
pub fn collect(
    settings: &Settings,
    project: &dyn Files,
    built: Option<&dyn Files>,
    notes: &mut Notes,
) -> Collected {
    let Some(main) = settings.main else {
        notes.warning(
            "wrangler-no-main",
            "metadata.main_module",
            "The configuration has no `main`: add the Worker's modules and name the entry.",
        );
        return Collected::default();
    };
    match built {
        Some(built) => from_build(settings, main, built, notes),
        None if project.available() => from_source(settings, main, project, notes),
        None => placeholder(main, notes, "no folder was given to read it from"),
    }
}

/// The entry as an empty module to fill in.
fn placeholder(main: &str, notes: &mut Notes, why: &str) -> Collected {
    let path = RelPath::parse(main)
        .map(|p| p.as_str().to_string())
        .unwrap_or_else(|_| main.to_string());
    let name = main.rsplit(['/', '\\']).next().unwrap_or(main).to_string();
    notes.warning(
        "wrangler-modules-missing",
        "modules[0]",
        format!(
            "The entry `{main}` was not read ({why}). Add the built Worker's modules: build with `wrangler deploy --dry-run --outdir dist` and import with `--modules dist`, or add the files here."
        ),
    );
    let mut collected = Collected {
        main: Some(name.clone()),
        ..Collected::default()
    };
    let module = Module {
        name,
        kind: ModuleKind::Esm,
        path: Some(path),
        bytes: Vec::new(),
        filename: None,
        media_type: None,
    };
    collected.push(
        module,
        ModuleSource::File {
            root: Root::Project,
            read: false,
        },
    );
    collected
}

fn read_text(files: &dyn Files, path: &RelPath) -> Result<(Vec<u8>, Option<String>), FileError> {
    let bytes = files.read(path)?;
    let text = String::from_utf8(bytes.clone()).ok();
    Ok((bytes, text))
}

/// 1. From an already built Worker.
fn from_build(settings: &Settings, main: &str, built: &dyn Files, notes: &mut Notes) -> Collected {
    let listed = match built.list(&RelPath::root()) {
        Ok(listed) => listed,
        Err(error) => {
            notes.error(
                "wrangler-modules-unreadable",
                "modules",
                format!("The built Worker's folder could not be listed: {error}."),
            );
            return Collected::default();
        }
    };
    let file_name = main.rsplit(['/', '\\']).next().unwrap_or(main);
    let stem = file_name
        .rsplit_once('.')
        .map_or(file_name, |(stem, _)| stem);
    let candidates = [
        format!("{stem}.js"),
        file_name.to_string(),
        format!("{stem}.mjs"),
        format!("{stem}.cjs"),
    ];
    let Some(entry) = candidates
        .iter()
        .find_map(|c| listed.iter().find(|p| p.as_str() == c))
        .cloned()
    else {
        notes.error(
            "wrangler-modules-missing",
            "modules",
            format!(
                "The built Worker's folder has no entry `{stem}.js` (for `main = \"{main}\"`). Give the folder wrangler wrote with `wrangler deploy --dry-run --outdir DIR`."
            ),
        );
        return Collected::default();
    };
    let mut collected = Collected {
        main: Some(entry.as_str().to_string()),
        ..Collected::default()
    };
    let (bytes, text) = match read_text(built, &entry) {
        Ok(read) => read,
        Err(error) => {
            notes.error(
                "wrangler-modules-unreadable",
                "modules[0]",
                format!("The entry `{entry}` could not be read: {error}."),
            );
            return collected;
        }
    };
    let python = is_python(entry.as_str());
    let scan = match (&text, python) {
        (Some(text), false) => js_scan::scan(text),
        _ => js_scan::ModuleScan::default(),
    };
    collected.service_worker = !python && !scan.has_exports;
    let main_kind = entry_kind(python, collected.service_worker);
    collected.push(
        Module {
            name: entry.as_str().to_string(),
            kind: main_kind,
            path: Some(entry.as_str().to_string()),
            bytes,
            filename: None,
            media_type: None,
        },
        ModuleSource::File {
            root: Root::Built,
            read: true,
        },
    );

    let is_wrangler_readme = |path: &RelPath| {
        path.as_str() == "README.md"
            && built
                .read(path)
                .is_ok_and(|b| b.starts_with(b"This folder contains the built output"))
    };
    let map_name = format!("{}.map", entry.as_str());
    if settings.finds_additional_modules() {
        for path in &listed {
            if *path == entry || path.as_str() == map_name || is_wrangler_readme(path) {
                continue;
            }
            let Some(kind) = rule_kind_of(settings.rules, path.as_str()) else {
                notes.warning(
                    "wrangler-module-skipped",
                    "modules",
                    format!("`{path}` in the built Worker's folder matches no module rule, so wrangler would not upload it; it is left out."),
                );
                continue;
            };
            add_file(
                &mut collected,
                built,
                Root::Built,
                path,
                path.as_str(),
                kind,
                notes,
            );
        }
    } else if !settings.no_bundle {
        // A bundled build: the entry imports the modules it needs by the names they are sent as.
        let mut pending: Vec<(String, RelPath)> = Vec::new();
        for import in scan.relative_imports() {
            if let Ok(path) = RelPath::root().join(&import.specifier) {
                pending.push((import.specifier.clone(), path));
            }
        }
        for (name, path) in pending {
            if !listed.contains(&path) {
                notes.error(
                    "wrangler-module-missing",
                    "modules",
                    format!("The entry imports `{name}`, which is not in the built Worker's folder: the upload would fail with `No such module`."),
                );
                continue;
            }
            let kind = settings.kind_of(&name);
            add_file(
                &mut collected,
                built,
                Root::Built,
                &path,
                &name,
                kind,
                notes,
            );
        }
        for path in &listed {
            let used = *path == entry
                || path.as_str() == map_name
                || collected
                    .modules
                    .iter()
                    .any(|(m, _)| m.path.as_deref() == Some(path.as_str()));
            if !used && !is_wrangler_readme(path) {
                notes.warning(
                    "wrangler-module-skipped",
                    "modules",
                    format!("`{path}` in the built Worker's folder is not imported by the entry, so wrangler would not upload it; it is left out."),
                );
            }
        }
    }
    if !settings.no_bundle && settings.upload_source_maps != Some(false) {
        if let Ok(map) = RelPath::parse(&map_name) {
            if listed.contains(&map) {
                add_file(
                    &mut collected,
                    built,
                    Root::Built,
                    &map,
                    &map_name,
                    ModuleKind::SourceMap,
                    notes,
                );
                let index = collected.modules.len() - 1;
                match settings.locations {
                    Some(locations) => {
                        let module = &mut collected.modules[index].0;
                        if let Some(rewritten) =
                            rewrite_source_map(&module.bytes, entry.as_str(), locations)
                        {
                            module.bytes = rewritten;
                            module.path = None;
                            collected.modules[index].1 = ModuleSource::Inline;
                        }
                    }
                    None => notes.warning(
                        "wrangler-source-map",
                        format!("modules[{index}]"),
                        "wrangler rewrites a source map's `file` and `sources` against where the built folder is when it uploads it; not knowing that, the map is sent as it is.",
                    ),
                }
            }
        }
    }
    if collected.service_worker {
        blobs_from_modules(&mut collected);
    }
    collected
}

/// The source map as wrangler uploads it: `file` set to the module's name, `sourceRoot` (read
/// from the folder wrangler ran in, the project) made relative to the built folder, and
/// `sources` (relative to the built folder) made relative to the project; written back compact
/// with its keys in place. `None` when it is not a JSON object.
fn rewrite_source_map(bytes: &[u8], module: &str, at: &super::Locations) -> Option<Vec<u8>> {
    let Value::Object(mut map) = serde_json::from_slice::<Value>(bytes).ok()? else {
        return None;
    };
    map.insert("file".into(), Value::String(module.to_string()));
    if let Some(Value::String(root)) = map.get("sourceRoot") {
        if !root.is_empty() {
            let relative = relative_lexical(&at.built, &resolve_lexical(&at.project, root));
            map.insert("sourceRoot".into(), Value::String(relative));
        }
    }
    if let Some(Value::Array(sources)) = map.get_mut("sources") {
        for source in sources.iter_mut() {
            if let Value::String(s) = source {
                *s = relative_lexical(&at.project, &resolve_lexical(&at.built, s));
            }
        }
    }
    serde_json::to_vec(&Value::Object(map)).ok()
}

/// `path` read from folder `from` (kept when absolute).
fn resolve_lexical(from: &str, path: &str) -> String {
    if path.starts_with('/') {
        path.to_string()
    } else {
        format!("{from}/{path}")
    }
}

/// Lexical normal form of a path: `.` dropped, `..` folded (leading `..` kept).
fn normalize_lexical(path: &str) -> Vec<&str> {
    let mut out: Vec<&str> = Vec::new();
    for segment in path.split(['/', '\\']) {
        match segment {
            "" | "." => {}
            ".." if out.last().is_some_and(|s| *s != "..") => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

/// `to` relative to `from`, as Node's `path.relative` gives it (`""` for the same folder).
fn relative_lexical(from: &str, to: &str) -> String {
    let (from, to) = (normalize_lexical(from), normalize_lexical(to));
    let common = from.iter().zip(&to).take_while(|(a, b)| a == b).count();
    let mut parts: Vec<&str> = vec![".."; from.len() - common];
    parts.extend(&to[common..]);
    parts.join("/")
}

/// A service worker cannot import: wrangler sends its other modules as parts bound by
/// `wasm_module` / `text_blob` / `data_blob` bindings, named with every character that is not
/// a letter, digit, `_` or `$` replaced by `_`. Marked here by renaming; the bindings are added
/// by the caller ([`service_worker_bindings`]).
fn blobs_from_modules(collected: &mut Collected) {
    let main = collected.main.clone();
    for (module, _) in collected.modules.iter_mut() {
        if Some(&module.name) == main.as_ref()
            || !matches!(
                module.kind,
                ModuleKind::Wasm | ModuleKind::Text | ModuleKind::Data
            )
        {
            continue;
        }
        module.name = module
            .name
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || c == '_' || c == '$' {
                    c
                } else {
                    '_'
                }
            })
            .collect();
    }
}

/// The bindings wrangler adds for a service worker's non-JavaScript modules.
pub fn service_worker_bindings(collected: &Collected) -> Vec<serde_json::Map<String, Value>> {
    if !collected.service_worker {
        return Vec::new();
    }
    collected
        .modules
        .iter()
        .filter(|(m, _)| Some(&m.name) != collected.main.as_ref())
        .filter_map(|(m, _)| {
            let type_name = match m.kind {
                ModuleKind::Wasm => "wasm_module",
                ModuleKind::Text => "text_blob",
                ModuleKind::Data => "data_blob",
                _ => return None,
            };
            let mut binding = serde_json::Map::new();
            binding.insert("name".into(), Value::String(m.name.clone()));
            binding.insert("type".into(), Value::String(type_name.into()));
            binding.insert("part".into(), Value::String(m.name.clone()));
            Some(binding)
        })
        .collect()
}

fn add_file(
    collected: &mut Collected,
    files: &dyn Files,
    root: Root,
    path: &RelPath,
    name: &str,
    kind: ModuleKind,
    notes: &mut Notes,
) {
    let (bytes, read) = match files.read(path) {
        Ok(bytes) => (bytes, true),
        Err(error) => {
            notes.error(
                "wrangler-modules-unreadable",
                format!("modules[{}]", collected.modules.len()),
                format!("`{path}` could not be read: {error}. Add the file."),
            );
            (Vec::new(), false)
        }
    };
    collected.push(
        Module {
            name: name.to_string(),
            kind,
            path: Some(path.as_str().to_string()),
            bytes,
            filename: None,
            media_type: None,
        },
        ModuleSource::File { root, read },
    );
}

/// 2. From an unbundled entry in the project folder.
fn from_source(
    settings: &Settings,
    main: &str,
    project: &dyn Files,
    notes: &mut Notes,
) -> Collected {
    let main_path = match RelPath::parse(main) {
        Ok(path) => path,
        Err(error) => return placeholder(main, notes, &error.to_string()),
    };
    let lower = main.to_ascii_lowercase();
    if TYPESCRIPT.iter().any(|ext| lower.ends_with(ext)) {
        return placeholder(
            main,
            notes,
            "it is TypeScript or JSX, which must be built first; Bindery does not bundle",
        );
    }
    let (bytes, text) = match read_text(project, &main_path) {
        Ok(read) => read,
        Err(error) => return placeholder(main, notes, &error.to_string()),
    };
    let base = match settings.base_dir.map(RelPath::parse) {
        Some(Ok(base)) => base,
        Some(Err(error)) => {
            notes.error(
                "wrangler-base-dir",
                "import.base_dir",
                format!("`base_dir` is not used: {error}."),
            );
            main_path.parent()
        }
        None => main_path.parent(),
    };
    let name = main_path.file_name().to_string();
    let python = is_python(main);
    let scan = match (&text, python) {
        (Some(text), false) => js_scan::scan(text),
        _ => js_scan::ModuleScan::default(),
    };
    let mut collected = Collected {
        main: Some(name.clone()),
        service_worker: !python && !scan.has_exports,
        ..Collected::default()
    };
    let main_kind = entry_kind(python, collected.service_worker);
    collected.push(
        Module {
            name,
            kind: main_kind,
            path: Some(main_path.as_str().to_string()),
            bytes,
            filename: None,
            media_type: None,
        },
        ModuleSource::File {
            root: Root::Project,
            read: true,
        },
    );

    // Follow relative imports, breadth first.
    let mut queue: Vec<(RelPath, js_scan::ModuleScan)> = vec![(main_path.clone(), scan)];
    let mut bare: Vec<String> = Vec::new();
    let mut followed = 0usize;
    while let Some((from, scan)) = queue.pop() {
        for import in &scan.imports {
            if !js_scan::is_relative(&import.specifier) {
                let builtin = import.specifier.starts_with("cloudflare:")
                    || import.specifier.starts_with("node:");
                if !builtin && !bare.contains(&import.specifier) {
                    bare.push(import.specifier.clone());
                }
                continue;
            }
            let target = match from.parent().join(&import.specifier) {
                Ok(target) => target,
                Err(error) => {
                    notes.error(
                        "wrangler-import-outside",
                        "modules",
                        format!(
                            "`{from}` imports `{}`, which is not read: {error}.",
                            import.specifier
                        ),
                    );
                    continue;
                }
            };
            if target == main_path
                || collected
                    .modules
                    .iter()
                    .any(|(m, _)| m.path.as_deref() == Some(target.as_str()))
            {
                continue;
            }
            let Some(part) = target.relative_to(&base).map(str::to_string) else {
                notes.error(
                    "wrangler-import-outside",
                    "modules",
                    format!("`{from}` imports `{}`, outside `base_dir` (`{base}`): a module there has no name in the upload. Move it, or set `base_dir`.", import.specifier),
                );
                continue;
            };
            followed += 1;
            if followed > MAX_FOLLOWED {
                notes.error(
                    "wrangler-too-many-modules",
                    "modules",
                    format!(
                        "More than {MAX_FOLLOWED} imported modules; the rest are not followed."
                    ),
                );
                break;
            }
            let kind = settings.kind_of(&part);
            let index = collected.modules.len();
            match project.read(&target) {
                Ok(bytes) => {
                    if is_javascript(kind) {
                        if let Ok(text) = std::str::from_utf8(&bytes) {
                            queue.push((target.clone(), js_scan::scan(text)));
                        }
                    }
                    collected.push(
                        Module { name: part, kind, path: Some(target.as_str().to_string()), bytes, filename: None, media_type: None },
                        ModuleSource::File { root: Root::Project, read: true },
                    );
                }
                Err(FileError::NotFound) => notes.error(
                    "wrangler-import-missing",
                    format!("modules[{index}]"),
                    format!(
                        "`{from}` imports `{}`, but `{target}` does not exist: the upload would fail with `No such module \"{part}\"`. {}",
                        import.specifier,
                        if target.file_name().contains('.') { "Add the file." } else { "The runtime does not add extensions: write the specifier with its extension (`.js`)." }
                    ),
                ),
                Err(error) => notes.error(
                    "wrangler-modules-unreadable",
                    format!("modules[{index}]"),
                    format!("`{target}` could not be read: {error}."),
                ),
            }
        }
    }
    if !bare.is_empty() {
        notes.error(
            "wrangler-needs-bundling",
            "modules[0]",
            format!(
                "The entry imports packages ({}), which only a bundler resolves; Bindery does not bundle. Build with `wrangler deploy --dry-run --outdir dist` and import with `--modules dist`.",
                bare.iter().map(|b| format!("`{b}`")).collect::<Vec<_>>().join(", ")
            ),
        );
    } else if !settings.no_bundle && collected.modules.len() > 1 {
        notes.warning(
            "wrangler-unbundled",
            "modules",
            "wrangler would bundle these files into one module; they are uploaded as separate modules instead, which the runtime resolves the same way.",
        );
    }

    if settings.finds_additional_modules() {
        if let Ok(listed) = project.list(&base) {
            for path in listed {
                if path == main_path
                    || collected
                        .modules
                        .iter()
                        .any(|(m, _)| m.path.as_deref() == Some(path.as_str()))
                {
                    continue;
                }
                let Some(part) = path.relative_to(&base).map(str::to_string) else {
                    continue;
                };
                // wrangler skips its own `.wrangler` folder and the configuration file.
                if path.as_str().starts_with(".wrangler/")
                    || matches!(
                        path.as_str(),
                        "wrangler.toml" | "wrangler.json" | "wrangler.jsonc"
                    )
                {
                    continue;
                }
                if let Some(kind) = rule_kind_of(settings.rules, &part) {
                    add_file(
                        &mut collected,
                        project,
                        Root::Project,
                        &path,
                        &part,
                        kind,
                        notes,
                    );
                }
            }
        }
    }
    if settings.upload_source_maps != Some(false) {
        attach_source_maps(
            &mut collected,
            project,
            settings.upload_source_maps == Some(true),
            notes,
        );
    }
    if collected.service_worker {
        blobs_from_modules(&mut collected);
    }
    collected
}

/// The `//# sourceMappingURL=` of a module: its last non-empty line, past other `//#` / `//@`
/// lines, as wrangler reads it.
fn source_mapping_url(text: &str) -> Option<&str> {
    for line in text.lines().rev().map(str::trim) {
        if line.is_empty() {
            continue;
        }
        if let Some(url) = line.strip_prefix("//# sourceMappingURL=") {
            return Some(url.trim());
        }
        if !line.starts_with("//#") && !line.starts_with("//@") {
            return None;
        }
    }
    None
}

/// wrangler's `cleanPathPrefix`: leading `./`, `.\`, `../`, `..\` dropped.
fn clean_path_prefix(path: &str) -> &str {
    let mut p = path;
    for prefix in ["./", ".\\", "../", "..\\"] {
        while let Some(rest) = p.strip_prefix(prefix) {
            p = rest;
        }
    }
    p
}

/// Unbundled modules' source maps, as wrangler attaches them: the file a module's
/// `sourceMappingURL` names, with `file` set to the module's name and `sourceRoot` and
/// `sources` cleaned of leading `./` and `../`, sent as `<module>.map`. A map that is missing
/// is skipped, unless `upload_source_maps = true` (then wrangler refuses the deploy).
fn attach_source_maps(
    collected: &mut Collected,
    project: &dyn Files,
    strict: bool,
    notes: &mut Notes,
) {
    let mut maps = Vec::new();
    for (module, _) in &collected.modules {
        if !module.kind.is_javascript() {
            continue;
        }
        let (Some(path), Ok(text)) = (&module.path, std::str::from_utf8(&module.bytes)) else {
            continue;
        };
        let Some(url) = source_mapping_url(text) else {
            continue;
        };
        let read = RelPath::parse(path)
            .ok()
            .and_then(|p| p.parent().join(url).ok())
            .and_then(|p| project.read(&p).ok())
            .and_then(|bytes| serde_json::from_slice::<Value>(&bytes).ok());
        let Some(Value::Object(mut map)) = read else {
            if strict {
                notes.error(
                    "wrangler-source-map",
                    "modules",
                    format!("`{path}` names the source map `{url}`, which was not read; with `upload_source_maps = true` wrangler refuses the deploy."),
                );
            }
            continue;
        };
        map.insert("file".into(), Value::String(module.name.clone()));
        if let Some(Value::String(root)) = map.get("sourceRoot") {
            if !root.is_empty() {
                let cleaned = clean_path_prefix(root).to_string();
                map.insert("sourceRoot".into(), Value::String(cleaned));
            }
        }
        if let Some(Value::Array(sources)) = map.get_mut("sources") {
            for source in sources.iter_mut() {
                if let Value::String(s) = source {
                    *s = clean_path_prefix(s).to_string();
                }
            }
        }
        maps.push(Module {
            name: format!("{}.map", module.name),
            kind: ModuleKind::SourceMap,
            path: None,
            bytes: serde_json::to_vec(&Value::Object(map)).unwrap_or_default(),
            filename: None,
            media_type: None,
        });
    }
    for map in maps {
        collected.push(map, ModuleSource::Inline);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::files::{MemFiles, NoFiles};
    use crate::import::wrangler::env;
    use serde_json::json;

    fn rules(config: Value) -> Vec<Rule> {
        let mut notes = Notes::default();
        let resolved = env::resolve(config.as_object().unwrap(), None, &mut notes);
        parse_rules(&resolved, &mut notes)
    }

    fn settings<'a>(main: &'a str, rules: &'a [Rule]) -> Settings<'a> {
        Settings {
            main: Some(main),
            base_dir: None,
            no_bundle: false,
            find_additional_modules: None,
            upload_source_maps: None,
            rules,
            locations: None,
        }
    }

    #[test]
    fn source_maps_are_rewritten_as_wrangler_uploads_them() {
        let map = br#"{
  "version": 3,
  "sources": ["../src/index.js"],
  "sourceRoot": "out",
  "mappings": ";AAAA",
  "names": []
}"#;
        let at = super::super::Locations {
            project: "/work/app".into(),
            built: "/work/app/out".into(),
        };
        let rewritten = rewrite_source_map(map, "index.js", &at).unwrap();
        assert_eq!(
            String::from_utf8(rewritten).unwrap(),
            r#"{"version":3,"sources":["src/index.js"],"sourceRoot":"","mappings":";AAAA","names":[],"file":"index.js"}"#
        );
        assert_eq!(relative_lexical("/t/built", "/t/built"), "");
        assert_eq!(
            relative_lexical("/t/app", "/t/built/../app/src/a.js"),
            "src/a.js"
        );
        assert_eq!(relative_lexical("/a/b", "/a/c/d"), "../c/d");
    }

    fn names(c: &Collected) -> Vec<(&str, ModuleKind)> {
        c.modules
            .iter()
            .map(|(m, _)| (m.name.as_str(), m.kind))
            .collect()
    }

    #[test]
    fn rules_follow_wrangler_including_fallthrough() {
        let r = rules(json!({"rules": [{"type": "Text", "globs": ["**/*.md"]}]}));
        assert_eq!(rule_kind_of(&r, "a.md"), Some(ModuleKind::Text));
        // The default Text rule is hidden by the user's Text rule without fallthrough.
        assert_eq!(rule_kind_of(&r, "a.txt"), None);
        assert_eq!(rule_kind_of(&r, "x/y.wasm"), Some(ModuleKind::Wasm));
        let r =
            rules(json!({"rules": [{"type": "Text", "globs": ["**/*.md"], "fallthrough": true}]}));
        assert_eq!(rule_kind_of(&r, "a.txt"), Some(ModuleKind::Text));
        let r = rules(json!({"rules": [{"type": "Data", "globs": ["**/*.txt"]}]}));
        assert_eq!(rule_kind_of(&r, "a.txt"), Some(ModuleKind::Data));
    }

    #[test]
    fn a_bundled_build_sends_what_the_entry_imports_by_its_specifier() {
        let r = rules(json!({}));
        let built = MemFiles::new()
            .with("index.js", "import w from \"./abc-add.wasm\";\nexport default {}\n//# sourceMappingURL=index.js.map")
            .with("abc-add.wasm", vec![0u8, 97, 115, 109])
            .with("index.js.map", "{}")
            .with("README.md", "This folder contains the built output assets for the worker \"x\"");
        let mut notes = Notes::default();
        let mut s = settings("src/index.ts", &r);
        let at = super::super::Locations {
            project: "/p".into(),
            built: "/p/dist".into(),
        };
        s.locations = Some(&at);
        let c = collect(&s, &NoFiles, Some(&built), &mut notes);
        assert_eq!(c.main.as_deref(), Some("index.js"));
        assert_eq!(
            names(&c),
            [
                ("index.js", ModuleKind::Esm),
                ("./abc-add.wasm", ModuleKind::Wasm),
                ("index.js.map", ModuleKind::SourceMap)
            ]
        );
        assert!(notes.is_empty(), "{:?}", notes.into_findings());
    }

    #[test]
    fn additional_modules_are_every_file_a_rule_matches() {
        let r = rules(json!({"rules": [{"type": "ESModule", "globs": ["**/*.js"]}]}));
        let built = MemFiles::new()
            .with("index.js", "export default {}")
            .with("lib/util.js", "export const x = 1")
            .with("note.md", "hi")
            .with("README.md", "This folder contains the built output assets");
        let mut s = settings("src/index.js", &r);
        s.no_bundle = true;
        let mut notes = Notes::default();
        let c = collect(&s, &NoFiles, Some(&built), &mut notes);
        assert_eq!(
            names(&c),
            [
                ("index.js", ModuleKind::Esm),
                ("lib/util.js", ModuleKind::Esm)
            ]
        );
        assert_eq!(notes.into_findings()[0].rule, "wrangler-module-skipped");
    }

    #[test]
    fn an_unbundled_entry_brings_the_modules_it_imports() {
        let r = rules(json!({}));
        let project = MemFiles::new()
            .with(
                "src/index.js",
                "import {f} from './lib/util.js'; import t from './page.html'; export default {}",
            )
            .with(
                "src/lib/util.js",
                "import {g} from '../shared.js'; export const f = 1",
            )
            .with("src/shared.js", "export const g = 2")
            .with("src/page.html", "<p>hi</p>")
            .with("src/unused.js", "x");
        let mut notes = Notes::default();
        let c = collect(&settings("src/index.js", &r), &project, None, &mut notes);
        let mut got = names(&c);
        got.sort_by_key(|(name, _)| *name);
        assert_eq!(
            got,
            [
                ("index.js", ModuleKind::Esm),
                ("lib/util.js", ModuleKind::Esm),
                ("page.html", ModuleKind::Text),
                ("shared.js", ModuleKind::Esm)
            ]
        );
        let findings = notes.into_findings();
        assert_eq!(findings.len(), 1);
        assert_eq!(findings[0].rule, "wrangler-unbundled");
    }

    #[test]
    fn imports_that_need_a_bundler_or_leave_the_folder_are_reported() {
        let r = rules(json!({}));
        let project = MemFiles::new().with(
            "src/index.js",
            "import {Hono} from 'hono'; import x from '../../etc/passwd'; import y from './missing'; import {env} from 'cloudflare:workers'; export default {}",
        );
        let mut notes = Notes::default();
        let c = collect(&settings("src/index.js", &r), &project, None, &mut notes);
        assert_eq!(c.modules.len(), 1);
        let findings = notes.into_findings();
        let rules: Vec<&str> = findings.iter().map(|f| f.rule).collect();
        assert!(rules.contains(&"wrangler-needs-bundling"), "{findings:?}");
        assert!(rules.contains(&"wrangler-import-outside"), "{findings:?}");
        assert!(rules.contains(&"wrangler-import-missing"), "{findings:?}");
        let bundling = findings
            .iter()
            .find(|f| f.rule == "wrangler-needs-bundling")
            .unwrap();
        assert!(bundling.message.contains("`hono`") && !bundling.message.contains("cloudflare:"));
    }

    #[test]
    fn typescript_or_no_folder_leaves_a_placeholder() {
        let r = rules(json!({}));
        let project = MemFiles::new().with("src/index.ts", "export default {}");
        let mut notes = Notes::default();
        let c = collect(&settings("src/index.ts", &r), &project, None, &mut notes);
        assert_eq!(c.modules[0].0.name, "index.ts");
        assert_eq!(
            c.modules[0].1,
            ModuleSource::File {
                root: Root::Project,
                read: false
            }
        );
        assert!(notes.into_findings()[0].message.contains("--outdir"));
        let mut notes = Notes::default();
        let c = collect(&settings("src/index.js", &r), &NoFiles, None, &mut notes);
        assert!(c.modules[0].0.bytes.is_empty());
    }

    #[test]
    fn a_service_worker_build_binds_its_other_modules() {
        let r = rules(json!({}));
        let built = MemFiles::new()
            .with(
                "index.js",
                "import w from './x-add.wasm'; addEventListener('fetch', () => {})",
            )
            .with("x-add.wasm", vec![0u8]);
        let mut notes = Notes::default();
        let c = collect(
            &settings("index.js", &r),
            &NoFiles,
            Some(&built),
            &mut notes,
        );
        assert!(c.service_worker);
        assert_eq!(
            names(&c),
            [
                ("index.js", ModuleKind::Commonjs),
                ("__x_add_wasm", ModuleKind::Wasm)
            ]
        );
        let bindings = service_worker_bindings(&c);
        assert_eq!(
            Value::Object(bindings[0].clone()),
            json!({"name": "__x_add_wasm", "type": "wasm_module", "part": "__x_add_wasm"})
        );
    }
}
