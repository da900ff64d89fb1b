//! What a JavaScript module imports, and whether it exports anything — read without running or
//! bundling it.
//!
//! Bindery does not bundle. When a wrangler configuration points at an unbundled `main`, the
//! import follows the modules it names by relative path (`import x from "./lib.js"`,
//! `export * from "./a.js"`, `import("./b.js")`, `require("./c.cjs")`), and decides its format
//! as wrangler does: a file that exports something is a module Worker, one that exports nothing
//! is a service worker.
//!
//! A full parser would be far larger than this need. The scanner is a tokenizer that knows
//! exactly what can hide an `import` word — comments, strings, template literals (with nested
//! `${…}`), regular expression literals — and then reads the few statement shapes above from the
//! token stream. A `/` starts a regular expression when the token before it cannot end an
//! expression (the rule JavaScript tokenizers use); after `)` it is taken as division, which is
//! only wrong for a regex right after an `if (…)` head — a case that can only make the scanner
//! miss or invent a specifier in that statement, never read outside the folder.

/// How a module names another.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ImportKind {
    /// `import … from "x"`, `import "x"`, `export … from "x"`.
    Static,
    /// `import("x")` with a plain string.
    Dynamic,
    /// `require("x")` with a plain string.
    Require,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Import {
    pub specifier: String,
    pub kind: ImportKind,
}

/// What the scanner found.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ModuleScan {
    pub imports: Vec<Import>,
    /// An `export` declaration: wrangler treats the file as a module Worker.
    pub has_exports: bool,
    /// A static `import` or `export` declaration (ES module syntax).
    pub has_module_syntax: bool,
}

impl ModuleScan {
    /// Specifiers that are relative paths (`./`, `../`): the ones a folder can provide.
    pub fn relative_imports(&self) -> impl Iterator<Item = &Import> {
        self.imports.iter().filter(|i| is_relative(&i.specifier))
    }

    /// Bare specifiers (`hono`, `node:crypto`, `cloudflare:workers`).
    pub fn bare_imports(&self) -> impl Iterator<Item = &Import> {
        self.imports.iter().filter(|i| !is_relative(&i.specifier))
    }
}

pub fn is_relative(specifier: &str) -> bool {
    specifier.starts_with("./") || specifier.starts_with("../")
}

#[derive(Clone, Debug, PartialEq)]
enum Tok {
    Ident(String),
    /// A string literal's value (escapes of the common kinds decoded).
    Str(String),
    Punct(char),
    /// Any other literal: number, regex, template.
    Other,
}

/// Scans `source`.
pub fn scan(source: &str) -> ModuleScan {
    let tokens = tokenize(source);
    let mut out = ModuleScan::default();
    let mut i = 0;
    let after_dot = |i: usize| i > 0 && tokens[i - 1] == Tok::Punct('.');
    while i < tokens.len() {
        match &tokens[i] {
            Tok::Ident(word) if word == "import" && !after_dot(i) => {
                match tokens.get(i + 1) {
                    Some(Tok::Str(spec)) => {
                        out.has_module_syntax = true;
                        out.imports.push(Import {
                            specifier: spec.clone(),
                            kind: ImportKind::Static,
                        });
                        i += 2;
                        continue;
                    }
                    Some(Tok::Punct('(')) => {
                        if let (Some(Tok::Str(spec)), Some(Tok::Punct(')' | ','))) =
                            (tokens.get(i + 2), tokens.get(i + 3))
                        {
                            out.imports.push(Import {
                                specifier: spec.clone(),
                                kind: ImportKind::Dynamic,
                            });
                        }
                    }
                    Some(Tok::Punct('.')) => {} // import.meta
                    Some(_) => {
                        out.has_module_syntax = true;
                        if let Some((spec, next)) = from_clause(&tokens, i + 1) {
                            out.imports.push(Import {
                                specifier: spec,
                                kind: ImportKind::Static,
                            });
                            i = next;
                            continue;
                        }
                    }
                    None => {}
                }
            }
            Tok::Ident(word) if word == "export" && !after_dot(i) => {
                out.has_module_syntax = true;
                out.has_exports = true;
                if matches!(tokens.get(i + 1), Some(Tok::Punct('{' | '*'))) {
                    if let Some((spec, next)) = from_clause(&tokens, i + 1) {
                        out.imports.push(Import {
                            specifier: spec,
                            kind: ImportKind::Static,
                        });
                        i = next;
                        continue;
                    }
                }
            }
            Tok::Ident(word) if word == "require" && !after_dot(i) => {
                if let (Some(Tok::Punct('(')), Some(Tok::Str(spec)), Some(Tok::Punct(')'))) =
                    (tokens.get(i + 1), tokens.get(i + 2), tokens.get(i + 3))
                {
                    out.imports.push(Import {
                        specifier: spec.clone(),
                        kind: ImportKind::Require,
                    });
                }
            }
            _ => {}
        }
        i += 1;
    }
    out
}

/// From the token after `import`/`export`, the `from "x"` that ends the clause: skips one
/// `{…}` group, `*`, `as`, names and commas. Returns the specifier and the index after it.
fn from_clause(tokens: &[Tok], start: usize) -> Option<(String, usize)> {
    let mut i = start;
    let mut depth = 0usize;
    // A clause is short; a cap keeps a malformed file from making this quadratic.
    let limit = (start + 4096).min(tokens.len());
    while i < limit {
        match &tokens[i] {
            Tok::Punct('{') => depth += 1,
            Tok::Punct('}') => depth = depth.checked_sub(1)?,
            Tok::Ident(word) if word == "from" && depth == 0 => {
                return match tokens.get(i + 1) {
                    Some(Tok::Str(spec)) => Some((spec.clone(), i + 2)),
                    _ => None,
                };
            }
            Tok::Punct(';' | '(' | ')' | '=') if depth == 0 => return None,
            Tok::Str(_) | Tok::Other if depth == 0 => return None,
            _ => {}
        }
        i += 1;
    }
    None
}

/// Words after which a `/` begins a regular expression, not a division.
const REGEX_AFTER_WORDS: &[&str] = &[
    "return",
    "typeof",
    "instanceof",
    "in",
    "of",
    "new",
    "delete",
    "void",
    "throw",
    "case",
    "do",
    "else",
    "yield",
    "await",
];

fn tokenize(source: &str) -> Vec<Tok> {
    let chars: Vec<char> = source.chars().collect();
    let mut tokens = Vec::new();
    // Open `${` of template literals: the brace depth at which each one closes.
    let mut templates: Vec<usize> = Vec::new();
    let mut depth = 0usize;
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        match c {
            _ if c.is_whitespace() => i += 1,
            '/' if chars.get(i + 1) == Some(&'/') => {
                while i < chars.len() && chars[i] != '\n' {
                    i += 1;
                }
            }
            '/' if chars.get(i + 1) == Some(&'*') => {
                i += 2;
                while i < chars.len() && !(chars[i] == '*' && chars.get(i + 1) == Some(&'/')) {
                    i += 1;
                }
                i += 2;
            }
            '/' if regex_allowed(tokens.last()) => {
                i = skip_regex(&chars, i);
                tokens.push(Tok::Other);
            }
            '"' | '\'' => {
                let (value, next) = read_string(&chars, i);
                tokens.push(Tok::Str(value));
                i = next;
            }
            '`' => {
                i = skip_template(&chars, i + 1, &mut templates, depth);
                tokens.push(Tok::Other);
            }
            '}' if templates.last() == Some(&depth) => {
                // The end of a `${…}`: the template literal continues.
                templates.pop();
                i = skip_template(&chars, i + 1, &mut templates, depth);
                tokens.push(Tok::Other);
            }
            _ if c == '_' || c == '$' || c.is_alphabetic() => {
                let start = i;
                while i < chars.len()
                    && (chars[i] == '_' || chars[i] == '$' || chars[i].is_alphanumeric())
                {
                    i += 1;
                }
                tokens.push(Tok::Ident(chars[start..i].iter().collect()));
            }
            _ if c.is_ascii_digit() => {
                while i < chars.len()
                    && (chars[i].is_alphanumeric() || chars[i] == '.' || chars[i] == '_')
                {
                    i += 1;
                }
                tokens.push(Tok::Other);
            }
            _ => {
                match c {
                    '{' => depth += 1,
                    '}' => depth = depth.saturating_sub(1),
                    _ => {}
                }
                tokens.push(Tok::Punct(c));
                i += 1;
            }
        }
    }
    tokens
}

fn regex_allowed(previous: Option<&Tok>) -> bool {
    match previous {
        None => true,
        Some(Tok::Punct(c)) => !matches!(c, ')' | ']' | '}'),
        Some(Tok::Ident(word)) => REGEX_AFTER_WORDS.contains(&word.as_str()),
        Some(Tok::Str(_) | Tok::Other) => false,
    }
}

/// Skips a regex literal starting at the `/` at `start`; returns the index after its flags.
fn skip_regex(chars: &[char], start: usize) -> usize {
    let mut i = start + 1;
    let mut in_class = false;
    while i < chars.len() {
        match chars[i] {
            '\\' => i += 1,
            '[' => in_class = true,
            ']' => in_class = false,
            '/' if !in_class => {
                i += 1;
                while i < chars.len() && chars[i].is_alphanumeric() {
                    i += 1;
                }
                return i;
            }
            '\n' => return i, // not a regex after all; resume on the next line
            _ => {}
        }
        i += 1;
    }
    i
}

/// Reads a quoted string starting at the quote at `start`.
fn read_string(chars: &[char], start: usize) -> (String, usize) {
    let quote = chars[start];
    let mut value = String::new();
    let mut i = start + 1;
    while i < chars.len() {
        match chars[i] {
            c if c == quote => return (value, i + 1),
            '\n' => return (value, i), // unterminated
            '\\' => {
                i += 1;
                match chars.get(i) {
                    Some('n') => value.push('\n'),
                    Some('t') => value.push('\t'),
                    Some('\n') => {}
                    Some(&other) => value.push(other),
                    None => {}
                }
            }
            c => value.push(c),
        }
        i += 1;
    }
    (value, i)
}

/// Skips template text from `i` to its closing backtick, or to a `${` (recorded so the
/// matching `}` resumes the template). Returns the index after what was consumed.
fn skip_template(chars: &[char], mut i: usize, templates: &mut Vec<usize>, depth: usize) -> usize {
    while i < chars.len() {
        match chars[i] {
            '\\' => i += 2,
            '`' => return i + 1,
            '$' if chars.get(i + 1) == Some(&'{') => {
                templates.push(depth);
                return i + 2;
            }
            _ => i += 1,
        }
    }
    i
}

#[cfg(test)]
mod tests {
    use super::*;

    fn specs(source: &str) -> Vec<String> {
        scan(source)
            .imports
            .into_iter()
            .map(|i| i.specifier)
            .collect()
    }

    #[test]
    fn finds_every_import_form() {
        let source = r#"
            import def from "./a.js";
            import * as ns from './b.js';
            import { x, y as z } from "./c.js";
            import def2, { w } from "./d.js";
            import "./e.js";
            export { q } from "./f.js";
            export * from "./g.js";
            export * as h from "./h.js";
            const lazy = await import("./i.js");
            const old = require("./j.cjs");
            import wasm from "./k.wasm";
            import {
                multi,
                line,
            } from "./l.js";
        "#;
        assert_eq!(
            specs(source),
            [
                "./a.js", "./b.js", "./c.js", "./d.js", "./e.js", "./f.js", "./g.js", "./h.js",
                "./i.js", "./j.cjs", "./k.wasm", "./l.js"
            ]
        );
        let kinds: Vec<ImportKind> = scan(source).imports.iter().map(|i| i.kind).collect();
        assert_eq!(kinds[8], ImportKind::Dynamic);
        assert_eq!(kinds[9], ImportKind::Require);
    }

    #[test]
    fn ignores_imports_hidden_in_comments_strings_templates_and_regexes() {
        let source = r#"
            // import a from "./comment.js";
            /* import b from "./block.js"; */
            const s = "import c from './string.js'";
            const t = `import d from "./template.js" ${ `nested ${ "x" }` } import e from "./t2.js"`;
            const r = /import f from "\.\/regex.js"/g;
            const d = 4 / 2; import g from "./real.js";
            const o = { import: 1 }; o.import("./method.js");
            if (a) { x = `${ {a: 1}.a }` } import h from "./after-template.js";
        "#;
        assert_eq!(specs(source), ["./real.js", "./after-template.js"]);
    }

    #[test]
    fn tells_modules_from_service_workers() {
        assert!(scan("export default { fetch() {} }").has_exports);
        assert!(scan("export class Room {}").has_exports);
        let sw = scan("addEventListener('fetch', e => e.respondWith(new Response('x')))");
        assert!(!sw.has_exports && !sw.has_module_syntax);
        let side = scan("import './polyfill.js'; addEventListener('fetch', () => {})");
        assert!(side.has_module_syntax && !side.has_exports);
        assert!(!scan("const m = import.meta.url").has_module_syntax);
    }

    #[test]
    fn relative_and_bare_specifiers() {
        let s = scan("import {Hono} from 'hono'; import x from './x.js'; import n from 'node:fs'; import y from '../y.js'");
        let relative: Vec<&str> = s.relative_imports().map(|i| i.specifier.as_str()).collect();
        let bare: Vec<&str> = s.bare_imports().map(|i| i.specifier.as_str()).collect();
        assert_eq!(relative, ["./x.js", "../y.js"]);
        assert_eq!(bare, ["hono", "node:fs"]);
    }

    #[test]
    fn malformed_input_never_panics() {
        for source in [
            "import",
            "import {",
            "export {a",
            "`${",
            "/",
            "'",
            "/* ",
            "import(",
            "require(",
            "}}}{",
            "`${`${`",
        ] {
            let _ = scan(source);
        }
    }
}
