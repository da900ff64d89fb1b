//! Judging the code of an upload the way the Workers runtime would at startup, for the mistakes
//! it can see without running anything: a missing entry or imported module, a module part
//! without filename, and ES module syntax in a script that is parsed as CommonJS/service worker.

use serde_json::{Map, Value};

use super::form::{Form, Part};
use super::reply::ApiError;
use super::state::{Code, Module, Syntax};

/// Which part is the entry, as named by the metadata.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Entry {
    MainModule(String),
    BodyPart(String),
    None,
}

/// Reads `main_module` / `body_part` from metadata (exactly one may be given).
pub fn entry_of(metadata: &Map<String, Value>) -> Result<Entry, ApiError> {
    let text = |key: &str| match metadata.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(_) => Err(ApiError::validation(format!(
            "{key} must be a string naming a part"
        ))),
    };
    match (text("main_module")?, text("body_part")?) {
        (Some(_), Some(_)) => Err(ApiError::validation(
            "main_module and body_part cannot both be given",
        )),
        (Some(m), None) => Ok(Entry::MainModule(m)),
        (None, Some(b)) => Ok(Entry::BodyPart(b)),
        (None, None) => Ok(Entry::None),
    }
}

fn no_such_module(name: &str) -> ApiError {
    ApiError::validation(format!("Uncaught Error: No such module \"{name}\"."))
}

fn is_commonjs(media_type: Option<&str>) -> bool {
    matches!(
        media_type,
        Some("application/javascript" | "text/javascript")
    )
}

fn is_es_module(media_type: Option<&str>) -> bool {
    matches!(
        media_type,
        Some("application/javascript+module" | "text/javascript+module")
    )
}

fn stored(part: &Part) -> Module {
    Module {
        name: part.name.clone(),
        content_type: part
            .content_type
            .clone()
            .unwrap_or_else(|| "application/octet-stream".to_string()),
        data: part.data.clone(),
    }
}

/// Checks the code parts of a multipart upload; `None` when the metadata names no entry and no
/// module part was sent (a bindings/settings-only upload).
pub fn code_of(entry: &Entry, form: &Form, metadata_part: &str) -> Result<Option<Code>, ApiError> {
    let module_parts: Vec<&Part> = form
        .parts
        .iter()
        .filter(|p| p.name != metadata_part)
        .collect();
    match entry {
        Entry::None if module_parts.is_empty() => Ok(None),
        Entry::None => Err(ApiError::validation(
            "the metadata names no main_module (ES modules) or body_part (service worker) among the uploaded parts",
        )),
        Entry::MainModule(main) => {
            // Only parts with a filename are modules; the rest are plain form fields.
            let modules: Vec<&Part> = module_parts.into_iter().filter(|p| p.filename.is_some()).collect();
            let entry_part = modules.iter().find(|p| &p.name == main).ok_or_else(|| no_such_module(main))?;
            let names: Vec<&str> = modules.iter().map(|p| p.name.as_str()).collect();
            for part in &modules {
                let media = part.media_type();
                let as_commonjs = is_commonjs(media.as_deref());
                let as_module = is_es_module(media.as_deref()) || (part.name == entry_part.name && !as_commonjs);
                let text = String::from_utf8_lossy(&part.data);
                if as_commonjs {
                    check_script_syntax(&part.name, &text)?;
                }
                if as_module {
                    check_imports(&part.name, &text, &names)?;
                }
            }
            Ok(Some(Code {
                entry: main.clone(),
                syntax: Syntax::Module,
                modules: modules.into_iter().map(stored).collect(),
            }))
        }
        Entry::BodyPart(body) => {
            // The service-worker script needs no filename (old clients never sent one).
            let script = module_parts.iter().find(|p| &p.name == body).ok_or_else(|| no_such_module(body))?;
            check_script_syntax(&script.name, &String::from_utf8_lossy(&script.data))?;
            Ok(Some(Code {
                entry: body.clone(),
                syntax: Syntax::ServiceWorker,
                modules: module_parts.into_iter().map(stored).collect(),
            }))
        }
    }
}

/// The name the API gives the script of a raw `application/javascript` upload (its syntax
/// errors point at `worker.js:LINE`).
pub const RAW_SCRIPT_NAME: &str = "worker.js";

/// A raw `application/javascript` upload: one service-worker script called `worker.js`.
pub fn raw_script(data: &bytes::Bytes, content_type: &str) -> Result<Code, ApiError> {
    let text = String::from_utf8_lossy(data);
    check_raw_body(&text)?;
    check_script_syntax(RAW_SCRIPT_NAME, &text)?;
    Ok(Code {
        entry: RAW_SCRIPT_NAME.to_string(),
        syntax: Syntax::ServiceWorker,
        modules: vec![Module {
            name: RAW_SCRIPT_NAME.to_string(),
            content_type: content_type.to_string(),
            data: data.clone(),
        }],
    })
}

/// Two bodies that are not scripts, sent typed as one, and the parse errors the runtime gives
/// them: a multipart body (a client that set `Content-Type: application/javascript` over its
/// form, as the official SDK's script upload does) starts with `--boundary`, a prefix
/// decrement of nothing; a JSON object (the metadata sent as the script) is a block whose
/// first statement is a string followed by `:`.
fn check_raw_body(text: &str) -> Result<(), ApiError> {
    let first = text.trim_start_matches(['\u{feff}', ' ', '\t', '\r', '\n']);
    if first.starts_with("--")
        && first
            .lines()
            .nth(1)
            .is_some_and(|l| l.to_ascii_lowercase().starts_with("content-disposition"))
    {
        return Err(ApiError::validation(format!(
            "Uncaught SyntaxError: Invalid left-hand side expression in prefix operation at {RAW_SCRIPT_NAME}:1"
        )));
    }
    if first.starts_with('{')
        && matches!(serde_json::from_str::<Value>(first), Ok(Value::Object(m)) if !m.is_empty())
    {
        return Err(ApiError::validation(format!(
            "Uncaught SyntaxError: Unexpected token ':' at {RAW_SCRIPT_NAME}:1"
        )));
    }
    Ok(())
}

/// A script parsed as CommonJS / service worker must not use `export` or `import` statements.
pub fn check_script_syntax(part: &str, text: &str) -> Result<(), ApiError> {
    match first_module_statement(text) {
        None => Ok(()),
        Some(("export", line)) => Err(ApiError::validation(format!(
            "Uncaught SyntaxError: Unexpected token 'export' at {part}:{line}"
        ))),
        Some((_, line)) => Err(ApiError::validation(format!(
            "Uncaught SyntaxError: Cannot use import statement outside a module at {part}:{line}"
        ))),
    }
}

/// The first line (1-based) starting with an `export` or static `import` statement, skipping
/// block comments. A line scan, not a parser: good for the usual layout of bundled code.
pub fn first_module_statement(text: &str) -> Option<(&'static str, usize)> {
    let mut in_comment = false;
    for (index, line) in text.lines().enumerate() {
        let mut rest = line.trim_start();
        if in_comment {
            match rest.find("*/") {
                Some(end) => {
                    rest = rest[end + 2..].trim_start();
                    in_comment = false;
                }
                None => continue,
            }
        }
        if rest.starts_with("/*") {
            match rest.find("*/") {
                Some(end) => rest = rest[end + 2..].trim_start(),
                None => {
                    in_comment = true;
                    continue;
                }
            }
        }
        for keyword in ["export", "import"] {
            if let Some(after) = rest.strip_prefix(keyword) {
                let next = after.chars().next();
                let statement = match keyword {
                    "export" => {
                        matches!(next, Some(c) if c.is_whitespace() || c == '{' || c == '*')
                    }
                    _ => {
                        matches!(next, Some(c) if c.is_whitespace() || c == '{' || c == '*' || c == '"' || c == '\'')
                    }
                };
                if statement {
                    return Some((keyword, index + 1));
                }
            }
        }
    }
    None
}

/// The names an ES module exports (`export class X`, `export const x`, `export function f`,
/// `export { a, b as c }`): a text scan, good for the usual layout of bundled code.
pub fn exported_names(text: &str) -> Vec<String> {
    let identifier = |s: &str| -> String {
        s.chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_' || *c == '$')
            .collect()
    };
    let mut names = Vec::new();
    let mut rest = text;
    while let Some(at) = rest.find("export") {
        let before_ok = at == 0
            || !rest[..at]
                .chars()
                .next_back()
                .is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '$' || c == '.');
        rest = &rest[at + "export".len()..];
        if !before_ok {
            continue;
        }
        let after = rest.trim_start();
        if let Some(list) = after.strip_prefix('{') {
            let Some(end) = list.find('}') else { continue };
            for item in list[..end].split(',') {
                let words: Vec<&str> = item.split_whitespace().collect();
                let exported = match words.as_slice() {
                    [_, "as", alias] => alias,
                    [name] => name,
                    _ => continue,
                };
                let name = identifier(exported);
                if !name.is_empty() {
                    names.push(name);
                }
            }
            continue;
        }
        let mut words = after;
        for keyword in [
            "async ",
            "function*",
            "function ",
            "class ",
            "const ",
            "let ",
            "var ",
        ] {
            if let Some(next) = words.strip_prefix(keyword) {
                words = next.trim_start();
                if keyword == "async " {
                    if let Some(next) = words.strip_prefix("function") {
                        words = next.trim_start_matches('*').trim_start();
                    }
                }
                let name = identifier(words);
                if !name.is_empty() {
                    names.push(name);
                }
                break;
            }
        }
    }
    names
}

/// Every relative import (`./x`, `../x`) of an ES module must name an uploaded module.
fn check_imports(module: &str, text: &str, names: &[&str]) -> Result<(), ApiError> {
    for specifier in import_specifiers(text) {
        if !(specifier.starts_with("./") || specifier.starts_with("../")) {
            continue; // bare names (node:..., cloudflare:...) cannot be judged here
        }
        let resolved = resolve(module, &specifier);
        if !names.contains(&resolved.as_str()) {
            return Err(ApiError::validation(format!(
                "Uncaught Error: No such module \"{resolved}\".\n  imported from \"{module}\""
            )));
        }
    }
    Ok(())
}

/// The string after `from` or `import` (static, side-effect or dynamic with a literal).
pub fn import_specifiers(text: &str) -> Vec<String> {
    let bytes = text.as_bytes();
    let mut found = Vec::new();
    for keyword in ["from", "import"] {
        let mut start = 0;
        while let Some(offset) = text[start..].find(keyword) {
            let at = start + offset;
            start = at + keyword.len();
            let before_ok = at == 0
                || !(bytes[at - 1].is_ascii_alphanumeric()
                    || bytes[at - 1] == b'_'
                    || bytes[at - 1] == b'$'
                    || bytes[at - 1] == b'.');
            if !before_ok {
                continue;
            }
            let mut rest = text[start..].trim_start();
            if keyword == "import" {
                if let Some(inner) = rest.strip_prefix('(') {
                    rest = inner.trim_start();
                }
            }
            let Some(quote) = rest.chars().next().filter(|c| *c == '"' || *c == '\'') else {
                continue;
            };
            if let Some(end) = rest[1..].find(quote) {
                found.push(rest[1..1 + end].to_string());
            }
        }
    }
    found
}

/// Resolves `./x` / `../x` against the directory of `module` in the part-name tree.
pub fn resolve(module: &str, specifier: &str) -> String {
    let mut path: Vec<&str> = module.split('/').collect();
    path.pop();
    for segment in specifier.split('/') {
        match segment {
            "." | "" => {}
            ".." => {
                path.pop();
            }
            other => path.push(other),
        }
    }
    path.join("/")
}

#[cfg(test)]
mod tests {
    use super::*;
    use bytes::Bytes;

    fn part(name: &str, filename: Option<&str>, content_type: &str, data: &str) -> Part {
        Part {
            name: name.into(),
            filename: filename.map(String::from),
            content_type: Some(content_type.into()),
            data: Bytes::from(data.to_string()),
        }
    }

    fn meta(main: &str) -> Entry {
        Entry::MainModule(main.into())
    }

    const ESM: &str = "application/javascript+module";

    #[test]
    fn entries() {
        let map = |v: Value| v.as_object().unwrap().clone();
        assert_eq!(
            entry_of(&map(serde_json::json!({"main_module": "a.js"}))).unwrap(),
            meta("a.js")
        );
        assert_eq!(entry_of(&map(serde_json::json!({}))).unwrap(), Entry::None);
        assert!(entry_of(&map(
            serde_json::json!({"main_module": "a", "body_part": "b"})
        ))
        .is_err());
        assert!(entry_of(&map(serde_json::json!({"main_module": 1}))).is_err());
    }

    #[test]
    fn a_good_module_upload_passes() {
        let form = Form {
            parts: vec![
                part("metadata", None, "application/json", "{}"),
                part(
                    "index.js",
                    Some("index.js"),
                    ESM,
                    "import { x } from \"./lib/util.js\";\nexport default {}",
                ),
                part(
                    "lib/util.js",
                    Some("lib/util.js"),
                    ESM,
                    "import y from '../data.txt'\nexport const x = 1",
                ),
                part("data.txt", Some("data.txt"), "text/plain", "hi"),
            ],
        };
        let code = code_of(&meta("index.js"), &form, "metadata")
            .unwrap()
            .unwrap();
        assert_eq!(code.modules.len(), 3);
        assert_eq!(code.syntax, Syntax::Module);
    }

    #[test]
    fn missing_modules() {
        let form = Form {
            parts: vec![part("index.js", Some("index.js"), ESM, "export default {}")],
        };
        let error = code_of(&meta("worker.js"), &form, "metadata").unwrap_err();
        assert_eq!(
            error.message,
            "Uncaught Error: No such module \"worker.js\"."
        );
        let nameless = Form {
            parts: vec![part("index.js", None, ESM, "export default {}")],
        };
        assert_eq!(
            code_of(&meta("index.js"), &nameless, "metadata")
                .unwrap_err()
                .code,
            10021
        );
        let importing = Form {
            parts: vec![part(
                "src/index.js",
                Some("index.js"),
                ESM,
                "import a from './helper.js'\nexport default {}",
            )],
        };
        let error = code_of(&meta("src/index.js"), &importing, "metadata").unwrap_err();
        assert!(
            error
                .message
                .starts_with("Uncaught Error: No such module \"src/helper.js\"."),
            "{}",
            error.message
        );
        let bare = Form {
            parts: vec![part(
                "index.js",
                Some("index.js"),
                ESM,
                "import { Buffer } from 'node:buffer'\nexport default {}",
            )],
        };
        assert!(code_of(&meta("index.js"), &bare, "metadata").is_ok());
    }

    #[test]
    fn es_syntax_in_commonjs_or_service_worker() {
        let cjs = Form {
            parts: vec![part(
                "index.js",
                Some("index.js"),
                "application/javascript",
                "// hi\nexport default {}",
            )],
        };
        let error = code_of(&meta("index.js"), &cjs, "metadata").unwrap_err();
        assert_eq!(
            error.message,
            "Uncaught SyntaxError: Unexpected token 'export' at index.js:2"
        );
        let sw = Form {
            parts: vec![part(
                "script",
                None,
                "application/javascript",
                "export default {}",
            )],
        };
        let error = code_of(&Entry::BodyPart("script".into()), &sw, "metadata").unwrap_err();
        assert_eq!(
            error.message,
            "Uncaught SyntaxError: Unexpected token 'export' at script:1"
        );
        let good_sw = Form {
            parts: vec![part(
                "script",
                None,
                "application/javascript",
                "addEventListener('fetch', e => {})",
            )],
        };
        assert!(code_of(&Entry::BodyPart("script".into()), &good_sw, "metadata").is_ok());
        let raw = |text: &'static str| {
            raw_script(
                &Bytes::from_static(text.as_bytes()),
                "application/javascript",
            )
        };
        assert!(raw("import x from 'y'")
            .unwrap_err()
            .message
            .contains("import"));
        assert_eq!(
            raw("addEventListener('fetch', e => {})").unwrap().entry,
            "worker.js"
        );
        assert_eq!(
            raw("------formdata-undici-0\r\nContent-Disposition: form-data; name=\"metadata\"\r\n\r\n{}")
                .unwrap_err()
                .message,
            "Uncaught SyntaxError: Invalid left-hand side expression in prefix operation at worker.js:1"
        );
        assert_eq!(
            raw("{ \"bindings\": [] }").unwrap_err().message,
            "Uncaught SyntaxError: Unexpected token ':' at worker.js:1"
        );
        assert!(raw("{ let x = 1 }").is_ok(), "a block is a script");
    }

    #[test]
    fn statement_scan() {
        assert_eq!(
            first_module_statement("const a = 1;\nexport { a }"),
            Some(("export", 2))
        );
        assert_eq!(
            first_module_statement("/*\nexport x\n*/\nconst y = import('./z')"),
            None
        );
        assert_eq!(
            first_module_statement("  import * as m from 'm'"),
            Some(("import", 1))
        );
        assert_eq!(first_module_statement("exports.a = 1\nimportant()"), None);
    }

    #[test]
    fn exported_names_are_found() {
        let text = "export class Counter extends DurableObject {}\nexport default { fetch() {} }\n\
                    class Room {}\nexport { Room, Helper as Chat };\nexport const x = 1;\n\
                    export async function go() {}\nconst exported = 1; // not an export";
        assert_eq!(exported_names(text), ["Counter", "Room", "Chat", "x", "go"]);
    }

    #[test]
    fn specifiers_and_resolution() {
        let found = import_specifiers("import a from './a.js';\nimport './b.js'\nconst c = await import(\"../c.js\")\nexport * from './d.js'");
        for want in ["./a.js", "./b.js", "../c.js", "./d.js"] {
            assert!(found.iter().any(|f| f == want), "{want} in {found:?}");
        }
        assert_eq!(resolve("lib/a.js", "./x.js"), "lib/x.js");
        assert_eq!(resolve("lib/a.js", "../x.js"), "x.js");
        assert_eq!(resolve("a.js", "./x/y.js"), "x/y.js");
    }
}
