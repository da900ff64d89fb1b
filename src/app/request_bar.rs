//! The request bar: which endpoint, which account, which script.

use std::rc::Rc;

use yew::prelude::*;

use super::fields::{checked, input_text, notes_under, select_text, FieldNotes};
use super::resource_picker::ResourcePicker;
use crate::editor::resources::ResourceKind;
use crate::editor::{Action, Editor};
use crate::model::{Operation, Request, Target};
use crate::rules::{looks_like_placeholder, At, Finding};

#[derive(Properties, PartialEq)]
pub struct RequestBarProps {
    pub request: Request,
    pub findings: Rc<Vec<Finding>>,
    pub dispatch: UseReducerDispatcher<Editor>,
    /// Shown under the operation selector (the operation hint).
    #[prop_or_default]
    pub children: Html,
}

#[component]
pub fn RequestBar(props: &RequestBarProps) -> Html {
    let r = &props.request;
    let notes =
        |field: &'static str| -> Vec<Finding> { notes_under(&props.findings, &At::request(field)) };
    let send = |make: fn(String) -> Action| {
        let dispatch = props.dispatch.clone();
        Callback::from(move |e: InputEvent| dispatch.dispatch(make(input_text(&e))))
    };
    let on_target = {
        let dispatch = props.dispatch.clone();
        Callback::from(move |e: Event| {
            let target = if select_text(&e) == "dispatch" {
                Target::Dispatch
            } else {
                Target::Account
            };
            dispatch.dispatch(Action::SetTarget(target));
        })
    };
    let on_operation = {
        let dispatch = props.dispatch.clone();
        Callback::from(move |e: Event| {
            let chosen = select_text(&e);
            if let Some(op) = Operation::ALL
                .into_iter()
                .find(|op| operation_id(*op) == chosen)
            {
                dispatch.dispatch(Action::SetOperation(op));
            }
        })
    };
    let on_strict = {
        let dispatch = props.dispatch.clone();
        Callback::from(move |e: Event| dispatch.dispatch(Action::SetInheritStrict(checked(&e))))
    };
    let pick_namespace = {
        let dispatch = props.dispatch.clone();
        Callback::from(move |name: String| dispatch.dispatch(Action::SetDispatchNamespace(name)))
    };
    let is_dispatch = r.target == Target::Dispatch;
    let strict_applies = r.operation.accepts_bindings_inherit();
    html! {
        <section id={At::root("request").element_id()} class="panel request" tabindex="-1" aria-labelledby="request-title">
            <h2 id="request-title">{ "Request" }</h2>
            <div class="grid two">
                <label class="field">
                    <span class="label">{ "Worker" }</span>
                    <select id={At::request("target").element_id()} onchange={on_target}>
                        <option value="account" selected={!is_dispatch}>{ "Account Worker" }</option>
                        <option value="dispatch" selected={is_dispatch}>{ "Workers for Platforms user Worker" }</option>
                    </select>
                </label>
                <label class="field">
                    <span class="label">{ "Operation" }</span>
                    <select id={At::request("operation").element_id()} onchange={on_operation}>
                        { for Operation::ALL.into_iter().map(|op| html! {
                            <option value={operation_id(op)} selected={op == r.operation}>
                                { format!("{} — {}", op.label(), op.method()) }
                            </option>
                        }) }
                    </select>
                    <FieldNotes findings={notes("operation")} />
                </label>
                <div class="field">{ props.children.clone() }</div>
                <label class="field">
                    <span class="label">{ "Account id" }<abbr class="req" title="required">{ "*" }</abbr></span>
                    <input id={At::request("account_id").element_id()} type="text" autocomplete="off" spellcheck="false"
                        class={classes!(marked(&r.account_id))} title={marked(&r.account_id).map(|_| PLACEHOLDER_TITLE)}
                        placeholder="32 hex characters, from the dashboard" value={r.account_id.clone()}
                        oninput={send(Action::SetAccountId)} />
                    <FieldNotes findings={notes("account_id")} />
                </label>
                <label class="field">
                    <span class="label">{ "Script name" }<abbr class="req" title="required">{ "*" }</abbr></span>
                    <input id={At::request("script_name").element_id()} type="text" autocomplete="off" spellcheck="false"
                        placeholder="my-worker" value={r.script_name.clone()} oninput={send(Action::SetScriptName)} />
                    <FieldNotes findings={notes("script_name")} />
                </label>
                <label class={classes!("field", (!is_dispatch).then_some("off"))}>
                    <span class="label">{ "Dispatch namespace" }
                        if is_dispatch { <abbr class="req" title="required">{ "*" }</abbr> }</span>
                    <input id={At::request("dispatch_namespace").element_id()} type="text" autocomplete="off" spellcheck="false"
                        disabled={!is_dispatch} placeholder="production" value={r.dispatch_namespace.clone()}
                        oninput={send(Action::SetDispatchNamespace)} />
                    if !is_dispatch { <span class="help">{ "Only for Workers for Platforms user Workers." }</span> }
                    <FieldNotes findings={notes("dispatch_namespace")} />
                </label>
                if is_dispatch {
                    <div class="field wide"><ResourcePicker kind={ResourceKind::DispatchNamespace} account_id={r.account_id.clone()}
                        value={r.dispatch_namespace.clone()} for_id={At::request("dispatch_namespace").element_id()}
                        on_pick={pick_namespace} /></div>
                }
                <label class={classes!("field", "check", (!strict_applies).then_some("off"))}>
                    <input id={At::request("bindings_inherit_strict").element_id()} type="checkbox"
                        checked={r.bindings_inherit_strict} disabled={!strict_applies} onchange={on_strict} />
                    <span>{ "Strict inherit" }</span>
                    <span class="help">{ if strict_applies {
                        "Fail the upload when an inherit binding cannot be resolved."
                    } else {
                        "Only for uploads and version uploads."
                    } }</span>
                    <FieldNotes findings={notes("bindings_inherit_strict")} />
                </label>
            </div>
            <FieldNotes findings={notes("target")} />
        </section>
    }
}

const PLACEHOLDER_TITLE: &str = "A placeholder: replace it with the real value";

/// The class marking a value that is still a placeholder.
fn marked(value: &str) -> Option<&'static str> {
    looks_like_placeholder(value).then_some("placeholder-value")
}

fn operation_id(op: Operation) -> &'static str {
    match op {
        Operation::Upload => "upload",
        Operation::Settings => "settings",
        Operation::Version => "version",
        Operation::Content => "content",
    }
}
