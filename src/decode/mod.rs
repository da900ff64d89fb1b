//! Reading what others sent: a `multipart/form-data` Workers upload (from wrangler, curl or any
//! client, as captured on the wire) back into a composition Bindery can show, check and send.
//!
//! Pure functions, the same on the host and in the browser; the inverse of [`crate::encode`]
//! for everything Bindery composes.

pub mod multipart;
pub mod upload;

pub use multipart::{parse as parse_multipart, FormPart};
pub use upload::{composition_from_upload, kind_of_content_type, request_from_path, Decoded};
