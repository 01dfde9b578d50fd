//! What a decided handshake hands the application: a valid request to
//! inspect and answer (contract section 6), or the rule a request broke.

use super::abnf::{list_elements, trim_ows};
use super::{DecisionError, Refusal, Response, Rule};

/// A valid handshake request (rules 1 to 13 hold), borrowed from the
/// handshake's buffer. Only the validator builds one, so a 101 cannot be
/// written for a request that was not checked.
///
/// The application reads what it needs (the path, the `Host`, the `Origin`,
/// cookies, credentials, the offered subprotocols and extensions), then
/// answers with one of [`Request::accept`], [`Request::accept_with`] or
/// [`Request::reject`]. Nothing here allocates.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Request<'a> {
    /// Every byte received: the head, then the client's first bytes after it.
    pub(in crate::handshake) received: &'a [u8],
    pub(in crate::handshake) head: &'a [u8],
    /// The head after the request line: the field lines and the blank line.
    pub(in crate::handshake) field_lines: &'a [u8],
    pub(in crate::handshake) target: &'a str,
    /// The path and query of the target.
    pub(in crate::handshake) path: &'a str,
    /// Checked ASCII: the accessors give it as `&str`.
    pub(in crate::handshake) host: &'a [u8],
    pub(in crate::handshake) key: &'a [u8],
    pub(in crate::handshake) origin: Option<&'a [u8]>,
    /// The configuration's choice of subprotocol (contract section 3.2).
    pub(in crate::handshake) selected: Option<&'a str>,
}

impl<'a> Request<'a> {
    /// The method: always `GET` (rule 4).
    pub const fn method(&self) -> &'static str {
        "GET"
    }

    /// The request-target as sent: origin-form (`/chat?room=1`) or
    /// absolute-form (`wss://example.com/chat`).
    pub const fn target(&self) -> &'a str {
        self.target
    }

    /// The path of the target, without the query; for an absolute-form
    /// target, the part after the authority, `/` when there is none.
    pub fn path(&self) -> &'a str {
        self.path.split_once('?').map_or(self.path, |(path, _)| path)
    }

    /// The query of the target, without the `?`, when it has one.
    pub fn query(&self) -> Option<&'a str> {
        self.path.split_once('?').map(|(_, query)| query)
    }

    /// The `Host` field's value, OWS trimmed; a valid `uri-host [ ":" port ]`.
    pub fn host(&self) -> &'a str {
        ascii(self.host)
    }

    /// The `Sec-WebSocket-Key` value, OWS trimmed: 22 base64 characters and
    /// `==`.
    pub fn key(&self) -> &'a str {
        ascii(self.key)
    }

    /// The `Origin` value when the client sent one, as the origin policy
    /// allowed it. Bytes, because an [`crate::OriginPolicy::Any`] policy
    /// allows values that are not UTF-8.
    pub const fn origin(&self) -> Option<&'a [u8]> {
        self.origin
    }

    /// The subprotocols the client offered, in its order, over every
    /// `Sec-WebSocket-Protocol` field: each a token (rule 13).
    pub fn protocols(&self) -> impl Iterator<Item = &'a str> + 'a {
        self.list("sec-websocket-protocol").filter_map(|token| core::str::from_utf8(token).ok())
    }

    /// The extensions the client offered, in its order, over every
    /// `Sec-WebSocket-Extensions` field: each element of the lists (an
    /// extension with its parameters), OWS trimmed, empty ones skipped. The
    /// handshake negotiates none (contract section 3.3) and does not check
    /// their syntax.
    pub fn extensions(&self) -> impl Iterator<Item = &'a [u8]> + 'a {
        self.list("sec-websocket-extensions")
    }

    /// The value of the first field named `name` (ASCII case-insensitive),
    /// OWS trimmed.
    pub fn field(&self, name: &str) -> Option<&'a [u8]> {
        self.fields().find(|(field, _)| field.eq_ignore_ascii_case(name)).map(|(_, value)| value)
    }

    /// Every field line of the head, in order: its name as sent and its
    /// value, OWS trimmed.
    pub const fn fields(&self) -> Fields<'a> {
        Fields { rest: self.field_lines }
    }

    /// The subprotocol the configuration selects: the first one the client
    /// offered that the server speaks (contract section 3.2).
    pub const fn selected_protocol(&self) -> Option<&'a str> {
        self.selected
    }

    /// How many bytes were the request head.
    pub const fn head_len(&self) -> usize {
        self.head.len()
    }

    /// The bytes that followed the head in the same reads: the client's
    /// first frames, untouched. A driver hands them on before the stream.
    pub fn leftover(&self) -> &'a [u8] {
        self.received.get(self.head.len()..).unwrap_or_default()
    }

    /// Accepts with the subprotocol the configuration selects (contract
    /// section 3.2): the 101 to send.
    pub const fn accept(&self) -> Response<'a> {
        Response::switch(self.key, self.selected)
    }

    /// Accepts with `protocol`, which must be one the client offered
    /// (compared exactly), or with none: the 101 to send.
    pub fn accept_with(&self, protocol: Option<&str>) -> Result<Response<'a>, DecisionError> {
        let Some(wanted) = protocol else { return Ok(Response::switch(self.key, None)) };
        match self.protocols().find(|&offered| offered == wanted) {
            Some(offered) => Ok(Response::switch(self.key, Some(offered))),
            None => Err(DecisionError::ProtocolNotOffered),
        }
    }

    /// Refuses with the application's own status, fields and body: the
    /// response to send, then close as contract section 5 says.
    pub const fn reject<'r>(&self, refusal: &'r Refusal<'r>) -> Response<'r> {
        Response::refusal(refusal)
    }

    /// The elements of every field named `name` (lowercase), OWS trimmed,
    /// empty ones skipped.
    fn list(&self, name: &'static str) -> impl Iterator<Item = &'a [u8]> + 'a {
        self.fields()
            .filter(move |(field, _)| field.eq_ignore_ascii_case(name))
            .flat_map(|(_, value)| list_elements(value))
            .filter(|element| !element.is_empty())
    }
}

/// Checked ASCII as text. Converted when asked for, not when the head is
/// checked: the 101 needs the bytes only.
fn ascii(bytes: &[u8]) -> &str {
    core::str::from_utf8(bytes).unwrap_or_default()
}

/// The field lines of a valid head, in order: see [`Request::fields`].
#[derive(Clone, Debug)]
pub struct Fields<'a> {
    /// From the next field line to the end of the head.
    rest: &'a [u8],
}

impl<'a> Iterator for Fields<'a> {
    type Item = (&'a str, &'a [u8]);

    fn next(&mut self) -> Option<Self::Item> {
        let end = self.rest.windows(2).position(|pair| pair == b"\r\n")?;
        let (line, rest) = self.rest.split_at_checked(end)?;
        self.rest = rest.get(2..).unwrap_or_default();
        // The blank line ends the head.
        let colon = line.iter().position(|&b| b == b':')?;
        let (name, value) = line.split_at_checked(colon)?;
        // A field name is a token, so it is UTF-8.
        let name = core::str::from_utf8(name).ok()?;
        Some((name, trim_ows(value.get(1..).unwrap_or_default())))
    }
}

/// A refused handshake: the rule it broke, and whether the request was a
/// `HEAD` (whose response has no body).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Rejection {
    pub(in crate::handshake) rule: Rule,
    pub(in crate::handshake) head_method: bool,
}

impl Rejection {
    /// The rejection for `rule`, of a request whose method was `HEAD` or not.
    /// A server can use it to answer as the handshake would, for example
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

    /// The error response to send (contract section 4).
    pub const fn response(&self) -> Response<'static> {
        Response::rejection(*self)
    }
}
