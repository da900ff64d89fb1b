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
