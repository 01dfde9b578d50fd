//! Requests shared by the core's test files.
#![allow(dead_code, reason = "each test file uses some of these")]

use ws_handshake::{Handshake, MAX_RESPONSE_LEN, Progress, Status, ValidConfig};

/// The key of RFC 6455's example (section 1.3).
pub const KEY: &str = "dGhlIHNhbXBsZSBub25jZQ==";

/// The fields of the valid request every test starts from.
const FIELDS: [&str; 5] = [
    "Host: example.com",
    "Upgrade: websocket",
    "Connection: Upgrade",
    "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==",
    "Sec-WebSocket-Version: 13",
];

/// A request head: `request_line`, the valid fields but those whose names
/// are in `drop`, then the `add` lines, and the blank line.
pub fn request(request_line: &str, drop: &[&str], add: &[&str]) -> Vec<u8> {
    let kept = FIELDS.into_iter().filter(|field| !drop.iter().any(|name| field.starts_with(&format!("{name}:"))));
    let mut text = format!("{request_line}\r\n");
    for line in kept.chain(add.iter().copied()) {
        text.push_str(line);
        text.push_str("\r\n");
    }
    text.push_str("\r\n");
    text.into_bytes()
}

/// The valid `GET /chat` with changes: `drop` and `add` as for [`request`].
pub fn get(drop: &[&str], add: &[&str]) -> Vec<u8> {
    request("GET /chat HTTP/1.1", drop, add)
}

/// Feeds `bytes` to a fresh handshake reading into `buf`, in reads of at
/// most `chunk` bytes, then ends the stream if `end_of_stream`; returns the
/// first progress that is not `NeedMore`, or the last one.
pub fn feed<'a>(
    config: &'a ValidConfig<'a>,
    buf: &'a mut [u8],
    bytes: &[u8],
    chunk: usize,
    end_of_stream: bool,
) -> Progress<'a> {
    let mut handshake = Handshake::new(config, buf).expect("a buffer of max_head_len");
    for piece in bytes.chunks(chunk.max(1)) {
        let unfilled = handshake.unfilled();
        let n = piece.len().min(unfilled.len());
        unfilled[..n].copy_from_slice(&piece[..n]);
        if handshake.filled(n) == Status::Decided {
            return handshake.into_progress();
        }
    }
    if end_of_stream {
        let _ = handshake.filled(0);
    }
    handshake.into_progress()
}

/// The response bytes the contract's defaults give for `progress` (empty
/// for `NeedMore`).
pub fn response_bytes(progress: &Progress<'_>) -> Vec<u8> {
    let mut buf = [0; MAX_RESPONSE_LEN];
    let len = response_bytes_into(progress, &mut buf);
    buf[..len].to_vec()
}

/// Writes the response the contract's defaults give for `progress` into
/// `buf`; returns its length (0 for `NeedMore`).
pub fn response_bytes_into(progress: &Progress<'_>, buf: &mut [u8; MAX_RESPONSE_LEN]) -> usize {
    progress.response().map_or(0, |response| response.write(buf).expect("MAX_RESPONSE_LEN suffices"))
}
