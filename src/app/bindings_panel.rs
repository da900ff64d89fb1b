//! The bindings panel: a searchable, grouped type chooser and one form per binding.
//!
//! Once there is a binding, the chooser folds to its search box and the most used types; the
//! full list opens on demand, and typing a search shows every match. Enter in the search box
//! adds the first type shown.

use std::rc::Rc;

use yew::prelude::*;

use super::binding_card::BindingCard;
use super::browser::focus::focus_id_soon;
use super::fields::{input_text, FieldNotes, PatchListState};
use super::Shared;
use crate::editor::{findings_per_binding, Action, Editor};
use crate::model::catalog::{self, Group};
use crate::model::Binding;
use crate::rules::{At, Finding};

#[derive(Properties, PartialEq)]
pub struct BindingsPanelProps {
    pub composition: Shared,
    pub findings: Rc<Vec<Finding>>,
    pub dispatch: UseReducerDispatcher<Editor>,
}

#[component]
pub fn BindingsPanel(props: &BindingsPanelProps) -> Html {
    let query = use_state(String::new);
    let expanded = use_state(|| false);
    let bindings = &props.composition.metadata.bindings;
    let count = bindings.len();
    let add = {
        let dispatch = props.dispatch.clone();
        Callback::from(move |type_name: String| {
            dispatch.dispatch(Action::AddBinding(type_name));
            focus_id_soon(At::binding(count).field("name").element_id());
        })
    };
    let on_search = {
        let query = query.clone();
        Callback::from(move |e: InputEvent| query.set(input_text(&e)))
    };
    let folded = count > 0 && !*expanded && query.trim().is_empty();
    let matching: Vec<&catalog::TypeSpec> = if folded {
        catalog::MOST_USED
            .iter()
            .filter_map(|name| catalog::lookup(name))
            .collect()
    } else {
        crate::model::CATALOG
            .iter()
            .filter(|t| t.matches(&query))
            .collect()
    };
    let on_search_key = {
        let add = add.clone();
        let first = matching.first().map(|t| t.type_name);
        Callback::from(move |e: KeyboardEvent| {
            if e.key() == "Enter" {
                e.prevent_default();
                if let Some(first) = first {
                    add.emit(first.to_string());
                }
            }
        })
    };
    let button = |type_name: &'static str, label: &'static str, help: &'static str| {
        let add = add.clone();
        let slug = if type_name.is_empty() {
            "custom"
        } else {
            type_name
        };
        html! {
            <button type="button" class="type" id={format!("add-binding-{slug}")} data-testid={format!("add-binding-{slug}")}
                title={help} onclick={Callback::from(move |_: MouseEvent| add.emit(type_name.to_string()))}>
                { label }
                if !type_name.is_empty() { <code>{ type_name }</code> }
            </button>
        }
    };
    let list_notes: Vec<Finding> = props
        .findings
        .iter()
        .filter(|f| f.at == At::metadata("bindings"))
        .cloned()
        .collect();

    // One pass over the findings for all cards (not one per card: hundreds of each).
    let per_binding = findings_per_binding(&props.findings, count);
    let account_id: AttrValue = props.composition.request.account_id.clone().into();

    html! {
        <section class="panel bindings" aria-labelledby="bindings-title">
            <h2 id="bindings-title">{ "Bindings" }<span class="count">{ count }</span></h2>
            <div class="chooser" role="group" aria-label="Add a binding">
                <div class="chooser-row">
                    <input id="binding-search" type="search" placeholder="Add a binding: search types (Enter adds the first)"
                        aria-label="Search binding types" value={(*query).clone()} oninput={on_search} onkeydown={on_search_key} />
                    if count > 0 {
                        <button type="button" class="small types-toggle" id="binding-types-toggle" aria-expanded={(!folded).to_string()}
                            aria-controls="binding-types" onclick={{
                                let expanded = expanded.clone();
                                Callback::from(move |_: MouseEvent| expanded.set(!*expanded))
                            }}>{ if *expanded { "Fewer types" } else { "All types…" } }</button>
                    }
                </div>
                if folded {
                    <div class="type-buttons most-used" id="binding-types" role="group" aria-label="Most used types">
                        { for matching.iter().map(|t| button(t.type_name, t.label, t.help)) }
                    </div>
                } else {
                <div class="types" id="binding-types">
                    { for Group::ALL.into_iter().map(|group| {
                        let types: Vec<_> = matching.iter().filter(|t| t.group == group).collect();
                        if types.is_empty() { return html! {}; }
                        html! {
                            <div class="type-group">
                                <h3>{ group.label() }</h3>
                                <div class="type-buttons">{ for types.iter().map(|t| button(t.type_name, t.label, t.help)) }</div>
                            </div>
                        }
                    }) }
                    <div class="type-group">
                        <h3>{ "Custom / raw" }</h3>
                        <div class="type-buttons">{ button("", "Custom binding", "Any type, written as JSON: for types this page does not know yet.") }</div>
                    </div>
                </div>
                }
            </div>
            <PatchListState composition={props.composition.clone()} name="bindings" dispatch={props.dispatch.clone()} />
            <FieldNotes findings={list_notes} />
            <div id={At::root("bindings").element_id()} class="binding-list" tabindex="-1">
                { for per_binding.chunks(GROUP).enumerate().map(|(group, findings)| {
                    html! {
                        <CardGroup key={group} start={group * GROUP} composition={props.composition.clone()}
                            findings={findings.to_vec()} account_id={account_id.clone()} dispatch={props.dispatch.clone()} />
                    }
                }) }
            </div>
        </section>
    }
}

/// How many cards a [`CardGroup`] holds. A keystroke changes one binding: the panel compares
/// one group per this many bindings, and only the group holding the edited binding compares
/// its cards, instead of the panel making and comparing a card for each of hundreds.
const GROUP: usize = 16;

#[derive(Properties)]
struct CardGroupProps {
    /// The index of the group's first binding.
    start: usize,
    composition: Shared,
    /// The findings under each binding of the group (one list per binding).
    findings: Vec<Vec<Finding>>,
    account_id: AttrValue,
    dispatch: UseReducerDispatcher<Editor>,
}

impl CardGroupProps {
    fn bindings(&self) -> &[Binding] {
        let all = &self.composition.metadata.bindings;
        let end = (self.start + self.findings.len()).min(all.len());
        all.get(self.start..end).unwrap_or_default()
    }
}

/// Equal when each card of the group would be (see the card's own comparison): the same
/// bindings by value, findings, last card, account and dispatcher.
impl PartialEq for CardGroupProps {
    fn eq(&self, other: &Self) -> bool {
        self.start == other.start
            && self.composition.metadata.bindings.len() == other.composition.metadata.bindings.len()
            && self.bindings() == other.bindings()
            && self.findings == other.findings
            && self.account_id == other.account_id
            && self.dispatch == other.dispatch
    }
}

/// A run of binding cards in one box, which the browser lays out and paints only near the
/// screen (see the stylesheet): it then tracks a box per group rather than per card.
#[component]
fn CardGroup(props: &CardGroupProps) -> Html {
    let count = props.composition.metadata.bindings.len();
    // Keyed by index, as the groups are: Yew pairs an unkeyed list from its end, so a card
    // added at the end would take over the last card's state (an open resource picker).
    let cards = props.findings.iter().enumerate().map(|(offset, findings)| {
        let index = props.start + offset;
        html! {
            <BindingCard key={index} {index} composition={props.composition.clone()} last={index + 1 == count}
                findings={findings.clone()} account_id={props.account_id.clone()} dispatch={props.dispatch.clone()} />
        }
    });
    html! { <div class="binding-group">{ for cards }</div> }
}
