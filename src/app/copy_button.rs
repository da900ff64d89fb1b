//! A copy button with a visible confirmation.

use yew::prelude::*;

use super::browser::clipboard::copy_text;

#[derive(Properties, PartialEq)]
pub struct CopyButtonProps {
    pub id: AttrValue,
    pub text: AttrValue,
    #[prop_or(AttrValue::Static("Copy"))]
    pub label: AttrValue,
}

#[component]
pub fn CopyButton(props: &CopyButtonProps) -> Html {
    // None: idle; Some(Ok): copied; Some(Err): why not.
    let status = use_state(|| None::<Result<(), String>>);
    let onclick = {
        let status = status.clone();
        let text = props.text.clone();
        Callback::from(move |_: MouseEvent| {
            let status = status.clone();
            let text = text.clone();
            wasm_bindgen_futures::spawn_local(async move {
                status.set(Some(copy_text(&text).await));
                let status = status.clone();
                gloo_timers::callback::Timeout::new(2500, move || status.set(None)).forget();
            });
        })
    };
    html! {
        <span class="copy">
            <button type="button" id={props.id.clone()} class="small" {onclick}>{ props.label.clone() }</button>
            <span class="copy-status" role="status" aria-live="polite" data-testid={format!("{}-status", props.id)}>
                { match &*status {
                    Some(Ok(())) => html! { <span class="ok">{ "Copied ✓" }</span> },
                    Some(Err(message)) => html! { <span class="error">{ message }</span> },
                    None => html! {},
                } }
            </span>
        </span>
    }
}
