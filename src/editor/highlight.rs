//! Syntax colouring of JSON text for the preview: spans with classes, as one HTML string, so a
//! large metadata object costs one DOM update instead of thousands of nodes; and which part of
//! the text an edit changed, so the preview replaces only that.
//!
//! The text is shown in blocks of [`CHUNK_LINES`] lines. The browser lays out and paints each
//! block on its own (the stylesheet gives them `content-visibility: auto`), so a keystroke that
//! changes one line of a 2,000-line preview re-lays out one block, and blocks scrolled out of
//! sight cost nothing; one text of thousands of lines would be laid out whole on every change.

/// HTML for `json` with keys, strings, numbers and literals wrapped in `<span class="j-…">`.
/// Every character of the input appears escaped in the output; the input need not be valid.
pub fn json_html(json: &str) -> String {
    let mut out = String::with_capacity(json.len() * 2);
    let chars: Vec<char> = json.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c == '"' {
            let start = i;
            i += 1;
            while i < chars.len() && chars[i] != '"' {
                i += if chars[i] == '\\' { 2 } else { 1 };
            }
            i = (i + 1).min(chars.len());
            let mut next = i;
            while next < chars.len() && chars[next].is_whitespace() {
                next += 1;
            }
            let class = if chars.get(next) == Some(&':') {
                "j-key"
            } else {
                "j-str"
            };
            push_span(&mut out, class, &chars[start..i]);
        } else if c == '-' || c.is_ascii_digit() {
            let start = i;
            while i < chars.len() && (chars[i].is_ascii_digit() || "+-.eE".contains(chars[i])) {
                i += 1;
            }
            push_span(&mut out, "j-num", &chars[start..i]);
        } else if c.is_ascii_alphabetic() {
            let start = i;
            while i < chars.len() && chars[i].is_ascii_alphabetic() {
                i += 1;
            }
            push_span(&mut out, "j-lit", &chars[start..i]);
        } else {
            push_escaped(&mut out, c);
            i += 1;
        }
    }
    out
}

fn push_span(out: &mut String, class: &str, text: &[char]) {
    out.push_str("<span class=\"");
    out.push_str(class);
    out.push_str("\">");
    for &c in text {
        push_escaped(out, c);
    }
    out.push_str("</span>");
}

fn push_escaped(out: &mut String, c: char) {
    match c {
        '&' => out.push_str("&amp;"),
        '<' => out.push_str("&lt;"),
        '>' => out.push_str("&gt;"),
        '"' => out.push_str("&quot;"),
        c => out.push(c),
    }
}

/// The range of lines to replace: `(head, old_end, new_end)` where lines `head..old_end` of
/// `old` become lines `head..new_end` of `new` (the head and the tail are unchanged).
pub fn changed_range<S: AsRef<str>>(old: &[S], new: &[&str]) -> (usize, usize, usize) {
    let head = old
        .iter()
        .zip(new)
        .take_while(|(a, b)| a.as_ref() == **b)
        .count();
    let max_tail = old.len().min(new.len()) - head;
    let tail = old
        .iter()
        .rev()
        .zip(new.iter().rev())
        .take(max_tail)
        .take_while(|(a, b)| a.as_ref() == **b)
        .count();
    (head, old.len() - tail, new.len() - tail)
}

/// How many lines of the preview make one block.
pub const CHUNK_LINES: usize = 16;

/// `text` cut into blocks of [`CHUNK_LINES`] lines, each with its lines' newlines (the last
/// block has no final newline unless the text has one); joined, they are `text` again. Empty
/// text is no block.
pub fn chunks(text: &str) -> Vec<&str> {
    let mut chunks = Vec::new();
    let mut start = 0;
    let mut lines = 0;
    for (at, _) in text.match_indices('\n') {
        lines += 1;
        if lines == CHUNK_LINES {
            chunks.push(&text[start..=at]);
            start = at + 1;
            lines = 0;
        }
    }
    if start < text.len() {
        chunks.push(&text[start..]);
    }
    chunks
}

/// How many whole lines `old` and `new` share at their start (where the view scrolls to).
pub fn first_changed_line(old: &str, new: &str) -> usize {
    old.split_inclusive('\n')
        .zip(new.split_inclusive('\n'))
        .take_while(|(a, b)| a == b)
        .count()
}

/// HTML for blocks of text (see [`chunks`]), one `<span class="chunk">` each, coloured.
pub fn chunks_html(chunks: &[&str]) -> String {
    let mut html = String::new();
    for chunk in chunks {
        html.push_str("<span class=\"chunk\">");
        html.push_str(&json_html(chunk));
        html.push_str("</span>");
    }
    html
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn highlighting_escapes_and_marks_tokens() {
        let html = json_html(r#"{"a<b": "x\"</script>", "n": -1.5e3, "t": true}"#);
        assert!(
            html.contains(r#"<span class="j-key">&quot;a&lt;b&quot;</span>"#),
            "{html}"
        );
        assert!(
            html.contains(r#"<span class="j-str">&quot;x\&quot;&lt;/script&gt;&quot;</span>"#),
            "{html}"
        );
        assert!(html.contains(r#"<span class="j-num">-1.5e3</span>"#));
        assert!(html.contains(r#"<span class="j-lit">true</span>"#));
        assert!(!html.contains("</script>"));
    }

    #[test]
    fn every_character_survives_even_in_broken_json() {
        for text in ["\"unterminated \\", "\\", "{\"a\": tru", "<&>", "é\"ü\":1"] {
            let html = json_html(text);
            let unescaped = html
                .split('<')
                .map(|piece| piece.split_once('>').map_or(piece, |(_, rest)| rest))
                .collect::<String>()
                .replace("&lt;", "<")
                .replace("&gt;", ">")
                .replace("&quot;", "\"")
                .replace("&amp;", "&");
            assert_eq!(unescaped, text, "{html}");
        }
    }

    #[test]
    fn only_the_changed_lines_are_replaced() {
        let old: Vec<String> = ["{", "  \"a\": 1,", "  \"b\": 2", "}"]
            .map(String::from)
            .to_vec();
        assert_eq!(
            changed_range(&old, &["{", "  \"a\": 10,", "  \"b\": 2", "}"]),
            (1, 2, 2)
        );
        assert_eq!(
            changed_range(
                &old,
                &["{", "  \"a\": 1,", "  \"x\": 0,", "  \"b\": 2", "}"]
            ),
            (2, 2, 3)
        );
        assert_eq!(changed_range(&old, &["{", "}"]), (1, 3, 1));
        assert_eq!(
            changed_range(&old, &["{", "  \"a\": 1,", "  \"b\": 2", "}"]),
            (4, 4, 4)
        );
        assert_eq!(changed_range::<&str>(&[], &["{"]), (0, 0, 1));
    }

    #[test]
    fn the_text_is_cut_into_blocks_of_whole_lines_that_join_back_into_it() {
        let lines = |n: usize| (0..n).map(|i| format!("line {i}")).collect::<Vec<_>>();
        for n in [
            0,
            1,
            CHUNK_LINES - 1,
            CHUNK_LINES,
            CHUNK_LINES + 1,
            5 * CHUNK_LINES + 3,
        ] {
            for end in ["", "\n"] {
                let text = lines(n).join("\n") + if n > 0 { end } else { "" };
                let blocks = chunks(&text);
                assert_eq!(blocks.concat(), text, "{n} lines");
                assert_eq!(blocks.len(), n.div_ceil(CHUNK_LINES), "{n} lines{end:?}");
                for block in &blocks[..blocks.len().saturating_sub(1)] {
                    assert_eq!(block.matches('\n').count(), CHUNK_LINES);
                    assert!(block.ends_with('\n'));
                }
            }
        }
    }

    #[test]
    fn an_edit_on_one_line_changes_only_its_block() {
        let text: String = (0..200).map(|i| format!("  \"k{i}\": {i},\n")).collect();
        let edited = text.replace("\"k90\": 90", "\"k90\": 91");
        let (old, new) = (chunks(&text), chunks(&edited));
        let block = 90 / CHUNK_LINES;
        assert_eq!(changed_range(&old, &new), (block, block + 1, block + 1));
        assert_eq!(
            first_changed_line(old[block], new[block]),
            90 - block * CHUNK_LINES
        );
        assert_eq!(first_changed_line("a\nb\n", "a\nb\nc"), 2);
        assert_eq!(first_changed_line("a\nb", "a\nbc"), 1);
        assert_eq!(
            chunks_html(&["{\n", "}"]),
            "<span class=\"chunk\">{\n</span><span class=\"chunk\">}</span>"
        );
    }
}
