//! The deployed Worker: "Load from account" (read the script's current settings, start the
//! composition from them) and, before Send, what the request would change compared with it,
//! with drop / keep / restore for each binding it would remove.

use std::rc::Rc;

use yew::prelude::*;

use super::deployed_actions::DeployedActions;
use super::live::{fetch_deployed, Live};
use crate::diff::{diff, type_label, BindingChange, Change, CurrentSettings, Resolution};
use crate::editor::live::{Fetch, ScriptKey};
use crate::editor::resources::Deployed;
use crate::editor::{Action, Editor};
use crate::model::{Binding, Composition};

#[derive(Properties, PartialEq)]
pub struct DeployedPanelProps {
    pub composition: Rc<Composition>,
    pub dispatch: UseReducerDispatcher<Editor>,
}

#[component]
pub fn DeployedPanel(props: &DeployedPanelProps) -> Html {
    let Some(live) = use_context::<Live>() else {
        return html! {};
    };
    let c = &props.composition;
    let complete = ScriptKey::is_complete(&c.request);
    let has_token = !live.token.is_empty();
    let deployed = live.deployed_for(&c.request);

    let on_load = {
        let live = live.clone();
        let request = c.request.clone();
        Callback::from(move |_: MouseEvent| fetch_deployed(&live, &request))
    };
    let loading = matches!(deployed, Some(Fetch::Loading));
    let button_label = match deployed {
        Some(Fetch::Ready(_)) => "Read again",
        _ => "Load from account / compare",
    };
    let body = match deployed {
        None if !has_token => {
            html! { <p class="help">{ "Enter an API token below to read the deployed Worker's settings." }</p> }
        }
        None if !complete => {
            html! { <p class="help">{ "Fill in the account id and script name (and namespace) to compare with the deployed Worker." }</p> }
        }
        None => {
            html! { <p class="help">{ "Read the deployed Worker's bindings and settings to start from them, or to see what Send would change." }</p> }
        }
        Some(Fetch::Loading) => {
            html! { <p class="help" role="status">{ "Reading the deployed settings…" }</p> }
        }
        Some(Fetch::Failed(message)) | Some(Fetch::Ready(Deployed::Failed(message))) => html! {
            <p class="note error" id="deployed-error" role="status">{ format!("Could not read the deployed settings: {message}") }</p>
        },
        Some(Fetch::Ready(Deployed::Missing)) => html! {
            <p class="help" id="deployed-missing" role="status">{ "New Worker: nothing deployed under this name yet, so nothing to compare." }</p>
        },
        Some(Fetch::Ready(Deployed::Found(current))) => found_view(c, current, &props.dispatch),
    };
    html! {
        <section class="panel deployed" aria-labelledby="deployed-title" id="deployed">
            <h2 id="deployed-title">{ "Deployed Worker" }</h2>
            <div class="send-row">
                <button type="button" id="load-deployed" disabled={!has_token || !complete || loading}
                    onclick={on_load}>{ button_label }</button>
            </div>
            { body }
            if has_token && complete {
                <DeployedActions request={c.request.clone()} />
            }
        </section>
    }
}

fn found_view(
    c: &Composition,
    current: &CurrentSettings,
    dispatch: &UseReducerDispatcher<Editor>,
) -> Html {
    let current = Rc::new(current.clone());
    let load = |keep_modules: bool| {
        let dispatch = dispatch.clone();
        let current = current.clone();
        Callback::from(move |_: MouseEvent| {
            dispatch.dispatch(Action::StartFromDeployed {
                current: current.clone(),
                keep_modules,
            })
        })
    };
    let d = diff(&current, c);
    html! {
        <>
            <details class="deployed-summary" id="deployed-summary">
                <summary>{ summary_line(&current) }</summary>
                <ul class="plain">
                    { for current.bindings.iter().map(binding_line) }
                </ul>
            </details>
            <p class="send-row">
                <button type="button" id="load-without-modules" onclick={load(false)}
                    title="Replace the composition with the deployed bindings and settings; no code (a settings PATCH)">
                    { "Start from these settings" }</button>
                if !c.modules.is_empty() {
                    <button type="button" id="load-keep-modules" onclick={load(true)}
                        title="Replace bindings and settings with the deployed ones, keep the modules added here">
                        { "Start from these, keep my modules" }</button>
                }
            </p>
            <h3>{ "What Send would change" }</h3>
            if d.is_empty() {
                <p class="help" id="diff-empty">{ "Nothing: bindings and settings stay as deployed." }</p>
            }
            <ul class="diff" id="diff">
                { for d.bindings.iter().map(|change| change_line(change, &current, dispatch)) }
                { for d.settings.iter().map(|s| html! {
                    <li class="diff-line setting" data-field={s.field.clone()}>{ s.describe() }</li>
                }) }
            </ul>
        </>
    }
}

fn summary_line(current: &CurrentSettings) -> String {
    let count = current.bindings.len();
    let date = current
        .compatibility_date
        .as_deref()
        .map(|d| format!(", compatibility date {d}"))
        .unwrap_or_default();
    format!(
        "Deployed: {count} binding{}{date}",
        if count == 1 { "" } else { "s" }
    )
}

fn binding_line(b: &Binding) -> Html {
    let detail = if b.kind.is_secret() {
        "kept (value not readable)".to_string()
    } else {
        let mut fields = b.to_json();
        fields.shift_remove("type");
        fields.shift_remove("name");
        serde_json::Value::Object(fields).to_string()
    };
    html! {
        <li class="deployed-binding" data-name={b.name.clone()}>
            <strong>{ &b.name }</strong>{ " " }<span class="help">{ type_label(b.type_name()) }</span>
            { " " }<code>{ detail }</code>
        </li>
    }
}

fn change_line(
    change: &BindingChange,
    current: &Rc<CurrentSettings>,
    dispatch: &UseReducerDispatcher<Editor>,
) -> Html {
    let kind = change_class(&change.change);
    let choice = |how: Resolution, label: &'static str, title: &'static str| {
        let dispatch = dispatch.clone();
        let current = current.clone();
        let name = change.name.clone();
        let onclick = Callback::from(move |_: MouseEvent| {
            dispatch.dispatch(Action::Resolve {
                current: current.clone(),
                name: name.clone(),
                how,
            })
        });
        html! { <button type="button" class="small" data-resolve={label.to_lowercase()} {title} {onclick}>{ label }</button> }
    };
    html! {
        <li class={classes!("diff-line", kind)} data-name={change.name.clone()} data-change={kind}>
            <span>{ change.describe() }</span>
            if undoable(change) {
                <span class="resolve">{ choice(Resolution::Drop, "Drop", "Let the request remove it after all") }</span>
            }
            if change.is_removed() {
                <span class="resolve">
                    { choice(Resolution::Drop, "Drop", "Let the request remove it") }
                    { choice(Resolution::Keep, "Keep", "Keep it as deployed") }
                    { choice(Resolution::Restore, "Restore", "Copy it into the composition, to edit it") }
                </span>
            }
        </li>
    }
}

/// A deployed binding kept without being listed, which "Drop" can let go again.
fn undoable(change: &BindingChange) -> bool {
    matches!(
        change.change,
        Change::KeptByType | Change::KeptBare | Change::Inherited { old_name: None }
    )
}

/// The class (and `data-change`) of a diff line.
fn change_class(change: &Change) -> &'static str {
    match change {
        Change::Added => "added",
        Change::Removed => "removed",
        Change::Changed { .. } => "changed",
        Change::Unchanged => "unchanged",
        Change::KeptByType => "kept-by-type",
        Change::Inherited { .. } => "inherited",
        Change::KeptBare => "kept-bare",
        Change::InheritMissing { .. } => "inherit-missing",
    }
}
