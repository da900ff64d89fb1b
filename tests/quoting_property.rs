//! Random text with every character that bash or curl's `-F` syntax could misread (quotes, `$`,
//! backticks, backslashes, newlines, `;`, `,`, unicode…) goes through the generated curl
//! command, the real bash and the real curl, and arrives unchanged at a capture server.

mod support;

use std::process::Command;

use bindery::encode::{self, curl::CurlOptions};
use bindery::model::{Binding, BindingKind, Composition, Metadata, Module, ModuleKind, Request};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError, TestRunner};
use support::http_capture::CaptureServer;

const TOKEN: &str = "property-token-81d2";

/// Characters that are special to bash, to curl's `-F` parser or to multipart headers.
const TRICKY: &[char] = &[
    '\'', '"', '$', '`', '\\', '\n', '\r', '\t', ';', ',', ' ', '!', '*', '?', '~', '#', '&', '|',
    '<', '>', '(', ')', '{', '}', '[', ']', '@', ':', '^', 'é', 'ß', '€', '日', '😀', '\u{2028}',
    '\u{a0}', '\u{85}', '\u{feff}',
];

/// Any text: tricky characters, plain letters and arbitrary unicode (even NUL, which JSON escapes).
fn any_text(max: usize) -> impl Strategy<Value = String> {
    let ch = prop_oneof![
        3 => prop::sample::select(TRICKY),
        2 => prop::char::range('a', 'z'),
        1 => any::<char>(),
    ];
    prop::collection::vec(ch, 0..max).prop_map(String::from_iter)
}

/// Text usable as a part name and a file name: no `=` (curl -F cannot send it), no `/` and NUL
/// (file names), no `%` (`%22` in a name is indistinguishable from an escaped quote) and no
/// ASCII control character other than tab, CR and LF (not allowed in HTTP header values).
fn name_text(max: usize) -> impl Strategy<Value = String> {
    any_text(max).prop_map(|text| {
        text.chars()
            .filter(|ch| {
                !matches!(ch, '=' | '/' | '%')
                    && (!ch.is_ascii_control() || matches!(ch, '\t' | '\n' | '\r'))
            })
            .collect()
    })
}

#[derive(Clone, Debug)]
struct Case {
    script_name: String,
    tags: Vec<String>,
    variables: Vec<(String, String)>,
    modules: Vec<(String, ModuleKind, Vec<u8>)>,
    prefix: String,
}

fn module() -> impl Strategy<Value = (String, ModuleKind, Vec<u8>)> {
    (
        name_text(10),
        prop::sample::select(ModuleKind::ALL.to_vec()),
        prop::collection::vec(any::<u8>(), 0..48),
    )
}

fn case() -> impl Strategy<Value = Case> {
    (
        any_text(12),
        prop::collection::vec(any_text(10), 0..3),
        prop::collection::vec((any_text(8), any_text(16)), 0..3),
        prop::collection::vec(module(), 1..4),
        prop::option::of(name_text(6)),
        prop::option::of(module()),
    )
        .prop_map(|(script, tags, variables, modules, prefix, dash)| Case {
            // A leading letter keeps `.` and `..` out of the path, and no `/`: Bindery refuses
            // such a script name (it would change the endpoint).
            script_name: format!("w{}", script.replace('/', "")),
            tags,
            variables,
            // An index keeps names unique and never `.`, `..` or empty; a module file named
            // `-` must not be read from standard input (which carries the JSON part).
            modules: modules
                .into_iter()
                .enumerate()
                .map(|(index, (name, kind, bytes))| (format!("{index}{name}"), kind, bytes))
                .chain(dash.map(|(_, kind, bytes)| ("-".to_string(), kind, bytes)))
                .collect(),
            prefix: prefix.map(|p| format!("d{p}/")).unwrap_or_default(),
        })
}

fn composition(case: &Case) -> Composition {
    Composition {
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
                    Binding::new(name.clone(), BindingKind::PlainText { text: text.clone() })
                })
                .collect(),
            compatibility_date: Some("2024-06-01".into()),
            tags: case.tags.clone().into(),
            ..Default::default()
        },
        modules: case
            .modules
            .iter()
            .map(|(name, kind, bytes)| Module {
                name: name.clone(),
                kind: *kind,
                path: None,
                bytes: bytes.clone(),
                filename: None,
                media_type: None,
            })
            .collect(),
        ..Default::default()
    }
}

fn check(server: &CaptureServer, case: &Case) -> Result<(), TestCaseError> {
    let c = composition(case);
    let dir = tempfile::tempdir().unwrap();
    for module in &c.modules {
        let file = dir.path().join(&case.prefix).join(module.local_file());
        std::fs::create_dir_all(file.parent().unwrap()).unwrap();
        std::fs::write(&file, &module.bytes).unwrap();
    }
    let options = CurlOptions {
        api_base: server.base_url().to_string(),
        file_prefix: case.prefix.clone(),
        allow_outside_paths: false,
    };
    let curl = encode::curl::command(&c, &options);
    prop_assert!(curl.notes.is_empty(), "{:?}", curl.notes);
    prop_assert!(!curl.text.contains(TOKEN));

    let output = Command::new("bash")
        .arg("-c")
        .arg(&curl.text)
        .current_dir(dir.path())
        .env("CLOUDFLARE_API_TOKEN", TOKEN)
        .output()
        .unwrap();
    prop_assert!(
        output.status.success(),
        "command failed: {}\n{}",
        String::from_utf8_lossy(&output.stderr),
        curl.text
    );
    let requests = server.take_requests();
    prop_assert_eq!(requests.len(), 1);
    let request = &requests[0];

    prop_assert_eq!(
        request.decoded_path(),
        format!("/accounts/acc/workers/scripts/{}", case.script_name)
    );
    let authorization = format!("Bearer {TOKEN}");
    prop_assert_eq!(
        request.header("authorization"),
        Some(authorization.as_str())
    );

    let parts = request.parts().map_err(TestCaseError::fail)?;
    let metadata = parts[0].json().map_err(TestCaseError::fail)?;
    prop_assert_eq!(&parts[0].name, "metadata");
    prop_assert_eq!(&metadata, &encode::wire_metadata(&c));
    let tags: Vec<String> = metadata
        .get("tags")
        .map(|t| serde_json::from_value(t.clone()).unwrap())
        .unwrap_or_default();
    prop_assert_eq!(&tags, &case.tags);
    let variables: Vec<(String, String)> = metadata["bindings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| {
            (
                b["name"].as_str().unwrap().to_string(),
                b["text"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    prop_assert_eq!(&variables, &case.variables);

    prop_assert_eq!(parts.len(), case.modules.len() + 1);
    for (part, (name, kind, bytes)) in parts[1..].iter().zip(&case.modules) {
        prop_assert_eq!(&part.name, name);
        prop_assert_eq!(part.filename.as_ref(), Some(name));
        prop_assert_eq!(part.content_type.as_deref(), Some(kind.content_type()));
        prop_assert_eq!(&part.bytes, bytes);
    }
    Ok(())
}

#[test]
fn random_text_survives_bash_and_curl_unchanged() {
    let server = CaptureServer::start();
    let config = Config {
        cases: 48,
        failure_persistence: None,
        ..Config::default()
    };
    let mut runner = TestRunner::new(config);
    let result = runner.run(&case(), |case| check(&server, &case));
    if let Err(error) = result {
        panic!("{error}");
    }
}
