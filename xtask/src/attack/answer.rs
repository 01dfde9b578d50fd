//! An answer as a client reads it, and what it comes to: the response
//! parsed as far as it came, how the stream ended, and the [`Outcome`].

use std::fmt;
use std::io::{self, ErrorKind};
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncReadExt as _};
use tokio::time::{Instant, timeout_at};

/// How long a client waits for the end of the stream once a response other
/// than a 101 is complete.
pub const END_WITHIN: Duration = Duration::from_secs(2);
/// The most bytes kept of one answer.
pub const MAX_ANSWER: usize = 1 << 20;

/// What a connection got.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Outcome {
    /// A complete response with this status: the head and its whole body,
    /// or for a 101 the head (and, for a valid client, the right accept key
    /// and echo).
    Status(u16),
    /// A 101 whose accept key or echo was wrong or missing.
    BadUpgrade(&'static str),
    /// Bytes that never made a complete response, and the status if its
    /// line came.
    Incomplete(Option<u16>),
    /// The end of the stream, and not one byte before it.
    SilentClose,
    /// A reset (or a broken pipe) before a complete response.
    Reset,
    /// Nothing within the time allowed.
    Timeout,
    /// The connect failed or timed out.
    ConnectFailed,
    /// Another I/O error.
    Error(ErrorKind),
}

impl fmt::Display for Outcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Outcome::Status(status @ (101 | 408 | 431)) => write!(f, "{status}"),
            Outcome::Status(status) => write!(f, "other {status}"),
            Outcome::BadUpgrade(what) => write!(f, "101 {what}"),
            Outcome::Incomplete(Some(status)) => write!(f, "incomplete {status}"),
            Outcome::Incomplete(None) => write!(f, "incomplete"),
            Outcome::SilentClose => write!(f, "silent close"),
            Outcome::Reset => write!(f, "reset"),
            Outcome::Timeout => write!(f, "timeout"),
            Outcome::ConnectFailed => write!(f, "connect failed"),
            Outcome::Error(kind) => write!(f, "error {kind}"),
        }
    }
}

impl Outcome {
    /// Its key in the summary line: its name with `_` for spaces.
    pub fn key(&self) -> String {
        self.to_string().replace(' ', "_")
    }
}

/// How the server's side of the stream ended, as far as the client read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ending {
    /// A clean end-of-stream.
    Eof,
    /// A reset or an abort.
    Reset,
    /// Still open when the client stopped waiting.
    Open,
    /// A 101 head arrived; the client read no further.
    Upgraded,
    /// Another error.
    Error(ErrorKind),
}

/// What a client read.
#[derive(Debug)]
pub struct Answer {
    /// The bytes, at most [`MAX_ANSWER`] of them.
    pub bytes: Vec<u8>,
    /// How the stream ended.
    pub ending: Ending,
    /// When the response was complete or, if it never was, when the client
    /// stopped reading; from the client's start.
    pub at: Duration,
}

/// What the bytes of an answer hold so far.
#[derive(Debug, PartialEq, Eq)]
pub enum Parsed {
    /// A whole response: its status and the length of its head.
    Complete { status: u16, head: usize },
    /// Not yet a whole response; the status once its line has come.
    Partial(Option<u16>),
    /// Not an HTTP response.
    Invalid,
}

/// Parses an answer: a response is complete once its head has parsed and
/// the body its `Content-Length` gives has arrived (a 101, 204 or 304 has
/// none; without `Content-Length` the body ends with the stream, so
/// `ended` says whether it did).
pub fn parse(bytes: &[u8], ended: bool) -> Parsed {
    let mut headers = [httparse::EMPTY_HEADER; 64];
    let mut response = httparse::Response::new(&mut headers);
    let head = match response.parse(bytes) {
        Ok(httparse::Status::Complete(head)) => head,
        Ok(httparse::Status::Partial) => return Parsed::Partial(status_line(bytes)),
        Err(_) => return Parsed::Invalid,
    };
    let Some(status) = response.code else { return Parsed::Invalid };
    if matches!(status, 101 | 204 | 304) {
        return Parsed::Complete { status, head };
    }
    let length = response.headers.iter().find(|header| header.name.eq_ignore_ascii_case("content-length"));
    let complete = match length.map(|header| std::str::from_utf8(header.value).ok()?.trim().parse::<usize>().ok()) {
        Some(Some(length)) => bytes.len().saturating_sub(head) >= length,
        Some(None) => return Parsed::Invalid,
        None => ended,
    };
    if complete { Parsed::Complete { status, head } } else { Parsed::Partial(Some(status)) }
}

/// The status of a status line `HTTP/1.x NNN`, even with the rest of the
/// head missing.
pub fn status_line(bytes: &[u8]) -> Option<u16> {
    let rest = bytes.strip_prefix(b"HTTP/1.")?;
    let [minor, b' ', digits @ ..] = rest else { return None };
    let digits = digits.get(..3)?;
    if !minor.is_ascii_digit() || !digits.iter().all(u8::is_ascii_digit) {
        return None;
    }
    std::str::from_utf8(digits).ok()?.parse().ok()
}

/// The value of header field `name` in a response head.
pub fn header<'a>(bytes: &'a [u8], name: &str) -> Option<&'a [u8]> {
    let mut headers = [httparse::EMPTY_HEADER; 64];
    let mut response = httparse::Response::new(&mut headers);
    response.parse(bytes).ok()?;
    response.headers.iter().find(|header| header.name.eq_ignore_ascii_case(name)).map(|header| header.value)
}

/// What an answer, and a write error the client met, come to.
pub fn classify(answer: &Answer, write_error: Option<&io::Error>) -> Outcome {
    match parse(&answer.bytes, answer.ending == Ending::Eof) {
        Parsed::Complete { status, .. } => Outcome::Status(status),
        _ if answer.ending == Ending::Reset || write_error.is_some_and(|e| is_reset(e.kind())) => Outcome::Reset,
        _ if !answer.bytes.is_empty() => Outcome::Incomplete(status_line(&answer.bytes)),
        _ => match answer.ending {
            Ending::Eof => Outcome::SilentClose,
            Ending::Error(kind) => Outcome::Error(kind),
            Ending::Open | Ending::Upgraded | Ending::Reset => Outcome::Timeout,
        },
    }
}

/// Whether an error kind is the peer's reset (or a write into a stream it
/// has reset).
fn is_reset(kind: ErrorKind) -> bool {
    matches!(kind, ErrorKind::ConnectionReset | ErrorKind::ConnectionAborted | ErrorKind::BrokenPipe)
}

/// Reads until the answer is a complete response and the stream has ended
/// (a 101: until its head), the stream ends, or `until`; after a complete
/// response it waits at most [`END_WITHIN`] for the end. `since` is the
/// start the answer's time counts from.
pub async fn read_answer(reader: &mut (impl AsyncRead + Unpin), since: Instant, until: Instant) -> Answer {
    let mut bytes = Vec::new();
    let mut until = until;
    let mut complete_at = None;
    let ending = loop {
        if complete_at.is_none() {
            if let Parsed::Complete { status, .. } = parse(&bytes, false) {
                complete_at = Some(since.elapsed());
                if status == 101 {
                    break Ending::Upgraded;
                }
                until = until.min(Instant::now() + END_WITHIN);
            }
        }
        if bytes.len() >= MAX_ANSWER {
            break Ending::Open;
        }
        bytes.reserve(1024);
        match timeout_at(until, reader.read_buf(&mut bytes)).await {
            Err(_) => break Ending::Open,
            Ok(Ok(0)) => break Ending::Eof,
            Ok(Ok(_)) => {}
            Ok(Err(e)) if e.kind() == ErrorKind::Interrupted => {}
            Ok(Err(e)) if is_reset(e.kind()) => break Ending::Reset,
            Ok(Err(e)) => break Ending::Error(e.kind()),
        }
    };
    Answer { at: complete_at.unwrap_or_else(|| since.elapsed()), bytes, ending }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An answer of `bytes` that ended with `ending`.
    fn answer(bytes: &[u8], ending: Ending) -> Answer {
        Answer { bytes: bytes.to_vec(), ending, at: Duration::ZERO }
    }

    const REFUSAL: &[u8] =
        b"HTTP/1.1 431 Request Header Fields Too Large\r\nContent-Length: 5\r\nConnection: close\r\n\r\nlarge";

    #[test]
    fn a_whole_431_with_its_body_is_complete() {
        assert_eq!(parse(REFUSAL, false), Parsed::Complete { status: 431, head: REFUSAL.len() - 5 });
        assert_eq!(classify(&answer(REFUSAL, Ending::Eof), None), Outcome::Status(431));
        // Even when a reset followed: the whole response had arrived.
        assert_eq!(classify(&answer(REFUSAL, Ending::Reset), None), Outcome::Status(431));
    }

    #[test]
    fn a_truncated_body_is_not_complete() {
        let cut = &REFUSAL[..REFUSAL.len() - 1];
        assert_eq!(parse(cut, false), Parsed::Partial(Some(431)));
        assert_eq!(parse(cut, true), Parsed::Partial(Some(431)));
        assert_eq!(classify(&answer(cut, Ending::Eof), None), Outcome::Incomplete(Some(431)));
        assert_eq!(classify(&answer(cut, Ending::Reset), None), Outcome::Reset);
        let broken = io::Error::from(ErrorKind::BrokenPipe);
        assert_eq!(classify(&answer(cut, Ending::Eof), Some(&broken)), Outcome::Reset);
    }

    #[test]
    fn a_101_is_complete_at_its_head() {
        let head = b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n";
        let mut with_frame = head.to_vec();
        with_frame.extend_from_slice(&[0x81, 0x04, b'e', b'c', b'h', b'o']);
        assert_eq!(parse(head, false), Parsed::Complete { status: 101, head: head.len() });
        assert_eq!(parse(&with_frame, false), Parsed::Complete { status: 101, head: head.len() });
        assert_eq!(parse(&head[..head.len() - 2], false), Parsed::Partial(Some(101)));
        assert_eq!(classify(&answer(head, Ending::Upgraded), None), Outcome::Status(101));
    }

    #[test]
    fn a_body_without_length_ends_with_the_stream() {
        let bytes = b"HTTP/1.1 400 Bad Request\r\n\r\nbad";
        assert_eq!(parse(bytes, false), Parsed::Partial(Some(400)));
        assert_eq!(parse(bytes, true), Parsed::Complete { status: 400, head: bytes.len() - 3 });
        assert_eq!(classify(&answer(bytes, Ending::Open), None), Outcome::Incomplete(Some(400)));
    }

    #[test]
    fn the_status_comes_from_a_partial_line() {
        assert_eq!(status_line(b"HTTP/1.1 408 Req"), Some(408));
        assert_eq!(status_line(b"HTTP/1.0 200"), Some(200));
        assert_eq!(status_line(b"HTTP/1.1 40"), None);
        assert_eq!(status_line(b"HTTP/2 200 OK"), None);
        assert_eq!(status_line(b"SSH-2.0"), None);
        assert_eq!(parse(b"HTTP/1.1 408 Request Timeout\r\nContent-Le", false), Parsed::Partial(Some(408)));
        assert_eq!(parse(b"\x16\x03\x01 garbage\r\n\r\n", false), Parsed::Invalid);
    }

    #[test]
    fn nothing_is_a_silent_close_a_timeout_or_a_reset() {
        assert_eq!(classify(&answer(b"", Ending::Eof), None), Outcome::SilentClose);
        assert_eq!(classify(&answer(b"", Ending::Open), None), Outcome::Timeout);
        assert_eq!(classify(&answer(b"", Ending::Reset), None), Outcome::Reset);
        let reset = io::Error::from(ErrorKind::ConnectionReset);
        assert_eq!(classify(&answer(b"", Ending::Eof), Some(&reset)), Outcome::Reset);
        let slow = io::Error::from(ErrorKind::TimedOut);
        assert_eq!(classify(&answer(b"", Ending::Eof), Some(&slow)), Outcome::SilentClose);
    }

    #[test]
    fn outcomes_are_named_as_the_report_counts_them() {
        assert_eq!(Outcome::Status(408).to_string(), "408");
        assert_eq!(Outcome::Status(404).key(), "other_404");
        assert_eq!(Outcome::SilentClose.key(), "silent_close");
        assert_eq!(Outcome::ConnectFailed.key(), "connect_failed");
    }
}
