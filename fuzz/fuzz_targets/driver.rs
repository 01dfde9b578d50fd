//! Bytes and a transport fault schedule through both drivers, blocking and async: fully flushed or an I/O error.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| ws_handshake_proptests::fuzz::driver(data));
