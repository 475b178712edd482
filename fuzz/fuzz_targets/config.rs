//! Fuzz target: see [`daz_fuzz::config`].
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| daz_fuzz::config(data));
