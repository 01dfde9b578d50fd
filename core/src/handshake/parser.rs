//! The incremental parser: finds the end of the request head and every syntax
//! error in it (contract rule 1), byte by byte, remembering where it stopped,
//! and reports the request line and each field line as it ends.
//!
//! It never looks at a byte twice, so feeding a head one byte at a time costs
//! the same as feeding it at once, and it stops at the first byte that cannot
//! continue the head, so a TLS hello or binary is answered at once.
//!
//! ```text
//! HTTP-message   = start-line CRLF *( field-line CRLF ) CRLF ; RFC 9112 2.1
//! request-line   = method SP request-target SP HTTP-version  ; RFC 9112 3
//! method         = token
//! HTTP-version   = HTTP-name "/" DIGIT "." DIGIT             ; RFC 9112 2.3
//! HTTP-name      = %s"HTTP"
//! field-line     = field-name ":" OWS field-value OWS        ; RFC 9112 5
//! ```
//!
//! Lines end in CRLF only: the bare LF that RFC 9112 section 2.2 lets a
//! recipient accept is refused, as is any bare CR. A field line that starts
//! with SP or HTAB (obs-fold) is refused. Empty lines before the request
//! line are skipped, as RFC 9112 section 2.2 says a server SHOULD.

use super::abnf::{is_target_byte, is_tchar, trim_ows};
use super::words::{byte_run, value_run};
use crate::Rule;

/// `HTTP-name "/" DIGIT "." DIGIT`: the bytes of the version token but its
/// digits, which stand at [`MAJOR_AT`] and [`MINOR_AT`].
const VERSION_SHAPE: &[u8; 8] = b"HTTP/?.?";
/// Where the version token's major digit stands.
const MAJOR_AT: u8 = 5;
/// Where the version token's minor digit stands.
const MINOR_AT: u8 = 7;

/// Where a piece of the head lies in the bytes fed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(in crate::handshake) struct Span {
    start: usize,
    end: usize,
}

impl Span {
    /// The bytes of the span; empty if `bytes` is shorter than the span.
    pub(in crate::handshake) fn of(self, bytes: &[u8]) -> &[u8] {
        bytes.get(self.start..self.end).unwrap_or_default()
    }
}

/// Where the parser is inside the head.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum State {
    /// Before the request line: its first byte, or an empty line.
    Start,
    /// After the CR of an empty line before the request line.
    StartLf,
    /// Inside the method.
    Method,
    /// After the SP that ends the method.
    TargetStart,
    /// Inside the request-target.
    Target,
    /// At this index of [`VERSION_SHAPE`]; index 8 expects the CR.
    Version(u8),
    /// After the CR of the request line.
    RequestLineLf,
    /// At the start of a field line or of the blank line.
    FieldStart,
    /// Inside a field name.
    Name,
    /// Inside a field value (after the colon).
    Value,
    /// After the CR of a field line.
    FieldLf,
    /// After the CR of the blank line.
    BlankLf,
    /// The head ended at this length.
    Complete(usize),
    /// A syntax error was found; the rule is 1 or 1b.
    Failed(Rule),
}

/// What the parser found in a call to [`Parser::scan`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(in crate::handshake) enum Scan {
    /// The bytes ran out before the head ended, with no syntax error.
    Incomplete,
    /// The head is complete and well-formed; it is this many bytes long.
    Complete(usize),
    /// A syntax error (rule 1) or a version other than 1.x (rule 1b).
    Failed(Rule),
}

/// The request line, once it has ended.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(in crate::handshake) struct RequestLine {
    pub(in crate::handshake) method: Span,
    /// Whether the method is `HEAD`, so the response has no body (contract
    /// section 4).
    pub(in crate::handshake) head_method: bool,
    pub(in crate::handshake) target: Span,
    /// The major and minor version digits, as ASCII.
    pub(in crate::handshake) version: [u8; 2],
}

impl RequestLine {
    /// Where the line after the request line starts: past the target, SP,
    /// the version and CRLF.
    pub(in crate::handshake) const fn end(&self) -> usize {
        self.target.end.saturating_add(1 + VERSION_SHAPE.len() + 2)
    }
}

/// The incremental head parser.
#[derive(Clone, Debug)]
pub(in crate::handshake) struct Parser {
    state: State,
    /// The next byte to look at.
    pos: usize,
    /// Where the current line, or the request line's current token, starts.
    token_start: usize,
    /// Where the current field line's colon is.
    colon: usize,
    request_line: RequestLine,
    /// How many field lines have ended.
    fields: usize,
}

impl Parser {
    pub(in crate::handshake) const fn new() -> Self {
        Parser {
            state: State::Start,
            pos: 0,
            token_start: 0,
            colon: 0,
            request_line: RequestLine {
                method: Span { start: 0, end: 0 },
                head_method: false,
                target: Span { start: 0, end: 0 },
                version: [0; 2],
            },
            fields: 0,
        }
    }

    /// The request line; its method is known once the method has ended, the
    /// rest once the line has.
    pub(in crate::handshake) const fn request_line(&self) -> &RequestLine {
        &self.request_line
    }

    /// How many field lines have ended so far.
    pub(in crate::handshake) const fn fields(&self) -> usize {
        self.fields
    }

    /// Continues the scan over `window`, which must extend the bytes of the
    /// previous calls. Looks only at bytes it has not seen before, and hands
    /// each field line that ends to `on_field`: its name and its value, OWS
    /// trimmed.
    #[inline]
    pub(in crate::handshake) fn scan(&mut self, window: &[u8], on_field: impl FnMut(Span, Span)) -> Scan {
        // A slow client's reads mostly end inside a run (a target, a name,
        // a value): such a read is taken here, without the set-up of the
        // main loop, which costs more than its few bytes.
        if self.skip_run(window) && self.pos >= window.len() {
            return Scan::Incomplete;
        }
        self.scan_lines(window, on_field)
    }

    /// The main loop of [`Parser::scan`].
    #[inline(never)]
    fn scan_lines(&mut self, window: &[u8], mut on_field: impl FnMut(Span, Span)) -> Scan {
        loop {
            match self.state {
                State::Complete(len) => return Scan::Complete(len),
                State::Failed(rule) => return Scan::Failed(rule),
                _ => {}
            }
            if self.state == State::Start && self.whole_request_line(window) {
                continue;
            }
            if self.state == State::FieldStart {
                if let Some((name, value)) = self.whole_field_line(window) {
                    on_field(name, value);
                    continue;
                }
            }
            self.skip_run(window);
            let Some(&byte) = window.get(self.pos) else {
                return Scan::Incomplete;
            };
            self.pos += 1;
            if let Some((name, value)) = self.step(window, byte) {
                on_field(name, value);
            }
        }
    }

    /// The fast path for a request line that has fully arrived and is
    /// well-formed, with version 1.x: takes it at once, as the byte-by-byte
    /// path would, and returns whether it did. Anything else (a partial
    /// line, an empty line before it, an error) is left to the byte-by-byte
    /// path.
    fn whole_request_line(&mut self, window: &[u8]) -> bool {
        let rest = window.get(self.pos..).unwrap_or_default();
        let method_len = byte_run(rest, is_tchar);
        let Some([b' ', after_method @ ..]) = rest.get(method_len..) else { return false };
        let target_len = byte_run(after_method, is_target_byte);
        let Some((_, [b' ', b'H', b'T', b'T', b'P', b'/', b'1', b'.', minor, b'\r', b'\n', ..])) =
            after_method.split_at_checked(target_len)
        else {
            return false;
        };
        if method_len == 0 || target_len == 0 || !minor.is_ascii_digit() {
            return false;
        }
        let method = Span { start: self.pos, end: self.pos.saturating_add(method_len) };
        let target_start = method.end.saturating_add(1);
        let target = Span { start: target_start, end: target_start.saturating_add(target_len) };
        self.request_line =
            RequestLine { method, head_method: method.of(window) == b"HEAD", target, version: [b'1', *minor] };
        self.pos = target.end.saturating_add(VERSION_SHAPE.len() + 3);
        self.state = State::FieldStart;
        true
    }

    /// The fast path for a field line that has fully arrived and is
    /// well-formed: takes it at once, as the byte-by-byte path would, and
    /// returns its name and value. Anything else (a partial line, the blank
    /// line, a syntax error) is left to the byte-by-byte path, which finds
    /// the exact byte that decides.
    fn whole_field_line(&mut self, window: &[u8]) -> Option<(Span, Span)> {
        let rest = window.get(self.pos..)?;
        let name_len = byte_run(rest, is_tchar);
        let after_name = rest.get(name_len..)?;
        let [b':', after_colon @ ..] = after_name else { return None };
        let value_len = value_run(after_colon);
        let (value, [b'\r', b'\n', ..]) = after_colon.split_at_checked(value_len)? else { return None };
        if name_len == 0 {
            return None;
        }
        let name = Span { start: self.pos, end: self.pos.saturating_add(name_len) };
        let value_start = name.end.saturating_add(1);
        let value = trimmed(value_start, value);
        self.pos = value_start.saturating_add(value_len).saturating_add(2);
        self.fields = self.fields.saturating_add(1);
        Some((name, value))
    }

    /// Skips, without a state change, the bytes that continue a long run: a
    /// request-target, a field name or a field value. Returns whether the
    /// parser is inside such a run.
    fn skip_run(&mut self, window: &[u8]) -> bool {
        let rest = window.get(self.pos..).unwrap_or_default();
        let run = match self.state {
            State::Target => byte_run(rest, is_target_byte),
            State::Name => byte_run(rest, is_tchar),
            State::Value => value_run(rest),
            _ => return false,
        };
        self.pos = self.pos.saturating_add(run);
        true
    }

    /// Moves on by `byte`, which stood at `self.pos - 1`; returns the name
    /// and value of the field line that it ended, if it did. The bytes that
    /// continue a target, a name or a value never get here: `skip_run` has
    /// taken them, so in those states a byte either ends the run or is an
    /// error.
    fn step(&mut self, window: &[u8], byte: u8) -> Option<(Span, Span)> {
        use State::*;
        let at = self.pos - 1;
        self.state = match (self.state, byte) {
            (Start, b'\r') => StartLf,
            (StartLf, b'\n') => Start,
            (Start, b) if is_tchar(b) => {
                self.token_start = at;
                Method
            }
            (Method, b) if is_tchar(b) => Method,
            (Method, b' ') => {
                let method = Span { start: self.token_start, end: at };
                self.request_line.method = method;
                self.request_line.head_method = method.of(window) == b"HEAD";
                self.token_start = self.pos;
                TargetStart
            }
            (TargetStart, b) if is_target_byte(b) => Target,
            (Target, b' ') => {
                self.request_line.target = Span { start: self.token_start, end: at };
                Version(0)
            }
            // A version other than HTTP/1.x cannot be upgraded (rule 1b),
            // decided once the whole version token has arrived.
            (Version(8), b'\r') if self.request_line.version[0] != b'1' => Failed(Rule::UnsupportedHttpVersion),
            (Version(8), b'\r') => RequestLineLf,
            // Digits are matched by position, never through the placeholder
            // in VERSION_SHAPE: when it was `d`, `HTTP/1.d` passed as a
            // version (found by the `handshake` fuzz target).
            (Version(i @ (MAJOR_AT | MINOR_AT)), b) if b.is_ascii_digit() => {
                let [major, minor] = &mut self.request_line.version;
                *(if i == MAJOR_AT { major } else { minor }) = b;
                Version(i + 1)
            }
            (Version(i), b) if i != MAJOR_AT && i != MINOR_AT && VERSION_SHAPE.get(usize::from(i)) == Some(&b) => {
                Version(i + 1)
            }
            (RequestLineLf, b'\n') => FieldStart,
            (FieldStart, b'\r') => BlankLf,
            (FieldStart, b) if is_tchar(b) => {
                self.token_start = at;
                Name
            }
            (Name, b':') => {
                self.colon = at;
                Value
            }
            (Value, b'\r') => FieldLf,
            (FieldLf, b'\n') => {
                self.state = FieldStart;
                self.fields = self.fields.saturating_add(1);
                return Some(self.field(window));
            }
            (BlankLf, b'\n') => Complete(self.pos),
            _ => Failed(Rule::MalformedHead),
        };
        None
    }

    /// The field line that just ended with the CRLF before `self.pos`.
    fn field(&self, window: &[u8]) -> (Span, Span) {
        let name = Span { start: self.token_start, end: self.colon };
        let value_start = self.colon.saturating_add(1);
        let value = window.get(value_start..self.pos.saturating_sub(2)).unwrap_or_default();
        (name, trimmed(value_start, value))
    }
}

/// Where `value`, which starts at `start`, lies once OWS is trimmed off it.
fn trimmed(start: usize, value: &[u8]) -> Span {
    let leading = value.iter().take_while(|&&b| b == b' ' || b == b'\t').count();
    let start = start.saturating_add(leading);
    Span { start, end: start.saturating_add(trim_ows(value).len()) }
}
