//! Runs of bytes found eight at a time: each 64-bit word gets an exact mask
//! of the bytes that end the run, so the first one is found without a branch
//! per byte. The parser uses these for the long runs of a head (field names
//! and values), which are most of its bytes.

use crate::abnf::{is_tchar, is_value_byte};

const ONES: u64 = u64::from_le_bytes([0x01; 8]);
const LOW7: u64 = u64::from_le_bytes([0x7f; 8]);
const HIGH: u64 = u64::from_le_bytes([0x80; 8]);

/// The high bit of each byte of `word` that is at least `n` (`n` in
/// 1..=0x80): `(b & 0x7f) + (0x80 - n)` reaches 0x80 exactly when
/// `b >= n`, and never carries into the next byte.
const fn at_least(word: u64, n: u8) -> u64 {
    (((word & LOW7) + ONES * (0x80 - n as u64)) | word) & HIGH
}

/// The high bit of each byte of `word` that equals `n`.
const fn equal(word: u64, n: u8) -> u64 {
    let x = word ^ (ONES * n as u64);
    !(((x & LOW7) + LOW7) | x) & HIGH
}

/// How many whole words at the start of `bytes` have no byte in `ends`, plus
/// where the first such byte stands in the word that has one: the length of
/// the run, or `None` when the run reaches the last, partial word.
fn word_run(bytes: &[u8], ends: impl Fn(u64) -> u64) -> (usize, bool) {
    let mut run = 0;
    for chunk in bytes.chunks_exact(8) {
        let word = u64::from_le_bytes(<[u8; 8]>::try_from(chunk).unwrap_or_default());
        let end = ends(word);
        if end != 0 {
            return (run + (end.trailing_zeros() / 8) as usize, true);
        }
        run += 8;
    }
    (run, false)
}

/// How many bytes at the start of `bytes` are field-value bytes
/// ([`is_value_byte`]): it stops at the first control byte but HTAB, or DEL.
pub(crate) fn value_run(bytes: &[u8]) -> usize {
    if bytes.len() < 8 {
        return byte_run(bytes, is_value_byte);
    }
    let (run, ended) = word_run(bytes, |w| (!at_least(w, b' ') & !equal(w, b'\t') & HIGH) | equal(w, 0x7f));
    if ended { run } else { run + byte_run(rest(bytes, run), is_value_byte) }
}

/// How many bytes at the start of `bytes` are tchars ([`is_tchar`]). Words
/// are searched for the first byte that is not visible ASCII or is `:`; the
/// bytes before it are then checked against the table without a branch each.
pub(crate) fn name_run(bytes: &[u8]) -> usize {
    if bytes.len() < 8 {
        return byte_run(bytes, is_tchar);
    }
    let (run, ended) = word_run(bytes, |w| !at_least(w, b'!') & HIGH | at_least(w, 0x7f) | equal(w, b':'));
    let visible = if ended { run } else { run + byte_run(rest(bytes, run), |b| b.is_ascii_graphic() && b != b':') };
    let head = bytes.get(..visible).unwrap_or_default();
    if head.iter().fold(true, |all, &b| all & is_tchar(b)) { visible } else { byte_run(head, is_tchar) }
}

/// How many bytes at the start of `bytes` satisfy `continues`, one at a
/// time. Generic, so that each class test is inlined into its own loop.
pub(crate) fn byte_run(bytes: &[u8], continues: impl Fn(u8) -> bool) -> usize {
    bytes.iter().take_while(|&&b| continues(b)).count()
}

/// The bytes from `from` on.
fn rest(bytes: &[u8], from: usize) -> &[u8] {
    bytes.get(from..).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every byte value at every position of a word and of the tail agrees
    /// with the byte-by-byte class.
    #[test]
    fn runs_match_the_byte_classes() {
        for len in 0..20 {
            for at in 0..len {
                for b in 0..=255u8 {
                    let mut bytes = vec![b'a'; len];
                    bytes[at] = b;
                    let expected = |class: fn(u8) -> bool| bytes.iter().take_while(|&&b| class(b)).count();
                    assert_eq!(value_run(&bytes), expected(is_value_byte), "value {b:#x} at {at} of {len}");
                    assert_eq!(name_run(&bytes), expected(is_tchar), "name {b:#x} at {at} of {len}");
                }
            }
        }
    }
}
