//! The output, leading the side column: the request line, one copy button per text the page
//! writes (the metadata JSON, curl and the program in each language), then one tab strip for
//! the outputs (the metadata JSON, the multipart parts, the request as curl, JavaScript,
//! Python, Go, Java and Rust, and the composition as a `wrangler.jsonc`, whose copy button is in
//! its tab) over a box of constant height, so what is being composed stays in view while
//! editing and nothing below it moves. Secret values are masked in the displayed
//! JSON unless "Show secrets" is on; "Copy JSON" and the programs always carry the real values.
//!
//! Which tab is shown, what the keys do and each program's text come from the editor
//! ([`crate::editor::output`]); this component renders them and moves the focus. A program not
//! on screen is written only when its copy button is pressed.

use std::rc::Rc;

use yew::prelude::*;

use super::browser::focus::focus_id_soon;
use super::copy_button::CopyButton;
use super::fields::{checked, input_text};
use super::json_view::JsonView;
use super::Shared;
use crate::editor::edit::size_text;
use crate::editor::output::{self, parts_text};
use crate::editor::{Action, Derived, Editor, OutputTab};
use crate::encode::code::{Language, Program};

#[derive(Properties, PartialEq)]
pub struct PreviewPanelProps {
    pub composition: Shared,
    pub derived: Rc<Derived>,
    pub curl_prefix: String,
    pub tab: OutputTab,
    pub embed_modules: bool,
    /// The shown language's program (not curl's, which is in `derived`), or the shown
    /// `wrangler.jsonc`.
    pub program: Option<Rc<Program>>,
    /// Values are still to give: a copy counts as an attempt (they become errors).
    pub todo: bool,
    pub dispatch: UseReducerDispatcher<Editor>,
}

fn tab_id(tab: OutputTab) -> String {
    format!("tab-{}", tab.id())
}

fn panel_id(tab: OutputTab) -> String {
    format!("output-{}", tab.id())
}

#[component]
pub fn PreviewPanel(props: &PreviewPanelProps) -> Html {
    let d = &props.derived;
    let shown = props.tab;
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
    let on_embed = {
        let dispatch = props.dispatch.clone();
        Callback::from(move |e: Event| dispatch.dispatch(Action::SetEmbed(checked(&e))))
    };
    let on_copy = {
        let dispatch = props.dispatch.clone();
        let todo = props.todo;
        Callback::from(move |()| {
            if todo {
                dispatch.dispatch(Action::Attempt);
            }
        })
    };
    let fixed = |text: Rc<str>| Callback::from(move |()| AttrValue::from(text.clone()));
    // The text of a language's copy button: the shown program, or written now.
    let program_text = |language: Language| {
        let shown_program = props
            .program
            .clone()
            .filter(|_| shown == OutputTab::Code(language));
        let c = props.composition.0.clone();
        let prefix = props.curl_prefix.clone();
        let embed = props.embed_modules;
        Callback::from(move |()| {
            let text = match &shown_program {
                Some(program) => program.text.clone(),
                None => output::program(OutputTab::Code(language), &c, &prefix, embed)
                    .map(|p| p.text)
                    .unwrap_or_default(),
            };
            AttrValue::from(text)
        })
    };
    let copy_button = |tab: OutputTab| {
        let (id, label, text) = match tab {
            OutputTab::Metadata => (
                "copy-json".to_string(),
                "Copy JSON".to_string(),
                fixed(d.metadata_pretty.clone()),
            ),
            OutputTab::Code(Language::Curl) => (
                "copy-curl".to_string(),
                "Copy curl".to_string(),
                fixed(d.curl_text.clone()),
            ),
            OutputTab::Code(language) => (
                format!("copy-{}", language.id()),
                format!("Copy {}", language.label()),
                program_text(language),
            ),
            // Their copy buttons are in their tabs.
            OutputTab::Parts | OutputTab::Wrangler => return html! {},
        };
        html! { <CopyButton id={id} {label} {text} on_copy={on_copy.clone()} /> }
    };
    let tab_button = |tab: OutputTab| {
        let selected = tab == shown;
        let onclick = {
            let dispatch = props.dispatch.clone();
            Callback::from(move |_: MouseEvent| dispatch.dispatch(Action::ShowOutput(tab)))
        };
        let onkeydown = {
            let dispatch = props.dispatch.clone();
            Callback::from(move |e: KeyboardEvent| {
                if let Some(next) = tab.after_key(&e.key()) {
                    e.prevent_default();
                    dispatch.dispatch(Action::ShowOutput(next));
                    focus_id_soon(tab_id(next));
                }
            })
        };
        html! {
            <button type="button" role="tab" id={tab_id(tab)} class={classes!("tab", selected.then_some("selected"))}
                aria-selected={selected.to_string()} aria-controls={panel_id(tab)}
                tabindex={if selected { "0" } else { "-1" }} data-testid="output-tab" {onclick} {onkeydown}>
                { tab.label() }
            </button>
        }
    };
    let code_options = |language: Language| {
        html! {
            <div class="code-options">
                <label class="field inline">
                    <span class="label">{ "Module files are in" }</span>
                    <input id="curl-prefix" type="text" spellcheck="false" placeholder="(the current folder)"
                        value={props.curl_prefix.clone()} oninput={on_prefix.clone()} />
                </label>
                if language != Language::Curl {
                    <label class="check small">
                        <input id="embed-modules" type="checkbox" checked={props.embed_modules} onchange={on_embed.clone()} />
                        { "Embed the module files" }
                    </label>
                }
            </div>
        }
    };
    let notes = |notes: &[String]| -> Html {
        notes
            .iter()
            .map(|n| html! { <p class="note warning">{ n }</p> })
            .collect()
    };
    let json_part_name = props.composition.request.operation.json_part_name();
    html! {
        <section class="panel output preview" aria-labelledby="output-title" id="output">
            <div class="output-head">
                <h2 id="output-title">{ "Output" }</h2>
                <div class="copy-bar" role="group" aria-label="Copy">
                    { for OutputTab::ALL.into_iter().map(copy_button) }
                </div>
            </div>
            <p class="request-line" id="request-line" data-testid="request-line">
                <span class="method">{ d.method }</span>{ " " }<span class="url">{ &d.url }</span>
            </p>
            <div class="tabs" role="tablist" aria-label="Output" id="output-tabs">
                { for OutputTab::ALL.into_iter().map(tab_button) }
            </div>

            <div class="tab-body">
                <div class="tab-panel" role="tabpanel" id={panel_id(OutputTab::Metadata)}
                    aria-labelledby={tab_id(OutputTab::Metadata)} hidden={shown != OutputTab::Metadata}>
                    <div class="block-head">
                        <h3>{ format!("Part `{json_part_name}` (JSON)") }</h3>
                        if d.metadata_masked.is_some() {
                            <label class="check small">
                                <input id="show-secrets" type="checkbox" checked={*show_secrets} onchange={on_show_secrets} />
                                { "Show secrets" }
                            </label>
                        }
                    </div>
                    <JsonView id="metadata-json" text={shown_json} />
                </div>

                <div class="tab-panel" role="tabpanel" id={panel_id(OutputTab::Parts)}
                    aria-labelledby={tab_id(OutputTab::Parts)} hidden={shown != OutputTab::Parts}>
                    <div class="block-head">
                        <h3>{ "Multipart parts" }</h3>
                        <CopyButton id="copy-parts" text={Callback::from({
                            let parts = parts_text(&d.parts);
                            move |()| AttrValue::from(parts.clone())
                        })} label="Copy table" />
                    </div>
                    <div class="scroll" tabindex="0" aria-label="Multipart parts">
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
                </div>

                <div class="tab-panel" role="tabpanel" id={panel_id(OutputTab::Code(Language::Curl))}
                    aria-labelledby={tab_id(OutputTab::Code(Language::Curl))} hidden={shown != OutputTab::Code(Language::Curl)}>
                    if shown == OutputTab::Code(Language::Curl) {
                        { code_options(Language::Curl) }
                    }
                    <p class="help">{ "Paste into bash, run from the folder holding the module files, with the token in $CLOUDFLARE_API_TOKEN." }</p>
                    { notes(&d.curl.notes) }
                    <pre class="code curl" id="curl-text" data-testid="curl-text" tabindex="0">{ AttrValue::from(d.curl_text.clone()) }</pre>
                </div>

                if let (Some(language), Some(program)) = (shown.language().filter(|&l| l != Language::Curl), &props.program) {
                    <div class="tab-panel" role="tabpanel" id={panel_id(shown)} aria-labelledby={tab_id(shown)}>
                        { code_options(language) }
                        <p class="help">{ format!("Save as {}; the comment at its top says how to run it. The token is read from $CLOUDFLARE_API_TOKEN.", language.file_name()) }</p>
                        { notes(&program.notes) }
                        <pre class={classes!("code", "program", language.id())} id={format!("code-{}", language.id())}
                            data-testid="program-text" tabindex="0">{ program.text.clone() }</pre>
                    </div>
                }

                if let (OutputTab::Wrangler, Some(exported)) = (shown, &props.program) {
                    <div class="tab-panel" role="tabpanel" id={panel_id(shown)} aria-labelledby={tab_id(shown)}>
                        <div class="block-head">
                            <p class="help">{ "Save as wrangler.jsonc beside the module files: wrangler deploy with it sends this upload. The comments at its top say what it cannot carry." }</p>
                            <CopyButton id="copy-wrangler" text={fixed(exported.text.as_str().into())}
                                label="Copy wrangler.jsonc" on_copy={on_copy.clone()} />
                        </div>
                        { notes(&exported.notes) }
                        <pre class="code program wrangler" id="wrangler-text" data-testid="wrangler-text" tabindex="0">{ exported.text.clone() }</pre>
                    </div>
                }
            </div>
        </section>
    }
}
