//! The entry point: `main_module` (module syntax) or `body_part` (service-worker syntax).

use super::{At, Findings};
use crate::model::{Composition, Operation};

pub(super) fn check(c: &Composition, out: &mut Findings) {
    let m = &c.metadata;
    let operation = c.request.operation;
    match operation {
        Operation::Settings => {
            for (field, value) in [("main_module", &m.main_module), ("body_part", &m.body_part)] {
                if value.is_some() {
                    out.warning(
                        "entry-not-sent",
                        At::metadata(field),
                        format!("`{field}` is not sent for a settings PATCH, which carries no code. Clear it, or choose \"Upload and deploy\" to change the code."),
                    );
                }
            }
            return;
        }
        Operation::Version => {
            if m.body_part.is_some() {
                out.error(
                    "version-needs-module-syntax",
                    "metadata.body_part",
                    "Version uploads accept module syntax only: replace `body_part` by `main_module` and send the entry as an ES module, or choose \"Upload and deploy\".",
                );
            } else if m.main_module.is_none() && !is_assets_only(c) {
                out.error(
                    "entry-missing",
                    "metadata.main_module",
                    "A version upload requires `main_module` (unless it carries static assets only): set it to the part name of the ES-module entry (e.g. `index.js`).",
                );
            }
        }
        Operation::Upload | Operation::Content => match (&m.main_module, &m.body_part) {
            (None, None) if !is_assets_only(c) => {
                let hint = if c.modules.is_empty() && operation == Operation::Upload {
                    " To change only bindings or settings of a deployed Worker, choose \"Settings only (PATCH)\"."
                } else {
                    ""
                };
                out.error(
                    "entry-missing",
                    "metadata.main_module",
                    format!("No entry point: set `main_module` to the part name of the ES-module entry (or `body_part` for a service-worker script).{hint}"),
                )
            }
            (Some(_), Some(_)) => out.error(
                "entry-ambiguous",
                "metadata.body_part",
                "Both `main_module` and `body_part` are set; send exactly one. Keep `main_module` for module syntax and clear `body_part`.",
            ),
            _ => {}
        },
    }

    for (field, value) in [("main_module", &m.main_module), ("body_part", &m.body_part)] {
        let Some(part) = value else { continue };
        if operation == Operation::Version && field == "body_part" {
            continue; // already an error above
        }
        if part.is_empty() {
            out.error(
                "entry-module-not-found",
                At::metadata(field),
                format!("`{field}` is empty: set it to the name of one of the module parts."),
            );
        } else if c.module(part).is_none() {
            let hint = if c.modules.is_empty() {
                "Add the module".to_string()
            } else {
                let names: Vec<&str> = c.modules.iter().take(5).map(|m| m.name.as_str()).collect();
                format!("Add that module or pick one of: {}", names.join(", "))
            };
            out.error(
                "entry-module-not-found",
                At::metadata(field),
                format!("`{field}` names `{part}`, but no module part has that name (the API answers `No such module \"{part}\"`). {hint}."),
            );
        }
    }
}

/// An upload of static assets only: metadata with `assets`, no code parts, no entry
/// (what wrangler sends for an assets-only Worker).
/// An upload or version upload of static assets without Worker code (what wrangler sends for
/// an assets-only project): no entry is needed.
fn is_assets_only(c: &Composition) -> bool {
    matches!(c.request.operation, Operation::Upload | Operation::Version)
        && c.modules.is_empty()
        && c.metadata.assets.is_some()
}

#[cfg(test)]
mod tests {
    use crate::model::{Assets, Operation};
    use crate::rules::testing::*;
    use crate::rules::Level::*;

    #[test]
    fn upload_without_entry_is_an_error_unless_assets_only() {
        let mut c = valid();
        c.metadata.main_module = None;
        expect_one(
            &c,
            "entry-missing",
            Error,
            "metadata.main_module",
            &["main_module", "body_part"],
        );
        c.modules.clear();
        expect_one(
            &c,
            "entry-missing",
            Error,
            "metadata.main_module",
            &["Settings only (PATCH)"],
        );
        c.metadata.assets = Some(Assets {
            jwt: Some("token".into()),
            config: None,
            ..Default::default()
        });
        expect_none(&c, "entry-missing");
        c.request.operation = Operation::Version;
        expect_none(&c, "entry-missing");
        c.metadata.assets = None;
        expect_one(
            &c,
            "entry-missing",
            Error,
            "metadata.main_module",
            &["requires `main_module`"],
        );
        c.metadata.assets = Some(Assets::default());
        c.request.operation = Operation::Content;
        expect_one(
            &c,
            "entry-missing",
            Error,
            "metadata.main_module",
            &["main_module"],
        );
    }

    #[test]
    fn both_entries_is_an_error() {
        let mut c = valid();
        c.metadata.body_part = Some("index.js".into());
        expect_one(
            &c,
            "entry-ambiguous",
            Error,
            "metadata.body_part",
            &["exactly one", "main_module", "body_part"],
        );
    }

    #[test]
    fn entry_must_name_an_existing_module() {
        let mut c = valid();
        c.metadata.main_module = Some("src/index.js".into());
        let f = expect_one(
            &c,
            "entry-module-not-found",
            Error,
            "metadata.main_module",
            &["`src/index.js`", "No such module", "index.js"],
        );
        assert!(f.message.contains("pick one of: index.js"), "{f}");
        c.metadata.main_module = Some(String::new());
        expect_one(
            &c,
            "entry-module-not-found",
            Error,
            "metadata.main_module",
            &["empty"],
        );
    }

    #[test]
    fn version_upload_needs_main_module() {
        let mut c = service_worker();
        c.request.operation = Operation::Version;
        expect_one(
            &c,
            "version-needs-module-syntax",
            Error,
            "metadata.body_part",
            &["module syntax", "main_module"],
        );
        expect_none(&c, "entry-module-not-found");
        c.metadata.body_part = None;
        expect_one(
            &c,
            "entry-missing",
            Error,
            "metadata.main_module",
            &["version upload", "main_module"],
        );
    }

    #[test]
    fn settings_patch_sends_no_code() {
        let mut c = valid();
        c.request.operation = Operation::Settings;
        expect_one(
            &c,
            "entry-not-sent",
            Warning,
            "metadata.main_module",
            &["not sent", "settings PATCH"],
        );
        expect_none(&c, "entry-module-not-found");
        c.metadata.main_module = None;
        expect_none(&c, "entry-not-sent");
        expect_none(&c, "entry-missing");
    }
}
