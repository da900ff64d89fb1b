//! A curl command that sends the same request, ready to paste into bash.
//!
//! Two quoting layers are involved and both are handled here:
//! - bash: every argument is single-quoted except the `Authorization` header, which must expand
//!   `$CLOUDFLARE_API_TOKEN` (the token itself is never written into the command);
//! - curl's own `-F` syntax (`name=@path;type=…;filename=…`): a path or filename holding `;`,
//!   `,`, `"`, `\` or white space is double-quoted with `\"` and `\\` escaped, as curl's manual
//!   describes.
//!
//! The JSON part is not written into any argument at all: `-F 'metadata=<-;type=application/json'`
//! makes curl read it from standard input, fed by a quoted here-document, so no character of
//! the JSON is interpreted by bash or by curl. The compact JSON is one line starting with `{`,
//! so it can never be mistaken for the delimiter line. The here-document ends the JSON with a
//! newline, which the part keeps; JSON parsers ignore it.
//!
//! What curl `-F` cannot express at all (a part name containing `=`, an empty name, a NUL byte)
//! is left out of the command and explained in [`CurlCommand::notes`], which are also written
//! as comments at the top of the command. So is a module whose file lies outside the folder the
//! command runs in (an absolute path or one climbing out with `..`), unless asked for: a
//! composition is a file people share, and the command must not upload someone's own files
//! from elsewhere on their disk. A module file named `-` is written `./-` (curl reads `@-` from
//! standard input, which carries the JSON part).
//!
//! curl is given `--path-as-is`, so it sends the path exactly as written; a request whose
//! account id, script name or dispatch namespace would change the endpoint (`..`, a `/`) is not
//! rendered at all (see [`crate::model::Request::endpoint_problem`]).

use crate::model::{path_leaves_folder, Composition, Module, CLOUDFLARE_API_BASE};

/// The here-document delimiter closing the JSON part.
pub const HEREDOC_DELIMITER: &str = "BINDERY_METADATA";

/// The environment variable the command reads the API token from.
pub const TOKEN_VARIABLE: &str = "CLOUDFLARE_API_TOKEN";

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CurlOptions {
    /// The API base URL; [`CLOUDFLARE_API_BASE`] by default.
    pub api_base: String,
    /// Put before every module file path (e.g. `dist/`); empty by default.
    pub file_prefix: String,
    /// Keep modules whose file lies outside the folder the command runs in (absolute paths,
    /// `..`); they are left out by default.
    pub allow_outside_paths: bool,
}

impl Default for CurlOptions {
    fn default() -> Self {
        CurlOptions {
            api_base: CLOUDFLARE_API_BASE.to_string(),
            file_prefix: String::new(),
            allow_outside_paths: false,
        }
    }
}

/// The command text and what it could not express.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CurlCommand {
    /// Bash text, ending with a newline.
    pub text: String,
    /// One sentence per module part left out of the command (empty when the command is
    /// complete).
    pub notes: Vec<String>,
}

/// The curl command sending `c`, reading module files relative to the current folder (or
/// below `o.file_prefix`).
pub fn command(c: &Composition, o: &CurlOptions) -> CurlCommand {
    command_with_json(c, o, &super::json::compact(c))
}

/// [`command`] with the compact wire JSON already computed (see [`super::preview`]).
pub fn command_with_json(c: &Composition, o: &CurlOptions, compact_json: &str) -> CurlCommand {
    if let Some(problem) = c.request.endpoint_problem() {
        let note = format!("not rendered: {problem}");
        return CurlCommand {
            text: format!("# {}\n", note.replace('\n', " ")),
            notes: vec![note],
        };
    }
    let notes = problems(c, o);
    let operation = c.request.operation;

    let mut text = String::new();
    for note in &notes {
        text.push_str(&format!("# Note: {note}\n"));
    }
    text.push_str(&intro_comment(c, o));

    let json_form_value = format!("{}=<-;type=application/json", operation.json_part_name());
    let mut arguments = vec![
        format!(
            "curl --path-as-is -X {} {}",
            c.request.method(),
            shell_quote(&c.request.url(&o.api_base))
        ),
        format!("-H \"Authorization: Bearer ${TOKEN_VARIABLE}\""),
        format!("-F {}", shell_quote(&json_form_value)),
    ];
    if operation.sends_modules() {
        arguments.extend(
            c.modules
                .iter()
                .filter(|module| module_problem(module, o).is_none())
                .map(|module| format!("-F {}", shell_quote(&module_form_value(module, o)))),
        );
    }
    arguments.push(format!("<<'{HEREDOC_DELIMITER}'"));

    // One argument per line; the here-document body follows the last one.
    text.push_str(&arguments.join(" \\\n  "));
    text.push('\n');
    text.push_str(compact_json);
    text.push('\n');
    text.push_str(HEREDOC_DELIMITER);
    text.push('\n');
    CurlCommand { text, notes }
}

/// Why some module parts cannot be sent with curl `-F` (and are left out of [`command`]).
pub fn problems(c: &Composition, o: &CurlOptions) -> Vec<String> {
    if !c.request.operation.sends_modules() {
        return Vec::new();
    }
    c.modules
        .iter()
        .filter_map(|module| module_problem(module, o))
        .collect()
}

fn module_problem(module: &Module, o: &CurlOptions) -> Option<String> {
    // `{:?}` escapes control characters, so a note can never break out of its comment line.
    let name = &module.name;
    if name.is_empty() {
        Some(
            "a module with an empty name was left out: curl -F cannot send a part without a name"
                .into(),
        )
    } else if name.contains('=') {
        Some(format!(
            "module {name:?} was left out: curl -F cannot send a part name containing `=` (rename the module)"
        ))
    } else if name.contains('\0') {
        Some(format!(
            "module {name:?} was left out: a command-line argument cannot hold a NUL byte"
        ))
    } else if o.file_prefix.contains('\0') || module.local_file().contains('\0') {
        Some(format!(
            "module {name:?} was left out: its file path {:?} holds a NUL byte",
            local_path(module, o)
        ))
    } else if !o.allow_outside_paths && path_leaves_folder(module.local_file()) {
        Some(format!(
            "module {name:?} was left out: its file {:?} is outside the folder the command runs in (give it a path inside that folder, or render with --allow-outside-paths)",
            module.local_file()
        ))
    } else {
        None
    }
}

fn local_path(module: &Module, o: &CurlOptions) -> String {
    let path = format!("{}{}", o.file_prefix, module.local_file());
    // `@-` would read standard input, which carries the JSON part.
    if path == "-" {
        return "./-".to_string();
    }
    path
}

/// `NAME=@PATH;type=CT;filename=FILENAME`, in curl's `-F` syntax (before shell quoting).
fn module_form_value(module: &Module, o: &CurlOptions) -> String {
    format!(
        "{}=@{};type={};filename={}",
        module.name,
        curl_word(&local_path(module, o)),
        curl_word(module.content_type()),
        curl_word(module.filename())
    )
}

fn intro_comment(c: &Composition, o: &CurlOptions) -> String {
    let mut comment =
        String::from("# Paste into bash. The API token is read from $CLOUDFLARE_API_TOKEN.\n");
    if c.request.operation.sends_modules() && !c.modules.is_empty() {
        if o.file_prefix.is_empty() {
            comment.push_str("# Run it from the folder holding the module files.\n");
        } else {
            comment.push_str(
                "# Module files are read below the prefix given in each -F argument; run it from the folder that prefix is relative to.\n",
            );
        }
    }
    comment.push_str(&format!(
        "# The {} JSON is read by curl from the here-document after the command (<<'{HEREDOC_DELIMITER}'),\n\
         # so bash interprets none of its characters; the part ends with the here-document's newline.\n",
        c.request.operation.json_part_name()
    ));
    comment
}

/// A value in curl's `-F` syntax: as is when plain, else double-quoted with `\` and `"` escaped.
pub fn curl_word(value: &str) -> String {
    let plain = !value.is_empty()
        && !value.chars().any(|ch| {
            matches!(ch, ';' | ',' | '"' | '\\') || ch.is_whitespace() || ch.is_control()
        });
    if plain {
        return value.to_string();
    }
    let mut quoted = String::with_capacity(value.len() + 2);
    quoted.push('"');
    for ch in value.chars() {
        if ch == '"' || ch == '\\' {
            quoted.push('\\');
        }
        quoted.push(ch);
    }
    quoted.push('"');
    quoted
}

/// Single-quotes `value` for bash: nothing inside single quotes is special except `'` itself,
/// written as `'\''`.
pub fn shell_quote(value: &str) -> String {
    format!("'{}'", value.replace('\'', r"'\''"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Binding, BindingKind, Metadata, ModuleKind, Operation, Request, Target};

    fn seed() -> Composition {
        Composition {
            request: Request {
                target: Target::Account,
                operation: Operation::Upload,
                account_id: "acc".into(),
                script_name: "my-worker".into(),
                ..Default::default()
            },
            metadata: Metadata {
                main_module: Some("worker.js".into()),
                bindings: vec![Binding::new(
                    "USER_KV",
                    BindingKind::KvNamespace {
                        namespace_id: "ns".into(),
                    },
                )]
                .into(),
                compatibility_date: Some("2024-06-01".into()),
                ..Default::default()
            },
            modules: vec![Module::inline("worker.js", "export default {}")],
            ..Default::default()
        }
    }

    #[test]
    fn seed_command_reads_json_from_a_quoted_here_document() {
        let curl = command(&seed(), &CurlOptions::default());
        assert!(curl.notes.is_empty());
        let expected_tail = [
            r"curl --path-as-is -X PUT 'https://api.cloudflare.com/client/v4/accounts/acc/workers/scripts/my-worker' \",
            r#"  -H "Authorization: Bearer $CLOUDFLARE_API_TOKEN" \"#,
            r"  -F 'metadata=<-;type=application/json' \",
            r"  -F 'worker.js=@worker.js;type=application/javascript+module;filename=worker.js' \",
            r"  <<'BINDERY_METADATA'",
            r#"{"main_module":"worker.js","bindings":[{"type":"kv_namespace","name":"USER_KV","namespace_id":"ns"}],"compatibility_date":"2024-06-01"}"#,
            "BINDERY_METADATA\n",
        ]
        .join("\n");
        assert!(curl.text.ends_with(&expected_tail), "{}", curl.text);
        assert!(curl.text.starts_with("# "));
        assert!(curl
            .text
            .contains("from the folder holding the module files"));
    }

    #[test]
    fn token_variable_is_the_only_double_quoted_argument() {
        let text = command(&seed(), &CurlOptions::default()).text;
        let lines: Vec<&str> = text.lines().filter(|l| !l.starts_with('#')).collect();
        let with_double_quote_arg: Vec<&&str> = lines
            .iter()
            .filter(|l| l.trim_start().starts_with("-H \""))
            .collect();
        assert_eq!(with_double_quote_arg.len(), 1);
    }

    #[test]
    fn settings_patch_sends_only_the_settings_part() {
        let mut c = seed();
        c.request.operation = Operation::Settings;
        let text = command(&c, &CurlOptions::default()).text;
        assert!(text.contains("curl --path-as-is -X PATCH '"));
        assert!(text.contains("/my-worker/settings'"));
        assert!(text.contains("-F 'settings=<-;type=application/json'"));
        assert!(!text.contains("worker.js=@"));
        assert!(!text.contains("module files"));
    }

    #[test]
    fn prefix_and_paths_are_quoted_for_curl_then_for_bash() {
        let mut c = seed();
        c.modules = vec![Module {
            path: Some("it's \"a;b\".js".into()),
            ..Module::inline("na me;x", "x")
        }];
        let options = CurlOptions {
            api_base: "http://127.0.0.1:9/base/".into(),
            file_prefix: "src dir/".into(),
            ..CurlOptions::default()
        };
        let text = command(&c, &options).text;
        assert!(text.contains(
            "curl --path-as-is -X PUT 'http://127.0.0.1:9/base/accounts/acc/workers/scripts/my-worker'"
        ));
        assert!(
            text.contains(r#"-F 'na me;x=@"src dir/it'\''s \"a;b\".js";type=application/octet-stream;filename="na me;x"'"#),
            "{text}"
        );
    }

    #[test]
    fn curl_words_quote_only_when_needed() {
        assert_eq!(curl_word("lib/util.js"), "lib/util.js");
        assert_eq!(curl_word("ünï.js"), "ünï.js");
        assert_eq!(curl_word("a,b"), "\"a,b\"");
        assert_eq!(curl_word(r#"a\"b"#), r#""a\\\"b""#);
        assert_eq!(curl_word("tab\there"), "\"tab\there\"");
        assert_eq!(curl_word(""), "\"\"");
    }

    #[test]
    fn shell_quote_wraps_single_quotes() {
        assert_eq!(shell_quote("a'b$c"), r"'a'\''b$c'");
    }

    #[test]
    fn inexpressible_names_are_left_out_with_a_note() {
        let mut c = seed();
        c.modules.push(Module {
            kind: ModuleKind::Text,
            ..Module::inline("a=b\n# x", "t")
        });
        c.modules.push(Module::inline("", "t"));
        let curl = command(&c, &CurlOptions::default());
        assert_eq!(curl.notes.len(), 2, "{:?}", curl.notes);
        assert!(curl.notes[0].contains(r#""a=b\n# x""#) && curl.notes[0].contains('='));
        assert!(curl.notes[1].contains("empty name"));
        assert!(!curl.text.contains("-F 'a=b"));
        assert!(
            curl.text
                .lines()
                .filter(|l| l.starts_with("# Note: "))
                .count()
                == 2
        );
        assert!(curl.text.contains("worker.js=@worker.js"));
    }

    #[test]
    fn json_with_shell_metacharacters_stays_inside_the_here_document() {
        let mut c = seed();
        c.metadata.tags = vec!["$(rm -rf /) `x` 'q' \"d\" ; BINDERY_METADATA\nline".into()].into();
        let text = command(&c, &CurlOptions::default()).text;
        let after: Vec<&str> = text
            .split("<<'BINDERY_METADATA'\n")
            .nth(1)
            .unwrap()
            .lines()
            .collect();
        assert_eq!(after.len(), 2);
        assert_eq!(after[0], crate::encode::json::compact(&c));
        assert_eq!(after[1], "BINDERY_METADATA");
    }

    #[test]
    fn a_module_file_named_dash_is_not_standard_input() {
        let mut c = seed();
        c.modules = vec![Module::inline("-", "export default {}")];
        c.metadata.main_module = Some("-".into());
        let text = command(&c, &CurlOptions::default()).text;
        assert!(text.contains("-F '-=@./-;type="), "{text}");
        assert!(!text.contains("=@-;"), "{text}");
        let prefixed = CurlOptions {
            file_prefix: "dist/".into(),
            ..CurlOptions::default()
        };
        assert!(command(&c, &prefixed).text.contains("=@dist/-;"));
    }

    #[test]
    fn files_outside_the_folder_are_left_out_unless_allowed() {
        let mut c = seed();
        c.modules = vec![
            Module {
                path: Some("/etc/passwd".into()),
                ..Module::inline("worker.js", "")
            },
            Module {
                path: Some("../../.ssh/id_rsa".into()),
                ..Module::inline("key.txt", "")
            },
            Module {
                path: Some("src/lib.js".into()),
                ..Module::inline("lib.js", "")
            },
        ];
        let curl = command(&c, &CurlOptions::default());
        assert_eq!(curl.notes.len(), 2, "{:?}", curl.notes);
        assert!(curl.notes[0].contains("\"/etc/passwd\" is outside the folder"));
        assert!(!curl.text.contains("@/etc/passwd") && !curl.text.contains("id_rsa;"));
        assert!(curl.text.contains("lib.js=@src/lib.js;"));
        let allowed = CurlOptions {
            allow_outside_paths: true,
            ..CurlOptions::default()
        };
        let curl = command(&c, &allowed);
        assert!(curl.notes.is_empty());
        assert!(curl.text.contains("worker.js=@/etc/passwd;"));
    }

    #[test]
    fn a_request_that_would_change_the_endpoint_is_not_rendered() {
        for (field, value) in [("account", ".."), ("script", "."), ("script", "a/b")] {
            let mut c = seed();
            match field {
                "account" => c.request.account_id = value.into(),
                _ => c.request.script_name = value.into(),
            }
            let curl = command(&c, &CurlOptions::default());
            assert!(!curl.text.contains("curl --"), "{}", curl.text);
            assert!(
                curl.text.starts_with("# not rendered: request."),
                "{}",
                curl.text
            );
            assert_eq!(curl.text.lines().count(), 1);
            assert_eq!(curl.notes.len(), 1);
        }
    }
}
