//! Same-origin requests with XMLHttpRequest, for its upload progress events.
//!
//! The API token goes into the `Authorization` header of the one request and nowhere else.

use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{FormData, ProgressEvent, XmlHttpRequest};

use super::files::describe;

/// What came back: status (0 when nothing did) and body text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reply {
    pub status: u16,
    pub body: String,
}

/// What a request carries.
pub enum Body<'a> {
    None,
    Form(&'a FormData),
    /// A JSON text, sent as `application/json`.
    Json(&'a str),
}

/// Sends `method url` with an optional bearer token and multipart body. `on_progress` gets
/// `(bytes sent, bytes total)` while the body uploads. A network failure is `Err`; any HTTP
/// status, even an error one, is `Ok`.
pub async fn send(
    method: &str,
    url: &str,
    token: Option<&str>,
    body: Option<&FormData>,
    on_progress: impl Fn(f64, f64) + 'static,
) -> Result<Reply, String> {
    let body = match body {
        Some(form) => Body::Form(form),
        None => Body::None,
    };
    request(method, url, token, body, &[], on_progress).await
}

/// Like [`send`], with any [`Body`] and extra request headers.
pub async fn request(
    method: &str,
    url: &str,
    token: Option<&str>,
    body: Body<'_>,
    headers: &[(&str, &str)],
    on_progress: impl Fn(f64, f64) + 'static,
) -> Result<Reply, String> {
    let xhr = XmlHttpRequest::new().map_err(|e| describe(&e))?;
    xhr.open_with_async(method, url, true)
        .map_err(|e| describe(&e))?;
    xhr.set_request_header("Accept", "application/json")
        .map_err(|e| describe(&e))?;
    if let Some(token) = token {
        xhr.set_request_header("Authorization", &format!("Bearer {token}"))
            .map_err(|e| describe(&e))?;
    }
    for (name, value) in headers {
        xhr.set_request_header(name, value)
            .map_err(|e| describe(&e))?;
    }
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
    let sent = match body {
        Body::Form(form) => xhr.send_with_opt_form_data(Some(form)),
        Body::Json(text) => xhr
            .set_request_header("Content-Type", "application/json")
            .and_then(|_| xhr.send_with_opt_str(Some(text))),
        Body::None => xhr.send(),
    };
    sent.map_err(|e| describe(&e))?;
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
        Err(_) => Err("the request did not complete: is `bindery serve` still running?".into()),
    }
}
