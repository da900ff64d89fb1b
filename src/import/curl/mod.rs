//! Importing a curl command: the composition it would send, and — for the commands people post
//! when an upload fails — what the API answers to it and how to fix it, at the field at fault.
//!
//! The command is found in the pasted text and split into words by the `shlex` crate
//! ([`shell`]); each `-F` is read with curl's own rules ([`form`]); files it names (`@file`,
//! `<file`, `-d @file`, `< file`) are read from the folder the user gives, and stay placeholders
//! when there is none or the path leaves it. The variants that fail, and what the import says:
//!
//! | Variant | API answer | Finding at |
//! |---|---|---|
//! | the JSON sent as the whole body (`-H 'Content-Type: application/json' -d '{…}'`) | 10021, not multipart | `metadata` |
//! | bindings in a part of their own, or `{"bindings":[…]}` in the script part | ignored / `SyntaxError` | `metadata.bindings`, `modules[i]` |
//! | the metadata in a part with another name (`-F file=@metadata.json`) | 10021 `could not read content for part metadata` | `metadata` |
//! | the metadata as a file without `;type=application/json` | may be refused | `metadata` |
//! | a literal `-F metadata={…}` holding `;` (curl cuts the value there) | 10021 | `metadata` |
//! | a `script` part that `main_module`/`body_part` does not name | 10021 `No such module` | `metadata.main_module` |
//! | a module sent without filename (`<file` or a literal value) | 10021 `No such module` | `modules[i]` |
//! | an ES module sent as `application/javascript` | `Unexpected token 'export'` | `modules[i].kind` |
//! | `-H 'Content-Type: application/json'` with `-F` | 10021, not multipart | `import.curl.-H` |
//! | the wrong method for the path (`curl -F …` without `-X PUT` is a POST) | 7000 `No route for that URI` | `request.operation` |
//! | no `Authorization`, a pasted token, the global API key | 10000 / 9106 | `import.curl.-H` |
//!
//! A token written into the command is never imported and never repeated in a message.

mod form;
mod shell;

pub use form::{FormArg, Source};
pub use shell::{Extracted, Stdin};

use std::fmt;

use serde_json::{Map, Value};

use super::files::{FileError, Files, NoFiles, RelPath};
use super::{read_metadata, Imported, ModuleSource, Notes, Root};
use crate::model::{
    Binding, Composition, Metadata, Module, ModuleKind, Operation, Request, Target,
    CLOUDFLARE_API_BASE,
};

/// Why no composition could be built at all.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CurlError {
    /// No line of the text runs `curl`.
    NoCommand,
    /// A quote is never closed.
    UnclosedQuote,
}

impl fmt::Display for CurlError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            CurlError::NoCommand => {
                "no curl command found: paste the whole command, starting with `curl`"
            }
            CurlError::UnclosedQuote => {
                "a quote is never closed: paste the whole command, with every line of it"
            }
        })
    }
}

impl std::error::Error for CurlError {}

/// Imports a command from text alone: files it names stay placeholders. The entry point for
/// fuzzing.
pub fn import_text(text: &str) -> Result<Imported, CurlError> {
    import(text, &NoFiles)
}

/// Imports a command, reading the files it names from `files` (the folder the command runs in).
pub fn import(text: &str, files: &dyn Files) -> Result<Imported, CurlError> {
    let extracted = shell::extract(text)?;
    let mut notes = Notes::default();
    for ignored in &extracted.ignored {
        notes.warning(
            "curl-ignored",
            "import.curl",
            format!("Not part of the request, ignored: {ignored}."),
        );
    }
    let parsed = parse_args(&extracted.args, &mut notes);
    let mut builder = Builder {
        files,
        stdin: extracted.stdin.clone(),
        stdin_used: false,
        notes,
    };
    let request = builder.request(&parsed, &extracted.assignments);
    builder.headers(&parsed);
    let (metadata, modules) = builder.body(&parsed, request.operation);
    let (modules, sources): (Vec<Module>, Vec<ModuleSource>) = modules.into_iter().unzip();
    let composition = Composition {
        request,
        metadata,
        modules,
        ..Composition::default()
    };
    builder.entry_checks(&composition);
    Ok(Imported {
        composition,
        findings: builder.notes.into_findings(),
        sources,
    })
}

/// What the curl arguments say.
#[derive(Debug, Default)]
struct Parsed {
    method: Option<String>,
    urls: Vec<String>,
    headers: Vec<String>,
    /// `-F` (false) / `--form-string` (true) values, in order.
    forms: Vec<(String, bool)>,
    /// `-d` family: (option, value).
    data: Vec<(String, String)>,
    json: bool,
    get: bool,
    head: bool,
    user: bool,
    bearer: Option<String>,
}

/// Long options that take a value and do not matter to the request.
const IGNORED_WITH_VALUE: &[&str] = &[
    "output",
    "write-out",
    "user-agent",
    "referer",
    "cookie",
    "cookie-jar",
    "max-time",
    "connect-timeout",
    "retry",
    "retry-delay",
    "retry-max-time",
    "proxy",
    "resolve",
    "connect-to",
    "cacert",
    "capath",
    "cert",
    "key",
    "cert-type",
    "key-type",
    "range",
    "limit-rate",
    "max-filesize",
    "proxy-user",
    "interface",
    "dns-servers",
    "dump-header",
    "trace",
    "trace-ascii",
    "stderr",
    "continue-at",
    "max-redirs",
    "local-port",
    "keepalive-time",
    "expect100-timeout",
    "speed-limit",
    "speed-time",
    "ciphers",
    "tls-max",
    "pass",
    "proto",
    "proto-redir",
    "time-cond",
    "etag-save",
    "etag-compare",
    "output-dir",
    "netrc-file",
    "unix-socket",
    "abstract-unix-socket",
    "happy-eyeballs-timeout-ms",
    "noproxy",
    "proxy-header",
];

/// Short options that take a value and do not matter to the request.
const IGNORED_SHORT_WITH_VALUE: &str = "owAebcmxEKrYyzUDCPQt";

fn parse_args(args: &[String], notes: &mut Notes) -> Parsed {
    let mut p = Parsed::default();
    let mut i = 0;
    let take = |i: &mut usize, option: &str, notes: &mut Notes| -> Option<String> {
        *i += 1;
        let value = args.get(*i).cloned();
        if value.is_none() {
            notes.error(
                "curl-option",
                format!("import.curl.{option}"),
                format!("`{option}` needs a value; curl refuses the command."),
            );
        }
        value
    };
    while i < args.len() {
        let arg = &args[i];
        if let Some(long) = arg.strip_prefix("--") {
            let option = format!("--{long}");
            match long {
                "" => {
                    // `--`: everything after is a URL.
                    p.urls.extend(args[i + 1..].iter().cloned());
                    break;
                }
                "request" => p.method = take(&mut i, &option, notes),
                "header" => p.headers.extend(take(&mut i, &option, notes)),
                "form" => p
                    .forms
                    .extend(take(&mut i, &option, notes).map(|v| (v, false))),
                "form-string" => p
                    .forms
                    .extend(take(&mut i, &option, notes).map(|v| (v, true))),
                "data" | "data-ascii" | "data-binary" | "data-raw" | "data-urlencode" => p
                    .data
                    .extend(take(&mut i, &option, notes).map(|v| (long.to_string(), v))),
                "json" => {
                    p.json = true;
                    p.data.extend(
                        take(&mut i, &option, notes).map(|v| ("data-binary".to_string(), v)),
                    )
                }
                "url" => p.urls.extend(take(&mut i, &option, notes)),
                "user" => {
                    p.user = true;
                    take(&mut i, &option, notes);
                }
                "oauth2-bearer" => p.bearer = take(&mut i, &option, notes),
                "get" => p.get = true,
                "head" => p.head = true,
                "config" | "upload-file" => {
                    take(&mut i, &option, notes);
                    notes.warning("curl-option", format!("import.curl.{option}"), format!("`{option}` is not read: give the request's options on the command line."));
                }
                other if IGNORED_WITH_VALUE.contains(&other) => {
                    take(&mut i, &option, notes);
                }
                _ => {} // flags: --silent, --fail, --location, --compressed, …
            }
        } else if let (Some(short), true) = (arg.strip_prefix('-'), arg.len() > 1) {
            let chars: Vec<char> = short.chars().collect();
            for (k, c) in chars.iter().enumerate() {
                let attached: String = chars[k + 1..].iter().collect();
                let value = |i: &mut usize, notes: &mut Notes| -> Option<String> {
                    if attached.is_empty() {
                        take(i, &format!("-{c}"), notes)
                    } else {
                        Some(attached.clone())
                    }
                };
                let consumed = match c {
                    'X' => {
                        p.method = value(&mut i, notes);
                        true
                    }
                    'H' => {
                        p.headers.extend(value(&mut i, notes));
                        true
                    }
                    'F' => {
                        p.forms.extend(value(&mut i, notes).map(|v| (v, false)));
                        true
                    }
                    'd' => {
                        p.data
                            .extend(value(&mut i, notes).map(|v| ("data".to_string(), v)));
                        true
                    }
                    'u' => {
                        p.user = true;
                        value(&mut i, notes);
                        true
                    }
                    'T' => {
                        value(&mut i, notes);
                        notes.warning("curl-option", "import.curl.-T", "`-T` uploads a file as the raw body, which the upload endpoint does not take; send the modules with -F.");
                        true
                    }
                    'G' => {
                        p.get = true;
                        false
                    }
                    'I' => {
                        p.head = true;
                        false
                    }
                    c if IGNORED_SHORT_WITH_VALUE.contains(*c) => {
                        value(&mut i, notes);
                        true
                    }
                    _ => false, // -s, -S, -L, -v, -k, -f, -i, …
                };
                if consumed {
                    break;
                }
            }
        } else {
            p.urls.push(arg.clone());
        }
        i += 1;
    }
    p
}

/// The media type without parameters, lower case.
fn media_type(content_type: &str) -> String {
    content_type
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase()
}

/// The module kind a part's content type stands for.
fn kind_of_type(content_type: &str) -> Option<ModuleKind> {
    match media_type(content_type).as_str() {
        "text/javascript" => Some(ModuleKind::Commonjs),
        "text/javascript+module" => Some(ModuleKind::Esm),
        media => ModuleKind::ALL
            .into_iter()
            .find(|k| k.content_type() == media),
    }
}

/// The Content-Type curl gives a file part without `;type=` (its own small table), if any.
fn curl_guessed_type(path: &str) -> &'static str {
    let lower = path.to_ascii_lowercase();
    let ext = lower.rsplit_once('.').map(|(_, e)| e).unwrap_or("");
    match ext {
        "gif" => "image/gif",
        "jpg" | "jpeg" => "image/jpeg",
        "png" => "image/png",
        "svg" => "image/svg+xml",
        "txt" => "text/plain",
        "htm" | "html" => "text/html",
        "pdf" => "application/pdf",
        "xml" => "application/xml",
        _ => "application/octet-stream",
    }
}

/// Whether a value is a placeholder (`<account-id>`, `$ACCOUNT_ID`, `YOUR_…`, `{name}`).
fn placeholder_like(value: &str) -> bool {
    value.contains('<')
        || value.contains('$')
        || value.contains('{')
        || value.to_ascii_uppercase().contains("YOUR")
}

/// Replaces `$NAME` / `${NAME}` with the assigned values.
fn substitute(value: &str, assignments: &[(String, String)]) -> String {
    let mut out = value.to_string();
    for (name, replacement) in assignments {
        out = out
            .replace(&format!("${{{name}}}"), replacement)
            .replace(&format!("${name}"), replacement);
    }
    out
}

fn percent_decode(segment: &str) -> String {
    let bytes = segment.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = segment
            .get(i + 1..i + 3)
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (bytes[i], hex) {
            (b'%', Some(byte)) => {
                out.push(byte);
                i += 3;
            }
            (byte, _) => {
                out.push(byte);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The shape of a JSON value found somewhere in the request.
enum Shape {
    /// An object (metadata, possibly only `{"bindings": […]}`).
    Metadata(Map<String, Value>),
    /// A binding object, or an array of them.
    Bindings(Vec<Value>),
    Other,
}

fn is_binding(value: &Value) -> bool {
    value.get("type").is_some_and(Value::is_string)
        && value.get("name").is_some_and(Value::is_string)
}

fn shape(value: Value) -> Shape {
    match value {
        Value::Object(map)
            if is_binding(&Value::Object(map.clone())) && !map.contains_key("bindings") =>
        {
            Shape::Bindings(vec![Value::Object(map)])
        }
        Value::Object(map) => Shape::Metadata(map),
        Value::Array(items) if !items.is_empty() && items.iter().all(is_binding) => {
            Shape::Bindings(items)
        }
        _ => Shape::Other,
    }
}

/// Whether a JSON object has metadata keys (so a part holding it was meant as the metadata).
fn looks_like_metadata(map: &Map<String, Value>) -> bool {
    map.keys()
        .any(|k| crate::model::FieldSupport::lookup(k).is_some())
}

/// A part as curl would send it.
struct Part {
    arg: FormArg,
    bytes: Vec<u8>,
    source: ModuleSource,
    /// The path recorded in the composition (the file's path in the folder, or its name when
    /// it could not be read from the folder).
    path: Option<String>,
    /// The Content-Type header curl sends.
    wire_type: Option<String>,
    index: usize,
}

struct Builder<'a> {
    files: &'a dyn Files,
    stdin: Option<Stdin>,
    stdin_used: bool,
    notes: Notes,
}

impl Builder<'_> {
    fn request(&mut self, p: &Parsed, assignments: &[(String, String)]) -> Request {
        let mut request = Request {
            operation: Operation::Upload,
            ..Request::default()
        };
        let Some(url) = p.urls.first() else {
            self.notes.error("curl-no-url", "request.script_name", "The command has no URL: add the upload URL (…/accounts/{account_id}/workers/scripts/{script_name}).");
            return request;
        };
        if p.urls.len() > 1 {
            self.notes.warning(
                "curl-ignored",
                "import.curl",
                format!(
                    "The command names {} URLs; only the first is imported.",
                    p.urls.len()
                ),
            );
        }
        let url = substitute(url, assignments);
        let without_scheme = url.split_once("://").map_or(url.as_str(), |(_, rest)| rest);
        let (path_and_query, fragment) = without_scheme
            .split_once('#')
            .map_or((without_scheme, None), |(a, b)| (a, Some(b)));
        let _ = fragment;
        let (path, query) = path_and_query
            .split_once('?')
            .map_or((path_and_query, None), |(a, b)| (a, Some(b)));
        let Some(accounts) = path.find("/accounts/") else {
            self.notes.error("curl-url", "request.script_name", format!("`{url}` is not a Workers upload URL (…/client/v4/accounts/{{account_id}}/workers/scripts/{{script_name}}); the request, script and account are left to fill in."));
            return request;
        };
        let base = &url[..url.find(path).unwrap_or(0) + accounts];
        let expected_base = CLOUDFLARE_API_BASE.trim_start_matches("https://");
        if !base.ends_with(expected_base) && !base.is_empty() {
            self.notes.warning("curl-api-base", "import.curl", format!("The command targets `{base}`, not the Cloudflare API; Bindery sends through its proxy to the upstream it was started with."));
        }
        // Empty segments stay in place (`accounts//workers/…` is an empty account id, as
        // Bindery's own command for a composition without one); a trailing `/` is dropped.
        let mut raw: Vec<&str> = path[accounts + "/accounts/".len()..].split('/').collect();
        while raw.last() == Some(&"") {
            raw.pop();
        }
        // A placeholder is seen in the text as typed (`<id>`, `$NAME`); `%24` is a real `$`.
        let placeholders: Vec<String> = raw
            .iter()
            .filter(|s| placeholder_like(s))
            .map(|s| percent_decode(s))
            .collect();
        let segments: Vec<String> = raw.iter().map(|s| percent_decode(s)).collect();
        let seg = |i: usize| segments.get(i).map(String::as_str);
        let (rest_at, target) = match (seg(1), seg(2), seg(3), seg(5)) {
            (Some("workers"), Some("scripts"), _, _) => (3, Target::Account),
            (Some("workers"), Some("dispatch"), Some("namespaces"), Some("scripts")) => {
                (6, Target::Dispatch)
            }
            _ => {
                self.notes.error("curl-url", "request.script_name", format!("`{url}` is not a Workers script upload URL (…/workers/scripts/{{name}} or …/workers/dispatch/namespaces/{{namespace}}/scripts/{{name}})."));
                return request;
            }
        };
        request.target = target;
        request.account_id = seg(0).unwrap_or_default().to_string();
        if target == Target::Dispatch {
            request.dispatch_namespace = seg(4).unwrap_or_default().to_string();
        }
        request.script_name = seg(rest_at).unwrap_or_default().to_string();
        let (operation, expected) = match seg(rest_at + 1) {
            None => (Operation::Upload, "PUT"),
            Some("settings") => (Operation::Settings, "PATCH"),
            Some("versions") => (Operation::Version, "POST"),
            Some("content") => (Operation::Content, "PUT"),
            Some(other) => {
                self.notes.error("curl-url", "request.operation", format!("`…/{other}` is not an upload Bindery composes (upload, settings, versions, content)."));
                (Operation::Upload, "PUT")
            }
        };
        request.operation = operation;
        for (field, value) in [
            ("account_id", &request.account_id),
            ("script_name", &request.script_name),
            ("dispatch_namespace", &request.dispatch_namespace),
        ] {
            if !value.is_empty() && placeholders.contains(value) {
                self.notes.error(
                    "curl-placeholder",
                    format!("request.{field}"),
                    format!(
                        "`{value}` is a placeholder, not a value: fill in the real {}.",
                        field.replace('_', " ")
                    ),
                );
            }
        }
        let sends_body = !p.forms.is_empty() || !p.data.is_empty();
        let method = p
            .method
            .clone()
            .map(|m| m.to_ascii_uppercase())
            .unwrap_or_else(|| {
                if p.head {
                    "HEAD"
                } else if sends_body && !p.get {
                    "POST"
                } else {
                    "GET"
                }
                .to_string()
            });
        if method != expected {
            let how = if p.method.is_none() {
                format!(" (curl uses {method} when no -X is given)")
            } else {
                String::new()
            };
            self.notes.error(
                "curl-method",
                "request.operation",
                format!("The API has no {method} on this path{how}: it answers 7000 `No route for that URI`. This endpoint takes {expected}: add `-X {expected}`. Bindery sends {expected}."),
            );
        }
        for pair in query.unwrap_or("").split('&').filter(|q| !q.is_empty()) {
            match pair.split_once('=') {
                Some(("bindings_inherit", "strict")) => request.bindings_inherit_strict = true,
                Some(("excludeScript", _)) => {}
                _ => self.notes.warning(
                    "curl-ignored",
                    "import.curl",
                    format!("The query parameter `{pair}` is not imported."),
                ),
            }
        }
        request
    }

    fn headers(&mut self, p: &Parsed) {
        let mut authorized = p.bearer.is_some();
        if let Some(token) = &p.bearer {
            self.token(token, "--oauth2-bearer");
        }
        for header in &p.headers {
            let (name, value) = header
                .split_once(':')
                .map_or((header.as_str(), ""), |(n, v)| (n.trim(), v.trim()));
            match name.to_ascii_lowercase().as_str() {
                "authorization" => {
                    authorized = true;
                    match value.split_once(' ') {
                        Some((scheme, token)) if scheme.eq_ignore_ascii_case("bearer") => self.token(token.trim(), "-H"),
                        _ => self.notes.error("curl-auth", "import.curl.-H", "The Authorization header is not `Bearer <token>`: the API answers 10000 `Authentication error`. Use an API token: -H \"Authorization: Bearer $CLOUDFLARE_API_TOKEN\"."),
                    }
                }
                "x-auth-key" | "x-auth-email" => {
                    authorized = true;
                    self.notes.warning("curl-auth", "import.curl.-H", "The command uses the global API key (X-Auth-Key / X-Auth-Email), which was not imported; Bindery sends an API token instead (Authorization: Bearer). Never paste the key itself.");
                }
                "content-type"
                    if !p.forms.is_empty() && media_type(value) != "multipart/form-data" =>
                {
                    self.notes.error(
                        "curl-content-type",
                        "import.curl.-H",
                        format!("The header says `Content-Type: {value}` while -F sends a multipart body: the API reads the body as {} and answers 10021 (the upload is not multipart/form-data). Remove the header; curl sets the right one with its boundary.", media_type(value)),
                    );
                }
                _ => {}
            }
        }
        if p.user {
            authorized = true;
            self.notes.error("curl-auth", "import.curl.-u", "`-u` sends HTTP basic authentication, which the API does not take: it answers 10000 `Authentication error`. Use -H \"Authorization: Bearer $CLOUDFLARE_API_TOKEN\".");
        }
        if !authorized {
            self.notes.warning("curl-auth", "import.curl.-H", "The command sends no Authorization header: the API answers 10000 `Authentication error`. Bindery adds your token when it sends.");
        }
    }

    /// A bearer token: a variable or a placeholder is fine; a real-looking token is dropped and
    /// flagged (never repeated).
    fn token(&mut self, token: &str, option: &str) {
        let variable = token.starts_with('$');
        let placeholder = token.starts_with('<')
            || token.to_ascii_uppercase().contains("TOKEN")
            || token.len() < 20;
        if !variable && !placeholder {
            self.notes.warning(
                "curl-token",
                format!("import.curl.{option}"),
                "The command holds an API token. It was not imported — Bindery never stores tokens — and if this command was shared, roll the token in the Cloudflare dashboard.",
            );
        }
    }

    /// The bytes standard input holds, once (curl reads it for the first `-`).
    fn read_stdin(&mut self) -> Result<Vec<u8>, String> {
        if self.stdin_used {
            return Err("standard input was already read by an earlier option".into());
        }
        self.stdin_used = true;
        match self.stdin.clone() {
            Some(Stdin::HereDocument { body, expanded }) => {
                if expanded {
                    self.notes.warning("curl-heredoc", "import.curl", "The here-document's delimiter is unquoted, so the shell would substitute its `$…` and backquotes; they were kept as written. Quote the delimiter (<<'EOF') to send them as they are.");
                }
                Ok(body.into_bytes())
            }
            Some(Stdin::HereString(text)) => Ok((text + "\n").into_bytes()),
            Some(Stdin::File(path)) => self.read_file(&path).map_err(|e| e.to_string()),
            None => Err("nothing is fed to standard input in the pasted text".into()),
        }
    }

    fn read_file(&self, path: &str) -> Result<Vec<u8>, String> {
        let rel = RelPath::parse(path).map_err(|e| e.to_string())?;
        self.files.read(&rel).map_err(|e| match e {
            FileError::NotProvided => "no folder was given to read it from".to_string(),
            other => other.to_string(),
        })
    }

    /// A part's bytes, where they came from, and the path to record.
    fn part_bytes(&mut self, arg: &FormArg, at: &str) -> (Vec<u8>, ModuleSource, Option<String>) {
        let path = match &arg.source {
            Source::Text(text) => return (text.clone().into_bytes(), ModuleSource::Inline, None),
            Source::File(path) | Source::FileText(path) => path.clone(),
        };
        if path == "-" {
            return match self.read_stdin() {
                Ok(bytes) => (bytes, ModuleSource::Inline, None),
                Err(why) => {
                    self.notes.warning("curl-file", at.to_string(), format!("Part `{}` reads standard input, which was not imported: {why}. Add its content.", arg.name));
                    (Vec::new(), ModuleSource::Inline, None)
                }
            };
        }
        let recorded = RelPath::parse(&path)
            .map(|p| p.as_str().to_string())
            .unwrap_or_else(|_| path.rsplit(['/', '\\']).next().unwrap_or(&path).to_string());
        match self.read_file(&path) {
            Ok(bytes) => (
                bytes,
                ModuleSource::File {
                    root: Root::Project,
                    read: true,
                },
                Some(recorded),
            ),
            Err(why) => {
                self.notes.warning(
                    "curl-file",
                    at.to_string(),
                    format!(
                        "`{path}` (part `{}`) was not read: {why}. Add the file{}.",
                        arg.name,
                        if recorded != path {
                            format!(" as `{recorded}` beside the composition")
                        } else {
                            String::new()
                        }
                    ),
                );
                (
                    Vec::new(),
                    ModuleSource::File {
                        root: Root::Project,
                        read: false,
                    },
                    Some(recorded),
                )
            }
        }
    }

    fn body(
        &mut self,
        p: &Parsed,
        operation: Operation,
    ) -> (Metadata, Vec<(Module, ModuleSource)>) {
        if !p.forms.is_empty() && !p.data.is_empty() {
            self.notes.error("curl-body", "import.curl", "The command mixes -F and -d: curl refuses it (\"You can only select one HTTP request method\"). Send the upload with -F only.");
        }
        if !p.forms.is_empty() {
            return self.form_body(p, operation);
        }
        if !p.data.is_empty() {
            return self.data_body(p, operation);
        }
        self.notes.error("curl-body", "metadata", format!("The command sends no body: the API answers 10021 `could not read content for part {}`. Add -F '{}=<metadata.json;type=application/json' and one -F per module.", operation.json_part_name(), operation.json_part_name()));
        (Metadata::default(), Vec::new())
    }

    /// `-d`/`--data-binary`/`--json`: a raw body.
    fn data_body(
        &mut self,
        p: &Parsed,
        operation: Operation,
    ) -> (Metadata, Vec<(Module, ModuleSource)>) {
        let mut body = Vec::new();
        for (i, (option, value)) in p.data.iter().enumerate() {
            if i > 0 {
                body.push(b'&');
            }
            let read = match (option.as_str(), value.strip_prefix('@')) {
                ("data-raw" | "data-urlencode", _) | (_, None) => value.clone().into_bytes(),
                (_, Some("-")) => self.read_stdin().unwrap_or_default(),
                (_, Some(path)) => match self.read_file(path) {
                    Ok(bytes) => bytes,
                    Err(why) => {
                        self.notes.warning(
                            "curl-file",
                            "import.curl.-d",
                            format!("`{path}` was not read: {why}."),
                        );
                        Vec::new()
                    }
                },
            };
            // -d/--data/--data-ascii drop carriage returns and newlines of a file.
            if matches!(option.as_str(), "data" | "data-ascii") && value.starts_with('@') {
                body.extend(read.into_iter().filter(|b| *b != b'\n' && *b != b'\r'));
            } else {
                body.extend(read);
            }
        }
        let header_type = p.headers.iter().find_map(|h| {
            let (name, value) = h.split_once(':')?;
            name.trim()
                .eq_ignore_ascii_case("content-type")
                .then(|| value.trim().to_string())
        });
        let content_type = header_type.unwrap_or_else(|| {
            if p.json {
                "application/json"
            } else {
                "application/x-www-form-urlencoded"
            }
            .to_string()
        });
        let media = media_type(&content_type);
        let text = String::from_utf8_lossy(&body).into_owned();
        if matches!(media.as_str(), "application/javascript" | "text/javascript")
            && operation == Operation::Upload
        {
            self.notes.warning("curl-raw-script", "metadata.body_part", "The script is the whole body (the old service-worker upload, which the API still takes for PUT). Bindery sends it as a multipart upload with `body_part`, which also carries bindings and a compatibility date.");
            let mut metadata = Metadata {
                body_part: Some("script".into()),
                ..Metadata::default()
            };
            if crate::import::js_scan::scan(&text).has_module_syntax {
                self.notes.error("curl-module-syntax", "metadata.body_part", "The script uses `import`/`export`, but a raw body runs as a service worker: the API answers 10021 `Uncaught SyntaxError: Unexpected token 'export'`. Send it as an ES module: set `main_module` and the module's kind to ES module.");
                metadata = Metadata {
                    main_module: Some("script".into()),
                    ..Metadata::default()
                };
            }
            let kind = if metadata.main_module.is_some() {
                ModuleKind::Esm
            } else {
                ModuleKind::Commonjs
            };
            let module = Module {
                name: "script".into(),
                kind,
                path: None,
                bytes: body,
                filename: None,
                media_type: None,
            };
            return (metadata, vec![(module, ModuleSource::Inline)]);
        }
        let json_part = operation.json_part_name();
        match serde_json::from_str::<Value>(text.trim()) {
            Ok(value) => {
                self.notes.error(
                    "curl-json-body",
                    "metadata",
                    format!("The JSON is sent as the whole body ({media}), but uploads are multipart/form-data: the API answers 10021 (not multipart; `could not read content for part {json_part}`). Send it as the `{json_part}` part: -F '{json_part}=<{json_part}.json;type=application/json', with one -F per module."),
                );
                let metadata = self.metadata_from(value, "the body");
                (metadata, Vec::new())
            }
            Err(_) => {
                self.notes.error("curl-body", "metadata", format!("The body is {media} data, not an upload: the API answers 10021 (not multipart/form-data). Send the metadata with -F '{json_part}=<{json_part}.json;type=application/json' and one -F per module."));
                (Metadata::default(), Vec::new())
            }
        }
    }

    /// Metadata from a JSON value in whatever shape it was sent.
    fn metadata_from(&mut self, value: Value, place: &str) -> Metadata {
        match shape(value) {
            Shape::Metadata(map) => read_metadata(map, &mut self.notes),
            Shape::Bindings(bindings) => {
                self.notes.error(
                    "curl-bare-bindings",
                    "metadata.bindings",
                    format!("{place} holds binding objects on their own; the API reads bindings only from the metadata object's `bindings` array (`{{\"bindings\": [ … ]}}`), so it ignores them or answers 10021. They are imported into `bindings`."),
                );
                let mut map = Map::new();
                map.insert("bindings".into(), Value::Array(bindings));
                read_metadata(map, &mut self.notes)
            }
            Shape::Other => {
                self.notes.error("curl-metadata", "metadata", format!("{place} is JSON but not an object: the API answers 10021 `could not read content for part metadata`. The metadata is a JSON object (main_module, bindings, compatibility_date, …)."));
                Metadata::default()
            }
        }
    }

    fn form_body(
        &mut self,
        p: &Parsed,
        operation: Operation,
    ) -> (Metadata, Vec<(Module, ModuleSource)>) {
        let json_part = operation.json_part_name();
        let mut parts: Vec<Part> = Vec::new();
        for (index, (value, literal)) in p.forms.iter().enumerate() {
            let form = match form::parse(value, *literal) {
                Ok(form) => form,
                Err(why) => {
                    self.notes
                        .error("curl-form", "import.curl.-F", format!("{why}."));
                    continue;
                }
            };
            let wire_type = form.content_type.clone().or_else(|| match &form.source {
                Source::File(path) => Some(curl_guessed_type(path).to_string()),
                _ => None,
            });
            let at = format!("import.curl.-F[{index}]");
            let (bytes, source, path) = self.part_bytes(&form, &at);
            parts.push(Part {
                arg: form,
                bytes,
                source,
                path,
                wire_type,
                index,
            });
        }

        // The JSON part.
        let named: Vec<usize> = (0..parts.len())
            .filter(|&i| parts[i].arg.name == json_part)
            .collect();
        let mut metadata = Metadata::default();
        let mut used = vec![false; parts.len()];
        if named.len() > 1 {
            self.notes.error("curl-metadata", "metadata", format!("{} parts are named `{json_part}`; the API takes exactly one and answers 10021 `could not read content for part {json_part}`. The first is imported.", named.len()));
        }
        if let Some(&i) = named.first() {
            used[i] = true;
            metadata = self.json_part(&parts[i], json_part);
        } else if let Some(flat) = self.flattened(&parts, json_part, &mut used) {
            metadata = flat;
        } else {
            // A part holding metadata under another name?
            let found = parts.iter().position(|part| {
                serde_json::from_slice::<Value>(&part.bytes)
                    .ok()
                    .is_some_and(|v| matches!(&v, Value::Object(m) if looks_like_metadata(m)))
            });
            match found {
                Some(i) => {
                    used[i] = true;
                    self.notes.error(
                        "curl-metadata-name",
                        "metadata",
                        format!("The metadata JSON is in part `{}`, but the API looks for a part named `{json_part}` and answers 10021 `could not read content for part {json_part}`. Name the part `{json_part}`: -F '{json_part}=<{}.json;type=application/json'.", parts[i].arg.name, json_part),
                    );
                    let value = serde_json::from_slice::<Value>(&parts[i].bytes).unwrap_or_default();
                    metadata = self.metadata_from(value, &format!("part `{}`", parts[i].arg.name));
                }
                None => self.notes.error(
                    "curl-metadata",
                    "metadata",
                    format!("No part is named `{json_part}`: the API answers 10021 `could not read content for part {json_part}`. Add -F '{json_part}=<{json_part}.json;type=application/json'."),
                ),
            }
        }

        // Bindings sent outside the metadata.
        let entry = metadata.entry_part().map(str::to_string);
        let mut extra_bindings: Vec<Value> = Vec::new();
        for (i, part) in parts.iter().enumerate() {
            if used[i] {
                continue;
            }
            let Ok(value) = serde_json::from_slice::<Value>(&part.bytes) else {
                continue;
            };
            let bindings = match shape(value) {
                Shape::Bindings(b) => b,
                Shape::Metadata(map) => match map.get("bindings") {
                    Some(Value::Array(b)) => b.clone(),
                    _ => continue,
                },
                Shape::Other => continue,
            };
            used[i] = true;
            let is_entry = entry.as_deref() == Some(part.arg.name.as_str());
            let answer = if is_entry {
                format!("it is the part `{}` names as code, so the runtime parses JSON as JavaScript and the API answers 10021 `Uncaught SyntaxError`", part.arg.name)
            } else {
                "the API ignores any part but the metadata for bindings, so the Worker gets none of them".to_string()
            };
            self.notes.error(
                "curl-bindings-part",
                "metadata.bindings",
                format!("Part `{}` holds bindings: {answer}. Put them in the metadata's `bindings` array; they are imported there.{}", part.arg.name, if is_entry { " Add the script itself as the code part." } else { "" }),
            );
            extra_bindings.extend(bindings);
        }
        if !extra_bindings.is_empty() {
            for value in extra_bindings {
                match serde_json::from_value::<Binding>(value.clone()) {
                    Ok(binding) => metadata.bindings.push(binding),
                    Err(error) => self.notes.error(
                        "import-not-representable",
                        "metadata.bindings",
                        format!("The binding {value} is left out: {error}."),
                    ),
                }
            }
        }

        // Module parts.
        let mut modules = Vec::new();
        if !operation.sends_modules() && parts.iter().enumerate().any(|(i, _)| !used[i]) {
            self.notes.warning("curl-settings-modules", "modules", "A settings PATCH takes only the `settings` part; the other parts are ignored by the API and were not imported.");
            return (metadata, modules);
        }
        for (i, part) in parts.into_iter().enumerate() {
            if used[i] {
                continue;
            }
            modules.push(self.module(part, modules.len(), entry.as_deref()));
        }
        (metadata, modules)
    }

    /// `metadata[main_module]=…` style fields: rebuilt into one object, with the API's answer.
    fn flattened(
        &mut self,
        parts: &[Part],
        json_part: &str,
        used: &mut [bool],
    ) -> Option<Metadata> {
        let prefix = format!("{json_part}[");
        let mut map = Map::new();
        for (i, part) in parts.iter().enumerate() {
            let Some(key) = part
                .arg
                .name
                .strip_prefix(&prefix)
                .and_then(|k| k.strip_suffix(']'))
            else {
                continue;
            };
            used[i] = true;
            let text = String::from_utf8_lossy(&part.bytes).into_owned();
            let value = serde_json::from_str::<Value>(&text)
                .ok()
                .filter(|v| v.is_array() || v.is_object())
                .unwrap_or(Value::String(text));
            map.insert(key.split("][").next().unwrap_or(key).to_string(), value);
        }
        if map.is_empty() {
            return None;
        }
        self.notes.error(
            "curl-metadata-flattened",
            "metadata",
            format!("The metadata is split into `{json_part}[…]` fields; the API wants one JSON part named `{json_part}` and answers 10021 `could not read content for part {json_part}`. The fields are imported as one object: send it with -F '{json_part}=<{json_part}.json;type=application/json'."),
        );
        Some(read_metadata(map, &mut self.notes))
    }

    fn json_part(&mut self, part: &Part, json_part: &str) -> Metadata {
        if !part.arg.dropped.is_empty() {
            self.notes.error(
                "curl-semicolon",
                "metadata",
                format!("curl ends a -F value at the first `;`, so the `{json_part}` part is cut before `;{}`: the API receives broken JSON and answers 10021 `could not read content for part {json_part}`. Read it from a file or a here-document (-F '{json_part}=<-;type=application/json' <<'EOF' … EOF), or use --form-string.", part.arg.dropped.join(";")),
            );
        }
        if matches!(part.arg.source, Source::File(_)) && part.arg.content_type.is_none() {
            self.notes.warning(
                "curl-metadata-type",
                "metadata",
                format!("The `{json_part}` part is sent as a file without a type, so curl labels it application/octet-stream; the API documents it as a plain field or application/json and may answer 10021 `could not read content for part {json_part}`. Add ;type=application/json (or use <file instead of @file)."),
            );
        }
        if part.bytes.is_empty() && !matches!(part.source, ModuleSource::Inline) {
            return Metadata::default();
        }
        let text = String::from_utf8_lossy(&part.bytes).into_owned();
        match serde_json::from_str::<Value>(&text) {
            Ok(value) => self.metadata_from(value, &format!("The `{json_part}` part")),
            Err(error) => {
                self.notes.error(
                    "curl-metadata",
                    "metadata",
                    format!("The `{json_part}` part is not JSON ({error}): the API answers 10021 `could not read content for part {json_part}`."),
                );
                Metadata::default()
            }
        }
    }

    fn module(&mut self, part: Part, index: usize, entry: Option<&str>) -> (Module, ModuleSource) {
        let name = part.arg.name.clone();
        let at = |field: &str| {
            if field.is_empty() {
                format!("modules[{index}]")
            } else {
                format!("modules[{index}].{field}")
            }
        };
        let explicit = part.arg.content_type.as_deref().and_then(kind_of_type);
        let kind = match (explicit, &part.arg.content_type, &part.wire_type) {
            (Some(kind), _, _) => kind,
            (None, Some(given), _) => {
                let kind = ModuleKind::guess(&name);
                self.notes.warning("curl-part-type", at("kind"), format!("Part `{name}` is sent as `{given}`, which is not a module type the API knows; it is imported as {} ({}).", kind.label(), kind.content_type()));
                kind
            }
            (None, None, wire) => {
                let kind = if entry == Some(name.as_str())
                    && !matches!(ModuleKind::guess(&name), ModuleKind::Commonjs)
                {
                    ModuleKind::Esm
                } else {
                    ModuleKind::guess(&name)
                };
                let sent = wire
                    .clone()
                    .unwrap_or_else(|| "no Content-Type".to_string());
                let consequence = if entry == Some(name.as_str()) {
                    "the API still runs the entry as a module".to_string()
                } else {
                    format!(
                        "the API reads it as {}",
                        if wire.is_some() {
                            "a data module (an ArrayBuffer), not code"
                        } else {
                            "a plain field, not a module"
                        }
                    )
                };
                self.notes.warning(
                    "curl-part-type",
                    at("kind"),
                    format!("Part `{name}` has no ;type=, so curl sends it with {sent} ({consequence}). It is imported as {}; Bindery sends {}.", kind.label(), kind.content_type()),
                );
                kind
            }
        };
        match part.arg.sent_filename() {
            None => self.notes.error(
                "curl-no-filename",
                at(""),
                format!("Part `{name}` is sent without a filename (a plain field{}), so the API does not take it as a module: it answers 10021 `No such module \"{name}\"` when it is needed. Send it as a file: -F '{name}=@{};type={}'. Bindery sends it with filename `{name}`.", if matches!(part.arg.source, Source::FileText(_)) { ", from <file" } else { "" }, part.path.as_deref().unwrap_or(&name), kind.content_type()),
            ),
            Some(filename) if filename != name => self.notes.warning(
                "curl-filename",
                at("name"),
                format!("Part `{name}` is sent with filename `{filename}`; wrangler and Bindery send the part name as filename, which is what the runtime resolves imports against."),
            ),
            Some(_) => {}
        }
        if kind == ModuleKind::Commonjs && entry == Some(name.as_str()) {
            let text = String::from_utf8_lossy(&part.bytes);
            if crate::import::js_scan::scan(&text).has_exports {
                self.notes.error(
                    "curl-module-syntax",
                    at("kind"),
                    format!("Part `{name}` exports with `export`, but is sent as {}, so the runtime parses it as a script: the API answers 10021 `Uncaught SyntaxError: Unexpected token 'export'`. Send it as an ES module (;type=application/javascript+module) with `main_module`.", part.arg.content_type.as_deref().unwrap_or("CommonJS")),
                );
            }
        }
        let _ = part.index;
        let module = Module {
            name,
            kind,
            path: part.path,
            bytes: part.bytes,
            filename: None,
            media_type: None,
        };
        (module, part.source)
    }

    /// The entry the metadata names must be one of the parts (variant: a `script` part that
    /// `body_part` or `main_module` does not name).
    fn entry_checks(&mut self, c: &Composition) {
        if !c.request.operation.sends_modules() {
            return;
        }
        let field = if c.metadata.main_module.is_some() {
            "main_module"
        } else {
            "body_part"
        };
        let code_parts: Vec<&Module> = c
            .modules
            .iter()
            .filter(|m| m.kind.is_javascript())
            .collect();
        match c.metadata.entry_part() {
            Some(entry) if c.module(entry).is_none() => {
                let hint = match code_parts.as_slice() {
                    [only] => format!(" The code is in part `{}`: name the part `{entry}` (-F '{entry}=@…'), or set {field} to `{}`.", only.name, only.name),
                    _ => format!(" Add the part: -F '{entry}=@{entry};type=…'."),
                };
                self.notes.error("curl-entry-part", format!("metadata.{field}"), format!("{field} names `{entry}`, but no part has that name: the API answers 10021 `No such module \"{entry}\"`.{hint}"));
            }
            None if !code_parts.is_empty() && c.request.operation != Operation::Content => {
                let suggestion = code_parts[0].name.clone();
                self.notes.error("curl-entry-part", "metadata.main_module", format!("The metadata names no `main_module` (or `body_part`), so the API does not know which part is the code and answers 10021. Set main_module to `{suggestion}`."));
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests;
