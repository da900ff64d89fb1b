//! The upload (Send) with XMLHttpRequest, for its upload progress events, which the Fetch API
//! does not give. Every other request goes through [`super::http`].
//!
//! The API token goes into the `Authorization` header of the one request and nowhere else.

use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{FormData, ProgressEvent, XmlHttpRequest};

use super::files::describe;
use super::http::{Reply, NO_ANSWER};

/// Bytes with their content type: a multipart body built by `encode` (the assets buckets).
pub struct Bytes<'a> {
    pub bytes: &'a [u8],
    pub content_type: &'a str,
}

/// Like [`send`], with a body already encoded (`Content-Type` as given).
pub async fn send_bytes(
    method: &str,
    url: &str,
    token: &str,
    body: Bytes<'_>,
    on_progress: impl Fn(f64, f64) + 'static,
) -> Result<Reply, String> {
    upload(method, url, token, on_progress, |xhr| {
        xhr.set_request_header("Content-Type", body.content_type)?;
        xhr.send_with_opt_u8_array(Some(body.bytes))
    })
    .await
}

/// Sends `method url` with the bearer token and the multipart body. `on_progress` gets
/// `(bytes sent, bytes total)` while the body uploads. A network failure is `Err`; any HTTP
/// status, even an error one, is `Ok`.
pub async fn send(
    method: &str,
    url: &str,
    token: &str,
    form: &FormData,
    on_progress: impl Fn(f64, f64) + 'static,
) -> Result<Reply, String> {
    upload(method, url, token, on_progress, |xhr| {
        xhr.send_with_opt_form_data(Some(form))
    })
    .await
}

async fn upload(
    method: &str,
    url: &str,
    token: &str,
    on_progress: impl Fn(f64, f64) + 'static,
    send_body: impl FnOnce(&XmlHttpRequest) -> Result<(), wasm_bindgen::JsValue>,
) -> Result<Reply, String> {
    let xhr = XmlHttpRequest::new().map_err(|e| describe(&e))?;
    xhr.open_with_async(method, url, true)
        .map_err(|e| describe(&e))?;
    xhr.set_request_header("Accept", "application/json")
        .map_err(|e| describe(&e))?;
    xhr.set_request_header("Authorization", &format!("Bearer {token}"))
        .map_err(|e| describe(&e))?;
    let progress = Closure::<dyn Fn(ProgressEvent)>::new(move |e: ProgressEvent| {
        if e.length_computable() {
            on_progress(e.loaded(), e.total());
        }
    });
    if let Ok(upload) = xhr.upload() {
        upload.set_onprogress(Some(progress.as_ref().unchecked_ref()));
    }
    let finished = js_sys::Promise::new(&mut |resolve, reject| {
        xhr.set_onload(Some(&resolve));
        xhr.set_onerror(Some(&reject));
        xhr.set_onabort(Some(&reject));
        xhr.set_ontimeout(Some(&reject));
    });
    send_body(&xhr).map_err(|e| describe(&e))?;
    let outcome = JsFuture::from(finished).await;
    if let Ok(upload) = xhr.upload() {
        upload.set_onprogress(None);
    }
    drop(progress);
    match outcome {
        Ok(_) => Ok(Reply {
            status: xhr.status().unwrap_or(0),
            body: xhr.response_text().ok().flatten().unwrap_or_default(),
        }),
        Err(_) => Err(NO_ANSWER.into()),
    }
}
