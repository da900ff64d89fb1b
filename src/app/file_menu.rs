//! New, export and import of the composition file (the same JSON the CLI reads).

use std::rc::Rc;

use web_sys::{File, HtmlInputElement};
use yew::prelude::*;

use super::browser::download::download_text;
use super::browser::files::{files_of, read_bytes};
use super::fields::checked;
use crate::editor::file::{export, parse_composition, unloaded_modules};
use crate::editor::{Action, Editor, Notice};
use crate::model::Composition;

/// Reads a composition file and replaces the current work; a bad file leaves it untouched.
pub fn import_file(file: File, dispatch: UseReducerDispatcher<Editor>) {
    wasm_bindgen_futures::spawn_local(async move {
        let name = file.name();
        let notice = match read_bytes(&file)
            .await
            .and_then(|bytes| parse_composition(&bytes))
        {
            Ok(composition) => {
                let unloaded = unloaded_modules(&composition);
                dispatch.dispatch(Action::Replace(Box::new(composition)));
                if unloaded.is_empty() {
                    Notice::info(format!("Imported {name}."))
                } else {
                    Notice::info(format!(
                        "Imported {name}. These modules refer to files on disk; add them with \"Add files…\": {}",
                        unloaded.join(", ")
                    ))
                }
            }
            Err(message) => Notice::error(format!(
                "{name} was not imported: {message}. Your current work is unchanged."
            )),
        };
        dispatch.dispatch(Action::Notify(Some(notice)));
    });
}

#[derive(Properties, PartialEq)]
pub struct FileMenuProps {
    pub composition: Rc<Composition>,
    pub dispatch: UseReducerDispatcher<Editor>,
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
    let on_import = {
        let dispatch = props.dispatch.clone();
        Callback::from(move |e: Event| {
            let input: HtmlInputElement = e.target_unchecked_into();
            if let Some(file) = input
                .files()
                .and_then(|list| files_of(&list).into_iter().next())
            {
                import_file(file, dispatch.clone());
            }
            input.set_value("");
        })
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
            <label class="button" for="import-file" id="import-drop">{ "Import…" }</label>
            <input id="import-file" class="visually-hidden" type="file" accept=".json,application/json" onchange={on_import} />
        </div>
    }
}
