//! A `<pre>` showing syntax-coloured JSON, one `<span>` per line.
//!
//! An edit usually changes a line or two of a large metadata object, so only the lines between
//! the unchanged head and tail are replaced (one `insertAdjacentHTML`), instead of re-creating
//! thousands of nodes on every keystroke.

use std::cell::RefCell;
use std::rc::Rc;

use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlElement};
use yew::prelude::*;

use crate::editor::highlight::{changed_range, lines_html};

#[derive(Properties, PartialEq)]
pub struct JsonViewProps {
    pub id: AttrValue,
    pub text: AttrValue,
}

#[component]
pub fn JsonView(props: &JsonViewProps) -> Html {
    let node = use_node_ref();
    // The text currently in the DOM (shared, so keeping it costs no copy).
    let shown = use_mut_ref(|| None::<AttrValue>);
    {
        let node = node.clone();
        use_effect_with(props.text.clone(), move |text| {
            if let Some(pre) = node.cast::<Element>() {
                update(&pre, &shown, text);
            }
        });
    }
    // Focusable, so a keyboard can scroll it.
    html! { <pre ref={node} class="code json" id={props.id.clone()} data-testid={props.id.clone()} tabindex="0"></pre> }
}

/// Scrolls the view (only the view, not the page) so the line `index` is shown: the JSON of the
/// field being edited stays in sight however long the composition is.
fn reveal_line(pre: &Element, index: usize) {
    let Some(line) = pre
        .query_selector(&format!(":scope > span:nth-child({})", index + 1))
        .ok()
        .flatten()
        .and_then(|l| l.dyn_into::<HtmlElement>().ok())
    else {
        return;
    };
    let (top, height) = (line.offset_top(), line.offset_height());
    let (scroll, view) = (pre.scroll_top(), pre.client_height());
    if top < scroll || top + height > scroll + view {
        pre.set_scroll_top((top - view / 3).max(0));
    }
}

fn update(pre: &Element, shown: &Rc<RefCell<Option<AttrValue>>>, text: &AttrValue) {
    let new: Vec<&str> = text.split('\n').collect();
    let mut shown = shown.borrow_mut();
    let old: Vec<&str> = match shown.as_deref() {
        Some(old) => old.split('\n').collect(),
        None => Vec::new(),
    };
    let (mut head, old_end, new_end) = changed_range(&old, &new);
    // Lines added after the old last line: that line needs its newline now, so redo it too.
    if head == old.len() && head > 0 {
        head -= 1;
    }
    if head == 0 && old_end == old.len() {
        pre.set_inner_html(&lines_html(&new, true));
    } else {
        let first_removed = pre
            .query_selector(&format!(":scope > span:nth-child({})", head + 1))
            .ok()
            .flatten();
        let mut cursor = first_removed;
        for _ in head..old_end {
            let Some(line) = cursor else { break };
            cursor = line.next_element_sibling();
            line.remove();
        }
        let html = lines_html(&new[head..new_end], new_end == new.len());
        let inserted = match cursor {
            Some(next) => next.insert_adjacent_html("beforebegin", &html),
            None => pre.insert_adjacent_html("beforeend", &html),
        };
        if inserted.is_err() {
            pre.set_inner_html(&lines_html(&new, true));
        } else if !old.is_empty() {
            reveal_line(pre, head);
        }
    }
    drop(old);
    *shown = Some(text.clone());
}
