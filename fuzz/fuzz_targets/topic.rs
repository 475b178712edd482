//! Fuzz target: see [`daz_fuzz::topic`].
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| daz_fuzz::topic(data));
