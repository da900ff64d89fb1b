//! Small form pieces shared by the panels: event helpers, inline findings, the JSON editor.
//! What an input's text means is decided by `editor::edit`.

use serde_json::Value;
use web_sys::{HtmlInputElement, HtmlSelectElement, HtmlTextAreaElement};
use yew::prelude::*;

use crate::rules::{At, Finding, Level};

pub fn input_text(e: &InputEvent) -> String {
    e.target_unchecked_into::<HtmlInputElement>().value()
}

pub fn textarea_text(e: &InputEvent) -> String {
    e.target_unchecked_into::<HtmlTextAreaElement>().value()
}

pub fn select_text(e: &Event) -> String {
    e.target_unchecked_into::<HtmlSelectElement>().value()
}

pub fn checked(e: &Event) -> bool {
    e.target_unchecked_into::<HtmlInputElement>().checked()
}

/// The findings at `at` or below it, to show under its field.
pub fn notes_under(findings: &[Finding], at: &At) -> Vec<Finding> {
    findings
        .iter()
        .filter(|f| f.at.is_under(at))
        .cloned()
        .collect()
}

#[derive(Properties, PartialEq)]
pub struct NotesProps {
    pub findings: Vec<Finding>,
}

/// The findings about one field, shown right under it.
#[component]
pub fn FieldNotes(props: &NotesProps) -> Html {
    if props.findings.is_empty() {
        return html! {};
    }
    html! {
        <ul class="notes">
            { for props.findings.iter().map(|f| html! {
                <li class={classes!("note", level_class(f.level))} data-rule={f.rule}>{ &f.message }</li>
            }) }
        </ul>
    }
}

pub fn level_class(level: Level) -> &'static str {
    match level {
        Level::Error => "error",
        Level::Warning => "warning",
    }
}

#[derive(Properties, PartialEq)]
pub struct JsonFieldProps {
    pub id: AttrValue,
    /// The current value in the composition.
    pub value: Option<Value>,
    /// Called with each edit that parses; returns the value the model now holds for the field
    /// (it may normalise it, e.g. `1` to `1.0`), or `None` when the model refuses it (the
    /// reason is then shown under the field, with its findings).
    pub on_commit: Callback<Option<Value>, Option<Option<Value>>>,
    #[prop_or(4)]
    pub rows: u32,
    #[prop_or_default]
    pub placeholder: AttrValue,
}

/// A JSON textarea: edits that parse (and that the model accepts) are applied at once; text
/// that does not parse shows its error inline, and the typed text is always kept.
#[component]
pub fn JsonField(props: &JsonFieldProps) -> Html {
    let text = use_state(|| pretty(&props.value));
    // Why the text is not JSON; `Some("")` when it is, but the model refused it.
    let error = use_state(|| None::<String>);
    // The value our own last edit gave the model: its echo must not rewrite what is typed.
    let committed = use_mut_ref(|| None::<Option<Value>>);
    {
        // An outside change (import, New) replaces the text unless it already says the same.
        let text = text.clone();
        let error = error.clone();
        let committed = committed.clone();
        use_effect_with(props.value.clone(), move |value| {
            let own_echo = committed.borrow_mut().take().as_ref() == Some(value);
            if !own_echo && parse(&text).ok() != Some(value.clone()) {
                text.set(pretty(value));
                error.set(None);
            }
        });
    }
    let oninput = {
        let text = text.clone();
        let error = error.clone();
        let on_commit = props.on_commit.clone();
        Callback::from(move |e: InputEvent| {
            let typed = textarea_text(&e);
            match parse(&typed).map(|value| on_commit.emit(value)) {
                Ok(Some(held)) => {
                    *committed.borrow_mut() = Some(held);
                    error.set(None);
                }
                Ok(None) => error.set(Some(String::new())),
                Err(message) => error.set(Some(message)),
            }
            text.set(typed);
        })
    };
    html! {
        <>
            <textarea id={props.id.clone()} class={classes!("json", error.is_some().then_some("invalid"))}
                rows={props.rows.to_string()} spellcheck="false" placeholder={props.placeholder.clone()}
                value={(*text).clone()} {oninput} aria-invalid={error.is_some().to_string()} />
            if let Some(message) = error.as_ref().filter(|m| !m.is_empty()) {
                <p class="note error json-error">{ message }</p>
            }
        </>
    }
}

fn pretty(value: &Option<Value>) -> String {
    value
        .as_ref()
        .map(|v| serde_json::to_string_pretty(v).unwrap_or_default())
        .unwrap_or_default()
}

/// Blank text is "unset"; anything else must be JSON.
fn parse(text: &str) -> Result<Option<Value>, String> {
    if text.trim().is_empty() {
        return Ok(None);
    }
    serde_json::from_str(text)
        .map(Some)
        .map_err(|e| format!("Not valid JSON: {e}"))
}

#[derive(Properties, PartialEq)]
pub struct PatchListStateProps {
    pub composition: super::Shared,
    /// One of `model::PATCH_LISTS`.
    pub name: &'static str,
    pub dispatch: UseReducerDispatcher<crate::editor::Editor>,
}

/// On a settings PATCH, what the request does with a list ("Unchanged", "Remove all",
/// "Replace") and the button that switches an empty list; nothing on other requests.
#[component]
pub fn PatchListState(props: &PatchListStateProps) -> Html {
    let Some(view) = crate::editor::lists::patch_list_view(&props.composition, props.name) else {
        return html! {};
    };
    let button = view.action.map(|(label, action)| {
        let dispatch = props.dispatch.clone();
        let onclick = Callback::from(move |_: MouseEvent| dispatch.dispatch(action.clone()));
        html! {
            <button type="button" class="small" data-testid={format!("patch-list-{}-switch", props.name)} {onclick}>{ label }</button>
        }
    });
    html! {
        <p class="patch-list" data-testid={format!("patch-list-{}", props.name)} data-state={view.state}>
            <strong>{ view.state }{ ":" }</strong>{ view.says }
            { for button }
        </p>
    }
}
