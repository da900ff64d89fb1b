//! Syntax colouring of JSON text for the preview: spans with classes, as one HTML string, so a
//! large metadata object costs one DOM update instead of thousands of nodes.

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
