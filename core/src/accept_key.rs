//! The `Sec-WebSocket-Accept` value (RFC 6455 section 4.2.2).

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use sha1::{Digest as _, Sha1};

/// The GUID RFC 6455 section 1.3 appends to the client's key.
pub const WEBSOCKET_GUID: &[u8; 36] = b"258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

/// The length of an accept key: base64 of a 20-byte SHA-1 digest.
pub const ACCEPT_KEY_LEN: usize = 28;

/// Computes the `Sec-WebSocket-Accept` value for a `Sec-WebSocket-Key` value.
///
/// > the server has to take the value (as present in the header field, e.g.,
/// > the base64-encoded [RFC4648] version minus any leading and trailing
/// > whitespace) and concatenate this with the Globally Unique Identifier
/// > (GUID, [RFC4122]) "258EAFA5-E914-47DA-95CA-C5AB0DC85B11" [...]. A SHA-1
/// > hash (160 bits) [FIPS.180-3], base64-encoded (see Section 4 of
/// > [RFC4648]), of this concatenation is then returned in the server's
/// > handshake.                                      (RFC 6455 section 1.3)
///
/// ```
/// let accept = ws_handshake::accept_key(b"dGhlIHNhbXBsZSBub25jZQ==");
/// assert_eq!(&accept, b"s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
/// ```
pub fn accept_key(key: &[u8]) -> [u8; ACCEPT_KEY_LEN] {
    let digest = Sha1::new().chain_update(key).chain_update(WEBSOCKET_GUID).finalize();
    let mut accept = [0; ACCEPT_KEY_LEN];
    // 20 bytes always encode to exactly 28, so this cannot fail; a failure
    // would leave zeros, which the tests would see.
    let _ = STANDARD.encode_slice(digest, &mut accept);
    accept
}
