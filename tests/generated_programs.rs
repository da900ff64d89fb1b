//! Every program Bindery generates, run for real against a local capture server, delivers the
//! request the encoders describe, byte for byte: method, path, query, the token header, and every
//! part's name, file name, content type and bytes (the metadata part holding exactly the compact
//! wire JSON). It prints the API's answer, exits non-zero when the API refuses, and refuses to
//! run without a token.
//!
//! Per language, one batch: every fixture under `tests/fixtures` (module files read by path, and
//! embedded), a fixed case with every character that could break a literal, and random hostile
//! cases (names, values, paths, module contents). Each toolchain compiles the whole batch once:
//! one Go module built with one `go build`, one `javac` run over one package per program, one
//! Cargo project with a binary per program (built under `target/generated-programs`, with the
//! lock file in `tests/peers/rust`, so repeated runs only compile the programs). JavaScript runs
//! on `node`, Python on `python3` with requests.
//!
//! The toolchains are installed by `make setup-peers`; a missing one fails the test and says so.

mod support;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use bindery::cli;
use bindery::encode::code::{self, CodeOptions, Language, Program};
use bindery::encode::{self, Part};
use bindery::model::{
    Binding, BindingKind, Composition, Metadata, Module, ModuleKind, Operation, Request, Target,
};
use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::TestRunner;
use serde_json::json;
use support::http_capture::{CaptureServer, CapturedRequest};
use support::peers::okhttp_class_path;

/// The token the programs read from the environment (each program gets its own, see [`token`]).
/// It must never appear in a program.
const TOKEN: &str = "program-token-4e1b'\"$x";

fn token(index: usize) -> String {
    format!("{TOKEN}{index:02}")
}

/// Random hostile cases per language, on top of the fixtures and the fixed hostile case.
const RANDOM_CASES: usize = 6;

fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// One program to build and run, and what it must deliver.
struct Case {
    label: String,
    composition: Composition,
    /// The folder the program runs in, holding the module files it reads.
    folder: tempfile::TempDir,
    program: Program,
    /// The parts the request must carry, in order.
    expected: Vec<Part>,
    /// The path the request must arrive at (the API base's own path included).
    path: String,
}

impl Case {
    fn new(
        language: Language,
        label: String,
        composition: Composition,
        options: CodeOptions,
        folder: tempfile::TempDir,
    ) -> Case {
        let program = code::generate(language, &composition, &options);
        let base_path = options
            .api_base
            .splitn(4, '/')
            .nth(3)
            .map(|p| format!("/{p}"))
            .unwrap_or_default();
        let path = format!(
            "{}{}",
            base_path.trim_end_matches('/'),
            composition.request.path()
        );
        let left_out: Vec<&str> = composition
            .modules
            .iter()
            .filter(|m| {
                composition.request.operation.sends_modules() && left_out(language, &m.name)
            })
            .map(|m| m.name.as_str())
            .collect();
        assert_eq!(
            program.notes.len(),
            left_out.len(),
            "{label}: notes {:?} for left-out parts {left_out:?}",
            program.notes
        );
        // Our own parts, minus the ones this language cannot send (the JSON part is first).
        let mut expected = encode::parts(&composition);
        let mut index = 0;
        expected.retain(|part| {
            index += 1;
            index == 1 || !left_out.contains(&part.name.as_str())
        });
        Case {
            label,
            composition,
            folder,
            program,
            expected,
            path,
        }
    }
}

/// Which names a language leaves out, decided here independently of the generators.
fn left_out(language: Language, name: &str) -> bool {
    let lone_line_break = name.replace("\r\n", "").contains(['\r', '\n']);
    name.is_empty()
        || name.contains('\0')
        || match language {
            Language::JavaScript => lone_line_break,
            Language::Rust => name.contains('\\'),
            Language::Java => name
                .chars()
                .any(|c| c.is_ascii_control() && !matches!(c, '\t' | '\r' | '\n')),
            _ => false,
        }
}

// ---------------------------------------------------------------------------------------------
// The cases.

fn fixtures() -> Vec<PathBuf> {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(repo().join("tests/fixtures"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.join("composition.json").is_file())
        .collect();
    dirs.sort();
    assert!(dirs.len() >= 7, "fixtures went missing: {dirs:?}");
    dirs
}

/// A scratch folder holding every module at `prefix` + its local file (inline modules written
/// out, path modules copied from `source_dir`).
fn working_folder(
    composition: &Composition,
    source_dir: Option<&Path>,
    prefix: &str,
) -> tempfile::TempDir {
    let scratch = tempfile::tempdir().unwrap();
    for module in &composition.modules {
        if module.local_file().contains('\0') || prefix.contains('\0') {
            continue;
        }
        let file = scratch
            .path()
            .join(format!("{prefix}{}", module.local_file()));
        std::fs::create_dir_all(file.parent().unwrap()).unwrap();
        match (&module.path, source_dir) {
            (Some(path), Some(dir)) => {
                std::fs::copy(dir.join(path), &file).unwrap();
            }
            _ => std::fs::write(&file, &module.bytes).unwrap(),
        }
    }
    scratch
}

fn fixture_cases(language: Language, server: &CaptureServer) -> Vec<Case> {
    let mut cases = Vec::new();
    for dir in fixtures() {
        let name = dir.file_name().unwrap().to_string_lossy().into_owned();
        let composition = cli::load_composition(&dir.join("composition.json")).unwrap();
        for embed in [false, true] {
            let options = CodeOptions {
                api_base: format!("{}/client/v4", server.base_url()),
                file_prefix: String::new(),
                embed,
                allow_outside_paths: false,
            };
            let folder = if embed {
                tempfile::tempdir().unwrap()
            } else {
                working_folder(&composition, Some(&dir), "")
            };
            let label = format!("{name}{}", if embed { " (embedded)" } else { "" });
            cases.push(Case::new(
                language,
                label,
                composition.clone(),
                options,
                folder,
            ));
        }
    }
    cases
}

/// Every character the brief of each literal form mentions, in every place user text goes.
fn fixed_hostile_cases(language: Language, server: &CaptureServer) -> Vec<Case> {
    let nasty = "q\"s'b\\d$e${x}`t%s%v%n*/\"\"\"'''\u{2028}\u{2029}\u{202e}\u{feff}\u{a0}é日😀\u{e0041}\\u0022\\u000a{{}}#{x}";
    let names = [
        "entry \"point\" it's.js".to_string(),
        // Backslashes and `%` stay out of this one: see `left_out` and `name_text`.
        format!("lib/{}.js", nasty.replace(['%', '\\'], "_")),
        "line\r\nbreak\ttab.txt".to_string(),
        "lone\nline.txt".to_string(),
        "back\\slash.bin".to_string(),
    ];
    let mut modules: Vec<Module> = names
        .iter()
        .map(|n| Module::inline(n.as_str(), format!("content of {n}\n{nasty}\0\r\n")))
        .collect();
    modules[0].kind = ModuleKind::Esm;
    modules[1].path = Some(format!("src {nasty}/util.js"));
    modules[4].bytes = vec![0, 0xff, 0xfe, b'\r', b'\n', 0x80, b'"', b'\\', b'`'];
    modules[4].kind = ModuleKind::Data;
    let composition = Composition {
        request: Request {
            target: Target::Dispatch,
            operation: Operation::Version,
            account_id: "023e105f4ecef8ad9ca31a8372d0c353".into(),
            // No `/`: a script or namespace holding one is refused (it would change the endpoint).
            script_name: format!("w {}", nasty.replace('/', "_")),
            dispatch_namespace: format!("ns{}", nasty.replace('/', "_")),
            bindings_inherit_strict: true,
        },
        metadata: Metadata {
            main_module: Some(names[0].clone()),
            bindings: vec![
                Binding::new(
                    format!("VAR{nasty}"),
                    BindingKind::PlainText {
                        text: format!("{nasty}\0\u{1}\n\r\t"),
                    },
                ),
                Binding::new(
                    "JSON",
                    BindingKind::Json {
                        json: json!({ nasty: [nasty, 1.5, u64::MAX, -0.0] }),
                    },
                ),
            ]
            .into(),
            compatibility_date: Some("2024-06-01".into()),
            tags: vec![nasty.to_string()].into(),
            ..Default::default()
        },
        modules,
        ..Default::default()
    };
    [false, true]
        .into_iter()
        .map(|embed| {
            let prefix = format!("pre {}/", nasty.replace('\u{feff}', ""));
            let options = CodeOptions {
                api_base: server.base_url().to_string(),
                file_prefix: prefix.clone(),
                embed,
                allow_outside_paths: false,
            };
            let folder = working_folder(&composition, None, &prefix);
            let label = format!(
                "fixed hostile case{}",
                if embed { " (embedded)" } else { "" }
            );
            Case::new(language, label, composition.clone(), options, folder)
        })
        .collect()
}

/// Characters that could end or change a literal, a comment, a format string or a header.
const TRICKY: &[char] = &[
    '\'', '"', '$', '`', '\\', '\n', '\r', '\t', ';', ',', ' ', '!', '*', '?', '~', '#', '&', '|',
    '<', '>', '(', ')', '{', '}', '[', ']', '@', ':', '^', '/', '%', 'é', 'ß', '€', '日', '😀',
    '\u{2028}', '\u{2029}', '\u{a0}', '\u{85}', '\u{feff}', '\u{202e}', '\u{200b}', '\0',
];

fn any_text(max: usize) -> impl Strategy<Value = String> {
    let ch = prop_oneof![
        4 => prop::sample::select(TRICKY),
        2 => prop::char::range('a', 'z'),
        1 => any::<char>(),
    ];
    prop::collection::vec(ch, 0..max).prop_map(String::from_iter)
}

/// Text for a part name or a file name: no `/` (file names), no `%` (`%22` in a name reads as
/// an escaped quote) and no ASCII control other than tab, CR and LF (not allowed in headers).
fn name_text(max: usize) -> impl Strategy<Value = String> {
    any_text(max).prop_map(|text| {
        text.chars()
            .filter(|ch| {
                !matches!(ch, '/' | '%')
                    && (!ch.is_ascii_control() || matches!(ch, '\t' | '\n' | '\r'))
            })
            .collect()
    })
}

#[derive(Clone, Debug)]
struct RandomCase {
    script_name: String,
    tags: Vec<String>,
    variables: Vec<(String, String)>,
    /// Name, kind, content, own file name (else the name).
    modules: Vec<(String, ModuleKind, Vec<u8>, Option<String>)>,
    prefix: String,
    embed: bool,
}

fn random_case() -> impl Strategy<Value = RandomCase> {
    let content = prop_oneof![
        any_text(40).prop_map(String::into_bytes),
        prop::collection::vec(any::<u8>(), 0..48),
    ];
    let module = (
        name_text(10),
        prop::sample::select(ModuleKind::ALL.to_vec()),
        content,
        prop::option::of(name_text(8)),
    );
    (
        any_text(12),
        prop::collection::vec(any_text(10), 0..3),
        prop::collection::vec((any_text(8), any_text(16)), 0..3),
        prop::collection::vec(module, 1..4),
        prop::option::of(name_text(6)),
        any::<bool>(),
    )
        .prop_map(
            |(script, tags, variables, modules, prefix, embed)| RandomCase {
                // A leading letter keeps `.` and `..` out of the path, and no `/`: Bindery
                // refuses such a script name (it would change the endpoint).
                script_name: format!("w{}", script.replace('/', "")),
                tags,
                variables,
                // An index keeps names unique and never `.`, `..` or empty.
                modules: modules
                    .into_iter()
                    .enumerate()
                    .map(|(i, (name, kind, bytes, file))| {
                        (
                            format!("{i}{name}"),
                            kind,
                            bytes,
                            file.map(|f| format!("f{i}{f}")),
                        )
                    })
                    .collect(),
                prefix: prefix.map(|p| format!("d{p}/")).unwrap_or_default(),
                embed,
            },
        )
}

fn random_cases(language: Language, server: &CaptureServer) -> Vec<Case> {
    let mut runner = TestRunner::default();
    (0..RANDOM_CASES)
        .map(|index| {
            let case = random_case().new_tree(&mut runner).unwrap().current();
            let composition = Composition {
                request: Request {
                    account_id: "acc".into(),
                    script_name: case.script_name.clone(),
                    ..Default::default()
                },
                metadata: Metadata {
                    main_module: Some(case.modules[0].0.clone()),
                    bindings: case
                        .variables
                        .iter()
                        .map(|(name, text)| {
                            Binding::new(
                                name.clone(),
                                BindingKind::PlainText { text: text.clone() },
                            )
                        })
                        .collect(),
                    compatibility_date: Some("2024-06-01".into()),
                    tags: case.tags.clone().into(),
                    ..Default::default()
                },
                modules: case
                    .modules
                    .iter()
                    .map(|(name, kind, bytes, file)| Module {
                        name: name.clone(),
                        kind: *kind,
                        path: file.clone(),
                        bytes: bytes.clone(),
                        filename: None,
                        media_type: None,
                    })
                    .collect(),
                ..Default::default()
            };
            let options = CodeOptions {
                api_base: server.base_url().to_string(),
                file_prefix: case.prefix.clone(),
                embed: case.embed,
                allow_outside_paths: false,
            };
            let folder = working_folder(&composition, None, &case.prefix);
            Case::new(
                language,
                format!("random case {index}: {case:?}"),
                composition,
                options,
                folder,
            )
        })
        .collect()
}

// ---------------------------------------------------------------------------------------------
// The toolchains: build a batch once, then run one program of it.

/// Where a batch is built: kept under `target/` so the Rust dependencies are compiled once.
fn build_root(language: Language) -> PathBuf {
    repo().join("target/generated-programs").join(language.id())
}

fn fresh_dir(dir: &Path) {
    let _ = std::fs::remove_dir_all(dir);
    std::fs::create_dir_all(dir).unwrap();
}

fn run_checked(mut command: Command, what: &str) -> Output {
    let output = command
        .output()
        .unwrap_or_else(|e| panic!("{what}: cannot start it ({e}); run `make setup-peers`"));
    assert!(
        output.status.success(),
        "{what} failed ({}):\n{}\n{}",
        output.status,
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    output
}

/// How to start one built program (rebuilt into a `Command` for every run).
#[derive(Clone, Debug)]
struct Runnable {
    program: PathBuf,
    args: Vec<String>,
    env: Vec<(&'static str, String)>,
}

impl Runnable {
    fn new(program: impl Into<PathBuf>) -> Runnable {
        Runnable {
            program: program.into(),
            args: Vec::new(),
            env: Vec::new(),
        }
    }

    fn command(&self) -> Command {
        let mut command = Command::new(&self.program);
        command.args(&self.args);
        command.envs(self.env.iter().map(|(k, v)| (k, v)));
        command
    }
}

fn case_id(index: usize) -> String {
    format!("case{index:02}")
}

/// Builds every program of the batch; returns, per case, how to run it.
fn build(language: Language, cases: &[Case]) -> Vec<Runnable> {
    let root = build_root(language);
    let ids: Vec<String> = (0..cases.len()).map(case_id).collect();
    match language {
        Language::JavaScript | Language::Python => {
            fresh_dir(&root);
            let (interpreter, extension) = match language {
                Language::JavaScript => ("node", "mjs"),
                _ => ("python3", "py"),
            };
            cases
                .iter()
                .zip(&ids)
                .map(|(case, id)| {
                    let file = root.join(format!("{id}.{extension}"));
                    std::fs::write(&file, &case.program.text).unwrap();
                    let mut runnable = Runnable::new(interpreter);
                    runnable.args.push(file.display().to_string());
                    runnable
                })
                .collect()
        }
        Language::Go => {
            let source = root.join("src");
            let bin = root.join("bin");
            fresh_dir(&source);
            fresh_dir(&bin);
            std::fs::write(
                source.join("go.mod"),
                "module bindery.test/programs\n\ngo 1.16\n",
            )
            .unwrap();
            for (case, id) in cases.iter().zip(&ids) {
                std::fs::create_dir_all(source.join(id)).unwrap();
                std::fs::write(source.join(id).join("upload.go"), &case.program.text).unwrap();
            }
            let mut go = Command::new("go");
            go.current_dir(&source)
                .args(["build", "-ldflags=-s -w", "-o"])
                .arg(format!("{}/", bin.display()))
                .arg("./...")
                .env("GOCACHE", root.join("cache"))
                .env("GOPATH", root.join("gopath"))
                .env("GOFLAGS", "-mod=mod")
                .env("GOPROXY", "off")
                .env("GO111MODULE", "on")
                .env("GOWORK", "off");
            run_checked(go, "go build");
            ids.iter().map(|id| Runnable::new(bin.join(id))).collect()
        }
        Language::Java => {
            let source = root.join("src");
            let classes = root.join("classes");
            fresh_dir(&source);
            fresh_dir(&classes);
            let mut files = Vec::new();
            for (case, id) in cases.iter().zip(&ids) {
                // One package per program, so that all of them compile in one javac run.
                let file = source.join(id).join("Upload.java");
                std::fs::create_dir_all(file.parent().unwrap()).unwrap();
                std::fs::write(&file, format!("package {id};\n{}", case.program.text)).unwrap();
                files.push(file);
            }
            let class_path = format!("{}:{}", okhttp_class_path(), classes.display());
            let mut javac = Command::new("javac");
            javac
                .arg("-cp")
                .arg(okhttp_class_path())
                .arg("-d")
                .arg(&classes)
                .args(&files);
            run_checked(javac, "javac");
            ids.iter()
                .map(|id| {
                    let mut java = Runnable::new("java");
                    // Faster start-up for a short run; the program is unchanged.
                    java.args = [
                        "-XX:TieredStopAtLevel=1",
                        "-XX:+UseSerialGC",
                        "-cp",
                        &class_path,
                    ]
                    .map(String::from)
                    .into();
                    java.args.push(format!("{id}.Upload"));
                    java.env.push(("LC_ALL", "C.UTF-8".into()));
                    java
                })
                .collect()
        }
        Language::Rust => {
            let project = root.join("project");
            let bins = project.join("src/bin");
            fresh_dir(&bins);
            let peers = repo().join("tests/peers/rust");
            for file in ["Cargo.toml", "Cargo.lock"] {
                std::fs::copy(peers.join(file), project.join(file)).unwrap();
            }
            for (case, id) in cases.iter().zip(&ids) {
                std::fs::write(bins.join(format!("{id}.rs")), &case.program.text).unwrap();
            }
            let target = root.join("target");
            let mut cargo = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
            cargo
                .current_dir(&project)
                .args(["build", "--locked", "--quiet", "--bins"])
                .env("CARGO_TARGET_DIR", &target)
                .env_remove("RUSTFLAGS")
                .env_remove("CARGO_BUILD_TARGET");
            run_checked(cargo, "cargo build of the generated Rust programs");
            ids.iter()
                .map(|id| Runnable::new(target.join("debug").join(id)))
                .collect()
        }
        Language::Curl => unreachable!("curl has its own round-trip tests"),
    }
}

/// Runs every case's program, one per core at a time (starting an interpreter or a JVM is
/// what takes the time), each with its own token.
fn run_all(runnables: &[Runnable], cases: &[Case]) -> Vec<Output> {
    let workers = std::thread::available_parallelism().map_or(2, |n| n.get().min(4));
    let next = std::sync::atomic::AtomicUsize::new(0);
    let outputs = std::sync::Mutex::new(vec![None; cases.len()]);
    std::thread::scope(|scope| {
        for _ in 0..workers {
            scope.spawn(|| loop {
                let index = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                if index >= cases.len() {
                    break;
                }
                let output = run(
                    runnables[index].command(),
                    cases[index].folder.path(),
                    Some(&token(index)),
                );
                outputs.lock().unwrap()[index] = Some(output);
            });
        }
    });
    outputs
        .into_inner()
        .unwrap()
        .into_iter()
        .map(|output| output.expect("every program ran"))
        .collect()
}

/// Runs a built program in `folder` with `token` (or none) in its environment and no proxy.
fn run(mut command: Command, folder: &Path, token: Option<&str>) -> Output {
    command.current_dir(folder);
    for variable in [
        "CLOUDFLARE_API_TOKEN",
        "http_proxy",
        "HTTP_PROXY",
        "https_proxy",
        "HTTPS_PROXY",
        "all_proxy",
        "ALL_PROXY",
    ] {
        command.env_remove(variable);
    }
    command.env("NO_PROXY", "127.0.0.1,localhost");
    if let Some(token) = token {
        command.env("CLOUDFLARE_API_TOKEN", token);
    }
    command.output().expect("run a generated program")
}

// ---------------------------------------------------------------------------------------------
// The checks.

fn check_request(case: &Case, request: &CapturedRequest, token: &str) {
    let label = &case.label;
    let r = &case.composition.request;
    assert_eq!(request.method, r.method(), "{label}: method");
    assert_eq!(request.path, case.path, "{label}: path");
    assert_eq!(
        request.query.clone().unwrap_or_default(),
        r.query(),
        "{label}: query"
    );
    assert_eq!(
        request.header("authorization"),
        Some(format!("Bearer {token}").as_str()),
        "{label}: token header"
    );
    assert!(
        request
            .header("content-type")
            .is_some_and(|t| t.starts_with("multipart/form-data; boundary=")),
        "{label}: {:?}",
        request.header("content-type")
    );
    let received = request
        .parts()
        .unwrap_or_else(|e| panic!("{label}: the body does not parse: {e}"));
    let summary = |name: &str, filename: &Option<String>, content_type: &Option<String>| {
        format!("{name:?} filename={filename:?} type={content_type:?}")
    };
    assert_eq!(
        received
            .iter()
            .map(|p| summary(&p.name, &p.filename, &p.content_type))
            .collect::<Vec<_>>(),
        case.expected
            .iter()
            .map(|p| summary(&p.name, &p.filename, &p.content_type))
            .collect::<Vec<_>>(),
        "{label}: parts\n{}",
        case.program.text
    );
    for (got, want) in received.iter().zip(&case.expected) {
        assert!(
            got.bytes == want.body,
            "{label}: bytes of part {:?}",
            want.name
        );
    }
    assert_eq!(
        received[0].bytes,
        encode::json::compact(&case.composition).into_bytes(),
        "{label}: the JSON part is the compact wire JSON"
    );
}

/// Builds and runs the whole batch for `language`.
fn prove(language: Language) {
    let server = CaptureServer::start();
    let mut cases = fixture_cases(language, &server);
    cases.extend(fixed_hostile_cases(language, &server));
    cases.extend(random_cases(language, &server));
    for case in &cases {
        assert!(
            !case.program.text.contains(TOKEN) && !case.program.text.contains("program-token"),
            "{}: the token is in the program",
            case.label
        );
        if language == Language::Java {
            assert!(
                case.program.text.is_ascii(),
                "{}: javac reads sources in the locale's encoding",
                case.label
            );
        }
    }
    let started = std::time::Instant::now();
    let commands = build(language, &cases);
    let built = started.elapsed();

    let answer = json!({ "success": true, "errors": [], "messages": [], "result": { "id": "ok" } });
    server.respond_with(200, answer.clone());
    let outputs = run_all(&commands, &cases);
    let requests = server.take_requests();
    for (index, (case, output)) in cases.iter().zip(&outputs).enumerate() {
        let stdout = String::from_utf8_lossy(&output.stdout);
        assert!(
            output.status.success(),
            "{}: the program failed ({}):\n{stdout}\n{}\n--- program\n{}",
            case.label,
            output.status,
            String::from_utf8_lossy(&output.stderr),
            case.program.text
        );
        // The programs ran side by side: each one's request is the one with its token.
        let token = token(index);
        let authorization = format!("Bearer {token}");
        let mine: Vec<&CapturedRequest> = requests
            .iter()
            .filter(|r| r.header("authorization") == Some(authorization.as_str()))
            .collect();
        assert_eq!(mine.len(), 1, "{}: requests sent", case.label);
        check_request(case, mine[0], &token);
        let printed: serde_json::Value = serde_json::from_str(stdout.trim_end())
            .unwrap_or_else(|e| panic!("{}: it printed {stdout:?} ({e})", case.label));
        assert_eq!(printed, answer, "{}: the printed answer", case.label);
    }
    assert_eq!(
        requests.len(),
        cases.len(),
        "{language:?}: one request per program"
    );

    // The API refuses: the program prints the answer and exits non-zero.
    let refusal = json!({ "success": false, "errors": [{ "code": 10021, "message": "could not read content for part metadata" }], "messages": [], "result": null });
    server.respond_with(400, refusal.clone());
    let output = run(
        commands[0].command(),
        cases[0].folder.path(),
        Some(&token(0)),
    );
    assert!(
        !output.status.success(),
        "{language:?}: exit status on a refusal"
    );
    let printed: serde_json::Value =
        serde_json::from_str(String::from_utf8_lossy(&output.stdout).trim_end()).unwrap();
    assert_eq!(printed, refusal, "{language:?}: the printed refusal");
    assert_eq!(server.take_requests().len(), 1);

    // No token: nothing is sent, the program says why and fails.
    let output = run(commands[0].command(), cases[0].folder.path(), None);
    assert!(
        !output.status.success(),
        "{language:?}: exit status without a token"
    );
    assert!(
        String::from_utf8_lossy(&output.stderr).contains("CLOUDFLARE_API_TOKEN"),
        "{language:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(server.take_requests().is_empty());
    eprintln!(
        "{}: {} programs built in {:.1?}, run in {:.1?}",
        language.label(),
        cases.len(),
        built,
        started.elapsed() - built
    );
}

#[test]
fn javascript_programs_deliver_every_fixture_and_hostile_case_byte_for_byte() {
    prove(Language::JavaScript);
}

#[test]
fn python_programs_deliver_every_fixture_and_hostile_case_byte_for_byte() {
    prove(Language::Python);
}

#[test]
fn go_programs_deliver_every_fixture_and_hostile_case_byte_for_byte() {
    prove(Language::Go);
}

#[test]
fn java_programs_deliver_every_fixture_and_hostile_case_byte_for_byte() {
    prove(Language::Java);
}

#[test]
fn rust_programs_deliver_every_fixture_and_hostile_case_byte_for_byte() {
    prove(Language::Rust);
}

#[test]
fn the_rust_project_depends_on_what_the_programs_name() {
    let manifest = std::fs::read_to_string(repo().join("tests/peers/rust/Cargo.toml")).unwrap();
    assert!(
        manifest.contains(&format!(
            "[dependencies]\n{}\n",
            code::rust::CARGO_DEPENDENCY
        )),
        "tests/peers/rust/Cargo.toml must depend on exactly: {}",
        code::rust::CARGO_DEPENDENCY
    );
}

#[test]
fn go_and_rust_programs_are_formatted_as_gofmt_and_rustfmt_write_them() {
    let dir = tempfile::tempdir().unwrap();
    let mut files = (Vec::new(), Vec::new());
    for fixture in fixtures() {
        let composition = cli::load_composition(&fixture.join("composition.json")).unwrap();
        let name = fixture.file_name().unwrap().to_string_lossy().into_owned();
        for embed in [false, true] {
            let options = CodeOptions {
                embed,
                ..CodeOptions::default()
            };
            for (language, list) in [(Language::Go, &mut files.0), (Language::Rust, &mut files.1)] {
                let file = dir
                    .path()
                    .join(format!("{name}-{embed}-{}", language.file_name()));
                std::fs::write(&file, code::generate(language, &composition, &options).text)
                    .unwrap();
                list.push(file);
            }
        }
    }
    let gofmt = run_checked(
        {
            let mut c = Command::new("gofmt");
            c.arg("-l").args(&files.0);
            c
        },
        "gofmt",
    );
    assert!(
        gofmt.stdout.is_empty(),
        "gofmt would change: {}",
        String::from_utf8_lossy(&gofmt.stdout)
    );
    let mut rustfmt = Command::new("rustfmt");
    rustfmt
        .args(["--edition", "2021", "--check"])
        .args(&files.1);
    run_checked(rustfmt, "rustfmt --check");
}
