//! Any bytes, as a WebSocket text frame: the decoder never panics.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let _ = daz_cytube::codec::Incoming::decode(&text);
    let _ = daz_cytube::event::ServerEvent::from_json(&text);
});
