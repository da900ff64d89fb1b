//! Sending many uploads, the pure parts (`bindery send --many`; the requests themselves are the
//! CLI's): per-Worker values put into a composition template by JSON pointer ([`pointer`]), the
//! rate limiter's arithmetic ([`rate`]), which failures are retried and after how long
//! ([`retry`]), and the JSON-lines report that `--resume` reads back ([`report`]).

pub mod pointer;
pub mod rate;
pub mod report;
pub mod retry;
