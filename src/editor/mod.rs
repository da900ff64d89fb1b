//! The composer's state machine, without a browser: the composition being edited, what is
//! derived from it and how the checks present it, the actions that change it, the examples to
//! start from, the output's tabs, the account session, the resources a composition needs, and
//! the parsers of the API's answers the app reads.
//!
//! The browser app (`app`) renders this state and makes the browser calls (files, storage,
//! requests); every decision about what an input means or what an action changes is here, so
//! `cargo test` on the host covers it. Builds for wasm32 and the host, like the rest of the core.

pub mod checks;
pub mod derived;
pub mod edit;
pub mod examples;
pub mod file;
pub mod highlight;
pub mod import;
pub mod lists;
pub mod live;
pub mod output;
pub mod resources;
pub mod setup;
mod state;
#[cfg(test)]
mod tests;

pub use derived::{findings_per_binding, Derived};
pub use edit::BindingEdit;
pub use output::OutputTab;
pub use state::{start_from_deployed, Action, Editor, Notice, EDIT_REFUSED};
