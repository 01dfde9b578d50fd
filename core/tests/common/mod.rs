//! Requests shared by the core's test files.

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
