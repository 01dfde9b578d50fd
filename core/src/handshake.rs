//! The sans-IO handshake: bytes in, one of the contract's outcomes out
//! (contract sections 1 to 4). Nothing here touches a stream or a clock.
//!
//! The items of this module's files are private to it, so the delivery
//! policy and the drivers beside it are built on the public API alone, as a
//! user's driver would be.

mod abnf;
mod accept_key;
mod config;
mod fields;
mod ip_literal;
mod parser;
mod refusal;
mod request;
mod response;
mod rules;
mod validate;
mod words;

pub use accept_key::{ACCEPT_KEY_LEN, WEBSOCKET_GUID, accept_key};
pub use config::{
    Config, ConfigError, DEFAULT_MAX_HEAD_LEN, DEFAULT_MAX_HEADERS, MAX_PROTOCOL_LEN, OriginPolicy, ValidConfig,
};
pub use refusal::{
    DecisionError, MAX_REFUSAL_BODY_LEN, MAX_REFUSAL_FIELDS, MAX_REFUSAL_FIELDS_LEN, Refusal, reason_phrase,
};
pub use request::{Fields, Rejection, Request};
pub use response::{InsufficientSize, MAX_RESPONSE_LEN, Response};
pub use rules::Rule;

use fields::Seen;
use parser::{Parser, Scan};

/// One server-side opening handshake: the head is read into a buffer the
/// handshake holds, so the bytes it parses are always the bytes received,
/// from the first, in order.
///
/// Read into [`Handshake::unfilled`] and say how many bytes arrived with
/// [`Handshake::filled`] until it says [`Status::Decided`]; then
/// [`Handshake::into_progress`] consumes the handshake and gives the valid
/// request or the rejection, which borrow the buffer, not the handshake.
///
/// ```
/// use ws_handshake::{Handshake, Progress, Status, ValidConfig};
///
/// let config = ValidConfig::default();
/// let mut buf = [0; 8192];
/// let request = b"GET /chat HTTP/1.1\r\nHost: example.com\r\nUpgrade: websocket\r\n\
///     Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\
///     Sec-WebSocket-Version: 13\r\n\r\n";
/// let mut handshake = Handshake::new(&config, &mut buf)?;
/// let mut sent = &request[..];
/// loop {
///     // A read from the client: here, at most 40 bytes at a time.
///     let unfilled = handshake.unfilled();
///     let n = sent.len().min(40).min(unfilled.len());
///     unfilled[..n].copy_from_slice(&sent[..n]);
///     sent = &sent[n..];
///     if handshake.filled(n) == Status::Decided {
///         break;
///     }
/// }
/// let Progress::Request(request) = handshake.into_progress() else { panic!("not valid") };
/// assert_eq!(request.path(), "/chat");
///
/// let mut response = [0; ws_handshake::MAX_RESPONSE_LEN];
/// let len = request.accept().write(&mut response)?;
/// assert!(response[..len].ends_with(b"Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// A decided handshake stays decided: more bytes only join the ones after
/// the head. Once its progress is taken, the handshake is gone: feeding it
/// again does not compile.
///
/// ```compile_fail,E0382
/// # use ws_handshake::{Handshake, ValidConfig};
/// let config = ValidConfig::default();
/// let mut buf = [0; 8192];
/// let mut handshake = Handshake::new(&config, &mut buf).unwrap();
/// let _ = handshake.filled(0);
/// let progress = handshake.into_progress();
/// let _ = handshake.filled(0); // error: borrow of moved value
/// ```
pub struct Handshake<'a> {
    config: &'a ValidConfig<'a>,
    buf: &'a mut [u8],
    /// How many bytes of `buf` hold what the client sent.
    filled: usize,
    parser: Parser,
    seen: Seen,
    /// What the bytes decided, once they have.
    decided: Option<Decided>,
}

/// What decided a handshake, before rules 3 to 13 are checked.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Decided {
    /// A complete, well-formed head of this length.
    Complete(usize),
    /// A broken rule of those the bytes decide as they arrive.
    Broken(Rule),
}

/// Whether a handshake is decided: see [`Handshake::filled`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[must_use = "a decided handshake must be answered: call `into_progress`"]
pub enum Status {
    /// The head is incomplete, below the size limit, and the stream is open:
    /// read more into [`Handshake::unfilled`].
    NeedMore,
    /// The handshake is decided: [`Handshake::into_progress`] says how.
    Decided,
}

impl core::fmt::Debug for Handshake<'_> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Handshake").field("filled", &self.filled).field("parser", &self.parser).finish_non_exhaustive()
    }
}

/// What the bytes received so far decide: see [`Handshake::into_progress`].
#[derive(Debug)]
#[must_use = "a handshake that needs more bytes is handed back here; a decided one must be answered"]
pub enum Progress<'a> {
    /// The head is incomplete, below the size limit, and the stream is open:
    /// the handshake, to read more into.
    NeedMore(Handshake<'a>),
    /// A valid handshake (rules 1 to 13 hold): the application inspects the
    /// request, then answers with [`Request::accept`], [`Request::accept_with`]
    /// or [`Request::reject`] (contract section 6).
    Request(Request<'a>),
    /// A broken rule: answer with [`Rejection::response`], then close as
    /// contract section 5 says.
    Reject(Rejection),
}

impl<'a> Progress<'a> {
    /// The answer when the application takes the contract's defaults: the
    /// 101 of [`Request::accept`] or the rejection's response; `None` while
    /// more bytes are needed.
    pub fn response(&self) -> Option<Response<'a>> {
        match self {
            Progress::NeedMore(_) => None,
            Progress::Request(request) => Some(request.accept()),
            Progress::Reject(rejection) => Some(rejection.response()),
        }
    }
}

/// The buffer given to [`Handshake::new`] is shorter than the configuration's
/// `max_head_len`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BufferTooSmall {
    /// The length the buffer needs: `max_head_len`.
    pub required: usize,
}

impl core::fmt::Display for BufferTooSmall {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "the head buffer must hold {} bytes", self.required)
    }
}

#[cfg(feature = "std")]
impl std::error::Error for BufferTooSmall {}

impl<'a> Handshake<'a> {
    /// Starts a handshake under `config` that reads the head into `buf`,
    /// which must hold at least `config.max_head_len` bytes. Bytes past the
    /// head that arrive in the same reads (the client's first frames) stay in
    /// `buf` too: a longer buffer keeps more of them.
    pub fn new(config: &'a ValidConfig<'a>, buf: &'a mut [u8]) -> Result<Self, BufferTooSmall> {
        if buf.len() < config.max_head_len {
            return Err(BufferTooSmall { required: config.max_head_len });
        }
        Ok(Handshake { config, buf, filled: 0, parser: Parser::new(), seen: Seen::default(), decided: None })
    }

    /// Where the next read goes: the part of the buffer not filled yet. It is
    /// never empty while the handshake needs more bytes.
    pub fn unfilled(&mut self) -> &mut [u8] {
        self.buf.get_mut(self.filled..).unwrap_or_default()
    }

    /// Takes in `n` more bytes, which a read just put at the start of
    /// [`Handshake::unfilled`]; `n == 0` is the end of the stream, as
    /// [`std::io::Read::read`] returns it. An `n` larger than the unfilled
    /// part counts as all of it. Says whether the handshake is decided; once
    /// it is, [`Handshake::into_progress`] gives the decision, and further
    /// bytes only join the ones after the head.
    ///
    /// Only the new bytes are parsed, so reading a head byte by byte costs
    /// what reading it at once does. The decision depends on the first
    /// `max_head_len` bytes alone, never on how they were split into reads,
    /// and the end of the stream always decides.
    pub fn filled(&mut self, n: usize) -> Status {
        let end_of_stream = n == 0;
        self.filled = self.filled.saturating_add(n).min(self.buf.len());
        if self.decided.is_some() {
            return Status::Decided;
        }
        let limit = self.config.max_head_len;
        let Handshake { config, buf, filled, parser, seen, .. } = self;
        let window = buf.get(..(*filled).min(limit)).unwrap_or_default();
        let scan = parser.scan(window, |name, value| {
            seen.see(name.of(window), value.of(window), value, config.protocols);
        });
        let window_len = window.len();
        self.decided = match scan {
            Scan::Failed(rule) => Some(Decided::Broken(rule)),
            Scan::Complete(_) if self.too_many_fields() => Some(Decided::Broken(Rule::HeadTooLarge)),
            Scan::Complete(head_len) => Some(Decided::Complete(head_len)),
            Scan::Incomplete if window_len >= limit => Some(Decided::Broken(Rule::HeadTooLarge)),
            Scan::Incomplete if end_of_stream && self.too_many_fields() => Some(Decided::Broken(Rule::HeadTooLarge)),
            Scan::Incomplete if end_of_stream => Some(Decided::Broken(Rule::StreamEnded)),
            Scan::Incomplete => return Status::NeedMore,
        };
        Status::Decided
    }

    /// The handshake's progress: the handshake back while it needs more
    /// bytes, else the valid request (rules 3 to 13 are checked here, once)
    /// or the rejection.
    pub fn into_progress(self) -> Progress<'a> {
        match self.decided {
            None => Progress::NeedMore(self),
            Some(Decided::Broken(rule)) => Progress::Reject(self.reject(rule)),
            Some(Decided::Complete(head_len)) => self.validate(head_len),
        }
    }

    /// The answer when the handshake deadline passes while the handshake
    /// still needs more bytes: 408 (rule 15), or 431 when the head already
    /// has more than `max_headers` fields (rule 2).
    #[must_use = "the rejection must be sent"]
    pub fn timed_out(self) -> Rejection {
        self.reject(if self.too_many_fields() { Rule::HeadTooLarge } else { Rule::HeadTimeout })
    }

    /// Checks rules 3 to 13 over the complete head of `head_len` bytes.
    fn validate(self, head_len: usize) -> Progress<'a> {
        let Handshake { config, buf, filled, parser, seen, .. } = self;
        let line = parser.request_line();
        let received: &'a [u8] = buf;
        let received = received.get(..filled).unwrap_or_default();
        match validate::validate(config, received, head_len, line, &seen) {
            Ok(request) => Progress::Request(request),
            Err(rule) => Progress::Reject(Rejection { rule, head_method: line.head_method }),
        }
    }

    fn too_many_fields(&self) -> bool {
        self.parser.fields() > self.config.max_headers
    }

    fn reject(&self, rule: Rule) -> Rejection {
        Rejection { rule, head_method: self.parser.request_line().head_method }
    }
}
