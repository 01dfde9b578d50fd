//! The core's verdict on a head's syntax against httparse's.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| ws_handshake_proptests::fuzz::differential(data));
