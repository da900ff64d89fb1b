//! Service-worker syntax (`body_part`) against module syntax (`main_module`): which parts and
//! bindings each format allows (reference (d) "Service-worker format", (f) mistake 6).

use std::collections::HashSet;

use super::text::esm_statement;
use super::{binding_at, module_at, Findings};
use crate::model::{BindingKind, Composition, ModuleKind, Operation};

pub(super) fn check(c: &Composition, out: &mut Findings) {
    match c.request.operation {
        // Settings carry no code; version uploads with `body_part` are already an error.
        Operation::Settings => {}
        Operation::Version if c.metadata.is_service_worker() => {}
        _ if c.metadata.is_service_worker() => check_service_worker(c, out),
        _ if c.metadata.main_module.is_some() => check_module_syntax(c, out),
        _ => {}
    }
}

/// The wasm/text/data part bound by a blob binding, with the module kind that fits it.
fn bound_part(kind: &BindingKind) -> Option<(&str, ModuleKind)> {
    match kind {
        BindingKind::WasmModule { part } => Some((part, ModuleKind::Wasm)),
        BindingKind::TextBlob { part } => Some((part, ModuleKind::Text)),
        BindingKind::DataBlob { part } => Some((part, ModuleKind::Data)),
        _ => None,
    }
}

fn check_module_syntax(c: &Composition, out: &mut Findings) {
    if c.request.operation == Operation::Content {
        return; // bindings are not sent
    }
    for (index, binding) in c.metadata.bindings.iter().enumerate() {
        if let Some((part, _)) = bound_part(&binding.kind) {
            out.error(
                "service-worker-only-binding",
                binding_at(index, ""),
                format!(
                    "`{}` bindings work only with `body_part` (service-worker syntax). With `main_module`, remove the binding and import the part instead (`import value from \"./{part}\"`).",
                    binding.type_name()
                ),
            );
        }
    }
}

fn check_service_worker(c: &Composition, out: &mut Findings) {
    let m = &c.metadata;
    let body_part = m.body_part.as_deref().unwrap_or_default();
    let sends_bindings = c.request.operation == Operation::Upload;

    let mut bound: HashSet<&str> = HashSet::new();
    for (index, binding) in m.bindings.iter().enumerate() {
        if let Some((part, fitting)) = bound_part(&binding.kind) {
            bound.insert(part);
            if part.is_empty() {
                continue; // reported as a missing field
            }
            match c.module(part) {
                None => out.error(
                    "bound-part-missing",
                    binding_at(index, "part"),
                    format!("`{}` binds the part `{part}`, but no module part has that name. Add the part or correct the name.", binding.name),
                ),
                Some(module) if module.kind != fitting => out.warning(
                    "bound-part-kind",
                    binding_at(index, "part"),
                    format!(
                        "`{}` is a {} binding but the part `{part}` is typed {}; set the part's kind to {}.",
                        binding.name,
                        binding.type_name(),
                        module.kind.label(),
                        fitting.label()
                    ),
                ),
                Some(_) => {}
            }
        }
        if sends_bindings {
            if let BindingKind::DurableObjectNamespace {
                script_name: None, ..
            } = binding.kind
            {
                out.error(
                    "module-syntax-required",
                    binding_at(index, ""),
                    format!("`{}` binds a Durable Object class of this script, which service-worker syntax does not support. Switch to `main_module` (ES module exporting the class).", binding.name),
                );
            }
        }
    }
    if sends_bindings && m.migrations.is_some() {
        out.error(
            "module-syntax-required",
            "metadata.migrations",
            "Durable Object migrations need module syntax; service-worker syntax (`body_part`) does not support Durable Objects. Switch to `main_module` or remove the migrations.",
        );
    }

    for (index, module) in c.modules.iter().enumerate() {
        if module.name == body_part {
            check_body_part(index, c, out);
        } else if module.kind.is_javascript() {
            out.error(
                "module-syntax-required",
                module_at(index, ""),
                format!("`{}` is a second JavaScript part; service-worker syntax takes exactly one (the body part). Bundle the code into `{body_part}`, or switch to `main_module` for several modules.", module.name),
            );
        } else if sends_bindings && !bound.contains(module.name.as_str()) {
            out.warning(
                "part-unreferenced",
                module_at(index, ""),
                format!("The part `{}` is not bound by any wasm_module, text_blob or data_blob binding, so a service-worker script cannot reach it. Add such a binding with `part` = `{}`, or remove the part.", module.name, module.name),
            );
        }
    }
}

fn check_body_part(index: usize, c: &Composition, out: &mut Findings) {
    let module = &c.modules[index];
    if let Some((line, keyword)) = module.text().and_then(esm_statement) {
        out.error(
            "service-worker-esm-code",
            "metadata.body_part",
            format!(
                "`{}` uses `{keyword}` (line {line}), but `body_part` runs it as a service-worker script, which fails with \"Uncaught SyntaxError: Unexpected token '{keyword}'\". Use `main_module` instead (module syntax) and type the part as ES module.",
                module.name
            ),
        );
    } else if module.kind != ModuleKind::Commonjs {
        out.warning(
            "body-part-kind",
            module_at(index, "kind"),
            format!("The service-worker script `{}` is typed {}, but a service-worker script is sent as `application/javascript`. Set its kind to CommonJS / service worker.", module.name, module.kind.label()),
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::model::{Binding, BindingKind, Migrations, Module, ModuleKind};
    use crate::rules::testing::*;
    use crate::rules::Level::*;

    fn wasm_binding(part: &str) -> Binding {
        Binding::new("ADD", BindingKind::WasmModule { part: part.into() })
    }

    #[test]
    fn blob_bindings_need_service_worker_syntax() {
        let mut c = valid();
        c.modules
            .push(Module::inline("add.wasm", vec![0u8, 97, 115, 109]));
        c.metadata.bindings.push(wasm_binding("add.wasm"));
        expect_one(
            &c,
            "service-worker-only-binding",
            Error,
            "bindings[0]",
            &["wasm_module", "body_part", "import"],
        );
    }

    #[test]
    fn bound_parts_must_exist_and_fit() {
        let mut c = service_worker();
        c.metadata.bindings.push(wasm_binding("add_wasm"));
        expect_one(
            &c,
            "bound-part-missing",
            Error,
            "bindings[0].part",
            &["`ADD`", "`add_wasm`"],
        );
        let mut part = Module::inline("add_wasm", "not wasm");
        part.kind = ModuleKind::Text;
        c.modules.push(part);
        expect_none(&c, "bound-part-missing");
        expect_one(
            &c,
            "bound-part-kind",
            Warning,
            "bindings[0].part",
            &["wasm_module", "Text", "WebAssembly"],
        );
        c.modules[1].kind = ModuleKind::Wasm;
        assert_eq!(crate::rules::check(&c), vec![]);
    }

    #[test]
    fn unbound_parts_are_unreachable() {
        let mut c = service_worker();
        c.modules.push(Module::inline("page.html", "<h1>hi</h1>"));
        expect_one(
            &c,
            "part-unreferenced",
            Warning,
            "modules[1]",
            &["`page.html`", "text_blob", "part"],
        );
        c.metadata.bindings.push(Binding::new(
            "PAGE",
            BindingKind::TextBlob {
                part: "page.html".into(),
            },
        ));
        expect_none(&c, "part-unreferenced");
    }

    #[test]
    fn one_javascript_part_only() {
        let mut c = service_worker();
        c.modules.push(Module::inline("util.js", "function f() {}"));
        expect_one(
            &c,
            "module-syntax-required",
            Error,
            "modules[1]",
            &["`util.js`", "exactly one", "main_module"],
        );
    }

    #[test]
    fn durable_objects_and_migrations_need_module_syntax() {
        let mut c = service_worker();
        c.metadata.bindings.push(Binding::new(
            "COUNTER",
            BindingKind::DurableObjectNamespace {
                class_name: Some("Counter".into()),
                script_name: None,
                environment: None,
                namespace_id: None,
                dispatch_namespace: None,
            },
        ));
        c.metadata.migrations = Some(Migrations {
            new_classes: vec!["Counter".into()].into(),
            ..Default::default()
        });
        let found = of_rule(&c, "module-syntax-required");
        let places: Vec<String> = found.iter().map(|f| f.at.to_string()).collect();
        assert_eq!(places, ["bindings[0]", "metadata.migrations"]);
        assert!(found
            .iter()
            .all(|f| f.level == Error && f.message.contains("main_module")));
        // A Durable Object of another script is fine.
        if let BindingKind::DurableObjectNamespace { script_name, .. } =
            &mut c.metadata.bindings[0].kind
        {
            *script_name = Some("other-worker".into());
        }
        c.metadata.migrations = None;
        expect_none(&c, "module-syntax-required");
    }

    #[test]
    fn module_code_as_body_part_explains_unexpected_export() {
        let mut c = service_worker();
        c.modules[0].bytes = b"export default { fetch() {} }".to_vec();
        expect_one(
            &c,
            "service-worker-esm-code",
            Error,
            "metadata.body_part",
            &["`worker.js`", "Unexpected token 'export'", "main_module"],
        );
        c.modules[0].bytes = b"addEventListener('fetch', () => {})".to_vec();
        c.modules[0].kind = ModuleKind::Esm;
        expect_none(&c, "service-worker-esm-code");
        expect_one(
            &c,
            "body-part-kind",
            Warning,
            "modules[0].kind",
            &["`worker.js`", "application/javascript", "CommonJS"],
        );
    }
}
