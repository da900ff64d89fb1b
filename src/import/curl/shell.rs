//! Finding the curl command in pasted text, and what the shell would hand it.
//!
//! People paste more than the command: comments, `export` lines, a `$ ` prompt, `cat file |`
//! in front, `| jq .` behind, and the here-document that feeds `-F metadata=<-`. This file finds
//! where the command starts and ends, joins `\`-continued lines, collects here-document and
//! here-string bodies (the command's standard input) — then the `shlex` crate splits the command
//! into words exactly as a POSIX shell quotes them. Only quote state is tracked here, to know
//! which newline ends the command; no word is split by hand.

use super::CurlError;

/// The command's words and what it reads on standard input.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Extracted {
    /// The arguments after `curl`.
    pub args: Vec<String>,
    pub stdin: Option<Stdin>,
    /// `NAME=value` assignments on lines before the command (values of non-secret names).
    pub assignments: Vec<(String, String)>,
    /// Things of the paste that were not part of the command, for notes.
    pub ignored: Vec<String>,
}

/// Where standard input comes from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Stdin {
    /// `<<'EOF' … EOF`: the body, each line ending with a newline. `expanded` when the delimiter
    /// was unquoted and the body holds `$` or a backquote (the shell would substitute them).
    HereDocument { body: String, expanded: bool },
    /// `<<< word`: the word and a newline.
    HereString(String),
    /// `< file` or `cat file |`.
    File(String),
}

/// Names whose values are never kept, even from an `export` line.
fn is_secret_name(name: &str) -> bool {
    let upper = name.to_ascii_uppercase();
    ["TOKEN", "KEY", "SECRET", "PASSWORD", "AUTH"]
        .iter()
        .any(|s| upper.contains(s))
}

fn curl_word(word: &str) -> bool {
    word == "curl" || word == "curl.exe" || word.ends_with("/curl")
}

/// Where the command starts: the first line with a `curl` word (after a prompt or a pipe).
fn start_line(lines: &[&str]) -> Option<usize> {
    lines.iter().position(|line| {
        let t = line.trim_start();
        let t = t
            .strip_prefix("$ ")
            .or_else(|| t.strip_prefix("> "))
            .unwrap_or(t);
        t.split_whitespace().any(curl_word) && !t.starts_with('#')
    })
}

/// Shell operators, passed to `shlex` as words of their own: a NUL (which no shell text holds)
/// around the operator, so a quoted `>` or `|` inside an argument is never mistaken for one.
const HERE_STRING: &str = "\0<<<\0";
const HERE_DOC: &str = "\0<<\0";
const HERE_DOC_QUOTED: &str = "\0<<q\0";
const HERE_DOC_TABS: &str = "\0<<-\0";
const HERE_DOC_TABS_QUOTED: &str = "\0<<-q\0";
const INPUT: &str = "\0<\0";
const OUTPUT: &str = "\0>\0";
const CONTROL: &str = "\0|\0";

/// Scans from `start` to the newline that ends the command (quote-aware), dropping line
/// continuations and marking shell operators (see [`CONTROL`]). Returns the command text and
/// the byte index after its last line.
fn command_text(text: &str, start: usize) -> Result<(String, usize), CurlError> {
    #[derive(PartialEq)]
    enum State {
        Plain,
        Single,
        Double,
    }
    let chars: Vec<char> = text[start..].chars().collect();
    let mut out = String::new();
    let mut state = State::Plain;
    let mut i = 0;
    let mut consumed = 0usize; // bytes of text consumed
    let operator = |out: &mut String, op: &str| {
        out.push(' ');
        out.push_str(op);
        out.push(' ');
    };
    while i < chars.len() {
        let c = chars[i];
        let next = chars.get(i + 1).copied();
        let mut step = 1;
        match state {
            State::Plain => match c {
                '\'' => {
                    state = State::Single;
                    out.push(c);
                }
                '"' => {
                    state = State::Double;
                    out.push(c);
                }
                // Line continuations, LF or CRLF (`^` is a Windows `cmd` continuation).
                '\\' | '^' if next == Some('\n') => step = 2,
                '\\' | '^' if next == Some('\r') && chars.get(i + 2) == Some(&'\n') => step = 3,
                '\\' => {
                    out.push(c);
                    if let Some(n) = next {
                        out.push(n);
                        step = 2;
                    }
                }
                '\r' if next == Some('\n') => return Ok((out, start + consumed + 2)),
                '\n' => return Ok((out, start + consumed + 1)),
                '<' if next == Some('<') && chars.get(i + 2) == Some(&'<') => {
                    operator(&mut out, HERE_STRING);
                    step = 3;
                }
                '<' if next == Some('<') => {
                    let tabs = chars.get(i + 2) == Some(&'-');
                    let mut after = i + 2 + usize::from(tabs);
                    while chars.get(after).is_some_and(|c| *c == ' ' || *c == '\t') {
                        after += 1;
                    }
                    let quoted = matches!(chars.get(after), Some('\'' | '"' | '\\'));
                    let op = match (tabs, quoted) {
                        (false, false) => HERE_DOC,
                        (false, true) => HERE_DOC_QUOTED,
                        (true, false) => HERE_DOC_TABS,
                        (true, true) => HERE_DOC_TABS_QUOTED,
                    };
                    operator(&mut out, op);
                    step = 2 + usize::from(tabs);
                }
                '<' if next != Some('(') => operator(&mut out, INPUT),
                '>' | '&' if c == '>' || next == Some('>') => {
                    // `2>`, `1>`: the descriptor is part of the operator.
                    let mut chars_out: Vec<char> = out.chars().collect();
                    if c == '>'
                        && chars_out.last().is_some_and(char::is_ascii_digit)
                        && chars_out
                            .len()
                            .checked_sub(2)
                            .is_none_or(|p| chars_out[p].is_whitespace())
                    {
                        chars_out.pop();
                        out = chars_out.into_iter().collect();
                    }
                    operator(&mut out, OUTPUT);
                    // `>>`, `>&`, `>|`, `&>`.
                    if matches!(next, Some('>' | '&' | '|')) {
                        step = 2;
                    }
                }
                '|' | ';' | '&' => {
                    operator(&mut out, CONTROL);
                    if matches!((c, next), ('|', Some('|' | '&')) | ('&', Some('&'))) {
                        step = 2;
                    }
                }
                _ => out.push(c),
            },
            State::Single => {
                if c == '\'' {
                    state = State::Plain;
                }
                out.push(c);
            }
            State::Double => match c {
                '\\' if next == Some('\n') => step = 2,
                '\\' => {
                    out.push(c);
                    if let Some(n) = next {
                        out.push(n);
                        step = 2;
                    }
                }
                '"' => {
                    state = State::Plain;
                    out.push(c);
                }
                _ => out.push(c),
            },
        }
        consumed += chars[i..(i + step).min(chars.len())]
            .iter()
            .map(|c| c.len_utf8())
            .sum::<usize>();
        i += step;
    }
    if state != State::Plain {
        return Err(CurlError::UnclosedQuote);
    }
    Ok((out, text.len()))
}

/// Extracts the curl command from pasted text.
pub fn extract(text: &str) -> Result<Extracted, CurlError> {
    // No shell text holds a NUL (bash drops it); the operator marks use it.
    let text = text.replace('\0', "");
    let text = text.as_str();
    // Line ends may be CRLF (a paste from Windows): a CR before a newline is part of the line
    // end outside quotes, and of the text inside them.
    let lines: Vec<&str> = text.split('\n').collect();
    let start = start_line(&lines).ok_or(CurlError::NoCommand)?;
    let mut out = Extracted::default();
    for line in &lines[..start] {
        let t = line.trim();
        if t.is_empty() || t.starts_with('#') {
            continue;
        }
        let words = shlex::split(t).unwrap_or_default();
        let words: Vec<&str> = words
            .iter()
            .map(String::as_str)
            .skip_while(|w| *w == "export")
            .collect();
        match words.as_slice() {
            [assignment] if assignment.contains('=') => {
                let (name, value) = assignment.split_once('=').expect("contains =");
                if is_secret_name(name) {
                    out.ignored.push(format!(
                        "the value of `{name}` (a secret is never imported)"
                    ));
                } else if !name.is_empty() {
                    out.assignments.push((name.to_string(), value.to_string()));
                }
            }
            _ => out.ignored.push(format!("the line `{}`", shorten(t))),
        }
    }
    let offset: usize = lines[..start].iter().map(|l| l.len() + 1).sum();
    let (command, end) = command_text(text, offset)?;
    let words = shlex::split(&command).ok_or(CurlError::UnclosedQuote)?;
    let at = words
        .iter()
        .position(|w| curl_word(w))
        .ok_or(CurlError::NoCommand)?;

    // What feeds the command from the left: `cat file |`, `echo … |`.
    let before = &words[..at];
    let before = before
        .strip_prefix(&["$".to_string()][..])
        .unwrap_or(before);
    if let Some(pipe) = before.iter().rposition(|w| w == CONTROL) {
        match &before[..pipe] {
            [cat, file] if cat == "cat" => out.stdin = Some(Stdin::File(file.clone())),
            [echo, rest @ ..] if echo == "echo" => {
                out.stdin = Some(Stdin::HereString(rest.join(" ")))
            }
            other => out
                .ignored
                .push(format!("`{} |` before curl", other.join(" "))),
        }
    }

    let mut heredocs: Vec<(String, bool, bool, bool)> = Vec::new(); // delimiter, tabs, quoted, ours
    let mut ended = false; // after `|`, `;`, `&&`: another command's words
    let mut words = words[at + 1..].iter();
    let mut after: Vec<&str> = Vec::new();
    while let Some(word) = words.next() {
        match word.as_str() {
            HERE_DOC | HERE_DOC_QUOTED | HERE_DOC_TABS | HERE_DOC_TABS_QUOTED => {
                let delimiter = words.next().cloned().unwrap_or_default();
                let tabs = matches!(word.as_str(), HERE_DOC_TABS | HERE_DOC_TABS_QUOTED);
                let quoted = matches!(word.as_str(), HERE_DOC_QUOTED | HERE_DOC_TABS_QUOTED);
                heredocs.push((delimiter, tabs, quoted, !ended));
            }
            _ if ended => after.push(word),
            HERE_STRING => {
                out.stdin = Some(Stdin::HereString(words.next().cloned().unwrap_or_default()))
            }
            INPUT => {
                if let Some(file) = words.next() {
                    out.stdin = Some(Stdin::File(file.clone()));
                }
            }
            OUTPUT => {
                let target = words.next().cloned().unwrap_or_default();
                out.ignored
                    .push(format!("the output redirection to `{target}`"));
            }
            CONTROL => ended = true,
            _ => out.args.push(word.clone()),
        }
    }
    if ended {
        let shown: Vec<String> = after.iter().map(|w| w.replace('\0', "")).collect();
        out.ignored
            .push(format!("`{}` after the command", shown.join(" ")));
    }

    // Here-document bodies follow the command line, in order.
    let mut rest = text.get(end..).unwrap_or("").split('\n').peekable();
    for (delimiter, strip_tabs, quoted, ours) in heredocs {
        let mut body = String::new();
        let mut closed = false;
        for line in rest.by_ref() {
            let candidate = if strip_tabs {
                line.trim_start_matches('\t')
            } else {
                line
            };
            if candidate == delimiter || candidate.strip_suffix('\r') == Some(&delimiter) {
                closed = true;
                break;
            }
            body.push_str(candidate);
            body.push('\n');
        }
        if !closed {
            out.ignored.push(format!(
                "a here-document without its closing `{delimiter}` line (read to the end)"
            ));
            // bash drops the final newline-less tail the same way: keep what was read.
            if body.ends_with("\n\n") {
                body.pop();
            }
        }
        let expanded = !quoted && (body.contains('$') || body.contains('`'));
        if !quoted {
            body = unescape_heredoc(&body);
        }
        if ours {
            out.stdin = Some(Stdin::HereDocument { body, expanded });
        }
    }
    let trailing: Vec<&str> = rest.filter(|l| !l.trim().is_empty()).collect();
    if !trailing.is_empty() {
        out.ignored
            .push(format!("{} line(s) after the command", trailing.len()));
    }
    Ok(out)
}

/// The backslash rules of an unquoted here-document body: `\\`, `\$` and `` \` `` lose the
/// backslash, `\` + newline joins lines, any other backslash stays.
fn unescape_heredoc(body: &str) -> String {
    let mut out = String::with_capacity(body.len());
    let mut chars = body.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\\' {
            match chars.peek() {
                Some('\\' | '$' | '`') => out.push(chars.next().expect("peeked")),
                Some('\n') => {
                    chars.next();
                }
                _ => out.push(c),
            }
        } else {
            out.push(c);
        }
    }
    out
}

fn shorten(text: &str) -> String {
    if text.chars().count() > 60 {
        text.chars().take(57).collect::<String>() + "…"
    } else {
        text.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn joins_continued_lines_and_keeps_quoted_newlines() {
        let text = "curl -X PUT \\\n  'https://x/y' \\\n  -F 'metadata={\n\"a\": 1\n}' \\\n  -H \"A: b\"\necho done\n";
        let e = extract(text).unwrap();
        assert_eq!(
            e.args,
            [
                "-X",
                "PUT",
                "https://x/y",
                "-F",
                "metadata={\n\"a\": 1\n}",
                "-H",
                "A: b"
            ]
        );
        assert_eq!(e.ignored, ["1 line(s) after the command"]);
    }

    #[test]
    fn reads_a_quoted_here_document_as_standard_input() {
        let text = "# Paste into bash.\ncurl -X PUT 'u' \\\n  -F 'metadata=<-;type=application/json' \\\n  <<'BINDERY_METADATA'\n{\"main_module\":\"a.js\",\"x\":\"$HOME\"}\nBINDERY_METADATA\n";
        let e = extract(text).unwrap();
        assert_eq!(
            e.args,
            ["-X", "PUT", "u", "-F", "metadata=<-;type=application/json"]
        );
        assert_eq!(
            e.stdin,
            Some(Stdin::HereDocument {
                body: "{\"main_module\":\"a.js\",\"x\":\"$HOME\"}\n".into(),
                expanded: false
            })
        );
    }

    #[test]
    fn an_unquoted_here_document_is_marked_when_the_shell_would_expand_it() {
        let e = extract("curl u -F m=<- <<EOF\n{\"a\": \"$X\", \"b\": \"\\$y\"}\nEOF").unwrap();
        assert_eq!(
            e.stdin,
            Some(Stdin::HereDocument {
                body: "{\"a\": \"$X\", \"b\": \"$y\"}\n".into(),
                expanded: true
            })
        );
        let e = extract("curl u -F m=<- <<-  \"END\"\n\t{}\n\tEND\n").unwrap();
        assert_eq!(
            e.stdin,
            Some(Stdin::HereDocument {
                body: "{}\n".into(),
                expanded: false
            })
        );
    }

    #[test]
    fn prompts_pipes_assignments_and_redirections() {
        let text = "export ACCOUNT_ID=abc\nexport CLOUDFLARE_API_TOKEN=secret-value\nNAME=w\n$ cat meta.json | curl -s \"https://x/$ACCOUNT_ID\" -F 'metadata=<-' > out.json | jq .\n";
        let e = extract(text).unwrap();
        assert_eq!(e.args, ["-s", "https://x/$ACCOUNT_ID", "-F", "metadata=<-"]);
        assert_eq!(e.stdin, Some(Stdin::File("meta.json".into())));
        assert_eq!(
            e.assignments,
            [
                ("ACCOUNT_ID".to_string(), "abc".to_string()),
                ("NAME".to_string(), "w".to_string())
            ]
        );
        assert!(
            e.ignored
                .iter()
                .any(|i| i.contains("CLOUDFLARE_API_TOKEN") && !i.contains("secret-value")),
            "{:?}",
            e.ignored
        );
        let e = extract("curl u --data-binary @- < worker.js").unwrap();
        assert_eq!(e.stdin, Some(Stdin::File("worker.js".into())));
        let e = extract("curl u -F m=<- <<< '{\"a\":1}'").unwrap();
        assert_eq!(e.stdin, Some(Stdin::HereString("{\"a\":1}".into())));
    }

    #[test]
    fn only_unquoted_operators_are_operators() {
        let e = extract(
            "curl -F '1>=@a|b;c&d<e' -F \"x>y\" u 2>/dev/null | jq . ; echo <<EOF\n{}\nEOF\n",
        )
        .unwrap();
        assert_eq!(e.args, ["-F", "1>=@a|b;c&d<e", "-F", "x>y", "u"]);
        // The here-document belongs to `echo`, after the pipe: not curl's input.
        assert_eq!(e.stdin, None);
        assert!(
            e.ignored.iter().any(|i| i.contains("/dev/null")),
            "{:?}",
            e.ignored
        );
        assert!(
            e.ignored.iter().any(|i| i.contains("jq .")),
            "{:?}",
            e.ignored
        );
        let e = extract("curl u&&echo ok").unwrap();
        assert_eq!(e.args, ["u"]);
    }

    #[test]
    fn windows_line_endings_and_caret_continuations() {
        let e = extract("curl -X PUT ^\r\n  \"https://x\" \\\r\n  -H \"A: b\"\r\n").unwrap();
        assert_eq!(e.args, ["-X", "PUT", "https://x", "-H", "A: b"]);
    }

    #[test]
    fn errors_say_what_is_wrong() {
        assert_eq!(extract("ls -la\n"), Err(CurlError::NoCommand));
        assert_eq!(
            extract("curl -F 'metadata={\"a\": 1}"),
            Err(CurlError::UnclosedQuote)
        );
    }
}
