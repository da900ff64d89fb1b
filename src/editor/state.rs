//! The composer's state and the actions that change it: one pure reducer ([`Editor::apply`]).
//!
//! Every change returns a new state (sharing what did not change); a change that changes
//! nothing returns the same `Rc`, so the page does not re-render. The derived view (JSON,
//! parts, curl, findings) is computed here once per change, not by each component.

use std::rc::Rc;

use serde_json::Value;

use super::derived::Derived;
use super::edit::{edit_binding, metadata_with, BindingEdit};
use super::output::{self, OutputTab};
use crate::diff::{composition_from_current, resolve, CurrentSettings, Loaded, Resolution};
use crate::encode::code::Program;
use crate::model::{Binding, BindingKind, Composition, Module, ModuleKind, Operation, Target};
use crate::rules::{At, Finding, Level};

/// A message shown over the page: an error stays until dismissed, any other fades after a few
/// seconds.
#[derive(Clone, Debug, PartialEq)]
pub struct Notice {
    pub error: bool,
    pub text: String,
}

impl Notice {
    pub fn error(text: impl Into<String>) -> Notice {
        Notice {
            error: true,
            text: text.into(),
        }
    }

    pub fn info(text: impl Into<String>) -> Notice {
        Notice {
            error: false,
            text: text.into(),
        }
    }
}

/// The rule id of an edit the model refused (shown under the field like a finding).
pub const EDIT_REFUSED: &str = "edit-refused";

#[derive(Clone, Debug, PartialEq)]
pub struct Editor {
    pub composition: Rc<Composition>,
    pub derived: Rc<Derived>,
    /// Today as `YYYY-MM-DD` (local time), for the default date and the future-date rule.
    pub today: Rc<str>,
    /// The folder the programs (curl included) read module files from.
    pub curl_prefix: String,
    /// The output tab shown.
    pub output_tab: OutputTab,
    /// Whether the programs carry the module bytes instead of reading the files (not curl).
    pub embed_modules: bool,
    /// The program of the shown tab when it is a language other than curl (curl is in
    /// `derived`); generated only while that tab is shown.
    pub program: Option<Rc<Program>>,
    pub notice: Option<Notice>,
    /// Increases on every change to the composition (storage saves follow it).
    pub revision: u64,
    /// The API's errors about fields of the composition, from the last response to a Send;
    /// dropped when the composition changes.
    pub api_findings: Rc<Vec<Finding>>,
    /// The last edit the model refused, until the next change that it accepts.
    pub refused: Option<Finding>,
    /// What each field shows under it: the rule findings, then the API's errors, then a
    /// refused edit.
    pub field_findings: Rc<Vec<Finding>>,
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
    /// Sets one metadata field, or one key of an object field (`limits.cpu_ms`); see
    /// [`metadata_with`]. `None` unsets it. A value the model refuses changes nothing and is
    /// reported under the field.
    SetMetadataField {
        path: String,
        value: Option<Value>,
    },
    AddBinding(String),
    RemoveBinding(usize),
    MoveBinding {
        index: usize,
        up: bool,
    },
    /// Changes one binding; an edit the model refuses changes nothing and is reported under
    /// the field.
    EditBinding(usize, BindingEdit),
    SetCurlPrefix(String),
    /// Shows another output tab.
    ShowOutput(OutputTab),
    /// Embeds the module bytes in the programs, or reads the files.
    SetEmbed(bool),
    /// Starts the composition from a script's deployed settings ("Load from account"), keeping
    /// the modules (and entry) when asked. Without modules the request becomes a settings PATCH.
    StartFromDeployed {
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
    Replace(Box<Composition>),
    New,
    Notify(Option<Notice>),
    /// The API's errors about fields, from a response to Send (replacing earlier ones).
    ApiFindings(Vec<Finding>),
}

impl Editor {
    pub fn new(composition: Composition, today: &str) -> Editor {
        let derived = Rc::new(Derived::of(&composition, today, ""));
        Editor {
            composition: Rc::new(composition),
            field_findings: derived.findings.clone(),
            derived,
            today: today.into(),
            curl_prefix: String::new(),
            output_tab: OutputTab::default(),
            embed_modules: false,
            program: None,
            notice: None,
            revision: 0,
            api_findings: Rc::default(),
            refused: None,
        }
    }

    /// A fresh composition: module syntax, compatibility date today.
    pub fn blank(today: &str) -> Composition {
        let mut c = Composition::default();
        c.metadata.compatibility_date = Some(today.to_string());
        c
    }

    /// The state after `action`: the same `Rc` when nothing changed.
    pub fn apply(self: Rc<Self>, action: Action) -> Rc<Self> {
        let mut next = (*self).clone();
        match action {
            Action::SetCurlPrefix(prefix) => {
                if prefix == self.curl_prefix {
                    return self;
                }
                next.curl_prefix = prefix;
                next.derived = Rc::new(Derived::of(
                    &next.composition,
                    &next.today,
                    &next.curl_prefix,
                ));
                next.refresh_program();
                return Rc::new(next);
            }
            Action::ShowOutput(tab) => {
                if tab == self.output_tab {
                    return self;
                }
                next.output_tab = tab;
                next.refresh_program();
                return Rc::new(next);
            }
            Action::SetEmbed(embed) => {
                if embed == self.embed_modules {
                    return self;
                }
                next.embed_modules = embed;
                next.refresh_program();
                return Rc::new(next);
            }
            Action::Notify(notice) => {
                if notice == self.notice {
                    return self;
                }
                next.notice = notice;
                return Rc::new(next);
            }
            Action::ApiFindings(findings) => {
                if findings.is_empty() && self.api_findings.is_empty() {
                    return self;
                }
                next.api_findings = Rc::new(findings);
                next.field_findings = next.notes();
                return Rc::new(next);
            }
            Action::New => {
                next.composition = Rc::new(Editor::blank(&next.today));
                next.notice = None;
            }
            Action::Replace(composition) => next.composition = Rc::new(*composition),
            Action::StartFromDeployed {
                current,
                keep_modules,
            } => {
                let loaded = start_from_deployed(&self.composition, &current, keep_modules);
                next.notice = (!loaded.notes.is_empty()).then(|| {
                    Notice::info(format!(
                        "Loaded from the account. {}",
                        loaded.notes.join(" ")
                    ))
                });
                next.composition = Rc::new(loaded.composition);
            }
            Action::EditBinding(index, edit) => {
                let Some(binding) = self.composition.metadata.bindings.get(index) else {
                    return self;
                };
                match edit_binding(binding, &edit) {
                    // The edit made on every keystroke: a no-op is seen without copying.
                    Ok(edited) if edited == *binding => return self.accepted(),
                    Ok(edited) => {
                        let mut c = (*self.composition).clone();
                        c.metadata.bindings[index] = edited;
                        next.composition = Rc::new(c);
                    }
                    Err(message) => {
                        let at = At::binding(index).field(edit.field());
                        return self.refuse(at, message);
                    }
                }
            }
            Action::SetMetadataField { path, value } => {
                match metadata_with(&self.composition.metadata, &path, value) {
                    Ok(metadata) if metadata == self.composition.metadata => {
                        return self.accepted()
                    }
                    Ok(metadata) => {
                        let mut c = (*self.composition).clone();
                        c.metadata = metadata;
                        next.composition = Rc::new(c);
                    }
                    Err(message) => {
                        let key = path.split('.').next().unwrap_or_default().to_string();
                        return self.refuse(At::metadata(key), message);
                    }
                }
            }
            action => {
                let mut c = (*self.composition).clone();
                apply(&mut c, action);
                if c == *self.composition {
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
        next.refresh_program();
        // The API's errors were about the composition as it was sent.
        next.api_findings = Rc::default();
        next.refused = None;
        next.field_findings = next.derived.findings.clone();
        Rc::new(next)
    }

    /// Generates the shown tab's program (or drops the one of a tab no longer shown).
    fn refresh_program(&mut self) {
        self.program = output::program(
            self.output_tab,
            &self.composition,
            &self.curl_prefix,
            self.embed_modules,
        )
        .map(Rc::new);
    }

    /// An edit the model refused: the composition stays, the reason shows under the field.
    fn refuse(self: Rc<Self>, at: At, message: String) -> Rc<Self> {
        let refused = Finding {
            level: Level::Error,
            rule: EDIT_REFUSED,
            at,
            message,
        };
        if self.refused.as_ref() == Some(&refused) {
            return self;
        }
        let mut next = (*self).clone();
        next.refused = Some(refused);
        next.field_findings = next.notes();
        Rc::new(next)
    }

    /// An accepted edit that changes nothing: only an earlier refusal goes away.
    fn accepted(self: Rc<Self>) -> Rc<Self> {
        if self.refused.is_none() {
            return self;
        }
        let mut next = (*self).clone();
        next.refused = None;
        next.field_findings = next.notes();
        Rc::new(next)
    }

    /// The rule findings, the API's errors, then a refused edit (the rule findings' own list
    /// when there is nothing more).
    fn notes(&self) -> Rc<Vec<Finding>> {
        if self.api_findings.is_empty() && self.refused.is_none() {
            return self.derived.findings.clone();
        }
        Rc::new(
            self.derived
                .findings
                .iter()
                .chain(self.api_findings.iter())
                .chain(self.refused.iter())
                .cloned()
                .collect(),
        )
    }
}

/// Applies an action that edits the composition itself and cannot be refused.
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
        Action::Resolve { current, name, how } => resolve(c, &current, &name, how),
        Action::SetCurlPrefix(_)
        | Action::ShowOutput(_)
        | Action::SetEmbed(_)
        | Action::SetMetadataField { .. }
        | Action::EditBinding(..)
        | Action::Replace(_)
        | Action::StartFromDeployed { .. }
        | Action::New
        | Action::Notify(_)
        | Action::ApiFindings(_) => {}
    }
}

/// The composition started from deployed settings for the request of `c`; see
/// [`Action::StartFromDeployed`].
pub fn start_from_deployed(
    c: &Composition,
    current: &CurrentSettings,
    keep_modules: bool,
) -> Loaded {
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
