//! The modules panel: files added as parts, their names, kinds and order, and the entry point.

use std::rc::Rc;

use web_sys::{File, HtmlInputElement};
use yew::prelude::*;

use super::browser::files::{files_of, read_all};
use super::fields::{input_text, notes_under, select_text, FieldNotes};
use crate::editor::edit::size_text;
use crate::editor::{Action, Editor, Notice};
use crate::model::{Metadata, Module, ModuleKind};
use crate::rules::{At, Finding};

/// Reads files and adds them as modules (kind guessed from each name).
pub fn add_files(files: Vec<File>, dispatch: UseReducerDispatcher<Editor>) {
    if files.is_empty() {
        return;
    }
    wasm_bindgen_futures::spawn_local(async move {
        match read_all(files).await {
            Ok(read) => {
                let modules = read
                    .into_iter()
                    .map(|(name, bytes)| Module::inline(name, bytes))
                    .collect();
                dispatch.dispatch(Action::AddModules(modules));
            }
            Err(message) => dispatch.dispatch(Action::Notify(Some(Notice::error(message)))),
        }
    });
}

/// What a module row shows: everything but the bytes, so re-rendering never copies them.
#[derive(Clone, Debug, PartialEq)]
pub struct ModuleSummary {
    pub name: String,
    pub kind: ModuleKind,
    pub size: usize,
    /// Named by path in an imported file, bytes not loaded.
    pub unloaded: bool,
}

impl ModuleSummary {
    pub fn of(modules: &[Module]) -> Vec<ModuleSummary> {
        modules
            .iter()
            .map(|m| ModuleSummary {
                name: m.name.clone(),
                kind: m.kind,
                size: m.bytes.len(),
                unloaded: m.bytes.is_empty() && m.path.is_some(),
            })
            .collect()
    }
}

#[derive(Properties, PartialEq)]
pub struct ModulesPanelProps {
    pub modules: Vec<ModuleSummary>,
    pub metadata_entry: (Option<String>, Option<String>),
    pub sends_modules: bool,
    pub findings: Rc<Vec<Finding>>,
    pub dispatch: UseReducerDispatcher<Editor>,
}

impl ModulesPanelProps {
    pub fn entry_of(metadata: &Metadata) -> (Option<String>, Option<String>) {
        (metadata.main_module.clone(), metadata.body_part.clone())
    }
}

#[component]
pub fn ModulesPanel(props: &ModulesPanelProps) -> Html {
    let dispatch = props.dispatch.clone();
    let (main_module, body_part) = &props.metadata_entry;
    let service_worker = body_part.is_some() && main_module.is_none();
    let entry = if service_worker {
        body_part.clone()
    } else {
        main_module.clone()
    };
    let notes = |at: &At| notes_under(&props.findings, at);

    let on_pick = {
        let dispatch = dispatch.clone();
        Callback::from(move |e: Event| {
            let input: HtmlInputElement = e.target_unchecked_into();
            if let Some(list) = input.files() {
                add_files(files_of(&list), dispatch.clone());
            }
            input.set_value("");
        })
    };
    let on_format = {
        let dispatch = dispatch.clone();
        Callback::from(move |e: Event| {
            dispatch.dispatch(Action::SetFormat {
                service_worker: select_text(&e) == "service_worker",
            })
        })
    };
    let on_entry = {
        let dispatch = dispatch.clone();
        Callback::from(move |e: Event| {
            let name = Some(select_text(&e)).filter(|n| !n.is_empty());
            dispatch.dispatch(Action::SetEntry {
                name,
                service_worker,
            });
        })
    };
    let (entry_id, format_id) = if service_worker {
        (
            At::metadata("body_part").element_id(),
            At::metadata("main_module").element_id(),
        )
    } else {
        (
            At::metadata("main_module").element_id(),
            At::metadata("body_part").element_id(),
        )
    };
    let entry_missing = entry
        .as_ref()
        .filter(|name| !props.modules.iter().any(|m| &&m.name == name));
    let entry_notes: Vec<Finding> = notes(&At::metadata("main_module"))
        .into_iter()
        .chain(notes(&At::metadata("body_part")))
        .collect();

    html! {
        <section class="panel modules" aria-labelledby="modules-title">
            <h2 id="modules-title">{ "Modules" }</h2>
            if !props.sends_modules {
                <p class="help banner">{
                    if props.modules.is_empty() {
                        "A settings PATCH sends no code: the deployed code stays as it is."
                    } else {
                        "A settings PATCH sends no code: these modules are kept here but not sent."
                    }
                }</p>
            }
            <div class="grid two">
                <label class="field">
                    <span class="label">{ "Format" }</span>
                    <select id={format_id} onchange={on_format}>
                        <option value="module" selected={!service_worker}>{ "ES modules (main_module)" }</option>
                        <option value="service_worker" selected={service_worker}>{ "Service worker (body_part)" }</option>
                    </select>
                </label>
                <label class="field">
                    <span class="label">{ if service_worker { "Body part" } else { "Main module" } }</span>
                    <select id={entry_id} onchange={on_entry} data-testid="entry-select">
                        <option value="" selected={entry.is_none()}>{ "(none)" }</option>
                        if let Some(missing) = entry_missing {
                            <option value={missing.clone()} selected=true>{ format!("{missing} (no such part)") }</option>
                        }
                        { for props.modules.iter().map(|m| html! {
                            <option value={m.name.clone()} selected={entry.as_deref() == Some(m.name.as_str())}>{ &m.name }</option>
                        }) }
                    </select>
                </label>
            </div>
            <FieldNotes findings={entry_notes} />
            <div class="file-pick">
                <label class="button" for="module-files">{ "Add files…" }</label>
                <input id="module-files" class="visually-hidden" type="file" multiple=true onchange={on_pick} />
                <span class="help">{ "or drop files anywhere on the page. Part names are the file names; edit them to match your imports." }</span>
            </div>
            if props.modules.is_empty() {
                <p id={At::root("modules").element_id()} class="empty" tabindex="-1">{ "No modules yet." }</p>
            } else {
                <table id={At::root("modules").element_id()} class="modules-table" tabindex="-1">
                    <thead><tr>
                        <th>{ "Part name" }</th><th>{ "Kind" }</th><th class="content-type">{ "Content type" }</th>
                        <th class="num">{ "Size" }</th><th><span class="visually-hidden">{ "Actions" }</span></th>
                    </tr></thead>
                    <tbody>
                        { for props.modules.iter().enumerate().map(|(index, module)| html! {
                            <ModuleRow key={index} {index} module={module.clone()} last={index + 1 == props.modules.len()}
                                is_entry={entry.as_deref() == Some(module.name.as_str())}
                                findings={notes(&At::module(index))} dispatch={dispatch.clone()} />
                        }) }
                    </tbody>
                </table>
            }
            <FieldNotes findings={props.findings.iter().filter(|f| f.at == At::root("modules")).cloned().collect::<Vec<_>>()} />
        </section>
    }
}

#[derive(Properties, PartialEq)]
struct ModuleRowProps {
    index: usize,
    module: ModuleSummary,
    last: bool,
    is_entry: bool,
    findings: Vec<Finding>,
    dispatch: UseReducerDispatcher<Editor>,
}

#[component]
fn ModuleRow(props: &ModuleRowProps) -> Html {
    let index = props.index;
    let at = At::module(index);
    let on_name = {
        let dispatch = props.dispatch.clone();
        Callback::from(move |e: InputEvent| {
            dispatch.dispatch(Action::RenameModule(index, input_text(&e)))
        })
    };
    let on_kind = {
        let dispatch = props.dispatch.clone();
        Callback::from(move |e: Event| {
            if let Some(kind) = ModuleKind::from_id(&select_text(&e)) {
                dispatch.dispatch(Action::SetModuleKind(index, kind));
            }
        })
    };
    let action = |action: Action| {
        let dispatch = props.dispatch.clone();
        Callback::from(move |_: MouseEvent| dispatch.dispatch(action.clone()))
    };
    let m = &props.module;

    html! {
        <>
        <tr id={at.element_id()} class={classes!(props.is_entry.then_some("entry"))} data-testid="module-row">
            <td>
                <div class="name-cell">
                    <input id={at.clone().field("name").element_id()} type="text" spellcheck="false" aria-label="Part name"
                        value={m.name.clone()} oninput={on_name} />
                    if props.is_entry { <span class="badge" title="entry point">{ "entry" }</span> }
                </div>
            </td>
            <td>
                <select id={at.clone().field("kind").element_id()} aria-label="Kind" onchange={on_kind}>
                    { for ModuleKind::ALL.into_iter().map(|k| html! {
                        <option value={k.id()} selected={k == m.kind}>{ k.label() }</option>
                    }) }
                </select>
            </td>
            <td class="content-type"><code>{ m.kind.content_type() }</code></td>
            <td class="num" data-bytes={m.size.to_string()}>{ if m.unloaded { "not loaded".to_string() } else { size_text(m.size) } }</td>
            <td class="actions">
                <button type="button" class="icon" title="Move up" aria-label={format!("Move {} up", m.name)}
                    disabled={index == 0} onclick={action(Action::MoveModule { index, up: true })}>{ "↑" }</button>
                <button type="button" class="icon" title="Move down" aria-label={format!("Move {} down", m.name)}
                    disabled={props.last} onclick={action(Action::MoveModule { index, up: false })}>{ "↓" }</button>
                <button type="button" class="icon danger" title="Remove" aria-label={format!("Remove {}", m.name)}
                    onclick={action(Action::RemoveModule(index))}>{ "✕" }</button>
            </td>
        </tr>
        if !props.findings.is_empty() {
            <tr class="notes-row"><td colspan="5"><FieldNotes findings={props.findings.clone()} /></td></tr>
        }
        </>
    }
}
