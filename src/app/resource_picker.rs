//! "Choose from account": a searchable list of the account's resources of one kind under a
//! field that needs one, with refresh and "create new". The field itself stays editable; a
//! failure is shown here and never blocks composing.

use yew::prelude::*;

use super::browser::api;
use super::fields::input_text;
use super::live::{load_list, Live};
use crate::editor::live::{Fetch, ListKey, LiveAction};
use crate::editor::resources::{matching, ResourceKind};

#[derive(Properties, PartialEq)]
pub struct ResourcePickerProps {
    pub kind: ResourceKind,
    pub account_id: String,
    /// R2 jurisdiction (`eu`, `fedramp`), empty for the default one.
    #[prop_or_default]
    pub jurisdiction: String,
    /// The field's current value, marked in the list.
    pub value: String,
    /// The id of the field the picker fills (its own ids derive from it).
    pub for_id: String,
    pub on_pick: Callback<String>,
}

#[component]
pub fn ResourcePicker(props: &ResourcePickerProps) -> Html {
    let live = use_context::<Live>();
    let open = use_state(|| false);
    let search = use_state(String::new);
    let new_name = use_state(String::new);
    let creating = use_state(|| None::<Result<String, String>>);
    let busy = use_state(|| false);

    let Some(live) = live else { return html! {} };
    // An account id like `..` would make the list request call another endpoint.
    if live.token.is_empty()
        || props.account_id.trim().is_empty()
        || crate::model::segment_problem(props.account_id.trim()).is_some()
    {
        return html! {};
    }
    let key = ListKey {
        account_id: props.account_id.trim().to_string(),
        kind: props.kind,
        jurisdiction: props.jurisdiction.clone(),
    };
    let base = format!("{}-pick", props.for_id);
    let plural = props.kind.plural();

    let on_toggle = {
        let open = open.clone();
        let live = live.clone();
        let key = key.clone();
        Callback::from(move |_: MouseEvent| {
            let opening = !*open;
            open.set(opening);
            if opening && !live.lists.contains_key(&key) {
                load_list(&live, key.clone());
            }
        })
    };
    let toggle = html! {
        <button type="button" class="small picker-toggle" id={base.clone()} aria-expanded={(*open).to_string()} aria-controls={format!("{base}-panel")}
            onclick={on_toggle}>{ if *open { "Close list".to_string() } else { format!("Choose from account ({plural})…") } }</button>
    };
    if !*open {
        return html! { <div class="picker">{ toggle }</div> };
    }

    let on_refresh = {
        let live = live.clone();
        let key = key.clone();
        Callback::from(move |_: MouseEvent| load_list(&live, key.clone()))
    };
    let on_search = {
        let search = search.clone();
        Callback::from(move |e: InputEvent| search.set(input_text(&e)))
    };
    let list = match live.lists.get(&key) {
        None | Some(Fetch::Loading) => {
            html! { <p class="help picker-status" role="status">{ format!("Loading {plural}…") }</p> }
        }
        Some(Fetch::Failed(message)) => html! {
            <p class="note error picker-status" role="status">
                { format!("Could not list {plural}: {message}. Type the value by hand instead.") }
            </p>
        },
        Some(Fetch::Ready(items)) => {
            let shown = matching(items, &search);
            if items.is_empty() {
                html! { <p class="help picker-status">{ format!("No {plural} in this account yet.") }</p> }
            } else if shown.is_empty() {
                html! { <p class="help picker-status">{ "Nothing matches the search." }</p> }
            } else {
                html! {
                    <ul class="picker-list" id={format!("{base}-list")}>
                        { for shown.into_iter().map(|r| {
                            let value = r.value.clone();
                            let on_pick = props.on_pick.clone();
                            let open = open.clone();
                            let onclick = Callback::from(move |_: MouseEvent| {
                                on_pick.emit(value.clone());
                                open.set(false);
                            });
                            let chosen = r.value == props.value;
                            html! {
                                <li>
                                    <button type="button" class={classes!("picker-item", chosen.then_some("chosen"))}
                                        data-value={r.value.clone()} aria-pressed={chosen.to_string()} {onclick}>
                                        <span class="picker-label">{ &r.label }</span>
                                        if r.label != r.value { <code>{ &r.value }</code> }
                                    </button>
                                </li>
                            }
                        }) }
                    </ul>
                }
            }
        }
    };

    let create = props.kind.can_create().then(|| {
        let on_name = {
            let new_name = new_name.clone();
            Callback::from(move |e: InputEvent| new_name.set(input_text(&e)))
        };
        let on_create = {
            let live = live.clone();
            let key = key.clone();
            let name = (*new_name).trim().to_string();
            let creating = creating.clone();
            let busy = busy.clone();
            let on_pick = props.on_pick.clone();
            let new_name = new_name.clone();
            Callback::from(move |e: SubmitEvent| {
                e.prevent_default();
                if name.is_empty() {
                    creating.set(Some(Err("type a name first".into())));
                    return;
                }
                let live = live.clone();
                let key = key.clone();
                let name = name.clone();
                let creating = creating.clone();
                let busy = busy.clone();
                let on_pick = on_pick.clone();
                let new_name = new_name.clone();
                busy.set(true);
                wasm_bindgen_futures::spawn_local(async move {
                    let jurisdiction =
                        (!key.jurisdiction.is_empty()).then_some(key.jurisdiction.as_str());
                    let token = live.token.clone();
                    match api::create(key.kind, &key.account_id, token.as_str(), &name, jurisdiction)
                        .await
                    {
                        Ok(resource) => {
                            creating.set(Some(Ok(format!("Created {}.", resource.label))));
                            on_pick.emit(resource.value.clone());
                            new_name.set(String::new());
                            let created = Box::new(LiveAction::Created(key, resource));
                            live.dispatch(LiveAction::Answered(token, created));
                        }
                        Err(message) => creating.set(Some(Err(message))),
                    }
                    busy.set(false);
                });
            })
        };
        html! {
            <form class="picker-create" onsubmit={on_create}>
                <input id={format!("{base}-new")} type="text" spellcheck="false" autocomplete="off"
                    aria-label={format!("Name of the new {}", props.kind.singular())}
                    placeholder="New name" value={(*new_name).clone()} oninput={on_name} />
                <button type="submit" class="small" id={format!("{base}-create")} disabled={*busy}>
                    { if *busy { "Creating…" } else { "Create" } }</button>
                { match &*creating {
                    Some(Ok(text)) => html! { <span class="ok picker-created" role="status">{ text }</span> },
                    Some(Err(text)) => html! { <span class="note error" role="status">{ format!("Not created: {text}") }</span> },
                    None => html! {},
                } }
            </form>
        }
    });

    html! {
        <div class="picker open">
            { toggle }
            <div class="picker-panel" id={format!("{base}-panel")}>
                <div class="picker-tools">
                    <input type="search" id={format!("{base}-search")} placeholder="Search"
                        aria-label={format!("Search {plural}")} value={(*search).clone()} oninput={on_search} />
                    <button type="button" class="small" id={format!("{base}-refresh")} onclick={on_refresh}
                        title="Read the list again">{ "Refresh" }</button>
                </div>
                { list }
                { for create }
            </div>
        </div>
    }
}
