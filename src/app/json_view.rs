//! A `<pre>` showing syntax-coloured JSON in blocks of lines (`editor::highlight::chunks`).
//!
//! An edit usually changes a line or two of a large metadata object, so only the blocks between
//! the unchanged head and tail are replaced (one `insertAdjacentHTML`), instead of re-creating
//! thousands of nodes on every keystroke; the browser then lays out and paints only those
//! blocks, and none that are scrolled out of sight.

use std::cell::RefCell;
use std::ops::Range;
use std::rc::Rc;

use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlElement};
use yew::prelude::*;

use crate::editor::highlight::{changed_range, chunks, chunks_html, first_changed_line};

#[derive(Properties, PartialEq)]
pub struct JsonViewProps {
    pub id: AttrValue,
    pub text: AttrValue,
}

#[component]
pub fn JsonView(props: &JsonViewProps) -> Html {
    let node = use_node_ref();
    // The text currently in the DOM (shared, so keeping it costs no copy), and where its
    // blocks are in it (so it is not cut into blocks again on the next edit).
    let shown = use_mut_ref(|| None::<Shown>);
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

/// Scrolls the view (only the view, not the page) so line `line` of block `block` is shown: the
/// JSON of the field being edited stays in sight however long the composition is. The lines of
/// a block are all as tall (no wrapping in a `<pre>`).
fn reveal_line(pre: &Element, block: usize, line: usize) {
    let Some(block) = pre
        .query_selector(&format!(":scope > span:nth-child({})", block + 1))
        .ok()
        .flatten()
        .and_then(|b| b.dyn_into::<HtmlElement>().ok())
    else {
        return;
    };
    let lines = block
        .text_content()
        .map_or(1, |t| t.trim_end_matches('\n').matches('\n').count() + 1) as i32;
    let height = block.offset_height() / lines.max(1);
    let top = block.offset_top() + height * line as i32;
    let (scroll, view) = (pre.scroll_top(), pre.client_height());
    if top < scroll || top + height > scroll + view {
        pre.set_scroll_top((top - view / 3).max(0));
    }
}

/// The text in the DOM and its blocks, as byte ranges of it.
struct Shown {
    text: AttrValue,
    blocks: Vec<Range<usize>>,
}

fn update(pre: &Element, shown: &Rc<RefCell<Option<Shown>>>, text: &AttrValue) {
    let new = chunks(text);
    let mut shown = shown.borrow_mut();
    let old: Vec<&str> = shown
        .as_ref()
        .map(|s| s.blocks.iter().map(|r| &s.text[r.clone()]).collect())
        .unwrap_or_default();
    let (head, old_end, new_end) = changed_range(&old, &new);
    if head == 0 && old_end == old.len() {
        pre.set_inner_html(&chunks_html(&new));
    } else {
        let first_removed = pre
            .query_selector(&format!(":scope > span:nth-child({})", head + 1))
            .ok()
            .flatten();
        let mut cursor = first_removed;
        for _ in head..old_end {
            let Some(block) = cursor else { break };
            cursor = block.next_element_sibling();
            block.remove();
        }
        let html = chunks_html(&new[head..new_end]);
        let inserted = match cursor {
            Some(next) => next.insert_adjacent_html("beforebegin", &html),
            None => pre.insert_adjacent_html("beforeend", &html),
        };
        if inserted.is_err() {
            pre.set_inner_html(&chunks_html(&new));
        } else if let Some(new_block) = new.get(head) {
            let old_block = old.get(head).copied().unwrap_or_default();
            reveal_line(pre, head, first_changed_line(old_block, new_block));
        }
    }
    drop(old);
    // The blocks follow each other and join to the text.
    let mut start = 0;
    let blocks = new
        .iter()
        .map(|block| {
            start += block.len();
            start - block.len()..start
        })
        .collect();
    *shown = Some(Shown {
        text: text.clone(),
        blocks,
    });
}
