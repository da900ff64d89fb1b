//! One binding's form: its name, then exactly the fields of its type.

use serde_json::{json, Map, Value};
use yew::prelude::*;

use super::catalog::{self, FieldSpec, Input};
use super::fields::{input_text, non_empty, select_text, words, FieldNotes, JsonField};
use super::ids::field_id;
use super::resource_picker::ResourcePicker;
use super::resources::ResourceKind;
use super::state::{binding_with, is_under, Action, AppState, Shared};
use crate::model::{Binding, BindingKind};
use crate::rules::Finding;

#[derive(Properties)]
pub struct BindingCardProps {
    pub index: usize,
    /// The whole composition, shared: the card shows `metadata.bindings[index]`.
    pub composition: Shared,
    pub last: bool,
    pub findings: Vec<Finding>,
    /// For the resource pickers.
    pub account_id: AttrValue,
    pub dispatch: UseReducerDispatcher<AppState>,
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

#[component]
pub fn BindingCard(props: &BindingCardProps) -> Html {
    let index = props.index;
    let at = format!("bindings[{index}]");
    // The panel only makes cards for bindings that exist; the fallback keeps hooks in order.
    static NONE: Binding = Binding {
        name: String::new(),
        kind: BindingKind::Browser {},
    };
    let b = props.binding().unwrap_or(&NONE);
    let spec =
        catalog::lookup(b.type_name()).filter(|_| !matches!(b.kind, BindingKind::Custom { .. }));
    let error = use_state(|| None::<(String, String)>);

    // Applies a whole new binding; a refusal by the model is shown on the card.
    let commit = {
        let dispatch = props.dispatch.clone();
        let error = error.clone();
        Callback::from(
            move |(key, result): (String, Result<Binding, String>)| match result {
                Ok(binding) => {
                    error.set(None);
                    dispatch.dispatch(Action::SetBinding(index, binding));
                }
                Err(message) => error.set(Some((key, message))),
            },
        )
    };
    let on_name = {
        let binding = b.clone();
        let commit = commit.clone();
        Callback::from(move |e: InputEvent| {
            commit.emit((
                "name".into(),
                Ok(Binding {
                    name: input_text(&e),
                    kind: binding.kind.clone(),
                }),
            ))
        })
    };
    let action = |action: Action| {
        let dispatch = props.dispatch.clone();
        Callback::from(move |_: MouseEvent| dispatch.dispatch(action.clone()))
    };
    let notes = |path: &str| -> Vec<Finding> {
        props
            .findings
            .iter()
            .filter(|f| is_under(&f.at, path))
            .cloned()
            .collect()
    };
    let own_notes: Vec<Finding> = props
        .findings
        .iter()
        .filter(|f| f.at == at)
        .cloned()
        .collect();
    let name_at = format!("{at}.name");
    let label = spec.map(|s| s.label).unwrap_or("Custom binding");

    html! {
        <article id={field_id(&at)} class="binding" tabindex="-1" data-testid="binding" data-type={b.type_name().to_string()}>
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
                    <input id={field_id(&name_at)} type="text" spellcheck="false" autocomplete="off" placeholder="MY_BINDING"
                        value={b.name.clone()} oninput={on_name} />
                    <span class="help">{ "Reachable in the Worker as env.NAME." }</span>
                    <FieldNotes findings={notes(&name_at)} />
                </label>
                { match spec {
                    Some(spec) => spec.fields.iter().map(|field| {
                        let path = format!("{at}.{}", field.key);
                        let error = error.as_ref().filter(|(k, _)| k == field.key).map(|(_, m)| m.clone());
                        let control = field_control(b, field, &path, commit.clone(), notes(&path), error);
                        with_picker(b, field.key, &path, &props.account_id, commit.clone(), control)
                    }).collect::<Html>(),
                    None => custom_fields(b, &at, commit.clone(), notes(&format!("{at}.type"))),
                } }
            </div>
            if let Some((key, message)) = error.as_ref().filter(|(k, _)| k == "name" || k == "raw") {
                <p class="note error">{ format!("{key}: {message}") }</p>
            }
        </article>
    }
}

type Commit = Callback<(String, Result<Binding, String>)>;

/// The current value of a field, reaching into objects for dotted keys.
fn current(binding: &Binding, key: &str) -> Option<Value> {
    let object = binding.to_json();
    let mut parts = key.split('.');
    let mut value = object.get(parts.next()?)?.clone();
    for part in parts {
        value = value.get(part)?.clone();
    }
    Some(value)
}

/// The binding with `key` (possibly dotted) set or removed.
fn with_value(binding: &Binding, key: &str, value: Option<Value>) -> Result<Binding, String> {
    match key.split_once('.') {
        None => binding_with(binding, key, value),
        Some((outer, inner)) => {
            let mut object = match current(binding, outer) {
                Some(Value::Object(map)) => map,
                _ => Map::new(),
            };
            match value {
                Some(v) => object.insert(inner.to_string(), v),
                None => object.shift_remove(inner),
            };
            binding_with(binding, outer, Some(Value::Object(object)))
        }
    }
}

fn field_control(
    b: &Binding,
    field: &FieldSpec,
    path: &str,
    commit: Commit,
    notes: Vec<Finding>,
    error: Option<String>,
) -> Html {
    let id = field_id(path);
    let value = current(b, field.key);
    let key = field.key;
    let required = field.required;
    let json_commit = commit.clone();
    let emit = {
        let binding = b.clone();
        move |value: Option<Value>| commit.emit((key.to_string(), with_value(&binding, key, value)))
    };
    let as_text = || match &value {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Null) | None => String::new(),
        Some(other) => other.to_string(),
    };
    // An empty optional field is removed; an empty required one stays "".
    let string_or_empty = move |text: String| -> Option<Value> {
        match non_empty(text) {
            Some(t) => Some(Value::String(t)),
            None if required => Some(Value::String(String::new())),
            None => None,
        }
    };
    let control = match field.input {
        Input::Text | Input::Secret => {
            let secret = field.input == Input::Secret;
            let oninput =
                Callback::from(move |e: InputEvent| emit(string_or_empty(input_text(&e))));
            html! {
                <input id={id.clone()} type={if secret { "password" } else { "text" }} spellcheck="false"
                    autocomplete={if secret { "new-password" } else { "off" }} value={as_text()} {oninput}
                    placeholder={secret.then_some("Empty on a settings PATCH: the deployed value is kept")} />
            }
        }
        Input::SecretJson => {
            let shown = value.as_ref().map(|v| v.to_string()).unwrap_or_default();
            let oninput = Callback::from(move |e: InputEvent| {
                let text = input_text(&e);
                match text.trim() {
                    "" => emit(None),
                    // Text that does not parse yet stays in the input until it does.
                    t => {
                        if let Ok(v) = serde_json::from_str::<Value>(t) {
                            emit(Some(v))
                        }
                    }
                }
            });
            html! { <input id={id.clone()} type="password" autocomplete="new-password" spellcheck="false" value={shown} {oninput} /> }
        }
        Input::Number => {
            let oninput = Callback::from(move |e: InputEvent| {
                let text = input_text(&e);
                match text.trim().parse::<u64>() {
                    Ok(n) => emit(Some(json!(n))),
                    Err(_) if text.trim().is_empty() => {
                        emit(if required { Some(json!(0)) } else { None })
                    }
                    Err(_) => {}
                }
            });
            html! { <input id={id.clone()} type="number" min="0" step="1" inputmode="numeric" value={as_text()} {oninput} /> }
        }
        Input::Bool => {
            let onchange = Callback::from(move |e: Event| {
                emit(match select_text(&e).as_str() {
                    "true" => Some(Value::Bool(true)),
                    "false" => Some(Value::Bool(false)),
                    _ => None,
                })
            });
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
            let onchange = Callback::from(move |e: Event| emit(string_or_empty(select_text(&e))));
            let v = as_text();
            html! {
                <select id={id.clone()} {onchange}>
                    <option value="" selected={v.is_empty()}>{ "(unset)" }</option>
                    { for choices.iter().map(|c| html! { <option value={*c} selected={v == *c}>{ *c }</option> }) }
                </select>
            }
        }
        Input::List => {
            let shown = match &value {
                Some(Value::Array(items)) => items
                    .iter()
                    .filter_map(Value::as_str)
                    .collect::<Vec<_>>()
                    .join(", "),
                _ => String::new(),
            };
            let oninput = Callback::from(move |e: InputEvent| {
                let items = words(&input_text(&e));
                let empty = items.is_empty();
                let list = Value::Array(items.into_iter().map(Value::String).collect());
                emit(if empty && !required { None } else { Some(list) })
            });
            html! { <input id={id.clone()} type="text" spellcheck="false" value={shown} {oninput} /> }
        }
        Input::Json => {
            let binding = b.clone();
            let on_commit = Callback::from(move |value: Option<Value>| {
                let next = with_value(&binding, key, value)?;
                let held = next.to_json().get(key).cloned();
                json_commit.emit((key.to_string(), Ok(next)));
                Ok(held)
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
            if let Some(message) = error { <p class="note error">{ message }</p> }
            <FieldNotes findings={notes} />
        </div>
    }
}

/// `control` followed by a picker of the account's resources, when the field names one.
fn with_picker(
    b: &Binding,
    key: &'static str,
    path: &str,
    account_id: &str,
    commit: Commit,
    control: Html,
) -> Html {
    let Some(kind) = ResourceKind::for_field(b.type_name(), key) else {
        return control;
    };
    let text = |k: &str| match current(b, k) {
        Some(Value::String(s)) => s,
        _ => String::new(),
    };
    let binding = b.clone();
    let on_pick = Callback::from(move |value: String| {
        commit.emit((
            key.to_string(),
            with_value(&binding, key, Some(Value::String(value))),
        ))
    });
    html! {
        <div class="field-with-picker">
            { control }
            <ResourcePicker {kind} account_id={account_id.to_string()} jurisdiction={text("jurisdiction")}
                value={text(key)} for_id={field_id(path)} {on_pick} />
        </div>
    }
}

/// A binding of a type this page has no form for: its `type` and its other fields as JSON.
/// Typing the name of a known type turns it into that type's form.
fn custom_fields(b: &Binding, at: &str, commit: Commit, type_notes: Vec<Finding>) -> Html {
    let mut fields = b.to_json();
    fields.shift_remove("type");
    fields.shift_remove("name");
    let on_type = {
        let binding = b.clone();
        let commit = commit.clone();
        Callback::from(move |e: InputEvent| {
            let mut object = binding.to_json();
            object.insert(
                "type".into(),
                Value::String(input_text(&e).trim().to_string()),
            );
            commit.emit(("raw".into(), Binding::from_json(object)));
        })
    };
    let on_fields = {
        let binding = b.clone();
        Callback::from(move |value: Option<Value>| {
            let mut object = match value {
                Some(Value::Object(map)) => map,
                None => Map::new(),
                Some(_) => return Err("the fields must be a JSON object".to_string()),
            };
            object.insert(
                "type".into(),
                Value::String(binding.type_name().to_string()),
            );
            object.insert("name".into(), Value::String(binding.name.clone()));
            let next = Binding::from_json(object)?;
            let mut held = next.to_json();
            held.shift_remove("type");
            held.shift_remove("name");
            commit.emit(("raw".into(), Ok(next)));
            Ok((!held.is_empty()).then_some(Value::Object(held)))
        })
    };
    let fields_value = (!fields.is_empty()).then_some(Value::Object(fields));
    let type_id = field_id(&format!("{at}.type"));
    let fields_id = field_id(&format!("{at}.fields"));
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
                <JsonField id={fields_id} value={fields_value} on_commit={on_fields} rows={3} placeholder="{\"some_id\": \"…\"}" />
            </div>
        </>
    }
}
