//! Moving the keyboard focus to the field a finding or an error is about.

use wasm_bindgen::JsCast;
use web_sys::{HtmlElement, ScrollBehavior, ScrollIntoViewOptions, ScrollLogicalPosition};

use crate::rules::At;

/// Focuses the element for `at`, or for the closest parent path that has one; opens the
/// `<details>` around it first. Returns whether something was focused.
pub fn focus_at(at: &At) -> bool {
    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        return false;
    };
    for path in at.and_parents() {
        let Some(element) = document.get_element_by_id(&path.element_id()) else {
            continue;
        };
        let mut parent = element.parent_element();
        while let Some(node) = parent {
            if node.tag_name().eq_ignore_ascii_case("details") {
                let _ = node.set_attribute("open", "");
            }
            parent = node.parent_element();
        }
        let options = ScrollIntoViewOptions::new();
        options.set_behavior(ScrollBehavior::Smooth);
        options.set_block(ScrollLogicalPosition::Center);
        element.scroll_into_view_with_scroll_into_view_options(&options);
        if let Some(html) = element.dyn_ref::<HtmlElement>() {
            let _ = html.focus();
        }
        return true;
    }
    false
}

/// Focuses the element with this exact id, after the current render.
pub fn focus_id_soon(id: String) {
    gloo_timers::callback::Timeout::new(0, move || {
        if let Some(element) = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.get_element_by_id(&id))
            .and_then(|e| e.dyn_into::<HtmlElement>().ok())
        {
            let _ = element.focus();
        }
    })
    .forget();
}
