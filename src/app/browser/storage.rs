//! Remembering the composition across reloads, in `localStorage`.
//!
//! Only [`Composition::redacted`] is ever written: no secret value, and the API token is not
//! part of the composition at all.

use web_sys::Storage;

use crate::model::Composition;

use super::files::describe;

/// The `localStorage` key holding the composition.
pub const KEY: &str = "bindery.composition";

/// How a save went.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Saved {
    Complete,
    /// The module bytes did not fit; they are left out and must be added again after a reload.
    WithoutModuleBytes,
}

fn local() -> Result<Storage, String> {
    web_sys::window()
        .ok_or("no window")?
        .local_storage()
        .map_err(|e| describe(&e))?
        .ok_or_else(|| "local storage is not available".to_string())
}

/// The text stored for a composition.
pub fn storage_text(c: &Composition) -> String {
    // Through `Value`: one serializer for the model keeps the wasm smaller.
    serde_json::to_value(c.redacted())
        .map(|v| v.to_string())
        .unwrap_or_default()
}

pub fn save(c: &Composition) -> Result<Saved, String> {
    let storage = local()?;
    if storage.set_item(KEY, &storage_text(c)).is_ok() {
        return Ok(Saved::Complete);
    }
    let mut light = c.clone();
    for module in &mut light.modules {
        module.path = Some(module.name.clone());
        module.bytes.clear();
    }
    storage
        .set_item(KEY, &storage_text(&light))
        .map(|_| Saved::WithoutModuleBytes)
        .map_err(|e| format!("could not save the composition: {}", describe(&e)))
}

/// The stored composition, if any. A stored text that no longer reads is reported, not lost.
pub fn load() -> Result<Option<Composition>, String> {
    let Some(text) = local()?.get_item(KEY).map_err(|e| describe(&e))? else {
        return Ok(None);
    };
    // Through `Value`, like imports: one deserializer for the model keeps the wasm smaller.
    serde_json::from_str::<serde_json::Value>(&text)
        .and_then(serde_json::from_value)
        .map(Some)
        .map_err(|e| format!("the saved composition could not be read ({e})"))
}

pub fn clear() {
    if let Ok(storage) = local() {
        let _ = storage.remove_item(KEY);
    }
}
