//! The Checks panel: what is still to do (neutral: values not given yet), then the rule
//! findings, then what the last import (a wrangler configuration or a curl command) found,
//! until dismissed; each entry focuses its field.

use std::rc::Rc;

use yew::prelude::*;

use super::browser::focus::focus_at;
use super::fields::level_class;
use crate::editor::checks::ToDo;
use crate::editor::{Action, Editor};
use crate::rules::{At, Finding, Level};

#[derive(Properties, PartialEq)]
pub struct FindingsPanelProps {
    pub findings: Rc<Vec<Finding>>,
    pub todo: Rc<Vec<ToDo>>,
    /// What the last wrangler or curl import found (see `Editor::import_findings`).
    pub import_findings: Rc<Vec<Finding>>,
    pub dispatch: UseReducerDispatcher<Editor>,
}

fn focus(at: &At) -> Callback<MouseEvent> {
    let at = at.clone();
    Callback::from(move |_: MouseEvent| {
        focus_at(&at);
    })
}

/// One finding; a click focuses its field.
fn finding_item(f: &Finding) -> Html {
    let text = f.at.to_string();
    html! {
        <li class={classes!("finding", level_class(f.level))} data-at={text.clone()} data-rule={f.rule}>
            <button type="button" class="link" onclick={focus(&f.at)}>
                <span class="level">{ f.level.as_str() }</span>
                <code class="at">{ text }</code>
                <span class="message">{ &f.message }</span>
            </button>
        </li>
    }
}

#[component]
pub fn FindingsPanel(props: &FindingsPanelProps) -> Html {
    let errors = props
        .findings
        .iter()
        .filter(|f| f.level == Level::Error)
        .count();
    let warnings = props.findings.len() - errors;
    let todo = props.todo.len();
    let on_dismiss = {
        let dispatch = props.dispatch.clone();
        Callback::from(move |_: MouseEvent| dispatch.dispatch(Action::DismissImportFindings))
    };
    html! {
        <section class="panel findings" aria-labelledby="findings-title" id="findings">
            <h2 id="findings-title">{ "Checks" }
                <span class={classes!("count", (errors > 0).then_some("error"))} data-testid="error-count">{ format!("{errors} errors") }</span>
                <span class={classes!("count", (warnings > 0).then_some("warning"))}>{ format!("{warnings} warnings") }</span>
                if todo > 0 { <span class="count todo" data-testid="todo-count">{ format!("{todo} to do") }</span> }
            </h2>
            // A box of constant height with its own scroll: findings coming and going while
            // one types must not push the panels below it.
            <div class="findings-body" id="findings-body">
            if todo > 0 {
                <div class="todo" id="todo">
                    <span class="todo-head">{ "To do:" }</span>
                    <ul class="todo-list">
                        { for props.todo.iter().map(|t| html! {
                            <li class={classes!("todo-item", t.placeholder.then_some("placeholder"))} data-at={t.at.to_string()} data-rule={t.rule}>
                                <button type="button" class="link" onclick={focus(&t.at)}>{ &t.label }</button>
                            </li>
                        }) }
                    </ul>
                </div>
            }
            if props.findings.is_empty() {
                if todo == 0 { <p class="ok">{ "No problems found." }</p> }
            } else {
                <ul class="finding-list">
                    { for props.findings.iter().map(finding_item) }
                </ul>
            }
            if !props.import_findings.is_empty() {
                <div class="import-findings" id="import-findings">
                    <div class="block-head">
                        <h3>{ format!("From the import ({})", props.import_findings.len()) }</h3>
                        <button type="button" class="small" id="dismiss-import-findings" onclick={on_dismiss}>{ "Dismiss" }</button>
                    </div>
                    <ul class="finding-list">
                        { for props.import_findings.iter().map(finding_item) }
                    </ul>
                </div>
            }
            </div>
        </section>
    }
}
