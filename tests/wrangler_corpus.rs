//! The differential test against the real peer: every case of the wrangler corpus
//! (`tests/wrangler/corpus/`) is deployed with the pinned wrangler, live, against a recording
//! API, and what wrangler sent is held against Bindery.
//!
//! wrangler runs once per case for the whole file (the captures are shared by the tests
//! below), two at a time.

mod support;

use std::sync::OnceLock;

use support::wrangler_capture::{capture_all, corpus, Capture};

fn captures() -> &'static [Capture] {
    static CAPTURES: OnceLock<Vec<Capture>> = OnceLock::new();
    CAPTURES.get_or_init(|| capture_all(&corpus::cases()))
}

#[test]
fn the_corpus_covers_at_least_ten_cases_each_described() {
    let cases = corpus::cases();
    assert!(cases.len() >= 10, "only {} cases", cases.len());
    for case in &cases {
        assert!(
            !case.about.is_empty(),
            "case `{}` has no `about`",
            case.name
        );
    }
}

#[test]
fn every_case_uploads_once_with_a_metadata_part_and_modules_with_filenames_and_types() {
    for capture in captures() {
        assert!(
            capture.unrouted().is_empty(),
            "case `{}` made calls the recording API does not answer:\n{}",
            capture.case,
            capture.describe()
        );
        let upload = capture.upload();
        assert!(
            matches!(upload.method.as_str(), "PUT" | "POST"),
            "{}",
            capture.describe()
        );
        // (Not always first: the service-worker format's blob parts come before it.)
        assert!(capture.metadata().is_object(), "case `{}`", capture.case);
        for part in &capture.modules() {
            assert!(
                part.filename.is_some() && part.content_type.is_some(),
                "case `{}`: part `{}` lacks a filename or content type",
                capture.case,
                part.name
            );
        }
    }
}

#[test]
fn the_upload_goes_where_the_command_says() {
    for capture in captures() {
        let upload = capture.upload();
        let args = capture.args.join(" ");
        let expected = if args.contains("--dispatch-namespace") {
            ("PUT", "/workers/dispatch/namespaces/customers/scripts/")
        } else if args.starts_with("versions upload") || capture.case == "deploy-existing" {
            ("POST", "/versions")
        } else {
            ("PUT", "/workers/scripts/")
        };
        assert_eq!(upload.method, expected.0, "{}", capture.describe());
        assert!(
            upload.path.contains(expected.1),
            "case `{}`: {} {}",
            capture.case,
            upload.method,
            upload.path
        );
        assert!(
            upload
                .query
                .as_deref()
                .is_some_and(|q| q.contains("bindings_inherit=strict")),
            "case `{}`: {:?}",
            capture.case,
            upload.query
        );
    }
}

/// A part as compared: name, filename, content type, bytes.
type PartSeen = (String, Option<String>, Option<String>, Vec<u8>);

/// Bindery reads what wrangler sent as a composition: the request line from the URL, the
/// metadata as given, every other part as a module with its kind from its content type.
fn decoded(capture: &Capture) -> bindery::decode::Decoded {
    let upload = capture.upload();
    let url = match &upload.query {
        Some(query) => format!("{}?{query}", upload.path),
        None => upload.path.clone(),
    };
    bindery::decode::composition_from_upload(
        &upload.method,
        &url,
        upload.header("content-type").unwrap_or_default(),
        &upload.body,
    )
    .unwrap_or_else(|e| {
        panic!(
            "case `{}`: Bindery cannot read the upload: {e}",
            capture.case
        )
    })
}

#[test]
fn bindery_renders_the_metadata_wrangler_sent() {
    let mut failures = Vec::new();
    for capture in captures() {
        let composition = decoded(capture).composition;
        let rendered = bindery::encode::json::wire_metadata(&composition);
        let sent = capture.metadata();
        if rendered != sent {
            failures.push(format!(
                "case `{}`:\n  wrangler sent {sent}\n  Bindery sends {rendered}",
                capture.case
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn bindery_renders_the_parts_wrangler_sent() {
    let mut failures = Vec::new();
    for capture in captures() {
        let composition = decoded(capture).composition;
        let ours: Vec<PartSeen> = bindery::encode::multipart::parts(&composition)
            .into_iter()
            .skip(1) // the JSON part, compared as JSON above
            .map(|p| (p.name, p.filename, p.content_type, p.body))
            .collect();
        let theirs: Vec<PartSeen> = capture
            .modules()
            .into_iter()
            .map(|p| (p.name, p.filename, p.content_type, p.bytes))
            .collect();
        if ours != theirs {
            let heads = |parts: &[PartSeen]| {
                parts
                    .iter()
                    .map(|(n, f, t, b)| format!("{n} {f:?} {t:?} {} bytes", b.len()))
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            failures.push(format!(
                "case `{}`:\n  wrangler sent {}\n  Bindery sends {}",
                capture.case,
                heads(&theirs),
                heads(&ours)
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn bindery_finds_no_error_in_what_wrangler_sent() {
    let mut failures = Vec::new();
    for capture in captures() {
        let decoded = decoded(capture);
        let findings = bindery::rules::check(&decoded.composition);
        let errors: Vec<String> = findings
            .iter()
            .filter(|f| f.level == bindery::rules::Level::Error)
            .map(|f| format!("  {f}"))
            .collect();
        if !errors.is_empty() {
            failures.push(format!("case `{}`:\n{}", capture.case, errors.join("\n")));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn bindery_keeps_everything_but_the_query_parameters_it_does_not_send() {
    for capture in captures() {
        let notes = decoded(capture).notes;
        assert!(
            notes.iter().all(|n| n.contains("query parameter")),
            "case `{}`: {notes:?}",
            capture.case
        );
    }
}
