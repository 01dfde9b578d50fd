//! The status table: one row per rule of `HANDSHAKE-CONTRACT.md` section 2.
//!
//! Each row gives the rule's number in the contract, the status it answers
//! with, the extra header lines the contract requires for it, and the fixed
//! body text. Nothing else in the crate chooses a status or a body.

/// Declares [`Rule`] and its table in one place, so that a row cannot be half
/// edited.
macro_rules! rules {
    ($(
        $(#[$doc:meta])*
        $name:ident = $number:literal, $status:literal, [$($header:literal),*], $body:literal;
    )*) => {
        /// A rule of the handshake contract that a request broke.
        ///
        /// Every rejection names exactly one rule; the rule alone decides the
        /// status, the extra headers and the body of the response.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum Rule {
            $($(#[$doc])* $name,)*
        }

        impl Rule {
            /// Every rule, in the contract's order.
            pub const ALL: &'static [Rule] = &[$(Rule::$name,)*];

            /// The rule's number in the contract's table (`"1"`, `"1b"`, ... `"15"`).
            pub const fn number(self) -> &'static str {
                match self { $(Rule::$name => $number,)* }
            }

            /// The HTTP status code the rule answers with.
            pub const fn status(self) -> u16 {
                match self { $(Rule::$name => $status,)* }
            }

            /// The rule's extra header lines, each without its CRLF.
            pub const fn extra_headers(self) -> &'static [&'static str] {
                match self { $(Rule::$name => &[$($header),*],)* }
            }

            /// The fixed response body: one ASCII sentence ending in `"\n"`.
            pub const fn body(self) -> &'static str {
                match self { $(Rule::$name => $body,)* }
            }
        }
    };
}

rules! {
    /// 1: the bytes are not an HTTP/1.x request head (RFC 9112 sections 2-5).
    Syntax = "1", 400, [], "The request is not a valid HTTP/1.1 request head.\n";
    /// 1b: the version is `HTTP/x.y` with a major version other than 1.
    HttpVersionNotSupported = "1b", 505, [], "Only HTTP/1.1 can be upgraded to a WebSocket.\n";
    /// 2: the head is longer than `max_head_len` or has more than `max_headers` fields.
    HeadTooLarge = "2", 431, [], "The request head is too large.\n";
    /// 3: the version is not HTTP/1.1 (RFC 6455 section 4.1).
    NotHttp11 = "3", 400, [], "A WebSocket handshake must use HTTP/1.1.\n";
    /// 4: the method is not `GET`.
    MethodNotGet = "4", 405, ["Allow: GET"], "A WebSocket handshake must use the GET method.\n";
    /// 5: the request-target is neither origin-form nor a ws/wss/http/https absolute-form.
    TargetForm = "5", 400, [], "The request target must be a path or a ws, wss, http or https URI.\n";
    /// 6: not exactly one `Host` field with a valid `uri-host [ ":" port ]`.
    Host = "6", 400, [], "The request must have exactly one valid Host field.\n";
    /// 7: the request has content (`Transfer-Encoding`, or `Content-Length` other than 0).
    Content = "7", 400, [], "A WebSocket handshake must not have a body.\n";
    /// 8: `Upgrade` does not list the token `websocket`.
    Upgrade = "8", 400, [], "The Upgrade field must list websocket.\n";
    /// 9: `Connection` does not list the token `upgrade`.
    Connection = "9", 400, [], "The Connection field must list upgrade.\n";
    /// 10: not exactly one `Sec-WebSocket-Key` of 22 base64 characters and `==`.
    Key = "10", 400, [], "The request must have exactly one valid Sec-WebSocket-Key field.\n";
    /// 11: not exactly one `Sec-WebSocket-Version` whose value is `13`.
    Version = "11", 426, ["Sec-WebSocket-Version: 13", "Upgrade: websocket"], "Only WebSocket version 13 is supported.\n";
    /// 12: more than one `Origin` field.
    DuplicateOrigin = "12", 400, [], "The request must have at most one Origin field.\n";
    /// 12b: the origin policy refused the `Origin`.
    OriginRefused = "12b", 403, [], "The origin of this request is not allowed.\n";
    /// 13: `Sec-WebSocket-Protocol` is not a comma-separated list of tokens.
    Protocol = "13", 400, [], "The Sec-WebSocket-Protocol field must be a list of tokens.\n";
    /// 14: the stream ended before the head was complete.
    EndOfStream = "14", 400, [], "The connection ended before the request head was complete.\n";
    /// 15: the head did not arrive within the handshake deadline.
    Timeout = "15", 408, [], "The request head did not arrive in time.\n";
}

impl Rule {
    /// The canonical reason phrase of [`Rule::status`] (RFC 9110 section 15).
    pub const fn reason(self) -> &'static str {
        match self.status() {
            403 => "Forbidden",
            405 => "Method Not Allowed",
            408 => "Request Timeout",
            426 => "Upgrade Required",
            431 => "Request Header Fields Too Large",
            505 => "HTTP Version Not Supported",
            _ => "Bad Request",
        }
    }
}

impl core::fmt::Display for Rule {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "{} {} (rule {})", self.status(), self.reason(), self.number())
    }
}
