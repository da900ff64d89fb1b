//! `bindery::fuzz::curl_command` under libFuzzer (see that function for what it checks).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| bindery::fuzz::curl_command(data));
