//! Remembering the composition across reloads, in `localStorage`.
//!
//! Only [`Composition::redacted`] is ever written: no secret value, and the API token is not
//! part of the composition at all.

use web_sys::Storage;

use crate::editor::file::{read_stored, storage_text, without_module_bytes};
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

pub fn save(c: &Composition) -> Result<Saved, String> {
    let storage = local()?;
    if storage.set_item(KEY, &storage_text(c)).is_ok() {
        return Ok(Saved::Complete);
    }
    storage
        .set_item(KEY, &storage_text(&without_module_bytes(c)))
        .map(|_| Saved::WithoutModuleBytes)
        .map_err(|e| format!("could not save the composition: {}", describe(&e)))
}

/// The stored composition, if any. A stored text that no longer reads is reported, not lost.
pub fn load() -> Result<Option<Composition>, String> {
    let Some(text) = local()?.get_item(KEY).map_err(|e| describe(&e))? else {
        return Ok(None);
    };
    read_stored(&text).map(Some)
}

pub fn clear() {
    if let Ok(storage) = local() {
        let _ = storage.remove_item(KEY);
    }
}
