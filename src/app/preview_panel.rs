//! The preview: request line, metadata JSON, multipart parts and the curl command, exactly as
//! the `encode` module renders them. Secret values are masked in the displayed JSON unless
//! "Show secrets" is on; "Copy JSON" and the curl always carry the real values.

use std::rc::Rc;

use yew::prelude::*;

use super::copy_button::CopyButton;
use super::fields::{checked, input_text};
use super::json_view::JsonView;
use crate::editor::edit::size_text;
use crate::editor::{Action, Derived, Editor};

#[derive(Properties, PartialEq)]
pub struct PreviewPanelProps {
    pub derived: Rc<Derived>,
    pub json_part_name: &'static str,
    pub curl_prefix: String,
    pub dispatch: UseReducerDispatcher<Editor>,
}

#[component]
pub fn PreviewPanel(props: &PreviewPanelProps) -> Html {
    let d = &props.derived;
    let show_secrets = use_state(|| false);
    let on_show_secrets = {
        let show_secrets = show_secrets.clone();
        Callback::from(move |e: Event| show_secrets.set(checked(&e)))
    };
    let shown_json = AttrValue::from(match &d.metadata_masked {
        Some(masked) if !*show_secrets => masked.clone(),
        _ => d.metadata_pretty.clone(),
    });
    let on_prefix = {
        let dispatch = props.dispatch.clone();
        Callback::from(move |e: InputEvent| {
            dispatch.dispatch(Action::SetCurlPrefix(input_text(&e)))
        })
    };
    html! {
        <section class="panel preview" aria-labelledby="preview-title">
            <h2 id="preview-title">{ "Preview" }</h2>
            <p class="request-line" id="request-line" data-testid="request-line">
                <span class="method">{ d.method }</span>{ " " }<span class="url">{ &d.url }</span>
            </p>
            <div class="block">
                <div class="block-head">
                    <h3>{ format!("Part `{}` (JSON)", props.json_part_name) }</h3>
                    if d.metadata_masked.is_some() {
                        <label class="check small">
                            <input id="show-secrets" type="checkbox" checked={*show_secrets} onchange={on_show_secrets} />
                            { "Show secrets" }
                        </label>
                    }
                    <CopyButton id="copy-json" text={AttrValue::from(d.metadata_pretty.clone())} label="Copy JSON" />
                </div>
                <JsonView id="metadata-json" text={shown_json} />
            </div>
            <div class="block">
                <h3>{ "Multipart parts" }</h3>
                <table class="parts" id="parts-table" data-testid="parts-table">
                    <thead><tr><th>{ "Name" }</th><th>{ "Filename" }</th><th>{ "Content type" }</th><th class="num">{ "Size" }</th></tr></thead>
                    <tbody>
                        { for d.parts.iter().map(|p| html! {
                            <tr data-testid="part-row">
                                <td><code>{ &p.name }</code></td>
                                <td>{ p.filename.clone().unwrap_or_else(|| "—".into()) }</td>
                                <td><code>{ p.content_type.clone().unwrap_or_default() }</code></td>
                                <td class="num" data-bytes={p.size.to_string()}>{ size_text(p.size) }</td>
                            </tr>
                        }) }
                    </tbody>
                </table>
            </div>
            <div class="block">
                <div class="block-head">
                    <h3>{ "curl" }</h3>
                    <CopyButton id="copy-curl" text={AttrValue::from(d.curl_text.clone())} label="Copy curl" />
                </div>
                <label class="field inline">
                    <span class="label">{ "Module files are in" }</span>
                    <input id="curl-prefix" type="text" spellcheck="false" placeholder="(the current folder)"
                        value={props.curl_prefix.clone()} oninput={on_prefix} />
                </label>
                <p class="help">{ "Run it from the folder holding the module files (or set their folder above), with the token in $CLOUDFLARE_API_TOKEN." }</p>
                { for d.curl.notes.iter().map(|n| html! { <p class="note warning">{ n }</p> }) }
                <pre class="code curl" id="curl-text" data-testid="curl-text">{ AttrValue::from(d.curl_text.clone()) }</pre>
            </div>
        </section>
    }
}
