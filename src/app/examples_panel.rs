//! Starting from an example: the list offered on a blank page, the same list as a menu in the
//! header, and, after an example was started, what it needs in the account with "Find or
//! create in account" (the lists are read, what is missing is created, and the ids go into
//! their fields). Which examples exist, what they need and how the fields are filled is the
//! core's ([`crate::editor::examples`], [`crate::editor::setup`]).

use wasm_bindgen::JsCast;
use yew::prelude::*;

use super::browser::api;
use super::browser::focus::focus_at;
use super::fields::select_text;
use super::live::Live;
use super::Shared;
use crate::editor::examples::{Example, EXAMPLES};
use crate::editor::live::{ListKey, LiveAction};
use crate::editor::setup::{self, Need, Step};
use crate::editor::{Action, Editor};
use crate::explain::AT_TOKEN;
use crate::rules::{is_cloudflare_id, looks_like_placeholder};

/// Starts the example `id`, with the verified token's account when it reaches only one.
fn start(dispatch: &UseReducerDispatcher<Editor>, live: Option<&Live>, id: &'static str) {
    let account = live.and_then(|l| l.only_account()).map(String::from);
    dispatch.dispatch(Action::StartFromExample { id, account });
}

#[derive(Properties, PartialEq)]
pub struct StartFromProps {
    pub dispatch: UseReducerDispatcher<Editor>,
}

#[derive(Properties, PartialEq)]
pub struct StartListProps {
    pub dispatch: UseReducerDispatcher<Editor>,
    /// Opens the curl paste dialog.
    pub on_curl: Callback<()>,
}

/// Opens the file menu's picker (the file input of Import…), from another button.
fn pick_import_file(_: MouseEvent) {
    let input = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id("import-file"))
        .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok());
    if let Some(input) = input {
        input.click();
    }
}

/// The examples, offered on a blank page, and the two ways in from what the user already has:
/// a wrangler configuration and a curl command.
#[component]
pub fn StartFrom(props: &StartListProps) -> Html {
    let live = use_context::<Live>();
    let on_curl = {
        let open = props.on_curl.clone();
        Callback::from(move |_: MouseEvent| open.emit(()))
    };
    html! {
        <section class="panel start-from" aria-labelledby="start-from-title" id="start-from">
            <h2 id="start-from-title">{ "Start from an example" }</h2>
            <ul class="example-list">
                { for EXAMPLES.iter().map(|e| {
                    let dispatch = props.dispatch.clone();
                    let live = live.clone();
                    let onclick = Callback::from(move |_: MouseEvent| start(&dispatch, live.as_ref(), e.id));
                    html! {
                        <li>
                            <button type="button" class="example" id={format!("example-{}", e.id)} {onclick}>
                                <span class="example-title">{ e.title }</span>
                                <span class="example-summary">{ e.summary }</span>
                            </button>
                        </li>
                    }
                }) }
                <li>
                    <button type="button" class="example import" id="example-import" onclick={pick_import_file}>
                        <span class="example-title">{ "Import a wrangler config" }</span>
                        <span class="example-summary">{ "A wrangler.toml, wrangler.json or wrangler.jsonc, picked with the module files it names." }</span>
                    </button>
                </li>
                <li>
                    <button type="button" class="example import" id="example-paste-curl" onclick={on_curl}>
                        <span class="example-title">{ "Paste a curl command" }</span>
                        <span class="example-summary">{ "One that uploads a Worker: read into the form, with what the API would say about it." }</span>
                    </button>
                </li>
            </ul>
            <p class="help">{ "Each is a complete request with a small working module: replace the values marked as placeholders. Or fill in the form below from scratch, or import a file." }</p>
        </section>
    }
}

/// The same list as a menu, for when the page is not blank.
#[component]
pub fn ExampleMenu(props: &StartFromProps) -> Html {
    let live = use_context::<Live>();
    let onchange = {
        let dispatch = props.dispatch.clone();
        Callback::from(move |e: Event| {
            let chosen = select_text(&e);
            if let Some(example) = EXAMPLES.iter().find(|x| x.id == chosen) {
                start(&dispatch, live.as_ref(), example.id);
            }
            e.target_unchecked_into::<web_sys::HtmlSelectElement>()
                .set_value("");
        })
    };
    html! {
        <select id="example-menu" class="example-menu" aria-label="Start from an example" {onchange}>
            <option value="" selected=true>{ "Examples…" }</option>
            { for EXAMPLES.iter().map(|e| html! { <option value={e.id}>{ e.title }</option> }) }
        </select>
    }
}

#[derive(Properties, PartialEq)]
pub struct ExampleBannerProps {
    pub example: &'static Example,
    pub composition: Shared,
    pub dispatch: UseReducerDispatcher<Editor>,
}

/// After an example was started: the resources it needs, found or created in one action.
#[component]
pub fn ExampleBanner(props: &ExampleBannerProps) -> Html {
    let live = use_context::<Live>();
    let busy = use_state(|| false);
    // What was done (needs and their outcome), and why the rest was not.
    let done = use_state(Vec::<(Need, Step)>::new);
    let failed = use_state(|| None::<String>);
    {
        // Another example (or the same one again) starts over.
        let done = done.clone();
        let failed = failed.clone();
        use_effect_with(props.example.id, move |_| {
            done.set(Vec::new());
            failed.set(None);
        });
    }
    let Some(live) = live else { return html! {} };
    // A need found or made already is not offered again, unless its field is empty or a
    // placeholder again (the example started over).
    let left: Vec<Need> = setup::needs(&props.composition)
        .into_iter()
        .filter(|n| {
            n.fill.is_some()
                || !done
                    .iter()
                    .any(|(d, _)| d.kind == n.kind && d.name == n.name)
        })
        .collect();
    let has_assets = !props.example.assets.is_empty();
    if left.is_empty() && done.is_empty() && !has_assets {
        return html! {};
    }
    let account = props.composition.request.account_id.trim().to_string();
    let ready =
        !live.token.is_empty() && is_cloudflare_id(&account) && !looks_like_placeholder(&account);
    let on_create = {
        let live = live.clone();
        let left = left.clone();
        let busy = busy.clone();
        let done = done.clone();
        let failed = failed.clone();
        let dispatch = props.dispatch.clone();
        let account = account.clone();
        Callback::from(move |_: MouseEvent| {
            let live = live.clone();
            let left = left.clone();
            let busy = busy.clone();
            let done = done.clone();
            let failed = failed.clone();
            let dispatch = dispatch.clone();
            let account = account.clone();
            busy.set(true);
            failed.set(None);
            wasm_bindgen_futures::spawn_local(async move {
                let token = live.token.clone();
                let mut outcomes = (*done).clone();
                for need in left {
                    let outcome = async {
                        let list = api::list_all(need.kind, &account, token.as_str(), None).await?;
                        let step = setup::step(&need, &list);
                        let value = match &step {
                            Step::Use(value) => value.clone(),
                            Step::Create => {
                                let made = api::create(
                                    need.kind,
                                    &account,
                                    token.as_str(),
                                    &need.name,
                                    None,
                                )
                                .await?;
                                let key = ListKey {
                                    account_id: account.clone(),
                                    kind: need.kind,
                                    jurisdiction: String::new(),
                                };
                                let created = Box::new(LiveAction::Created(key, made.clone()));
                                live.dispatch(LiveAction::Answered(token.clone(), created));
                                made.value
                            }
                        };
                        Ok::<_, String>((step, value))
                    }
                    .await;
                    match outcome {
                        Ok((step, value)) => {
                            if let Some(action) = setup::fill(&need, &value) {
                                dispatch.dispatch(action);
                            }
                            outcomes.push((need, step));
                        }
                        Err(message) => {
                            failed.set(Some(format!("{}: {message}", need.text())));
                            break;
                        }
                    }
                }
                done.set(outcomes);
                busy.set(false);
            });
        })
    };
    let go_to_token = Callback::from(|_: MouseEvent| {
        focus_at(&AT_TOKEN);
    });
    html! {
        <section class="panel example-banner" aria-labelledby="example-banner-title" id="example-banner">
            <h2 id="example-banner-title">{ format!("Example: {}", props.example.title) }</h2>
            if !left.is_empty() {
                <p class="help">{ "It needs these in the account (or replace the placeholders with your own):" }</p>
                <ul class="needs" id="example-needs">
                    { for left.iter().map(|n| html! { <li>{ n.text() }</li> }) }
                </ul>
                if ready {
                    <button type="button" id="create-resources" class="primary" disabled={*busy} onclick={on_create}>
                        { if *busy { "Working…" } else { "Find or create in account" } }
                    </button>
                } else {
                    <p class="help">
                        { "To find or create them here, enter and verify an API token and choose the account. " }
                        <button type="button" class="small" id="example-go-to-token" onclick={go_to_token}>{ "Go to the token" }</button>
                    </p>
                }
            }
            if has_assets {
                <p class="help" id="example-assets">
                    { "Its assets folder is loaded in " }<a href="#assets">{ "Static assets" }</a>
                    { ": with a verified token, press Upload assets there, then Send." }
                </p>
            }
            if !done.is_empty() {
                <ul class="done" id="example-done" role="status">
                    { for done.iter().map(|(n, step)| html! { <li class="ok">{ n.done_text(step) }</li> }) }
                </ul>
            }
            if let Some(message) = &*failed {
                <p class="note error" id="example-failed" role="status">{ format!("Stopped at the {message}") }</p>
            }
        </section>
    }
}
