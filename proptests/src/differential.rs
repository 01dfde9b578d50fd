//! The `differential` fuzz target's judge: the core's verdict on the syntax
//! of a request head (contract rules 1 and 1b) against httparse's on the
//! same bytes. They may disagree only where the contract chose otherwise
//! on purpose; each such class is named here with its rule, and
//! `docs/CONTRACT.md` section 3.6 lists them. Any other disagreement is a
//! bug in one of the two readings.

use crate::harness::run;
use crate::model::{End, Expected};
use crate::strategies::config;

/// What a parser made of a head's syntax.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Syntax {
    /// A syntax error (the core: rule 1 or 1b).
    Error,
    /// A complete head without one (the core: any other answer).
    Fine,
    /// Neither yet: the head has not ended.
    Incomplete,
}

/// The core's verdict, the stream kept open.
pub fn core(bytes: &[u8]) -> Syntax {
    match run(&config(), bytes, &[], End::Open).outcome {
        Expected::Reject { rule: "1" | "1b", .. } => Syntax::Error,
        Expected::NeedMore => Syntax::Incomplete,
        _ => Syntax::Fine,
    }
}

/// httparse's verdict, with room for more fields than the core allows;
/// `None` past that room (no verdict on the syntax).
pub fn httparse(bytes: &[u8]) -> Option<Syntax> {
    let mut headers = [httparse::EMPTY_HEADER; 256];
    match httparse::Request::new(&mut headers).parse(bytes) {
        Ok(httparse::Status::Complete(_)) => Some(Syntax::Fine),
        Ok(httparse::Status::Partial) => Some(Syntax::Incomplete),
        Err(httparse::Error::TooManyHeaders) => None,
        Err(_) => Some(Syntax::Error),
    }
}

/// A disagreement the contract chose, and why.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Class {
    /// A short name.
    pub name: &'static str,
    /// The contract rule or section that decides it.
    pub rule: &'static str,
}

/// A lone LF: RFC 9112 section 2.2 lets a recipient take it as a line
/// terminator, as httparse does; the core refuses it (rule 1's 400).
const BARE_LF: Class =
    Class { name: "bare LF: httparse ends lines at a lone LF, the core refuses it", rule: "rule 1, section 3.4" };
/// httparse's version token is `HTTP/1.0` or `HTTP/1.1`; the core's is any
/// `HTTP/1.x`, and rule 3 refuses all but 1.1 once the head is read.
const HIGHER_MINOR: Class = Class {
    name: "HTTP/1.2 to HTTP/1.9: httparse knows 1.0 and 1.1 alone, the core reads 1.x",
    rule: "rule 3, section 3.5",
};
/// RFC 9112 section 3.2: the request-target is a URI's characters, all
/// ASCII; httparse lets other bytes through.
const NON_ASCII_TARGET: Class =
    Class { name: "a byte above 0x7F in the target: httparse takes it, the core refuses it", rule: "rule 1" };
/// Rule 1b answers 505 to `HTTP/x.y` with x other than 1, rule 1 400 to any
/// other malformed version: until the token ends, either may come.
const OTHER_MAJOR_CUT_SHORT: Class = Class {
    name: "a major version other than 1, cut short: httparse refuses it at once, the core waits for the whole token \
           to choose between 400 and 505",
    rule: "rules 1 and 1b",
};

/// Every class of disagreement the contract chose, in the order
/// [`classify`] tries them.
pub const CLASSES: [Class; 4] = [BARE_LF, HIGHER_MINOR, NON_ASCII_TARGET, OTHER_MAJOR_CUT_SHORT];

/// The documented class of the disagreement on `bytes` between the core's
/// verdict `core` and httparse's `other`, if it has one.
pub fn classify(bytes: &[u8], core: Syntax, other: Syntax) -> Option<Class> {
    let head = head(bytes);
    if core == Syntax::Error && has_bare_lf(head) {
        return Some(BARE_LF);
    }
    if other == Syntax::Error
        && core != Syntax::Error
        && matches!(version(head), [b'H', b'T', b'T', b'P', b'/', b'1', b'.', b'2'..=b'9', ..])
    {
        return Some(HIGHER_MINOR);
    }
    if core == Syntax::Error && other != Syntax::Error && target(head).is_some_and(|t| t.iter().any(|&b| b > 0x7f)) {
        return Some(NON_ASCII_TARGET);
    }
    let line_unended = request_line(head).len() == head.len();
    let other_major = matches!(version(head), [b'H', b'T', b'T', b'P', b'/', major, ..] if *major != b'1');
    if core == Syntax::Incomplete && other == Syntax::Error && line_unended && other_major {
        return Some(OTHER_MAJOR_CUT_SHORT);
    }
    None
}

/// `bytes` past the empty lines that may lead (RFC 9112 section 2.2), up
/// to the end of the head's blank line, or all of them.
fn head(bytes: &[u8]) -> &[u8] {
    let mut rest = bytes;
    while let Some(after) = rest.strip_prefix(b"\r\n") {
        rest = after;
    }
    let end = rest.windows(4).position(|w| w == b"\r\n\r\n").map_or(rest.len(), |at| at + 4);
    rest.get(..end).unwrap_or(rest)
}

/// Whether an LF in `head` has no CR before it.
fn has_bare_lf(head: &[u8]) -> bool {
    head.iter().enumerate().any(|(at, &b)| b == b'\n' && (at == 0 || head.get(at - 1) != Some(&b'\r')))
}

/// The request line, without its line ending.
fn request_line(head: &[u8]) -> &[u8] {
    let end = head.iter().position(|&b| b == b'\r' || b == b'\n').unwrap_or(head.len());
    head.get(..end).unwrap_or(head)
}

/// The request-target: what stands between the request line's two spaces.
fn target(head: &[u8]) -> Option<&[u8]> {
    let mut parts = request_line(head).split(|&b| b == b' ');
    parts.next()?;
    parts.next()
}

/// The request line's version token, as much of it as arrived: what
/// follows its last space.
fn version(head: &[u8]) -> &[u8] {
    request_line(head).rsplit(|&b| b == b' ').next().unwrap_or_default()
}

/// Panics on a disagreement no documented class explains.
pub fn check(bytes: &[u8]) {
    // Within the head limit, so that the core's answer is about syntax or
    // the rules after it, never rule 2's size.
    if bytes.len() >= config().max_head_len {
        return;
    }
    let Some(other) = httparse(bytes) else { return };
    let core = core(bytes);
    if core != other && classify(bytes, core, other).is_none() {
        panic!(
            "the core says {core:?}, httparse {other:?}, no documented class: {:?}",
            bytes.escape_ascii().to_string()
        );
    }
}

#[cfg(test)]
mod tests {
    use super::{CLASSES, Syntax, check, classify, core, httparse};

    /// An example of each class, in [`CLASSES`]' order, and the verdicts
    /// that make it a disagreement.
    const EXAMPLES: [(&[u8], Syntax, Syntax); 4] = [
        (b"GET / HTTP/1.1\nHost: a\n\n", Syntax::Error, Syntax::Fine),
        (b"GET / HTTP/1.2\r\nHost: a\r\n\r\n", Syntax::Fine, Syntax::Error),
        (b"GET /\xc3\xa9 HTTP/1.1\r\nHost: a\r\n\r\n", Syntax::Error, Syntax::Fine),
        (b"GET / HTTP/2.", Syntax::Incomplete, Syntax::Error),
    ];

    #[test]
    fn each_class_is_a_real_disagreement_and_is_recognized() {
        for ((bytes, ours, theirs), class) in EXAMPLES.iter().zip(&CLASSES) {
            let shown = bytes.escape_ascii();
            assert_eq!((core(bytes), httparse(bytes)), (*ours, Some(*theirs)), "{shown}");
            assert_eq!(classify(bytes, *ours, *theirs), Some(*class), "{shown}");
            check(bytes);
        }
    }

    #[test]
    fn where_both_agree_there_is_nothing_to_classify() {
        for bytes in [&b"GET / HTTP/1.1\r\nHost: a\r\n\r\n"[..], b"GET / HTTP/1.1\r\nHost : a\r\n\r\n", b"GET / HT"] {
            assert_eq!(Some(core(bytes)), httparse(bytes), "{}", bytes.escape_ascii());
        }
    }
}
