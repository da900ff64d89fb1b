//! New, export and import of the composition file (the same JSON the CLI reads); import of a
//! wrangler configuration (opening its dialog) and of a curl command (the paste dialog); the
//! composition exported as a `wrangler.jsonc`.

use std::rc::Rc;

use web_sys::{File, HtmlInputElement};
use yew::prelude::*;

use super::browser::download::download_text;
use super::browser::files::{files_of, read_bytes};
use super::browser::folder;
use super::browser::worker;
use super::fields::checked;
use crate::editor::file::export;
use crate::editor::import::{Given, ImportReply, ImportRequest, WranglerFile};
use crate::editor::{Action, Editor, Notice};
use crate::model::Composition;

/// Opens what was picked or dropped on Import: a composition replaces the current work at
/// once, a wrangler configuration opens its dialog (`on_wrangler`); a bad file leaves the
/// work untouched.
pub fn open_files(
    files: Vec<(String, File)>,
    dispatch: UseReducerDispatcher<Editor>,
    on_wrangler: Callback<Rc<WranglerFile>>,
) {
    wasm_bindgen_futures::spawn_local(async move {
        let mut read = Vec::with_capacity(files.len());
        for (path, file) in files {
            match read_bytes(&file).await {
                Ok(bytes) => read.push((path, bytes)),
                Err(message) => {
                    let text = format!(
                        "{path} was not imported: {message}. Your current work is unchanged."
                    );
                    dispatch.dispatch(Action::Notify(Some(Notice::error(text))));
                    return;
                }
            }
        }
        // The importers load with their worker, the first time: say something meanwhile.
        let reading = !worker::is_ready();
        if reading {
            let name = read.first().map(|(name, _)| name.as_str()).unwrap_or("");
            let text = format!("Reading {name}…");
            dispatch.dispatch(Action::Notify(Some(Notice::info(text))));
        }
        let reply = worker::ask(ImportRequest::Given {
            id: worker::next_id(),
            files: read,
        })
        .await;
        let failed = |message: String| {
            let text = format!("{message}. Your current work is unchanged.");
            let text = text.replace(".. ", ". ");
            dispatch.dispatch(Action::Notify(Some(Notice::error(text))));
        };
        match reply {
            ImportReply::Given {
                result: Ok(Given::Composition(opened)),
                ..
            } => {
                let notice = Notice::info(opened.summary.clone());
                dispatch.dispatch(Action::Replace(Box::new(opened.composition)));
                dispatch.dispatch(Action::Notify(Some(notice)));
            }
            ImportReply::Given {
                result: Ok(Given::Wrangler(file)),
                ..
            } => {
                if reading {
                    dispatch.dispatch(Action::Notify(None));
                }
                on_wrangler.emit(Rc::new(file));
            }
            ImportReply::Given {
                result: Err(message),
                ..
            }
            | ImportReply::Failed { message, .. } => failed(message),
            ImportReply::Opened { .. } => failed("The import answered another question".into()),
        }
    });
}

#[derive(Properties, PartialEq)]
pub struct FileMenuProps {
    pub composition: Rc<Composition>,
    pub dispatch: UseReducerDispatcher<Editor>,
    /// Opens the dialog of a wrangler configuration that was picked.
    pub on_wrangler: Callback<Rc<WranglerFile>>,
    /// Opens the curl paste dialog.
    pub on_curl: Callback<()>,
}

#[component]
pub fn FileMenu(props: &FileMenuProps) -> Html {
    let with_secrets = use_state(|| false);
    let on_new = {
        let dispatch = props.dispatch.clone();
        Callback::from(move |_: MouseEvent| {
            dispatch.dispatch(Action::New);
            dispatch.dispatch(Action::Notify(Some(Notice::info(
                "Started a new composition.",
            ))));
        })
    };
    let on_export = {
        let composition = props.composition.clone();
        let dispatch = props.dispatch.clone();
        let with_secrets = *with_secrets;
        Callback::from(move |_: MouseEvent| {
            let (name, text) = export(&composition, with_secrets);
            if let Err(text) = download_text(&name, "application/json", &text) {
                dispatch.dispatch(Action::Notify(Some(Notice::error(text))));
            }
        })
    };
    let on_export_wrangler = {
        let composition = props.composition.clone();
        let dispatch = props.dispatch.clone();
        Callback::from(move |_: MouseEvent| {
            let exported = crate::encode::wrangler::config(&composition);
            if let Err(text) = download_text("wrangler.jsonc", "application/json", &exported.text) {
                dispatch.dispatch(Action::Notify(Some(Notice::error(text))));
            }
        })
    };
    let on_import = {
        let dispatch = props.dispatch.clone();
        let on_wrangler = props.on_wrangler.clone();
        Callback::from(move |e: Event| {
            let input: HtmlInputElement = e.target_unchecked_into();
            let files = input
                .files()
                .map(|list| files_of(&list))
                .unwrap_or_default();
            if !files.is_empty() {
                open_files(folder::picked(files), dispatch.clone(), on_wrangler.clone());
            }
            input.set_value("");
        })
    };
    let on_curl = {
        let open = props.on_curl.clone();
        Callback::from(move |_: MouseEvent| open.emit(()))
    };
    let on_secrets = {
        let with_secrets = with_secrets.clone();
        Callback::from(move |e: Event| with_secrets.set(checked(&e)))
    };
    html! {
        <div class="file-menu" role="group" aria-label="Composition file">
            <button type="button" id="new-composition" onclick={on_new}>{ "New" }</button>
            <button type="button" id="export-composition" onclick={on_export}>{ "Export" }</button>
            <label class="check small" title="Secret values are left out of the file unless this is checked.">
                <input id="export-secrets" type="checkbox" checked={*with_secrets} onchange={on_secrets} />
                { "with secrets" }
            </label>
            <label class="button" for="import-file" id="import-drop"
                title="A composition, or a wrangler.toml / wrangler.json(c) with the files it names (or drop its folder here)">{ "Import…" }</label>
            <input id="import-file" class="visually-hidden" type="file" multiple=true
                accept=".json,.jsonc,.toml,application/json" onchange={on_import} />
            <button type="button" id="paste-curl" onclick={on_curl}>{ "Paste curl…" }</button>
            <button type="button" id="export-wrangler" onclick={on_export_wrangler}
                title="A wrangler.jsonc that makes wrangler deploy send this upload">{ "Export wrangler.jsonc" }</button>
        </div>
    }
}
