//! Encodings of a composition: metadata JSON, multipart body, curl command, programs in other
//! languages that send the same request (see [`code`]), and a wrangler.jsonc ([`wrangler`]).
//!
//! Pure functions over [`crate::model::Composition`]: no I/O, the same on the host and in the
//! browser.

pub mod code;
pub mod curl;
pub mod json;
pub mod multipart;
pub mod preview;
pub mod wrangler;

pub use curl::{command, CurlCommand, CurlOptions};
pub use json::{compact, disputed_fields, dropped_fields, notes, pretty, wire_metadata};
pub use multipart::{body, content_type_header, heads, parts, Part, PartHead, DEFAULT_BOUNDARY};
pub use preview::{preview, Preview, SECRET_MASK};
