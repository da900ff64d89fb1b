//! The summary of rule findings; each entry focuses its field.

use std::rc::Rc;

use yew::prelude::*;

use super::browser::focus::focus_at;
use super::fields::level_class;
use crate::rules::{Finding, Level};

#[derive(Properties, PartialEq)]
pub struct FindingsPanelProps {
    pub findings: Rc<Vec<Finding>>,
}

#[component]
pub fn FindingsPanel(props: &FindingsPanelProps) -> Html {
    let errors = props
        .findings
        .iter()
        .filter(|f| f.level == Level::Error)
        .count();
    let warnings = props.findings.len() - errors;
    html! {
        <section class="panel findings" aria-labelledby="findings-title" id="findings">
            <h2 id="findings-title">{ "Checks" }
                <span class={classes!("count", (errors > 0).then_some("error"))} data-testid="error-count">{ format!("{errors} errors") }</span>
                <span class={classes!("count", (warnings > 0).then_some("warning"))}>{ format!("{warnings} warnings") }</span>
            </h2>
            // A box of constant height with its own scroll: findings coming and going while
            // one types must not push the panels below it.
            <div class="findings-body" id="findings-body">
            if props.findings.is_empty() {
                <p class="ok">{ "No problems found." }</p>
            } else {
                <ul class="finding-list">
                    { for props.findings.iter().map(|f| {
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
            }
            </div>
        </section>
    }
}
