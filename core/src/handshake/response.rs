//! The response writer (contract section 4): the 101, every rule's
//! rejection and the application's refusals, written into a buffer the
//! caller provides.

use super::MAX_PROTOCOL_LEN;
use super::accept_key::{ACCEPT_KEY_LEN, accept_key};
use super::refusal::{MAX_REASON_LEN, MAX_REFUSAL_BODY_LEN, MAX_REFUSAL_FIELDS_LEN};
use super::{Refusal, Rejection, Rule};

const SWITCHING: &[u8] = b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n";
const ACCEPT_NAME: &[u8] = b"Sec-WebSocket-Accept: ";
const PROTOCOL_NAME: &[u8] = b"Sec-WebSocket-Protocol: ";
const CLOSE: &[u8] = b"Connection: close\r\nContent-Type: text/plain; charset=utf-8\r\n";
const LENGTH_NAME: &[u8] = b"Content-Length: ";
const CRLF: &[u8] = b"\r\n";

/// The longest 101: the one that selects a subprotocol of
/// [`MAX_PROTOCOL_LEN`] bytes.
#[allow(dead_code, reason = "read by the assertion below, which Rust 1.85 does not count as a use")]
const MAX_SWITCH_LEN: usize = SWITCHING.len()
    + (ACCEPT_NAME.len() + ACCEPT_KEY_LEN + CRLF.len())
    + (PROTOCOL_NAME.len() + MAX_PROTOCOL_LEN + CRLF.len())
    + CRLF.len();

/// The longest error response: the application's refusal with the longest
/// reason phrase, fields and body. (Every rule's rejection is shorter; a
/// test holds both to this.)
const MAX_ERROR_LEN: usize = b"HTTP/1.1 000 \r\n".len()
    + MAX_REASON_LEN
    + CLOSE.len()
    + LENGTH_NAME.len()
    + b"000".len()
    + CRLF.len()
    + MAX_REFUSAL_FIELDS_LEN
    + CRLF.len()
    + MAX_REFUSAL_BODY_LEN;

/// The longest response of any kind: a buffer of this size always suffices.
pub const MAX_RESPONSE_LEN: usize = MAX_ERROR_LEN;

// The longest response is a refusal: a 101 is shorter, whatever it selects.
const _: () = assert!(MAX_SWITCH_LEN < MAX_ERROR_LEN);

/// The buffer given to [`Response::write`] was too small. Its contents are
/// then unspecified.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct InsufficientSize {
    /// How many bytes the response needs.
    pub required: usize,
}

impl core::fmt::Display for InsufficientSize {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "the response needs a buffer of {} bytes", self.required)
    }
}

#[cfg(feature = "std")]
impl std::error::Error for InsufficientSize {}

/// A response to send: a 101, a rule's rejection, or the application's
/// refusal. Built by [`crate::Request::accept`], [`crate::Request::accept_with`],
/// [`crate::Request::reject`] and [`Rejection::response`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[must_use = "a response does nothing until it is written and sent"]
pub struct Response<'a>(Kind<'a>);

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind<'a> {
    Switch { key: &'a [u8], protocol: Option<&'a str> },
    Rejection(Rejection),
    Refusal(&'a Refusal<'a>),
}

impl<'a> Response<'a> {
    pub(in crate::handshake) const fn switch(key: &'a [u8], protocol: Option<&'a str>) -> Self {
        Response(Kind::Switch { key, protocol })
    }

    pub(in crate::handshake) const fn rejection(rejection: Rejection) -> Self {
        Response(Kind::Rejection(rejection))
    }

    pub(in crate::handshake) const fn refusal(refusal: &'a Refusal<'a>) -> Self {
        Response(Kind::Refusal(refusal))
    }

    /// The status code: 101, or the 4xx or 5xx of a rejection or refusal.
    pub const fn status(&self) -> u16 {
        match &self.0 {
            Kind::Switch { .. } => 101,
            Kind::Rejection(rejection) => rejection.status(),
            Kind::Refusal(refusal) => refusal.status(),
        }
    }

    /// Whether this is the 101: the connection then carries WebSocket
    /// frames; after any other response it is closed as contract section 5
    /// says.
    pub const fn is_switch(&self) -> bool {
        matches!(self.0, Kind::Switch { .. })
    }

    /// The contract rule a rejection answers; `None` for a 101 or a refusal.
    pub const fn rule(&self) -> Option<Rule> {
        match &self.0 {
            Kind::Rejection(rejection) => Some(rejection.rule()),
            _ => None,
        }
    }

    /// The selected subprotocol of a 101.
    pub const fn protocol(&self) -> Option<&'a str> {
        match &self.0 {
            Kind::Switch { protocol, .. } => *protocol,
            _ => None,
        }
    }

    /// Writes the response into `buf` and returns its length;
    /// [`MAX_RESPONSE_LEN`] bytes always suffice.
    ///
    /// ```text
    /// HTTP/1.1 101 Switching Protocols
    /// Upgrade: websocket
    /// Connection: Upgrade
    /// Sec-WebSocket-Accept: <accept key>
    /// Sec-WebSocket-Protocol: <selected>      (only when one was selected)
    /// ```
    ///
    /// ```text
    /// HTTP/1.1 <code> <canonical reason phrase>
    /// Connection: close
    /// Content-Type: text/plain; charset=utf-8
    /// Content-Length: <exact body length>     (not for HEAD)
    /// <the rule's extra fields, or the application's>
    ///
    /// <the rule's body, or the application's> (not for HEAD)
    /// ```
    pub fn write(&self, buf: &mut [u8]) -> Result<usize, InsufficientSize> {
        let mut out = Out { buf, len: 0 };
        match &self.0 {
            Kind::Switch { key, protocol } => {
                out.put(SWITCHING);
                out.line(ACCEPT_NAME, &accept_key(key));
                if let Some(protocol) = protocol {
                    out.line(PROTOCOL_NAME, protocol.as_bytes());
                }
                out.put(CRLF);
            }
            Kind::Rejection(rejection) => {
                let rule = rejection.rule();
                let body = (!rejection.head_method()).then_some(rule.body());
                out.error_head(rule.status(), rule.reason(), body);
                for field in rule.extra_headers() {
                    out.line(b"", field.as_bytes());
                }
                out.error_body(body);
            }
            Kind::Refusal(refusal) => {
                // A refused request was a GET: its response has a body.
                let body = Some(refusal.body());
                out.error_head(refusal.status(), refusal.reason(), body);
                for (name, value) in refusal.fields() {
                    out.put(name.as_bytes());
                    out.line(b": ", value.as_bytes());
                }
                out.error_body(body);
            }
        }
        out.finish()
    }
}

/// A cursor over the caller's buffer that keeps counting past its end, so
/// that a too small buffer reports the size it needed.
struct Out<'b> {
    buf: &'b mut [u8],
    len: usize,
}

impl Out<'_> {
    fn put(&mut self, bytes: &[u8]) {
        // Sliced to exactly `bytes.len()`, so that the copy cannot fail.
        if let Some(dst) = self.buf.get_mut(self.len..).and_then(|rest| rest.get_mut(..bytes.len())) {
            dst.copy_from_slice(bytes);
        }
        self.len = self.len.saturating_add(bytes.len());
    }

    /// `name`, `value` and CRLF.
    fn line(&mut self, name: &[u8], value: &[u8]) {
        self.put(name);
        self.put(value);
        self.put(CRLF);
    }

    /// The status line and the fields every error response has; no
    /// `Content-Length` when there is no body (a response to `HEAD`).
    fn error_head(&mut self, status: u16, reason: &str, body: Option<&str>) {
        self.put(b"HTTP/1.1 ");
        self.decimal(usize::from(status));
        self.line(b" ", reason.as_bytes());
        self.put(CLOSE);
        if let Some(body) = body {
            self.put(LENGTH_NAME);
            self.decimal(body.len());
            self.put(CRLF);
        }
    }

    /// The blank line and the body.
    fn error_body(&mut self, body: Option<&str>) {
        self.put(CRLF);
        self.put(body.unwrap_or_default().as_bytes());
    }

    fn decimal(&mut self, mut n: usize) {
        let mut digits = [0u8; 20];
        let mut start = digits.len();
        for slot in digits.iter_mut().rev() {
            // `n % 10` is below 10, so the cast keeps it whole.
            *slot = b'0' + (n % 10) as u8;
            n /= 10;
            start -= 1;
            if n == 0 {
                break;
            }
        }
        self.put(digits.get(start..).unwrap_or_default());
    }

    fn finish(self) -> Result<usize, InsufficientSize> {
        if self.len <= self.buf.len() { Ok(self.len) } else { Err(InsufficientSize { required: self.len }) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The longest 101 and the longest refusal are exactly as long as the
    /// constants say; every rule's rejection is shorter.
    #[test]
    fn the_longest_responses_fit_exactly() {
        let protocol = "p".repeat(MAX_PROTOCOL_LEN);
        let switch = Response::switch(b"dGhlIHNhbXBsZSBub25jZQ==", Some(&protocol));
        assert_eq!(switch.write(&mut [0; MAX_RESPONSE_LEN]), Ok(MAX_SWITCH_LEN));

        // Fields of 128 bytes a line, eight of them: 1024 bytes.
        let value = "v".repeat(128 - 4 - 7);
        let names = ["X-Aaaaa", "X-Bbbbb", "X-Ccccc", "X-Ddddd", "X-Eeeee", "X-Fffff", "X-Ggggg", "X-Hhhhh"];
        let mut refusal = Refusal::new(511).unwrap();
        for name in names {
            refusal = refusal.with_field(name, &value).unwrap();
        }
        let body = "b".repeat(MAX_REFUSAL_BODY_LEN);
        let refusal = refusal.with_body(&body).unwrap();
        assert_eq!(Response::refusal(&refusal).write(&mut [0; MAX_RESPONSE_LEN]), Ok(MAX_ERROR_LEN));

        for &rule in Rule::ALL {
            let len = Rejection::new(rule, false).response().write(&mut [0; MAX_RESPONSE_LEN]).unwrap();
            assert!(len < MAX_ERROR_LEN, "{rule:?}");
        }
        let too_small = switch.write(&mut [0; 10]);
        assert_eq!(too_small, Err(InsufficientSize { required: MAX_SWITCH_LEN }));
    }
}
