//! The upload model: pure data describing one request to the Workers API.
//!
//! Nothing here encodes, validates or performs I/O; see `encode` and `rules` for that.
//! The serde form of [`Composition`] is the composition file format (`"format": 1`) that the
//! CLI reads and the app imports and exports.

mod binding;
pub mod catalog;
mod metadata;
mod module;
mod open;
mod redact;
mod request;

pub use binding::*;
pub use metadata::*;
pub use module::*;
pub use open::*;
pub use request::*;

use serde::{Deserialize, Serialize};

/// The version of the composition file format written by this build.
pub const FORMAT_VERSION: u32 = 1;

/// Everything needed to produce one Workers API request.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Composition {
    /// Composition file format version; always [`FORMAT_VERSION`] when written.
    pub format: u32,
    pub request: Request,
    #[serde(default)]
    pub metadata: Metadata,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub modules: Vec<Module>,
}

impl Default for Composition {
    fn default() -> Self {
        Composition {
            format: FORMAT_VERSION,
            request: Request::default(),
            metadata: Metadata::default(),
            modules: Vec::new(),
        }
    }
}

impl Composition {
    /// The module named `name`, if any.
    pub fn module(&self, name: &str) -> Option<&Module> {
        self.modules.iter().find(|m| m.name == name)
    }

    /// The module the metadata points at as entry (`main_module` or `body_part`).
    pub fn entry_module(&self) -> Option<&Module> {
        self.metadata
            .entry_part()
            .and_then(|name| self.module(name))
    }
}

/// Serde helper: skip `false` booleans.
pub(crate) fn is_false(value: &bool) -> bool {
    !*value
}
