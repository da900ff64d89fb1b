//! `--assets DIR`: list the folder (minus `.assetsignore`), check the limits, hash every file,
//! open the upload session, upload the buckets the API asks for (in parallel, with progress),
//! and put the completion JWT and the configuration into `metadata.assets`. The pure parts are
//! in [`crate::assets`].

use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use bytes::Bytes;
use futures_util::stream::{self, StreamExt};
use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};

use super::api::{Api, Auth, Body};
use crate::assets::session::{self, BucketFile};
use crate::assets::{
    check_listing, AssetHasher, AssetsIgnore, ListedFile, Manifest, ASSETS_IGNORE_FILE,
    DEFAULT_MAX_ASSET_FILES, HEADERS_FILE, REDIRECTS_FILE,
};
use crate::model::Composition;

#[derive(clap::Args, Clone, Debug)]
pub struct AssetsArgs {
    /// With --assets: the most files allowed (20,000 on most plans; raise it if yours allows more).
    #[arg(long, default_value_t = DEFAULT_MAX_ASSET_FILES)]
    pub max_asset_files: usize,
    /// With --assets: buckets uploaded at the same time.
    #[arg(long, default_value_t = 3)]
    pub asset_concurrency: usize,
}

impl Default for AssetsArgs {
    fn default() -> Self {
        AssetsArgs {
            max_asset_files: DEFAULT_MAX_ASSET_FILES,
            asset_concurrency: 3,
        }
    }
}

/// Why the assets could not be uploaded.
#[derive(Debug)]
pub enum Failure {
    /// The folder: unreadable, over a limit (exit 2).
    Input(String),
    /// The API refused or did not answer (exit 1).
    Api(String),
}

/// The folder, read and hashed: what a session needs.
#[derive(Debug)]
pub struct Folder {
    pub dir: PathBuf,
    pub manifest: Manifest,
    pub headers: Option<String>,
    pub redirects: Option<String>,
}

/// Lists `dir`, checks the limits and hashes every file (on every core).
pub fn read_folder(dir: &Path, max_files: usize) -> Result<Folder, Failure> {
    let input = |e: String| Failure::Input(e);
    if !dir.is_dir() {
        return Err(input(format!(
            "{}: the assets folder does not exist or is not a folder",
            dir.display()
        )));
    }
    let ignore_text = read_optional(&dir.join(ASSETS_IGNORE_FILE)).map_err(input)?;
    let ignore = AssetsIgnore::new(ignore_text.as_deref());
    let files = list(dir, &ignore).map_err(input)?;
    let problems = check_listing(&files, &ignore, max_files);
    if !problems.is_empty() {
        let lines: Vec<String> = problems
            .iter()
            .map(|p| format!("  error[{}] {p}", p.id()))
            .collect();
        return Err(input(format!(
            "{}: the assets cannot be uploaded:\n{}",
            dir.display(),
            lines.join("\n")
        )));
    }
    let manifest = hash_all(dir, &files).map_err(input)?;
    Ok(Folder {
        dir: dir.to_path_buf(),
        manifest,
        headers: read_optional(&dir.join(HEADERS_FILE)).map_err(input)?,
        redirects: read_optional(&dir.join(REDIRECTS_FILE)).map_err(input)?,
    })
}

fn read_optional(path: &Path) -> Result<Option<String>, String> {
    match std::fs::read_to_string(path) {
        Ok(text) => Ok(Some(text)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(format!("{}: {e}", path.display())),
    }
}

/// Every file under `dir` that `.assetsignore` keeps, with its size. Folders are walked as
/// wrangler walks them (Node's recursive `readdir`): a symbolic link counts as what it points
/// to, file or folder (a link back to one of its own parent folders is not followed again);
/// an ignored folder is not entered.
pub fn list(dir: &Path, ignore: &AssetsIgnore) -> Result<Vec<ListedFile>, String> {
    let mut files = Vec::new();
    let root = dir
        .canonicalize()
        .map_err(|e| format!("{}: {e}", dir.display()))?;
    // (relative folder, the real folders from the root down to it)
    let mut pending = vec![(String::new(), vec![root])];
    while let Some((relative, ancestors)) = pending.pop() {
        let folder = dir.join(&relative);
        let entries =
            std::fs::read_dir(&folder).map_err(|e| format!("{}: {e}", folder.display()))?;
        for entry in entries {
            let entry = entry.map_err(|e| format!("{}: {e}", folder.display()))?;
            let Some(name) = entry.file_name().to_str().map(str::to_string) else {
                return Err(format!(
                    "{}: a file name is not valid UTF-8",
                    entry.path().display()
                ));
            };
            let path = format!("{relative}{name}");
            // Follows links; a broken one is skipped.
            let Ok(metadata) = std::fs::metadata(entry.path()) else {
                continue;
            };
            if metadata.is_dir() {
                let as_folder = format!("{path}/");
                if ignore.is_ignored(&as_folder) {
                    continue;
                }
                let Ok(real) = entry.path().canonicalize() else {
                    continue;
                };
                if ancestors.contains(&real) {
                    continue;
                }
                let mut chain = ancestors.clone();
                chain.push(real);
                pending.push((as_folder, chain));
            } else if metadata.is_file() && !ignore.is_ignored(&path) {
                files.push(ListedFile {
                    relative: path,
                    size: metadata.len(),
                });
            }
        }
    }
    files.sort_by(|a, b| a.relative.cmp(&b.relative));
    Ok(files)
}

/// Hashes every file, on every core, streaming each file in 256 KiB reads.
pub fn hash_all(dir: &Path, files: &[ListedFile]) -> Result<Manifest, String> {
    let next = AtomicUsize::new(0);
    let results: Mutex<Vec<(usize, String)>> = Mutex::new(Vec::with_capacity(files.len()));
    let first_error: Mutex<Option<String>> = Mutex::new(None);
    let threads = std::thread::available_parallelism()
        .map_or(2, |n| n.get())
        .min(files.len().max(1));
    std::thread::scope(|scope| {
        for _ in 0..threads {
            scope.spawn(|| {
                let mut buffer = vec![0u8; 256 * 1024];
                let mut mine = Vec::new();
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(file) = files.get(i) else { break };
                    match hash_file(&dir.join(&file.relative), &file.relative, &mut buffer) {
                        Ok(hash) => mine.push((i, hash)),
                        Err(e) => {
                            first_error.lock().expect("error slot").get_or_insert(e);
                            break;
                        }
                    }
                }
                results.lock().expect("results").extend(mine);
            });
        }
    });
    if let Some(e) = first_error.into_inner().expect("error slot") {
        return Err(e);
    }
    let mut manifest = Manifest::default();
    for (i, hash) in results.into_inner().expect("results") {
        manifest.insert(&files[i].relative, hash, files[i].size);
    }
    Ok(manifest)
}

fn hash_file(path: &Path, relative: &str, buffer: &mut [u8]) -> Result<String, String> {
    let mut file = std::fs::File::open(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let mut hasher = AssetHasher::new();
    loop {
        let n = file
            .read(buffer)
            .map_err(|e| format!("{}: {e}", path.display()))?;
        if n == 0 {
            break;
        }
        hasher.update(&buffer[..n]);
    }
    Ok(hasher.finish(relative))
}

/// Uploads the assets of `dir` for the script `composition` names and attaches them to its
/// metadata. `progress`: draw progress bars on standard error (when it is a terminal).
pub async fn upload(
    api: &Api,
    composition: &mut Composition,
    dir: &Path,
    args: &AssetsArgs,
    progress: bool,
) -> Result<(), Failure> {
    let folder = {
        let dir = dir.to_path_buf();
        let max = args.max_asset_files;
        tokio::task::spawn_blocking(move || read_folder(&dir, max))
            .await
            .map_err(|e| Failure::Input(e.to_string()))??
    };
    let jwt = upload_folder(api, composition, &folder, args, progress).await?;
    let existing = composition
        .metadata
        .assets
        .take()
        .and_then(|assets| assets.config);
    composition.metadata.assets = Some(session::assets_metadata(
        jwt,
        existing,
        folder.headers.clone(),
        folder.redirects.clone(),
    ));
    Ok(())
}

/// Opens the session for `folder`'s manifest and uploads the missing buckets; the completion
/// JWT.
pub async fn upload_folder(
    api: &Api,
    composition: &Composition,
    folder: &Folder,
    args: &AssetsArgs,
    progress: bool,
) -> Result<String, Failure> {
    let request = &composition.request;
    let sent = api
        .send(
            "POST",
            &session::session_path(request),
            &Body::Json(session::session_body(&folder.manifest)),
            Auth::Token,
            true,
        )
        .await;
    let answer = match sent.result {
        Ok(a) => session::parse_session(a.status, &a.body).map_err(Failure::Api)?,
        Err(e) => return Err(Failure::Api(e.message)),
    };
    let buckets = session::plan_buckets(&folder.manifest, &answer).map_err(Failure::Api)?;
    if buckets.is_empty() {
        eprintln!(
            "assets: {} files, all already uploaded",
            folder.manifest.len()
        );
        return Ok(answer.jwt);
    }
    let files: usize = buckets.iter().map(Vec::len).sum();
    let bytes: u64 = buckets.iter().flatten().map(|f| f.size).sum();
    let bars = Bars::new(progress, bytes);
    let upload_path = session::upload_path(&request.account_id);
    let results: Vec<Result<Option<String>, Failure>> = stream::iter(buckets.iter().enumerate())
        .map(|(index, bucket)| {
            let bars = &bars;
            let upload_path = &upload_path;
            let jwt = answer.jwt.as_str();
            async move {
                let bar = bars.bucket(index, bucket);
                let body = bucket_body(&folder.dir, bucket)?;
                let sent = api
                    .send("POST", upload_path, &body, Auth::Bearer(jwt), true)
                    .await;
                bars.done(&bar, bucket);
                match sent.result {
                    Ok(a) => session::parse_upload(a.status, &a.body).map_err(Failure::Api),
                    Err(e) => Err(Failure::Api(e.message)),
                }
            }
        })
        .buffer_unordered(args.asset_concurrency.max(1))
        .collect()
        .await;
    bars.finish();
    let mut completion = None;
    for result in results {
        if let Some(jwt) = result? {
            completion = Some(jwt);
        }
    }
    eprintln!(
        "assets: uploaded {files} of {} files ({}), {} already there",
        folder.manifest.len(),
        human_bytes(bytes),
        folder.manifest.len() - files
    );
    completion.ok_or_else(|| {
        Failure::Api("the API did not answer the last bucket with a completion token".into())
    })
}

/// One bucket's multipart body: each file read and base64-encoded.
fn bucket_body(dir: &Path, bucket: &[BucketFile]) -> Result<Body, Failure> {
    let parts = bucket
        .iter()
        .map(|file| {
            let path = dir.join(file.path.trim_start_matches('/'));
            let content = std::fs::read(&path)
                .map_err(|e| Failure::Input(format!("{}: {e}", path.display())))?;
            let mime = mime_guess::from_path(&file.path)
                .first_raw()
                .map(str::to_string);
            Ok(session::bucket_part(
                &file.hash,
                STANDARD.encode(content).into_bytes(),
                session::part_content_type(mime.as_deref()),
            ))
        })
        .collect::<Result<Vec<_>, Failure>>()?;
    let boundary = super::send::boundary();
    let bytes = Bytes::from(session::bucket_body(&parts, &boundary));
    Ok(Body::Multipart { boundary, bytes })
}

/// The overall bar (bytes) and one bar per bucket in flight.
struct Bars {
    multi: MultiProgress,
    overall: ProgressBar,
}

impl Bars {
    fn new(visible: bool, bytes: u64) -> Bars {
        let target = if visible {
            ProgressDrawTarget::stderr()
        } else {
            ProgressDrawTarget::hidden()
        };
        let multi = MultiProgress::with_draw_target(target);
        let overall = multi.add(ProgressBar::new(bytes));
        overall.set_style(
            ProgressStyle::with_template(
                "assets {bar:30} {bytes}/{total_bytes} {bytes_per_sec} eta {eta}",
            )
            .expect("template"),
        );
        Bars { multi, overall }
    }

    fn bucket(&self, index: usize, bucket: &[BucketFile]) -> ProgressBar {
        let bytes: u64 = bucket.iter().map(|f| f.size).sum();
        let bar = self.multi.add(ProgressBar::new(bytes));
        bar.set_style(
            ProgressStyle::with_template("  bucket {prefix} {spinner} {msg}").expect("template"),
        );
        bar.set_prefix((index + 1).to_string());
        bar.set_message(format!("{} files, {}", bucket.len(), human_bytes(bytes)));
        bar.enable_steady_tick(std::time::Duration::from_millis(120));
        bar
    }

    fn done(&self, bar: &ProgressBar, bucket: &[BucketFile]) {
        self.overall.inc(bucket.iter().map(|f| f.size).sum());
        bar.finish_and_clear();
    }

    fn finish(&self) {
        self.overall.finish_and_clear();
    }
}

/// `1.5 MiB`.
pub fn human_bytes(bytes: u64) -> String {
    indicatif::BinaryBytes(bytes).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(unix)]
    #[test]
    fn a_link_back_to_a_parent_folder_is_not_walked_forever() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("a")).unwrap();
        std::fs::write(dir.path().join("a/x.txt"), "x").unwrap();
        std::os::unix::fs::symlink("..", dir.path().join("a/up")).unwrap();
        let files = list(dir.path(), &AssetsIgnore::new(None)).unwrap();
        let names: Vec<&str> = files.iter().map(|f| f.relative.as_str()).collect();
        assert_eq!(names, ["a/x.txt"]);
    }

    #[test]
    fn a_folder_over_the_limits_is_refused_before_anything_is_read() {
        let dir = tempfile::tempdir().unwrap();
        for i in 0..3 {
            std::fs::write(dir.path().join(format!("{i}.txt")), "x").unwrap();
        }
        let Err(Failure::Input(message)) = read_folder(dir.path(), 2) else {
            panic!("three files are more than two");
        };
        assert!(
            message.contains("error[too-many-assets] 3 assets"),
            "{message}"
        );
        let folder = read_folder(dir.path(), 3).unwrap();
        assert_eq!(folder.manifest.len(), 3);
        let Err(Failure::Input(message)) = read_folder(&dir.path().join("missing"), 3) else {
            panic!("no folder");
        };
        assert!(message.contains("does not exist"), "{message}");
    }
}
