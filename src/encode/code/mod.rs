//! Complete programs that send the composed request, in the languages people call the API from:
//! curl (see [`super::curl`]), JavaScript, Python, Go, Java with OkHttp, and Rust with reqwest.
//!
//! Why Bindery writes them itself: converting its curl command with a generic curl-to-code tool
//! loses what matters here (the metadata read from a here-document becomes a file named `-`, the
//! parts lose their content types). Each generator starts from one shared description of the
//! request, [`Plan`], built from the multipart encoder's own part list
//! ([`super::multipart::heads`]), so every program sends the same parts with the same names,
//! file names and content types as [`super::multipart::body`], the metadata part holding
//! exactly the compact wire JSON.
//!
//! Every program reads the API token from `$CLOUDFLARE_API_TOKEN` (it is never written into the
//! program), reads each module file by path (below [`CodeOptions::file_prefix`]) or carries its
//! bytes ([`CodeOptions::embed`]), prints the API's answer and exits non-zero when the API
//! refused the request. User text only ever appears inside the literals of [`literal`].
//!
//! A part an HTTP library cannot send exactly as the encoder writes it (see each language's
//! `cannot_send`) is left out of the program and explained in [`Program::notes`], which the
//! program also carries as comments, as the curl command does.

pub mod go;
pub mod java;
pub mod javascript;
pub mod literal;
pub mod python;
pub mod rust;

use crate::model::{path_leaves_folder, Composition, ModuleKind, CLOUDFLARE_API_BASE};

use super::curl::{self, CurlOptions};
use super::multipart::heads;

/// The environment variable every program reads the API token from.
pub const TOKEN_VARIABLE: &str = super::curl::TOKEN_VARIABLE;

/// A language Bindery writes the request in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Language {
    Curl,
    JavaScript,
    Python,
    Go,
    Java,
    Rust,
}

impl Language {
    pub const ALL: [Language; 6] = [
        Language::Curl,
        Language::JavaScript,
        Language::Python,
        Language::Go,
        Language::Java,
        Language::Rust,
    ];

    /// The id used on the command line (`bindery render --as js`).
    pub fn id(self) -> &'static str {
        match self {
            Language::Curl => "curl",
            Language::JavaScript => "js",
            Language::Python => "python",
            Language::Go => "go",
            Language::Java => "java",
            Language::Rust => "rust",
        }
    }

    pub fn from_id(id: &str) -> Option<Language> {
        Language::ALL.into_iter().find(|l| l.id() == id)
    }

    /// The name shown on a tab.
    pub fn label(self) -> &'static str {
        match self {
            Language::Curl => "curl",
            Language::JavaScript => "JavaScript",
            Language::Python => "Python",
            Language::Go => "Go",
            Language::Java => "Java",
            Language::Rust => "Rust",
        }
    }

    /// What starts a comment line in the language.
    pub fn line_comment(self) -> &'static str {
        match self {
            Language::Curl | Language::Python => "#",
            Language::JavaScript | Language::Go | Language::Java | Language::Rust => "//",
        }
    }

    /// The file the program is meant to be saved as (the Java class is `Upload`).
    pub fn file_name(self) -> &'static str {
        match self {
            Language::Curl => "upload.sh",
            Language::JavaScript => "upload.mjs",
            Language::Python => "upload.py",
            Language::Go => "upload.go",
            Language::Java => "Upload.java",
            Language::Rust => "main.rs",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CodeOptions {
    /// The API base URL; [`CLOUDFLARE_API_BASE`] by default.
    pub api_base: String,
    /// Put before every module file path (e.g. `dist/`); empty by default.
    pub file_prefix: String,
    /// Write each module's bytes into the program instead of reading its file (not for curl).
    pub embed: bool,
    /// Keep modules read from a file outside the folder the program runs in (an absolute path,
    /// `..`); they are left out by default (see [`super::curl`]).
    pub allow_outside_paths: bool,
}

impl Default for CodeOptions {
    fn default() -> Self {
        CodeOptions {
            api_base: CLOUDFLARE_API_BASE.to_string(),
            file_prefix: String::new(),
            embed: false,
            allow_outside_paths: false,
        }
    }
}

impl CodeOptions {
    fn curl(&self) -> CurlOptions {
        CurlOptions {
            api_base: self.api_base.clone(),
            file_prefix: self.file_prefix.clone(),
            allow_outside_paths: self.allow_outside_paths,
        }
    }
}

/// A generated program and what it could not express.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Program {
    /// The source text, ending with a newline.
    pub text: String,
    /// One sentence per module part left out of the program (empty when it is complete).
    pub notes: Vec<String>,
}

/// The program sending `c` in `language`.
pub fn generate(language: Language, c: &Composition, o: &CodeOptions) -> Program {
    generate_with_json(language, c, o, &super::json::compact(c))
}

/// [`generate`] with the compact wire JSON already computed (see [`super::preview`]).
pub fn generate_with_json(
    language: Language,
    c: &Composition,
    o: &CodeOptions,
    compact_json: &str,
) -> Program {
    // A request whose account, script or namespace would change the endpoint is not written.
    if let Some(problem) = c.request.endpoint_problem() {
        let note = format!("not rendered: {problem}");
        return Program {
            text: format!("{} {}\n", language.line_comment(), note.replace('\n', " ")),
            notes: vec![note],
        };
    }
    let (render, cannot_send): (fn(&Plan) -> String, CannotSend) = match language {
        Language::Curl => {
            let command = curl::command_with_json(c, &o.curl(), compact_json);
            let mut notes = command.notes;
            if o.embed && c.request.operation.sends_modules() && !c.modules.is_empty() {
                notes.push(
                    "curl reads module files by path: embedding applies to the other languages"
                        .to_string(),
                );
            }
            return Program {
                text: command.text,
                notes,
            };
        }
        Language::JavaScript => (javascript::program, javascript::cannot_send),
        Language::Python => (python::program, python::cannot_send),
        Language::Go => (go::program, go::cannot_send),
        Language::Java => (java::program, java::cannot_send),
        Language::Rust => (rust::program, rust::cannot_send),
    };
    let plan = Plan::new(c, o, compact_json, cannot_send);
    Program {
        text: render(&plan),
        notes: plan.notes,
    }
}

/// Why a language's HTTP library cannot send a part named `name` exactly as the encoder does.
pub type CannotSend = fn(name: &str) -> Option<&'static str>;

/// What every program sends, in wire order, independent of the language.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Plan<'a> {
    /// `PUT`, `PATCH` or `POST`.
    pub method: &'static str,
    /// The full URL, query included.
    pub url: String,
    /// The JSON part: `metadata`, or `settings` for a settings PATCH.
    pub json_part: JsonPart<'a>,
    /// The module parts that travel with the request; each one's file name is its name.
    pub modules: Vec<PlannedModule<'a>>,
    /// Module parts left out, one sentence each.
    pub notes: Vec<String>,
    /// Where module files are read relative to: the current folder, or a prefix.
    pub file_prefix: &'a str,
}

/// The JSON part: its name, no file name, `application/json`, the compact JSON as its bytes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct JsonPart<'a> {
    pub name: String,
    pub content_type: String,
    pub json: &'a str,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PlannedModule<'a> {
    /// The part name, which is also its file name.
    pub name: &'a str,
    pub content_type: String,
    pub source: Source<'a>,
}

/// Where a module part's bytes come from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Source<'a> {
    /// Read from this path (file prefix included) when the program runs.
    File(String),
    /// Embedded UTF-8 text (code, text, source maps, Python).
    Text(&'a str),
    /// Embedded bytes: WebAssembly, data, or anything that is not UTF-8.
    Binary(&'a [u8]),
}

impl<'a> Plan<'a> {
    /// The plan for `c`, leaving out the modules `cannot_send` refuses (and the ones no program
    /// can send: an empty name, a NUL byte in the name or in the path it is read from).
    pub fn new(
        c: &'a Composition,
        o: &'a CodeOptions,
        compact_json: &'a str,
        cannot_send: CannotSend,
    ) -> Plan<'a> {
        let mut heads = heads(c, compact_json.len()).into_iter();
        let json_head = heads.next().expect("the JSON part always comes first");
        let mut modules = Vec::new();
        let mut notes = Vec::new();
        // `heads` lists the module parts in module order when the endpoint takes code.
        for (head, module) in heads.zip(&c.modules) {
            if module.filename() != module.name {
                notes.push(format!(
                    "module {:?} is sent with its name as its filename, not {:?} (the programs name each file after its part)",
                    module.name,
                    module.filename()
                ));
            }
            let path = format!("{}{}", o.file_prefix, module.local_file());
            let reason = if module.name.is_empty() {
                Some("a part needs a name")
            } else if module.name.contains('\0') {
                Some("a header cannot hold a NUL byte")
            } else if !o.embed && path.contains('\0') {
                Some("its file path holds a NUL byte (embed the module instead)")
            } else if !o.embed && !o.allow_outside_paths && path_leaves_folder(module.local_file())
            {
                Some("its file is outside the folder the program runs in (give it a path inside that folder, embed it, or render with --allow-outside-paths)")
            } else {
                cannot_send(&module.name)
            };
            if let Some(reason) = reason {
                // `{:?}` escapes control characters: a note never spans two lines.
                notes.push(format!("module {:?} was left out: {reason}", module.name));
                continue;
            }
            // Code and text stay readable; WebAssembly and data are bytes even when they
            // happen to be valid UTF-8.
            let binary_kind = matches!(module.kind, ModuleKind::Wasm | ModuleKind::Data);
            let source = match (o.embed, module.text()) {
                (false, _) => Source::File(path),
                (true, Some(text)) if !binary_kind => Source::Text(text),
                (true, _) => Source::Binary(&module.bytes),
            };
            modules.push(PlannedModule {
                name: &module.name,
                content_type: head.content_type.unwrap_or_default(),
                source,
            });
        }
        Plan {
            method: c.request.method(),
            url: c.request.url(&o.api_base),
            json_part: JsonPart {
                name: json_head.name,
                content_type: json_head.content_type.unwrap_or_default(),
                json: compact_json,
            },
            modules,
            notes,
            file_prefix: &o.file_prefix,
        }
    }

    /// Whether some module is read from a file.
    pub fn reads_files(&self) -> bool {
        self.modules
            .iter()
            .any(|m| matches!(m.source, Source::File(_)))
    }

    /// Whether some embedded module is binary.
    pub fn embeds_binary(&self) -> bool {
        self.modules
            .iter()
            .any(|m| matches!(m.source, Source::Binary(_)))
    }

    /// One line saying what the program sends, e.g. `PUT the metadata and 2 modules …`.
    pub fn summary(&self) -> String {
        let modules = match self.modules.len() {
            0 => String::new(),
            1 => " and 1 module".to_string(),
            n => format!(" and {n} modules"),
        };
        format!(
            "{} the {}{modules} to the Cloudflare API",
            self.method, self.json_part.name
        )
    }

    /// The program's opening comment: its notes, what it sends, `how_to_run` (one line each),
    /// where module files are read and where the token comes from.
    pub fn intro(&self, marker: &str, java: bool, how_to_run: &[&str]) -> String {
        let mut lines: Vec<String> = self
            .notes
            .iter()
            .map(|note| format!("Note: {}", literal::comment_text(note, java)))
            .collect();
        lines.push(format!("Generated by Bindery: {}.", self.summary()));
        lines.extend(how_to_run.iter().map(|line| line.to_string()));
        if self.reads_files() {
            lines.push(if self.file_prefix.is_empty() {
                "Run it from the folder holding the module files.".to_string()
            } else {
                "Module files are read below the prefix in their paths: run it from the folder that prefix is relative to.".to_string()
            });
        }
        lines.push(format!("The API token is read from ${TOKEN_VARIABLE}."));
        let mut text: String = lines
            .iter()
            .map(|line| format!("{marker} {line}\n"))
            .collect();
        text.push('\n');
        text
    }
}

/// Base64 of `bytes` (standard alphabet, padded), for embedded binary modules.
pub fn base64(bytes: &[u8]) -> String {
    use ::base64::Engine as _;
    ::base64::engine::general_purpose::STANDARD.encode(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Metadata, Module, Operation, Request};

    pub(super) fn sample() -> Composition {
        Composition {
            request: Request {
                account_id: "acc".into(),
                script_name: "my-worker".into(),
                ..Default::default()
            },
            metadata: Metadata {
                main_module: Some("worker.js".into()),
                compatibility_date: Some("2024-06-01".into()),
                ..Default::default()
            },
            modules: vec![
                Module {
                    path: Some("dist/worker.js".into()),
                    ..Module::inline("worker.js", "export default {}\n")
                },
                Module {
                    kind: ModuleKind::Wasm,
                    ..Module::inline("add.wasm", vec![0u8, 0x61, 0x73, 0x6d, 0xff])
                },
                Module {
                    kind: ModuleKind::Data,
                    ..Module::inline("data.bin", "valid UTF-8")
                },
            ],
            ..Default::default()
        }
    }

    fn no_limits(_: &str) -> Option<&'static str> {
        None
    }

    #[test]
    fn the_plan_follows_the_multipart_encoder() {
        let c = sample();
        let o = CodeOptions {
            file_prefix: "out/".into(),
            ..CodeOptions::default()
        };
        let json = crate::encode::compact(&c);
        let plan = Plan::new(&c, &o, &json, no_limits);
        let parts = crate::encode::parts(&c);
        assert_eq!(plan.method, "PUT");
        assert_eq!(
            plan.url,
            "https://api.cloudflare.com/client/v4/accounts/acc/workers/scripts/my-worker"
        );
        assert_eq!(plan.json_part.name, parts[0].name);
        assert_eq!(parts[0].filename, None);
        assert_eq!(
            Some(plan.json_part.content_type.as_str()),
            parts[0].content_type.as_deref()
        );
        assert_eq!(plan.json_part.json.as_bytes(), parts[0].body.as_slice());
        for (module, part) in plan.modules.iter().zip(&parts[1..]) {
            assert_eq!(module.name, part.name);
            assert_eq!(Some(module.name), part.filename.as_deref());
            assert_eq!(
                Some(module.content_type.as_str()),
                part.content_type.as_deref()
            );
        }
        assert_eq!(
            plan.modules[0].source,
            Source::File("out/dist/worker.js".into())
        );
        assert_eq!(plan.modules[1].source, Source::File("out/add.wasm".into()));
        assert!(plan.notes.is_empty());
    }

    #[test]
    fn embedding_keeps_text_as_text_and_bytes_as_bytes() {
        let c = sample();
        let o = CodeOptions {
            embed: true,
            ..CodeOptions::default()
        };
        let json = crate::encode::compact(&c);
        let plan = Plan::new(&c, &o, &json, no_limits);
        assert_eq!(plan.modules[0].source, Source::Text("export default {}\n"));
        assert_eq!(
            plan.modules[1].source,
            Source::Binary(&[0, 0x61, 0x73, 0x6d, 0xff])
        );
        assert_eq!(plan.modules[2].source, Source::Binary(b"valid UTF-8"));
        assert!(!plan.reads_files() && plan.embeds_binary());
    }

    #[test]
    fn a_settings_patch_plans_no_module() {
        let mut c = sample();
        c.request.operation = Operation::Settings;
        let o = CodeOptions::default();
        let json = crate::encode::compact(&c);
        let plan = Plan::new(&c, &o, &json, no_limits);
        assert_eq!(plan.method, "PATCH");
        assert_eq!(plan.json_part.name, "settings");
        assert!(plan.modules.is_empty());
        assert_eq!(plan.summary(), "PATCH the settings to the Cloudflare API");
    }

    #[test]
    fn parts_no_program_can_send_are_left_out_with_a_note() {
        let mut c = sample();
        c.modules.push(Module::inline("", "x"));
        c.modules.push(Module::inline("nul\0.js", "x"));
        c.modules.push(Module {
            path: Some("a\0b".into()),
            ..Module::inline("ok.js", "x")
        });
        let o = CodeOptions::default();
        let json = crate::encode::compact(&c);
        let plan = Plan::new(&c, &o, &json, |name| {
            name.starts_with("worker").then_some("no worker allowed")
        });
        let names: Vec<&str> = plan.modules.iter().map(|m| m.name).collect();
        assert_eq!(names, ["add.wasm", "data.bin"]);
        assert_eq!(plan.notes.len(), 4, "{:?}", plan.notes);
        assert!(plan.notes[0].contains("\"worker.js\"") && plan.notes[0].contains("no worker"));
        assert!(plan.notes[2].contains(r#""nul\0.js""#));
        assert!(plan.notes[3].contains("embed the module instead"));
        let intro = plan.intro("//", false, &[]);
        assert_eq!(
            intro.lines().filter(|l| l.starts_with("// Note: ")).count(),
            4
        );

        // Embedded, the path no longer matters.
        let o = CodeOptions {
            embed: true,
            ..CodeOptions::default()
        };
        let plan = Plan::new(&c, &o, &json, no_limits);
        assert_eq!(plan.modules.len(), 4);
    }

    #[test]
    fn languages_have_ids_labels_and_files() {
        for language in Language::ALL {
            assert_eq!(Language::from_id(language.id()), Some(language));
            assert!(!language.label().is_empty());
        }
        assert_eq!(Language::from_id("javascript"), None);
        assert_eq!(Language::Java.file_name(), "Upload.java");
    }

    #[test]
    fn curl_is_the_existing_command_and_refuses_to_embed() {
        let c = sample();
        let o = CodeOptions::default();
        let program = generate(Language::Curl, &c, &o);
        assert_eq!(program.text, curl::command(&c, &o.curl()).text);
        let embedded = generate(Language::Curl, &c, &CodeOptions { embed: true, ..o });
        assert_eq!(embedded.text, program.text);
        assert_eq!(embedded.notes.len(), 1);
    }

    #[test]
    fn no_program_holds_a_raw_hidden_character_or_the_token_variable_value() {
        let mut c = sample();
        c.request.script_name = "w\u{202e}\u{2028}".into();
        c.metadata.tags = vec!["\u{2028}\u{feff}\0".into()].into();
        c.modules
            .push(Module::inline("evil\u{202e}.txt", "\u{2029}line"));
        for embed in [false, true] {
            let o = CodeOptions {
                embed,
                ..CodeOptions::default()
            };
            for language in Language::ALL.into_iter().skip(1) {
                let text = generate(language, &c, &o).text;
                let hidden: Vec<char> = text
                    .chars()
                    .filter(|&ch| literal::is_hidden(ch) && ch != '\n' && ch != '\t')
                    .collect();
                assert!(hidden.is_empty(), "{language:?}: {hidden:?}\n{text}");
                assert!(text.contains(TOKEN_VARIABLE), "{language:?}");
                assert!(text.ends_with('\n'));
            }
        }
    }
}
