//! Runs of bytes found eight at a time: each 64-bit word gets a mask of the
//! bytes that end the run, whose lowest set bit is exactly the first such
//! byte, so it is found without a branch per byte. The parser uses this for
//! field values, the longest runs of a head; field names are short, and a
//! table lookup per byte ([`byte_run`] with [`super::abnf::is_tchar`]) costs
//! less than a word's masks there.

use super::abnf::is_value_byte;

const ONES: u64 = u64::from_le_bytes([0x01; 8]);
const HIGH: u64 = u64::from_le_bytes([0x80; 8]);

/// A mask whose lowest set bit is the high bit of the first byte of `word`
/// below `n` (`n` in 1..=0x80), if any. `b - n` borrows, and sets the high
/// bit of a byte below 0x80, exactly when `b < n`; the borrow can only
/// wrongly flag bytes after that first one, which a run never looks at.
const fn first_below(word: u64, n: u8) -> u64 {
    word.wrapping_sub(ONES * n as u64) & !word & HIGH
}

/// A mask whose lowest set bit is the high bit of the first byte of `word`
/// that equals `n`, if any: the first zero byte of `word ^ n...`.
const fn first_equal(word: u64, n: u8) -> u64 {
    first_below(word ^ (ONES * n as u64), 1)
}

/// How many whole words at the start of `bytes` have no byte in `ends`, plus
/// where the first such byte stands in the word that has one: the length of
/// the run and `true`, or the length of the whole words and `false` when the
/// run reaches the last, partial word.
fn word_run(bytes: &[u8], ends: impl Fn(u64) -> u64) -> (usize, bool) {
    let mut run: usize = 0;
    for chunk in bytes.chunks_exact(8) {
        let word = u64::from_le_bytes(<[u8; 8]>::try_from(chunk).unwrap_or_default());
        let end = ends(word);
        if end != 0 {
            return (run.saturating_add((end.trailing_zeros() / 8) as usize), true);
        }
        run = run.saturating_add(8);
    }
    (run, false)
}

/// How many bytes at the start of `bytes` are field-value bytes
/// ([`is_value_byte`]): it stops at the first control byte but HTAB, or DEL.
pub(in crate::handshake) fn value_run(bytes: &[u8]) -> usize {
    if bytes.len() < 8 {
        return byte_run(bytes, is_value_byte);
    }
    long_value_run(bytes)
}

/// [`value_run`] for eight bytes or more: out of line, so that a short run
/// (a slow client's read) does not pay for the registers the word loop uses.
#[inline(never)]
fn long_value_run(bytes: &[u8]) -> usize {
    let mut run: usize = 0;
    loop {
        // Words stop at every control byte and DEL, HTAB included.
        let (words, ended) = word_run(rest(bytes, run), |w| first_below(w, b' ') | first_equal(w, 0x7f));
        run = run.saturating_add(words);
        if !ended {
            return run.saturating_add(byte_run(rest(bytes, run), is_value_byte));
        }
        // HTAB is the one control byte a value may hold: step over it.
        if bytes.get(run) != Some(&b'\t') {
            return run;
        }
        run += 1;
    }
}

/// How many bytes at the start of `bytes` satisfy `continues`, one at a
/// time. Generic, so that each class test is inlined into its own loop.
pub(in crate::handshake) fn byte_run(bytes: &[u8], continues: impl Fn(u8) -> bool) -> usize {
    bytes.iter().take_while(|&&b| continues(b)).count()
}

/// The bytes from `from` on.
fn rest(bytes: &[u8], from: usize) -> &[u8] {
    bytes.get(from..).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The run `value_run` should find: byte by byte.
    fn expected(bytes: &[u8]) -> usize {
        bytes.iter().take_while(|&&b| is_value_byte(b)).count()
    }

    /// Every byte value at every position of a word and of the tail agrees
    /// with the byte-by-byte class.
    #[test]
    fn runs_match_the_byte_classes() {
        for len in 0..20 {
            for at in 0..len {
                for b in 0..=255u8 {
                    let mut bytes = vec![b'a'; len];
                    bytes[at] = b;
                    assert_eq!(value_run(&bytes), expected(&bytes), "value {b:#x} at {at} of {len}");
                }
            }
        }
    }

    /// Two bytes near the edges of the classes, at every pair of positions:
    /// a borrow from the first must not hide or move the end, and HTABs are
    /// stepped over however many a word holds.
    #[test]
    fn runs_match_with_two_odd_bytes() {
        let odd = [b'\t', 0, 0x1f, b' ', 0x7e, 0x7f, 0x80, 0xff];
        for len in 2..20 {
            for first in 0..len {
                for second in first + 1..len {
                    for (a, b) in odd.iter().flat_map(|&a| odd.map(|b| (a, b))) {
                        let mut bytes = vec![b'a'; len];
                        (bytes[first], bytes[second]) = (a, b);
                        assert_eq!(value_run(&bytes), expected(&bytes), "{a:#x} at {first}, {b:#x} at {second}");
                    }
                }
            }
        }
    }
}
