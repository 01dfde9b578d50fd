//! The three outcomes of a handshake (contract section 1).

use crate::Rule;

/// What [`crate::Handshake::feed`] decided about the bytes so far.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome<'a> {
    /// The head is incomplete, below the size limit, and the stream is open:
    /// feed again with more bytes.
    NeedMore,
    /// A valid handshake: answer with [`Accepted::write_response`]. The bytes
    /// after [`Accepted::head_len`] are the client's first frames.
    Accept(Accepted<'a>),
    /// Answer with [`Rejection::write_response`], then close as contract
    /// section 5 says.
    Reject(Rejection),
}

/// A validated handshake. Only the validator can build one, so a 101 cannot
/// be written for a request that was not checked.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Accepted<'a> {
    pub(crate) head_len: usize,
    pub(crate) path: &'a str,
    pub(crate) host: &'a [u8],
    pub(crate) key: &'a [u8],
    pub(crate) origin: Option<&'a [u8]>,
    pub(crate) protocol: Option<&'a str>,
}

impl<'a> Accepted<'a> {
    /// How many bytes were the request head; the rest are the client's.
    pub const fn head_len(&self) -> usize {
        self.head_len
    }

    /// The requested path and query (`/chat?room=1`); for an absolute-form
    /// target, the part after the authority, `/` when there is none.
    pub const fn path(&self) -> &'a str {
        self.path
    }

    /// The `Host` field's value, OWS trimmed, syntax checked.
    pub const fn host(&self) -> &'a [u8] {
        self.host
    }

    /// The `Sec-WebSocket-Key` value, OWS trimmed, syntax checked.
    pub const fn key(&self) -> &'a [u8] {
        self.key
    }

    /// The `Origin` value when the client sent one, as the origin policy
    /// allowed it. Bytes, because an `Any` policy allows non-UTF-8 values.
    pub const fn origin(&self) -> Option<&'a [u8]> {
        self.origin
    }

    /// The selected subprotocol, borrowed from the configuration: the first
    /// one the client offered that the server speaks.
    pub const fn protocol(&self) -> Option<&'a str> {
        self.protocol
    }
}

/// A refused handshake: the rule it broke, and whether the request was a
/// `HEAD` (whose response has no body).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Rejection {
    pub(crate) rule: Rule,
    pub(crate) head_method: bool,
}

impl Rejection {
    /// The rejection for `rule`, of a request whose method was `HEAD` or not.
    /// A server can use it to answer like the handshake would, for example
    /// when it must refuse a connection before reading it.
    pub const fn new(rule: Rule, head_method: bool) -> Self {
        Rejection { rule, head_method }
    }

    /// The contract rule the request broke.
    pub const fn rule(&self) -> Rule {
        self.rule
    }

    /// The response's status code.
    pub const fn status(&self) -> u16 {
        self.rule.status()
    }

    /// Whether the request's method was `HEAD`, so the response has no body
    /// and no `Content-Length` (contract section 4).
    pub const fn head_method(&self) -> bool {
        self.head_method
    }
}
