//! The built app from `dist/` (`index.html` for `/` and for app routes). When the app is not
//! built yet, a short page says how to build it.
//!
//! A first load is mostly the wasm bundle, so the files go compressed: each is compressed once
//! per build ([`super::precompress`], started with the server) and tower-http's `ServeDir` sends
//! the `.br` or `.gz` copy to a browser that accepts it. Trunk puts a hash of the content in
//! every bundle file's name, so those are cached for a year without asking again (`immutable`);
//! `index.html`, which names the current bundle, is revalidated on every load (`no-cache`, with
//! `Last-Modified`), and so are the import worker's files, which Trunk leaves unhashed (the app
//! names them at run time: `bindery-importer_loader.js`, `bindery-importer.js`, `bindery-importer_bg.wasm`); like the
//! page, an unhashed file newer than its compressed copies is sent whole until they are made
//! again. A missing file is a 404, not the page: an old page asking for the previous
//! build's bundle must not get HTML cached as its wasm.

use std::path::{Component, Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use tower::ServiceExt;
use tower_http::services::{ServeDir, ServeFile};

use super::envelope::Refusal;
use super::precompress;

const NOT_BUILT: &str = r#"<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Bindery: app not built</title></head>
<body style="font-family: system-ui, sans-serif; max-width: 40em; margin: 3em auto">
<h1>Bindery</h1>
<p>The server is running, but the app has not been built yet (no <code>index.html</code> in the
<code>--dist</code> folder).</p>
<p>Build it and start the server in one step with <code>make run</code>, from the repository root.</p>
<p>The API proxy under <code>/client/v4/</code> and <code>/bindery/info</code> already work.</p>
</body></html>
"#;

/// For a file whose name carries a hash of its content.
pub const IMMUTABLE: &str = "public, max-age=31536000, immutable";
/// For everything else: kept, but asked again (a 304 when unchanged) on each use.
pub const REVALIDATE: &str = "no-cache";

/// The `dist/` folder and its compression in the background.
#[derive(Debug)]
pub struct StaticFiles {
    dist: PathBuf,
    compressing: AtomicBool,
}

impl StaticFiles {
    /// Serves `dist`, compressing in the background what is not compressed yet.
    pub fn new(dist: PathBuf) -> Arc<Self> {
        let files = Arc::new(StaticFiles {
            dist,
            compressing: AtomicBool::new(false),
        });
        files.compress_in_background();
        files
    }

    /// One pass of [`precompress::precompress`] on a thread of its own, unless one is running.
    /// Until it is done, the files go uncompressed; a folder that cannot be written to (or is
    /// missing) stays served uncompressed.
    fn compress_in_background(self: &Arc<Self>) {
        if !self.dist.join("index.html").is_file() || self.compressing.swap(true, Ordering::AcqRel)
        {
            return;
        }
        let files = Arc::clone(self);
        std::thread::spawn(move || {
            if let Err(e) = precompress::precompress(&files.dist) {
                eprintln!(
                    "bindery serve: the app's files go uncompressed: cannot compress them in {}: {e}",
                    files.dist.display()
                );
            }
            files.compressing.store(false, Ordering::Release);
        });
    }

    /// The file of `dist` a request path names when it is not a hashed one (`index.html` for `/`,
    /// folders and app routes); `None` for a path this check does not follow (percent-encoded,
    /// dot segments), which `ServeDir` resolves on its own.
    fn plain_file(&self, path: &str) -> Option<PathBuf> {
        let relative = path.trim_start_matches('/');
        if relative.contains('%') || relative.contains('\\') {
            return None;
        }
        let name = relative.rsplit('/').next().unwrap_or("");
        if !name.contains('.') {
            return Some(self.dist.join("index.html"));
        }
        let relative = Path::new(relative);
        relative
            .components()
            .all(|c| matches!(c, Component::Normal(_)))
            .then(|| self.dist.join(relative))
    }
}

/// Handler for every path that is not the API or `/bindery/info`.
pub async fn serve(State(files): State<Arc<StaticFiles>>, mut request: Request) -> Response {
    if !matches!(*request.method(), Method::GET | Method::HEAD) {
        return Refusal::new(
            StatusCode::METHOD_NOT_ALLOWED,
            "only GET and HEAD are served here",
        )
        .into_response();
    }
    let index = files.dist.join("index.html");
    if !index.is_file() {
        return (
            StatusCode::OK,
            [(header::CACHE_CONTROL, "no-store")],
            Html(NOT_BUILT),
        )
            .into_response();
    }
    let path = request.uri().path().to_owned();
    let name = path.rsplit('/').next().unwrap_or("");
    let hashed = is_hashed(name);
    // After a rebuild, `index.html` is new and its copies are the old page: send it whole
    // until they are made again. (A hashed name is its content: its copies cannot be stale.)
    if !hashed
        && files
            .plain_file(&path)
            .is_some_and(|file| precompress::has_stale_copy(&file))
    {
        request.headers_mut().remove(header::ACCEPT_ENCODING);
        files.compress_in_background();
    }
    let dir = ServeDir::new(&files.dist)
        .precompressed_br()
        .precompressed_gzip();
    let served = if name.contains('.') {
        dir.oneshot(request).await
    } else {
        let page = ServeFile::new(index)
            .precompressed_br()
            .precompressed_gzip();
        dir.fallback(page).oneshot(request).await
    };
    let mut response = match served {
        Ok(response) => response.into_response(),
        Err(never) => match never {},
    };
    let fresh = response.status().is_success() || response.status() == StatusCode::NOT_MODIFIED;
    let headers = response.headers_mut();
    let cache = if hashed && fresh {
        IMMUTABLE
    } else {
        REVALIDATE
    };
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
    if fresh {
        headers.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
    }
    response
}

/// A name Trunk gave a file after its content: `NAME-HASH.EXT`, `NAME-HASH_bg.wasm` (the hash
/// in lowercase hex, at most 16 digits; fewer than 8 is not taken for one).
pub fn is_hashed(name: &str) -> bool {
    let Some((base, _extension)) = name.rsplit_once('.') else {
        return false;
    };
    let base = base.strip_suffix("_bg").unwrap_or(base);
    let Some((stem, hash)) = base.rsplit_once('-') else {
        return false;
    };
    !stem.is_empty()
        && (8..=16).contains(&hash.len())
        && hash.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trunks_hashed_names_are_told_from_the_others() {
        for name in [
            "bindery-3a2ed7ee4ce079e6_bg.wasm",
            "bindery-c08402e51a1237ad.js",
            "style-3b3a2bef8900aa2b.css",
            "favicon-7ef81680ecf6644a.svg",
            "app.min-0123456789abcde.js",
        ] {
            assert!(is_hashed(name), "{name}");
        }
        for name in [
            "index.html",
            "",
            "robots.txt",
            "-3b3a2bef8900aa2b.css",
            "style-3B3A2BEF8900AA2B.css",
            "style-3b3a2bef8900aa2b0.css",
            "style-beef.css",
            "bindery-3a2ed7ee4ce079e6",
            "my-favourite-colours.css",
        ] {
            assert!(!is_hashed(name), "{name}");
        }
    }

    #[test]
    fn the_plain_file_of_a_path_stays_in_the_folder() {
        let files = StaticFiles {
            dist: PathBuf::from("dist"),
            compressing: AtomicBool::new(false),
        };
        let index = Some(PathBuf::from("dist/index.html"));
        assert_eq!(files.plain_file("/"), index);
        assert_eq!(files.plain_file("/some/app/route"), index);
        assert_eq!(files.plain_file("/docs/"), index);
        assert_eq!(
            files.plain_file("/index.html"),
            Some(PathBuf::from("dist/index.html"))
        );
        assert_eq!(
            files.plain_file("/a/robots.txt"),
            Some(PathBuf::from("dist/a/robots.txt"))
        );
        for path in [
            "/../secret.txt",
            "/a/../../b.txt",
            "/%2e%2e/x.txt",
            "/a\\..\\b.txt",
        ] {
            assert_eq!(files.plain_file(path), None, "{path}");
        }
    }
}
