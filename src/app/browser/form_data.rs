//! The multipart body as a `FormData`, built from [`crate::encode::multipart::parts`].

use wasm_bindgen::JsValue;
use web_sys::{Blob, BlobPropertyBag, FormData};

use crate::encode::Part;

/// The JSON part travels as a plain string field (no filename, as the API wants); every other
/// part as a `Blob` with its content type and filename.
pub fn form_data(parts: &[Part]) -> Result<FormData, JsValue> {
    let form = FormData::new()?;
    for part in parts {
        match &part.filename {
            None => {
                let text = String::from_utf8_lossy(&part.body);
                form.append_with_str(&part.name, &text)?;
            }
            Some(filename) => {
                let blob = blob_of(&part.body, part.content_type.as_deref().unwrap_or(""))?;
                form.append_with_blob_and_filename(&part.name, &blob, filename)?;
            }
        }
    }
    Ok(form)
}

/// A blob holding `bytes` with the given MIME type.
pub fn blob_of(bytes: &[u8], content_type: &str) -> Result<Blob, JsValue> {
    let options = BlobPropertyBag::new();
    options.set_type(content_type);
    let array = js_sys::Uint8Array::from(bytes);
    Blob::new_with_u8_array_sequence_and_options(&js_sys::Array::of1(&array), &options)
}
