//! One binding's form: its name, then exactly the fields of its type. Each input dispatches one
//! [`BindingEdit`]; what the text means and whether the model takes it is decided in
//! `editor::edit`, and a refusal comes back as a note under the field.

use serde_json::Value;
use yew::prelude::*;

use super::fields::{input_text, notes_under, select_text, FieldNotes, JsonField};
use super::resource_picker::ResourcePicker;
use super::Shared;
use crate::editor::edit::{
    binding_value, bool_value, held_after, json_value, list_value, number_value, other_fields,
    shown_list, shown_text, text_value,
};
use crate::editor::resources::ResourceKind;
use crate::editor::{Action, BindingEdit, Editor};
use crate::model::catalog::{self, FieldSpec, Input};
use crate::model::{Binding, BindingKind};
use crate::rules::{looks_like_placeholder, At, Finding};

#[derive(Properties)]
pub struct BindingCardProps {
    pub index: usize,
    /// The whole composition, shared: the card shows `metadata.bindings[index]`.
    pub composition: Shared,
    pub last: bool,
    pub findings: Vec<Finding>,
    /// For the resource pickers.
    pub account_id: AttrValue,
    pub dispatch: UseReducerDispatcher<Editor>,
}

impl BindingCardProps {
    fn binding(&self) -> Option<&Binding> {
        self.composition.metadata.bindings.get(self.index)
    }
}

/// Equal when the card would look the same: its own binding is compared by value, so an edit
/// elsewhere in the composition re-renders only the card it concerns.
impl PartialEq for BindingCardProps {
    fn eq(&self, other: &Self) -> bool {
        self.index == other.index
            && self.last == other.last
            && self.binding() == other.binding()
            && self.findings == other.findings
            && self.account_id == other.account_id
            && self.dispatch == other.dispatch
    }
}

/// Dispatches the edits of one binding.
#[derive(Clone, PartialEq)]
struct Edits {
    index: usize,
    dispatch: UseReducerDispatcher<Editor>,
}

impl Edits {
    fn emit(&self, edit: BindingEdit) {
        self.dispatch
            .dispatch(Action::EditBinding(self.index, edit));
    }

    fn field(&self, key: &str, value: Option<Value>) {
        self.emit(BindingEdit::Field {
            key: key.to_string(),
            value,
        });
    }
}

#[component]
pub fn BindingCard(props: &BindingCardProps) -> Html {
    let index = props.index;
    let at = At::binding(index);
    // The panel only makes cards for bindings that exist; the fallback keeps rendering simple.
    let none = Binding::new("", BindingKind::Browser {});
    let b = props.binding().unwrap_or(&none);
    let spec =
        catalog::lookup(b.type_name()).filter(|_| !matches!(b.kind, BindingKind::Custom { .. }));
    let edits = Edits {
        index,
        dispatch: props.dispatch.clone(),
    };
    let on_name = {
        let edits = edits.clone();
        Callback::from(move |e: InputEvent| edits.emit(BindingEdit::Name(input_text(&e))))
    };
    let action = |action: Action| {
        let dispatch = props.dispatch.clone();
        Callback::from(move |_: MouseEvent| dispatch.dispatch(action.clone()))
    };
    let notes = |path: &At| notes_under(&props.findings, path);
    let own_notes: Vec<Finding> = props
        .findings
        .iter()
        .filter(|f| f.at == at)
        .cloned()
        .collect();
    let name_at = at.clone().field("name");
    let label = spec.map(|s| s.label).unwrap_or("Custom binding");

    html! {
        <article id={at.element_id()} class="binding" tabindex="-1" data-testid="binding" data-type={b.type_name().to_string()}>
            <header>
                <span class="binding-type">{ label }<code>{ b.type_name().to_string() }</code></span>
                <span class="actions">
                    <button type="button" class="icon" title="Move up" aria-label="Move binding up" disabled={index == 0}
                        onclick={action(Action::MoveBinding { index, up: true })}>{ "↑" }</button>
                    <button type="button" class="icon" title="Move down" aria-label="Move binding down" disabled={props.last}
                        onclick={action(Action::MoveBinding { index, up: false })}>{ "↓" }</button>
                    <button type="button" class="icon danger" title="Remove" aria-label={format!("Remove binding {}", b.name)}
                        onclick={action(Action::RemoveBinding(index))}>{ "✕" }</button>
                </span>
            </header>
            if let Some(spec) = spec { <p class="help">{ spec.help }</p> }
            <FieldNotes findings={own_notes} />
            <div class="grid two">
                <label class="field">
                    <span class="label">{ "Name" }<abbr class="req" title="required">{ "*" }</abbr></span>
                    <input id={name_at.element_id()} type="text" spellcheck="false" autocomplete="off" placeholder="MY_BINDING"
                        value={b.name.clone()} oninput={on_name} />
                    <span class="help">{ "Reachable in the Worker as env.NAME." }</span>
                    <FieldNotes findings={notes(&name_at)} />
                </label>
                { match spec {
                    Some(spec) => spec.form_fields().map(|field| {
                        let path = at.clone().field(field.key);
                        let control = field_control(b, field, &path, &edits, notes(&path));
                        with_picker(b, field.key, &path, &props.account_id, &edits, control)
                    }).collect::<Html>(),
                    None => custom_fields(b, &at, &edits, notes(&at.clone().field("type"))),
                } }
            </div>
        </article>
    }
}

fn field_control(
    b: &Binding,
    field: &FieldSpec,
    path: &At,
    edits: &Edits,
    notes: Vec<Finding>,
) -> Html {
    let id = path.element_id();
    let value = binding_value(b, field.key);
    let key = field.key;
    let required = field.required;
    let control = match field.input {
        Input::Text | Input::Secret => {
            let secret = field.input == Input::Secret;
            let edits = edits.clone();
            let oninput = Callback::from(move |e: InputEvent| {
                edits.field(key, text_value(input_text(&e), required))
            });
            let text = shown_text(value.as_ref());
            // A resource id still holding a placeholder is marked until replaced.
            let placeholder = ResourceKind::for_field(b.type_name(), key).is_some()
                && looks_like_placeholder(&text);
            html! {
                <input id={id.clone()} type={if secret { "password" } else { "text" }} spellcheck="false"
                    class={classes!(placeholder.then_some("placeholder-value"))}
                    title={placeholder.then_some("A placeholder: replace it with the real value")}
                    autocomplete={if secret { "new-password" } else { "off" }} value={text} {oninput}
                    placeholder={secret.then_some("Empty on a settings PATCH: the deployed value is kept")} />
            }
        }
        Input::SecretJson => {
            let shown = value.as_ref().map(|v| v.to_string()).unwrap_or_default();
            let edits = edits.clone();
            // Text that does not parse yet stays in the input until it does.
            let oninput = Callback::from(move |e: InputEvent| {
                if let Some(value) = json_value(&input_text(&e)) {
                    edits.field(key, value)
                }
            });
            html! { <input id={id.clone()} type="password" autocomplete="new-password" spellcheck="false" value={shown} {oninput} /> }
        }
        Input::Number => {
            let edits = edits.clone();
            let oninput = Callback::from(move |e: InputEvent| {
                if let Some(value) = number_value(&input_text(&e), required) {
                    edits.field(key, value)
                }
            });
            html! { <input id={id.clone()} type="number" min="0" step="1" inputmode="numeric" value={shown_text(value.as_ref())} {oninput} /> }
        }
        Input::Bool => {
            let edits = edits.clone();
            let onchange =
                Callback::from(move |e: Event| edits.field(key, bool_value(&select_text(&e))));
            let v = value.as_ref().and_then(Value::as_bool);
            html! {
                <select id={id.clone()} {onchange}>
                    <option value="" selected={v.is_none()}>{ "(unset)" }</option>
                    <option value="true" selected={v == Some(true)}>{ "true" }</option>
                    <option value="false" selected={v == Some(false)}>{ "false" }</option>
                </select>
            }
        }
        Input::Choice(choices) => {
            let edits = edits.clone();
            let onchange = Callback::from(move |e: Event| {
                edits.field(key, text_value(select_text(&e), required))
            });
            let v = shown_text(value.as_ref());
            html! {
                <select id={id.clone()} {onchange}>
                    <option value="" selected={v.is_empty()}>{ "(unset)" }</option>
                    { for choices.iter().map(|c| html! { <option value={*c} selected={v == *c}>{ *c }</option> }) }
                </select>
            }
        }
        Input::List => {
            let edits = edits.clone();
            let oninput = Callback::from(move |e: InputEvent| {
                edits.field(key, list_value(&input_text(&e), required))
            });
            html! { <input id={id.clone()} type="text" spellcheck="false" value={shown_list(value.as_ref())} {oninput} /> }
        }
        Input::Json => {
            let binding = b.clone();
            let edits = edits.clone();
            let on_commit = Callback::from(move |value: Option<Value>| {
                let edit = BindingEdit::Field {
                    key: key.to_string(),
                    value,
                };
                let held = held_after(&binding, &edit);
                edits.emit(edit);
                held
            });
            html! { <JsonField id={id.clone()} value={value.clone()} {on_commit} rows={3} /> }
        }
    };
    html! {
        <div class={classes!("field", matches!(field.input, Input::Json).then_some("wide"))}>
            <label class="label" for={id}>{ key }
                if field.required { <abbr class="req" title="required">{ "*" }</abbr> }</label>
            { control }
            <span class="help">{ field.help }</span>
            <FieldNotes findings={notes} />
        </div>
    }
}

/// `control` followed by a picker of the account's resources, when the field names one.
fn with_picker(
    b: &Binding,
    key: &'static str,
    path: &At,
    account_id: &str,
    edits: &Edits,
    control: Html,
) -> Html {
    let Some(kind) = ResourceKind::for_field(b.type_name(), key) else {
        return control;
    };
    let text = |k: &str| match binding_value(b, k) {
        Some(Value::String(s)) => s,
        _ => String::new(),
    };
    let edits = edits.clone();
    let on_pick = Callback::from(move |value: String| edits.field(key, Some(Value::String(value))));
    html! {
        <div class="field-with-picker">
            { control }
            <ResourcePicker {kind} account_id={account_id.to_string()} jurisdiction={text("jurisdiction")}
                value={text(key)} for_id={path.element_id()} {on_pick} />
        </div>
    }
}

/// A binding of a type this page has no form for: its `type` and its other fields as JSON.
/// Typing the name of a known type turns it into that type's form.
fn custom_fields(b: &Binding, at: &At, edits: &Edits, type_notes: Vec<Finding>) -> Html {
    let on_type = {
        let edits = edits.clone();
        Callback::from(move |e: InputEvent| edits.emit(BindingEdit::Type(input_text(&e))))
    };
    let on_fields = {
        let binding = b.clone();
        let edits = edits.clone();
        Callback::from(move |value: Option<Value>| {
            let edit = BindingEdit::Fields(value);
            let held = held_after(&binding, &edit);
            edits.emit(edit);
            held
        })
    };
    let type_id = at.clone().field("type").element_id();
    let fields_id = at.clone().field("fields").element_id();
    html! {
        <>
            <label class="field">
                <span class="label">{ "type" }<abbr class="req" title="required">{ "*" }</abbr></span>
                <input id={type_id} type="text" spellcheck="false" placeholder="e.g. hologram"
                    value={b.type_name().to_string()} oninput={on_type} />
                <span class="help">{ "The wire type; sent exactly as written." }</span>
                <FieldNotes findings={type_notes} />
            </label>
            <div class="field wide">
                <label class="label" for={fields_id.clone()}>{ "Other fields (JSON object)" }</label>
                <JsonField id={fields_id} value={other_fields(b)} on_commit={on_fields} rows={3} placeholder="{\"some_id\": \"…\"}" />
            </div>
        </>
    }
}
