//! The importers' [`Files`] on disk: one folder, read-only, never left.
//!
//! [`RelPath`] already refuses absolute paths and `..` that climb out. Here the resolved file is
//! checked again after links are followed (a symbolic link inside the folder pointing at
//! `/etc/passwd` is refused), sizes are checked before reading, and listings follow no link to a
//! directory (no loops, no escape).

use std::path::{Path, PathBuf};

use crate::import::files::{FileError, Files, RelPath, MAX_FILE_BYTES, MAX_LISTED_FILES};

pub struct Folder {
    /// Canonical (links resolved, absolute).
    root: PathBuf,
    max_bytes: u64,
}

impl Folder {
    /// The folder at `path`; an error when it is not a readable directory.
    pub fn open(path: &Path) -> std::io::Result<Folder> {
        let root = path.canonicalize()?;
        if !root.is_dir() {
            return Err(std::io::Error::new(
                std::io::ErrorKind::InvalidInput,
                "not a directory",
            ));
        }
        Ok(Folder {
            root,
            max_bytes: MAX_FILE_BYTES,
        })
    }

    /// A smaller per-file cap (tests).
    #[cfg(test)]
    pub fn with_max_bytes(mut self, max_bytes: u64) -> Folder {
        self.max_bytes = max_bytes;
        self
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The file `path` inside the folder, links resolved; refused when it leads outside.
    fn resolve(&self, path: &RelPath) -> Result<PathBuf, FileError> {
        let joined = self.root.join(path.as_str());
        let real = joined.canonicalize().map_err(io_error)?;
        if !real.starts_with(&self.root) {
            return Err(FileError::Other(
                "a link leads outside the folder; it is not followed".into(),
            ));
        }
        Ok(real)
    }
}

fn io_error(error: std::io::Error) -> FileError {
    match error.kind() {
        std::io::ErrorKind::NotFound => FileError::NotFound,
        std::io::ErrorKind::PermissionDenied => FileError::Other("permission denied".into()),
        _ => FileError::Other(error.to_string()),
    }
}

impl Files for Folder {
    fn read(&self, path: &RelPath) -> Result<Vec<u8>, FileError> {
        let real = self.resolve(path)?;
        let metadata = std::fs::metadata(&real).map_err(io_error)?;
        if !metadata.is_file() {
            return Err(FileError::Other("not a file".into()));
        }
        if metadata.len() > self.max_bytes {
            return Err(FileError::TooLarge {
                limit: self.max_bytes,
            });
        }
        std::fs::read(&real).map_err(io_error)
    }

    fn list(&self, dir: &RelPath) -> Result<Vec<RelPath>, FileError> {
        let start = self.resolve(dir)?;
        let mut out = Vec::new();
        let mut pending = vec![(start, dir.clone())];
        while let Some((real, rel)) = pending.pop() {
            let mut entries: Vec<_> = std::fs::read_dir(&real)
                .map_err(io_error)?
                .filter_map(Result::ok)
                .collect();
            entries.sort_by_key(|e| e.file_name());
            for entry in entries {
                let Some(name) = entry.file_name().to_str().map(str::to_string) else {
                    continue; // not UTF-8: no part name can hold it
                };
                let Ok(child) = rel.join(&name) else { continue };
                let Ok(kind) = entry.file_type() else {
                    continue;
                };
                if kind.is_dir() {
                    pending.push((entry.path(), child));
                } else if kind.is_file()
                    || (kind.is_symlink() && self.resolve(&child).is_ok_and(|p| p.is_file()))
                {
                    out.push(child);
                    if out.len() >= MAX_LISTED_FILES {
                        out.sort();
                        return Ok(out);
                    }
                }
            }
        }
        out.sort();
        Ok(out)
    }
}

/// `target` relative to directory `from` (both absolute), with `..` where needed; `/`-separated.
pub fn relative_path(from: &Path, target: &Path) -> String {
    let from: Vec<_> = from.components().collect();
    let to: Vec<_> = target.components().collect();
    let common = from.iter().zip(&to).take_while(|(a, b)| a == b).count();
    let mut parts: Vec<String> = vec!["..".to_string(); from.len() - common];
    parts.extend(
        to[common..]
            .iter()
            .map(|c| c.as_os_str().to_string_lossy().into_owned()),
    );
    if parts.is_empty() {
        ".".to_string()
    } else {
        parts.join("/")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_inside_and_refuses_links_out() {
        let outside = tempfile::tempdir().unwrap();
        std::fs::write(outside.path().join("secret"), "s3cret").unwrap();
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("src")).unwrap();
        std::fs::write(dir.path().join("src/a.js"), "export {}").unwrap();
        std::os::unix::fs::symlink(outside.path().join("secret"), dir.path().join("src/link"))
            .unwrap();
        std::os::unix::fs::symlink(outside.path(), dir.path().join("escape")).unwrap();
        let folder = Folder::open(dir.path()).unwrap();
        let read = |p: &str| folder.read(&RelPath::parse(p).unwrap());
        assert_eq!(read("src/a.js").unwrap(), b"export {}");
        assert!(matches!(read("src/link"), Err(FileError::Other(m)) if m.contains("outside")));
        assert!(matches!(read("escape/secret"), Err(FileError::Other(m)) if m.contains("outside")));
        assert_eq!(read("nope.js"), Err(FileError::NotFound));
        let listed = folder.list(&RelPath::root()).unwrap();
        let names: Vec<&str> = listed.iter().map(RelPath::as_str).collect();
        assert_eq!(names, ["src/a.js"]);
    }

    #[test]
    fn large_files_are_refused_before_reading() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("big.bin"), vec![0u8; 2048]).unwrap();
        let folder = Folder::open(dir.path()).unwrap().with_max_bytes(1024);
        assert_eq!(
            folder.read(&RelPath::parse("big.bin").unwrap()),
            Err(FileError::TooLarge { limit: 1024 })
        );
    }

    #[test]
    fn relative_paths_between_folders() {
        let p = |s: &str| PathBuf::from(s);
        assert_eq!(relative_path(&p("/a/b"), &p("/a/b/c/d.js")), "c/d.js");
        assert_eq!(relative_path(&p("/a/b"), &p("/a/x/d.js")), "../x/d.js");
        assert_eq!(relative_path(&p("/a"), &p("/a")), ".");
    }
}
