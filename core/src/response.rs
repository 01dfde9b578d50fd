//! The response writers (contract section 4): the 101 and every rejection,
//! written into a buffer the caller provides.

use crate::accept_key::accept_key;
use crate::{Accepted, Rejection};

/// The longest 101 response: the one that selects a subprotocol of
/// [`crate::MAX_PROTOCOL_LEN`] bytes.
pub const MAX_ACCEPT_LEN: usize = 219;

/// The longest rejection response.
pub const MAX_REJECT_LEN: usize = 200;

/// The longest response of any kind: a buffer of this size always suffices.
pub const MAX_RESPONSE_LEN: usize = if MAX_ACCEPT_LEN > MAX_REJECT_LEN { MAX_ACCEPT_LEN } else { MAX_REJECT_LEN };

/// The buffer given to a response writer was too small. Its contents are
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

impl Accepted<'_> {
    /// Writes the `101 Switching Protocols` response into `buf` and returns
    /// its length.
    ///
    /// ```text
    /// HTTP/1.1 101 Switching Protocols
    /// Upgrade: websocket
    /// Connection: Upgrade
    /// Sec-WebSocket-Accept: <accept key>
    /// Sec-WebSocket-Protocol: <selected>      (only when one was selected)
    /// ```
    pub fn write_response(&self, buf: &mut [u8]) -> Result<usize, InsufficientSize> {
        let mut out = Out::new(buf);
        out.put(b"HTTP/1.1 101 Switching Protocols\r\n");
        out.put(b"Upgrade: websocket\r\n");
        out.put(b"Connection: Upgrade\r\n");
        out.line(b"Sec-WebSocket-Accept: ", &accept_key(self.key));
        if let Some(protocol) = self.protocol {
            out.line(b"Sec-WebSocket-Protocol: ", protocol.as_bytes());
        }
        out.put(b"\r\n");
        out.finish()
    }
}

impl Rejection {
    /// Writes the error response into `buf` and returns its length.
    ///
    /// ```text
    /// HTTP/1.1 <code> <canonical reason phrase>
    /// Connection: close
    /// Content-Type: text/plain; charset=utf-8
    /// Content-Length: <exact body length>     (not for HEAD)
    /// <the rule's extra headers>
    ///
    /// <the rule's body>                       (not for HEAD)
    /// ```
    pub fn write_response(&self, buf: &mut [u8]) -> Result<usize, InsufficientSize> {
        let rule = self.rule;
        let body = rule.body().as_bytes();
        let mut out = Out::new(buf);
        out.put(b"HTTP/1.1 ");
        out.decimal(usize::from(rule.status()));
        out.line(b" ", rule.reason().as_bytes());
        out.put(b"Connection: close\r\n");
        out.put(b"Content-Type: text/plain; charset=utf-8\r\n");
        if !self.head_method {
            out.put(b"Content-Length: ");
            out.decimal(body.len());
            out.put(b"\r\n");
        }
        for header in rule.extra_headers() {
            out.line(b"", header.as_bytes());
        }
        out.put(b"\r\n");
        if !self.head_method {
            out.put(body);
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

impl<'b> Out<'b> {
    fn new(buf: &'b mut [u8]) -> Self {
        Out { buf, len: 0 }
    }

    fn put(&mut self, bytes: &[u8]) {
        let end = self.len.saturating_add(bytes.len());
        if let Some(dst) = self.buf.get_mut(self.len..end) {
            dst.copy_from_slice(bytes);
        }
        self.len = end;
    }

    /// `name`, `value` and CRLF.
    fn line(&mut self, name: &[u8], value: &[u8]) {
        self.put(name);
        self.put(value);
        self.put(b"\r\n");
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
