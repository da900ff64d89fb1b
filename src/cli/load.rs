//! Reading a composition file and the module files it points at.

use std::fmt;
use std::path::{Path, PathBuf};

use crate::model::{Composition, FORMAT_VERSION};

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
/// composition file's folder) into memory.
pub fn load_composition(path: &Path) -> Result<Composition, LoadError> {
    let text = std::fs::read_to_string(path).map_err(|error| LoadError::Read {
        path: path.to_path_buf(),
        error,
    })?;
    let mut composition = parse_composition(path, &text)?;
    let base = path.parent().unwrap_or(Path::new("."));
    for module in &mut composition.modules {
        if let Some(relative) = &module.path {
            let file = base.join(relative);
            module.bytes = std::fs::read(&file).map_err(|error| LoadError::Module {
                path: path.to_path_buf(),
                module: module.name.clone(),
                file: PathBuf::from(relative),
                error,
            })?;
        }
    }
    Ok(composition)
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
}
