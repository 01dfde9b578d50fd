//! The baseline: httparse alone parsing the bytes, no checks. The other
//! targets' executions per second are compared with this one's.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let mut headers = [httparse::EMPTY_HEADER; 64];
    let _ = httparse::Request::new(&mut headers).parse(data);
});
