//! A request described by vocabulary choices: reaches the deep rules; the model and the oracle judge.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| ws_handshake_proptests::fuzz::structured(data));
