//! The incremental parser: finds the end of the request head and every syntax
//! error in it (contract rule 1), byte by byte, remembering where it stopped.
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

use crate::Rule;
use crate::abnf::{is_target_byte, is_tchar, is_value_byte};

/// `HTTP-name "/" DIGIT "." DIGIT`, with `d` standing for a digit.
const VERSION_SHAPE: &[u8; 8] = b"HTTP/d.d";

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

/// What the parser knows after a call to [`Parser::scan`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Scan {
    /// No complete head yet, and no syntax error in the bytes seen.
    Incomplete,
    /// The head is complete and well-formed; it is this many bytes long.
    Complete(usize),
    /// A syntax error (rule 1) or a version other than 1.x (rule 1b).
    Failed(Rule),
}

/// The incremental head parser.
#[derive(Clone, Debug)]
pub(crate) struct Parser {
    state: State,
    /// The next byte to look at.
    pos: usize,
    /// Where the method starts (after any skipped empty lines).
    method_start: usize,
    /// Whether the method is `HEAD`; known once the method has ended.
    head_method: bool,
    /// The major and minor version digits, as ASCII; known once the request
    /// line has ended.
    version: [u8; 2],
    /// How many field lines have ended.
    fields: usize,
}

impl Parser {
    pub(crate) const fn new() -> Self {
        Parser {
            state: State::Start,
            pos: 0,
            method_start: 0,
            head_method: false,
            version: [0; 2],
            fields: 0,
        }
    }

    /// Whether the request's method is `HEAD`, so that its response has no
    /// body (contract section 4).
    pub(crate) const fn head_method(&self) -> bool {
        self.head_method
    }

    /// The major and minor version digits of the request line, as ASCII.
    pub(crate) const fn version(&self) -> [u8; 2] {
        self.version
    }

    /// How many field lines have ended so far.
    pub(crate) const fn fields(&self) -> usize {
        self.fields
    }

    /// Continues the scan over `window`, which must extend the bytes of the
    /// previous calls. Looks only at bytes it has not seen before.
    pub(crate) fn scan(&mut self, window: &[u8]) -> Scan {
        loop {
            match self.state {
                State::Complete(len) => return Scan::Complete(len),
                State::Failed(rule) => return Scan::Failed(rule),
                _ => {}
            }
            self.skip_run(window);
            let Some(&byte) = window.get(self.pos) else {
                return Scan::Incomplete;
            };
            self.pos += 1;
            self.state = self.step(window, byte);
        }
    }

    /// Skips, without a state change, the bytes that continue a long run: a
    /// request-target, a field name or a field value.
    fn skip_run(&mut self, window: &[u8]) {
        let rest = window.get(self.pos..).unwrap_or_default();
        self.pos += match self.state {
            State::Target => run_length(rest, is_target_byte),
            State::Name => run_length(rest, is_tchar),
            State::Value => run_length(rest, is_value_byte),
            _ => 0,
        };
    }

    /// The state after `byte`, which stood at `self.pos - 1`.
    fn step(&mut self, window: &[u8], byte: u8) -> State {
        use State::*;
        match (self.state, byte) {
            (Start, b'\r') => StartLf,
            (StartLf, b'\n') => Start,
            (Start, b) if is_tchar(b) => {
                self.method_start = self.pos - 1;
                Method
            }
            (Method, b) if is_tchar(b) => Method,
            (Method, b' ') => {
                let method = window.get(self.method_start..self.pos - 1);
                self.head_method = method == Some(b"HEAD");
                TargetStart
            }
            (TargetStart | Target, b) if is_target_byte(b) => Target,
            (Target, b' ') => Version(0),
            // A version other than HTTP/1.x cannot be upgraded (rule 1b),
            // decided once the whole version token has arrived.
            (Version(8), b'\r') if self.version[0] != b'1' => Failed(Rule::HttpVersionNotSupported),
            (Version(8), b'\r') => RequestLineLf,
            (Version(i), b) => match VERSION_SHAPE.get(usize::from(i)) {
                Some(b'd') if b.is_ascii_digit() => {
                    let [major, minor] = &mut self.version;
                    *(if i == 5 { major } else { minor }) = b;
                    Version(i + 1)
                }
                Some(&expected) if expected == b => Version(i + 1),
                _ => Failed(Rule::Syntax),
            },
            (RequestLineLf, b'\n') => FieldStart,
            (FieldStart, b'\r') => BlankLf,
            (FieldStart | Name, b) if is_tchar(b) => Name,
            (Name, b':') => Value,
            (Value, b) if is_value_byte(b) => Value,
            (Value, b'\r') => FieldLf,
            (FieldLf, b'\n') => {
                self.fields += 1;
                FieldStart
            }
            (BlankLf, b'\n') => Complete(self.pos),
            _ => Failed(Rule::Syntax),
        }
    }
}

/// How many bytes at the start of `bytes` satisfy `continues`. Generic, so
/// that each class test is inlined into its own loop.
fn run_length(bytes: &[u8], continues: impl Fn(u8) -> bool) -> usize {
    bytes.iter().take_while(|&&b| continues(b)).count()
}
