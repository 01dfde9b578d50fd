//! The public API off the handshake's path: configurations, odd keys, texts, short buffers, a delivery.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| ws_handshake_proptests::fuzz::surface(data));
