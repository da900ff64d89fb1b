//! curl's `-F` / `--form` syntax, read as curl reads it (its `formparse`).
//!
//! `name=value` where the value is literal text, `@file` (a file upload: the part gets a
//! filename), `<file` (the file's text as a plain field) or `-` for standard input; then
//! `;type=…`, `;filename=…`, `;headers=…`, `;encoder=…`. Two rules surprise people and are
//! reproduced exactly, because they change what is sent:
//! - a literal value ends at the first `;` unless the whole value is double-quoted — so
//!   `-F 'metadata={"a":"b;c"}'` sends `{"a":"b`;
//! - a value starting with `"` is unquoted by curl (`\"` and `\\` unescaped), and whitespace
//!   around an unquoted value is trimmed.
//!
//! `--form-string` takes the value literally: no `@`, `<` or `;type=`.

/// Where a part's bytes come from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Source {
    /// The value itself.
    Text(String),
    /// `@path`: a file upload (filename = the path's last segment unless `;filename=`).
    File(String),
    /// `<path`: the file's content as a plain field (no filename).
    FileText(String),
}

impl Source {
    /// Reads from standard input (`@-`, `<-`).
    pub fn is_stdin(&self) -> bool {
        matches!(self, Source::File(p) | Source::FileText(p) if p == "-")
    }
}

/// One `-F` argument.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FormArg {
    pub name: String,
    pub source: Source,
    /// `;type=` (parameters after `;` included).
    pub content_type: Option<String>,
    /// `;filename=`.
    pub filename: Option<String>,
    /// `;headers=` (header lines; a `@file` of headers is not read).
    pub headers: Vec<String>,
    /// What curl dropped after a `;` it did not understand (a cut literal value).
    pub dropped: Vec<String>,
}

impl FormArg {
    /// The filename curl sends: `;filename=`, else the file's last path segment for `@file`.
    pub fn sent_filename(&self) -> Option<String> {
        if let Some(f) = &self.filename {
            return Some(f.clone());
        }
        match &self.source {
            Source::File(path) => Some(path.rsplit('/').next().unwrap_or(path).to_string()),
            _ => None,
        }
    }
}

/// Reads a word: double-quoted (`\"`, `\\` unescaped; then skipped to the next `;`/`end`), or
/// up to `;`/`end` with trailing white space trimmed. Returns the word and the rest (starting
/// at the separator, if any).
fn word(input: &str, end: Option<char>) -> (String, &str) {
    let stop = |c: char| c == ';' || Some(c) == end;
    if let Some(quoted) = input.strip_prefix('"') {
        let mut value = String::new();
        let mut chars = quoted.char_indices();
        while let Some((i, c)) = chars.next() {
            match c {
                '\\' => match quoted[i + 1..].chars().next() {
                    Some(n @ ('\\' | '"')) => {
                        value.push(n);
                        chars.next();
                    }
                    _ => value.push('\\'),
                },
                '"' => {
                    let after = &quoted[i + 1..];
                    let sep = after.find(stop).unwrap_or(after.len());
                    return (value, &after[sep..]);
                }
                other => value.push(other),
            }
        }
        // No closing quote: read it as unquoted.
    }
    let sep = input.find(stop).unwrap_or(input.len());
    (input[..sep].trim_end().to_string(), &input[sep..])
}

/// Parses the value of `-F` (or `--form-string` when `literal`).
pub fn parse(arg: &str, literal: bool) -> Result<FormArg, String> {
    let Some((name, contents)) = arg.split_once('=') else {
        return Err(format!(
            "`-F {arg}` has no `=`: curl refuses it (\"Illegally formatted input field\")"
        ));
    };
    let mut form = FormArg {
        name: name.to_string(),
        source: Source::Text(String::new()),
        content_type: None,
        filename: None,
        headers: Vec::new(),
        dropped: Vec::new(),
    };
    if literal {
        form.source = Source::Text(contents.to_string());
        return Ok(form);
    }
    if contents.starts_with('(') {
        return Err(format!(
            "`-F {arg}` opens a nested multipart, which the Workers API does not take"
        ));
    }
    let (kind, rest, end) = match contents.chars().next() {
        Some('@') => ('@', &contents[1..], Some(',')),
        Some('<') => ('<', &contents[1..], None),
        _ => ('=', contents, None),
    };
    let rest = rest.trim_start();
    let (data, mut rest) = word(rest, end);
    if kind == '@' && rest.starts_with(',') {
        return Err(format!("`-F {arg}` sends several files in one field, which the Workers API does not take; give each module its own -F"));
    }
    form.source = match kind {
        '@' => Source::File(data),
        '<' => Source::FileText(data),
        _ => Source::Text(data),
    };
    while let Some(after) = rest.strip_prefix(';') {
        let after = after.trim_start();
        if let (Some(t), None) = (after.strip_prefix("type="), &form.content_type) {
            let t = t.trim_start();
            let stop = t
                .find(|c: char| c == ';' || Some(c) == end)
                .unwrap_or(t.len());
            let value = t[..stop].trim_end();
            if !value.contains('/') {
                return Err(format!("`-F {arg}`: `type={value}` is not a media type; curl refuses it (\"Illegally formatted content-type field\")"));
            }
            form.content_type = Some(value.to_string());
            rest = &t[stop..];
        } else if let Some(f) = after.strip_prefix("filename=") {
            let (value, r) = word(f.trim_start(), end);
            form.filename = Some(value);
            rest = r;
        } else if let Some(h) = after.strip_prefix("headers=") {
            let (value, r) = word(h.trim_start_matches(['@', '<']).trim_start(), end);
            form.headers.push(value);
            rest = r;
        } else if let Some(e) = after.strip_prefix("encoder=") {
            let (value, r) = word(e.trim_start(), end);
            form.headers
                .push(format!("Content-Transfer-Encoding: {value}"));
            rest = r;
        } else if let Some(content_type) = form.content_type.as_mut().filter(|_| !after.is_empty())
        {
            // `type=text/plain; charset=utf-8`: the rest belongs to the type.
            let stop = after
                .find(|c: char| c == ';' || Some(c) == end)
                .unwrap_or(after.len());
            content_type.push_str("; ");
            content_type.push_str(after[..stop].trim_end());
            rest = &after[stop..];
        } else {
            let (value, r) = word(after, end);
            if !value.is_empty() {
                form.dropped.push(value);
            }
            rest = r;
        }
    }
    Ok(form)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(s: &str) -> Source {
        Source::Text(s.into())
    }

    #[test]
    fn files_types_and_filenames() {
        let f = parse(
            "worker.js=@dist/worker.js;type=application/javascript+module;filename=worker.js",
            false,
        )
        .unwrap();
        assert_eq!(f.name, "worker.js");
        assert_eq!(f.source, Source::File("dist/worker.js".into()));
        assert_eq!(
            f.content_type.as_deref(),
            Some("application/javascript+module")
        );
        assert_eq!(f.sent_filename().as_deref(), Some("worker.js"));
        let f = parse("a=@\"my dir/x;y.js\";filename=\"q\\\"r\"", false).unwrap();
        assert_eq!(f.source, Source::File("my dir/x;y.js".into()));
        assert_eq!(f.filename.as_deref(), Some("q\"r"));
        assert_eq!(
            parse("m=@dist/m.wasm", false)
                .unwrap()
                .sent_filename()
                .as_deref(),
            Some("m.wasm")
        );
    }

    #[test]
    fn standard_input_and_file_text() {
        let f = parse("metadata=<-;type=application/json", false).unwrap();
        assert_eq!(f.source, Source::FileText("-".into()));
        assert!(f.source.is_stdin());
        assert_eq!(f.sent_filename(), None);
        assert!(parse("x=@-", false).unwrap().source.is_stdin());
    }

    #[test]
    fn a_literal_value_ends_at_the_first_semicolon() {
        let f = parse(
            r#"metadata={"a":"b;c", "d": 1};type=application/json"#,
            false,
        )
        .unwrap();
        assert_eq!(f.source, text(r#"{"a":"b"#));
        assert_eq!(f.content_type.as_deref(), Some("application/json"));
        assert_eq!(f.dropped, [r#"c", "d": 1}"#]);
        // --form-string keeps it whole.
        let f = parse(r#"metadata={"a":"b;c"}"#, true).unwrap();
        assert_eq!(f.source, text(r#"{"a":"b;c"}"#));
    }

    #[test]
    fn quotes_and_white_space_as_curl_reads_them() {
        assert_eq!(
            parse(r#"m="quoted \"x\"""#, false).unwrap().source,
            text(r#"quoted "x""#)
        );
        assert_eq!(
            parse("m= {\"q\": 1} ", false).unwrap().source,
            text("{\"q\": 1}")
        );
        assert_eq!(
            parse("m=\"unclosed", false).unwrap().source,
            text("\"unclosed")
        );
        let f = parse("t=hi;type=text/plain; charset=utf-8", false).unwrap();
        assert_eq!(f.content_type.as_deref(), Some("text/plain; charset=utf-8"));
    }

    #[test]
    fn refusals_curl_makes() {
        assert!(parse("novalue", false).is_err());
        assert!(parse("a=@x.js,y.js", false).is_err());
        assert!(parse("a=x;type=bogus", false).is_err());
        assert!(parse("a=(;type=multipart/mixed", false).is_err());
    }
}
