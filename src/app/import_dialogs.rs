//! The import dialogs: a wrangler configuration's choices (environment, dispatch namespace,
//! the deployed migration tag) and the curl paste dialog, which shows what the API would
//! answer to the pasted command and how to fix it. What an import means is decided by
//! `editor::import`, in the import worker ([`worker::ask`]); these render, read the browser and
//! wait for the answer ("Reading…", the first time while the worker loads). Only the answer to
//! a dialog's latest request counts; what the user typed stays whatever comes back.

use std::rc::Rc;

use web_sys::{HtmlInputElement, KeyboardEvent};
use yew::prelude::*;

use super::browser::files::{files_of, read_all};
use super::browser::focus::{focus_at, focus_id_soon};
use super::browser::worker;
use super::fields::{input_text, level_class, select_text, textarea_text};
use crate::editor::import::{GivenFile, ImportReply, ImportRequest, Opened, WranglerFile};
use crate::editor::{Action, Editor};
use crate::import::wrangler::WranglerOptions;
use crate::rules::Finding;

/// Asks the worker with a fresh id (recorded in `latest`, showing `busy` meanwhile) and hands
/// the result to `done`, unless a later request of the same dialog was made since.
fn import_in_worker(
    make: impl FnOnce(u32) -> ImportRequest,
    latest: Rc<std::cell::Cell<u32>>,
    busy: UseStateHandle<bool>,
    done: impl FnOnce(Result<Box<Opened>, String>) + 'static,
) {
    let id = worker::next_id();
    latest.set(id);
    busy.set(true);
    let request = make(id);
    wasm_bindgen_futures::spawn_local(async move {
        let reply = worker::ask(request).await;
        if latest.get() != reply.id() {
            return;
        }
        busy.set(false);
        done(match reply {
            ImportReply::Opened { result, .. } => result,
            ImportReply::Failed { message, .. } => Err(message),
            ImportReply::Given { .. } => Err("The import answered another question.".into()),
        });
    });
}

/// What a dialog shows while its import is under way.
fn reading(busy: bool) -> Html {
    if busy {
        html! { <p class="help" role="status" id="import-reading">{ "Reading…" }</p> }
    } else {
        html! {}
    }
}

/// Closes a dialog on Escape.
fn on_escape(close: Callback<()>) -> Callback<KeyboardEvent> {
    Callback::from(move |e: KeyboardEvent| {
        if e.key() == "Escape" {
            close.emit(());
        }
    })
}

/// The id of a dialog's latest request, kept across renders.
#[hook]
fn use_mut_ref_cell() -> Rc<std::cell::Cell<u32>> {
    (*use_memo((), |_| Rc::new(std::cell::Cell::new(0)))).clone()
}

#[derive(Properties, PartialEq)]
pub struct WranglerDialogProps {
    pub file: Rc<WranglerFile>,
    pub on_close: Callback<()>,
    pub dispatch: UseReducerDispatcher<Editor>,
}

/// Import a wrangler configuration: which environment, and what wrangler would otherwise be
/// told on its command line.
#[component]
pub fn WranglerDialog(props: &WranglerDialogProps) -> Html {
    let env = use_state(String::new);
    let namespace = use_state(String::new);
    let tag = use_state(String::new);
    let error = use_state(|| None::<String>);
    let busy = use_state(|| false);
    let latest = use_mut_ref_cell();
    use_effect_with((), |_| focus_id_soon("wrangler-import".into()));
    let file = &props.file;
    let on_env = {
        let env = env.clone();
        Callback::from(move |e: Event| env.set(select_text(&e)))
    };
    let on_namespace = {
        let namespace = namespace.clone();
        Callback::from(move |e: InputEvent| namespace.set(input_text(&e)))
    };
    let on_tag = {
        let tag = tag.clone();
        Callback::from(move |e: InputEvent| tag.set(input_text(&e)))
    };
    let on_import = {
        let (file, env, namespace, tag, error) = (
            file.clone(),
            env.clone(),
            namespace.clone(),
            tag.clone(),
            error.clone(),
        );
        let (busy, latest) = (busy.clone(), latest.clone());
        let (dispatch, close) = (props.dispatch.clone(), props.on_close.clone());
        Callback::from(move |_: MouseEvent| {
            let given = |s: &str| Some(s.trim().to_string()).filter(|s| !s.is_empty());
            let options = WranglerOptions {
                env: given(&env),
                dispatch_namespace: given(&namespace),
                migration_tag: given(&tag),
                ..WranglerOptions::default()
            };
            let file = (*file).clone();
            let (dispatch, close, error) = (dispatch.clone(), close.clone(), error.clone());
            error.set(None);
            import_in_worker(
                move |id| ImportRequest::Wrangler { id, file, options },
                latest.clone(),
                busy.clone(),
                move |result| match result {
                    Ok(opened) => {
                        dispatch.dispatch(Action::Imported(opened));
                        close.emit(());
                    }
                    Err(message) => error.set(Some(message)),
                },
            );
        })
    };
    let on_cancel = {
        let close = props.on_close.clone();
        Callback::from(move |_: MouseEvent| close.emit(()))
    };
    html! {
        <div class="dialog-backdrop">
            <div class="dialog panel" role="dialog" aria-modal="true" aria-labelledby="wrangler-dialog-title"
                id="wrangler-dialog" onkeydown={on_escape(props.on_close.clone())}>
                <h2 id="wrangler-dialog-title">{ format!("Import {}", file.name) }</h2>
                <p class="help">{
                    if file.others.is_empty() {
                        "Only the configuration was given: its modules are left for you to add (or drop its folder on Import… to bring them along).".to_string()
                    } else {
                        format!("{} other file(s) came with it; the modules it names are read from them.", file.others.len())
                    }
                }</p>
                <div class="grid">
                    if !file.environments.is_empty() {
                        <label class="field">
                            <span class="label">{ "Environment" }</span>
                            <select id="wrangler-env" onchange={on_env}>
                                <option value="" selected={env.is_empty()}>{ "Top level (no --env)" }</option>
                                { for file.environments.iter().map(|name| html! {
                                    <option value={name.clone()} selected={*env == *name}>{ format!("env.{name}") }</option>
                                }) }
                            </select>
                        </label>
                    }
                    <label class="field">
                        <span class="label">{ "Dispatch namespace (optional)" }</span>
                        <input id="wrangler-dispatch-namespace" type="text" spellcheck="false" value={(*namespace).clone()}
                            placeholder="a Workers for Platforms user Worker" oninput={on_namespace} />
                    </label>
                    if file.has_migrations {
                        <label class="field">
                            <span class="label">{ "Migration tag already deployed (optional)" }</span>
                            <input id="wrangler-migration-tag" type="text" spellcheck="false" value={(*tag).clone()}
                                placeholder="empty: a first deploy, every migration" oninput={on_tag} />
                        </label>
                    }
                </div>
                if let Some(message) = &*error {
                    <p class="note error" role="alert" id="wrangler-error">{ message }</p>
                }
                { reading(*busy) }
                <div class="actions">
                    <button type="button" class="primary" id="wrangler-import" onclick={on_import}>{ "Import" }</button>
                    <button type="button" id="wrangler-cancel" onclick={on_cancel}>{ "Cancel" }</button>
                </div>
            </div>
        </div>
    }
}

#[derive(Properties, PartialEq)]
pub struct CurlDialogProps {
    pub on_close: Callback<()>,
    pub dispatch: UseReducerDispatcher<Editor>,
}

/// Paste a curl command: the composition it sends, and what the API would answer to it.
#[component]
pub fn CurlDialog(props: &CurlDialogProps) -> Html {
    let text = use_state(String::new);
    let files = use_state(|| Rc::new(Vec::<GivenFile>::new()));
    // The last import's findings, or why nothing was imported.
    let result = use_state(|| None::<Result<Rc<Vec<Finding>>, String>>);
    let busy = use_state(|| false);
    let latest = use_mut_ref_cell();
    use_effect_with((), |_| focus_id_soon("curl-paste".into()));
    let on_text = {
        let text = text.clone();
        Callback::from(move |e: InputEvent| text.set(textarea_text(&e)))
    };
    let on_files = {
        let (files, result) = (files.clone(), result.clone());
        Callback::from(move |e: Event| {
            let input: HtmlInputElement = e.target_unchecked_into();
            let picked = input.files().map(|l| files_of(&l)).unwrap_or_default();
            let (files, result) = (files.clone(), result.clone());
            wasm_bindgen_futures::spawn_local(async move {
                match read_all(picked).await {
                    Ok(read) => files.set(Rc::new(read)),
                    Err(message) => result.set(Some(Err(message))),
                }
            });
        })
    };
    let on_import = {
        let (text, files, result, dispatch) = (
            text.clone(),
            files.clone(),
            result.clone(),
            props.dispatch.clone(),
        );
        let (busy, latest) = (busy.clone(), latest.clone());
        Callback::from(move |_: MouseEvent| {
            let (text, files) = ((*text).clone(), (**files).clone());
            let (result, dispatch) = (result.clone(), dispatch.clone());
            import_in_worker(
                move |id| ImportRequest::Curl { id, text, files },
                latest.clone(),
                busy.clone(),
                move |answer| match answer {
                    Ok(opened) => {
                        result.set(Some(Ok(Rc::new(opened.findings.clone()))));
                        dispatch.dispatch(Action::Imported(opened));
                    }
                    // What was pasted stays in the box.
                    Err(message) => result.set(Some(Err(message))),
                },
            );
        })
    };
    let on_close = {
        let close = props.on_close.clone();
        Callback::from(move |_: MouseEvent| close.emit(()))
    };
    let report = match &*result {
        None => html! {},
        Some(Err(message)) => {
            html! { <p class="note error" role="alert" id="curl-error">{ message }</p> }
        }
        Some(Ok(findings)) if findings.is_empty() => html! {
            <p class="ok" id="curl-result" role="status">{ "Imported: the API would take this request as it is." }</p>
        },
        Some(Ok(findings)) => html! {
            <div id="curl-result" role="status">
                <p>{ "Imported. What the API would answer to the command as pasted, and how to fix it (also listed in Checks):" }</p>
                <ul class="finding-list">
                    { for findings.iter().map(|f| {
                        let at = f.at.clone();
                        let text = at.to_string();
                        let onclick = Callback::from(move |_: MouseEvent| { focus_at(&at); });
                        html! {
                            <li class={classes!("finding", level_class(f.level))} data-at={text.clone()} data-rule={f.rule}>
                                <button type="button" class="link" {onclick}>
                                    <span class="level">{ f.level.as_str() }</span>
                                    <code class="at">{ text }</code>
                                    <span class="message">{ &f.message }</span>
                                </button>
                            </li>
                        }
                    }) }
                </ul>
            </div>
        },
    };
    html! {
        <div class="dialog-backdrop">
            <div class="dialog panel wide" role="dialog" aria-modal="true" aria-labelledby="curl-dialog-title"
                id="curl-dialog" onkeydown={on_escape(props.on_close.clone())}>
                <h2 id="curl-dialog-title">{ "Import a curl command" }</h2>
                <label class="field">
                    <span class="label">{ "The command, as you would paste it into a shell (here-documents and \\ line ends included)" }</span>
                    <textarea id="curl-paste" class="code" rows="12" spellcheck="false" value={(*text).clone()} oninput={on_text}
                        placeholder="curl -X PUT https://api.cloudflare.com/client/v4/accounts/…/workers/scripts/… -F 'metadata=…' -F 'index.js=@index.js;type=application/javascript+module'" />
                </label>
                <label class="field">
                    <span class="label">{ "Files the command reads (optional; the others are left for you to add)" }</span>
                    <input id="curl-files" type="file" multiple=true onchange={on_files} />
                </label>
                <p class="help">{ "An API token written in the command is never imported." }</p>
                if *busy { { reading(true) } } else { { report } }
                <div class="actions">
                    <button type="button" class="primary" id="curl-import" onclick={on_import}>{ "Import" }</button>
                    <button type="button" id="curl-close" onclick={on_close}>{ "Close" }</button>
                </div>
            </div>
        </div>
    }
}
