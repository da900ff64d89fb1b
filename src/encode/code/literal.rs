//! String literals for the generated programs: small pure functions, one per literal form.
//!
//! Whatever the user typed (names, paths, metadata JSON, module text) ends up inside one of
//! these literals, so each function guarantees that the literal, compiled, is exactly the
//! given text and that nothing in it can close the literal, start an interpolation or a
//! unicode escape, or hide from a reader:
//! - the quote, the backslash and each language's interpolation opener (`${` in JavaScript
//!   templates) are escaped;
//! - control characters, line and paragraph separators, non-ASCII white space and invisible
//!   format characters (zero-width, bidirectional overrides: "Trojan Source") are written as
//!   escapes even where the language would accept them raw, so what a reader sees is what runs;
//! - Java processes `\uXXXX` escapes before it reads literals or comments, so its literals write
//!   every non-ASCII character as a `\u` escape of its UTF-16 units and never one for ASCII.
//!
//! The multi-line forms (`*_text`) keep line feeds and tabs raw so embedded code stays readable.

use std::fmt::Write as _;

/// Characters written as an escape in every language: see the module header.
pub fn is_hidden(ch: char) -> bool {
    ch.is_control()
        || (ch.is_whitespace() && ch != ' ')
        || matches!(
            ch,
            '\u{ad}'
                | '\u{34f}'
                | '\u{61c}'
                | '\u{115f}'
                | '\u{1160}'
                | '\u{17b4}'
                | '\u{17b5}'
                | '\u{180b}'..='\u{180f}'
                | '\u{200b}'..='\u{200f}'
                | '\u{202a}'..='\u{202e}'
                | '\u{2060}'..='\u{206f}'
                | '\u{3164}'
                | '\u{fe00}'..='\u{fe0f}'
                | '\u{feff}'
                | '\u{ffa0}'
                | '\u{fff0}'..='\u{fffb}'
                | '\u{1bca0}'..='\u{1bca3}'
                | '\u{1d173}'..='\u{1d17a}'
                | '\u{e0000}'..='\u{e0fff}'
        )
}

/// Whether `text` can be written between raw delimiters (Go backquotes, Rust `r#"…"#`):
/// nothing hidden but line feeds and tabs, and no carriage return (both languages refuse or
/// drop it there).
fn raw_friendly(text: &str) -> bool {
    !text
        .chars()
        .any(|ch| is_hidden(ch) && ch != '\n' && ch != '\t')
}

/// A JavaScript string literal between `quote` (`"` or `'`).
pub fn js_string(text: &str, quote: char) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push(quote);
    for ch in text.chars() {
        match ch {
            '\\' => out.push_str("\\\\"),
            _ if ch == quote => {
                out.push('\\');
                out.push(ch);
            }
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            _ => push_js_common(&mut out, ch),
        }
    }
    out.push(quote);
    out
}

/// A JavaScript template literal (backquotes) keeping line feeds and tabs raw.
pub fn js_template(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('`');
    let mut chars = text.chars().peekable();
    while let Some(ch) = chars.next() {
        match ch {
            '\\' => out.push_str("\\\\"),
            '`' => out.push_str("\\`"),
            '$' if chars.peek() == Some(&'{') => out.push_str("\\$"),
            '\n' | '\t' => out.push(ch),
            _ => push_js_common(&mut out, ch),
        }
    }
    out.push('`');
    out
}

fn push_js_common(out: &mut String, ch: char) {
    match ch {
        '\r' => out.push_str("\\r"),
        '\u{8}' => out.push_str("\\b"),
        '\u{c}' => out.push_str("\\f"),
        '\u{b}' => out.push_str("\\v"),
        // `\x00` rather than `\0`: `\0` before a digit is a syntax error in templates.
        _ if ch.is_ascii_control() => {
            let _ = write!(out, "\\x{:02x}", ch as u32);
        }
        _ if is_hidden(ch) && (ch as u32) < 0x10000 => {
            let _ = write!(out, "\\u{:04x}", ch as u32);
        }
        _ if is_hidden(ch) => {
            let _ = write!(out, "\\u{{{:x}}}", ch as u32);
        }
        _ => out.push(ch),
    }
}

/// A Python `str` literal between `quote` (`"` or `'`).
pub fn python_string(text: &str, quote: char) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push(quote);
    for ch in text.chars() {
        match ch {
            '\\' => out.push_str("\\\\"),
            _ if ch == quote => {
                out.push('\\');
                out.push(ch);
            }
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            _ => push_python_common(&mut out, ch),
        }
    }
    out.push(quote);
    out
}

/// A Python triple-quoted `str` literal (`"""…"""`) keeping line feeds and tabs raw. Every `"`
/// is escaped, so no `"""` can end it early.
pub fn python_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 6);
    out.push_str("\"\"\"");
    for ch in text.chars() {
        match ch {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' | '\t' => out.push(ch),
            _ => push_python_common(&mut out, ch),
        }
    }
    out.push_str("\"\"\"");
    out
}

fn push_python_common(out: &mut String, ch: char) {
    match ch {
        '\r' => out.push_str("\\r"),
        _ if (ch as u32) < 0x100 && is_hidden(ch) => {
            let _ = write!(out, "\\x{:02x}", ch as u32);
        }
        _ if is_hidden(ch) && (ch as u32) < 0x10000 => {
            let _ = write!(out, "\\u{:04x}", ch as u32);
        }
        _ if is_hidden(ch) => {
            let _ = write!(out, "\\U{:08x}", ch as u32);
        }
        _ => out.push(ch),
    }
}

/// A Go interpreted string literal (`"…"`).
pub fn go_string(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for ch in text.chars() {
        match ch {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            // `\x` is a byte in Go: only for ASCII, which is one byte in UTF-8.
            _ if ch.is_ascii_control() => {
                let _ = write!(out, "\\x{:02x}", ch as u32);
            }
            _ if is_hidden(ch) && (ch as u32) < 0x10000 => {
                let _ = write!(out, "\\u{:04x}", ch as u32);
            }
            _ if is_hidden(ch) => {
                let _ = write!(out, "\\U{:08x}", ch as u32);
            }
            _ => out.push(ch),
        }
    }
    out.push('"');
    out
}

/// A Go raw string literal (backquotes) when `text` can be one, else [`go_string`].
pub fn go_text(text: &str) -> String {
    if raw_friendly(text) && !text.contains('`') {
        format!("`{text}`")
    } else {
        go_string(text)
    }
}

/// A Java string literal (`"…"`): ASCII only, see the module header.
pub fn java_string(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for ch in text.chars() {
        match ch {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            // Three octal digits, so a digit that follows is never read into the escape.
            _ if ch.is_ascii_control() => {
                let _ = write!(out, "\\{:03o}", ch as u32);
            }
            _ if ch.is_ascii() => out.push(ch),
            _ => {
                let mut units = [0u16; 2];
                for unit in ch.encode_utf16(&mut units) {
                    let _ = write!(out, "\\u{unit:04x}");
                }
            }
        }
    }
    out.push('"');
    out
}

/// Java literals for `text` cut into pieces of at most `max_chars` characters, each piece ending
/// at a line end where one is near: a class file holds at most 65,535 bytes per string constant
/// and Java has no multi-line literal before text blocks.
pub fn java_strings(text: &str, max_chars: usize) -> Vec<String> {
    let max_chars = max_chars.max(1);
    let mut pieces = Vec::new();
    let mut piece = String::new();
    let mut count = 0;
    for ch in text.chars() {
        piece.push(ch);
        count += 1;
        if count >= max_chars || (ch == '\n' && count >= max_chars / 2) {
            pieces.push(java_string(&piece));
            piece.clear();
            count = 0;
        }
    }
    if !piece.is_empty() || pieces.is_empty() {
        pieces.push(java_string(&piece));
    }
    pieces
}

/// A Rust string literal (`"…"`).
pub fn rust_string(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for ch in text.chars() {
        match ch {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            _ if ch.is_ascii_control() => {
                let _ = write!(out, "\\x{:02x}", ch as u32);
            }
            _ if is_hidden(ch) => {
                let _ = write!(out, "\\u{{{:x}}}", ch as u32);
            }
            _ => out.push(ch),
        }
    }
    out.push('"');
    out
}

/// A Rust raw string literal (`r#"…"#`, with as many `#` as needed) when `text` can be one,
/// else [`rust_string`].
pub fn rust_text(text: &str) -> String {
    if !raw_friendly(text) {
        return rust_string(text);
    }
    if !text.contains('"') {
        return format!("r\"{text}\"");
    }
    // One `#` more than the longest run of `#` right after a quote.
    let longest = text
        .split('"')
        .skip(1)
        .map(|after| after.chars().take_while(|&c| c == '#').count())
        .max()
        .unwrap_or(0);
    let hashes = "#".repeat(longest + 1);
    format!("r{hashes}\"{text}\"{hashes}")
}

/// A Rust byte string literal (`b"…"`).
pub fn rust_bytes(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() + 3);
    out.push_str("b\"");
    for &byte in bytes {
        match byte {
            b'\\' => out.push_str("\\\\"),
            b'"' => out.push_str("\\\""),
            b'\n' => out.push_str("\\n"),
            b'\r' => out.push_str("\\r"),
            b'\t' => out.push_str("\\t"),
            b' '..=b'~' => out.push(byte as char),
            _ => {
                let _ = write!(out, "\\x{byte:02x}");
            }
        }
    }
    out.push('"');
    out
}

/// `text` made safe for a one-line comment in every language: hidden characters (line breaks
/// included) become `\u{…}`; with `java`, so do all non-ASCII characters (javac reads sources
/// in the platform encoding) and every backslash is doubled, so that no `\uXXXX` escape (which
/// Java reads even inside comments) can form.
pub fn comment_text(text: &str, java: bool) -> String {
    let mut out = String::with_capacity(text.len());
    for ch in text.chars() {
        if is_hidden(ch) || (java && !ch.is_ascii()) {
            let _ = write!(out, "\\u{{{:x}}}", ch as u32);
        } else {
            out.push(ch);
        }
    }
    if java {
        out.replace('\\', "\\\\")
    } else {
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Text with every character the brief of each function mentions.
    const HOSTILE: &str = "q\"s'b\\d$e${x}`t%sp*/\"\"\"\n\r\t\0\u{7}\u{7f}\u{85}\u{a0}\u{2028}\u{2029}\u{202e}\u{feff}é日😀\u{e0041}\\u0022";

    fn has_raw_hidden(literal: &str, allowed: &[char]) -> bool {
        literal
            .chars()
            .any(|ch| is_hidden(ch) && !allowed.contains(&ch))
    }

    #[test]
    fn hidden_characters_are_controls_separators_and_invisible_formats() {
        for ch in [
            '\0',
            '\n',
            '\u{7f}',
            '\u{85}',
            '\u{a0}',
            '\u{2028}',
            '\u{202e}',
            '\u{200b}',
            '\u{feff}',
            '\u{3000}',
            '\u{e0041}',
        ] {
            assert!(is_hidden(ch), "{ch:?}");
        }
        for ch in [' ', 'a', '"', 'é', '日', '😀', '\u{ff}'] {
            assert!(!is_hidden(ch), "{ch:?}");
        }
    }

    #[test]
    fn javascript_strings_escape_quotes_backslashes_and_hidden_characters() {
        assert_eq!(js_string("it's \"x\"", '"'), r#""it's \"x\"""#);
        assert_eq!(js_string("it's \"x\"", '\''), r#"'it\'s "x"'"#);
        assert_eq!(
            js_string("a\\b\n\r\t\0\u{1b}${x}", '"'),
            r#""a\\b\n\r\t\x00\x1b${x}""#
        );
        assert_eq!(
            js_string("\u{2028}\u{202e}é😀\u{e0041}", '"'),
            "\"\\u2028\\u202eé😀\\u{e0041}\""
        );
        let literal = js_string(HOSTILE, '\'');
        assert!(!has_raw_hidden(&literal, &[]), "{literal}");
    }

    #[test]
    fn javascript_templates_escape_interpolation_and_keep_lines() {
        assert_eq!(
            js_template("a`b${c}$d\\e\n\tf\r"),
            "`a\\`b\\${c}$d\\\\e\n\tf\\r`"
        );
        assert_eq!(js_template("$"), "`$`");
        assert_eq!(js_template("${"), "`\\${`");
        let literal = js_template(HOSTILE);
        assert!(!has_raw_hidden(&literal, &['\n', '\t']), "{literal}");
    }

    #[test]
    fn python_strings_use_x_u_and_capital_u_escapes() {
        assert_eq!(python_string("it's", '\''), r"'it\'s'");
        assert_eq!(
            python_string("\0\u{85}\u{2028}\u{e0041}%s{x}", '"'),
            r#""\x00\x85\u2028\U000e0041%s{x}""#
        );
        assert_eq!(
            python_text("a\"\"\"b\\\n\tc\r"),
            "\"\"\"a\\\"\\\"\\\"b\\\\\n\tc\\r\"\"\""
        );
        let literal = python_text(HOSTILE);
        assert!(!literal[3..literal.len() - 3].contains("\"\"\""));
        assert!(!has_raw_hidden(&literal, &['\n', '\t']), "{literal}");
    }

    #[test]
    fn go_strings_never_write_a_non_ascii_byte_escape() {
        assert_eq!(
            go_string("a\"b\\c\n\0\u{85}\u{e0041}%v"),
            r#""a\"b\\c\n\x00\u0085\U000e0041%v""#
        );
        assert_eq!(go_text("{\"a\":\"$x\"}"), "`{\"a\":\"$x\"}`");
        assert_eq!(go_text("a`b"), "\"a`b\"");
        assert_eq!(go_text("a\rb"), "\"a\\rb\"");
        assert_eq!(go_text("line\n\tnext"), "`line\n\tnext`");
        assert_eq!(go_text("a\u{2028}"), "\"a\\u2028\"");
    }

    #[test]
    fn java_strings_are_ascii_with_utf16_unicode_escapes() {
        assert_eq!(
            java_string("a\"b\\c\n\0\u{1}7é😀"),
            r#""a\"b\\c\n\000\0017\u00e9\ud83d\ude00""#
        );
        // A typed `\u0022` stays text: its backslash is doubled, so Java sees no escape.
        assert_eq!(java_string("\\u0022"), r#""\\u0022""#);
        let literal = java_string(HOSTILE);
        assert!(literal.is_ascii() && !has_raw_hidden(&literal, &[]));
    }

    #[test]
    fn java_pieces_split_long_text_at_line_ends() {
        assert_eq!(java_strings("", 10), ["\"\""]);
        assert_eq!(java_strings("abc", 10), ["\"abc\""]);
        assert_eq!(
            java_strings("one\ntwo two\nthree", 8),
            ["\"one\\n\"", "\"two two\\n\"", "\"three\""]
        );
        let long = "é".repeat(25);
        let pieces = java_strings(&long, 10);
        assert_eq!(pieces.len(), 3);
        assert_eq!(pieces.concat().matches("\\u00e9").count(), 25);
    }

    #[test]
    fn rust_raw_strings_take_enough_hashes() {
        assert_eq!(rust_text("plain"), "r\"plain\"");
        assert_eq!(rust_text("{\"a\":1}"), "r#\"{\"a\":1}\"#");
        assert_eq!(rust_text("\"##x\"#"), "r###\"\"##x\"#\"###");
        assert_eq!(rust_text("a\rb"), "\"a\\rb\"");
        assert_eq!(rust_text("a\u{202e}\"b"), "\"a\\u{202e}\\\"b\"");
        assert_eq!(rust_string("\"\\\0\u{1b}😀"), "\"\\\"\\\\\\x00\\x1b😀\"");
    }

    #[test]
    fn rust_byte_strings_escape_everything_outside_printable_ascii() {
        assert_eq!(rust_bytes(b"a\"\\\n\x00\xff~"), r#"b"a\"\\\n\x00\xff~""#);
    }

    #[test]
    fn comments_hold_no_line_break_and_no_java_unicode_escape() {
        assert_eq!(comment_text("a\nb\u{2028}c", false), "a\\u{a}b\\u{2028}c");
        assert_eq!(comment_text("x \\u000a y", true), "x \\\\u000a y");
        assert_eq!(comment_text("é", false), "é");
        assert_eq!(comment_text("é", true), "\\\\u{e9}");
        assert_eq!(
            comment_text("\u{85}", true),
            "\\\\u{85}",
            "a \\u{{…}} is no Java escape once its backslash is doubled"
        );
    }
}
