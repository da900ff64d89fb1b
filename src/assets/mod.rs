//! Static assets: the files of a folder served by Cloudflare next to (or instead of) a Worker.
//!
//! What wrangler does before an upload, as pure functions shared by the CLI and the app:
//! which files count ([`ignore`]), their content hashes ([`hash`]), the manifest and the
//! limits checked before anything is sent ([`manifest`]), and the upload session's requests
//! and answers ([`session`]). Reading the folder (CLI) or the dropped files (app) and sending
//! the requests are the callers' part.

pub mod hash;
pub mod ignore;

pub use hash::{extension, hash_asset, AssetHasher};
pub use ignore::{AssetsIgnore, ASSETS_IGNORE_FILE, HEADERS_FILE, REDIRECTS_FILE};
pub mod manifest;
pub mod picked;
pub mod session;

pub use manifest::{
    check_listing, manifest_key, AssetProblem, ListedFile, Manifest, ManifestEntry,
    DEFAULT_MAX_ASSET_FILES, MAX_ASSET_SIZE,
};
pub use session::{BucketFile, SessionAnswer};
