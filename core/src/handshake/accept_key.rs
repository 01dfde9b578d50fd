//! The `Sec-WebSocket-Accept` value (RFC 6455 section 4.2.2).
//!
//! SHA-1's block compression is the `sha1` crate's: its SHA-NI path where
//! the CPU has the instructions (found at run time), its software path
//! otherwise. The key and the GUID are padded into blocks here rather than
//! by the crate's hasher, which the no-panic proof (`cargo xtask proof`)
//! cannot see through for a key of unknown length; the block function, on
//! blocks of a fixed size, it can.

use sha1::block_api::compress;

/// The GUID RFC 6455 section 1.3 appends to the client's key.
pub const WEBSOCKET_GUID: &[u8; 36] = b"258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

/// The length of an accept key: base64 of a 20-byte SHA-1 digest.
pub const ACCEPT_KEY_LEN: usize = 28;

/// The length of every key the handshake accepts: 16 bytes in base64.
const KEY_LEN: usize = 24;

/// SHA-1's initial hash value (FIPS 180-4 section 5.3.1).
const SHA1_INITIAL: [u32; 5] = [0x6745_2301, 0xefcd_ab89, 0x98ba_dcfe, 0x1032_5476, 0xc3d2_e1f0];

/// Computes the `Sec-WebSocket-Accept` value for a `Sec-WebSocket-Key` value.
///
/// > the server has to take the value (as present in the header field, e.g.,
/// > the base64-encoded \[RFC4648\] version minus any leading and trailing
/// > whitespace) and concatenate this with the Globally Unique Identifier
/// > (GUID, \[RFC4122\]) "258EAFA5-E914-47DA-95CA-C5AB0DC85B11" [...]. A SHA-1
/// > hash (160 bits) \[FIPS.180-3\], base64-encoded (see Section 4 of
/// > \[RFC4648\]), of this concatenation is then returned in the server's
/// > handshake.                                      (RFC 6455 section 1.3)
///
/// ```
/// let accept = ws_handshake::accept_key(b"dGhlIHNhbXBsZSBub25jZQ==");
/// assert_eq!(&accept, b"s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
/// ```
pub fn accept_key(key: &[u8]) -> [u8; ACCEPT_KEY_LEN] {
    let digest = match <&[u8; KEY_LEN]>::try_from(key) {
        Ok(key) => sha1_of_key_and_guid(key),
        Err(_) => sha1_of_any_key_and_guid(key),
    };
    base64(&digest)
}

/// The base64 alphabet (RFC 4648 section 4, table 1).
const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// base64 of a 20-byte digest (RFC 4648 section 4): six groups of three
/// bytes as four characters each, then the last two bytes as three and one
/// `=`.
///
/// Written here because no encoding API of the `base64` crate (its test
/// reference) could be proven panic-free (`cargo xtask proof`).
fn base64(digest: &[u8; 20]) -> [u8; ACCEPT_KEY_LEN] {
    let mut out = [b'='; ACCEPT_KEY_LEN];
    for (bytes, chars) in digest.chunks(3).zip(out.chunks_exact_mut(4)) {
        let [a, b, c] = [0, 1, 2].map(|i| bytes.get(i).copied().map_or(0, u32::from));
        let group = a << 16 | b << 8 | c;
        // One character per six bits the group's bytes hold: 4 for three
        // bytes, 3 for two; the rest stay `=`.
        let sextets = [18, 12, 6, 0].map(|shift| group >> shift & 63);
        for (char, sextet) in chars.iter_mut().zip(sextets).take(bytes.len() + 1) {
            *char = ALPHABET.get(sextet as usize).copied().unwrap_or(b'=');
        }
    }
    out
}

/// SHA-1 of a 24-byte key and the GUID: 60 bytes, always the same two
/// padded blocks but for the key, compressed at once. The hasher's
/// buffering would cost half as much again as the compression.
fn sha1_of_key_and_guid(key: &[u8; KEY_LEN]) -> [u8; 20] {
    let [mut first, second] = PADDED_BLOCKS;
    if let Some(slot) = first.first_chunk_mut::<KEY_LEN>() {
        *slot = *key;
    }
    let mut state = SHA1_INITIAL;
    compress(&mut state, &[first, second]);
    digest(state)
}

/// SHA-1 of a key of any other length and the GUID, padded and compressed
/// a block at a time.
fn sha1_of_any_key_and_guid(key: &[u8]) -> [u8; 20] {
    let len = key.len().saturating_add(WEBSOCKET_GUID.len());
    // A "1" bit, then zeros up to 8 bytes short of a block's end.
    let zeros = (119 - len % 64) % 64;
    let bits = u64::try_from(len).unwrap_or(u64::MAX).wrapping_mul(8).to_be_bytes();
    let blocks = len.saturating_add(1 + 8).saturating_add(zeros) / 64;
    let padded = key.iter().chain(WEBSOCKET_GUID).copied().chain([0x80]);
    let mut bytes = padded.chain(core::iter::repeat_n(0, zeros)).chain(bits);
    let mut state = SHA1_INITIAL;
    for _ in 0..blocks {
        let mut block = [0; 64];
        for (slot, byte) in block.iter_mut().zip(&mut bytes) {
            *slot = byte;
        }
        compress(&mut state, core::slice::from_ref(&block));
    }
    digest(state)
}

/// The digest of a final SHA-1 state: its words, big-endian.
fn digest(state: [u32; 5]) -> [u8; 20] {
    let mut digest = [0; 20];
    for (chunk, word) in digest.chunks_exact_mut(4).zip(state) {
        if let Ok(slot) = <&mut [u8; 4]>::try_from(chunk) {
            *slot = word.to_be_bytes();
        }
    }
    digest
}

/// The two blocks of a 24-byte key (zeros here) and the GUID, padded:
///
/// > the message [...] is padded by appending a "1" bit, then "0" bits, and
/// > then the 64-bit big-endian bit length, to a multiple of 512 bits
/// >                                         (FIPS 180-4 section 5.1.1)
#[expect(clippy::indexing_slicing, reason = "evaluated at compile time, where a bad index fails the build")]
const PADDED_BLOCKS: [[u8; 64]; 2] = {
    let mut blocks = [[0; 64]; 2];
    let mut i = 0;
    while i < WEBSOCKET_GUID.len() {
        blocks[0][KEY_LEN + i] = WEBSOCKET_GUID[i];
        i += 1;
    }
    blocks[0][KEY_LEN + WEBSOCKET_GUID.len()] = 0x80;
    let bits = ((KEY_LEN + WEBSOCKET_GUID.len()) as u64 * 8).to_be_bytes();
    let mut i = 0;
    while i < 8 {
        blocks[1][56 + i] = bits[i];
        i += 1;
    }
    blocks
};

#[cfg(test)]
mod tests {
    use ::base64::Engine as _;
    use ::base64::engine::general_purpose::STANDARD;
    use ::sha1::{Digest as _, Sha1};

    use super::*;

    /// The hasher's answer, the definition the fast path must match.
    fn by_hasher(key: &[u8]) -> [u8; 20] {
        Sha1::new().chain_update(key).chain_update(WEBSOCKET_GUID).finalize().into()
    }

    /// Every key of 24 bytes from a fixed xorshift, and keys of every other
    /// length up to 200 (the hasher's path), agree with the hasher.
    #[test]
    fn padded_blocks_match_the_hasher() {
        let mut state = 0x9e37_79b9_7f4a_7c15u64;
        let mut next = || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state.to_le_bytes()[0]
        };
        for _ in 0..1000 {
            let key: [u8; KEY_LEN] = std::array::from_fn(|_| next());
            assert_eq!(sha1_of_key_and_guid(&key), by_hasher(&key), "{key:?}");
        }
        for len in 0..200 {
            let key: Vec<u8> = (0..len).map(|_| next()).collect();
            let mut expected = [0; ACCEPT_KEY_LEN];
            STANDARD.encode_slice(by_hasher(&key), &mut expected).unwrap();
            assert_eq!(base64(&by_hasher(&key)), expected, "length {len}");
            assert_eq!(accept_key(&key), expected, "length {len}");
        }
    }
}
