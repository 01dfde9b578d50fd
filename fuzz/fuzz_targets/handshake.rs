//! Raw bytes (the first byte says how the stream ends) through the core; the model and the oracle judge.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| ws_handshake_proptests::fuzz::handshake(data));
