//! A folder of static assets from the page: picked with a folder input (`webkitdirectory`) or
//! dropped (the entries API), each file with its path inside the folder, and hashed in chunks
//! that give the page back between them.

use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{Blob, File};

use super::date::now_ms;
use super::files::describe;
use crate::assets::AssetHasher;

/// Bytes read (and hashed) per step.
const CHUNK: f64 = 1024.0 * 1024.0;
/// The longest the page is kept busy between two yields, in milliseconds.
const SLICE_MS: f64 = 12.0;

fn get(target: &JsValue, key: &str) -> JsValue {
    js_sys::Reflect::get(target, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
}

/// The files of a folder input, each with its `webkitRelativePath` (`site/css/a.css`).
pub fn picked(files: Vec<File>) -> Vec<(String, File)> {
    files
        .into_iter()
        .map(|file| {
            let path = get(&file, "webkitRelativePath")
                .as_string()
                .filter(|p| !p.is_empty())
                .unwrap_or_else(|| file.name());
            (path, file)
        })
        .collect()
}

/// Calls `method` on `target` with a success and an error callback, as a promise.
async fn callback_promise(target: &JsValue, method: &str) -> Result<JsValue, String> {
    let function: js_sys::Function = get(target, method)
        .dyn_into()
        .map_err(|_| format!("the browser cannot read dropped folders ({method})"))?;
    let target = target.clone();
    let promise = js_sys::Promise::new(&mut |resolve, reject| {
        let _ = function.call2(&target, &resolve, &reject);
    });
    JsFuture::from(promise).await.map_err(|e| describe(&e))
}

/// Every file of the dropped items, with its path (`site/css/a.css`), walking folders.
pub async fn dropped(items: &web_sys::DataTransferItemList) -> Result<Vec<(String, File)>, String> {
    let mut pending: Vec<JsValue> = Vec::new();
    for i in 0..items.length() {
        let Some(item) = items.get(i) else { continue };
        let entry = js_sys::Reflect::get(&item, &JsValue::from_str("webkitGetAsEntry"))
            .ok()
            .and_then(|f| f.dyn_into::<js_sys::Function>().ok())
            .and_then(|f| f.call0(&item).ok())
            .filter(|e| !e.is_null() && !e.is_undefined());
        if let Some(entry) = entry {
            pending.push(entry);
        }
    }
    let mut files = Vec::new();
    while let Some(entry) = pending.pop() {
        let path = get(&entry, "fullPath")
            .as_string()
            .unwrap_or_default()
            .trim_start_matches('/')
            .to_string();
        if get(&entry, "isFile").as_bool() == Some(true) {
            let file: File = callback_promise(&entry, "file")
                .await?
                .dyn_into()
                .map_err(|_| format!("{path}: not a file"))?;
            files.push((path, file));
        } else if get(&entry, "isDirectory").as_bool() == Some(true) {
            let reader = js_sys::Reflect::get(&entry, &JsValue::from_str("createReader"))
                .ok()
                .and_then(|f| f.dyn_into::<js_sys::Function>().ok())
                .and_then(|f| f.call0(&entry).ok())
                .ok_or_else(|| format!("{path}: cannot list the folder"))?;
            // readEntries answers in batches until an empty one.
            loop {
                let batch: js_sys::Array = callback_promise(&reader, "readEntries")
                    .await?
                    .dyn_into()
                    .map_err(|_| format!("{path}: cannot list the folder"))?;
                if batch.length() == 0 {
                    break;
                }
                pending.extend(batch.iter());
            }
        }
    }
    Ok(files)
}

/// Gives the page back (a task boundary) when this slice has run long enough.
pub struct Yielder {
    since: f64,
}

impl Default for Yielder {
    fn default() -> Self {
        Yielder { since: now_ms() }
    }
}

impl Yielder {
    pub async fn maybe(&mut self) {
        if now_ms() - self.since >= SLICE_MS {
            gloo_timers::future::TimeoutFuture::new(0).await;
            self.since = now_ms();
        }
    }
}

/// The asset hash of `file` at `relative`, read 1 MiB at a time, yielding between chunks.
pub async fn hash(file: &File, relative: &str, yielder: &mut Yielder) -> Result<String, String> {
    let mut hasher = AssetHasher::new();
    let size = file.size();
    let mut start = 0.0;
    while start < size {
        let end = (start + CHUNK).min(size);
        let slice: Blob = file
            .slice_with_f64_and_f64(start, end)
            .map_err(|e| describe(&e))?;
        let bytes = super::files::read_bytes(&slice).await?;
        hasher.update(&bytes);
        start = end;
        yielder.maybe().await;
    }
    yielder.maybe().await;
    Ok(hasher.finish(relative))
}

/// A file's whole text (`.assetsignore`, `_headers`, `_redirects`).
pub async fn text(file: &File) -> Result<String, String> {
    let bytes = super::files::read_bytes(file).await?;
    String::from_utf8(bytes).map_err(|_| format!("{}: not UTF-8 text", file.name()))
}
