//! Send: the API token (kept in memory only), "Verify token", the upload with its progress, and
//! the response with each error explained and linked to its field.
//!
//! Send is disabled while the checks show errors, with "Send anyway" beside it: the checks
//! can be wrong where the API is not, and the API's own answer is explained here. Pressed
//! while values are still to give, Send sends nothing and turns them into errors.

use std::rc::Rc;

use yew::prelude::*;

use super::account_picker::AccountPicker;
use super::browser::api::API_PREFIX;
use super::browser::date::now_ms;
use super::browser::files::describe;
use super::browser::focus::focus_at;
use super::browser::form_data::form_data;
use super::browser::http::{get, Reply};
use super::browser::xhr::send;
use super::fields::input_text;
use super::json_view::JsonView;
use super::live::{fetch_deployed, load_accounts, Live};
use super::upstream::Upstream;
use crate::editor::checks::ToDo;
use crate::editor::live::{LiveAction, ScriptKey, Token};
use crate::editor::{Action, Editor};
use crate::encode;
use crate::explain::{explain_response, Envelope, Explanation, AT_TOKEN};
use crate::model::Composition;
use crate::rules::{has_errors, Finding, Level};

#[derive(Clone, Debug, PartialEq)]
struct Outcome {
    /// What was asked, e.g. `PUT /client/v4/accounts/…`.
    request: String,
    reply: Result<Reply, String>,
    explanations: Vec<Explanation>,
    elapsed_ms: f64,
}

impl Outcome {
    /// A 2xx answer with nothing to explain.
    fn succeeded(&self) -> bool {
        matches!(&self.reply, Ok(reply) if (200..300).contains(&reply.status))
            && self.explanations.is_empty()
    }

    fn of(
        request: String,
        reply: Result<Reply, String>,
        sent: &Composition,
        started: f64,
    ) -> Outcome {
        let explanations = match &reply {
            Ok(reply) => explain_response(reply.status, &reply.body, sent),
            Err(_) => Vec::new(),
        };
        Outcome {
            request,
            reply,
            explanations,
            elapsed_ms: now_ms() - started,
        }
    }

    /// The API's errors that concern a field of the composition, as findings to show under
    /// those fields (the token's own field is in this panel and shows them already).
    fn field_findings(&self) -> Vec<Finding> {
        self.explanations
            .iter()
            .filter_map(|e| {
                let at = e.at.clone().filter(|at| *at != AT_TOKEN)?;
                let code = e.code.map(|c| format!(" {c}")).unwrap_or_default();
                Some(Finding {
                    level: Level::Error,
                    rule: "api-error",
                    at,
                    message: format!("API error{code}: {}", e.explanation),
                })
            })
            .collect()
    }
}

#[derive(Properties, PartialEq)]
pub struct SendPanelProps {
    pub composition: Rc<Composition>,
    pub dispatch: UseReducerDispatcher<Editor>,
    /// The findings shown (errors and warnings).
    pub findings: Rc<Vec<Finding>>,
    /// The values still to give.
    pub todo: Rc<Vec<ToDo>>,
    pub upstream: Upstream,
}

#[component]
pub fn SendPanel(props: &SendPanelProps) -> Html {
    let live = use_context::<Live>().expect("the live session context");
    let token = live.token.clone();
    let busy = use_state(|| false);
    let progress = use_state(|| None::<(f64, f64)>);
    // The answer to "Verify token" with the token it was about: shown only while that token is
    // still the one entered.
    let verify = use_state(|| None::<(Token, Outcome)>);
    let outcome = use_state(|| None::<Outcome>);

    let on_token = {
        let live = live.clone();
        Callback::from(move |e: InputEvent| {
            live.dispatch(LiveAction::SetToken(input_text(&e).trim().to_string()))
        })
    };
    let on_verify = {
        let token = token.clone();
        let verify = verify.clone();
        let composition = props.composition.clone();
        let live = live.clone();
        Callback::from(move |_: MouseEvent| {
            let token = token.clone();
            let verify = verify.clone();
            let composition = composition.clone();
            let live = live.clone();
            wasm_bindgen_futures::spawn_local(async move {
                let started = now_ms();
                let url = format!("{API_PREFIX}/user/tokens/verify");
                let reply = get(&url, Some(token.as_str()), &[]).await;
                let outcome = Outcome::of(format!("GET {url}"), reply, &composition, started);
                // A verified token next lists the accounts it reaches, for the chooser, and
                // reads the target script's settings so the diff is there before Send.
                if outcome.succeeded() {
                    load_accounts(&live);
                    if ScriptKey::is_complete(&composition.request) {
                        fetch_deployed(&live, &composition.request);
                    }
                }
                verify.set(Some((token, outcome)));
            });
        })
    };
    let send_now = {
        let token = token.clone();
        let busy = busy.clone();
        let progress = progress.clone();
        let outcome = outcome.clone();
        let composition = props.composition.clone();
        let live = live.clone();
        let dispatch = props.dispatch.clone();
        Callback::from(move |()| {
            let token = token.clone();
            let live = live.clone();
            let dispatch = dispatch.clone();
            let busy = busy.clone();
            let progress = progress.clone();
            let outcome = outcome.clone();
            // The response is explained against exactly what was sent.
            let sent = (*composition).clone();
            if sent.request.endpoint_problem().is_some() {
                return;
            }
            busy.set(true);
            progress.set(None);
            outcome.set(None);
            wasm_bindgen_futures::spawn_local(async move {
                let started = now_ms();
                let method = sent.request.method();
                let url = format!("{API_PREFIX}{}", sent.request.path_and_query());
                let reply = match form_data(&encode::parts(&sent)) {
                    Ok(form) => {
                        let progress = progress.clone();
                        send(method, &url, token.as_str(), &form, move |loaded, total| {
                            progress.set(Some((loaded, total)))
                        })
                        .await
                    }
                    Err(e) => Err(format!("could not build the form: {}", describe(&e))),
                };
                let answer = Outcome::of(format!("{method} {url}"), reply, &sent, started);
                // The deployed script changed: when it was being compared, read it again so
                // the diff shows the new state.
                if answer.succeeded() && live.deployed_for(&sent.request).is_some() {
                    fetch_deployed(&live, &sent.request);
                }
                dispatch.dispatch(Action::ApiFindings(answer.field_findings()));
                outcome.set(Some(answer));
                busy.set(false);
            });
        })
    };

    let on_send = {
        let send_now = send_now.clone();
        let dispatch = props.dispatch.clone();
        let first_todo = props.todo.first().map(|t| t.at.clone());
        Callback::from(move |_: MouseEvent| match &first_todo {
            // Nothing is sent: what is missing is shown as errors, and the first one focused.
            Some(at) => {
                dispatch.dispatch(Action::Attempt);
                focus_at(at);
            }
            None => send_now.emit(()),
        })
    };
    let on_send_anyway = {
        let send_now = send_now.clone();
        Callback::from(move |_: MouseEvent| send_now.emit(()))
    };
    let errors = has_errors(&props.findings);
    let can_send = props.upstream.can_send();
    let no_token = token.is_empty();
    // A value that would change the endpoint (`..`, a `/`) is never sent: percent-encoding
    // does not help, the browser resolves `%2e%2e` as `..` too.
    let endpoint_problem = props.composition.request.endpoint_problem();
    let blocked_reason = if !can_send {
        Some("Sending needs the page to be opened through `bindery serve`.".to_string())
    } else if no_token {
        Some("Enter an API token first.".to_string())
    } else {
        endpoint_problem.map(|problem| format!("Not sent: {}", problem.message))
    };
    html! {
        <section class="panel send" aria-labelledby="send-title" id="send">
            <h2 id="send-title">{ "Send" }</h2>
            <div class="field">
                <label class="label" for={AT_TOKEN.element_id()}>{ "API token" }</label>
                <span class="with-button">
                    <input id={AT_TOKEN.element_id()} type="password" autocomplete="off" spellcheck="false"
                        placeholder="Workers Scripts: Edit" value={token.as_str().to_string()} oninput={on_token} />
                    <button type="button" id="verify-token" disabled={!can_send || no_token} onclick={on_verify}>{ "Verify token" }</button>
                </span>
                <span class="help">{ "Kept in this tab's memory only: never saved, never in the URL or the copied curl." }</span>
                if let Some((_, v)) = verify.as_ref().filter(|(asked, _)| *asked == token) { { verify_view(v) } }
            </div>
            <AccountPicker account_id={props.composition.request.account_id.clone()} dispatch={props.dispatch.clone()} />
            <div class="send-row">
                <button type="button" id="send-request" class="primary" disabled={*busy || blocked_reason.is_some() || errors}
                    aria-describedby="send-state" onclick={on_send}>
                    { if *busy { "Sending…" } else { "Send" } }
                </button>
                <span id="send-state" class="send-state">
                    if let Some(reason) = &blocked_reason { <span class="help" id="send-blocked">{ reason }</span> }
                    else if errors {
                        <span class="note error">{ "Fix the errors under Checks first: the API will likely reject this request." }</span>
                        <button type="button" id="send-anyway" class="small" disabled={*busy} onclick={on_send_anyway}
                            title="The checks can be wrong; the API's answer is explained here.">{ "Send anyway" }</button>
                    } else if !props.todo.is_empty() {
                        <span class="help">{ format!("Still to do: {} (see Checks).", props.todo.iter().map(|t| t.label.as_str()).collect::<Vec<_>>().join(", ")) }</span>
                    }
                </span>
            </div>
            if *busy {
                { progress_view(*progress) }
            }
            if let Some(o) = &*outcome { { outcome_view(o) } }
        </section>
    }
}

fn progress_view(progress: Option<(f64, f64)>) -> Html {
    match progress {
        Some((loaded, total)) if total > 0.0 => {
            let percent = (loaded / total * 100.0).round() as u32;
            html! {
                <div class="progress">
                    <progress id="send-progress" max={(total as u64).to_string()} value={(loaded as u64).to_string()} />
                    <span>{ if loaded >= total { "Uploaded; waiting for the answer…".to_string() } else { format!("{percent}% uploaded") } }</span>
                </div>
            }
        }
        _ => {
            html! { <div class="progress"><progress id="send-progress" /><span>{ "Sending…" }</span></div> }
        }
    }
}

fn verify_view(o: &Outcome) -> Html {
    match &o.reply {
        Ok(reply) if o.explanations.is_empty() && (200..300).contains(&reply.status) => {
            let status = Envelope::parse(&reply.body)
                .and_then(|e| {
                    e.result
                        .get("status")
                        .and_then(|s| s.as_str())
                        .map(String::from)
                })
                .unwrap_or_else(|| "valid".into());
            html! { <p id="verify-result" class="ok">{ format!("Token verified: {status}.") }</p> }
        }
        _ => html! { <div id="verify-result">{ problems_view(o) }</div> },
    }
}

fn outcome_view(o: &Outcome) -> Html {
    let (status, body) = match &o.reply {
        Ok(reply) => (reply.status, reply.body.as_str()),
        Err(_) => (0, ""),
    };
    let success = (200..300).contains(&status) && o.explanations.is_empty();
    let pretty = serde_json::from_str::<serde_json::Value>(body)
        .ok()
        .and_then(|v| serde_json::to_string_pretty(&v).ok())
        .unwrap_or_else(|| body.to_string());
    html! {
        <div class={classes!("response", if success { "success" } else { "failure" })} id="response" data-status={status.to_string()}>
            <p class="response-line">
                <span id="response-status" class="status">{ if status == 0 { "no response".to_string() } else { status.to_string() } }</span>
                <code>{ &o.request }</code>
                <span class="help">{ format!("{} ms", o.elapsed_ms.round() as u64) }</span>
            </p>
            if success { <p class="ok">{ "Success: the API accepted the request." }</p> }
            { problems_view(o) }
            if !body.is_empty() {
                <details class="envelope" open={!success}>
                    <summary>{ "Response body" }</summary>
                    <JsonView id="response-envelope" text={pretty} />
                </details>
            }
        </div>
    }
}

fn problems_view(o: &Outcome) -> Html {
    if let Err(message) = &o.reply {
        return html! { <p class="note error">{ message }</p> };
    }
    html! {
        <ul class="explanations" id="response-explanations">
            { for o.explanations.iter().map(|e| {
                let jump = e.at.clone().map(|at| {
                    let text = at.to_string();
                    let onclick = Callback::from(move |_: MouseEvent| { focus_at(&at); });
                    html! { <button type="button" class="small jump" data-at={text.clone()} {onclick}>{ format!("Go to {text}") }</button> }
                });
                html! {
                    <li class="explanation" data-code={e.code.map(|c| c.to_string()).unwrap_or_default()}>
                        <p class="api-error">
                            if let Some(code) = e.code { <code class="code-badge">{ code }</code> }
                            <span>{ &e.message }</span>
                        </p>
                        <p class="why">{ &e.explanation }</p>
                        { for jump }
                    </li>
                }
            }) }
        </ul>
    }
}
