//! The checks that make the proxy safe by construction. Each is a small pure function with its
//! own tests; [`layers`] turns the request-wide ones into axum middleware.

pub mod allow_list;
pub mod body_limit;
pub mod headers;
pub mod host;
pub mod layers;
pub mod origin;
pub mod target;
