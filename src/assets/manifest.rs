//! The assets manifest (`/path` → `{hash, size}`) and the limits checked before anything is
//! sent.
//!
//! Callers list the folder first (names and sizes only), run [`check_listing`] on that list,
//! and hash only when it found no error: a folder that cannot be uploaded is refused in
//! milliseconds, before a byte is read or sent.

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};

use super::ignore::{AssetsIgnore, ASSETS_IGNORE_FILE};

/// The largest asset the API accepts (25 MiB), as wrangler checks it.
pub const MAX_ASSET_SIZE: u64 = 25 * 1024 * 1024;
/// The number of assets a Worker may have on the Free and Paid plans; some plans allow more
/// (`--max-asset-files`).
pub const DEFAULT_MAX_ASSET_FILES: usize = 20_000;
/// The Pages-style Worker file wrangler refuses to publish as an asset without an
/// `.assetsignore`.
pub const PAGES_WORKER_FILE: &str = "_worker.js";

/// One file of the manifest.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ManifestEntry {
    pub hash: String,
    pub size: u64,
}

/// The manifest sent to open an upload session, keyed by `/`-prefixed path.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Manifest {
    pub files: BTreeMap<String, ManifestEntry>,
}

impl Manifest {
    /// Adds the file at `relative` (no leading `/`).
    pub fn insert(&mut self, relative: &str, hash: String, size: u64) {
        self.files
            .insert(manifest_key(relative), ManifestEntry { hash, size });
    }

    pub fn len(&self) -> usize {
        self.files.len()
    }

    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    /// The total size of the files, in bytes.
    pub fn total_size(&self) -> u64 {
        self.files.values().map(|e| e.size).sum()
    }

    /// The path of a file with content `hash` (the first in path order).
    pub fn path_of(&self, hash: &str) -> Option<&str> {
        self.files
            .iter()
            .find(|(_, e)| e.hash == hash)
            .map(|(path, _)| path.as_str())
    }
}

/// The manifest key of a file: its relative path with a leading `/`.
pub fn manifest_key(relative: &str) -> String {
    format!("/{}", relative.trim_start_matches('/'))
}

/// A file found in the folder, before it is read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ListedFile {
    /// Relative to the folder, `/`-separated, no leading `/`.
    pub relative: String,
    pub size: u64,
}

/// Why the folder cannot be uploaded as it is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AssetProblem {
    TooLarge {
        path: String,
        size: u64,
    },
    TooMany {
        count: usize,
        max: usize,
    },
    /// `_worker.js` (or a folder of that name) without an `.assetsignore`: its server-side
    /// code would become public.
    PagesWorker {
        path: String,
    },
}

impl AssetProblem {
    /// A stable id, like the rules' ids.
    pub fn id(&self) -> &'static str {
        match self {
            AssetProblem::TooLarge { .. } => "asset-too-large",
            AssetProblem::TooMany { .. } => "too-many-assets",
            AssetProblem::PagesWorker { .. } => "asset-pages-worker",
        }
    }
}

impl fmt::Display for AssetProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AssetProblem::TooLarge { path, size } => write!(
                f,
                "{path} is {} MiB; an asset may be at most 25 MiB: split it, compress it, or leave it out with .assetsignore",
                mib(*size)
            ),
            AssetProblem::TooMany { count, max } => write!(
                f,
                "{count} assets, more than the {max} a Worker may have: leave some out with .assetsignore (or raise --max-asset-files if your plan allows more)"
            ),
            AssetProblem::PagesWorker { path } => write!(
                f,
                "{path} would be uploaded as a public asset, exposing server-side code: add \"{PAGES_WORKER_FILE}\" to {ASSETS_IGNORE_FILE} to leave it out, or an empty {ASSETS_IGNORE_FILE} to publish it on purpose"
            ),
        }
    }
}

fn mib(size: u64) -> String {
    format!("{:.1}", size as f64 / (1024.0 * 1024.0))
}

/// Every problem of a listing (files already filtered through `.assetsignore`): files over
/// 25 MiB, more files than `max_files`, a `_worker.js` without an ignore file.
pub fn check_listing(
    files: &[ListedFile],
    ignore: &AssetsIgnore,
    max_files: usize,
) -> Vec<AssetProblem> {
    let mut problems = Vec::new();
    if files.len() > max_files {
        problems.push(AssetProblem::TooMany {
            count: files.len(),
            max: max_files,
        });
    }
    for file in files {
        if file.size > MAX_ASSET_SIZE {
            problems.push(AssetProblem::TooLarge {
                path: manifest_key(&file.relative),
                size: file.size,
            });
        }
        let first = file.relative.split('/').next().unwrap_or_default();
        if !ignore.file_present && first.starts_with(PAGES_WORKER_FILE) {
            problems.push(AssetProblem::PagesWorker {
                path: manifest_key(&file.relative),
            });
        }
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::*;

    fn listed(relative: &str, size: u64) -> ListedFile {
        ListedFile {
            relative: relative.into(),
            size,
        }
    }

    #[test]
    fn the_manifest_serializes_as_the_session_expects() {
        let mut manifest = Manifest::default();
        manifest.insert("index.html", "a".repeat(32), 12);
        manifest.insert("css/site.css", "b".repeat(32), 3);
        let json = serde_json::to_string(&manifest).unwrap();
        assert_eq!(
            json,
            format!(
                r#"{{"/css/site.css":{{"hash":"{}","size":3}},"/index.html":{{"hash":"{}","size":12}}}}"#,
                "b".repeat(32),
                "a".repeat(32)
            )
        );
        assert_eq!(manifest.total_size(), 15);
        assert_eq!(manifest.path_of(&"b".repeat(32)), Some("/css/site.css"));
    }

    #[test]
    fn a_file_over_25_mib_is_refused_and_named() {
        let files = [
            listed("ok.bin", MAX_ASSET_SIZE),
            listed("video/big.mp4", MAX_ASSET_SIZE + 1),
        ];
        let problems = check_listing(&files, &AssetsIgnore::new(None), 10);
        assert_eq!(problems.len(), 1);
        assert_eq!(problems[0].id(), "asset-too-large");
        assert!(problems[0]
            .to_string()
            .starts_with("/video/big.mp4 is 25.0 MiB"));
    }

    #[test]
    fn more_files_than_allowed_is_refused_with_the_way_out() {
        let files: Vec<ListedFile> = (0..3).map(|i| listed(&format!("{i}.txt"), 1)).collect();
        assert!(check_listing(&files, &AssetsIgnore::new(None), 3).is_empty());
        let problems = check_listing(&files, &AssetsIgnore::new(None), 2);
        assert_eq!(problems[0].id(), "too-many-assets");
        assert!(problems[0].to_string().contains("--max-asset-files"));
    }

    #[test]
    fn a_pages_worker_needs_an_ignore_file_to_be_published() {
        let files = [listed("_worker.js", 10), listed("_worker.js/index.js", 10)];
        assert_eq!(check_listing(&files, &AssetsIgnore::new(None), 10).len(), 2);
        assert!(check_listing(&files, &AssetsIgnore::new(Some("")), 10).is_empty());
    }
}
