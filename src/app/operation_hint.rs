//! Under the operation selector: what the chosen request changes, the one that fits the edit
//! (against the deployed script when its settings were read), and one click to apply it.

use yew::prelude::*;

use super::live::Live;
use super::Shared;
use crate::diff::{explain_operation, suggest_operation};
use crate::editor::{Action, Editor};
use crate::model::Operation;

#[derive(Properties, PartialEq)]
pub struct OperationHintProps {
    pub composition: Shared,
    pub dispatch: UseReducerDispatcher<Editor>,
}

#[component]
pub fn OperationHint(props: &OperationHintProps) -> Html {
    let live = use_context::<Live>();
    let c = &props.composition;
    let current = live.as_ref().and_then(|l| l.current_for(&c.request));
    let suggestion = suggest_operation(current, c);
    let chosen = c.request.operation;
    let apply = {
        let dispatch = props.dispatch.clone();
        let operation = suggestion.operation;
        Callback::from(move |_: MouseEvent| dispatch.dispatch(Action::SetOperation(operation)))
    };
    html! {
        <div class="operation-hint" id="operation-hint">
            <p class="help" id="operation-explained">{ explain_operation(chosen) }</p>
            if suggestion.operation != chosen {
                <p class="suggestion" id="operation-suggestion" data-operation={suggestion.operation.label()}>
                    <span>{ format!("Suggested: {}. {}", suggestion.operation.label(), suggestion.reason) }</span>
                    <button type="button" class="small" id="apply-suggestion" onclick={apply}>
                        { format!("Use {}", suggestion.operation.label()) }</button>
                </p>
            }
            <details class="operations">
                <summary>{ "What each request changes" }</summary>
                <dl>
                    { for Operation::ALL.into_iter().map(|op| html! {
                        <>
                            <dt>{ format!("{} — {}", op.label(), op.method()) }</dt>
                            <dd>{ explain_operation(op) }</dd>
                        </>
                    }) }
                </dl>
            </details>
        </div>
    }
}
