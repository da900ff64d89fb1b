//! A copy button with a visible confirmation. The text is asked for when the button is
//! pressed, so a program that is not on screen is only written when it is copied.

use yew::prelude::*;

use super::browser::clipboard::copy_text;

#[derive(Properties, PartialEq)]
pub struct CopyButtonProps {
    pub id: AttrValue,
    /// Gives the text to copy, at the moment of the copy.
    pub text: Callback<(), AttrValue>,
    #[prop_or(AttrValue::Static("Copy"))]
    pub label: AttrValue,
    /// Called on every press, before the copy (the page counts it as an attempt to use the
    /// request).
    #[prop_or_default]
    pub on_copy: Callback<()>,
}

#[component]
pub fn CopyButton(props: &CopyButtonProps) -> Html {
    // None: idle; Some(Ok): copied; Some(Err): why not.
    let status = use_state(|| None::<Result<(), String>>);
    let onclick = {
        let status = status.clone();
        let text = props.text.clone();
        let on_copy = props.on_copy.clone();
        Callback::from(move |_: MouseEvent| {
            on_copy.emit(());
            let status = status.clone();
            let text = text.emit(());
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
            // Over the page, under the button: a confirmation coming and going moves nothing.
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
