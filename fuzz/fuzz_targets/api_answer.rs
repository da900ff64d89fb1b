//! `bindery::fuzz::api_answer` under libFuzzer (see that function for what it checks).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| bindery::fuzz::api_answer(data));
