//! Bytes and a transport fault schedule through the blocking driver: fully flushed or an I/O error.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| ws_handshake_proptests::fuzz::driver(data));
