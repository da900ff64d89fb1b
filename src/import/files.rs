//! The files an importer may read: one folder, named by paths that cannot leave it.
//!
//! Importers are pure: they never touch a file system. They ask a [`Files`] for bytes by
//! [`RelPath`], a normalized path relative to the folder the user gave. Building a `RelPath` is
//! the guard: an absolute path, a drive letter, or a `..` that climbs above the folder is refused
//! before any read is asked for, so a configuration or a pasted command cannot name a file
//! outside it. The CLI's folder reader checks again after resolving links; the app hands over
//! the files the user dropped ([`MemFiles`]); the `&str` entry points read nothing ([`NoFiles`]).

use std::collections::BTreeMap;
use std::fmt;

/// The largest file an importer reads (the proxy's default body cap).
pub const MAX_FILE_BYTES: u64 = 100 * 1024 * 1024;

/// The most files a folder listing returns.
pub const MAX_LISTED_FILES: usize = 10_000;

/// A normalized path inside the import folder: `/`-separated segments, none empty, `.` or `..`.
/// The folder itself is the empty path.
#[derive(Clone, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct RelPath(String);

/// Why a path was refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PathError {
    /// `/etc/passwd`, `C:\x`, `\\server\share`.
    Absolute,
    /// `../x` from the folder itself.
    ClimbsOut,
    /// A NUL byte.
    Nul,
}

impl fmt::Display for PathError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            PathError::Absolute => {
                "an absolute path is not read: name the file relative to the folder"
            }
            PathError::ClimbsOut => {
                "the path leaves the folder (`..`): only files inside it are read"
            }
            PathError::Nul => "the path holds a NUL byte",
        })
    }
}

impl RelPath {
    /// The folder itself.
    pub fn root() -> RelPath {
        RelPath(String::new())
    }

    /// `path` relative to the folder.
    pub fn parse(path: &str) -> Result<RelPath, PathError> {
        RelPath::root().join(path)
    }

    /// `path` resolved against this directory: `.` dropped, `..` going up, never above the
    /// folder. A path that would leave the folder read as a Windows path (`..\\x`, `C:\\x`) is
    /// refused as well; otherwise a backslash stays a character of the name.
    pub fn join(&self, path: &str) -> Result<RelPath, PathError> {
        if path.contains('\0') {
            return Err(PathError::Nul);
        }
        // Read as a Windows path too (`\` as separator): refused if that would leave the folder.
        let windows = path.replace('\\', "/");
        let bytes = windows.as_bytes();
        let drive = bytes.len() >= 2 && bytes[0].is_ascii_alphabetic() && bytes[1] == b':';
        if windows.starts_with('/') || drive {
            return Err(PathError::Absolute);
        }
        self.resolve(&windows)?;
        // Kept as written: a backslash is a character of a file name here.
        self.resolve(path)
    }

    fn resolve(&self, path: &str) -> Result<RelPath, PathError> {
        let mut segments: Vec<&str> = self.segments().collect();
        for segment in path.split('/') {
            match segment {
                "" | "." => {}
                ".." => {
                    if segments.pop().is_none() {
                        return Err(PathError::ClimbsOut);
                    }
                }
                name => segments.push(name),
            }
        }
        Ok(RelPath(segments.join("/")))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn is_root(&self) -> bool {
        self.0.is_empty()
    }

    pub fn segments(&self) -> impl Iterator<Item = &str> {
        self.0.split('/').filter(|s| !s.is_empty())
    }

    /// The containing directory (the folder for a top-level file).
    pub fn parent(&self) -> RelPath {
        match self.0.rsplit_once('/') {
            Some((parent, _)) => RelPath(parent.to_string()),
            None => RelPath::root(),
        }
    }

    /// The last segment (empty for the folder).
    pub fn file_name(&self) -> &str {
        self.0.rsplit('/').next().unwrap_or("")
    }

    /// This path relative to directory `dir`, when it lies below it.
    pub fn relative_to(&self, dir: &RelPath) -> Option<&str> {
        if dir.is_root() {
            return Some(&self.0);
        }
        self.0
            .strip_prefix(dir.as_str())
            .and_then(|rest| rest.strip_prefix('/'))
    }
}

impl fmt::Display for RelPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(if self.0.is_empty() { "." } else { &self.0 })
    }
}

/// Why a file could not be read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FileError {
    NotFound,
    /// Larger than [`MAX_FILE_BYTES`] (or the reader's own cap).
    TooLarge {
        limit: u64,
    },
    /// No files were given at all (an import from text alone).
    NotProvided,
    /// Refused or failed for another reason, said in words.
    Other(String),
}

impl fmt::Display for FileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FileError::NotFound => f.write_str("no such file"),
            FileError::TooLarge { limit } => {
                write!(f, "larger than {} MiB", limit / (1024 * 1024))
            }
            FileError::NotProvided => f.write_str("no folder was given to read it from"),
            FileError::Other(reason) => f.write_str(reason),
        }
    }
}

/// A read-only view of one folder.
pub trait Files {
    /// The bytes of the file at `path`.
    fn read(&self, path: &RelPath) -> Result<Vec<u8>, FileError>;
    /// Every file below directory `dir` (recursively, sorted), at most [`MAX_LISTED_FILES`].
    fn list(&self, dir: &RelPath) -> Result<Vec<RelPath>, FileError>;
    /// Whether any file can be read at all (false for [`NoFiles`]).
    fn available(&self) -> bool {
        true
    }
}

/// No folder: every read is [`FileError::NotProvided`].
pub struct NoFiles;

impl Files for NoFiles {
    fn read(&self, _: &RelPath) -> Result<Vec<u8>, FileError> {
        Err(FileError::NotProvided)
    }
    fn list(&self, _: &RelPath) -> Result<Vec<RelPath>, FileError> {
        Err(FileError::NotProvided)
    }
    fn available(&self) -> bool {
        false
    }
}

/// Files held in memory (the app's dropped files, tests), by normalized path.
#[derive(Clone, Debug, Default)]
pub struct MemFiles {
    files: BTreeMap<RelPath, Vec<u8>>,
}

impl MemFiles {
    pub fn new() -> MemFiles {
        MemFiles::default()
    }

    /// Adds a file; a path that leaves the folder is refused.
    pub fn insert(&mut self, path: &str, bytes: impl Into<Vec<u8>>) -> Result<(), PathError> {
        self.files.insert(RelPath::parse(path)?, bytes.into());
        Ok(())
    }

    /// `insert` for tests and literals; panics on a bad path.
    pub fn with(mut self, path: &str, bytes: impl Into<Vec<u8>>) -> MemFiles {
        self.insert(path, bytes).expect("a path inside the folder");
        self
    }

    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }
}

impl Files for MemFiles {
    fn read(&self, path: &RelPath) -> Result<Vec<u8>, FileError> {
        let bytes = self.files.get(path).ok_or(FileError::NotFound)?;
        if bytes.len() as u64 > MAX_FILE_BYTES {
            return Err(FileError::TooLarge {
                limit: MAX_FILE_BYTES,
            });
        }
        Ok(bytes.clone())
    }

    fn list(&self, dir: &RelPath) -> Result<Vec<RelPath>, FileError> {
        Ok(self
            .files
            .keys()
            .filter(|path| path.relative_to(dir).is_some_and(|rest| !rest.is_empty()))
            .take(MAX_LISTED_FILES)
            .cloned()
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_normalized_inside_the_folder() {
        assert_eq!(
            RelPath::parse("./src//index.js").unwrap().as_str(),
            "src/index.js"
        );
        assert_eq!(
            RelPath::parse("src/../lib/a.js").unwrap().as_str(),
            "lib/a.js"
        );
        // On this side a backslash is part of a name (it cannot climb out).
        assert_eq!(
            RelPath::parse("src\\win\\a.js").unwrap().as_str(),
            "src\\win\\a.js"
        );
        let src = RelPath::parse("src").unwrap();
        assert_eq!(src.join("../x.wasm").unwrap().as_str(), "x.wasm");
        assert!(RelPath::parse(".").unwrap().is_root());
    }

    #[test]
    fn paths_that_leave_the_folder_are_refused() {
        for (path, error) in [
            ("../secret", PathError::ClimbsOut),
            ("src/../../secret", PathError::ClimbsOut),
            ("..\\..\\windows", PathError::ClimbsOut),
            ("/etc/passwd", PathError::Absolute),
            ("C:\\Users\\x", PathError::Absolute),
            ("c:relative", PathError::Absolute),
            ("\\\\server\\share", PathError::Absolute),
            ("a\0b", PathError::Nul),
        ] {
            assert_eq!(RelPath::parse(path), Err(error), "{path:?}");
        }
        let deep = RelPath::parse("a/b").unwrap();
        assert_eq!(deep.join("../../../x"), Err(PathError::ClimbsOut));
    }

    #[test]
    fn parents_names_and_relative_parts() {
        let path = RelPath::parse("src/lib/util.js").unwrap();
        assert_eq!(path.parent().as_str(), "src/lib");
        assert_eq!(path.file_name(), "util.js");
        assert_eq!(
            path.relative_to(&RelPath::parse("src").unwrap()),
            Some("lib/util.js")
        );
        assert_eq!(path.relative_to(&RelPath::parse("sr").unwrap()), None);
        assert_eq!(path.relative_to(&RelPath::root()), Some("src/lib/util.js"));
        assert_eq!(RelPath::parse("a.js").unwrap().parent(), RelPath::root());
    }

    #[test]
    fn memory_files_list_below_a_directory() {
        let files = MemFiles::new()
            .with("dist/index.js", "x")
            .with("dist/lib/a.js", "y")
            .with("distant.txt", "z");
        let listed = files.list(&RelPath::parse("dist").unwrap()).unwrap();
        let names: Vec<&str> = listed.iter().map(RelPath::as_str).collect();
        assert_eq!(names, ["dist/index.js", "dist/lib/a.js"]);
        assert_eq!(
            files.read(&RelPath::parse("nope").unwrap()),
            Err(FileError::NotFound)
        );
        assert!(MemFiles::new().insert("../x", "y").is_err());
        assert_eq!(NoFiles.read(&RelPath::root()), Err(FileError::NotProvided));
    }
}
