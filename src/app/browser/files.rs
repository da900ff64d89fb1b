//! Reading local files the user picked or dropped.

use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{Blob, File, FileList};

/// The files of a `FileList`, in order.
pub fn files_of(list: &FileList) -> Vec<File> {
    (0..list.length()).filter_map(|i| list.get(i)).collect()
}

/// Every byte of a file (or any blob).
pub async fn read_bytes(blob: &Blob) -> Result<Vec<u8>, String> {
    let buffer = JsFuture::from(blob.array_buffer())
        .await
        .map_err(|e| format!("could not read the file: {}", describe(&e)))?;
    let buffer: js_sys::ArrayBuffer = buffer
        .dyn_into()
        .map_err(|_| "the file did not read as bytes".to_string())?;
    Ok(js_sys::Uint8Array::new(&buffer).to_vec())
}

/// Reads several files: `(name, bytes)` each.
pub async fn read_all(files: Vec<File>) -> Result<Vec<(String, Vec<u8>)>, String> {
    let mut out = Vec::with_capacity(files.len());
    for file in files {
        let bytes = read_bytes(&file)
            .await
            .map_err(|e| format!("{}: {e}", file.name()))?;
        out.push((file.name(), bytes));
    }
    Ok(out)
}

/// A readable text for a JavaScript error value.
pub fn describe(error: &wasm_bindgen::JsValue) -> String {
    if let Some(e) = error.dyn_ref::<js_sys::Error>() {
        return String::from(e.message());
    }
    error.as_string().unwrap_or_else(|| format!("{error:?}"))
}
