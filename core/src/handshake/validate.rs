//! Rules 3 to 13 of the contract, checked in order over a complete,
//! well-formed head; the first failure decides.

use super::abnf::{self, host_port, is_websocket_key};
use super::fields::{Seen, Single};
use super::parser::RequestLine;
use super::{OriginPolicy, Request, Rule, ValidConfig};

/// Checks rules 3 to 13 over the first `head_len` bytes of `received`, a
/// complete head the parser found well-formed, with its request line and
/// what its fields say.
pub(in crate::handshake) fn validate<'a>(
    config: &ValidConfig<'a>,
    received: &'a [u8],
    head_len: usize,
    line: &RequestLine,
    fields: &Seen,
) -> Result<Request<'a>, Rule> {
    let head = received.get(..head_len).unwrap_or_default();
    // Rule 3. "The method of the request MUST be GET, and the HTTP version
    // MUST be at least 1.1." (RFC 6455 4.1); "A server MUST ignore an Upgrade
    // header field that is received in an HTTP/1.0 request." (RFC 9110 7.8)
    if line.version != *b"11" {
        return Err(Rule::NotHttp11);
    }

    // Rule 4. "The method of the request MUST be GET" (RFC 6455 4.1); the
    // method token is case-sensitive (RFC 9110 9.1).
    if line.method.of(head) != b"GET" {
        return Err(Rule::MethodNotGet);
    }

    // Rule 5. "The "Request-URI" of the GET method [...] is used to identify
    // the endpoint of the WebSocket connection" (RFC 6455 4.1): origin-form,
    // or absolute-form with a ws, wss, http or https URI.
    // The parser let only visible ASCII into the target, so it is UTF-8.
    let target = core::str::from_utf8(line.target.of(head)).map_err(|_| Rule::MalformedHead)?;
    let path = abnf::target_path(target).ok_or(Rule::InvalidTarget)?;

    // Rule 6. "A server MUST respond with a 400 (Bad Request) status code to
    // any HTTP/1.1 request message that lacks a Host header field and to any
    // request message that contains more than one Host header field line or
    // a Host header field with an invalid field value." (RFC 9112 3.2)
    let host = fields.host.once().ok_or(Rule::InvalidHost)?.of(head);
    let (host_name, host_port) = host_port(host).ok_or(Rule::InvalidHost)?;

    // Rule 7. The opening handshake is a GET without content: no
    // Transfer-Encoding, and Content-Length absent or exactly 0.
    let content_length_ok = match fields.content_length {
        Single::Absent => true,
        Single::Once(value) => value.of(head) == b"0",
        Single::Repeated => false,
    };
    if fields.transfer_encoding || !content_length_ok {
        return Err(Rule::HasBody);
    }

    // Rule 8. "An |Upgrade| header field containing the value "websocket",
    // treated as an ASCII case-insensitive value." (RFC 6455 4.2.1)
    if !fields.upgrade_websocket {
        return Err(Rule::NoWebSocketUpgrade);
    }

    // Rule 9. "A |Connection| header field that includes the token
    // "Upgrade", treated as an ASCII case-insensitive value." (RFC 6455 4.2.1)
    if !fields.connection_upgrade {
        return Err(Rule::NoConnectionUpgrade);
    }

    // Rule 10. "A |Sec-WebSocket-Key| header field with a base64-encoded
    // value that, when decoded, is 16 bytes in length." (RFC 6455 4.2.1)
    let key = fields.key.once().map(|key| key.of(head)).filter(|key| is_websocket_key(key)).ok_or(Rule::InvalidKey)?;

    // Rule 11. "A |Sec-WebSocket-Version| header field, with a value of 13."
    // (RFC 6455 4.2.1); otherwise 426 with the versions the server speaks.
    if fields.version.once().map(|version| version.of(head)) != Some(b"13") {
        return Err(Rule::UnsupportedVersion);
    }

    // Rule 12. "The |Origin| header field MUST NOT appear more than once."
    // (RFC 6455 11.3.2)
    let origin = match fields.origin {
        Single::Absent => None,
        Single::Once(origin) => Some(origin.of(head)),
        Single::Repeated => return Err(Rule::DuplicateOrigin),
    };

    // Rule 12b. "If the server does not wish to accept this connection, it
    // MUST return an appropriate HTTP error code (e.g., 403 Forbidden)"
    // (RFC 6455 4.2.2); the policy is contract section 3.1.
    if let Some(origin) = origin {
        let allowed = match config.origin {
            OriginPolicy::Any => true,
            OriginPolicy::AllowList(list) => list.iter().any(|a| a.as_bytes().eq_ignore_ascii_case(origin)),
            OriginPolicy::SameHost => abnf::origin_host_port(origin)
                .is_some_and(|(name, port)| name.eq_ignore_ascii_case(host_name) && port == host_port),
        };
        if !allowed {
            return Err(Rule::OriginRefused);
        }
    }

    // Rule 13. "Sec-WebSocket-Protocol = 1#token" (RFC 6455 4.3)
    if fields.protocol_malformed {
        return Err(Rule::InvalidProtocolList);
    }

    Ok(Request {
        received,
        head,
        field_lines: head.get(line.end()..).unwrap_or_default(),
        target,
        path,
        host,
        key,
        origin,
        selected: fields.protocol.and_then(|index| config.protocols.get(index).copied()),
    })
}
