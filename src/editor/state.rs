//! The composer's state and the actions that change it: one pure reducer ([`Editor::apply`]).
//!
//! Every change returns a new state (sharing what did not change); a change that changes
//! nothing returns the same `Rc`, so the page does not re-render. The derived view (JSON,
//! parts, findings) is computed here once per change, not by each component, and so is what
//! the checks show: which fields were edited decides whether an empty required one is a
//! "to do" or an error ([`Checks`]).

use std::rc::Rc;

use serde_json::Value;

use super::checks::{Checks, Touched};
use super::derived::Derived;
use super::edit::{edit_binding, metadata_with, BindingEdit};
use super::examples::{self, Example};
use super::output::{self, OutputTab};
use crate::diff::{composition_from_current, resolve, CurrentSettings, Loaded, Resolution};
use crate::encode::code::Program;
use crate::encode::preview::BindingTexts;
use crate::model::{
    Binding, BindingKind, Composition, ListPresence, Metadata, Module, ModuleKind, Operation,
    PatchList, Target, PATCH_LISTS,
};
use crate::rules::{is_cloudflare_id, looks_like_placeholder, At, Finding, Level};

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
    /// The JSON texts of the bindings in `derived`, for the next change to reuse.
    pub binding_texts: BindingTexts,
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
    /// What each field shows under it: the rule findings (but what is still to do), then the
    /// API's errors, then a refused edit.
    pub field_findings: Rc<Vec<Finding>>,
    /// The fields edited since the composition was started.
    pub touched: Rc<Touched>,
    /// The user tried to copy or send while values were still to give: they are errors now.
    pub attempted: bool,
    /// The findings as the Checks panel and Send show them: errors and warnings, and the
    /// values still to give.
    pub checks: Checks,
    /// The example the composition was started from, until another start replaces it.
    pub example: Option<&'static Example>,
    /// What the last import (a wrangler configuration or a curl command) could not carry
    /// over, and what the API would answer to the request as it was; kept while the imported
    /// composition is worked on, until dismissed, New or another import.
    pub import_findings: Rc<Vec<Finding>>,
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
    /// Removes one binding; on a settings PATCH, removing the last one leaves `bindings: []`
    /// ("remove all"), not an absent list.
    RemoveBinding(usize),
    /// On a settings PATCH, an empty list (see [`PATCH_LISTS`]) either left out ("leave
    /// unchanged": the deployed list stays) or written as `[]` ("remove all"). A list holding
    /// items is left as it is: they are what the PATCH sends.
    SetPatchList {
        name: String,
        remove_all: bool,
    },
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
    /// Starts from an example (by id). The account id is the one already entered when it is
    /// a real one, else `account` (the only account a verified token reaches) when given.
    StartFromExample {
        id: &'static str,
        account: Option<String>,
    },
    /// Replaces the composition with an imported wrangler configuration or curl command and
    /// keeps what the import found (see [`Editor::import_findings`]).
    Imported(Box<super::import::Opened>),
    /// Forgets the last import's findings.
    DismissImportFindings,
    New,
    /// The user tried to copy or send: what is still to do becomes an error (a copy still
    /// copies).
    Attempt,
    Notify(Option<Notice>),
    /// The API's errors about fields, from a response to Send (replacing earlier ones).
    ApiFindings(Vec<Finding>),
}

impl Editor {
    pub fn new(composition: Composition, today: &str) -> Editor {
        let (derived, binding_texts) =
            Derived::reusing(&composition, today, "", &BindingTexts::default());
        let derived = Rc::new(derived);
        let mut editor = Editor {
            composition: Rc::new(composition),
            binding_texts,
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
            touched: Rc::default(),
            attempted: false,
            checks: Checks::default(),
            example: None,
            import_findings: Rc::default(),
        };
        editor.refresh_checks();
        editor
    }

    /// A fresh composition: module syntax, compatibility date today.
    pub fn blank(today: &str) -> Composition {
        let mut c = Composition::default();
        c.metadata.compatibility_date = Some(today.to_string());
        c
    }

    /// Whether nothing is composed yet (no account, script, module or binding): the page
    /// then offers the examples to start from.
    pub fn is_blank(&self) -> bool {
        let c = &self.composition;
        c.request.account_id.trim().is_empty()
            && c.request.script_name.trim().is_empty()
            && c.modules.is_empty()
            && c.metadata.bindings.is_empty()
    }

    /// The state after `action`: the same `Rc` when nothing changed.
    pub fn apply(self: Rc<Self>, action: Action) -> Rc<Self> {
        let touch = touched_by(&self.composition, &action);
        let state = self.change(action);
        match touch {
            Some(at) if !state.touched.contains(&at) => {
                let mut next = (*state).clone();
                Rc::make_mut(&mut next.touched).insert(at);
                next.refresh_checks();
                Rc::new(next)
            }
            _ => state,
        }
    }

    fn change(self: Rc<Self>, action: Action) -> Rc<Self> {
        let mut next = (*self).clone();
        match action {
            Action::SetCurlPrefix(prefix) => {
                if prefix == self.curl_prefix {
                    return self;
                }
                next.curl_prefix = prefix;
                next.refresh_derived();
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
            Action::Attempt => {
                if self.attempted || self.checks.todo.is_empty() {
                    return self;
                }
                next.attempted = true;
                next.refresh_checks();
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
            Action::DismissImportFindings => {
                if self.import_findings.is_empty() {
                    return self;
                }
                next.import_findings = Rc::default();
                return Rc::new(next);
            }
            Action::New => {
                next.composition = Rc::new(Editor::blank(&next.today));
                next.notice = None;
                next.restart(None);
            }
            Action::Replace(composition) => {
                next.composition = Rc::new(*composition);
                next.restart(None);
            }
            Action::StartFromExample { id, account } => {
                let Some(example) = examples::find(id) else {
                    return self;
                };
                let mut c = example.composition();
                // The account is the user's, not the example's.
                let current = self.composition.request.account_id.trim();
                if is_cloudflare_id(current) && !looks_like_placeholder(current) {
                    c.request.account_id = current.to_string();
                } else if let Some(account) = account {
                    c.request.account_id = account;
                }
                next.composition = Rc::new(c);
                next.notice = Some(Notice::info(format!(
                    "Started from the example \u{201c}{}\u{201d}.",
                    example.title
                )));
                next.restart(Some(example));
            }
            Action::Imported(opened) => {
                let opened = *opened;
                next.composition = Rc::new(opened.composition);
                next.notice = Some(Notice::info(opened.summary));
                next.restart(None);
                next.import_findings = Rc::new(opened.findings);
            }
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
                next.restart(None);
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
                    Ok(mut metadata) => {
                        if self.composition.request.operation == Operation::Settings {
                            keep_emptied_lists(&self.composition.metadata, &mut metadata);
                        }
                        if metadata == self.composition.metadata {
                            return self.accepted();
                        }
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
                let reindex = reindexing(&action, &c);
                apply(&mut c, action);
                if c == *self.composition {
                    return self;
                }
                if let Some(reindex) = reindex {
                    reindex(Rc::make_mut(&mut next.touched));
                }
                next.composition = Rc::new(c);
            }
        }
        next.revision += 1;
        next.refresh_derived();
        next.refresh_program();
        // The API's errors were about the composition as it was sent.
        next.api_findings = Rc::default();
        next.refused = None;
        next.refresh_checks();
        Rc::new(next)
    }

    /// Derives the view of the composition anew, reusing the texts of the bindings that did
    /// not change.
    fn refresh_derived(&mut self) {
        let (mut derived, texts) = Derived::reusing(
            &self.composition,
            &self.today,
            &self.curl_prefix,
            &self.binding_texts,
        );
        // Findings an edit leaves as they were keep their list: every panel given them then
        // compares one pointer instead of hundreds of findings on each keystroke.
        derived.findings = same_or(&self.derived.findings, derived.findings);
        self.derived = Rc::new(derived);
        self.binding_texts = texts;
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

    /// A composition started afresh: nothing edited or tried yet, no earlier import's findings.
    fn restart(&mut self, example: Option<&'static Example>) {
        self.touched = Rc::default();
        self.attempted = false;
        self.example = example;
        self.import_findings = Rc::default();
    }

    /// What the checks show and each field's notes, after the findings or the edited fields
    /// changed.
    fn refresh_checks(&mut self) {
        let checks = Checks::of(
            &self.composition,
            &self.derived.findings,
            &self.touched,
            self.attempted,
        );
        // Lists an edit leaves as they were stay the same `Rc` (see `apply`).
        self.checks = Checks {
            findings: same_or(&self.checks.findings, checks.findings),
            todo: same_or(&self.checks.todo, checks.todo),
        };
        self.field_findings = self.notes();
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

    /// The findings shown (what is still to do left out), the API's errors, then a refused
    /// edit (the shown findings' own list when there is nothing more).
    fn notes(&self) -> Rc<Vec<Finding>> {
        if self.api_findings.is_empty() && self.refused.is_none() {
            return self.checks.findings.clone();
        }
        Rc::new(
            self.checks
                .findings
                .iter()
                .chain(self.api_findings.iter())
                .chain(self.refused.iter())
                .cloned()
                .collect(),
        )
    }
}

/// `old` when `new` equals it, else `new`: a list that did not change stays the same `Rc`, and
/// the components given it compare one pointer on each keystroke instead of the whole list.
fn same_or<T: PartialEq>(old: &Rc<T>, new: Rc<T>) -> Rc<T> {
    if *old == new {
        old.clone()
    } else {
        new
    }
}

/// Applies an action that edits the composition itself and cannot be refused.
fn apply(c: &mut Composition, action: Action) {
    let request = &mut c.request;
    match action {
        Action::SetTarget(target) => request.target = target,
        Action::SetOperation(operation) => {
            let was = std::mem::replace(&mut request.operation, operation);
            if operation == Operation::Settings && was != Operation::Settings {
                // Each list of a new PATCH starts unchanged: an upload's `[]` meant nothing,
                // a PATCH's would clear the deployed list.
                for list in &PATCH_LISTS {
                    if list.presence(&c.metadata) == ListPresence::Empty {
                        list.clear(&mut c.metadata, true);
                    }
                }
            }
        }
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
                if c.metadata.bindings.is_empty() && c.request.operation == Operation::Settings {
                    c.metadata.bindings.mark_written();
                }
            }
        }
        Action::SetPatchList { name, remove_all } => {
            if let Some(list) = PatchList::lookup(&name) {
                if !matches!(list.presence(&c.metadata), ListPresence::Items(_)) {
                    list.clear(&mut c.metadata, !remove_all);
                }
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
        | Action::StartFromExample { .. }
        | Action::Imported(_)
        | Action::DismissImportFindings
        | Action::StartFromDeployed { .. }
        | Action::New
        | Action::Attempt
        | Action::Notify(_)
        | Action::ApiFindings(_) => {}
    }
}

/// The field an action edits, when it is one the checks care about (see [`Checks`]):
/// removing the module that is the entry counts as emptying the entry.
fn touched_by(c: &Composition, action: &Action) -> Option<At> {
    Some(match action {
        Action::SetAccountId(_) => At::request("account_id"),
        Action::SetScriptName(_) => At::request("script_name"),
        Action::SetDispatchNamespace(_) => At::request("dispatch_namespace"),
        Action::SetEntry { .. } | Action::SetFormat { .. } => At::metadata("main_module"),
        Action::RemoveModule(index)
            if c.modules.get(*index).map(|m| m.name.as_str()) == c.metadata.entry_part()
                && c.metadata.entry_part().is_some() =>
        {
            At::metadata("main_module")
        }
        Action::RenameModule(index, _) if *index < c.modules.len() => {
            At::module(*index).field("name")
        }
        Action::SetModuleKind(index, _) if *index < c.modules.len() => {
            At::module(*index).field("kind")
        }
        Action::SetMetadataField { path, .. } => {
            At::metadata(path.split('.').next().unwrap_or_default().to_string())
        }
        Action::EditBinding(index, edit) if *index < c.metadata.bindings.len() => {
            At::binding(*index).field(edit.field())
        }
        _ => return None,
    })
}

/// How the edited fields follow a removal or a move in the binding or module list.
#[allow(clippy::type_complexity)]
fn reindexing(action: &Action, c: &Composition) -> Option<Box<dyn FnOnce(&mut Touched)>> {
    let swap = |root: &'static str, index: usize, up: bool, len: usize| {
        let other = if up { index.checked_sub(1)? } else { index + 1 };
        (index < len && other < len).then(|| {
            Box::new(move |t: &mut Touched| t.swapped(root, index, other))
                as Box<dyn FnOnce(&mut Touched)>
        })
    };
    match *action {
        Action::RemoveBinding(index) => Some(Box::new(move |t| t.removed("bindings", index))),
        Action::RemoveModule(index) => Some(Box::new(move |t| t.removed("modules", index))),
        Action::MoveBinding { index, up } => swap("bindings", index, up, c.metadata.bindings.len()),
        Action::MoveModule { index, up } => swap("modules", index, up, c.modules.len()),
        _ => None,
    }
}

/// On a settings PATCH, a list an edit empties is sent as `[]` (what the user did was remove
/// its items), not left out; [`Action::SetPatchList`] leaves it out again.
fn keep_emptied_lists(before: &Metadata, after: &mut Metadata) {
    for list in &PATCH_LISTS {
        let had_items = matches!(list.presence(before), ListPresence::Items(_));
        if had_items && list.presence(after) == ListPresence::Absent {
            list.clear(after, false);
        }
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
