//! Every golden fixture's curl command, run from the fixture's own folder by the real bash and
//! curl against a local capture server, delivers exactly what the encoders describe: method,
//! path, query, token header, and every part (name, filename, content type, bytes).

mod support;

use std::path::{Path, PathBuf};
use std::process::Command;

use bindery::{cli, encode};
use support::http_capture::CaptureServer;

const TOKEN: &str = "fixture-token-7d0c";

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

/// Inline modules have no file in the fixture folder: write them into a scratch folder, beside
/// copies of the others, so curl finds every part.
fn working_folder(dir: &Path, composition: &bindery::model::Composition) -> tempfile::TempDir {
    let scratch = tempfile::tempdir().unwrap();
    for module in &composition.modules {
        let file = scratch.path().join(module.local_file());
        std::fs::create_dir_all(file.parent().unwrap()).unwrap();
        match &module.path {
            Some(path) => std::fs::copy(dir.join(path), &file).map(|_| ()).unwrap(),
            None => std::fs::write(&file, &module.bytes).unwrap(),
        }
    }
    scratch
}

#[test]
fn every_fixture_curl_delivers_its_request() {
    let server = CaptureServer::start();
    for dir in fixtures() {
        let name = dir.file_name().unwrap().to_string_lossy().into_owned();
        let composition = cli::load_composition(&dir.join("composition.json")).unwrap();
        let options = encode::curl::CurlOptions {
            api_base: format!("{}/client/v4", server.base_url()),
            file_prefix: String::new(),
            allow_outside_paths: false,
        };
        let curl = encode::curl::command(&composition, &options);
        assert!(curl.notes.is_empty(), "{name}: {:?}", curl.notes);
        let folder = working_folder(&dir, &composition);
        let output = Command::new("bash")
            .arg("-c")
            .arg(&curl.text)
            .current_dir(folder.path())
            .env("CLOUDFLARE_API_TOKEN", TOKEN)
            .output()
            .expect("bash runs");
        assert!(
            output.status.success(),
            "{name}: curl failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );

        let requests = server.take_requests();
        assert_eq!(requests.len(), 1, "{name}");
        let request = &requests[0];
        let r = &composition.request;
        assert_eq!(request.method, r.method(), "{name}");
        assert_eq!(request.path, format!("/client/v4{}", r.path()), "{name}");
        assert_eq!(
            request.query.clone().unwrap_or_default(),
            r.query(),
            "{name}"
        );
        assert_eq!(
            request.header("authorization"),
            Some(format!("Bearer {TOKEN}").as_str()),
            "{name}"
        );

        let expected = encode::multipart::parts(&composition);
        let received = request.parts().unwrap();
        assert_eq!(received.len(), expected.len(), "{name}: part count");
        for (got, want) in received.iter().zip(&expected) {
            assert_eq!(got.name, want.name, "{name}");
            if want.filename.is_some() {
                assert_eq!(got.filename, want.filename, "{name}: {}", want.name);
                assert_eq!(got.content_type, want.content_type, "{name}: {}", want.name);
                assert_eq!(got.bytes, want.body, "{name}: bytes of {}", want.name);
            } else {
                // The JSON part: curl sends the here-document's text, which ends with a newline.
                assert_eq!(
                    got.content_type.as_deref(),
                    Some("application/json"),
                    "{name}"
                );
                assert_eq!(
                    got.json().unwrap(),
                    encode::json::wire_metadata(&composition),
                    "{name}"
                );
            }
        }
    }
}
