//! Bytes and cut points: feeding them cut must equal feeding them at once.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| ws_handshake_proptests::fuzz::chunked(data));
