//! `Sec-WebSocket-Accept`, computed here rather than by the core, so that a
//! bug in the core's key must be made twice to go unseen.

use base64::Engine as _;
use sha1::{Digest as _, Sha1};

use crate::request;

/// The GUID RFC 6455 section 1.3 appends to the key.
const GUID: &str = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

/// `base64(SHA-1(key + GUID))` (RFC 6455 section 4.2.2), for a key of
/// any length.
pub fn accept_value(key: &[u8]) -> String {
    let mut sha1 = Sha1::new();
    sha1.update(key);
    sha1.update(GUID.as_bytes());
    base64::engine::general_purpose::STANDARD.encode(sha1.finalize())
}

/// The accept value a 101 to `request` must carry, or, when the request
/// does not hold exactly one `Sec-WebSocket-Key`, why no 101 may answer it.
pub fn expected_accept(request: &[u8]) -> Result<String, String> {
    let keys: Vec<&[u8]> = request::values(request, "sec-websocket-key").collect();
    match keys[..] {
        [key] => Ok(accept_value(key)),
        _ => Err(format!("101 to a request with {} Sec-WebSocket-Key fields", keys.len())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc_6455_example() {
        assert_eq!(accept_value(b"dGhlIHNhbXBsZSBub25jZQ=="), "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
    }
}
