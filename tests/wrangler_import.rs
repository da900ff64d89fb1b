//! The wrangler importer against the real wrangler: every corpus case that `wrangler deploy`
//! uploads with one PUT (a new Worker, an environment, a dispatch namespace, or a deployed
//! Worker with pending migrations) is deployed live with `--outdir` against the recording API;
//! Bindery then imports the same configuration, with wrangler's built output as `--modules`,
//! and must render the same metadata (as JSON values) and the same parts.
//!
//! wrangler runs once per case for the whole file, two at a time (see
//! `tests/support/wrangler_capture.rs`).

mod support;

use std::collections::BTreeMap;
use std::sync::OnceLock;

use bindery::encode;
use bindery::import::config_text::ConfigFormat;
use bindery::import::files::MemFiles;
use bindery::import::wrangler::{import, Locations, WranglerOptions};
use bindery::import::Imported;
use bindery::model::Target;
use serde_json::Value;
use support::wrangler_capture::{
    capture_case_built, corpus, run_all, BuiltCapture, Worker, ACCOUNT_ID,
};

/// Whether `wrangler deploy` uploads this case with one PUT, the request a Bindery import is.
/// (A deployed Worker without pending migrations gets a version upload plus a deployment and a
/// settings PATCH instead; `versions upload` is a version upload.)
fn single_put(case: &corpus::Case) -> bool {
    case.args.first().map(String::as_str) == Some("deploy")
        && (case.worker == Worker::New || case.migration_tag.is_some())
}

fn cases() -> Vec<corpus::Case> {
    corpus::cases().into_iter().filter(single_put).collect()
}

fn runs() -> &'static [BuiltCapture] {
    static RUNS: OnceLock<Vec<BuiltCapture>> = OnceLock::new();
    RUNS.get_or_init(|| run_all(&cases(), capture_case_built))
}

fn files(list: &[(String, Vec<u8>)]) -> MemFiles {
    let mut files = MemFiles::new();
    for (path, bytes) in list {
        files
            .insert(path, bytes.clone())
            .expect("a path inside the folder");
    }
    files
}

/// The value after `flag` in wrangler's arguments.
fn arg(args: &[String], flag: &str) -> Option<String> {
    args.iter()
        .position(|a| a == flag)
        .and_then(|i| args.get(i + 1).cloned())
}

/// Bindery's import of a case, as `bindery import CONFIG --modules BUILT …` does it.
fn bindery(run: &BuiltCapture) -> Imported {
    let (config_name, text) = run
        .project
        .iter()
        .find(|(path, _)| {
            matches!(
                path.as_str(),
                "wrangler.toml" | "wrangler.json" | "wrangler.jsonc"
            )
        })
        .expect("a wrangler config");
    let text = String::from_utf8(text.clone()).expect("UTF-8 config");
    let format = ConfigFormat::from_file_name(config_name).unwrap();
    let args = &run.capture.args;
    let options = WranglerOptions {
        env: arg(args, "--env"),
        dispatch_namespace: arg(args, "--dispatch-namespace"),
        migration_tag: corpus::case(&run.capture.case).migration_tag,
        locations: Some(Locations {
            project: format!("/corpus/{}", run.capture.case),
            built: format!("/corpus/{}/{}", run.capture.case, run.built_location),
        }),
    };
    let built = files(&run.built);
    import(&text, format, &options, &files(&run.project), Some(&built)).expect("the config reads")
}

#[test]
fn the_differential_corpus_has_at_least_twelve_single_upload_cases() {
    let cases = cases();
    assert!(
        cases.len() >= 12,
        "only {} cases: {:?}",
        cases.len(),
        cases.iter().map(|c| &c.name).collect::<Vec<_>>()
    );
}

#[test]
fn bindery_renders_the_metadata_wrangler_sends() {
    let mut failures = Vec::new();
    for run in runs() {
        let imported = bindery(run);
        let ours = encode::json::wire_metadata(&imported.composition);
        let theirs = run.capture.metadata();
        if ours != theirs {
            failures.push(format!(
                "case `{}`:\n  wrangler: {}\n  bindery:  {}\n  findings: {:#?}",
                run.capture.case,
                theirs,
                ours,
                imported
                    .findings
                    .iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// A part as compared: content type and bytes, by part name.
fn parts_by_name(
    parts: impl IntoIterator<Item = (String, Option<String>, Vec<u8>)>,
) -> BTreeMap<String, (Option<String>, Vec<u8>)> {
    parts
        .into_iter()
        .map(|(name, content_type, bytes)| (name, (content_type, bytes)))
        .collect()
}

#[test]
fn bindery_sends_the_parts_wrangler_sends() {
    let mut failures = Vec::new();
    for run in runs() {
        let imported = bindery(run);
        let ours = parts_by_name(
            encode::multipart::parts(&imported.composition)
                .into_iter()
                .filter(|p| p.name != "metadata")
                .map(|p| (p.name, p.content_type, p.body)),
        );
        let theirs = parts_by_name(
            run.capture
                .modules()
                .into_iter()
                .map(|p| (p.name, p.content_type, p.bytes)),
        );
        let names = |m: &BTreeMap<String, (Option<String>, Vec<u8>)>| {
            m.iter()
                .map(|(n, (t, b))| {
                    format!("{n} ({}, {} bytes)", t.as_deref().unwrap_or("-"), b.len())
                })
                .collect::<Vec<_>>()
        };
        if ours != theirs {
            failures.push(format!(
                "case `{}`:\n  wrangler: {:?}\n  bindery:  {:?}",
                run.capture.case,
                names(&theirs),
                names(&ours)
            ));
        }
        // Filenames: Bindery sends the part name; so does wrangler for every module part
        // (service-worker blob parts are named after their file by wrangler, which the API
        // ignores).
        for part in run.capture.modules() {
            let blob = imported.composition.metadata.bindings.iter().any(|b| {
                matches!(b.type_name(), "wasm_module" | "text_blob" | "data_blob")
                    && b.name == part.name
            });
            if !blob && part.filename.as_deref() != Some(part.name.as_str()) {
                failures.push(format!(
                    "case `{}`: wrangler sent part `{}` with filename {:?}",
                    run.capture.case, part.name, part.filename
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn the_request_line_is_wranglers() {
    for run in runs() {
        let mut composition = bindery(run).composition;
        // wrangler takes the account from CLOUDFLARE_ACCOUNT_ID when the config has none.
        if composition.request.account_id.is_empty() {
            composition.request.account_id = ACCOUNT_ID.to_string();
        }
        let upload = run.capture.upload();
        assert_eq!(
            upload.method,
            composition.request.method(),
            "{}",
            run.capture.case
        );
        assert_eq!(
            upload.decoded_path(),
            format!("/client/v4{}", composition.request.path()).replace("%2F", "/"),
            "{}",
            run.capture.case
        );
        assert!(composition.request.bindings_inherit_strict);
        assert_eq!(
            composition.request.target == Target::Dispatch,
            run.capture.args.iter().any(|a| a == "--dispatch-namespace")
        );
    }
}

#[test]
fn what_bindery_cannot_send_is_said_and_nothing_else_is_an_error() {
    for run in runs() {
        let imported = bindery(run);
        for finding in &imported.findings {
            assert!(
                finding.level == bindery::rules::Level::Warning,
                "case `{}`: {finding}",
                run.capture.case
            );
        }
        let value: Value = serde_json::to_value(&imported.composition).unwrap();
        assert!(value.is_object());
    }
}
