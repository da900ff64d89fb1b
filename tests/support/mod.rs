//! Helpers shared by the integration tests. Each test crate uses only part of them.
#![allow(dead_code)]

pub mod bindery_serve;
pub mod http_capture;
pub mod peers;
pub mod sandbox_server;
pub mod wrangler_capture;
