//! Copying text with the Clipboard API.

use wasm_bindgen_futures::JsFuture;

use super::files::describe;

pub async fn copy_text(text: &str) -> Result<(), String> {
    let window = web_sys::window().ok_or("no window")?;
    let clipboard = window.navigator().clipboard();
    JsFuture::from(clipboard.write_text(text))
        .await
        .map(|_| ())
        .map_err(|e| format!("the browser refused to copy ({})", describe(&e)))
}
