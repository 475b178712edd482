//! Fuzz target: see [`daz_fuzz::command_args`].
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| daz_fuzz::command_args(data));
