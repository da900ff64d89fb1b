//! Small lexical tests shared by the rules: identifiers, ids, e-mail addresses, ES-module
//! syntax, closest-name suggestions.

/// Words that cannot name a binding: JavaScript reserved words (including strict-mode and
/// module-code ones), since a service-worker binding becomes a global of that name.
const RESERVED_WORDS: &[&str] = &[
    "arguments",
    "await",
    "break",
    "case",
    "catch",
    "class",
    "const",
    "continue",
    "debugger",
    "default",
    "delete",
    "do",
    "else",
    "enum",
    "eval",
    "export",
    "extends",
    "false",
    "finally",
    "for",
    "function",
    "if",
    "implements",
    "import",
    "in",
    "instanceof",
    "interface",
    "let",
    "new",
    "null",
    "package",
    "private",
    "protected",
    "public",
    "return",
    "static",
    "super",
    "switch",
    "this",
    "throw",
    "true",
    "try",
    "typeof",
    "var",
    "void",
    "while",
    "with",
    "yield",
];

/// `[A-Za-z_$][A-Za-z0-9_$]*`.
pub fn is_identifier(name: &str) -> bool {
    let mut bytes = name.bytes();
    match bytes.next() {
        Some(b) if b.is_ascii_alphabetic() || b == b'_' || b == b'$' => {}
        _ => return false,
    }
    bytes.all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'$')
}

pub fn is_reserved_word(name: &str) -> bool {
    RESERVED_WORDS.contains(&name)
}

/// The first character that keeps `name` from being an identifier, if any.
pub fn first_non_identifier_char(name: &str) -> Option<char> {
    name.chars().enumerate().find_map(|(i, ch)| {
        let ok =
            ch.is_ascii_alphabetic() || ch == '_' || ch == '$' || (i > 0 && ch.is_ascii_digit());
        (!ok).then_some(ch)
    })
}

pub fn is_hex(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_hexdigit())
}

/// A Cloudflare account / KV-style id: 32 lowercase hex digits.
pub fn is_cloudflare_id(s: &str) -> bool {
    s.len() == 32
        && s.bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// `8-4-4-4-12` hex digits.
pub fn is_uuid(s: &str) -> bool {
    let groups: [usize; 5] = [8, 4, 4, 4, 12];
    let mut parts = s.split('-');
    for len in groups {
        match parts.next() {
            Some(p) if p.len() == len && is_hex(p) => {}
            _ => return false,
        }
    }
    parts.next().is_none()
}

/// Values copied from docs instead of a real id: `<your-namespace-id>`, `${KV_ID}`, `xxxx`, …
pub fn looks_like_placeholder(s: &str) -> bool {
    let lower = s.trim().to_ascii_lowercase();
    if lower.is_empty() {
        return false;
    }
    const MARKERS: &[&str] = &[
        "<",
        ">",
        "{",
        "}",
        "$",
        "your",
        "placeholder",
        "todo",
        "change",
        "replace",
        "example",
    ];
    MARKERS.iter().any(|m| lower.contains(m))
        || lower.bytes().all(|b| b == b'x' || b == b'-')
        || lower.bytes().all(|b| b == b'0' || b == b'-')
}

/// A plausible e-mail address: `local@domain.tld`, no spaces.
pub fn looks_like_email(s: &str) -> bool {
    let Some((local, domain)) = s.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && !s.chars().any(char::is_whitespace)
        && !domain.contains('@')
        && domain.split('.').count() >= 2
        && domain.split('.').all(|label| !label.is_empty())
}

/// Where `text` first uses ES-module syntax (`export …` or a static `import …` statement): the
/// 1-based line and the keyword. A statement counts at the start of a line or after a `;`
/// (minified code), outside `//` comments and block comments that open near it. A heuristic,
/// good enough to explain a runtime `Unexpected token 'export'`.
///
/// Runs on every keystroke over whole bundles, so it only looks near occurrences of the two
/// keywords (found by substring search) instead of walking every line.
pub fn esm_statement(text: &str) -> Option<(usize, &'static str)> {
    let (position, keyword) = ["export", "import"]
        .into_iter()
        .filter_map(|keyword| {
            let mut hits = text.match_indices(keyword).map(|(position, _)| position);
            hits.find(|&position| is_statement_at(text.as_bytes(), position, keyword))
                .map(|p| (p, keyword))
        })
        .min_by_key(|(position, _)| *position)?;
    let line = text.as_bytes()[..position]
        .iter()
        .filter(|b| **b == b'\n')
        .count()
        + 1;
    Some((line, keyword))
}

/// How far back a keyword's line and an enclosing block comment are looked for.
const LOOKBACK: usize = 4096;

fn is_statement_at(bytes: &[u8], position: usize, keyword: &str) -> bool {
    let Some(&next) = bytes.get(position + keyword.len()) else {
        return false;
    };
    let next_ok = next.is_ascii_whitespace()
        || next == b'{'
        || next == b'*'
        // `import(…)` (dynamic) and `import.meta` are not statements; `import"x"` is.
        || (keyword == "import" && (next == b'"' || next == b'\''));
    if !next_ok {
        return false;
    }
    let window = &bytes[position.saturating_sub(LOOKBACK)..position];
    let line_prefix = match window.iter().rposition(|b| *b == b'\n') {
        Some(newline) => &window[newline + 1..],
        None => window,
    };
    let before = line_prefix.trim_ascii();
    if !(before.is_empty() || before.ends_with(b";")) {
        return false;
    }
    if before.starts_with(b"*") || contains(line_prefix, b"//") {
        return false;
    }
    // Inside a block comment when the last `/*` before the keyword is not closed.
    let last_open = rfind(window, b"/*");
    let last_close = rfind(window, b"*/");
    match (last_open, last_close) {
        (Some(open), Some(close)) => close > open,
        (Some(_), None) => false,
        _ => true,
    }
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

fn rfind(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).rposition(|w| w == needle)
}

/// Levenshtein distance between two short ASCII-ish strings.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut previous_diagonal = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != *cb);
            let next = (row[j + 1] + 1)
                .min(row[j] + 1)
                .min(previous_diagonal + cost);
            previous_diagonal = row[j + 1];
            row[j + 1] = next;
        }
    }
    row[b.len()]
}

/// The candidate closest to `word`, if it is close enough to be a plausible typo (or one
/// contains the other, as in `kv` → `kv_namespace`).
pub fn closest<'a>(word: &str, candidates: &[&'a str]) -> Option<&'a str> {
    let word = word.trim().to_ascii_lowercase().replace(['-', ' '], "_");
    if word.is_empty() {
        return None;
    }
    let limit = (word.len() / 3).max(2);
    // The distance is at least the difference in length: a candidate that far off cannot be
    // close enough, so it is not compared (a pasted megabyte costs one pass, not minutes).
    let length = word.chars().count();
    let nearest = candidates
        .iter()
        .filter(|c| c.chars().count().abs_diff(length) <= limit)
        .map(|c| (*c, edit_distance(&word, c)))
        .min_by_key(|(_, d)| *d);
    if let Some((best, _)) = nearest.filter(|(_, d)| *d <= limit) {
        return Some(best);
    }
    if word.len() < 2 {
        return None;
    }
    candidates
        .iter()
        .copied()
        .find(|c| c.starts_with(&word) || word.starts_with(*c))
}

/// Why `name` is not a valid Worker (script) name, if it is not: Cloudflare accepts lowercase
/// letters, digits, `-` and `_`, at most 63 characters.
pub fn worker_name_problem(name: &str) -> Option<String> {
    if name.len() > 63 {
        return Some(format!(
            "is {} characters long; the limit is 63",
            name.chars().count()
        ));
    }
    if let Some(ch) = name
        .chars()
        .find(|ch| !(ch.is_ascii_lowercase() || ch.is_ascii_digit() || *ch == '-' || *ch == '_'))
    {
        let hint = if ch.is_ascii_uppercase() {
            " (use lowercase)"
        } else {
            ""
        };
        return Some(format!(
            "contains `{ch}`{hint}; only lowercase letters, digits, `-` and `_` are allowed"
        ));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifiers() {
        for ok in ["KV", "_x", "$", "my_Var9"] {
            assert!(is_identifier(ok), "{ok}");
        }
        for bad in ["", "9a", "my-var", "a b", "é"] {
            assert!(!is_identifier(bad), "{bad}");
        }
        assert!(is_reserved_word("class") && !is_reserved_word("Class"));
        assert_eq!(first_non_identifier_char("MY-KV"), Some('-'));
        assert_eq!(first_non_identifier_char("1KV"), Some('1'));
    }

    #[test]
    fn ids_and_placeholders() {
        assert!(is_cloudflare_id("0123456789abcdef0123456789abcdef"));
        assert!(!is_cloudflare_id("0123456789ABCDEF0123456789ABCDEF"));
        assert!(is_uuid("6f3b2c1a-0d4e-4f5a-9b8c-7d6e5f4a3b2c"));
        assert!(!is_uuid("6f3b2c1a0d4e4f5a9b8c7d6e5f4a3b2c"));
        for placeholder in [
            "<your-namespace-id>",
            "${KV_ID}",
            "xxxxxxxx",
            "00000000-0000-0000-0000-000000000000",
            "YOUR_DATABASE_ID",
        ] {
            assert!(looks_like_placeholder(placeholder), "{placeholder}");
        }
        assert!(!looks_like_placeholder("0123456789abcdef0123456789abcdef"));
    }

    #[test]
    fn emails() {
        assert!(looks_like_email("ops@example.com"));
        for bad in [
            "ops",
            "ops@localhost",
            "@example.com",
            "a b@example.com",
            "a@@b.c",
            "a@b..c",
        ] {
            assert!(!looks_like_email(bad), "{bad}");
        }
    }

    #[test]
    fn esm_statements() {
        assert_eq!(
            esm_statement("const a = 1;\nexport default {}"),
            Some((2, "export"))
        );
        assert_eq!(
            esm_statement("import { x } from './x.js'"),
            Some((1, "import"))
        );
        assert_eq!(
            esm_statement("import'./side-effect.js'"),
            Some((1, "import"))
        );
        assert_eq!(
            esm_statement("var w={};export{w as default};"),
            Some((1, "export"))
        );
        assert_eq!(
            esm_statement("const m = await import('./m.js');\nimport.meta.url"),
            None
        );
        assert_eq!(
            esm_statement("// export default x\n/*\nexport const a = 1\n*/\nmodule.exports = {}"),
            None
        );
        assert_eq!(
            esm_statement("addEventListener('fetch', e => {}) // export later"),
            None
        );
        assert_eq!(esm_statement("const exported = 1; exports.x = 2"), None);
        assert_eq!(
            esm_statement("/**\n * export default x\n */\nmodule.exports = {}"),
            None
        );
        assert_eq!(
            esm_statement("module.exports = 1\n\n  export  { a }"),
            Some((3, "export"))
        );
        assert_eq!(esm_statement("import"), None);
    }

    #[test]
    fn suggestions() {
        let types = ["kv_namespace", "secret_text", "r2_bucket", "browser"];
        assert_eq!(closest("secret_txt", &types), Some("secret_text"));
        assert_eq!(closest("kv", &types), Some("kv_namespace"));
        assert_eq!(closest("browser_rendering", &types), Some("browser"));
        assert_eq!(closest("R2-Bucket", &types), Some("r2_bucket"));
        assert_eq!(closest("hologram", &types), None);
    }

    #[test]
    fn a_huge_word_is_compared_in_one_pass() {
        let types = crate::model::KNOWN_BINDING_TYPES;
        let huge = "k".repeat(1_000_000);
        let started = crate::rules::testing::thread_cpu_time();
        assert_eq!(closest(&huge, types), None);
        let near = format!("{}x", "kv_namespace");
        assert_eq!(closest(&near, types), Some("kv_namespace"));
        let prefixed = format!("kv_namespace{}", "z".repeat(1_000_000));
        assert_eq!(
            closest(&prefixed, types),
            Some("kv_namespace"),
            "contains one"
        );
        // Unbounded, this took 31 s; the margin is for a slow test machine.
        let elapsed = crate::rules::testing::thread_cpu_time() - started;
        assert!(elapsed < std::time::Duration::from_secs(5), "{elapsed:?}");
    }

    #[test]
    fn worker_names() {
        assert_eq!(worker_name_problem("my-worker_2"), None);
        assert!(worker_name_problem("My-Worker")
            .unwrap()
            .contains("lowercase"));
        assert!(worker_name_problem("my.worker").unwrap().contains("`.`"));
        assert!(worker_name_problem(&"a".repeat(64)).unwrap().contains("63"));
    }
}
