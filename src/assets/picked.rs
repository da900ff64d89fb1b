//! A folder picked or dropped in the browser: each file arrives with a path that starts with the
//! folder's own name (`site/css/a.css`). This finds that root, strips it, and gives the same
//! listing the CLI reads from disk, so the limits, the ignore rules and the manifest are the
//! same; and it edits `metadata.assets.config` from the panel's inputs.

use serde_json::Value;

use super::ignore::AssetsIgnore;
use super::manifest::ListedFile;
use crate::model::{Assets, AssetsConfig};

/// The picked files, relative to the folder.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PickedFolder {
    /// The folder's name.
    pub root: String,
    /// `(index in the picked list, path relative to the folder, size)`.
    pub files: Vec<(usize, String, u64)>,
}

impl PickedFolder {
    /// Reads the picked `(path, size)` list: every path must start with the same folder.
    pub fn new(picked: &[(String, u64)]) -> Result<PickedFolder, String> {
        let mut root: Option<&str> = None;
        let mut files = Vec::with_capacity(picked.len());
        for (index, (path, size)) in picked.iter().enumerate() {
            let path = path.trim_start_matches('/');
            let Some((first, rest)) = path.split_once('/') else {
                return Err(format!(
                    "{path} is not inside a folder: pick or drop the assets folder itself"
                ));
            };
            match root {
                None => root = Some(first),
                Some(r) if r == first => {}
                Some(r) => {
                    return Err(format!(
                        "files come from two folders ({r} and {first}): pick one assets folder"
                    ))
                }
            }
            files.push((index, rest.to_string(), *size));
        }
        let Some(root) = root else {
            return Err("the folder is empty".into());
        };
        Ok(PickedFolder {
            root: root.to_string(),
            files,
        })
    }

    /// The index of the file at `relative` (e.g. `.assetsignore`), if picked.
    pub fn find(&self, relative: &str) -> Option<usize> {
        self.files
            .iter()
            .find(|(_, path, _)| path == relative)
            .map(|(index, _, _)| *index)
    }

    /// The files `.assetsignore` keeps, in path order, with their picked index.
    pub fn listing(&self, ignore: &AssetsIgnore) -> Vec<(usize, ListedFile)> {
        let mut kept: Vec<(usize, ListedFile)> = self
            .files
            .iter()
            .filter(|(_, path, _)| !ignore.is_ignored(path))
            .map(|(index, path, size)| {
                (
                    *index,
                    ListedFile {
                        relative: path.clone(),
                        size: *size,
                    },
                )
            })
            .collect();
        kept.sort_by(|a, b| a.1.relative.cmp(&b.1.relative));
        kept
    }
}

/// `metadata.assets` with one configuration input changed: `html_handling` and
/// `not_found_handling` (empty: unset), `run_worker_first` (`true`, `false`, rules such as
/// `/api/*, !/api/static/*` separated by commas or lines, or empty: unset). The JWT is kept.
pub fn config_edit(current: Option<&Assets>, field: &str, text: &str) -> Option<Assets> {
    let mut assets = current.cloned().unwrap_or_default();
    let mut config = assets.config.take().unwrap_or_default();
    let text = text.trim();
    let value = (!text.is_empty()).then(|| text.to_string());
    match field {
        "html_handling" => config.html_handling = value,
        "not_found_handling" => config.not_found_handling = value,
        "run_worker_first" => {
            config.run_worker_first = match text {
                "" => None,
                "true" => Some(Value::Bool(true)),
                "false" => Some(Value::Bool(false)),
                rules => Some(Value::Array(
                    rules
                        .split([',', '\n'])
                        .map(str::trim)
                        .filter(|r| !r.is_empty())
                        .map(|r| Value::String(r.to_string()))
                        .collect(),
                )),
            }
        }
        _ => {}
    }
    assets.config = (config != AssetsConfig::default()).then_some(config);
    (assets != Assets::default()).then_some(assets)
}

/// The text of `run_worker_first` for its input.
pub fn run_worker_first_text(value: Option<&Value>) -> String {
    match value {
        None => String::new(),
        Some(Value::Array(rules)) => rules
            .iter()
            .map(|r| r.as_str().map_or(r.to_string(), str::to_string))
            .collect::<Vec<_>>()
            .join(", "),
        Some(other) => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn picked(paths: &[&str]) -> Vec<(String, u64)> {
        paths.iter().map(|p| (p.to_string(), 1)).collect()
    }

    #[test]
    fn the_folder_name_is_stripped_and_ignore_rules_apply() {
        let folder = PickedFolder::new(&picked(&[
            "site/index.html",
            "site/.assetsignore",
            "site/a.map",
            "site/_headers",
            "site/css/x.css",
        ]))
        .unwrap();
        assert_eq!(folder.root, "site");
        assert_eq!(folder.find(".assetsignore"), Some(1));
        let kept = folder.listing(&AssetsIgnore::new(Some("*.map")));
        let paths: Vec<&str> = kept.iter().map(|(_, f)| f.relative.as_str()).collect();
        assert_eq!(paths, ["css/x.css", "index.html"]);
        assert_eq!(kept[1].0, 0);
    }

    #[test]
    fn files_outside_one_folder_are_refused() {
        assert!(PickedFolder::new(&picked(&["a/x", "b/y"]))
            .unwrap_err()
            .contains("two folders"));
        assert!(PickedFolder::new(&picked(&["x.html"]))
            .unwrap_err()
            .contains("not inside a folder"));
        assert_eq!(PickedFolder::new(&[]).unwrap_err(), "the folder is empty");
    }

    #[test]
    fn config_inputs_edit_the_assets_object_and_keep_the_jwt() {
        let current = Assets {
            jwt: Some("J".into()),
            ..Default::default()
        };
        let a = config_edit(Some(&current), "not_found_handling", "404-page").unwrap();
        assert_eq!(a.jwt.as_deref(), Some("J"));
        let a = config_edit(Some(&a), "run_worker_first", "/api/*, !/api/static/*").unwrap();
        assert_eq!(
            a.config.as_ref().unwrap().run_worker_first,
            Some(json!(["/api/*", "!/api/static/*"]))
        );
        assert_eq!(
            run_worker_first_text(a.config.as_ref().unwrap().run_worker_first.as_ref()),
            "/api/*, !/api/static/*"
        );
        let a = config_edit(Some(&a), "run_worker_first", "true").unwrap();
        assert_eq!(
            a.config.as_ref().unwrap().run_worker_first,
            Some(json!(true))
        );
        let cleared = config_edit(None, "html_handling", "");
        assert_eq!(cleared, None);
    }
}
