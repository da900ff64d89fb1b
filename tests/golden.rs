//! Golden fixtures, in the spirit of curlconverter's: every folder under `tests/fixtures` holds a
//! `composition.json` (plus its module files) and, under `expected/`, what bindery renders for
//! it: the pretty metadata JSON, the multipart body, the curl command, the programs in the other
//! languages (`upload.mjs`, `upload.py`, `upload.go`, `Upload.java`, `upload.rs`), the rule
//! findings and the preview's notes on what the JSON means for its endpoint.
//!
//! After a deliberate change of an encoding, rewrite the expected files with
//! `BINDERY_BLESS=1 cargo test --test golden` and review the diff.

use std::path::{Path, PathBuf};
use std::process::Command;

use bindery::encode::code::{self, CodeOptions, Language};
use bindery::{cli, encode, rules};

/// Fixed, so that "compatibility date in the future" findings do not change with the calendar.
const TODAY: &str = "2026-01-01";

fn fixtures_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

fn fixtures() -> Vec<PathBuf> {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(fixtures_dir())
        .expect("tests/fixtures")
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.join("composition.json").is_file())
        .collect();
    dirs.sort();
    assert!(dirs.len() >= 7, "fixtures went missing: {dirs:?}");
    dirs
}

fn blessing() -> bool {
    std::env::var_os("BINDERY_BLESS").is_some()
}

/// Compares `actual` with the expected file, or rewrites it when blessing.
fn compare(expected_path: &Path, actual: &[u8], failures: &mut Vec<String>) {
    if blessing() {
        std::fs::create_dir_all(expected_path.parent().unwrap()).unwrap();
        std::fs::write(expected_path, actual).unwrap();
        return;
    }
    match std::fs::read(expected_path) {
        Ok(expected) if expected == actual => {}
        Ok(expected) => failures.push(format!(
            "{} differs:\n--- expected\n{}\n--- actual\n{}",
            expected_path.display(),
            String::from_utf8_lossy(&expected),
            String::from_utf8_lossy(actual)
        )),
        Err(_) => failures.push(format!(
            "{} is missing (run with BINDERY_BLESS=1)",
            expected_path.display()
        )),
    }
}

struct Rendered {
    metadata: Vec<u8>,
    multipart: Vec<u8>,
    curl: Vec<u8>,
    /// Every language but curl: (language, golden file name, program).
    programs: Vec<(Language, String, Vec<u8>)>,
    findings: Vec<u8>,
    notes: Vec<u8>,
}

/// The golden file of a program: its file name, `.rs` saved as `upload.rs`.
fn golden_name(language: Language) -> String {
    match language {
        Language::Rust => "upload.rs".to_string(),
        other => other.file_name().to_string(),
    }
}

fn render(dir: &Path) -> Rendered {
    let composition = cli::load_composition(&dir.join("composition.json")).unwrap();
    let curl = encode::curl::command(&composition, &encode::curl::CurlOptions::default());
    Rendered {
        metadata: (encode::json::pretty(&composition) + "\n").into_bytes(),
        multipart: encode::multipart::body(&composition, encode::multipart::DEFAULT_BOUNDARY),
        curl: curl.text.into_bytes(),
        programs: Language::ALL
            .into_iter()
            .filter(|&l| l != Language::Curl)
            .map(|l| {
                let program = code::generate(l, &composition, &CodeOptions::default());
                (l, golden_name(l), program.text.into_bytes())
            })
            .collect(),
        findings: cli::format_findings(&rules::check_at(&composition, Some(TODAY))).into_bytes(),
        notes: encode::json::notes(&composition)
            .iter()
            .map(|note| format!("{note}\n"))
            .collect::<String>()
            .into_bytes(),
    }
}

#[test]
fn every_fixture_renders_as_its_golden_files() {
    let mut failures = Vec::new();
    for dir in fixtures() {
        let rendered = render(&dir);
        let expected = dir.join("expected");
        compare(
            &expected.join("metadata.json"),
            &rendered.metadata,
            &mut failures,
        );
        compare(
            &expected.join("multipart.txt"),
            &rendered.multipart,
            &mut failures,
        );
        compare(&expected.join("curl.sh"), &rendered.curl, &mut failures);
        for (_, file, program) in &rendered.programs {
            compare(&expected.join(file), program, &mut failures);
        }
        compare(
            &expected.join("findings.txt"),
            &rendered.findings,
            &mut failures,
        );
        compare(&expected.join("notes.txt"), &rendered.notes, &mut failures);
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn the_seed_fixtures_have_no_errors() {
    for name in [
        "seed-kv-worker",
        "wfp-kv-user-worker",
        "wfp-add-r2-keep-kv",
        "wfp-settings-add-r2",
    ] {
        let composition =
            cli::load_composition(&fixtures_dir().join(name).join("composition.json")).unwrap();
        let findings = rules::check_at(&composition, Some(TODAY));
        assert!(
            !rules::has_errors(&findings),
            "{name}: {}",
            cli::format_findings(&findings)
        );
    }
}

fn bindery(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_bindery"))
        .args(args)
        .output()
        .expect("run bindery")
}

#[test]
fn the_cli_prints_what_the_library_renders() {
    for dir in fixtures() {
        let file = dir.join("composition.json");
        let file = file.to_str().unwrap();
        let rendered = render(&dir);
        let programs = rendered.programs.iter().map(|(l, _, text)| (l.id(), text));
        for (encoding, expected) in [
            ("metadata", &rendered.metadata),
            ("multipart", &rendered.multipart),
            ("curl", &rendered.curl),
        ]
        .into_iter()
        .chain(programs)
        {
            let output = bindery(&["render", file, "--as", encoding]);
            assert!(
                output.status.success(),
                "{file} --as {encoding}: {}",
                String::from_utf8_lossy(&output.stderr)
            );
            assert_eq!(&output.stdout, expected, "{file} --as {encoding}");
            let notes: String = String::from_utf8_lossy(&output.stderr)
                .lines()
                .filter_map(|line| line.strip_prefix("note: "))
                .filter(|line| !line.starts_with("module ")) // curl's own notes
                .map(|line| format!("{line}\n"))
                .collect();
            assert_eq!(
                notes.as_bytes(),
                &rendered.notes[..],
                "{file} --as {encoding}: notes"
            );
        }
        let check = bindery(&["check", file, "--today", TODAY]);
        assert_eq!(check.stdout, rendered.findings, "{file}: check output");
        let has_errors = String::from_utf8_lossy(&rendered.findings).contains("error[");
        assert_eq!(
            check.status.code(),
            Some(if has_errors { 1 } else { 0 }),
            "{file}: check exit code"
        );
    }
}

#[test]
fn compact_metadata_is_the_wire_json() {
    let file = fixtures_dir().join("seed-kv-worker/composition.json");
    let output = bindery(&[
        "render",
        file.to_str().unwrap(),
        "--as",
        "metadata",
        "--compact",
    ]);
    assert_eq!(
        String::from_utf8(output.stdout).unwrap(),
        r#"{"main_module":"worker.js","bindings":[{"type":"kv_namespace","name":"USER_KV","namespace_id":"0f2ac74b498b48028cb68387c421e279"}],"compatibility_date":"2024-06-01"}"#
    );
}

/// Bad input: one clear line naming the place, exit code 2, never a panic or a debug dump.
#[test]
fn bad_input_gets_one_clear_message() {
    let dir = tempfile::tempdir().unwrap();
    let write = |name: &str, text: &str| {
        let path = dir.path().join(name);
        std::fs::write(&path, text).unwrap();
        path.to_str().unwrap().to_string()
    };
    let missing = dir.path().join("nope.json").to_str().unwrap().to_string();
    let malformed = write("malformed.json", "{\"format\": 1,\n  \"request\": {,\n}");
    // The composition file's own fields are Bindery's format: a typo there is an error (an
    // unknown *metadata* field is the API's business: it is sent as given, with a warning).
    let unknown = write(
        "unknown.json",
        "{\"format\":1,\"request\":{\"scirpt_name\":\"a\"}}",
    );
    let unreadable = write(
        "unreadable.json",
        r#"{"format":1,"request":{},"modules":[{"name":"a.js","path":"missing/a.js"}]}"#,
    );
    let cases = [
        (
            missing.as_str(),
            "nope.json: cannot read the composition: no such file",
        ),
        (
            malformed.as_str(),
            "malformed.json:2:15: key must be a string",
        ),
        (
            unknown.as_str(),
            "unknown.json:1:36: unknown field `scirpt_name`, expected one of",
        ),
        (
            unreadable.as_str(),
            "module `a.js`: cannot read `missing/a.js`: no such file",
        ),
    ];
    for (file, expected) in cases {
        for command in [vec!["render", file, "--as", "curl"], vec!["check", file]] {
            let output = bindery(&command);
            let stderr = String::from_utf8_lossy(&output.stderr);
            assert_eq!(output.status.code(), Some(2), "{command:?}: {stderr}");
            assert!(
                stderr.contains(expected),
                "{command:?}: expected `{expected}` in {stderr}"
            );
            assert_eq!(stderr.lines().count(), 1, "{command:?}: {stderr}");
            assert!(
                !stderr.contains("panicked") && !stderr.contains("Error {"),
                "{stderr}"
            );
            assert!(output.stdout.is_empty());
        }
    }
}

#[test]
fn programs_embed_module_bytes_on_request_and_curl_says_it_cannot() {
    let file = fixtures_dir().join("service-worker-blobs/composition.json");
    let file = file.to_str().unwrap();
    let composition = cli::load_composition(Path::new(file)).unwrap();
    let embedded = CodeOptions {
        embed: true,
        ..CodeOptions::default()
    };
    let output = bindery(&["render", file, "--as", "go", "--embed"]);
    assert!(output.status.success());
    assert_eq!(
        output.stdout,
        code::generate(Language::Go, &composition, &embedded)
            .text
            .into_bytes()
    );
    assert!(!String::from_utf8_lossy(&output.stdout).contains("os.ReadFile"));

    let output = bindery(&["render", file, "--as", "curl", "--embed"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(output.stdout.is_empty());
    assert!(String::from_utf8_lossy(&output.stderr).contains("--embed applies to --as js"));

    let output = bindery(&[
        "render",
        file,
        "--as",
        "rust",
        "--api-base",
        "http://127.0.0.1:9/base",
        "--file-prefix",
        "dist/",
    ]);
    let text = String::from_utf8(output.stdout).unwrap();
    assert!(text.contains("const URL: &str = \"http://127.0.0.1:9/base/accounts/"));
    assert!(text.contains("\"dist/script.js\""));
}
