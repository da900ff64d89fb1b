//! Bindery: compose, check and send Cloudflare Workers multipart uploads.
//!
//! Layers, each usable on its own:
//! - [`model`]: the upload request as pure data (endpoint, metadata, bindings, modules);
//! - [`rules`]: checks over the model, returning findings (errors and warnings);
//! - [`encode`]: the exact encodings of a model (metadata JSON, multipart body, curl command);
//! - [`decode`]: the inverse, a multipart upload as sent on the wire read back as a model;
//! - [`diff`]: what an upload changes on a deployed Worker, and loading one as a composition;
//! - [`explain`]: plain explanations of the API's error answers;
//! - [`editor`]: the composer's state machine (actions, reducer, derived view, account
//!   session), so the app's logic is tested on the host;
//! - [`import`]: compositions from a wrangler configuration or a curl command;
//! - `cli`, `clock` and `server` (native only): the `bindery` command, the wall clock, and the
//!   proxy + sandbox; `fuzz` (native only): the checks the fuzz targets run;
//! - `app` (wasm32 only): the Yew composer running in the browser: rendering and browser calls
//!   around [`editor`].

pub mod assets;
pub mod decode;
pub mod deploy;
pub mod diff;
pub mod editor;
pub mod encode;
pub mod explain;
pub mod import;
pub mod model;
pub mod rules;
pub mod send;

#[cfg(not(target_arch = "wasm32"))]
pub mod cli;
#[cfg(not(target_arch = "wasm32"))]
pub mod clock;
#[cfg(not(target_arch = "wasm32"))]
pub mod fuzz;
#[cfg(not(target_arch = "wasm32"))]
pub mod server;

#[cfg(target_arch = "wasm32")]
pub mod app;
