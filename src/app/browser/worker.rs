//! The import worker: the importers (wrangler configuration, curl command, composition file)
//! run in a Web Worker of their own, a second wasm module Trunk builds from the
//! `bindery-importer` bin, so they are not part of the page's first load. The page creates the
//! worker the first time the user imports and keeps it; what a request means and how it is
//! answered is [`crate::editor::import`] (the protocol, and the pure `answer`). Here: posting
//! the text, receiving it, and noticing a worker that did not load or stopped.
//!
//! The worker posts [`WORKER_READY`] once it listens (messages posted before would be lost),
//! so requests wait in a queue until then.

use std::cell::RefCell;
use std::collections::HashMap;

use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{DedicatedWorkerGlobalScope, MessageEvent, Worker};

use crate::editor::import::{answer_text, ImportReply, ImportRequest, WORKER_READY};

/// The worker's script, as Trunk writes it beside `index.html` (a worker's files keep the bin's
/// name, without a content hash: the page names them at run time). From the root, like the
/// page's own bundle (Trunk's public URL is `/`): the page may be open at any app route.
pub const WORKER_SCRIPT: &str = "/bindery-importer_loader.js";

/// How long the worker may take to load before a request fails (it takes tens of
/// milliseconds; this is for a file that never comes).
const LOAD_TIMEOUT_MS: u32 = 20_000;

/// The page's side: the worker, its requests waiting for a reply, and the ones waiting for it
/// to load. Its handlers are kept by the browser (`forget`): a worker that fails is dropped
/// from inside one of them, which must not free the handler that is running.
struct Client {
    worker: Worker,
    /// Which worker this is (the load timeout of a failed one must not fail the next).
    generation: u32,
    ready: bool,
    queued: Vec<String>,
    /// Each request's `resolve`, by id; it is called once its reply is in [`REPLIES`].
    pending: HashMap<u32, js_sys::Function>,
}

thread_local! {
    static CLIENT: RefCell<Option<Client>> = const { RefCell::new(None) };
    static NEXT_ID: std::cell::Cell<u32> = const { std::cell::Cell::new(1) };
    static GENERATION: std::cell::Cell<u32> = const { std::cell::Cell::new(0) };
    /// Replies read (or failures made) and not yet taken by their `ask`, by id: a reply is read
    /// once, where it arrives.
    static REPLIES: RefCell<HashMap<u32, ImportReply>> = RefCell::new(HashMap::new());
}

/// A fresh request id (ids are only compared with each other, within one page).
pub fn next_id() -> u32 {
    NEXT_ID.with(|next| {
        let id = next.get();
        next.set(id.wrapping_add(1).max(1));
        id
    })
}

/// Whether the worker is loaded and listening (a dialog says "Reading…" until then).
pub fn is_ready() -> bool {
    CLIENT.with(|c| c.borrow().as_ref().is_some_and(|c| c.ready))
}

/// Sends `request` to the worker (created on the first call) and waits for its reply. A worker
/// that does not load or stops answers every waiting request with [`ImportReply::Failed`] and
/// is made again on the next request.
pub async fn ask(request: ImportRequest) -> ImportReply {
    let id = request.id();
    let text = request.to_text();
    let mut failure = None;
    let promise = js_sys::Promise::new(&mut |resolve, _reject| {
        if let Err(message) = post(id, text.clone(), resolve) {
            failure = Some(message);
        }
    });
    if let Some(message) = failure {
        return ImportReply::Failed { id, message };
    }
    // Every `resolve` is called once the reply (or a failure) is kept for its id.
    let _ = JsFuture::from(promise).await;
    REPLIES
        .with(|replies| replies.borrow_mut().remove(&id))
        .unwrap_or_else(|| ImportReply::Failed {
            id,
            message: "The importer did not answer.".into(),
        })
}

/// Keeps `reply` for its `ask` and wakes it.
fn deliver(reply: ImportReply, resolve: &js_sys::Function) {
    REPLIES.with(|replies| replies.borrow_mut().insert(reply.id(), reply));
    let _ = resolve.call0(&JsValue::NULL);
}

fn post(id: u32, text: String, resolve: js_sys::Function) -> Result<(), String> {
    CLIENT.with(|cell| {
        let mut client = cell.borrow_mut();
        if client.is_none() {
            *client = Some(start()?);
        }
        let client = client.as_mut().expect("made above");
        client.pending.insert(id, resolve);
        if client.ready {
            client
                .worker
                .post_message(&JsValue::from_str(&text))
                .map_err(|e| super::files::describe(&e))?;
        } else {
            client.queued.push(text);
        }
        Ok(())
    })
}

fn start() -> Result<Client, String> {
    let worker = Worker::new(WORKER_SCRIPT).map_err(|e| {
        format!(
            "The importer could not be started ({}).",
            super::files::describe(&e)
        )
    })?;
    let on_message = Closure::<dyn FnMut(MessageEvent)>::new(|event: MessageEvent| {
        let Some(text) = event.data().as_string() else {
            return;
        };
        if text == WORKER_READY {
            CLIENT.with(|cell| {
                if let Some(client) = cell.borrow_mut().as_mut() {
                    client.ready = true;
                    for queued in client.queued.drain(..) {
                        let _ = client.worker.post_message(&JsValue::from_str(&queued));
                    }
                }
            });
            return;
        }
        // Unreadable text answers no request (id 0 is never asked).
        let reply = ImportReply::from_text(&text, 0);
        let resolve = CLIENT.with(|cell| {
            cell.borrow_mut()
                .as_mut()
                .and_then(|client| client.pending.remove(&reply.id()))
        });
        if let Some(resolve) = resolve {
            deliver(reply, &resolve);
        }
    });
    let on_error = Closure::<dyn FnMut(web_sys::Event)>::new(|event: web_sys::Event| {
        event.prevent_default();
        let loaded = is_ready();
        fail_all(if loaded {
            "The importer stopped unexpectedly; try again."
        } else {
            "The importer could not be loaded (is the page still served?); try again."
        });
    });
    worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
    on_message.forget();
    on_error.forget();
    let generation = GENERATION.with(|g| {
        g.set(g.get().wrapping_add(1));
        g.get()
    });
    gloo_timers::callback::Timeout::new(LOAD_TIMEOUT_MS, move || {
        let loading = CLIENT.with(|cell| {
            cell.borrow()
                .as_ref()
                .is_some_and(|c| c.generation == generation && !c.ready)
        });
        if loading {
            fail_all("The importer did not load in time; try again.");
        }
    })
    .forget();
    Ok(Client {
        worker,
        generation,
        ready: false,
        queued: Vec::new(),
        pending: HashMap::new(),
    })
}

/// Answers every waiting request with `message` and drops the worker (the next request makes
/// a new one).
fn fail_all(message: &str) {
    let Some(client) = CLIENT.with(|cell| cell.borrow_mut().take()) else {
        return;
    };
    client.worker.terminate();
    for (id, resolve) in client.pending {
        let reply = ImportReply::Failed {
            id,
            message: message.to_string(),
        };
        deliver(reply, &resolve);
    }
}

/// The worker's side (the `bindery-importer` bin's `main`): answers each posted request, then
/// says it is ready.
pub fn serve() {
    let scope: DedicatedWorkerGlobalScope = js_sys::global().unchecked_into();
    let replies = scope.clone();
    let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
        let text = event.data().as_string().unwrap_or_default();
        let _ = replies.post_message(&JsValue::from_str(&answer_text(&text)));
    });
    scope.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    // The handler lives as long as the worker.
    on_message.forget();
    let _ = scope.post_message(&JsValue::from_str(WORKER_READY));
}
