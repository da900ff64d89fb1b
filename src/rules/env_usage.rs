//! The binding-name lint: names the code reads from `env` against the names the bindings give.
//!
//! A heuristic over the JavaScript (ES module, CommonJS) and Python module sources, so it only
//! ever warns:
//! - `env-name-unbound` (at `modules[i]`): the code reads `env.NAME`, `env?.NAME`,
//!   `env["NAME"]`, `const { NAME } = env` (also `this.env` / `c.env` / Python `self.env`), but
//!   no binding is named `NAME`;
//! - `binding-unused` (at `bindings[i].name`): no module reads the binding.
//!
//! When it stays quiet, and why:
//! - service-worker syntax: bindings are globals there, not `env` members;
//! - a content-only upload, or a settings PATCH without a bindings list: the bindings that will
//!   be deployed are not the composition's;
//! - `keep_bindings` is set: the kept bindings' names are unknown here, so any name could be
//!   bound and no name is reported unbound (`inherit` bindings, whose names are known, count as
//!   bound like any other binding);
//! - `binding-unused` needs evidence: a module with readable source that declares `env` (a
//!   handler parameter, `env: Env`, `super(ctx, env)`) or reads a bound name from it, and no
//!   module that hands `env` along whole (`handle(request, env)`, `{...env}`,
//!   `const e = env`, `env[key]`), since the names read elsewhere cannot be seen. Passing it to
//!   `super(ctx, env)` or storing it as `this.env = env` does not count: reads then go through
//!   `this.env.NAME`, which the scan sees. Modules given by path and not loaded are skipped.
//!
//! The scanner is hand-written (no regex engine in the browser bundle) and linear: one pass
//! that skips comments, strings and regular-expression literals, with short bounded looks
//! around each `env` token.

use std::collections::HashSet;

use super::text::closest;
use super::{binding_at, module_at, sends, Findings};
use crate::model::{Composition, ModuleKind, Operation};

pub(super) fn check(c: &Composition, out: &mut Findings) {
    if !sends(c, "bindings") || c.metadata.is_service_worker() {
        return;
    }
    if c.request.operation == Operation::Settings && c.metadata.bindings.is_empty() {
        return;
    }
    let mut reads = EnvReads::default();
    // The first module reading each name, by name order of first appearance.
    let mut readers: Vec<(String, usize)> = Vec::new();
    let mut read_names: HashSet<String> = HashSet::new();
    let mut readable = false;
    for (index, module) in c.modules.iter().enumerate() {
        let Some(text) = module.text().filter(|t| !t.is_empty()) else {
            continue;
        };
        let found = match module.kind {
            ModuleKind::Esm | ModuleKind::Commonjs => scan_javascript(text),
            ModuleKind::Python => scan_python(text),
            _ => continue,
        };
        readable = true;
        for name in &found.names {
            if read_names.insert(name.clone()) {
                readers.push((name.clone(), index));
            }
        }
        reads.wholesale |= found.wholesale;
        reads.declared |= found.declared;
    }
    let bindings = &c.metadata.bindings;
    let bound: Vec<&str> = bindings
        .iter()
        .map(|b| b.name.as_str())
        .filter(|n| !n.is_empty())
        .collect();
    if c.metadata.keep_bindings.is_empty() {
        for (name, index) in &readers {
            if !bound.contains(&name.as_str()) {
                let module = &c.modules[*index].name;
                out.warning(
                    "env-name-unbound",
                    module_at(*index, ""),
                    unbound_message(module, name, &bound),
                );
            }
        }
    }
    // Evidence that the scan sees how the code reaches its bindings: `env` is declared, or a
    // bound name is read through it (in a bundle, `env` may only be some library's).
    let evidence = reads.declared || bound.iter().any(|b| read_names.contains(*b));
    if readable && evidence && !reads.wholesale {
        for (index, binding) in bindings.iter().enumerate() {
            let name = binding.name.as_str();
            if !name.is_empty() && !read_names.contains(name) {
                out.warning(
                    "binding-unused",
                    binding_at(index, "name"),
                    format!("binding {name} is never read by the code (env.{name}). Remove it, or check the name the code uses."),
                );
            }
        }
    }
}

fn unbound_message(module: &str, name: &str, bound: &[&str]) -> String {
    let listed = if bound.is_empty() {
        "there are no bindings".to_string()
    } else {
        format!("bindings: {}", bound.join(", "))
    };
    // `closest` compares lowercase words, so compare against lowercase names and map back.
    let lower: Vec<String> = bound.iter().map(|b| b.to_ascii_lowercase()).collect();
    let lower_refs: Vec<&str> = lower.iter().map(String::as_str).collect();
    let hint = closest(name, &lower_refs)
        .and_then(|found| lower_refs.iter().position(|l| *l == found))
        .map(|i| format!(" Did you mean {}?", bound[i]))
        .unwrap_or_default();
    format!(
        "`{module}` reads env.{name}, but no binding is named {name} ({listed}).{hint} Rename the binding or the code so they match, or add a binding named {name}."
    )
}

/// What one module's code reads from `env`.
#[derive(Debug, Default, PartialEq, Eq)]
struct EnvReads {
    /// Names read, in order of first appearance, each once.
    names: Vec<String>,
    /// `env` is handed along whole, so reads elsewhere are invisible.
    wholesale: bool,
    /// `env` is declared (a parameter such as `fetch(request, env)`, `env: Env`, `env =>`) or
    /// stored as `this.env`: the code surely receives the bindings under that name.
    declared: bool,
}

impl EnvReads {
    fn read(&mut self, name: &str) {
        if !name.is_empty() && !self.names.iter().any(|n| n == name) {
            self.names.push(name.to_string());
        }
    }
}

/// How far the looks around an `env` token go, so the scan stays linear.
const LOOK: usize = 2048;

fn is_word_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b == b'$' || b >= 0x80
}

/// Scans JavaScript source (module or script).
fn scan_javascript(text: &str) -> EnvReads {
    let b = text.as_bytes();
    let mut reads = EnvReads::default();
    // Brace depth, and the depths at which template-literal `${` expressions were opened.
    let mut depth = 0usize;
    let mut templates: Vec<usize> = Vec::new();
    // Whether a `/` here would start a regular expression (rather than divide).
    let mut regex_allowed = true;
    let mut i = 0;
    while i < b.len() {
        let ch = b[i];
        match ch {
            b'/' if b.get(i + 1) == Some(&b'/') => i = skip_line(b, i),
            b'/' if b.get(i + 1) == Some(&b'*') => i = skip_block_comment(b, i + 2),
            b'/' if regex_allowed => {
                i = skip_regex(b, i + 1);
                regex_allowed = false;
            }
            b'\'' | b'"' => {
                i = skip_quoted(b, i + 1, ch);
                regex_allowed = false;
            }
            b'`' => {
                let (next, opened) = skip_template(b, i + 1);
                i = next;
                if opened {
                    templates.push(depth);
                    depth += 1;
                    regex_allowed = true;
                } else {
                    regex_allowed = false;
                }
            }
            b'}' if depth > 0 && templates.last() == Some(&(depth - 1)) => {
                templates.pop();
                depth -= 1;
                let (next, opened) = skip_template(b, i + 1);
                i = next;
                if opened {
                    templates.push(depth);
                    depth += 1;
                    regex_allowed = true;
                } else {
                    regex_allowed = false;
                }
            }
            _ if is_word_byte(ch) => {
                let start = i;
                while i < b.len() && is_word_byte(b[i]) {
                    i += 1;
                }
                let word = &text[start..i];
                if word == "env" {
                    on_env(b, start, i, Language::JavaScript, &mut reads);
                }
                regex_allowed = matches!(
                    word,
                    "return"
                        | "typeof"
                        | "case"
                        | "do"
                        | "else"
                        | "in"
                        | "of"
                        | "void"
                        | "yield"
                        | "await"
                        | "delete"
                        | "throw"
                        | "new"
                        | "instanceof"
                );
            }
            _ => {
                match ch {
                    b'{' => depth += 1,
                    b'}' => depth = depth.saturating_sub(1),
                    _ => {}
                }
                if !ch.is_ascii_whitespace() {
                    regex_allowed = !matches!(ch, b')' | b']' | b'}');
                }
                i += 1;
            }
        }
    }
    reads
}

/// Scans Python source.
fn scan_python(text: &str) -> EnvReads {
    let b = text.as_bytes();
    let mut reads = EnvReads::default();
    let mut i = 0;
    while i < b.len() {
        let ch = b[i];
        match ch {
            b'#' => i = skip_line(b, i),
            b'\'' | b'"' => {
                let triple = b.get(i + 1) == Some(&ch) && b.get(i + 2) == Some(&ch);
                i = if triple {
                    skip_triple(b, i + 3, ch)
                } else {
                    skip_quoted(b, i + 1, ch)
                };
            }
            _ if is_word_byte(ch) => {
                let start = i;
                while i < b.len() && is_word_byte(b[i]) {
                    i += 1;
                }
                if &text[start..i] == "env" {
                    on_env(b, start, i, Language::Python, &mut reads);
                }
            }
            _ => i += 1,
        }
    }
    reads
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Language {
    JavaScript,
    Python,
}

/// Classifies one `env` token at `start..end`: a read of a name, a destructuring, a
/// declaration, or `env` handed along whole.
fn on_env(b: &[u8], start: usize, end: usize, language: Language, reads: &mut EnvReads) {
    // `.env` of an owner: `this.env`, `self.env`, `c.env`; not `process.env`/`import.meta.env`.
    let mut expr_start = start;
    if let Some(dot) = prev_non_space(b, start).filter(|&k| b[k] == b'.') {
        if dot >= 2 && &b[dot - 2..dot] == b".." {
            reads.wholesale = true; // `...env`
            return;
        }
        let before_dot = if dot > 0 && b[dot - 1] == b'?' {
            dot - 1
        } else {
            dot
        };
        let (owner_start, owner) = word_before(b, before_dot);
        if matches!(owner, b"process" | b"meta" | b"Deno" | b"Bun") {
            return;
        }
        expr_start = owner_start;
    }
    if expr_start >= 3 && &b[expr_start - 3..expr_start] == b"..." {
        reads.wholesale = true;
        return;
    }
    // Member access right after: `env.NAME`, `env?.NAME`, `env["NAME"]`, `env?.["NAME"]`.
    let mut j = skip_space(b, end);
    if b.get(j) == Some(&b'?') && b.get(j + 1) == Some(&b'.') {
        j += 2;
        if b.get(j) != Some(&b'[') {
            return read_word(b, skip_space(b, j), reads);
        }
    } else if b.get(j) == Some(&b'.') && b.get(j + 1) != Some(&b'.') {
        return read_word(b, skip_space(b, j + 1), reads);
    }
    if b.get(j) == Some(&b'[') {
        match quoted_key(b, skip_space(b, j + 1)) {
            Some(name) => reads.read(name),
            None => reads.wholesale = true, // `env[key]`: any name
        }
        return;
    }
    let next = b.get(j).copied();
    let next2 = b.get(j + 1).copied();
    // Declared, annotated or assigned: `env: Env`, `env = {}`, `env => …`, `let env = …`.
    if next == Some(b':') || (next == Some(b'=') && next2 != Some(b'=')) {
        reads.declared = true;
        return;
    }
    let Some(before) = prev_non_space(b, expr_start) else {
        reads.wholesale = true;
        return;
    };
    match b[before] {
        // `const { A, B } = env`, but not `==`, `!=`, `=>`.
        b'=' if before > 0 && !matches!(b[before - 1], b'=' | b'!' | b'<' | b'>') => {
            match prev_non_space(b, before) {
                Some(close) if b[close] == b'}' && language == Language::JavaScript => {
                    destructured(b, close, reads)
                }
                // `this.env = env` / `self.env = env`: reads go through `this.env.NAME`.
                Some(k) if word_before(b, k + 1).1 == b"env" => reads.declared = true,
                _ => reads.wholesale = true,
            }
        }
        b'(' | b',' if matches!(next, Some(b',') | Some(b')')) => {
            if is_parameter_list(b, end) || is_base_call(b, expr_start) {
                reads.declared = true;
            } else {
                reads.wholesale = true;
            }
        }
        _ => reads.wholesale = true,
    }
}

fn read_word(b: &[u8], at: usize, reads: &mut EnvReads) {
    let mut end = at;
    while end < b.len() && is_word_byte(b[end]) {
        end += 1;
    }
    if end > at && !b[at].is_ascii_digit() {
        reads.read(&String::from_utf8_lossy(&b[at..end]));
    }
}

/// `"NAME"]`, `'NAME']` or `` `NAME`] `` (no substitution) at `at`: the key.
fn quoted_key(b: &[u8], at: usize) -> Option<&str> {
    let quote = *b.get(at)?;
    if !matches!(quote, b'"' | b'\'' | b'`') {
        return None;
    }
    let len = b[at + 1..]
        .iter()
        .take(LOOK)
        .position(|&c| c == quote || c == b'\\' || c == b'\n' || c == b'$')?;
    let close = at + 1 + len;
    if b[close] != quote || b.get(skip_space(b, close + 1)) != Some(&b']') {
        return None;
    }
    std::str::from_utf8(&b[at + 1..close]).ok()
}

/// Reads the names of `{ A, B: b, C = 1, 'D': d }` ending at `close` (the `}`); a rest element
/// or a computed key means `env` is used whole.
fn destructured(b: &[u8], close: usize, reads: &mut EnvReads) {
    let Some(open) = matching_open(b, close, b'{', b'}') else {
        reads.wholesale = true;
        return;
    };
    let inner = strip_comments(&b[open + 1..close]);
    let mut depth = 0i32;
    let mut entry_start = 0;
    let mut entries = Vec::new();
    for (k, &c) in inner.iter().enumerate() {
        match c {
            b'{' | b'[' | b'(' => depth += 1,
            b'}' | b']' | b')' => depth -= 1,
            b',' if depth == 0 => {
                entries.push(&inner[entry_start..k]);
                entry_start = k + 1;
            }
            _ => {}
        }
    }
    entries.push(&inner[entry_start..]);
    for entry in entries {
        let entry = entry.trim_ascii();
        if entry.is_empty() {
            continue;
        }
        if entry.starts_with(b"...") || entry.starts_with(b"[") {
            reads.wholesale = true;
            continue;
        }
        match entry[0] {
            b'"' | b'\'' => {
                let quote = entry[0];
                if let Some(len) = entry[1..].iter().position(|&c| c == quote) {
                    reads.read(&String::from_utf8_lossy(&entry[1..1 + len]));
                }
            }
            _ => read_word(entry, 0, reads),
        }
    }
}

/// Whether the parenthesised list around an `env` that ends at `end` is a parameter list: its
/// `)` is followed by a body (`{`, `=>`), a return type (`:`) or Python's `:` / `->`.
fn is_parameter_list(b: &[u8], end: usize) -> bool {
    let mut depth = 0i32;
    for (offset, &c) in b[end..].iter().take(LOOK).enumerate() {
        match c {
            b'(' | b'[' | b'{' => depth += 1,
            b']' | b'}' => depth -= 1,
            b')' if depth > 0 => depth -= 1,
            b')' => {
                let after = skip_space(b, end + offset + 1);
                return matches!(b.get(after), Some(b'{') | Some(b':'))
                    || b[after..].starts_with(b"=>")
                    || b[after..].starts_with(b"->");
            }
            _ => {}
        }
    }
    false
}

/// Whether the call whose argument list holds the `env` at `start` is `super(…)` or Python's
/// `__init__(…)`: the base class keeps `env` as `this.env` / `self.env`.
fn is_base_call(b: &[u8], start: usize) -> bool {
    let mut depth = 0i32;
    let floor = start.saturating_sub(LOOK);
    let mut k = start;
    while k > floor {
        k -= 1;
        match b[k] {
            b')' | b']' | b'}' => depth += 1,
            b'[' | b'{' => depth -= 1,
            b'(' if depth > 0 => depth -= 1,
            b'(' => return matches!(word_before(b, k).1, b"super" | b"__init__"),
            _ => {}
        }
    }
    false
}

/// The `open` matching the `close` at `at`, looking back at most [`LOOK`] bytes.
fn matching_open(b: &[u8], at: usize, open: u8, close: u8) -> Option<usize> {
    let mut depth = 0usize;
    let floor = at.saturating_sub(LOOK);
    let mut k = at + 1;
    while k > floor {
        k -= 1;
        if b[k] == close {
            depth += 1;
        } else if b[k] == open {
            depth -= 1;
            if depth == 0 {
                return Some(k);
            }
        }
    }
    None
}

/// The bytes without `//` and `/* */` comments.
fn strip_comments(b: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i..].starts_with(b"//") {
            i = skip_line(b, i);
        } else if b[i..].starts_with(b"/*") {
            i = skip_block_comment(b, i + 2);
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    out
}

/// The word ending at `end` (exclusive), after skipping spaces: its start and bytes.
fn word_before(b: &[u8], end: usize) -> (usize, &[u8]) {
    let mut stop = end;
    while stop > 0 && b[stop - 1].is_ascii_whitespace() {
        stop -= 1;
    }
    let mut begin = stop;
    while begin > 0 && is_word_byte(b[begin - 1]) {
        begin -= 1;
    }
    (begin, &b[begin..stop])
}

fn prev_non_space(b: &[u8], at: usize) -> Option<usize> {
    b[..at].iter().rposition(|c| !c.is_ascii_whitespace())
}

fn skip_space(b: &[u8], mut at: usize) -> usize {
    while at < b.len() && b[at].is_ascii_whitespace() {
        at += 1;
    }
    at
}

fn skip_line(b: &[u8], at: usize) -> usize {
    b[at..]
        .iter()
        .position(|&c| c == b'\n')
        .map_or(b.len(), |p| at + p + 1)
}

fn skip_block_comment(b: &[u8], at: usize) -> usize {
    b[at..]
        .windows(2)
        .position(|w| w == b"*/")
        .map_or(b.len(), |p| at + p + 2)
}

/// Past the closing `quote`; a string never spans lines, so a stray quote costs one line.
fn skip_quoted(b: &[u8], mut at: usize, quote: u8) -> usize {
    while at < b.len() {
        match b[at] {
            b'\\' => at += 2,
            b'\n' => return at + 1,
            c if c == quote => return at + 1,
            _ => at += 1,
        }
    }
    b.len()
}

/// Past a Python triple-quoted string.
fn skip_triple(b: &[u8], mut at: usize, quote: u8) -> usize {
    while at < b.len() {
        match b[at] {
            b'\\' => at += 2,
            c if c == quote && b.get(at + 1) == Some(&quote) && b.get(at + 2) == Some(&quote) => {
                return at + 3
            }
            _ => at += 1,
        }
    }
    b.len()
}

/// Past a regular-expression literal (its body starts at `at`), classes `[...]` included.
fn skip_regex(b: &[u8], mut at: usize) -> usize {
    let mut in_class = false;
    while at < b.len() {
        match b[at] {
            b'\\' => at += 2,
            b'\n' => return at + 1,
            b'[' => {
                in_class = true;
                at += 1
            }
            b']' => {
                in_class = false;
                at += 1
            }
            b'/' if !in_class => return at + 1,
            _ => at += 1,
        }
    }
    b.len()
}

/// Scans template-literal text from `at`: past the closing backtick (`false`), or past a `${`
/// that opens an expression (`true`).
fn skip_template(b: &[u8], mut at: usize) -> (usize, bool) {
    while at < b.len() {
        match b[at] {
            b'\\' => at += 2,
            b'`' => return (at + 1, false),
            b'$' if b.get(at + 1) == Some(&b'{') => return (at + 2, true),
            _ => at += 1,
        }
    }
    (b.len(), false)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Binding, BindingKind, Module};
    use crate::rules::testing::*;
    use crate::rules::Level::Warning;

    fn names(reads: &EnvReads) -> Vec<&str> {
        reads.names.iter().map(String::as_str).collect()
    }

    #[test]
    fn reads_every_access_form() {
        let code = r#"
            export default {
              async fetch(request, env, ctx) {
                const a = await env.USER_KV.get("k");
                const b = env?.OPTIONAL;
                const c = env["BRACKET"] ?? env['SINGLE'] ?? env?.["OPT_BRACKET"];
                const { DESTRUCT, RENAMED: r, DEFAULTED = 1, 'QUOTED': q } = env;
                return new Response(`${env.IN_TEMPLATE} ${a}`);
              },
            };
        "#;
        let reads = scan_javascript(code);
        assert_eq!(
            names(&reads),
            [
                "USER_KV",
                "OPTIONAL",
                "BRACKET",
                "SINGLE",
                "OPT_BRACKET",
                "DESTRUCT",
                "RENAMED",
                "DEFAULTED",
                "QUOTED",
                "IN_TEMPLATE"
            ]
        );
        assert!(!reads.wholesale && reads.declared);
    }

    #[test]
    fn owners_comments_strings_and_regexes() {
        let code = r#"
            // env.IN_LINE_COMMENT
            /* env.IN_BLOCK_COMMENT */
            const s = "env.IN_STRING" + 'env.IN_SINGLE';
            const re = /env.IN_REGEX/g, half = 10 / 2;
            const t = `text env.IN_TEMPLATE_TEXT`;
            const mode = process.env.NODE_ENV, vite = import.meta.env.MODE;
            class Room { constructor(ctx, env) { super(ctx, env); this.env = env; }
              get() { return this.env.ROOM_KV } }
            app.get("/", (c) => c.env.HONO_DB.prepare("x"));
            const { FROM_OWNER } = c.env;
        "#;
        let reads = scan_javascript(code);
        assert_eq!(names(&reads), ["ROOM_KV", "HONO_DB", "FROM_OWNER"]);
        assert!(!reads.wholesale);
    }

    #[test]
    fn env_handed_along_whole() {
        for code in [
            "export default { fetch(request, env) { return handle(request, env) } }",
            "export default { fetch: (request, env) => router.handle(request, env) }",
            "const all = { ...env };",
            "const e = env; e.USER_KV.get('x')",
            "const value = env[key];",
            "const { A, ...rest } = env;",
            "async function f(env) { return env }",
        ] {
            assert!(scan_javascript(code).wholesale, "{code}");
        }
        for code in [
            "export default { async fetch(request, env, ctx) { return env.A } }",
            "export default { fetch: (request, env) => env.A.get('x') }",
            "async function handler(request: Request, env: Env): Promise<Response> { return env.A }",
            "const handler = env => env.A;",
            "if (env.A === env.B) {}",
        ] {
            assert!(!scan_javascript(code).wholesale, "{code}");
        }
    }

    #[test]
    fn python_workers() {
        let code = r#"
from workers import WorkerEntrypoint, Response

class Default(WorkerEntrypoint):
    """Docs mention self.env.IN_DOCSTRING."""
    async def fetch(self, request):
        # self.env.IN_COMMENT
        value = await self.env.USER_KV.get("key")
        return Response(str(self.env.COUNTER) + "env.IN_STRING")

async def on_fetch(request, env):
    return env.LEGACY
"#;
        let reads = scan_python(code);
        assert_eq!(names(&reads), ["USER_KV", "COUNTER", "LEGACY"]);
        assert!(!reads.wholesale);
        assert!(scan_python("def f(env):\n    return g(env)\n").wholesale);
    }

    #[test]
    fn pathological_input_stays_linear() {
        let code = |n: usize| {
            "env(".repeat(n)
                + &"f(a, env, ".repeat(n)
                + &"} = env;".repeat(n)
                + &"{".repeat(n)
                + "`${".repeat(n).as_str()
        };
        // The thread's CPU time on sizes n and 4n (the fastest of three runs each): a linear
        // scan takes about 4 times as long, a quadratic one 16 times.
        let fastest = |n: usize| {
            let text = code(n);
            (0..3)
                .map(|_| {
                    let start = crate::rules::testing::thread_cpu_time();
                    let _ = scan_javascript(&text);
                    let _ = scan_python(&text);
                    crate::rules::testing::thread_cpu_time() - start
                })
                .min()
                .unwrap()
        };
        let (small, large) = (fastest(1_500), fastest(6_000));
        assert!(
            large < small * 8 + std::time::Duration::from_millis(20),
            "4 times the input took {:.1} times as long ({small:?} → {large:?})",
            large.as_secs_f64() / small.as_secs_f64()
        );
    }

    /// The seed docs: a binding named USER_KV, code reading env.USER_DATA.
    fn seed() -> Composition {
        let mut c = valid();
        c.metadata.main_module = Some("worker.js".into());
        c.modules = vec![Module::inline(
            "worker.js",
            "export default {\n  async fetch(request, env) {\n    const count = await env.USER_DATA.get(\"count\");\n    await env.USER_DATA.put(\"count\", String(Number(count) + 1));\n    return new Response(count);\n  }\n}\n",
        )];
        c.metadata.bindings = vec![Binding::new(
            "USER_KV",
            BindingKind::KvNamespace {
                namespace_id: "0f2ac74b498b48028cb68387c421e279".into(),
            },
        )]
        .into();
        c
    }

    #[test]
    fn seed_docs_user_kv_read_as_user_data_warns_twice() {
        let c = seed();
        expect_one(
            &c,
            "env-name-unbound",
            Warning,
            "modules[0]",
            &[
                "`worker.js` reads env.USER_DATA",
                "no binding is named USER_DATA",
                "(bindings: USER_KV)",
            ],
        );
        expect_one(
            &c,
            "binding-unused",
            Warning,
            "bindings[0].name",
            &["binding USER_KV is never read by the code (env.USER_KV)"],
        );
        assert!(!crate::rules::has_errors(&crate::rules::check(&c)));
    }

    #[test]
    fn a_close_name_is_suggested() {
        let mut c = seed();
        c.metadata.bindings[0].name = "USER_DAT".into();
        let finding = expect_one(
            &c,
            "env-name-unbound",
            Warning,
            "modules[0]",
            &["Did you mean USER_DAT?"],
        );
        assert!(finding.message.contains("(bindings: USER_DAT)"));
    }

    #[test]
    fn matching_names_and_inherited_ones_are_quiet() {
        let mut c = seed();
        c.metadata.bindings[0].name = "USER_DATA".into();
        expect_none(&c, "env-name-unbound");
        expect_none(&c, "binding-unused");
        c.metadata.bindings[0] = Binding::new(
            "USER_DATA",
            BindingKind::Inherit {
                old_name: None,
                version_id: None,
            },
        );
        expect_none(&c, "env-name-unbound");
        expect_none(&c, "binding-unused");
    }

    #[test]
    fn keep_bindings_silences_unbound_names_only() {
        let mut c = seed();
        c.metadata.keep_bindings = vec!["kv_namespace".into()].into();
        expect_none(&c, "env-name-unbound");
        expect_one(
            &c,
            "binding-unused",
            Warning,
            "bindings[0].name",
            &["USER_KV"],
        );
    }

    #[test]
    fn no_unused_warning_without_evidence() {
        let mut c = seed();
        c.modules[0].bytes =
            b"export default { fetch(request, env) { return route(request, env) } }".to_vec();
        expect_none(&c, "binding-unused");
        c.modules[0].bytes =
            b"export default { fetch(request, e) { return e.USER_KV.get('x') } }".to_vec();
        expect_none(&c, "binding-unused");
        // A bundle: the handler's parameter is renamed, some library reads its own `x.env`.
        c.modules[0].bytes = b"function d(t){return t.env.NODE_DEBUG}export default{fetch(e,t){return t.USER_KV.get(d(t))}}".to_vec();
        expect_none(&c, "binding-unused");
        // A module given by path and not loaded yet.
        c.modules[0].bytes.clear();
        c.modules[0].path = Some("worker.js".into());
        expect_none(&c, "binding-unused");
        expect_none(&c, "env-name-unbound");
    }

    #[test]
    fn quiet_where_the_bindings_sent_are_not_the_deployed_ones() {
        let mut c = seed();
        c.request.operation = Operation::Content;
        expect_none(&c, "env-name-unbound");
        let mut c = seed();
        c.request.operation = Operation::Settings;
        c.metadata.bindings.clear();
        expect_none(&c, "env-name-unbound");
        let mut c = service_worker();
        c.modules[0].bytes =
            b"addEventListener('fetch', e => e.respondWith(USER_KV.get('x')))".to_vec();
        c.metadata.bindings = seed().metadata.bindings;
        expect_none(&c, "binding-unused");
    }

    #[test]
    fn python_modules_are_read_too() {
        let mut c = seed();
        c.metadata.main_module = Some("main.py".into());
        c.modules = vec![Module::inline("main.py", "from workers import WorkerEntrypoint\nclass Default(WorkerEntrypoint):\n    async def fetch(self, request):\n        return await self.env.USER_KV.get('k')\n")];
        expect_none(&c, "env-name-unbound");
        expect_none(&c, "binding-unused");
    }
}
