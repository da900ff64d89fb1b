//! Working examples to start from: the scenarios the project grew from (a Worker with a KV
//! namespace; a Workers for Platforms user Worker with KV, then R2 added while KV is kept) and
//! the other shapes of upload people get wrong (a Python Worker, a Durable Object with its
//! first migration, a service-worker script with a wasm module, a Worker with static assets).
//!
//! Each example is a folder under `examples/` in the composition file format the CLI reads
//! (`composition.json` with its modules by path), so `bindery check` and `bindery render` take
//! it as it is, and its sample modules are real files. Values the user must replace are
//! placeholders in angle brackets (`<your-account-id>`), the one form
//! [`crate::rules::looks_like_placeholder`] and the checks recognise ("replace the
//! placeholder"); names of resources an example needs (a bucket, a dispatch namespace) are
//! sample names that "create in account" makes real. An example with static assets carries its
//! assets folder too ([`Example::assets`]), which the page hands to its assets upload as if the
//! user had picked that folder.

use crate::model::Composition;

use super::file::parse_composition;

/// One example: what the list shows, and the composition it starts.
#[derive(Debug, PartialEq, Eq)]
pub struct Example {
    /// A stable kebab-case id (element ids, tests).
    pub id: &'static str,
    pub title: &'static str,
    /// One line: what it shows.
    pub summary: &'static str,
    composition: &'static str,
    /// The module files, by the path `composition.json` names them with.
    files: &'static [(&'static str, &'static [u8])],
    /// The static assets folder: each file's path starts with the folder's name
    /// (`public/index.html`), as a picked folder's files do.
    pub assets: &'static [(&'static str, &'static [u8])],
}

macro_rules! example {
    ($id:literal, $title:literal, $summary:literal, [$($file:literal),*] $(, assets [$($asset:literal),*])?) => {
        Example {
            id: $id,
            title: $title,
            summary: $summary,
            composition: include_str!(concat!("examples/", $id, "/composition.json")),
            files: &[$(($file, include_bytes!(concat!("examples/", $id, "/", $file)))),*],
            assets: &[$($(($asset, include_bytes!(concat!("examples/", $id, "/", $asset)))),*)?],
        }
    };
}

/// The examples, in the order the page lists them.
pub const EXAMPLES: &[Example] = &[
    example!(
        "kv-worker",
        "Worker with a KV namespace",
        "A visit counter bound to KV as USER_KV: a PUT of the script with its binding.",
        ["worker.js"]
    ),
    example!(
        "wfp-user-worker-kv",
        "Workers for Platforms user Worker with KV",
        "A customer's Worker in a dispatch namespace, with its own KV namespace.",
        ["worker.js"]
    ),
    example!(
        "wfp-add-r2-keep-kv",
        "Add R2 to that user Worker, keeping KV",
        "A settings PATCH: adds an R2 bucket; USER_KV, listed by name only, stays as deployed.",
        []
    ),
    example!(
        "python-worker",
        "Python Worker",
        "A Python entry module with the python_workers compatibility flag.",
        ["entry.py"]
    ),
    example!(
        "durable-object",
        "Durable Object with its first migration",
        "A Counter class, its binding, and the migration (tag v1) that creates it.",
        ["index.js"]
    ),
    example!(
        "service-worker-wasm",
        "Service-worker script with a wasm module",
        "The older syntax: body_part, and a wasm part bound as a global.",
        ["worker.js", "add.wasm"]
    ),
    example!(
        "static-assets",
        "Worker with static assets",
        "A small site served from an assets folder, with /api/* answered by the Worker first.",
        ["worker.js"],
        assets ["public/index.html", "public/404.html", "public/style.css"]
    ),
];

/// The content type a browser gives a picked file of this name (what the assets upload sends
/// for it), for the file types the examples' assets use.
pub fn asset_type(path: &str) -> &'static str {
    match path.rsplit_once('.').map(|(_, ext)| ext) {
        Some("html") => "text/html",
        Some("css") => "text/css",
        Some("js") => "text/javascript",
        Some("json") => "application/json",
        Some("svg") => "image/svg+xml",
        Some("png") => "image/png",
        Some("txt") => "text/plain",
        _ => "application/octet-stream",
    }
}

/// The example with this id.
pub fn find(id: &str) -> Option<&'static Example> {
    EXAMPLES.iter().find(|e| e.id == id)
}

impl Example {
    /// The composition, with its module files inline (as if added from disk).
    pub fn composition(&self) -> Composition {
        let mut c = parse_composition(self.composition.as_bytes())
            .unwrap_or_else(|e| panic!("the example {} does not read: {e}", self.id));
        for module in &mut c.modules {
            if let Some(path) = module.path.take() {
                let (_, bytes) = self
                    .files
                    .iter()
                    .find(|(name, _)| *name == path)
                    .unwrap_or_else(|| panic!("the example {} lacks {path}", self.id));
                module.bytes = bytes.to_vec();
            }
        }
        c
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::editor::checks::{Checks, Touched};
    use crate::model::Target;
    use crate::rules::{check, looks_like_placeholder, Level};
    use std::rc::Rc;

    /// The account and resource ids the user would enter.
    fn replaced(mut c: Composition) -> Composition {
        c.request.account_id = "023e105f4ecef8ad9ca31a8372d0c353".into();
        for binding in &mut c.metadata.bindings {
            let mut object = binding.to_json();
            for value in object.values_mut() {
                if value.as_str().is_some_and(looks_like_placeholder) {
                    *value = "0f2ac74b498b48028cb68387c421e279".into();
                }
            }
            *binding = crate::model::Binding::from_json(object).unwrap();
        }
        // The assets upload puts its completion token into `metadata.assets.jwt`.
        if let Some(assets) = &mut c.metadata.assets {
            assets.jwt = Some("header.payload.signature".into());
        }
        c
    }

    #[test]
    fn every_example_reads_with_its_modules_and_has_a_unique_id() {
        for (i, example) in EXAMPLES.iter().enumerate() {
            let c = example.composition();
            assert!(c
                .modules
                .iter()
                .all(|m| m.path.is_none() && !m.bytes.is_empty()));
            assert_eq!(find(example.id), Some(example));
            assert!(EXAMPLES[..i].iter().all(|e| e.id != example.id));
            assert!(example
                .id
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'));
        }
        assert_eq!(find("nothing"), None);
    }

    #[test]
    fn an_example_asks_only_to_replace_its_placeholders_then_has_no_finding() {
        for example in EXAMPLES {
            let c = example.composition();
            let all = Rc::new(check(&c));
            let shown = Checks::of(&c, &all, &Touched::default(), false);
            assert!(
                shown.findings.is_empty(),
                "{}: {:#?}",
                example.id,
                shown.findings
            );
            // Placeholders to replace, and the assets folder to upload.
            assert!(
                !shown.todo.is_empty()
                    && shown
                        .todo
                        .iter()
                        .all(|t| t.placeholder || t.rule == "assets-binding-without-assets"),
                "{}: {:#?}",
                example.id,
                shown.todo
            );
            assert!(shown.todo[0].label.starts_with("account id"));
            let fixed = replaced(c);
            assert_eq!(check(&fixed), vec![], "{}", example.id);
        }
    }

    #[test]
    fn the_seed_examples_are_the_seeds_requests() {
        let kv = find("kv-worker").unwrap().composition();
        assert_eq!(kv.metadata.bindings[0].type_name(), "kv_namespace");
        assert_eq!(kv.metadata.bindings[0].name, "USER_KV");
        assert_eq!(kv.request.method(), "PUT");

        let step1 = find("wfp-user-worker-kv").unwrap().composition();
        let step2 = find("wfp-add-r2-keep-kv").unwrap().composition();
        assert_eq!(step1.request.target, Target::Dispatch);
        // Step 2 changes the Worker of step 1, with a PATCH of its settings and no code.
        assert_eq!(
            (
                &step2.request.script_name,
                &step2.request.dispatch_namespace
            ),
            (
                &step1.request.script_name,
                &step1.request.dispatch_namespace
            )
        );
        assert_eq!(step2.request.method(), "PATCH");
        assert!(step2.modules.is_empty());
        let kept = &step2.metadata.bindings[0];
        assert!(kept.is_bare() && kept.name == step1.metadata.bindings[0].name);
        assert_eq!(step2.metadata.bindings[1].type_name(), "r2_bucket");
        // The same settings PATCH as the seed's fixture, but for the sample names.
        let warnings: Vec<_> = check(&replaced(step2))
            .into_iter()
            .filter(|f| f.level == Level::Warning)
            .collect();
        assert_eq!(warnings, vec![]);
    }

    #[test]
    fn the_static_assets_example_carries_its_folder_and_lists_the_upload_to_do() {
        let example = find("static-assets").unwrap();
        let c = example.composition();
        assert_eq!(c.metadata.bindings[0].type_name(), "assets");
        assert!(example.assets.len() >= 2);
        assert!(example
            .assets
            .iter()
            .all(|(path, bytes)| path.starts_with("public/") && !bytes.is_empty()));
        assert!(example
            .assets
            .iter()
            .any(|(path, _)| *path == "public/index.html"));
        let shown = Checks::of(&c, &Rc::new(check(&c)), &Touched::default(), false);
        let labels: Vec<&str> = shown.todo.iter().map(|t| t.label.as_str()).collect();
        assert_eq!(
            labels,
            [
                "account id (replace the placeholder)",
                "ASSETS: upload the assets folder"
            ]
        );
        // The other examples have no assets folder.
        assert!(EXAMPLES
            .iter()
            .filter(|e| e.id != "static-assets")
            .all(|e| e.assets.is_empty()));
    }

    #[test]
    fn asset_types_are_the_ones_a_browser_gives_picked_files() {
        assert_eq!(asset_type("public/index.html"), "text/html");
        assert_eq!(asset_type("public/style.css"), "text/css");
        assert_eq!(asset_type("public/app.js"), "text/javascript");
        assert_eq!(asset_type("public/README"), "application/octet-stream");
        assert_eq!(asset_type("public/.hidden"), "application/octet-stream");
    }
}
