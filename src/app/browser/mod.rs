//! Browser-only pieces, each small and testable in a real browser (`tests/browser.rs`).

pub mod api;
pub mod clipboard;
pub mod date;
pub mod download;
pub mod files;
pub mod focus;
pub mod folder;
pub mod form_data;
pub mod http;
pub mod storage;
pub mod worker;
pub mod xhr;
