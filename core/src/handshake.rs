//! The entry point: bytes and "the stream ended" in, one of the contract's
//! three outcomes out (contract sections 1 and 2).

use crate::fields::Fields;
use crate::parser::{Parser, Scan};
use crate::validate::validate;
use crate::{Config, ConfigError, Outcome, Rejection, Rule};

/// One server-side opening handshake, fed the bytes a client sent.
///
/// ```
/// use ws_handshake::{Config, Handshake, Outcome};
///
/// let config = Config::default();
/// let mut handshake = Handshake::new(&config)?;
/// let request = b"GET /chat HTTP/1.1\r\nHost: example.com\r\nUpgrade: websocket\r\n\
///     Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\
///     Sec-WebSocket-Version: 13\r\n\r\n";
/// assert_eq!(handshake.feed(&request[..20], false), Outcome::NeedMore);
/// let Outcome::Accept(accepted) = handshake.feed(request, false) else { panic!() };
/// assert_eq!(accepted.path(), "/chat");
///
/// let mut response = [0; ws_handshake::MAX_RESPONSE_LEN];
/// let len = accepted.write_response(&mut response).unwrap();
/// assert!(response[..len].ends_with(b"Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n"));
/// # Ok::<(), ws_handshake::ConfigError>(())
/// ```
#[derive(Clone, Debug)]
pub struct Handshake<'c> {
    config: &'c Config<'c>,
    parser: Parser,
    fields: Fields,
}

/// What the bytes so far decide, before the rules that need the whole head.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Progress {
    NeedMore,
    /// A complete, well-formed head of this length, not yet validated.
    Complete(usize),
    Rejected(Rejection),
}

impl<'c> Handshake<'c> {
    /// Starts a handshake under `config`, once [`Config::validate`] passes.
    pub fn new(config: &'c Config<'c>) -> Result<Self, ConfigError> {
        config.validate()?;
        Ok(Handshake { config, parser: Parser::new(), fields: Fields::default() })
    }

    /// Decides what the bytes received so far call for.
    ///
    /// `bytes` are all the bytes the client sent, from the first: each call
    /// must pass the bytes of the previous call and any that arrived since.
    /// Only the new ones are parsed, so feeding a head byte by byte costs
    /// what feeding it at once does. `end_of_stream` says that no more will
    /// come. The outcome depends on the first
    /// [`max_head_len`](Config::max_head_len) bytes alone, never on how they
    /// were split into calls, and it is never [`Outcome::NeedMore`] when
    /// `end_of_stream` is true.
    pub fn feed<'b>(&mut self, bytes: &'b [u8], end_of_stream: bool) -> Outcome<'b>
    where
        'c: 'b,
    {
        match self.progress(bytes, end_of_stream) {
            Progress::NeedMore => Outcome::NeedMore,
            Progress::Rejected(rejection) => Outcome::Reject(rejection),
            Progress::Complete(head_len) => match self.validate(bytes.get(..head_len).unwrap_or(bytes)) {
                Ok(accepted) => Outcome::Accept(accepted),
                Err(rejection) => Outcome::Reject(rejection),
            },
        }
    }

    /// The answer when the handshake deadline passes while [`Handshake::feed`]
    /// still says [`Outcome::NeedMore`]: 408 (rule 15), or 431 when the head
    /// already has more than `max_headers` fields (rule 2).
    pub fn timed_out(&self) -> Rejection {
        self.reject(if self.too_many_fields() { Rule::HeadTooLarge } else { Rule::Timeout })
    }

    /// The part of [`Handshake::feed`] that does not borrow the bytes: the
    /// driver loops on it while it reads into its buffer.
    pub(crate) fn progress(&mut self, bytes: &[u8], end_of_stream: bool) -> Progress {
        let limit = self.config.max_head_len;
        let window = bytes.get(..limit).unwrap_or(bytes);
        let Handshake { config, parser, fields } = self;
        let scan = parser.scan(window, |name, value| {
            fields.see(name.of(window), value.of(window), value, config.protocols);
        });
        let rule = match scan {
            Scan::Failed(rule) => rule,
            Scan::Complete(_) if self.too_many_fields() => Rule::HeadTooLarge,
            Scan::Complete(head_len) => return Progress::Complete(head_len),
            Scan::Incomplete if window.len() >= limit => Rule::HeadTooLarge,
            Scan::Incomplete if end_of_stream && self.too_many_fields() => Rule::HeadTooLarge,
            Scan::Incomplete if end_of_stream => Rule::EndOfStream,
            Scan::Incomplete => return Progress::NeedMore,
        };
        Progress::Rejected(self.reject(rule))
    }

    /// Checks rules 3 to 13 over a head that [`Handshake::progress`] found
    /// complete.
    pub(crate) fn validate<'b>(&self, head: &'b [u8]) -> Result<crate::Accepted<'b>, Rejection>
    where
        'c: 'b,
    {
        validate(self.config, head, self.parser.request_line(), &self.fields).map_err(|rule| self.reject(rule))
    }

    fn too_many_fields(&self) -> bool {
        self.parser.fields() > self.config.max_headers
    }

    fn reject(&self, rule: Rule) -> Rejection {
        Rejection { rule, head_method: self.parser.request_line().head_method }
    }
}
