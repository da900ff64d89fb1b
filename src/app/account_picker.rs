//! After the token is verified: the accounts it reaches, to fill the request's account id
//! (typing the id in the request bar keeps working).

use yew::prelude::*;

use super::fields::select_text;
use super::live::{load_accounts, Live};
use crate::editor::live::Fetch;
use crate::editor::{Action, Editor};

#[derive(Properties, PartialEq)]
pub struct AccountPickerProps {
    pub account_id: String,
    pub dispatch: UseReducerDispatcher<Editor>,
}

#[component]
pub fn AccountPicker(props: &AccountPickerProps) -> Html {
    let live = use_context::<Live>();
    {
        // When the accounts arrive and the token reaches only one, it fills an empty or
        // placeholder account id (never a real one; see `account_to_fill`).
        let fill = live
            .as_ref()
            .and_then(|l| l.account_to_fill(&props.account_id))
            .map(String::from);
        let listed = live.as_ref().and_then(|l| l.accounts.clone());
        let dispatch = props.dispatch.clone();
        use_effect_with(listed, move |_| {
            if let Some(id) = fill {
                dispatch.dispatch(Action::SetAccountId(id));
            }
        });
    }
    let Some(live) = live else {
        return html! {};
    };
    let Some(accounts) = &live.accounts else {
        return html! {};
    };
    let body = match accounts {
        Fetch::Loading => html! { <span class="help" role="status">{ "Listing accounts…" }</span> },
        Fetch::Failed(message) => {
            let retry = {
                let live = live.clone();
                Callback::from(move |_: MouseEvent| load_accounts(&live))
            };
            html! {
                <span class="note error" id="accounts-error" role="status">
                    { format!("Could not list the accounts: {message}. Type the account id in the request instead. ") }
                    <button type="button" class="small" onclick={retry}>{ "Retry" }</button>
                </span>
            }
        }
        Fetch::Ready(list) if list.is_empty() => {
            html! { <span class="help">{ "This token reaches no account: type the account id in the request." }</span> }
        }
        Fetch::Ready(list) => {
            let onchange = {
                let dispatch = props.dispatch.clone();
                Callback::from(move |e: Event| {
                    let id = select_text(&e);
                    if !id.is_empty() {
                        dispatch.dispatch(Action::SetAccountId(id));
                    }
                })
            };
            let known = list.iter().any(|a| a.id == props.account_id);
            html! {
                <select id="account-choice" {onchange} aria-describedby="account-choice-help">
                    <option value="" selected={!known}>{ "Choose an account…" }</option>
                    { for list.iter().map(|a| html! {
                        <option value={a.id.clone()} selected={a.id == props.account_id}>
                            { format!("{} ({})", a.name, a.id) }
                        </option>
                    }) }
                </select>
            }
        }
    };
    html! {
        <div class="field account-picker">
            <label class="label" for="account-choice">{ "Account" }</label>
            { body }
            <span class="help" id="account-choice-help">{ "Fills the account id of the request." }</span>
        </div>
    }
}
