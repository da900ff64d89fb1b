//! Module parts: names, kinds, and the kind of the module-syntax entry.
//!
//! Service-worker specifics (one JavaScript part, bound parts) live in `service_worker.rs`.

use std::collections::HashMap;

use super::text::esm_statement;
use super::{module_at, Findings};
use crate::model::{Composition, ModuleKind, Operation};

/// Base names of wrangler configuration files, which are never modules.
const CONFIG_FILES: &[&str] = &["wrangler.toml", "wrangler.json", "wrangler.jsonc"];

pub(super) fn check(c: &Composition, out: &mut Findings) {
    if c.request.operation == Operation::Settings {
        if !c.modules.is_empty() {
            out.warning(
                "modules-not-sent",
                module_at(0, ""),
                format!("{} module part(s) are not sent: a settings PATCH carries no code. Choose \"Upload and deploy\" or \"Content only\" to change the code.", c.modules.len()),
            );
        }
        return;
    }

    let mut seen: HashMap<&str, usize> = HashMap::with_capacity(c.modules.len());
    for (index, module) in c.modules.iter().enumerate() {
        let name = module.name.as_str();
        if name.trim().is_empty() {
            out.error("module-name-empty", module_at(index, "name"), "This module has no name. The part name is how `main_module` and imports find it: give it one such as `index.js`.");
            continue;
        }
        if let Some(first) = seen.insert(name, index) {
            seen.insert(name, first);
            out.error(
                "module-name-duplicate",
                module_at(index, "name"),
                format!("The part name `{name}` is already used by modules[{first}]; part names must be unique. Rename or remove one of them."),
            );
        }
        let base = name.rsplit('/').next().unwrap_or(name);
        if CONFIG_FILES
            .iter()
            .any(|file| base.eq_ignore_ascii_case(file))
        {
            out.warning(
                "config-file-as-module",
                module_at(index, "name"),
                format!("`{name}` is a wrangler configuration file, not a module; uploading it causes upload errors. Remove it and put its settings into the metadata (bindings, compatibility date, …)."),
            );
        }
    }

    if c.metadata.is_service_worker() {
        return;
    }
    let entry_name = c.metadata.main_module.as_deref();
    for (index, module) in c.modules.iter().enumerate() {
        let is_entry = entry_name == Some(module.name.as_str());
        if is_entry {
            check_entry_kind(c, index, out);
        } else if module.kind == ModuleKind::Commonjs {
            if let Some((line, keyword)) = module.text().and_then(esm_statement) {
                out.warning(
                    "esm-typed-commonjs",
                    module_at(index, "kind"),
                    format!("`{}` uses `{keyword}` (line {line}) but is typed CommonJS, so importing it fails with \"Unexpected token '{keyword}'\". Set its kind to ES module.", module.name),
                );
            }
        }
    }
}

/// The entry of a module-syntax upload must be an ES module or Python.
fn check_entry_kind(c: &Composition, index: usize, out: &mut Findings) {
    let module = &c.modules[index];
    let name = &module.name;
    match module.kind {
        ModuleKind::Esm => {}
        ModuleKind::Python => {
            // Flags travel with full and version uploads only.
            let sends_flags = c.request.operation != Operation::Content;
            if sends_flags && !c.metadata.compatibility_flags.iter().any(|f| f == "python_workers") {
                out.warning(
                    "python-workers-flag",
                    "metadata.compatibility_flags",
                    format!("The entry `{name}` is a Python module; Python Workers need the `python_workers` compatibility flag. Add it to the compatibility flags."),
                );
            }
        }
        ModuleKind::Commonjs => match module.text().and_then(esm_statement) {
            Some((line, keyword)) => out.error(
                "entry-esm-typed-commonjs",
                module_at(index, "kind"),
                format!(
                    "The entry `{name}` uses `{keyword}` (line {line}) but is typed CommonJS (`application/javascript`), so the runtime parses it as a script and fails with \"Uncaught SyntaxError: Unexpected token '{keyword}'\". Set its kind to ES module."
                ),
            ),
            None => out.warning(
                "entry-not-esm",
                module_at(index, "kind"),
                format!("The entry `{name}` is typed CommonJS, but a `main_module` entry must be an ES module exporting its handlers (`export default {{ fetch }}`). Set its kind to ES module, or use `body_part` for a service-worker script."),
            ),
        },
        other => out.error(
            "entry-not-code",
            module_at(index, "kind"),
            format!("The entry `{name}` is typed {}; the entry must be an ES module (or Python). Change its kind or point `main_module` at the code module.", other.label()),
        ),
    }
}

#[cfg(test)]
mod tests {
    use crate::model::{Module, ModuleKind, Operation};
    use crate::rules::testing::*;
    use crate::rules::Level::*;

    #[test]
    fn module_names_are_unique_and_not_empty() {
        let mut c = valid();
        c.modules
            .push(Module::inline("lib.js", "export const a = 1"));
        c.modules
            .push(Module::inline("lib.js", "export const b = 2"));
        expect_one(
            &c,
            "module-name-duplicate",
            Error,
            "modules[2].name",
            &["`lib.js`", "modules[1]", "unique"],
        );
        c.modules[2].name = " ".into();
        expect_none(&c, "module-name-duplicate");
        expect_one(
            &c,
            "module-name-empty",
            Error,
            "modules[2].name",
            &["no name"],
        );
    }

    #[test]
    fn esm_entry_typed_commonjs_explains_unexpected_export() {
        let mut c = valid();
        c.modules[0].kind = ModuleKind::Commonjs;
        expect_one(
            &c,
            "entry-esm-typed-commonjs",
            Error,
            "modules[0].kind",
            &[
                "`index.js`",
                "Unexpected token 'export'",
                "line 1",
                "ES module",
            ],
        );
        c.modules[0].bytes = b"module.exports = { fetch() {} }".to_vec();
        expect_none(&c, "entry-esm-typed-commonjs");
        expect_one(
            &c,
            "entry-not-esm",
            Warning,
            "modules[0].kind",
            &["CommonJS", "ES module"],
        );
    }

    #[test]
    fn entry_that_is_not_code_is_an_error() {
        let mut c = valid();
        c.modules[0].kind = ModuleKind::Text;
        expect_one(
            &c,
            "entry-not-code",
            Error,
            "modules[0].kind",
            &["`index.js`", "Text", "ES module"],
        );
    }

    #[test]
    fn unloaded_entry_is_not_an_error() {
        let mut c = valid();
        c.modules[0].kind = ModuleKind::Commonjs;
        c.modules[0].bytes.clear();
        c.modules[0].path = Some("dist/index.js".into());
        expect_none(&c, "entry-esm-typed-commonjs");
        c.modules[0].kind = ModuleKind::Esm;
        assert_eq!(crate::rules::check(&c), vec![]);
    }

    #[test]
    fn python_entry_needs_the_flag() {
        let mut c = valid();
        c.modules = vec![Module::inline("main.py", "from workers import Response")];
        c.metadata.main_module = Some("main.py".into());
        expect_one(
            &c,
            "python-workers-flag",
            Warning,
            "metadata.compatibility_flags",
            &["python_workers"],
        );
        c.metadata.compatibility_flags.push("python_workers".into());
        expect_none(&c, "python-workers-flag");
    }

    #[test]
    fn esm_module_typed_commonjs_is_a_warning() {
        let mut c = valid();
        let mut lib = Module::inline("lib.cjs", "const x = 1;\nexport { x }");
        lib.kind = ModuleKind::Commonjs;
        c.modules.push(lib);
        expect_one(
            &c,
            "esm-typed-commonjs",
            Warning,
            "modules[1].kind",
            &["`lib.cjs`", "line 2", "ES module"],
        );
    }

    #[test]
    fn wrangler_config_is_not_a_module() {
        let mut c = valid();
        c.modules
            .push(Module::inline("config/wrangler.jsonc", "{}"));
        expect_one(
            &c,
            "config-file-as-module",
            Warning,
            "modules[1].name",
            &["wrangler", "metadata"],
        );
    }

    #[test]
    fn modules_on_settings_patch_are_not_sent() {
        let mut c = valid();
        c.request.operation = Operation::Settings;
        c.metadata.main_module = None;
        expect_one(
            &c,
            "modules-not-sent",
            Warning,
            "modules[0]",
            &["not sent", "settings PATCH"],
        );
    }
}
