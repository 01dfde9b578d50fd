//! The status table: one row per rule of the contract's section 2
//! (`docs/CONTRACT.md` in the repository).
//!
//! Each row gives the rule's number in the contract, the status it answers
//! with and its canonical reason phrase, the extra header lines the contract
//! requires for it, and the fixed body text. Nothing else in the crate
//! chooses a status or a body for a broken rule.

/// Declares [`Rule`] and its table in one place, so that a row cannot be half
/// edited.
macro_rules! rules {
    ($(
        $(#[$doc:meta])*
        $name:ident = $number:literal, $status:literal $reason:literal, [$($header:literal),*], $body:literal;
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

            /// The canonical reason phrase of [`Rule::status`] (RFC 9110
            /// section 15, RFC 6585 section 5 for 431).
            pub const fn reason(self) -> &'static str {
                match self { $(Rule::$name => $reason,)* }
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
    MalformedHead = "1", 400 "Bad Request", [], "The request is not a valid HTTP/1.1 request head.\n";
    /// 1b: the version is `HTTP/x.y` with a major version other than 1.
    UnsupportedHttpVersion = "1b", 505 "HTTP Version Not Supported", [], "Only HTTP/1.1 can be upgraded to a WebSocket.\n";
    /// 2: the head is longer than `max_head_len` or has more than `max_headers` fields.
    HeadTooLarge = "2", 431 "Request Header Fields Too Large", [], "The request head is too large.\n";
    /// 3: the version is not HTTP/1.1 (RFC 6455 section 4.1).
    NotHttp11 = "3", 400 "Bad Request", [], "A WebSocket handshake must use HTTP/1.1.\n";
    /// 4: the method is not `GET`.
    MethodNotGet = "4", 405 "Method Not Allowed", ["Allow: GET"], "A WebSocket handshake must use the GET method.\n";
    /// 5: the request-target is neither origin-form nor a ws/wss/http/https absolute-form.
    InvalidTarget = "5", 400 "Bad Request", [], "The request target must be a path or a ws, wss, http or https URI.\n";
    /// 6: not exactly one `Host` field with a valid `uri-host [ ":" port ]`.
    InvalidHost = "6", 400 "Bad Request", [], "The request must have exactly one valid Host field.\n";
    /// 7: the request has content (`Transfer-Encoding`, or `Content-Length` other than 0).
    HasBody = "7", 400 "Bad Request", [], "A WebSocket handshake must not have a body.\n";
    /// 8: `Upgrade` does not list the token `websocket`.
    NoWebSocketUpgrade = "8", 400 "Bad Request", [], "The Upgrade field must list websocket.\n";
    /// 9: `Connection` does not list the token `upgrade`.
    NoConnectionUpgrade = "9", 400 "Bad Request", [], "The Connection field must list upgrade.\n";
    /// 10: not exactly one `Sec-WebSocket-Key` of 22 base64 characters and `==`.
    InvalidKey = "10", 400 "Bad Request", [], "The request must have exactly one valid Sec-WebSocket-Key field.\n";
    /// 11: not exactly one `Sec-WebSocket-Version` whose value is `13`.
    UnsupportedVersion = "11", 426 "Upgrade Required", ["Sec-WebSocket-Version: 13", "Upgrade: websocket"], "Only WebSocket version 13 is supported.\n";
    /// 12: more than one `Origin` field.
    DuplicateOrigin = "12", 400 "Bad Request", [], "The request must have at most one Origin field.\n";
    /// 12b: the origin policy refused the `Origin`.
    OriginRefused = "12b", 403 "Forbidden", [], "The origin of this request is not allowed.\n";
    /// 13: `Sec-WebSocket-Protocol` is not a comma-separated list of tokens.
    InvalidProtocolList = "13", 400 "Bad Request", [], "The Sec-WebSocket-Protocol field must be a list of tokens.\n";
    /// 14: the stream ended before the head was complete.
    StreamEnded = "14", 400 "Bad Request", [], "The connection ended before the request head was complete.\n";
    /// 15: the head did not arrive within the handshake deadline.
    HeadTimeout = "15", 408 "Request Timeout", [], "The request head did not arrive in time.\n";
}

impl core::fmt::Display for Rule {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "{} {} (rule {})", self.status(), self.reason(), self.number())
    }
}
