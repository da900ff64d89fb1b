//! The composer: a Yew app running in the browser.
//!
//! The state machine is the core's [`crate::editor`]: one reducer ([`Editor::apply`]) holds the
//! composition and derives what is shown. Each panel is a component in its own file that
//! renders part of that state and dispatches [`Action`]s; this layer only renders and calls the
//! browser (files, storage, requests, focus).

pub mod browser;
pub mod json_view;

mod account_picker;
mod assets_panel;
mod binding_card;
mod bindings_panel;
mod copy_button;
mod deployed_actions;
mod deployed_panel;
mod examples_panel;
pub mod fields;
mod file_menu;
mod findings_panel;
mod import_dialogs;
pub mod live;
mod metadata_panel;
mod modules_panel;
mod operation_hint;
mod preview_panel;
mod request_bar;
mod resource_picker;
mod send_panel;
mod upstream;

use std::rc::Rc;

use wasm_bindgen::JsCast;
use web_sys::{DragEvent, Element};
use yew::prelude::*;

use crate::editor::live::LiveState;
use assets_panel::AssetsPanel;
use bindings_panel::BindingsPanel;
use browser::storage::{self, Saved};
use deployed_panel::DeployedPanel;
use examples_panel::{ExampleBanner, ExampleMenu, StartFrom};
use file_menu::{open_files, FileMenu};
use findings_panel::FindingsPanel;
use import_dialogs::{CurlDialog, WranglerDialog};
use live::Live;
use metadata_panel::MetadataPanel;
use modules_panel::{add_files, ModuleSummary, ModulesPanel, ModulesPanelProps};
use operation_hint::OperationHint;
use preview_panel::PreviewPanel;
use request_bar::RequestBar;
use send_panel::SendPanel;
use upstream::{fetch_upstream, Upstream, UpstreamBadge};

use crate::editor::import::WranglerFile;
use crate::editor::{Action, Editor, Notice};
use crate::model::Composition;

impl Reducible for Editor {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        self.apply(action)
    }
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

/// Mounts the app on the page's `<body>`.
pub fn start() {
    yew::Renderer::<App>::new().render();
}

/// The state at page load: the saved composition, or a blank one.
fn initial_state() -> Editor {
    let today = browser::date::today();
    match storage::load() {
        Ok(Some(composition)) => Editor::new(composition, &today),
        Ok(None) => Editor::new(Editor::blank(&today), &today),
        Err(text) => {
            let mut state = Editor::new(Editor::blank(&today), &today);
            state.notice = Some(Notice::error(format!(
                "{text}; starting from a blank composition."
            )));
            state
        }
    }
}

#[component]
pub fn App() -> Html {
    let state = use_reducer(initial_state);
    // The token and what was read with it: in memory only, shared through a context.
    let live = use_reducer(LiveState::default);
    let dispatch = state.dispatcher();
    let saved = use_state(|| None::<Result<Saved, String>>);
    use_saving(&state, saved.setter());
    let upstream = use_state(|| Upstream::Checking);
    {
        let upstream = upstream.clone();
        use_effect_with((), move |_| {
            wasm_bindgen_futures::spawn_local(async move { upstream.set(fetch_upstream().await) });
        });
    }
    let dragging = use_state(|| false);
    let ondragover = {
        let dragging = dragging.clone();
        Callback::from(move |e: DragEvent| {
            e.prevent_default();
            if !*dragging {
                dragging.set(true);
            }
        })
    };
    let ondragleave = {
        let dragging = dragging.clone();
        Callback::from(move |e: DragEvent| {
            // Only when the pointer leaves the window, not when it crosses child elements.
            if e.related_target().is_none() {
                dragging.set(false);
            }
        })
    };
    // The import dialogs: a wrangler configuration waiting for its choices, the curl paste.
    let wrangler_file = use_state(|| None::<Rc<WranglerFile>>);
    let curl_open = use_state(|| false);
    let on_wrangler = {
        let wrangler_file = wrangler_file.clone();
        Callback::from(move |file: Rc<WranglerFile>| wrangler_file.set(Some(file)))
    };
    let close_wrangler = {
        let wrangler_file = wrangler_file.clone();
        Callback::from(move |_: ()| wrangler_file.set(None))
    };
    let on_curl = {
        let curl_open = curl_open.clone();
        Callback::from(move |_: ()| curl_open.set(true))
    };
    let close_curl = {
        let curl_open = curl_open.clone();
        Callback::from(move |_: ()| curl_open.set(false))
    };
    let ondrop = {
        let dragging = dragging.clone();
        let dispatch = dispatch.clone();
        let on_wrangler = on_wrangler.clone();
        Callback::from(move |e: DragEvent| {
            e.prevent_default();
            dragging.set(false);
            let inside = |selector: &str| {
                e.target()
                    .and_then(|t| t.dyn_into::<Element>().ok())
                    .and_then(|el| el.closest(selector).ok().flatten())
                    .is_some()
            };
            // A folder dropped on the assets panel is its own (see `assets_panel`).
            if inside("#assets") {
                return;
            }
            let Some(list) = e.data_transfer().and_then(|d| d.files()) else {
                return;
            };
            if inside("#import-drop") {
                // A composition, or a wrangler configuration with its files or its folder.
                let items = e.data_transfer().map(|d| d.items());
                let plain = browser::files::files_of(&list);
                let (dispatch, on_wrangler) = (dispatch.clone(), on_wrangler.clone());
                wasm_bindgen_futures::spawn_local(async move {
                    let walked = match &items {
                        Some(items) => browser::folder::dropped(items).await.unwrap_or_default(),
                        None => Vec::new(),
                    };
                    // Files without entries (some drag sources) come by name.
                    let files = if walked.is_empty() {
                        plain.into_iter().map(|f| (f.name(), f)).collect()
                    } else {
                        walked
                    };
                    open_files(files, dispatch, on_wrangler);
                });
                return;
            }
            add_files(browser::files::files_of(&list), dispatch.clone());
        })
    };
    use_fading(state.notice.clone(), dispatch.clone());
    let dismiss = {
        let dispatch = dispatch.clone();
        Callback::from(move |_: MouseEvent| dispatch.dispatch(Action::Notify(None)))
    };
    let c = &state.composition;
    let d = &state.derived;
    // Under each field: the rule findings and the API's errors from the last Send.
    let notes = &state.field_findings;
    html! {
        <ContextProvider<Live> context={live.clone()}>
        <div class={classes!("app", dragging.then_some("dragging"))} {ondragover} {ondragleave} {ondrop}>
            <header class="top">
                <h1>{ "Bindery" }</h1>
                <span class="tagline">{ "Compose Cloudflare Workers uploads" }</span>
                <UpstreamBadge upstream={(*upstream).clone()} />
                <span class="saved" id="save-status">{ match &*saved {
                    Some(Ok(Saved::Complete)) => "Saved in this browser (without secrets)",
                    Some(Ok(Saved::WithoutModuleBytes)) => "Saved without module contents (too large for browser storage)",
                    Some(Err(_)) => "Not saved: browser storage unavailable",
                    None => "",
                } }</span>
                <ExampleMenu dispatch={dispatch.clone()} />
                <FileMenu composition={c.clone()} dispatch={dispatch.clone()} on_wrangler={on_wrangler.clone()} on_curl={on_curl.clone()} />
            </header>
            if let Some(notice) = &state.notice {
                <div id="notice" class={classes!("notice", if notice.error { "error" } else { "fading" })} role="status">
                    <span>{ &notice.text }</span>
                    <button type="button" class="icon" aria-label="Dismiss" onclick={dismiss}>{ "✕" }</button>
                </div>
            }
            <main class="columns">
                <div class="compose">
                    // Shown only when the output sits under the form (a narrow window).
                    <a class="jump-to-output" id="jump-to-output" href="#output">{ "Jump to the output ↓" }</a>
                    if state.is_blank() {
                        <StartFrom dispatch={dispatch.clone()} on_curl={on_curl} />
                    }
                    if let Some(example) = state.example {
                        <ExampleBanner {example} composition={Shared(c.clone())} dispatch={dispatch.clone()} />
                    }
                    <RequestBar request={c.request.clone()} findings={notes.clone()} dispatch={dispatch.clone()}>
                        <OperationHint composition={Shared(c.clone())} dispatch={dispatch.clone()} />
                    </RequestBar>
                    <ModulesPanel modules={ModuleSummary::of(&c.modules)} metadata_entry={ModulesPanelProps::entry_of(&c.metadata)}
                        sends_modules={c.request.operation.sends_modules()} findings={notes.clone()} dispatch={dispatch.clone()} />
                    <AssetsPanel composition={c.clone()} example={state.example} dispatch={dispatch.clone()} />
                    <MetadataPanel composition={Shared(c.clone())} today={state.today.clone()}
                        findings={notes.clone()} dispatch={dispatch.clone()} />
                    <BindingsPanel composition={Shared(c.clone())} findings={notes.clone()} dispatch={dispatch.clone()} />
                </div>
                // The output leads, with the checks under it; both keep their height while
                // one types, so Send and the deployed Worker below never move.
                <aside class="side" aria-label="Output, checks and sending">
                    <PreviewPanel composition={Shared(c.clone())} derived={d.clone()} curl_prefix={state.curl_prefix.clone()}
                        tab={state.output_tab} embed_modules={state.embed_modules} program={state.program.clone()}
                        todo={!state.checks.todo.is_empty()} dispatch={dispatch.clone()} />
                    <FindingsPanel findings={state.checks.findings.clone()} todo={state.checks.todo.clone()}
                        import_findings={state.import_findings.clone()} dispatch={dispatch.clone()} />
                    <SendPanel composition={c.clone()} findings={state.checks.findings.clone()} todo={state.checks.todo.clone()}
                        upstream={(*upstream).clone()} dispatch={dispatch.clone()} />
                    <DeployedPanel composition={c.clone()} dispatch={dispatch.clone()} />
                </aside>
            </main>
            <div class="drop-hint" aria-hidden="true">{ "Drop files to add them as modules (or on Import… to open a composition or a wrangler configuration)" }</div>
            if let Some(file) = &*wrangler_file {
                <WranglerDialog file={file.clone()} on_close={close_wrangler} dispatch={dispatch.clone()} />
            }
            if *curl_open {
                <CurlDialog on_close={close_curl} dispatch={dispatch.clone()} />
            }
        </div>
        </ContextProvider<Live>>
    }
}

/// How long a notice that is not an error stays (the stylesheet fades it out over this time).
const NOTICE_MS: u32 = 5000;

/// Removes a notice that is not an error a few seconds after it appears; a newer notice, or
/// a dismissal, cancels the pending removal.
#[hook]
fn use_fading(notice: Option<Notice>, dispatch: UseReducerDispatcher<Editor>) {
    use_effect_with(notice, move |notice| {
        let timeout = notice.as_ref().filter(|n| !n.error).map(|_| {
            gloo_timers::callback::Timeout::new(NOTICE_MS, move || {
                dispatch.dispatch(Action::Notify(None))
            })
        });
        // Dropping the timeout cancels it.
        move || drop(timeout)
    });
}

/// Saves every change (redacted) shortly after it happens, coalescing bursts of typing, and
/// at once when the page is hidden or closed. The load itself (revision 0) is not saved, so an
/// unreadable saved text is not overwritten before the user changes anything.
#[hook]
fn use_saving(
    state: &UseReducerHandle<Editor>,
    report: UseStateSetter<Option<Result<Saved, String>>>,
) {
    let latest = use_mut_ref(|| None::<Rc<Composition>>);
    let pending = use_mut_ref(|| None::<gloo_timers::callback::Timeout>);
    {
        let latest = latest.clone();
        let report = report.clone();
        use_effect_with((), move |_| {
            let flush = wasm_bindgen::closure::Closure::<dyn Fn()>::new(move || {
                if let Some(composition) = latest.borrow().as_ref() {
                    report.set(Some(storage::save(composition)));
                }
            });
            let window = web_sys::window();
            if let Some(window) = &window {
                let _ = window
                    .add_event_listener_with_callback("pagehide", flush.as_ref().unchecked_ref());
            }
            move || {
                if let Some(window) = window {
                    let _ = window.remove_event_listener_with_callback(
                        "pagehide",
                        flush.as_ref().unchecked_ref(),
                    );
                }
            }
        });
    }
    let composition = state.composition.clone();
    use_effect_with(state.revision, move |revision| {
        if *revision > 0 {
            *latest.borrow_mut() = Some(composition.clone());
            let latest = latest.clone();
            let timeout = gloo_timers::callback::Timeout::new(150, move || {
                if let Some(composition) = latest.borrow().as_ref() {
                    report.set(Some(storage::save(composition)));
                }
            });
            // Replacing the handle cancels the previous, not yet run, save.
            *pending.borrow_mut() = Some(timeout);
        }
    });
}
