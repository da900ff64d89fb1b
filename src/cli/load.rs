//! Reading a composition file and the module files it points at.
//!
//! A composition is a file people share, so the files it names are read with care: by default
//! only regular files inside the composition's folder (after resolving symbolic links), each no
//! larger than the request cap, checked before anything is read. A path that climbs out
//! (`../`), an absolute one, a link leading elsewhere, `/proc/self/environ`, a FIFO or a device
//! is an error naming the path; `--allow-outside-paths` lifts only the folder rule.

use std::fmt;
use std::io::Read;
use std::path::{Path, PathBuf};

use crate::model::{Composition, FORMAT_VERSION};

/// The request cap in MiB when none is given (`--max-body-mib`), shared with `bindery serve`.
pub const DEFAULT_MAX_BODY_MIB: u64 = 100;

/// How the module files of a composition are read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ReadLimits {
    /// Also read files outside the composition's folder.
    pub allow_outside_paths: bool,
    /// The largest module file read, in bytes (a bigger one could not be sent anyway).
    pub max_file_bytes: u64,
}

impl Default for ReadLimits {
    fn default() -> Self {
        ReadLimits {
            allow_outside_paths: false,
            max_file_bytes: DEFAULT_MAX_BODY_MIB * 1024 * 1024,
        }
    }
}

/// Why a composition could not be loaded; `Display` is the one-line message the user sees.
#[derive(Debug)]
pub enum LoadError {
    Read {
        path: PathBuf,
        error: std::io::Error,
    },
    Json {
        path: PathBuf,
        error: serde_json::Error,
    },
    Format {
        path: PathBuf,
        found: u32,
    },
    Module {
        path: PathBuf,
        module: String,
        file: PathBuf,
        error: std::io::Error,
    },
    /// The module's file is outside the composition's folder (after resolving links).
    Outside {
        path: PathBuf,
        module: String,
        file: PathBuf,
        resolved: PathBuf,
    },
    /// The module's file is a FIFO, a device, a folder…: reading it could block or never end.
    NotRegular {
        path: PathBuf,
        module: String,
        file: PathBuf,
        what: &'static str,
    },
    TooLarge {
        path: PathBuf,
        module: String,
        file: PathBuf,
        limit: u64,
    },
}

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LoadError::Read { path, error } => {
                write!(f, "{}: cannot read the composition: {}", path.display(), describe_io(error))
            }
            LoadError::Json { path, error } => {
                write!(f, "{}:{}:{}: {}", path.display(), error.line(), error.column(), json_reason(error))
            }
            LoadError::Format { path, found } => write!(
                f,
                "{}: composition format {found} is not supported; this bindery reads \"format\": {FORMAT_VERSION}",
                path.display()
            ),
            LoadError::Module { path, module, file, error } => write!(
                f,
                "{}: module `{module}`: cannot read `{}`: {}",
                path.display(),
                file.display(),
                describe_io(error)
            ),
            LoadError::Outside { path, module, file, resolved } => write!(
                f,
                "{}: module `{module}`: `{}` is outside the composition's folder (it is {}); only files inside it are read, unless you pass --allow-outside-paths",
                path.display(),
                file.display(),
                resolved.display()
            ),
            LoadError::NotRegular { path, module, file, what } => write!(
                f,
                "{}: module `{module}`: `{}` is {what}, not a regular file",
                path.display(),
                file.display()
            ),
            LoadError::TooLarge { path, module, file, limit } => write!(
                f,
                "{}: module `{module}`: `{}` is larger than the request cap of {} MiB (--max-body-mib)",
                path.display(),
                file.display(),
                limit / (1024 * 1024)
            ),
        }
    }
}

impl std::error::Error for LoadError {}

/// serde_json ends its messages with " at line L column C"; the location is printed in front.
fn json_reason(error: &serde_json::Error) -> String {
    let text = error.to_string();
    match text.rfind(" at line ") {
        Some(cut) => text[..cut].to_string(),
        None => text,
    }
}

pub(super) fn describe_io(error: &std::io::Error) -> String {
    match error.kind() {
        std::io::ErrorKind::NotFound => "no such file".to_string(),
        std::io::ErrorKind::PermissionDenied => "permission denied".to_string(),
        _ => error.to_string(),
    }
}

/// Reads `path`, parses it, and reads every module given by `path` (relative to the
/// composition file's folder) into memory, with the default [`ReadLimits`].
pub fn load_composition(path: &Path) -> Result<Composition, LoadError> {
    load_composition_with(path, ReadLimits::default())
}

/// [`load_composition`] with explicit limits.
pub fn load_composition_with(path: &Path, limits: ReadLimits) -> Result<Composition, LoadError> {
    let text = std::fs::read_to_string(path).map_err(|error| LoadError::Read {
        path: path.to_path_buf(),
        error,
    })?;
    let mut composition = parse_composition(path, &text)?;
    let base = match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    for module in &mut composition.modules {
        if let Some(relative) = &module.path {
            module.bytes = read_module(base, Path::new(relative), limits)
                .map_err(|problem| problem.into_error(path, &module.name, Path::new(relative)))?;
        }
    }
    Ok(composition)
}

/// Why one module file was not read.
enum ModuleProblem {
    Io(std::io::Error),
    Outside(PathBuf),
    NotRegular(&'static str),
    TooLarge(u64),
}

impl ModuleProblem {
    fn into_error(self, path: &Path, module: &str, file: &Path) -> LoadError {
        let (path, module, file) = (path.to_path_buf(), module.to_string(), file.to_path_buf());
        match self {
            ModuleProblem::Io(error) => LoadError::Module {
                path,
                module,
                file,
                error,
            },
            ModuleProblem::Outside(resolved) => LoadError::Outside {
                path,
                module,
                file,
                resolved,
            },
            ModuleProblem::NotRegular(what) => LoadError::NotRegular {
                path,
                module,
                file,
                what,
            },
            ModuleProblem::TooLarge(limit) => LoadError::TooLarge {
                path,
                module,
                file,
                limit,
            },
        }
    }
}

/// Reads `relative` below `base`: resolved (links followed) and confined to `base` unless
/// allowed, a regular file, no larger than the cap; all checked before the first byte is read.
fn read_module(base: &Path, relative: &Path, limits: ReadLimits) -> Result<Vec<u8>, ModuleProblem> {
    let resolved = base
        .join(relative)
        .canonicalize()
        .map_err(ModuleProblem::Io)?;
    if !limits.allow_outside_paths {
        let folder = base.canonicalize().map_err(ModuleProblem::Io)?;
        if !resolved.starts_with(&folder) {
            return Err(ModuleProblem::Outside(resolved));
        }
    }
    let kind = std::fs::metadata(&resolved).map_err(ModuleProblem::Io)?;
    if !kind.is_file() {
        return Err(ModuleProblem::NotRegular(file_kind(&kind.file_type())));
    }
    if kind.len() > limits.max_file_bytes {
        return Err(ModuleProblem::TooLarge(limits.max_file_bytes));
    }
    let file = std::fs::File::open(&resolved).map_err(ModuleProblem::Io)?;
    // The file may have grown (or been replaced) since it was looked at: read one byte more
    // than allowed at most, and never from anything but a regular file.
    let opened = file.metadata().map_err(ModuleProblem::Io)?;
    if !opened.is_file() {
        return Err(ModuleProblem::NotRegular(file_kind(&opened.file_type())));
    }
    let mut bytes = Vec::with_capacity(opened.len().min(limits.max_file_bytes) as usize);
    file.take(limits.max_file_bytes.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(ModuleProblem::Io)?;
    if bytes.len() as u64 > limits.max_file_bytes {
        return Err(ModuleProblem::TooLarge(limits.max_file_bytes));
    }
    Ok(bytes)
}

/// What a file that is not a regular file is, for the message.
fn file_kind(kind: &std::fs::FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if kind.is_fifo() {
            return "a named pipe (FIFO)";
        }
        if kind.is_char_device() || kind.is_block_device() {
            return "a device";
        }
        if kind.is_socket() {
            return "a socket";
        }
    }
    if kind.is_dir() {
        "a folder"
    } else {
        "a special file"
    }
}

/// Parses composition JSON; `path` only names the file in messages.
pub fn parse_composition(path: &Path, text: &str) -> Result<Composition, LoadError> {
    // The format number is checked first, so a newer file gets that message, not a field error.
    if let Ok(serde_json::Value::Object(object)) = serde_json::from_str::<serde_json::Value>(text) {
        if let Some(found) = object.get("format").and_then(|v| v.as_u64()) {
            if found != u64::from(FORMAT_VERSION) {
                return Err(LoadError::Format {
                    path: path.to_path_buf(),
                    found: found as u32,
                });
            }
        }
    }
    serde_json::from_str(text).map_err(|error| LoadError::Json {
        path: path.to_path_buf(),
        error,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
        let path = dir.join(name);
        std::fs::write(&path, text).unwrap();
        path
    }

    #[test]
    fn reads_modules_relative_to_the_file() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("src")).unwrap();
        write(&dir.path().join("src"), "worker.js", "export default {}");
        let path = write(
            dir.path(),
            "c.json",
            r#"{"format":1,"request":{},"modules":[{"name":"worker.js","path":"src/worker.js"}]}"#,
        );
        let composition = load_composition(&path).unwrap();
        assert_eq!(composition.modules[0].bytes, b"export default {}");
    }

    #[test]
    fn errors_name_file_line_and_column() {
        let dir = tempfile::tempdir().unwrap();
        let path = write(
            dir.path(),
            "c.json",
            "{\"format\":1,\n \"request\":{},\n \"metdata\":{}}",
        );
        let message = load_composition(&path).unwrap_err().to_string();
        assert!(message.contains("c.json:3:"), "{message}");
        assert!(message.contains("unknown field `metdata`"), "{message}");
        assert!(!message.contains(" at line "), "{message}");
    }

    #[test]
    fn missing_module_file_is_named() {
        let dir = tempfile::tempdir().unwrap();
        let path = write(
            dir.path(),
            "c.json",
            r#"{"format":1,"request":{},"modules":[{"name":"a.js","path":"gone.js"}]}"#,
        );
        let message = load_composition(&path).unwrap_err().to_string();
        assert!(
            message.ends_with("module `a.js`: cannot read `gone.js`: no such file"),
            "{message}"
        );
    }

    #[test]
    fn newer_format_is_refused_clearly() {
        let message = parse_composition(Path::new("c.json"), r#"{"format":2,"request":{},"x":1}"#)
            .unwrap_err()
            .to_string();
        assert!(message.contains("format 2 is not supported"), "{message}");
    }

    fn composition_with_path(dir: &Path, module_path: &str) -> PathBuf {
        let module = serde_json::json!({"name": "w.js", "path": module_path});
        let text = serde_json::json!({"format": 1, "request": {}, "modules": [module]});
        write(dir, "c.json", &text.to_string())
    }

    fn outside() -> (tempfile::TempDir, PathBuf) {
        let elsewhere = tempfile::tempdir().unwrap();
        let secret = write(elsewhere.path(), "secret.txt", "TOKEN=hunter2");
        (elsewhere, secret)
    }

    #[test]
    fn files_outside_the_folder_are_refused_by_default() {
        let (_elsewhere, secret) = outside();
        let dir = tempfile::tempdir().unwrap();
        let nested = dir.path().join("project");
        std::fs::create_dir(&nested).unwrap();
        write(dir.path(), "beside.js", "x");
        for module_path in [
            secret.to_str().unwrap().to_string(),
            "../beside.js".to_string(),
            "/proc/self/environ".to_string(),
            "sub/../../beside.js".to_string(),
        ] {
            std::fs::create_dir_all(nested.join("sub")).unwrap();
            let path = composition_with_path(&nested, &module_path);
            let error = load_composition(&path).unwrap_err();
            let message = error.to_string();
            assert!(
                matches!(error, LoadError::Outside { .. }),
                "{module_path}: {message}"
            );
            assert!(
                message.contains(&format!(
                    "`{module_path}` is outside the composition's folder"
                )),
                "{message}"
            );
            assert!(message.contains("--allow-outside-paths"), "{message}");
            assert!(!message.contains("hunter2"));
        }
    }

    #[test]
    fn a_link_is_judged_by_where_it_leads() {
        let (_elsewhere, secret) = outside();
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), "real.js", "export default {}");
        std::os::unix::fs::symlink(&secret, dir.path().join("innocent.js")).unwrap();
        std::os::unix::fs::symlink(dir.path().join("real.js"), dir.path().join("alias.js"))
            .unwrap();
        let path = composition_with_path(dir.path(), "innocent.js");
        let message = load_composition(&path).unwrap_err().to_string();
        assert!(
            message.contains("`innocent.js` is outside the composition's folder"),
            "{message}"
        );
        assert!(
            message.contains("secret.txt"),
            "names where it leads: {message}"
        );
        let path = composition_with_path(dir.path(), "alias.js");
        assert_eq!(
            load_composition(&path).unwrap().modules[0].bytes,
            b"export default {}"
        );
    }

    #[test]
    fn allow_outside_paths_reads_them_on_request() {
        let (_elsewhere, secret) = outside();
        let dir = tempfile::tempdir().unwrap();
        let path = composition_with_path(dir.path(), secret.to_str().unwrap());
        let limits = ReadLimits {
            allow_outside_paths: true,
            ..ReadLimits::default()
        };
        let c = load_composition_with(&path, limits).unwrap();
        assert_eq!(c.modules[0].bytes, b"TOKEN=hunter2");
    }

    #[test]
    fn fifos_devices_and_folders_are_refused_without_reading() {
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("pipe.js");
        let made = std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap();
        assert!(made.success());
        std::fs::create_dir(dir.path().join("folder.js")).unwrap();
        let everywhere = ReadLimits {
            allow_outside_paths: true,
            ..ReadLimits::default()
        };
        for (module_path, what) in [
            ("pipe.js", "a named pipe (FIFO)"),
            ("folder.js", "a folder"),
            ("/dev/urandom", "a device"),
            ("/dev/zero", "a device"),
        ] {
            let path = composition_with_path(dir.path(), module_path);
            // Reading any of these whole would block or never end: the test would hang.
            let message = load_composition_with(&path, everywhere)
                .unwrap_err()
                .to_string();
            assert!(
                message.ends_with(&format!("`{module_path}` is {what}, not a regular file")),
                "{message}"
            );
        }
    }

    #[test]
    fn a_file_over_the_request_cap_is_refused_before_it_is_read() {
        let dir = tempfile::tempdir().unwrap();
        let big = std::fs::File::create(dir.path().join("big.bin")).unwrap();
        // Sparse: a 101 MiB file that costs no disk space, over the default cap of 100 MiB.
        big.set_len(101 * 1024 * 1024).unwrap();
        let path = composition_with_path(dir.path(), "big.bin");
        let message = load_composition(&path).unwrap_err().to_string();
        assert!(
            message
                .ends_with("`big.bin` is larger than the request cap of 100 MiB (--max-body-mib)"),
            "{message}"
        );
        let small = ReadLimits {
            max_file_bytes: 1024 * 1024,
            ..ReadLimits::default()
        };
        write(dir.path(), "ok.bin", &"x".repeat(1024 * 1024));
        let path = composition_with_path(dir.path(), "ok.bin");
        assert_eq!(
            load_composition_with(&path, small).unwrap().modules[0]
                .bytes
                .len(),
            1024 * 1024
        );
        write(dir.path(), "ok.bin", &"x".repeat(1024 * 1024 + 1));
        assert!(matches!(
            load_composition_with(&path, small).unwrap_err(),
            LoadError::TooLarge { limit, .. } if limit == 1024 * 1024
        ));
    }

    #[test]
    fn a_composition_named_without_a_folder_reads_from_the_current_one() {
        // `bindery check c.json` run in the composition's folder: the base is `.`.
        let relative = Path::new("Cargo.toml");
        let bytes = read_module(Path::new("."), relative, ReadLimits::default())
            .ok()
            .expect("a file of the current folder");
        assert!(!bytes.is_empty());
    }
}
