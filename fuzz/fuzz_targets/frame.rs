//! Fuzz target: see [`daz_fuzz::frame`].
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| daz_fuzz::frame(data));
