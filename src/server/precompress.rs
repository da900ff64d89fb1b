//! The app's files compressed once, beside themselves: `x.wasm` gets `x.wasm.br` (brotli,
//! quality 11) and `x.wasm.gz` (gzip, level 9), written when missing or older than the file and
//! kept only when smaller. The static file service then answers a browser that accepts brotli
//! or gzip with the matching copy (`Content-Encoding`, `Vary: Accept-Encoding`) and anyone else
//! with the file itself.
//!
//! Why not compress each response on the fly: brotli at quality 11 takes seconds for the wasm,
//! and a level fast enough per request gives a bigger file (measured on the release bundle:
//! 255 KB at quality 11, 290 KB at quality 5, 317 KB gzipped, 807 KB raw). The bundle changes
//! only when it is rebuilt, so it is compressed once per build, by the first `bindery serve`
//! that sees it.

use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

/// What one pass over the folder did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Compressed {
    /// Compressed copies written (`.br` and `.gz` count separately).
    pub written: usize,
    /// Copies already up to date.
    pub fresh: usize,
}

/// The kinds of file worth compressing (text and WebAssembly; images are compressed already).
const EXTENSIONS: &[&str] = &[
    "wasm", "js", "mjs", "css", "html", "svg", "json", "map", "txt",
];

/// Compresses every file of `dir` and its subfolders that needs it.
pub fn precompress(dir: &Path) -> io::Result<Compressed> {
    let mut done = Compressed::default();
    for path in files(dir)? {
        for encoding in [Encoding::Brotli, Encoding::Gzip] {
            if compress_file(&path, encoding)? {
                done.written += 1;
            } else {
                done.fresh += 1;
            }
        }
    }
    Ok(done)
}

fn files(dir: &Path) -> io::Result<Vec<PathBuf>> {
    let mut found = Vec::new();
    let mut folders = vec![dir.to_path_buf()];
    while let Some(folder) = folders.pop() {
        for entry in std::fs::read_dir(&folder)? {
            let entry = entry?;
            let kind = entry.file_type()?;
            let path = entry.path();
            if kind.is_dir() {
                folders.push(path);
            } else if kind.is_file() && worth_compressing(&path) {
                found.push(path);
            }
        }
    }
    found.sort();
    Ok(found)
}

fn worth_compressing(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| EXTENSIONS.contains(&e))
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Encoding {
    Brotli,
    Gzip,
}

impl Encoding {
    fn suffix(self) -> &'static str {
        match self {
            Encoding::Brotli => "br",
            Encoding::Gzip => "gz",
        }
    }

    /// `bytes` compressed at the strongest level (done once, so time matters little).
    pub fn compress(self, bytes: &[u8]) -> io::Result<Vec<u8>> {
        match self {
            Encoding::Brotli => {
                let mut out = Vec::with_capacity(bytes.len() / 3);
                {
                    let mut writer = brotli::CompressorWriter::new(&mut out, 64 * 1024, 11, 22);
                    writer.write_all(bytes)?;
                }
                Ok(out)
            }
            Encoding::Gzip => {
                let mut writer = flate2::write::GzEncoder::new(
                    Vec::with_capacity(bytes.len() / 3),
                    flate2::Compression::best(),
                );
                writer.write_all(bytes)?;
                writer.finish()
            }
        }
    }
}

/// The compressed copy of `path` for `encoding`: `x.wasm.br`.
pub fn copy_path(path: &Path, encoding: Encoding) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(".");
    name.push(encoding.suffix());
    PathBuf::from(name)
}

/// Whether a compressed copy of `path` is older than the file (made before a rebuild): serving
/// it would send the previous build's bytes.
pub fn has_stale_copy(path: &Path) -> bool {
    let Ok(modified) = std::fs::metadata(path).and_then(|m| m.modified()) else {
        return false;
    };
    [Encoding::Brotli, Encoding::Gzip]
        .into_iter()
        .any(|encoding| {
            std::fs::metadata(copy_path(path, encoding))
                .and_then(|m| m.modified())
                .is_ok_and(|copied| copied < modified)
        })
}

/// Writes the compressed copy when it is missing or older than the file; `Ok(false)` when it
/// was up to date. A copy that would not be smaller is removed instead (the file is served).
fn compress_file(path: &Path, encoding: Encoding) -> io::Result<bool> {
    let copy = copy_path(path, encoding);
    let modified = std::fs::metadata(path)?.modified()?;
    if let Ok(existing) = std::fs::metadata(&copy) {
        if existing.modified()? >= modified {
            return Ok(false);
        }
    }
    let bytes = std::fs::read(path)?;
    let compressed = encoding.compress(&bytes)?;
    if compressed.len() >= bytes.len() {
        match std::fs::remove_file(&copy) {
            Err(e) if e.kind() != io::ErrorKind::NotFound => return Err(e),
            _ => return Ok(false),
        }
    }
    // Written aside and renamed: a request never sees half a copy.
    static WRITES: AtomicU64 = AtomicU64::new(0);
    let mut partial = copy.clone().into_os_string();
    let write = WRITES.fetch_add(1, Ordering::Relaxed);
    partial.push(format!(".{}-{write}.partial", std::process::id()));
    let partial = PathBuf::from(partial);
    // The copy carries the file's own time: it is fresh while the file is not newer.
    let mut file = std::fs::File::create(&partial)?;
    file.write_all(&compressed)?;
    file.set_modified(modified)?;
    drop(file);
    std::fs::rename(&partial, &copy)?;
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;

    #[test]
    fn each_file_gets_smaller_copies_once() {
        let dir = tempfile::tempdir().unwrap();
        let script = "export function hello() { return 'hello'; }\n".repeat(200);
        std::fs::write(dir.path().join("app.js"), &script).unwrap();
        std::fs::write(dir.path().join("tiny.css"), "a{}").unwrap();
        std::fs::write(dir.path().join("photo.png"), [0u8; 4096]).unwrap();
        let first = precompress(dir.path()).unwrap();
        assert_eq!(first.written, 2, "app.js.br and app.js.gz");
        let brotli = std::fs::read(dir.path().join("app.js.br")).unwrap();
        let mut back = String::new();
        brotli::Decompressor::new(&brotli[..], 4096)
            .read_to_string(&mut back)
            .unwrap();
        assert_eq!(back, script);
        let gzip = std::fs::read(dir.path().join("app.js.gz")).unwrap();
        let mut back = String::new();
        flate2::read::GzDecoder::new(&gzip[..])
            .read_to_string(&mut back)
            .unwrap();
        assert_eq!(back, script);
        assert!(brotli.len() < script.len() / 10);
        assert!(
            !dir.path().join("tiny.css.br").exists(),
            "not smaller: not kept"
        );
        assert!(
            !dir.path().join("photo.png.gz").exists(),
            "not a kind worth it"
        );
        let again = precompress(dir.path()).unwrap();
        assert_eq!(again.written, 0, "{again:?}");
        let leftovers: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .filter(|n| n.ends_with(".partial"))
            .collect();
        assert!(leftovers.is_empty(), "{leftovers:?}");
    }

    #[test]
    fn a_rebuilt_file_is_compressed_again() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("index.html");
        std::fs::write(&path, "<p>first</p>".repeat(100)).unwrap();
        precompress(dir.path()).unwrap();
        let old = std::fs::metadata(copy_path(&path, Encoding::Gzip)).unwrap();
        // A newer file than its copy (as after a rebuild).
        let later = old.modified().unwrap() + std::time::Duration::from_secs(5);
        std::fs::write(&path, "<p>second</p>".repeat(100)).unwrap();
        std::fs::File::options()
            .write(true)
            .open(&path)
            .unwrap()
            .set_modified(later)
            .unwrap();
        assert!(has_stale_copy(&path));
        assert_eq!(precompress(dir.path()).unwrap().written, 2);
        let gzip = std::fs::read(copy_path(&path, Encoding::Gzip)).unwrap();
        let mut back = String::new();
        flate2::read::GzDecoder::new(&gzip[..])
            .read_to_string(&mut back)
            .unwrap();
        assert!(back.starts_with("<p>second</p>"));
        assert!(!has_stale_copy(&path));
    }
}
