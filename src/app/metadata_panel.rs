//! The metadata panel: compatibility, kept bindings and usage model at hand, every other field
//! of the metadata object under "Advanced". Each input dispatches one
//! [`Action::SetMetadataField`]; a value the model refuses comes back as a note under the field.

use std::rc::Rc;

use serde_json::Value;
use yew::prelude::*;

use super::fields::{
    checked, input_text, notes_under, select_text, FieldNotes, JsonField, PatchListState,
};
use super::Shared;
use crate::editor::edit::{
    bool_value, list_value, metadata_value, metadata_with, number_value, text_value,
};
use crate::editor::{Action, Editor};
use crate::model::{FieldSupport, Metadata, Operation, UsageModel};
use crate::rules::{At, Finding};

#[derive(Properties, PartialEq)]
pub struct MetadataPanelProps {
    pub composition: Shared,
    pub today: Rc<str>,
    pub findings: Rc<Vec<Finding>>,
    pub dispatch: UseReducerDispatcher<Editor>,
}

/// Dispatches the edits of the metadata: one field, or one key of an object field.
#[derive(Clone, PartialEq)]
struct Set(UseReducerDispatcher<Editor>);

impl Set {
    fn field(&self, path: &str, value: Option<Value>) {
        self.0.dispatch(Action::SetMetadataField {
            path: path.to_string(),
            value,
        });
    }

    /// For an input whose text `to_value` reads.
    fn text(&self, path: &'static str, to_value: fn(String) -> Option<Value>) -> Callback<String> {
        let set = self.clone();
        Callback::from(move |text: String| set.field(path, to_value(text)))
    }

    /// For the JSON editor: dispatches the value and says what the model will hold for it
    /// (`None` when it refuses it). The callback shares the composition it was made from
    /// (copying its metadata, hundreds of bindings, for each of a dozen fields on every render
    /// would cost more than the render).
    fn json(
        &self,
        composition: &Shared,
        path: &'static str,
    ) -> Callback<Option<Value>, Option<Option<Value>>> {
        let set = self.clone();
        let composition = composition.clone();
        Callback::from(move |value: Option<Value>| {
            let held = metadata_with(&composition.metadata, path, value.clone())
                .ok()
                .map(|next| metadata_value(&next, path));
            set.field(path, value);
            held
        })
    }
}

#[component]
pub fn MetadataPanel(props: &MetadataPanelProps) -> Html {
    let m = &props.composition.metadata;
    let set = Set(props.dispatch.clone());
    let setter =
        |path: &'static str, to_value: fn(String) -> Option<Value>| set.text(path, to_value);
    let json_setter = |path: &'static str| set.json(&props.composition, path);
    let notes =
        |key: &'static str| -> Vec<Finding> { notes_under(&props.findings, &At::metadata(key)) };
    let f = FieldFrame {
        operation: props.composition.request.operation,
    };

    let text_value = |s: String| text_value(s, false);
    let list_value = |s: String| list_value(&s, false);
    let bool_value = |s: String| bool_value(&s);

    let on_date = setter("compatibility_date", text_value).reform(|e: InputEvent| input_text(&e));
    let on_today = {
        let set = setter("compatibility_date", text_value);
        let today = props.today.to_string();
        Callback::from(move |_: MouseEvent| set.emit(today.clone()))
    };
    let on_flags = setter("compatibility_flags", list_value).reform(|e: InputEvent| input_text(&e));
    let on_usage = setter("usage_model", text_value).reform(|e: Event| select_text(&e));
    let on_tags = setter("tags", list_value).reform(|e: InputEvent| input_text(&e));
    let on_logpush = setter("logpush", bool_value).reform(|e: Event| select_text(&e));
    let on_keep_assets = setter("keep_assets", bool_value).reform(|e: Event| select_text(&e));
    let on_capnp = setter("capnp_schema", text_value).reform(|e: InputEvent| input_text(&e));

    html! {
        <section id={At::root("metadata").element_id()} class="panel metadata" tabindex="-1" aria-labelledby="metadata-title">
            <h2 id="metadata-title">{ "Metadata" }</h2>
            <div class="grid two">
                { f.field("compatibility_date", "Compatibility date", "Runtime behaviour as of this date (YYYY-MM-DD).", notes("compatibility_date"), html! {
                    <span class="with-button">
                        <input id={At::metadata("compatibility_date").element_id()} type="text" inputmode="numeric"
                            placeholder="YYYY-MM-DD" spellcheck="false" value={m.compatibility_date.clone().unwrap_or_default()}
                            oninput={on_date} />
                        <button type="button" class="small" onclick={on_today}>{ "Today" }</button>
                    </span>
                }) }
                { f.field("usage_model", "Usage model", "Legacy pricing model; leave unset for the account default.", notes("usage_model"), html! {
                    <select id={At::metadata("usage_model").element_id()} onchange={on_usage}>
                        <option value="" selected={m.usage_model.is_none()}>{ "(unset)" }</option>
                        { for UsageModel::ALL.into_iter().map(|u| html! {
                            <option value={u.id()} selected={m.usage_model == Some(u)}>{ u.id() }</option>
                        }) }
                    </select>
                }) }
            </div>
            { f.field("compatibility_flags", "Compatibility flags", "Separated by commas or spaces, e.g. nodejs_compat.", notes("compatibility_flags"), html! {
                <input id={At::metadata("compatibility_flags").element_id()} type="text" spellcheck="false"
                    placeholder="nodejs_compat" value={m.compatibility_flags.join(", ")} oninput={on_flags} />
            }) }
            <PatchListState composition={props.composition.clone()} name="compatibility_flags" dispatch={props.dispatch.clone()} />
            <KeepBindings kept={m.keep_bindings.to_vec()} in_use={m.bindings.iter().map(|b| b.type_name().to_string()).collect::<Vec<_>>()}
                set={json_setter("keep_bindings")} supported={f.supported("keep_bindings")} notes={notes("keep_bindings")} />
            <details id="metadata-advanced" class="advanced">
                <summary>{ "Advanced" }</summary>
                <div class="grid two">
                    { f.field("tags", "Tags", "Separated by commas.", notes("tags"), html! {
                        <>
                            <input id={At::metadata("tags").element_id()} type="text" value={m.tags.join(", ")} oninput={on_tags} />
                            <PatchListState composition={props.composition.clone()} name="tags" dispatch={props.dispatch.clone()} />
                        </>
                    }) }
                    { f.field("logpush", "Logpush", "Send this Worker's trace events to Logpush.", notes("logpush"), tri_state(At::metadata("logpush").element_id(), m.logpush, on_logpush)) }
                </div>
                <div class="grid two">
                    { f.field("limits", "CPU limit (ms)", "Maximum CPU time per invocation.", notes("limits"), ObjectKey::new("limits.cpu_ms", m, &set).number_input(At::metadata("limits").element_id())) }
                    { f.field("limits", "Subrequests limit", "Maximum subrequests per invocation.", Vec::new(), ObjectKey::new("limits.subrequests", m, &set).number_input(At::metadata("limits.subrequests").element_id())) }
                </div>
                <fieldset class="group">
                    <legend>{ "Annotations" }{ f.unsupported_tag("annotations") }</legend>
                    <div class="grid three">
                        { for [("annotations.workers/message", "Message"), ("annotations.workers/tag", "Tag"), ("annotations.workers/alias", "Alias (versions)")]
                            .into_iter().enumerate().map(|(i, (path, label))| {
                                let id = if i == 0 { At::metadata("annotations").element_id() } else { At::metadata(path).element_id() };
                                html! {
                                    <label class="field"><span class="label">{ label }</span>
                                        { ObjectKey::new(path, m, &set).text_input(id) }
                                    </label>
                                }
                            }) }
                    </div>
                    <FieldNotes findings={notes("annotations")} />
                </fieldset>
                { f.json_field("placement", "Placement", "{\"mode\":\"smart\"} or {\"region\":\"aws:us-east-1\"}…", m.placement.as_ref(), json_setter("placement"), notes("placement")) }
                { f.json_field("observability", "Observability", "{\"enabled\":true,\"head_sampling_rate\":1}", m.observability.as_ref(), json_setter("observability"), notes("observability")) }
                { f.json_field("tail_consumers", "Tail consumers", "[{\"service\":\"my-tail-worker\"}]", non_empty_list(&m.tail_consumers), json_setter("tail_consumers"), notes("tail_consumers")) }
                <PatchListState composition={props.composition.clone()} name="tail_consumers" dispatch={props.dispatch.clone()} />
                { f.json_field("streaming_tail_consumers", "Streaming tail consumers", "[{\"service\":\"…\"}]", non_empty_list(&m.streaming_tail_consumers), json_setter("streaming_tail_consumers"), notes("streaming_tail_consumers")) }
                { f.json_field("migrations", "Durable Object migrations", "{\"new_tag\":\"v1\",\"new_sqlite_classes\":[\"Counter\"]}", m.migrations.as_ref(), json_setter("migrations"), notes("migrations")) }
                { f.json_field("exports", "Exports", "{\"Counter\":{\"type\":\"durable_object\"}}", m.exports.as_ref(), json_setter("exports"), notes("exports")) }
                { f.json_field("containers", "Containers", "[{\"class_name\":\"MyContainer\"}]", non_empty_list(&m.containers), json_setter("containers"), notes("containers")) }
                <div class="grid two">
                    { f.field("keep_assets", "Keep assets", "Keep the static assets of the previous version.", notes("keep_assets"), tri_state(At::metadata("keep_assets").element_id(), m.keep_assets, on_keep_assets)) }
                    { f.field("capnp_schema", "Cap'n Proto schema", "Name of the part holding a compiled schema.", notes("capnp_schema"), html! {
                        <input id={At::metadata("capnp_schema").element_id()} type="text" value={m.capnp_schema.clone().unwrap_or_default()} oninput={on_capnp} />
                    }) }
                </div>
                { f.json_field("assets", "Static assets", "{\"jwt\":\"…\",\"config\":{\"not_found_handling\":\"single-page-application\"}}", m.assets.as_ref(), json_setter("assets"), notes("assets")) }
                { f.json_field("cache_options", "Cache options", "{\"enabled\":true}", m.cache_options.as_ref(), json_setter("cache_options"), notes("cache_options")) }
                { f.json_field("package_dependencies", "Package dependencies", "[{\"name\":\"hono\",\"packageJsonVersion\":\"^4\",\"installedVersion\":\"4.6.0\"}]", non_empty_list(&m.package_dependencies), json_setter("package_dependencies"), notes("package_dependencies")) }
            </details>
        </section>
    }
}

/// Labels and "not sent with this endpoint" tags, the same for every field.
struct FieldFrame {
    operation: Operation,
}

impl FieldFrame {
    fn supported(&self, key: &str) -> bool {
        FieldSupport::lookup(key).is_none_or(|f| f.accepted_by(self.operation))
    }

    fn unsupported_tag(&self, key: &str) -> Html {
        if self.supported(key) {
            html! {}
        } else {
            html! { <span class="tag muted" title="The chosen endpoint does not accept this field; it is left out of the request.">{ "not sent" }</span> }
        }
    }

    fn field(
        &self,
        key: &str,
        label: &str,
        help: &str,
        notes: Vec<Finding>,
        control: Html,
    ) -> Html {
        html! {
            <label class={classes!("field", (!self.supported(key)).then_some("off"))}>
                <span class="label">{ label }{ self.unsupported_tag(key) }</span>
                { control }
                <span class="help">{ help }</span>
                <FieldNotes findings={notes} />
            </label>
        }
    }

    fn json_field<T: serde::Serialize>(
        &self,
        key: &'static str,
        label: &str,
        placeholder: &'static str,
        value: Option<&T>,
        on_commit: Callback<Option<Value>, Option<Option<Value>>>,
        notes: Vec<Finding>,
    ) -> Html {
        let value = value.and_then(|v| serde_json::to_value(v).ok());
        html! {
            <div class={classes!("field", (!self.supported(key)).then_some("off"))}>
                <label class="label" for={At::metadata(key).element_id()}>{ label }{ self.unsupported_tag(key) }</label>
                <JsonField id={At::metadata(key).element_id()} {value} {on_commit} rows={3} {placeholder} />
                <FieldNotes findings={notes} />
            </div>
        }
    }
}

fn non_empty_list<T>(items: &Vec<T>) -> Option<&Vec<T>> {
    (!items.is_empty()).then_some(items)
}

fn tri_state(id: String, value: Option<bool>, onchange: Callback<Event>) -> Html {
    html! {
        <select {id} {onchange}>
            <option value="" selected={value.is_none()}>{ "(unset)" }</option>
            <option value="true" selected={value == Some(true)}>{ "on" }</option>
            <option value="false" selected={value == Some(false)}>{ "off" }</option>
        </select>
    }
}

/// Edits one key of an object field (`annotations`, `limits`) without touching its other keys.
struct ObjectKey {
    /// `object.key`, as [`Action::SetMetadataField`] takes it.
    path: &'static str,
    /// The key's value now.
    value: Option<Value>,
    set: Set,
}

impl ObjectKey {
    fn new(path: &'static str, metadata: &Metadata, set: &Set) -> ObjectKey {
        ObjectKey {
            path,
            value: metadata_value(metadata, path),
            set: set.clone(),
        }
    }

    fn text_input(self, id: String) -> Html {
        let shown = self
            .value
            .as_ref()
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string();
        let oninput = Callback::from(move |e: InputEvent| {
            self.set.field(self.path, text_value(input_text(&e), false))
        });
        html! { <input {id} type="text" value={shown} {oninput} /> }
    }

    fn number_input(self, id: String) -> Html {
        let shown = self
            .value
            .as_ref()
            .map(|v| v.to_string())
            .unwrap_or_default();
        // A number input reports "" while its text is not a number; other text cannot occur.
        let oninput = Callback::from(move |e: InputEvent| {
            if let Some(value) = number_value(&input_text(&e), false) {
                self.set.field(self.path, value)
            }
        });
        html! { <input {id} type="number" min="0" step="1" inputmode="numeric" value={shown} {oninput} /> }
    }
}

#[derive(Properties, PartialEq)]
struct KeepBindingsProps {
    kept: Vec<String>,
    in_use: Vec<String>,
    set: Callback<Option<Value>, Option<Option<Value>>>,
    supported: bool,
    notes: Vec<Finding>,
}

/// `keep_bindings`: one checkbox per binding type; types in use first.
#[component]
fn KeepBindings(props: &KeepBindingsProps) -> Html {
    let mut types: Vec<&str> = Vec::new();
    for t in props
        .in_use
        .iter()
        .map(String::as_str)
        .chain(["secret_text", "plain_text"])
        .chain(crate::model::KNOWN_BINDING_TYPES.iter().copied())
    {
        if !types.contains(&t) {
            types.push(t);
        }
    }
    let first_count = types.len().min(8.max(props.in_use.len()));
    let checkbox = |t: &str, first: bool| {
        let kept = props.kept.clone();
        let set = props.set.clone();
        let type_name = t.to_string();
        let onchange = Callback::from(move |e: Event| {
            let mut next: Vec<String> = kept.iter().filter(|k| **k != type_name).cloned().collect();
            if checked(&e) {
                next.push(type_name.clone());
            }
            let value = (!next.is_empty())
                .then(|| Value::Array(next.into_iter().map(Value::String).collect()));
            let _ = set.emit(value);
        });
        let id = if first {
            At::metadata("keep_bindings").element_id()
        } else {
            format!("keep-{t}")
        };
        html! {
            <label class="check small" key={t.to_string()}>
                <input {id} type="checkbox" data-type={t.to_string()} checked={props.kept.iter().any(|k| k == t)} {onchange} />
                <code>{ t }</code>
            </label>
        }
    };
    html! {
        <fieldset class={classes!("group", "keep", (!props.supported).then_some("off"))}>
            <legend>{ "Keep bindings of these types from the previous version" }</legend>
            <div class="checks">
                { for types[..first_count].iter().enumerate().map(|(i, t)| checkbox(t, i == 0)) }
            </div>
            <details class="more">
                <summary>{ format!("{} more types", types.len() - first_count) }</summary>
                <div class="checks">{ for types[first_count..].iter().map(|t| checkbox(t, false)) }</div>
            </details>
            <FieldNotes findings={props.notes.clone()} />
        </fieldset>
    }
}
