//! New, export and import of the composition file (the same JSON the CLI reads).

use std::rc::Rc;

use web_sys::{File, HtmlInputElement};
use yew::prelude::*;

use super::browser::download::download_text;
use super::browser::files::{files_of, read_bytes};
use super::fields::checked;
use super::state::{Action, AppState, Notice};
use crate::model::Composition;

/// Reads a composition file and replaces the current work; a bad file leaves it untouched.
pub fn import_file(file: File, dispatch: UseReducerDispatcher<AppState>) {
    wasm_bindgen_futures::spawn_local(async move {
        let name = file.name();
        let notice = match read_bytes(&file)
            .await
            .and_then(|bytes| parse_composition(&bytes))
        {
            Ok(composition) => {
                let unloaded: Vec<String> = composition
                    .modules
                    .iter()
                    .filter(|m| m.path.is_some() && m.bytes.is_empty())
                    .map(|m| m.name.clone())
                    .collect();
                dispatch.dispatch(Action::Replace(composition));
                if unloaded.is_empty() {
                    Notice {
                        error: false,
                        text: format!("Imported {name}."),
                    }
                } else {
                    Notice {
                        error: false,
                        text: format!(
                            "Imported {name}. These modules refer to files on disk; add them with \"Add files…\": {}",
                            unloaded.join(", ")
                        ),
                    }
                }
            }
            Err(message) => Notice {
                error: true,
                text: format!(
                    "{name} was not imported: {message}. Your current work is unchanged."
                ),
            },
        };
        dispatch.dispatch(Action::Notify(Some(notice)));
    });
}

/// A composition file, with messages a user can act on.
pub fn parse_composition(bytes: &[u8]) -> Result<Composition, String> {
    let text = std::str::from_utf8(bytes).map_err(|_| "it is not a UTF-8 text file".to_string())?;
    let value: serde_json::Value =
        serde_json::from_str(text).map_err(|e| format!("it is not valid JSON ({e})"))?;
    if value.get("format").is_none() || value.get("request").is_none() {
        return Err("it is not a Bindery composition (no `format` and `request` fields)".into());
    }
    let composition: Composition = serde_json::from_value(value)
        .map_err(|e| format!("it does not match the composition format ({e})"))?;
    if composition.format != crate::model::FORMAT_VERSION {
        return Err(format!(
            "its format {} is not supported (this page reads format {})",
            composition.format,
            crate::model::FORMAT_VERSION
        ));
    }
    Ok(composition)
}

#[derive(Properties, PartialEq)]
pub struct FileMenuProps {
    pub composition: Rc<Composition>,
    pub dispatch: UseReducerDispatcher<AppState>,
}

#[component]
pub fn FileMenu(props: &FileMenuProps) -> Html {
    let with_secrets = use_state(|| false);
    let on_new = {
        let dispatch = props.dispatch.clone();
        Callback::from(move |_: MouseEvent| {
            dispatch.dispatch(Action::New);
            dispatch.dispatch(Action::Notify(Some(Notice {
                error: false,
                text: "Started a new composition.".into(),
            })));
        })
    };
    let on_export = {
        let composition = props.composition.clone();
        let dispatch = props.dispatch.clone();
        let with_secrets = *with_secrets;
        Callback::from(move |_: MouseEvent| {
            let exported = if with_secrets {
                (*composition).clone()
            } else {
                composition.redacted()
            };
            // Through `Value`: one serializer for the model keeps the wasm smaller.
            let text = serde_json::to_value(&exported)
                .and_then(|v| serde_json::to_string_pretty(&v))
                .unwrap_or_default();
            let stem = if composition.request.script_name.is_empty() {
                "composition"
            } else {
                &composition.request.script_name
            };
            if let Err(text) =
                download_text(&format!("{stem}.bindery.json"), "application/json", &text)
            {
                dispatch.dispatch(Action::Notify(Some(Notice { error: true, text })));
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
