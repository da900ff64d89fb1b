//! Actions on the deployed Worker, below its settings: its versions and deployments (deploy one
//! version, split the traffic between two, roll back), with what a deployment would change
//! before it is made, and its secrets (put, delete). What the form means is decided by
//! [`crate::deploy::DeployForm`]; this renders it and makes the calls.
//!
//! A secret's value lives in its input until it is sent, then the input is cleared: it is
//! never stored, logged or shown again.

use yew::prelude::*;

use super::browser::api;
use super::fields::{input_text, select_text};
use super::live::{fetch_deployed, fetch_history, Live};
use crate::deploy::deployments::changes;
use crate::deploy::{short_id, versions_unavailable, DeployForm, Deployment, SecretName, Version};
use crate::editor::live::{Fetch, History};
use crate::model::Request;

#[derive(Properties, PartialEq)]
pub struct DeployedActionsProps {
    pub request: Request,
}

/// The last action's outcome: success or the API's words.
type Notice = Option<(bool, String)>;

#[component]
pub fn DeployedActions(props: &DeployedActionsProps) -> Html {
    let Some(live) = use_context::<Live>() else {
        return html! {};
    };
    let form = use_state(DeployForm::default);
    let notice = use_state(|| None as Notice);
    let busy = use_state(|| false);
    let secret_name = use_state(String::new);
    let secret_value = use_state(String::new);
    let request = &props.request;
    let history = live.history_for(request);
    let secrets = live.secrets_for(request);

    let on_read = {
        let live = live.clone();
        let request = request.clone();
        Callback::from(move |_: MouseEvent| fetch_history(&live, &request))
    };
    // Runs a change, then reads the Worker again (history, secrets, settings).
    let act = {
        let live = live.clone();
        let request = request.clone();
        let notice = notice.clone();
        let busy = busy.clone();
        move |done: String, call: std::pin::Pin<Box<dyn std::future::Future<Output = Result<(), String>>>>| {
            let live = live.clone();
            let request = request.clone();
            let notice = notice.clone();
            let busy = busy.clone();
            busy.set(true);
            notice.set(None);
            wasm_bindgen_futures::spawn_local(async move {
                let outcome = call.await;
                busy.set(false);
                notice.set(Some(match outcome {
                    Ok(()) => (true, done),
                    Err(e) => (false, e),
                }));
                fetch_history(&live, &request);
                fetch_deployed(&live, &request);
            });
        }
    };

    let history_view = match (versions_unavailable(request), history) {
        (Some(why), _) => html! { <p class="help" id="no-versions">{ why }</p> },
        (None, None) => html! {},
        (None, Some(Fetch::Loading)) => {
            html! { <p class="help" role="status">{ "Reading versions and deployments…" }</p> }
        }
        (None, Some(Fetch::Failed(e))) => {
            html! { <p class="note error" id="history-error">{ format!("Could not read the versions: {e}") }</p> }
        }
        (None, Some(Fetch::Ready(history))) => {
            // The form starts on the newest version at 100 %.
            let current_form =
                if form.first.is_empty() || history.versions.iter().all(|v| v.id != form.first) {
                    DeployForm {
                        first: DeployForm::newest(&history.versions).first,
                        ..(*form).clone()
                    }
                } else {
                    (*form).clone()
                };
            let on_deploy = {
                let act = act.clone();
                let request = request.clone();
                let token = live.token.clone();
                let current_form = current_form.clone();
                let form = form.clone();
                Callback::from(move |_: MouseEvent| {
                    let Ok(body) = current_form.body() else {
                        return;
                    };
                    let request = request.clone();
                    let token = token.clone();
                    let message = deployed_message(&current_form);
                    form.set(DeployForm::default());
                    act(
                        message,
                        Box::pin(async move { api::deploy(&request, token.as_str(), &body).await }),
                    );
                })
            };
            history_view(history, &current_form, &form, on_deploy, *busy)
        }
    };

    let secrets_view = {
        let on_put = {
            let act = act.clone();
            let request = request.clone();
            let token = live.token.clone();
            let name = secret_name.clone();
            let value = secret_value.clone();
            Callback::from(move |e: SubmitEvent| {
                e.prevent_default();
                let (n, v) = ((*name).trim().to_string(), (*value).clone());
                if n.is_empty() || v.is_empty() {
                    return;
                }
                value.set(String::new());
                name.set(String::new());
                let request = request.clone();
                let token = token.clone();
                let done = format!("Secret {n} set.");
                act(
                    done,
                    Box::pin(
                        async move { api::put_secret(&request, token.as_str(), &n, &v).await },
                    ),
                );
            })
        };
        let on_delete = {
            let act = act.clone();
            let request = request.clone();
            let token = live.token.clone();
            Callback::from(move |name: String| {
                let request = request.clone();
                let token = token.clone();
                let done = format!("Secret {name} deleted.");
                act(
                    done,
                    Box::pin(
                        async move { api::delete_secret(&request, token.as_str(), &name).await },
                    ),
                );
            })
        };
        let list = match secrets {
            None => html! {},
            Some(Fetch::Loading) => {
                html! { <p class="help" role="status">{ "Reading secrets…" }</p> }
            }
            Some(Fetch::Failed(e)) => {
                html! { <p class="note error" id="secrets-error">{ format!("Could not read the secrets: {e}") }</p> }
            }
            Some(Fetch::Ready(names)) if names.is_empty() => {
                html! { <p class="help" id="secret-list-empty">{ "No secrets." }</p> }
            }
            Some(Fetch::Ready(names)) => secret_list(names, &on_delete, *busy),
        };
        let on_name = {
            let name = secret_name.clone();
            Callback::from(move |e: InputEvent| name.set(input_text(&e)))
        };
        let on_value = {
            let value = secret_value.clone();
            Callback::from(move |e: InputEvent| value.set(input_text(&e)))
        };
        html! {
            <>
                <h3>{ "Secrets" }</h3>
                { list }
                <form class="secret-form" id="secret-form" onsubmit={on_put}>
                    <input id="secret-name" type="text" placeholder="NAME" autocomplete="off" spellcheck="false"
                        aria-label="Secret name" value={(*secret_name).clone()} oninput={on_name} />
                    <input id="secret-value" type="password" placeholder="value" autocomplete="off"
                        aria-label="Secret value" value={(*secret_value).clone()} oninput={on_value} />
                    <button type="submit" id="secret-put" disabled={*busy || secret_name.trim().is_empty() || secret_value.is_empty()}>{ "Put secret" }</button>
                </form>
                <p class="help">{ "Write-only: the value is sent once and never kept here; the API never shows it again." }</p>
            </>
        }
    };

    let read_label = if history.is_some() || secrets.is_some() {
        "Read again"
    } else {
        "Versions, deployments and secrets"
    };
    html! {
        <div class="deployed-actions" id="deployed-actions">
            <div class="send-row">
                <button type="button" id="load-history" disabled={*busy} onclick={on_read}>{ read_label }</button>
            </div>
            if let Some((ok, message)) = &*notice {
                <p class={classes!("note", if *ok { "ok" } else { "error" })} id="deployed-action-result" role="status">{ message }</p>
            }
            { history_view }
            if secrets.is_some() { { secrets_view } }
        </div>
    }
}

fn deployed_message(form: &DeployForm) -> String {
    match form.plan() {
        Ok(splits) if splits.len() == 2 => format!(
            "Deployed: {} at {} %, {} at {} %.",
            short_id(&splits[0].version_id),
            splits[0].percentage,
            short_id(&splits[1].version_id),
            splits[1].percentage
        ),
        _ => format!("Deployed {} at 100 %.", short_id(&form.first)),
    }
}

fn history_view(
    history: &History,
    form: &DeployForm,
    state: &UseStateHandle<DeployForm>,
    on_deploy: Callback<MouseEvent>,
    busy: bool,
) -> Html {
    let current = history.current();
    let set = |change: fn(&mut DeployForm, String)| {
        let state = state.clone();
        let form = form.clone();
        move |value: String| {
            let mut next = form.clone();
            change(&mut next, value);
            state.set(next);
        }
    };
    let on_first = {
        let set = set(|f, v| f.first = v);
        Callback::from(move |e: Event| set(select_text(&e)))
    };
    let on_second = {
        let set = set(|f, v| f.second = v);
        Callback::from(move |e: Event| set(select_text(&e)))
    };
    let on_share = {
        let set = set(|f, v| f.first_share = v);
        Callback::from(move |e: InputEvent| set(input_text(&e)))
    };
    let on_message = {
        let set = set(|f, v| f.message = v);
        Callback::from(move |e: InputEvent| set(input_text(&e)))
    };
    let on_tag = {
        let set = set(|f, v| f.tag = v);
        Callback::from(move |e: InputEvent| set(input_text(&e)))
    };
    let plan = form.plan();
    let planned_changes = plan
        .as_ref()
        .map(|splits| changes(current, splits, &history.versions))
        .unwrap_or_default();
    let option = |v: &Version, selected: &str| {
        html! {
            <option value={v.id.clone()} selected={v.id == selected}>{ version_text(v, current) }</option>
        }
    };
    let rollback = |v: &Version| {
        let state = state.clone();
        let id = v.id.clone();
        Callback::from(move |_: MouseEvent| state.set(DeployForm::rollback(&id)))
    };
    html! {
        <>
            <h3>{ "Versions and deployments" }</h3>
            <p id="current-deployment" class="help">{ current_text(current, &history.versions) }</p>
            if history.versions.is_empty() {
                <p class="help" id="versions-empty">{ "No versions yet." }</p>
            }
            <ul class="plain versions" id="versions">
                { for history.versions.iter().map(|v| {
                    let share = current.map_or(0.0, |d| d.share(&v.id));
                    html! {
                        <li class="version" data-version-id={v.id.clone()} data-share={share.to_string()}>
                            <span>{ version_text(v, current) }</span>
                            if share < 100.0 {
                                <button type="button" class="small" data-rollback={v.id.clone()} onclick={rollback(v)}
                                    title="Fill the form to deploy this version alone; see what changes, then Deploy">{ "Roll back to this" }</button>
                            }
                        </li>
                    }
                }) }
            </ul>
            if !history.versions.is_empty() {
                <div class="deploy-form" id="deploy-form">
                    <label class="field">{ "Version" }
                        <select id="deploy-version" onchange={on_first}>
                            { for history.versions.iter().map(|v| option(v, &form.first)) }
                        </select>
                    </label>
                    <label class="field">{ "Share (%)" }
                        <input id="deploy-share" type="text" inputmode="decimal" placeholder="100" value={form.first_share.clone()} oninput={on_share} />
                    </label>
                    <label class="field">{ "Split with" }
                        <select id="deploy-second" onchange={on_second}>
                            <option value="" selected={form.second.is_empty()}>{ "— no second version —" }</option>
                            { for history.versions.iter().filter(|v| v.id != form.first).map(|v| option(v, &form.second)) }
                        </select>
                    </label>
                    <label class="field">{ "Message" }
                        <input id="deploy-message" type="text" value={form.message.clone()} oninput={on_message} />
                    </label>
                    <label class="field">{ "Tag" }
                        <input id="deploy-tag" type="text" value={form.tag.clone()} oninput={on_tag} />
                    </label>
                    <h4>{ "What Deploy would change" }</h4>
                    <ul class="diff" id="deploy-changes">
                        { for planned_changes.iter().map(|c| html! {
                            <li class="diff-line changed" data-version-id={c.version_id.clone()}>{ c.describe() }</li>
                        }) }
                    </ul>
                    if let Err(e) = &plan {
                        <p class="note error" id="deploy-form-error">{ e }</p>
                    } else if planned_changes.is_empty() {
                        <p class="help" id="deploy-nothing">{ "Nothing: the Worker is deployed like this already." }</p>
                    }
                    <div class="send-row">
                        <button type="button" class="primary" id="deploy-button" onclick={on_deploy}
                            disabled={busy || plan.is_err() || planned_changes.is_empty()}>{ "Deploy" }</button>
                    </div>
                </div>
            }
            if !history.deployments.is_empty() {
                <details class="deployments" id="deployments">
                    <summary>{ format!("{} deployment(s), newest first", history.deployments.len()) }</summary>
                    <ul class="plain">
                        { for history.deployments.iter().map(|d| html! {
                            <li class="deployment" data-deployment-id={d.id.clone()}>{ deployment_text(d, &history.versions) }</li>
                        }) }
                    </ul>
                </details>
            }
        </>
    }
}

fn version_text(v: &Version, current: Option<&Deployment>) -> String {
    let share = current.map_or(0.0, |d| d.share(&v.id));
    let mut text = v.label();
    if share > 0.0 {
        text.push_str(&format!(" · {share} %"));
    }
    if let Some(tag) = &v.tag {
        text.push_str(&format!(" · tag {tag}"));
    }
    if let Some(message) = &v.message {
        text.push_str(&format!(" · “{message}”"));
    }
    if !v.created_on.is_empty() {
        text.push_str(&format!(
            " · {}",
            v.created_on.get(..16).unwrap_or(&v.created_on)
        ));
    }
    text
}

fn split_text(d: &Deployment, versions: &[Version]) -> String {
    d.versions
        .iter()
        .map(|s| {
            let label = versions
                .iter()
                .find(|v| v.id == s.version_id)
                .map_or_else(|| short_id(&s.version_id).to_string(), Version::label);
            format!("{label} at {} %", s.percentage)
        })
        .collect::<Vec<_>>()
        .join(", ")
}

fn current_text(current: Option<&Deployment>, versions: &[Version]) -> String {
    match current {
        None => "Not deployed yet.".to_string(),
        Some(d) => format!("Serving now: {}.", split_text(d, versions)),
    }
}

fn deployment_text(d: &Deployment, versions: &[Version]) -> String {
    let message = d
        .message
        .as_ref()
        .map(|m| format!(" · “{m}”"))
        .unwrap_or_default();
    format!(
        "{} · {}{message}",
        d.created_on.get(..16).unwrap_or(&d.created_on),
        split_text(d, versions)
    )
}

fn secret_list(names: &[SecretName], on_delete: &Callback<String>, busy: bool) -> Html {
    html! {
        <ul class="plain secret-list" id="secret-list">
            { for names.iter().map(|s| {
                let on_delete = on_delete.clone();
                let name = s.name.clone();
                html! {
                    <li class="secret" data-secret={s.name.clone()}>
                        <code>{ &s.name }</code>{ " " }<span class="help">{ "value not readable" }</span>
                        <button type="button" class="small" data-delete-secret={s.name.clone()} disabled={busy}
                            onclick={Callback::from(move |_: MouseEvent| on_delete.emit(name.clone()))}>{ "Delete" }</button>
                    </li>
                }
            }) }
        </ul>
    }
}
