//! Rules 3 to 13 of the contract, checked in order over a complete,
//! well-formed head; the first failure decides.

use crate::abnf::{self, host_port, is_token, is_websocket_key, list_contains, list_elements};
use crate::config::MAX_HEADERS_LIMIT;
use crate::{Accepted, Config, OriginPolicy, Rule};

/// A field that must appear at most once: how often it did, and its first
/// value (OWS trimmed).
#[derive(Clone, Copy, Default)]
enum Single<'a> {
    #[default]
    Absent,
    Once(&'a [u8]),
    Repeated,
}

impl<'a> Single<'a> {
    fn see(&mut self, value: &'a [u8]) {
        *self = match self {
            Single::Absent => Single::Once(value),
            _ => Single::Repeated,
        };
    }

    /// The value when the field appeared exactly once.
    fn once(self) -> Option<&'a [u8]> {
        match self {
            Single::Once(value) => Some(value),
            _ => None,
        }
    }
}

/// What one pass over the header fields collects for the rules.
#[derive(Default)]
struct Fields<'a> {
    host: Single<'a>,
    transfer_encoding: bool,
    content_length: Single<'a>,
    upgrade_websocket: bool,
    connection_upgrade: bool,
    key: Single<'a>,
    version: Single<'a>,
    origin: Single<'a>,
    protocol_malformed: bool,
    /// The first offered subprotocol the server speaks (contract 3.2).
    protocol: Option<&'a str>,
}

impl<'a> Fields<'a> {
    fn collect(headers: &[httparse::Header<'a>], config: &Config<'a>) -> Self {
        let mut fields = Fields::default();
        for header in headers {
            let name = header.name.as_bytes();
            let value = abnf::trim_ows(header.value);
            let is = |known: &str| name.eq_ignore_ascii_case(known.as_bytes());
            if is("host") {
                fields.host.see(value);
            } else if is("transfer-encoding") {
                fields.transfer_encoding = true;
            } else if is("content-length") {
                fields.content_length.see(value);
            } else if is("upgrade") {
                fields.upgrade_websocket |= list_contains(value, b"websocket");
            } else if is("connection") {
                fields.connection_upgrade |= list_contains(value, b"upgrade");
            } else if is("sec-websocket-key") {
                fields.key.see(value);
            } else if is("sec-websocket-version") {
                fields.version.see(value);
            } else if is("origin") {
                fields.origin.see(value);
            } else if is("sec-websocket-protocol") {
                fields.offer_protocols(value, config.protocols);
            }
        }
        fields
    }

    /// > Sec-WebSocket-Protocol = 1#token                 ; RFC 6455 4.3
    ///
    /// Several fields combine into one list; an empty element is malformed.
    fn offer_protocols(&mut self, value: &[u8], spoken: &[&'a str]) {
        for offered in list_elements(value) {
            if !is_token(offered) {
                self.protocol_malformed = true;
            } else if self.protocol.is_none() {
                self.protocol = spoken.iter().copied().find(|p| p.as_bytes() == offered);
            }
        }
    }
}

/// Checks rules 3 to 13 over `head`, a complete head the parser found
/// well-formed, whose request line has the version digits `version`.
pub(crate) fn validate<'a>(
    config: &Config<'a>,
    head: &'a [u8],
    version: [u8; 2],
) -> Result<Accepted<'a>, Rule> {
    // Rule 3. "The method of the request MUST be GET, and the HTTP version
    // MUST be at least 1.1." (RFC 6455 4.1); "A server MUST ignore an Upgrade
    // header field that is received in an HTTP/1.0 request." (RFC 9110 7.8)
    if version != *b"11" {
        return Err(Rule::NotHttp11);
    }

    let mut storage = [httparse::EMPTY_HEADER; MAX_HEADERS_LIMIT];
    let mut request = httparse::Request::new(&mut storage);
    // The parser accepted this head; httparse is at most as strict, so a
    // disagreement is still a syntax error rather than a panic.
    match request.parse(head) {
        Ok(httparse::Status::Complete(len)) if len == head.len() => {}
        _ => return Err(Rule::Syntax),
    }
    let (Some(method), Some(target)) = (request.method, request.path) else {
        return Err(Rule::Syntax);
    };

    // Rule 4. "The method of the request MUST be GET" (RFC 6455 4.1); the
    // method token is case-sensitive (RFC 9110 9.1).
    if method != "GET" {
        return Err(Rule::MethodNotGet);
    }

    // Rule 5. "The "Request-URI" of the GET method [...] is used to identify
    // the endpoint of the WebSocket connection" (RFC 6455 4.1): origin-form,
    // or absolute-form with a ws, wss, http or https URI.
    let path = abnf::target_path(target).ok_or(Rule::TargetForm)?;

    let fields = Fields::collect(request.headers, config);

    // Rule 6. "A server MUST respond with a 400 (Bad Request) status code to
    // any HTTP/1.1 request message that lacks a Host header field and to any
    // request message that contains more than one Host header field line or
    // a Host header field with an invalid field value." (RFC 9112 3.2)
    let host = fields.host.once().ok_or(Rule::Host)?;
    let (host_name, host_port) = host_port(host).ok_or(Rule::Host)?;

    // Rule 7. The opening handshake is a GET without content: no
    // Transfer-Encoding, and Content-Length absent or exactly 0.
    let content_length_ok = match fields.content_length {
        Single::Absent => true,
        Single::Once(value) => value == b"0",
        Single::Repeated => false,
    };
    if fields.transfer_encoding || !content_length_ok {
        return Err(Rule::Content);
    }

    // Rule 8. "An |Upgrade| header field containing the value "websocket",
    // treated as an ASCII case-insensitive value." (RFC 6455 4.2.1)
    if !fields.upgrade_websocket {
        return Err(Rule::Upgrade);
    }

    // Rule 9. "A |Connection| header field that includes the token
    // "Upgrade", treated as an ASCII case-insensitive value." (RFC 6455 4.2.1)
    if !fields.connection_upgrade {
        return Err(Rule::Connection);
    }

    // Rule 10. "A |Sec-WebSocket-Key| header field with a base64-encoded
    // value that, when decoded, is 16 bytes in length." (RFC 6455 4.2.1)
    let key = fields
        .key
        .once()
        .filter(|key| is_websocket_key(key))
        .ok_or(Rule::Key)?;

    // Rule 11. "A |Sec-WebSocket-Version| header field, with a value of 13."
    // (RFC 6455 4.2.1); otherwise 426 with the versions the server speaks.
    if fields.version.once() != Some(b"13") {
        return Err(Rule::Version);
    }

    // Rule 12. "The |Origin| header field MUST NOT appear more than once."
    // (RFC 6455 11.3.2)
    let origin = match fields.origin {
        Single::Absent => None,
        Single::Once(origin) => Some(origin),
        Single::Repeated => return Err(Rule::DuplicateOrigin),
    };

    // Rule 12b. "If the server does not wish to accept this connection, it
    // MUST return an appropriate HTTP error code (e.g., 403 Forbidden)"
    // (RFC 6455 4.2.2); the policy is contract section 3.1.
    if let Some(origin) = origin {
        let allowed = match config.origin {
            OriginPolicy::Any => true,
            OriginPolicy::AllowList(list) => list
                .iter()
                .any(|a| a.as_bytes().eq_ignore_ascii_case(origin)),
            OriginPolicy::SameHost => abnf::origin_host_port(origin).is_some_and(|(name, port)| {
                name.eq_ignore_ascii_case(host_name) && port == host_port
            }),
        };
        if !allowed {
            return Err(Rule::OriginRefused);
        }
    }

    // Rule 13. "Sec-WebSocket-Protocol = 1#token" (RFC 6455 4.3)
    if fields.protocol_malformed {
        return Err(Rule::Protocol);
    }

    Ok(Accepted {
        head_len: head.len(),
        path,
        host,
        key,
        origin,
        protocol: fields.protocol,
    })
}
