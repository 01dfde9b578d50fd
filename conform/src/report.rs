//! The results: a table on standard output, and files for machines and
//! people (`json`, `junit`, `html`).

pub mod html;
pub mod json;
pub mod junit;

use crate::{Behavior, Outcome};

/// How many cases passed, were non-strict, and failed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Counts {
    /// `OK`.
    pub pass: usize,
    /// `NON-STRICT`.
    pub non_strict: usize,
    /// `FAILED`.
    pub fail: usize,
}

impl Counts {
    /// The counts of `outcomes`.
    pub fn of<'a>(outcomes: impl IntoIterator<Item = &'a Outcome>) -> Counts {
        let mut counts = Counts::default();
        for outcome in outcomes {
            match outcome.behavior {
                Behavior::Pass => counts.pass += 1,
                Behavior::NonStrict => counts.non_strict += 1,
                Behavior::Fail => counts.fail += 1,
            }
        }
        counts
    }

    /// All of them.
    pub const fn total(self) -> usize {
        self.pass + self.non_strict + self.fail
    }
}

/// The table: a line per case, then the counts.
pub fn text(address: &str, outcomes: &[Outcome]) -> String {
    let mut text = format!("{:<52} {:>8}  {:<9} {:<10} reasons\n", "case", "expected", "got", "verdict");
    for outcome in outcomes {
        text.push_str(&format!(
            "{:<52} {:>8}  {:<9} {:<10} {}\n",
            outcome.case.file,
            outcome.expected,
            outcome.got,
            outcome.behavior.word(),
            outcome.reasons.join("; "),
        ));
    }
    let counts = Counts::of(outcomes);
    text.push_str(&format!(
        "\n{address}: {} pass, {} non-strict, {} fail, of {}\n",
        counts.pass,
        counts.non_strict,
        counts.fail,
        counts.total()
    ));
    text
}

/// Bytes as readable, lossless text: printable ASCII as is, everything else
/// escaped (`\r`, `\n`, `\x00`), so that a line ending shows what it is.
pub fn escaped(bytes: &[u8]) -> String {
    bytes.escape_ascii().to_string()
}
