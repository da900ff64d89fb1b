//! The curl importer against Bindery's own curl encoder, two independent readings of the same
//! syntax: every golden fixture's `render --as curl` imports back to the same composition, and
//! so do random compositions with every character bash or curl's `-F` syntax could misread in
//! names, values and paths.

use std::path::{Path, PathBuf};

use bindery::encode::{self, curl::CurlOptions};
use bindery::import::curl;
use bindery::import::files::MemFiles;
use bindery::model::{Binding, BindingKind, Composition, Module, ModuleKind, Operation, Target};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError, TestRunner};

fn fixtures() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.join("composition.json").is_file())
        .collect();
    dirs.sort();
    dirs
}

/// The folder the command runs in: every module at the path the command reads it from.
fn folder(c: &Composition) -> MemFiles {
    let mut files = MemFiles::new();
    for module in &c.modules {
        files
            .insert(module.local_file(), module.bytes.clone())
            .expect("a path inside the folder");
    }
    files
}

/// The metadata the command carries: the fields the endpoint takes (see `encode::json`).
fn sent_metadata(c: &Composition) -> bindery::model::Metadata {
    serde_json::from_value(encode::json::wire_metadata(c)).expect("the wire form reads back")
}

/// The same composition: the request and the metadata as sent equal, modules equal in name,
/// kind and bytes, and at the path the command reads them from (an inline module comes back
/// read from the file named after it).
fn assert_same(original: &Composition, imported: &Composition, context: &str) {
    assert_eq!(imported.request, original.request, "{context}");
    assert_eq!(imported.metadata, sent_metadata(original), "{context}");
    let sent: Vec<&Module> = if original.request.operation.sends_modules() {
        original.modules.iter().collect()
    } else {
        Vec::new()
    };
    assert_eq!(imported.modules.len(), sent.len(), "{context}");
    for (back, module) in imported.modules.iter().zip(sent) {
        assert_eq!(
            (&back.name, back.kind, &back.bytes),
            (&module.name, module.kind, &module.bytes),
            "{context}"
        );
        assert_eq!(back.path.as_deref(), Some(module.local_file()), "{context}");
    }
}

#[test]
fn every_fixtures_curl_command_imports_back_to_the_same_composition() {
    for dir in fixtures() {
        let original = bindery::cli::load_composition(&dir.join("composition.json")).unwrap();
        let text = encode::curl::command(&original, &CurlOptions::default()).text;
        let imported = curl::import(&text, &folder(&original)).unwrap();
        let context = format!(
            "{}:\n{text}\nfindings: {:?}",
            dir.display(),
            imported.findings
        );
        assert_same(&original, &imported.composition, &context);
        assert!(imported.findings.is_empty(), "{context}");
    }
}

/// Characters that are special to bash, to curl's `-F` parser or to multipart headers.
const TRICKY: &[char] = &[
    '\'', '"', '$', '`', '\\', '\n', '\r', '\t', ';', ',', ' ', '!', '*', '?', '~', '#', '&', '|',
    '<', '>', '(', ')', '{', '}', '[', ']', '@', ':', '^', '-', '.', 'é', '€', '日', '😀',
    '\u{2028}', '\u{a0}', '\u{feff}',
];

fn any_text(max: usize) -> impl Strategy<Value = String> {
    let ch = prop_oneof![
        3 => prop::sample::select(TRICKY),
        2 => prop::char::range('a', 'z'),
        1 => any::<char>(),
    ];
    prop::collection::vec(ch, 0..max).prop_map(String::from_iter)
}

/// A part and file name curl can send: no `=` (the -F name ends there), no NUL, no `/`.
fn name_text(max: usize) -> impl Strategy<Value = String> {
    any_text(max).prop_map(|text| {
        text.chars()
            .filter(|c| !matches!(c, '=' | '\0' | '/'))
            .collect()
    })
}

fn composition() -> impl Strategy<Value = Composition> {
    let module = (
        name_text(10),
        prop::sample::select(ModuleKind::ALL.to_vec()),
        prop::collection::vec(any::<u8>(), 0..40),
        prop::option::of(name_text(8)),
    );
    (
        any_text(12),
        any_text(12),
        prop::sample::select(vec![Target::Account, Target::Dispatch]),
        prop::sample::select(Operation::ALL.to_vec()),
        any::<bool>(),
        prop::collection::vec(any_text(10), 0..3),
        prop::collection::vec((any_text(8), any_text(16)), 0..3),
        prop::collection::vec(module, 1..4),
    )
        .prop_map(
            |(script, namespace, target, operation, strict, tags, vars, modules)| {
                let mut c = Composition::default();
                c.request.account_id = "023e105f4ecef8ad9ca31a8372d0c353".into();
                // No `/`: Bindery renders no command for a script or namespace holding one (it
                // would change the endpoint).
                c.request.script_name = format!("w{}", script.replace('/', ""));
                c.request.target = target;
                if target == Target::Dispatch {
                    c.request.dispatch_namespace = format!("n{}", namespace.replace('/', ""));
                }
                c.request.operation = operation;
                c.request.bindings_inherit_strict = strict && operation.accepts_bindings_inherit();
                c.metadata.tags = tags.into();
                for (name, text) in vars {
                    c.metadata
                        .bindings
                        .push(Binding::new(name, BindingKind::PlainText { text }));
                }
                // An index keeps names unique and never `.`, `..` or empty.
                c.modules = modules
                    .into_iter()
                    .enumerate()
                    .map(|(i, (name, kind, bytes, path))| Module {
                        name: format!("{i}{name}"),
                        kind,
                        // A path of the same shape, or none (the command then reads the name).
                        path: path.map(|p| format!("p{i}{p}")),
                        bytes,
                        filename: None,
                        media_type: None,
                    })
                    .collect();
                if operation != Operation::Settings {
                    c.metadata.main_module = Some(c.modules[0].name.clone());
                }
                c
            },
        )
}

#[test]
fn random_compositions_with_hostile_text_import_back_unchanged() {
    let mut runner = TestRunner::new(Config {
        cases: 256,
        failure_persistence: None,
        ..Config::default()
    });
    runner
        .run(&composition(), |original| {
            let text = encode::curl::command(&original, &CurlOptions::default()).text;
            let imported = curl::import(&text, &folder(&original))
                .map_err(|e| TestCaseError::fail(format!("{e}\n{text}")))?;
            let context = format!("{text}\nfindings: {:?}", imported.findings);
            prop_assert_eq!(
                &imported.composition.request,
                &original.request,
                "{}",
                context
            );
            prop_assert_eq!(
                &imported.composition.metadata,
                &sent_metadata(&original),
                "{}",
                context
            );
            let sent = if original.request.operation.sends_modules() {
                original.modules.len()
            } else {
                0
            };
            prop_assert_eq!(imported.composition.modules.len(), sent, "{}", context);
            for (back, module) in imported.composition.modules.iter().zip(&original.modules) {
                prop_assert_eq!(&back.name, &module.name, "{}", context);
                prop_assert_eq!(back.kind, module.kind, "{}", context);
                prop_assert_eq!(&back.bytes, &module.bytes, "{}", context);
                prop_assert_eq!(
                    back.path.as_deref(),
                    Some(module.local_file()),
                    "{}",
                    context
                );
            }
            prop_assert!(imported.findings.is_empty(), "{}", context);
            Ok(())
        })
        .unwrap();
}
