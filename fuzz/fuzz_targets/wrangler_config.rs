//! `bindery::fuzz::wrangler_config` under libFuzzer (see that function for what it checks).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| bindery::fuzz::wrangler_config(data));
