//! Syntax colouring of JSON text for the preview: spans with classes, as one HTML string, so a
//! large metadata object costs one DOM update instead of thousands of nodes; and which lines an
//! edit changed, so the preview replaces only those.

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

/// HTML for lines, one `<span class="l">` each; every line but the last of the whole text
/// ends with a newline.
pub fn lines_html(lines: &[&str], last_of_text: bool) -> String {
    let mut html = String::new();
    for (i, line) in lines.iter().enumerate() {
        html.push_str("<span class=\"l\">");
        html.push_str(&json_html(line));
        if !(last_of_text && i + 1 == lines.len()) {
            html.push('\n');
        }
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
        let html = lines_html(&["{", "}"], true);
        assert_eq!(
            html,
            "<span class=\"l\">{\n</span><span class=\"l\">}</span>"
        );
    }
}
