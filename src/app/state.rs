//! The app's state: the composition being edited, what is derived from it, and the actions
//! that change it. Every update is pure; the derived data (wire JSON, parts, curl, findings) is
//! computed once per change here, not by each component.

use std::rc::Rc;

use serde_json::{Map, Value};
use yew::Reducible;

use crate::diff::{composition_from_current, resolve, CurrentSettings, Loaded, Resolution};
use crate::encode::{self, CurlCommand, CurlOptions, PartHead};
use crate::model::{
    Binding, BindingKind, Composition, Metadata, Module, ModuleKind, Operation, Target,
};
use crate::rules::{self, Finding};

/// Everything shown about the composition besides its own fields.
#[derive(Clone, Debug, PartialEq)]
pub struct Derived {
    pub method: &'static str,
    /// Full URL against the public API base, as in the curl command.
    pub url: String,
    /// Shared text: cheap to hand to the preview and the copy button on every render.
    /// The exact wire JSON, secrets included (what "Copy JSON" copies).
    pub metadata_pretty: yew::AttrValue,
    /// The same JSON with every secret value masked, for display; `None` when there is no
    /// secret value to hide.
    pub metadata_masked: Option<yew::AttrValue>,
    pub curl_text: yew::AttrValue,
    pub parts: Vec<PartHead>,
    pub curl: CurlCommand,
    pub findings: Rc<Vec<Finding>>,
}

impl Derived {
    pub fn of(c: &Composition, today: &str, curl_prefix: &str) -> Derived {
        let options = CurlOptions {
            file_prefix: curl_prefix.to_string(),
            ..CurlOptions::default()
        };
        // One serialization of the metadata for the JSON, the part sizes and the curl.
        let preview = encode::preview(c, &options);
        Derived {
            method: c.request.method(),
            url: c.request.url(&options.api_base),
            metadata_pretty: preview.pretty.into(),
            metadata_masked: masked_metadata(c).map(Into::into),
            parts: preview.parts,
            curl_text: preview.curl.text.clone().into(),
            curl: preview.curl,
            findings: Rc::new(rules::check_at(c, Some(today))),
        }
    }

    /// Findings whose `at` is `at` itself or lies below it (`bindings[2]` covers
    /// `bindings[2].namespace_id`).
    pub fn findings_under(&self, at: &str) -> Vec<Finding> {
        self.findings
            .iter()
            .filter(|f| is_under(&f.at, at))
            .cloned()
            .collect()
    }
}

/// What the preview shows in place of a secret value.
pub const SECRET_MASK: &str = "••••••";

/// The pretty wire JSON with `secret_text.text` and `secret_key` key material replaced by
/// [`SECRET_MASK`]; `None` when no binding carries a secret value (the display is then the
/// wire JSON itself).
pub fn masked_metadata(c: &Composition) -> Option<String> {
    if !c.has_secret_values() {
        return None;
    }
    let mut wire = encode::wire_metadata(c);
    if let Some(bindings) = wire.get_mut("bindings").and_then(Value::as_array_mut) {
        for binding in bindings.iter_mut().filter_map(Value::as_object_mut) {
            let type_name = binding
                .get("type")
                .and_then(Value::as_str)
                .unwrap_or_default();
            for key in crate::model::secret_fields(type_name) {
                if let Some(value) = binding.get_mut(*key) {
                    if *value != Value::String(String::new()) {
                        *value = Value::String(SECRET_MASK.into());
                    }
                }
            }
        }
    }
    serde_json::to_string_pretty(&wire).ok()
}

/// Whether the path `path` is `parent` or one of its children.
pub fn is_under(path: &str, parent: &str) -> bool {
    path == parent
        || path
            .strip_prefix(parent)
            .is_some_and(|rest| rest.starts_with('.') || rest.starts_with('['))
}

/// The findings under `bindings[i]` for each of the first `count` bindings, in order.
pub fn findings_per_binding(findings: &[Finding], count: usize) -> Vec<Vec<Finding>> {
    let mut per_binding = vec![Vec::new(); count];
    for finding in findings {
        if let Some(index) = binding_index(&finding.at) {
            if let Some(list) = per_binding.get_mut(index) {
                list.push(finding.clone());
            }
        }
    }
    per_binding
}

/// `Some(2)` for `bindings[2]` and paths below it (`bindings[2].namespace_id`).
fn binding_index(at: &str) -> Option<usize> {
    let (index, rest) = at.strip_prefix("bindings[")?.split_once(']')?;
    if !(rest.is_empty() || rest.starts_with('.') || rest.starts_with('[')) {
        return None;
    }
    index.parse().ok()
}

/// The composition as a component property: compared by identity, so handing it down costs
/// neither a copy nor a deep comparison (it changes exactly when the state does).
#[derive(Clone, Debug)]
pub struct Shared(pub Rc<Composition>);

impl PartialEq for Shared {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}

impl std::ops::Deref for Shared {
    type Target = Composition;
    fn deref(&self) -> &Composition {
        &self.0
    }
}

/// A message shown over the page: an error stays until dismissed, any other fades after a few
/// seconds.
#[derive(Clone, Debug, PartialEq)]
pub struct Notice {
    pub error: bool,
    pub text: String,
}

#[derive(Clone, Debug, PartialEq)]
pub struct AppState {
    pub composition: Rc<Composition>,
    pub derived: Rc<Derived>,
    /// Today as `YYYY-MM-DD` (local time), for the default date and the future-date rule.
    pub today: Rc<str>,
    pub curl_prefix: String,
    pub notice: Option<Notice>,
    /// Increases on every change to the composition (storage saves follow it).
    pub revision: u64,
    /// The API's errors about fields of the composition, from the last response to a Send;
    /// dropped when the composition changes.
    pub api_findings: Rc<Vec<Finding>>,
    /// What each field shows under it: the rule findings, then the API's errors.
    pub field_findings: Rc<Vec<Finding>>,
}

impl AppState {
    pub fn new(composition: Composition, today: &str) -> AppState {
        let derived = Rc::new(Derived::of(&composition, today, ""));
        AppState {
            composition: Rc::new(composition),
            field_findings: derived.findings.clone(),
            derived,
            today: today.into(),
            curl_prefix: String::new(),
            notice: None,
            revision: 0,
            api_findings: Rc::default(),
        }
    }

    /// A fresh composition: module syntax, compatibility date today.
    pub fn blank(today: &str) -> Composition {
        let mut c = Composition::default();
        c.metadata.compatibility_date = Some(today.to_string());
        c
    }
}

#[derive(Clone, Debug, PartialEq)]
pub enum Action {
    SetTarget(Target),
    SetOperation(Operation),
    SetAccountId(String),
    SetScriptName(String),
    SetDispatchNamespace(String),
    SetInheritStrict(bool),
    /// Adds modules; a module named like an existing one replaces its bytes.
    AddModules(Vec<Module>),
    RenameModule(usize, String),
    SetModuleKind(usize, ModuleKind),
    MoveModule {
        index: usize,
        up: bool,
    },
    RemoveModule(usize),
    /// Sets the entry part (`None` clears it) as `body_part` when `service_worker`, else as
    /// `main_module`; the other field is cleared.
    SetEntry {
        name: Option<String>,
        service_worker: bool,
    },
    /// Switches the entry between `main_module` and `body_part`, keeping the part chosen.
    SetFormat {
        service_worker: bool,
    },
    /// Replaces the whole metadata (built with [`metadata_with`]).
    SetMetadata(Metadata),
    AddBinding(String),
    RemoveBinding(usize),
    MoveBinding {
        index: usize,
        up: bool,
    },
    SetBinding(usize, Binding),
    SetCurlPrefix(String),
    /// Starts the composition from a script's deployed settings ("Load from account"), keeping
    /// the modules (and entry) when asked. Without modules the request becomes a settings PATCH.
    LoadDeployed {
        current: Rc<CurrentSettings>,
        keep_modules: bool,
    },
    /// Drops, keeps or restores a deployed binding the request would remove.
    Resolve {
        current: Rc<CurrentSettings>,
        name: String,
        how: Resolution,
    },
    /// Replaces the composition (import).
    Replace(Composition),
    New,
    Notify(Option<Notice>),
    /// The API's errors about fields, from a response to Send (replacing earlier ones).
    ApiFindings(Vec<Finding>),
}

impl Reducible for AppState {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        let mut next = (*self).clone();
        match action {
            Action::SetCurlPrefix(prefix) => {
                next.curl_prefix = prefix;
                next.derived = Rc::new(Derived::of(
                    &next.composition,
                    &next.today,
                    &next.curl_prefix,
                ));
                return Rc::new(next);
            }
            Action::Notify(notice) => {
                next.notice = notice;
                return Rc::new(next);
            }
            Action::ApiFindings(findings) => {
                if findings.is_empty() && self.api_findings.is_empty() {
                    return self;
                }
                next.api_findings = Rc::new(findings);
                next.field_findings = merged(&next.derived.findings, &next.api_findings);
                return Rc::new(next);
            }
            Action::New => {
                next.composition = Rc::new(AppState::blank(&next.today));
                next.notice = None;
            }
            Action::Replace(composition) => next.composition = Rc::new(composition),
            Action::LoadDeployed {
                current,
                keep_modules,
            } => {
                let loaded = load_deployed(&self.composition, &current, keep_modules);
                next.notice = (!loaded.notes.is_empty()).then(|| Notice {
                    error: false,
                    text: format!("Loaded from the account. {}", loaded.notes.join(" ")),
                });
                next.composition = Rc::new(loaded.composition);
            }
            // The edit made on every keystroke in a binding: a no-op is seen without copying.
            Action::SetBinding(index, binding)
                if self.composition.metadata.bindings.get(index) == Some(&binding) =>
            {
                return self;
            }
            action => {
                // A binding set in range that is not a no-op (see above) is a change for sure.
                let changes = matches!(&action, Action::SetBinding(index, _)
                    if *index < self.composition.metadata.bindings.len());
                let mut c = (*self.composition).clone();
                apply(&mut c, action);
                if !changes && c == *self.composition {
                    return self;
                }
                next.composition = Rc::new(c);
            }
        }
        next.revision += 1;
        next.derived = Rc::new(Derived::of(
            &next.composition,
            &next.today,
            &next.curl_prefix,
        ));
        // The API's errors were about the composition as it was sent.
        next.api_findings = Rc::default();
        next.field_findings = next.derived.findings.clone();
        Rc::new(next)
    }
}

/// The rule findings followed by the API's (the same list when there are none of the latter).
fn merged(rules: &Rc<Vec<Finding>>, api: &Rc<Vec<Finding>>) -> Rc<Vec<Finding>> {
    if api.is_empty() {
        return rules.clone();
    }
    Rc::new(rules.iter().chain(api.iter()).cloned().collect())
}

/// Applies an action that edits the composition itself.
fn apply(c: &mut Composition, action: Action) {
    let request = &mut c.request;
    match action {
        Action::SetTarget(target) => request.target = target,
        Action::SetOperation(operation) => request.operation = operation,
        Action::SetAccountId(value) => request.account_id = value.trim().to_string(),
        Action::SetScriptName(value) => request.script_name = value,
        Action::SetDispatchNamespace(value) => request.dispatch_namespace = value,
        Action::SetInheritStrict(on) => request.bindings_inherit_strict = on,
        Action::AddModules(modules) => add_modules(c, modules),
        Action::RenameModule(index, name) => {
            if let Some(module) = c.modules.get_mut(index) {
                let old = std::mem::replace(&mut module.name, name.clone());
                for entry in [&mut c.metadata.main_module, &mut c.metadata.body_part] {
                    if entry.as_deref() == Some(old.as_str()) {
                        *entry = Some(name.clone());
                    }
                }
            }
        }
        Action::SetModuleKind(index, kind) => {
            if let Some(module) = c.modules.get_mut(index) {
                module.kind = kind;
            }
        }
        Action::MoveModule { index, up } => move_item(&mut c.modules, index, up),
        Action::RemoveModule(index) => {
            if index < c.modules.len() {
                let removed = c.modules.remove(index);
                for entry in [&mut c.metadata.main_module, &mut c.metadata.body_part] {
                    if entry.as_deref() == Some(removed.name.as_str()) {
                        *entry = None;
                    }
                }
            }
        }
        Action::SetEntry {
            name,
            service_worker,
        } => {
            let m = &mut c.metadata;
            let (chosen, other) = if service_worker {
                (&mut m.body_part, &mut m.main_module)
            } else {
                (&mut m.main_module, &mut m.body_part)
            };
            *chosen = name;
            *other = None;
        }
        Action::SetFormat { service_worker } => {
            let m = &mut c.metadata;
            let name = m.main_module.take().or_else(|| m.body_part.take());
            if service_worker {
                m.body_part = name;
            } else {
                m.main_module = name;
            }
        }
        Action::SetMetadata(metadata) => c.metadata = metadata,
        Action::AddBinding(type_name) => c
            .metadata
            .bindings
            .push(Binding::new("", BindingKind::empty(&type_name))),
        Action::RemoveBinding(index) => {
            if index < c.metadata.bindings.len() {
                c.metadata.bindings.remove(index);
            }
        }
        Action::MoveBinding { index, up } => move_item(&mut c.metadata.bindings, index, up),
        Action::SetBinding(index, binding) => {
            if let Some(slot) = c.metadata.bindings.get_mut(index) {
                *slot = binding;
            }
        }
        Action::Resolve { current, name, how } => resolve(c, &current, &name, how),
        Action::SetCurlPrefix(_)
        | Action::Replace(_)
        | Action::LoadDeployed { .. }
        | Action::New
        | Action::Notify(_)
        | Action::ApiFindings(_) => {}
    }
}

/// The composition started from deployed settings for the request of `c`; see
/// [`Action::LoadDeployed`].
pub fn load_deployed(c: &Composition, current: &CurrentSettings, keep_modules: bool) -> Loaded {
    let mut request = c.request.clone();
    if !keep_modules {
        request.operation = Operation::Settings;
    } else if request.operation == Operation::Content || request.operation == Operation::Settings {
        request.operation = Operation::Upload;
    }
    let mut loaded = composition_from_current(current, request);
    if keep_modules {
        let into = &mut loaded.composition;
        into.modules = c.modules.clone();
        into.metadata.main_module = c.metadata.main_module.clone();
        into.metadata.body_part = c.metadata.body_part.clone();
    }
    loaded
}

fn add_modules(c: &mut Composition, modules: Vec<Module>) {
    for module in modules {
        match c.modules.iter_mut().find(|m| m.name == module.name) {
            Some(existing) => existing.bytes = module.bytes,
            None => c.modules.push(module),
        }
    }
    // The first JavaScript module becomes the entry when none is chosen yet.
    if c.metadata.entry_part().is_none() {
        if let Some(first) = c.modules.iter().find(|m| m.kind.is_javascript()) {
            c.metadata.main_module = Some(first.name.clone());
        }
    }
}

fn move_item<T>(items: &mut [T], index: usize, up: bool) {
    let other = if up {
        index.checked_sub(1)
    } else {
        Some(index + 1)
    };
    if let Some(other) = other.filter(|&o| o < items.len() && index < items.len()) {
        items.swap(index, other);
    }
}

/// `metadata` with the top-level field `key` set to `value` (or unset with `None`), checked by
/// the model's own deserializer. The error names the field and what is wrong.
pub fn metadata_with(
    metadata: &Metadata,
    key: &str,
    value: Option<Value>,
) -> Result<Metadata, String> {
    let mut object = match serde_json::to_value(metadata) {
        Ok(Value::Object(map)) => map,
        _ => Map::new(),
    };
    match value {
        Some(value) => object.insert(key.to_string(), value),
        None => object.shift_remove(key),
    };
    serde_json::from_value(Value::Object(object)).map_err(|e| format!("{key}: {e}"))
}

/// `binding` with the field `key` set (or removed with `None`), checked by the model.
pub fn binding_with(binding: &Binding, key: &str, value: Option<Value>) -> Result<Binding, String> {
    let mut object = binding.to_json();
    match value {
        Some(value) => object.insert(key.to_string(), value),
        None => object.shift_remove(key),
    };
    Binding::from_json(object)
}
