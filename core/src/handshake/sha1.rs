//! SHA-1's compression function (FIPS 180-4 section 6.1.2), the one piece
//! of SHA-1 the accept key needs: `accept_key.rs` pads the key and the GUID
//! itself.
//!
//! It is written here, not taken from the `sha1` crate, for the no-panic
//! proof (`cargo xtask proof`): a call into another crate's function is one
//! LLVM cannot see never unwinds, even with fat LTO, so every function that
//! computed an accept key failed the proof. This one is plain arithmetic on
//! arrays, checked against the `sha1` crate by the tests.

/// SHA-1's initial hash value (FIPS 180-4 section 5.3.1).
pub(in crate::handshake) const INITIAL: [u32; 5] = [0x6745_2301, 0xefcd_ab89, 0x98ba_dcfe, 0x1032_5476, 0xc3d2_e1f0];

/// Folds one 512-bit block into `state`.
///
/// > For t = 0 to 79: T = ROTL^5(a) + f_t(b, c, d) + e + K_t + W_t;
/// > e = d; d = c; c = ROTL^30(b); b = a; a = T.
/// >                                            (FIPS 180-4 section 6.1.2)
pub(in crate::handshake) fn compress(state: &mut [u32; 5], block: &[u8; 64]) {
    // The message schedule: the block's sixteen words, then
    // W_t = ROTL^1(W_t-3 ^ W_t-8 ^ W_t-14 ^ W_t-16) up to W_79.
    let mut w = [0u32; 80];
    for (word, bytes) in w.iter_mut().zip(block.chunks_exact(4)) {
        *word = u32::from_be_bytes(bytes.try_into().unwrap_or_default());
    }
    for t in 16..80 {
        let at = |back: usize| w.get(t - back).copied().unwrap_or_default();
        let next = (at(3) ^ at(8) ^ at(14) ^ at(16)).rotate_left(1);
        if let Some(slot) = w.get_mut(t) {
            *slot = next;
        }
    }
    // Four stages of twenty rounds, each with its own f and K (FIPS 180-4
    // sections 4.1.1 and 4.2.1): Ch, Parity, Maj, Parity.
    let mut stages = w.chunks_exact(20);
    let mut v = *state;
    for &w in stages.next().unwrap_or_default() {
        let [_, b, c, d, _] = v;
        round(&mut v, (b & c) | (!b & d), 0x5a82_7999, w);
    }
    for &w in stages.next().unwrap_or_default() {
        let [_, b, c, d, _] = v;
        round(&mut v, b ^ c ^ d, 0x6ed9_eba1, w);
    }
    for &w in stages.next().unwrap_or_default() {
        let [_, b, c, d, _] = v;
        round(&mut v, (b & c) | (b & d) | (c & d), 0x8f1b_bcdc, w);
    }
    for &w in stages.next().unwrap_or_default() {
        let [_, b, c, d, _] = v;
        round(&mut v, b ^ c ^ d, 0xca62_c1d6, w);
    }
    for (h, v) in state.iter_mut().zip(v) {
        *h = h.wrapping_add(v);
    }
}

/// One round on the working variables `[a, b, c, d, e]`, given `f(b, c, d)`,
/// `K` and `W`.
#[inline(always)]
fn round(v: &mut [u32; 5], f: u32, k: u32, w: u32) {
    let [a, b, c, d, e] = *v;
    let t = a.rotate_left(5).wrapping_add(f).wrapping_add(e).wrapping_add(k).wrapping_add(w);
    *v = [t, a, b.rotate_left(30), c, d];
}

#[cfg(test)]
mod tests {
    use super::{INITIAL, compress};

    /// Blocks from a fixed xorshift, folded one after another, give the
    /// `sha1` crate's state.
    #[test]
    fn compress_matches_the_sha1_crate() {
        let mut seed = 0x2545_f491_4f6c_dd1du64;
        let (mut ours, mut theirs) = (INITIAL, INITIAL);
        for _ in 0..500 {
            let block: [u8; 64] = core::array::from_fn(|_| {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                seed.to_le_bytes()[0]
            });
            compress(&mut ours, &block);
            sha1::block_api::compress(&mut theirs, &[block]);
            assert_eq!(ours, theirs);
        }
    }
}
