//! The model: a small, slow, obviously correct statement of the contract.
//!
//! It reads the contract (`docs/CONTRACT.md`, its choices in section 3.4
//! included) directly, line by line, and never calls the core.

use std::net::Ipv6Addr;

use ws_handshake::{Config, OriginPolicy};

/// How the bytes given to the model end.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum End {
    /// The stream is still open and the deadline has not passed.
    Open,
    /// The client closed its side after these bytes.
    Eof,
    /// The handshake deadline passed after these bytes.
    Deadline,
}

/// What the contract says a server does with some bytes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Expected {
    /// Wait for more bytes.
    NeedMore,
    /// Answer 101: the head is `head_len` bytes, it asked for `path`, and the
    /// server selected `protocol`.
    Accept {
        /// Bytes in the head, up to and including its blank line.
        head_len: usize,
        /// The path and query (`/` for an absolute-form target without one).
        path: String,
        /// The selected subprotocol.
        protocol: Option<String>,
    },
    /// Refuse under this contract rule (`"1"`, `"1b"`, ... `"15"`).
    Reject {
        /// The rule's number in the contract's table.
        rule: &'static str,
        /// Whether the request's method was `HEAD` (no body in the answer).
        head_method: bool,
    },
}

/// What the contract says a server configured with `config` does with
/// `bytes`, ended as `end` says.
pub fn expect(config: &Config<'_>, bytes: &[u8], end: End) -> Expected {
    // "The answer is a function of the first `max_head_len` bytes alone."
    let window = &bytes[..bytes.len().min(config.max_head_len)];
    let (head_method, state) = scan(window);
    let reject = |rule| Expected::Reject { rule, head_method };
    match state {
        // "if those bytes hold a syntax error (rule 1), the answer is 400 (505
        // for rule 1b), even when the head would also have been too long"
        State::Bad(rule) => reject(rule),
        // Rule 2: "at most `max_headers` fields".
        State::Complete(head) if head.fields.len() > config.max_headers => reject("2"),
        // "else, if they hold a complete head, rules 3-13 are checked in this
        // order and the first failure decides the status"
        State::Complete(head) => judge(config, &head).unwrap_or_else(reject),
        // "else, once `max_head_len` bytes have arrived, 431 (rule 2); at end
        // of stream, 400 (rule 14); at the deadline, 408 (rule 15)"
        State::Incomplete { .. } if bytes.len() >= config.max_head_len => reject("2"),
        State::Incomplete { fields } => match end {
            End::Open => Expected::NeedMore,
            _ if fields > config.max_headers => reject("2"),
            End::Eof => reject("14"),
            End::Deadline => reject("15"),
        },
    }
}

/// What the window holds, as far as syntax goes.
enum State<'a> {
    /// A syntax error: rule `"1"` or `"1b"`.
    Bad(&'static str),
    /// A valid prefix of a head, with this many complete field lines.
    Incomplete { fields: usize },
    /// A whole, valid head.
    Complete(Head<'a>),
}

/// A complete request head.
struct Head<'a> {
    /// From byte 0 up to and including the blank line's LF.
    len: usize,
    method: &'a [u8],
    target: &'a [u8],
    version: &'a [u8],
    /// The field lines, in order.
    fields: Vec<Field<'a>>,
}

/// How a line's content (the bytes before its first CR or LF) is followed.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Term {
    /// The window ends inside the content.
    Open,
    /// The window ends just after a CR.
    Cr,
    /// CRLF: the line is whole.
    CrLf,
    /// A CR followed by something else than LF.
    CrOther,
    /// A bare LF.
    Lf,
}

/// The line starting at `start`: its content, how it ends, and where the
/// next line starts (meaningful for `Term::CrLf` only).
fn line(window: &[u8], start: usize) -> (&[u8], Term, usize) {
    let rest = &window[start..];
    let Some(k) = rest.iter().position(|&b| b == b'\r' || b == b'\n') else {
        return (rest, Term::Open, window.len());
    };
    let term = match (rest[k], rest.get(k + 1)) {
        (b'\n', _) => Term::Lf,
        (_, None) => Term::Cr,
        (_, Some(b'\n')) => Term::CrLf,
        (_, Some(_)) => Term::CrOther,
    };
    (&rest[..k], term, start + k + 2)
}

/// Returns whether the completed method is `HEAD`, and the syntax state.
fn scan(window: &[u8]) -> (bool, State<'_>) {
    // Empty lines (CRLF) before the request line are skipped (README).
    let mut pos = 0;
    let (content, term, next) = loop {
        let (content, term, next) = line(window, pos);
        if !(content.is_empty() && term == Term::CrLf) {
            break (content, term, next);
        }
        pos = next;
    };
    // The method is complete once a SP follows it.
    let head_method = content.starts_with(b"HEAD ");
    let request = match (request_line(content), term) {
        (Err(()), _) => return (head_method, State::Bad("1")),
        (Ok(_), Term::Open) => return (head_method, State::Incomplete { fields: 0 }),
        // A lone CR may still start an empty line.
        (Ok(None), Term::Cr) if content.is_empty() => return (head_method, State::Incomplete { fields: 0 }),
        // The line ended before its version did.
        (Ok(None), _) => return (head_method, State::Bad("1")),
        // Rule 1b: `HTTP/x.y` with a major digit other than 1, once the CR
        // after it has arrived.
        (Ok(Some((_, _, version))), Term::Cr | Term::CrLf | Term::CrOther) if version[5] != b'1' => {
            return (head_method, State::Bad("1b"));
        }
        (Ok(Some(_)), Term::Cr) => return (head_method, State::Incomplete { fields: 0 }),
        (Ok(Some(request)), Term::CrLf) => request,
        // Lines end only in CRLF: no bare LF, no bare CR.
        (Ok(Some(_)), Term::CrOther | Term::Lf) => return (head_method, State::Bad("1")),
    };
    pos = next;
    // *( field-line CRLF ) CRLF
    let mut fields = Vec::new();
    loop {
        let (content, term, next) = line(window, pos);
        let state = match (content.is_empty(), field_line(content), term) {
            // The blank line ends the head; nothing after it is looked at.
            (true, _, Term::CrLf) => {
                let (method, target, version) = request;
                State::Complete(Head { len: next, method, target, version, fields })
            }
            // A lone CR may still start the blank line.
            (true, _, Term::Cr) => State::Incomplete { fields: fields.len() },
            (_, Err(()), _) => State::Bad("1"),
            (_, Ok(_), Term::Open) => State::Incomplete { fields: fields.len() },
            // A CR may end a field line only once it has its colon.
            (false, Ok(Some(_)), Term::Cr) => State::Incomplete { fields: fields.len() },
            (false, Ok(Some(field)), Term::CrLf) => {
                fields.push(field);
                pos = next;
                continue;
            }
            // A bare LF or CR, or a line that ended without a colon.
            (_, Ok(_), _) => State::Bad("1"),
        };
        return (head_method, state);
    }
}

/// The parts of a request line: method, target, version.
type RequestLine<'a> = (&'a [u8], &'a [u8], &'a [u8]);

/// A field line: its name and its value with outer SP/HTAB trimmed.
type Field<'a> = (&'a [u8], &'a [u8]);

/// request-line = method SP request-target SP HTTP-version (RFC 9112 §3).
/// `Ok(Some(..))`: a whole request line; `Ok(None)`: a valid prefix of one;
/// `Err(())`: a bad byte.
fn request_line(content: &[u8]) -> Result<Option<RequestLine<'_>>, ()> {
    let mut parts = content.splitn(3, |&b| b == b' ');
    // method = token
    let method = parts.next().unwrap_or_default();
    check(method.iter().all(|&b| is_tchar(b)))?;
    let Some(target) = parts.next() else { return Ok(None) };
    check(!method.is_empty())?;
    // request-target: visible ASCII (README), at least one byte.
    check(target.iter().all(|&b| is_vchar(b)))?;
    let Some(version) = parts.next() else { return Ok(None) };
    check(!target.is_empty())?;
    // HTTP-version = "HTTP/" DIGIT "." DIGIT (case-sensitive)
    let pattern = b"HTTP/0.0";
    check(version.len() <= pattern.len())?;
    for (&b, &p) in version.iter().zip(pattern) {
        check(if p == b'0' { b.is_ascii_digit() } else { b == p })?;
    }
    Ok((version.len() == pattern.len()).then_some((method, target, version)))
}

/// field-line = field-name ":" OWS field-value OWS (RFC 9112 §5).
/// `Ok(Some((name, trimmed value)))`: a whole field line; `Ok(None)`: a
/// valid prefix of a name; `Err(())`: a bad byte.
fn field_line(content: &[u8]) -> Result<Option<Field<'_>>, ()> {
    let colon = content.iter().position(|&b| b == b':').unwrap_or(content.len());
    let (name, value) = content.split_at(colon);
    // field-name = token: no space before the colon, no obs-fold.
    check(name.iter().all(|&b| is_tchar(b)))?;
    let Some((_, value)) = value.split_first() else { return Ok(None) };
    check(!name.is_empty())?;
    // field-value bytes: HTAB, SP, VCHAR, obs-text; no NUL, no controls, no DEL.
    check(value.iter().all(|&b| b == b'\t' || b == b' ' || is_vchar(b) || b >= 0x80))?;
    Ok(Some((name, trim(value))))
}

/// Rules 3 to 13 on a complete head; the first failure decides.
fn judge(config: &Config<'_>, head: &Head<'_>) -> Result<Expected, &'static str> {
    let values = |name: &str| -> Vec<&[u8]> {
        head.fields.iter().filter(|(n, _)| n.eq_ignore_ascii_case(name.as_bytes())).map(|&(_, v)| v).collect()
    };
    // 3: version is HTTP/1.1.
    rule("3", head.version == b"HTTP/1.1")?;
    // 4: method is exactly `GET` (case-sensitive).
    rule("4", head.method == b"GET")?;
    // 5: request-target is origin-form or a ws/wss/http/https absolute-form.
    let path = target_path(head.target).ok_or("5")?;
    // 6: exactly one `Host` field whose value is a valid uri-host [":" port].
    let (host, port) = match values("host")[..] {
        [value] => host_port(value).ok_or("6")?,
        _ => return Err("6"),
    };
    // 7: no `Transfer-Encoding`, and `Content-Length` absent or exactly `0`.
    let lengths = values("content-length");
    rule("7", values("transfer-encoding").is_empty() && (lengths.is_empty() || lengths == [b"0"]))?;
    // 8: `Upgrade` contains the token `websocket`, ASCII case-insensitive.
    rule("8", elements(&values("upgrade")).iter().any(|e| e.eq_ignore_ascii_case(b"websocket")))?;
    // 9: `Connection` contains the token `upgrade`, same list rules.
    rule("9", elements(&values("connection")).iter().any(|e| e.eq_ignore_ascii_case(b"upgrade")))?;
    // 10: exactly one `Sec-WebSocket-Key`: 22 base64 characters then `==`.
    rule("10", matches!(values("sec-websocket-key")[..], [key] if is_key(key)))?;
    // 11: exactly one `Sec-WebSocket-Version` whose value is exactly `13`.
    rule("11", values("sec-websocket-version") == [b"13"])?;
    // 12: at most one `Origin` field.
    let origins = values("origin");
    rule("12", origins.len() <= 1)?;
    // 12b: the origin policy allows the `Origin` (a missing one always passes).
    if let [origin] = origins[..] {
        rule("12b", origin_allowed(config.origin, origin, host, port))?;
    }
    // 13: `Sec-WebSocket-Protocol`: comma-separated tokens, no empty elements.
    let offered = elements(&values("sec-websocket-protocol"));
    rule("13", offered.iter().all(|e| !e.is_empty() && e.iter().all(|&b| is_tchar(b))))?;
    // 3.2: the first protocol the client offered that the server speaks.
    let protocol = offered.iter().find(|&&e| config.protocols.iter().any(|p| p.as_bytes() == e));
    Ok(Expected::Accept {
        head_len: head.len,
        path,
        protocol: protocol.map(|p| String::from_utf8_lossy(p).into_owned()),
    })
}

/// The path reported on accept, or `None` when the target breaks rule 5.
fn target_path(target: &[u8]) -> Option<String> {
    let path = if target.starts_with(b"/") {
        // origin-form = absolute-path [ "?" query ]
        target
    } else {
        // absolute-form: scheme "://" authority path-abempty [ "?" query ]
        let sep = find(target, b"://")?;
        let scheme = &target[..sep];
        if !["ws", "wss", "http", "https"].iter().any(|s| scheme.eq_ignore_ascii_case(s.as_bytes())) {
            return None;
        }
        let rest = &target[sep + 3..];
        let end = rest.iter().position(|&b| b == b'/' || b == b'?').unwrap_or(rest.len());
        // The authority is a host [":" port] as in rule 6: no userinfo.
        host_port(&rest[..end])?;
        if end == rest.len() { b"/" } else { &rest[end..] }
    };
    // No fragment, and every `%` starts a valid escape (README).
    if path.contains(&b'#') || !percent_ok(path) {
        return None;
    }
    Some(String::from_utf8_lossy(path).into_owned())
}

/// uri-host [ ":" port ] (RFC 9112 §3.2, RFC 3986 §3.2.2): the host and the
/// port as written (empty when absent or empty).
fn host_port(value: &[u8]) -> Option<(&[u8], &[u8])> {
    let (host, rest) = if value.starts_with(b"[") {
        // IP-literal = "[" ( IPv6address / IPvFuture ) "]"
        let close = value.iter().position(|&b| b == b']')?;
        if !ip_literal(&value[1..close]) {
            return None;
        }
        value.split_at(close + 1)
    } else {
        // reg-name = *( unreserved / pct-encoded / sub-delims ), non-empty here
        let end = value.iter().position(|&b| b == b':').unwrap_or(value.len());
        let (host, rest) = value.split_at(end);
        let allowed = host.iter().all(|&b| is_unreserved(b) || is_sub_delim(b) || b == b'%');
        if host.is_empty() || !allowed || !percent_ok(host) {
            return None;
        }
        (host, rest)
    };
    // port = *DIGIT, at most five digits (README); an empty port is no port.
    let port = match rest {
        [] => rest,
        [b':', port @ ..] => port,
        _ => return None,
    };
    (port.len() <= 5 && port.iter().all(u8::is_ascii_digit)).then_some((host, port))
}

/// IPv6address / IPvFuture, between the brackets.
fn ip_literal(inner: &[u8]) -> bool {
    // IPvFuture = "v" 1*HEXDIG "." 1*( unreserved / sub-delims / ":" )
    // (ABNF literals are case-insensitive, RFC 5234 §2.3.)
    if let [b'v' | b'V', rest @ ..] = inner {
        let Some(dot) = rest.iter().position(|&b| b == b'.') else { return false };
        let (hex, tail) = (&rest[..dot], &rest[dot + 1..]);
        return !hex.is_empty()
            && hex.iter().all(u8::is_ascii_hexdigit)
            && !tail.is_empty()
            && tail.iter().all(|&b| is_unreserved(b) || is_sub_delim(b) || b == b':');
    }
    std::str::from_utf8(inner).is_ok_and(|s| s.parse::<Ipv6Addr>().is_ok())
}

/// Section 3.1: whether `policy` allows `origin` for a request to `host`
/// and `port`.
fn origin_allowed(policy: OriginPolicy<'_>, origin: &[u8], host: &[u8], port: &[u8]) -> bool {
    match policy {
        OriginPolicy::Any => true,
        OriginPolicy::AllowList(list) => list.iter().any(|allowed| allowed.as_bytes().eq_ignore_ascii_case(origin)),
        // scheme "://" host [ ":" port ], nothing after; host and port equal
        // the Host field's as written; `null` and unparsable are refused.
        OriginPolicy::SameHost => {
            let Some(sep) = find(origin, b"://") else { return false };
            let scheme = &origin[..sep];
            let scheme_ok = scheme.first().is_some_and(u8::is_ascii_alphabetic)
                && scheme.iter().all(|&b| b.is_ascii_alphanumeric() || b == b'+' || b == b'-' || b == b'.');
            match host_port(&origin[sep + 3..]) {
                Some((o_host, o_port)) => scheme_ok && o_host.eq_ignore_ascii_case(host) && o_port == port,
                None => false,
            }
        }
    }
}

/// The elements of comma-separated lists over several fields, in order,
/// each trimmed of SP/HTAB (empty elements kept).
fn elements<'a>(values: &[&'a [u8]]) -> Vec<&'a [u8]> {
    values.iter().flat_map(|v| v.split(|&b| b == b',')).map(trim).collect()
}

/// 22 characters of the base64 alphabet followed by `==`.
fn is_key(key: &[u8]) -> bool {
    key.len() == 24
        && key.ends_with(b"==")
        && key[..22].iter().all(|&b| b.is_ascii_alphanumeric() || b == b'+' || b == b'/')
}

/// Every `%` is followed by two hex digits.
fn percent_ok(bytes: &[u8]) -> bool {
    bytes
        .iter()
        .enumerate()
        .all(|(i, &b)| b != b'%' || bytes.get(i + 1..i + 3).is_some_and(|h| h.iter().all(u8::is_ascii_hexdigit)))
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// Removes leading and trailing SP and HTAB.
fn trim(mut bytes: &[u8]) -> &[u8] {
    while let [b' ' | b'\t', rest @ ..] = bytes {
        bytes = rest;
    }
    while let [rest @ .., b' ' | b'\t'] = bytes {
        bytes = rest;
    }
    bytes
}

/// tchar = "!" / "#" / "$" / "%" / "&" / "'" / "*" / "+" / "-" / "." / "^" /
/// "_" / "`" / "|" / "~" / DIGIT / ALPHA (RFC 9110 §5.6.2)
pub(crate) fn is_tchar(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b)
}

/// VCHAR = %x21-7E
fn is_vchar(b: u8) -> bool {
    (0x21..=0x7e).contains(&b)
}

/// unreserved = ALPHA / DIGIT / "-" / "." / "_" / "~"
fn is_unreserved(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"-._~".contains(&b)
}

/// sub-delims = "!" / "$" / "&" / "'" / "(" / ")" / "*" / "+" / "," / ";" / "="
fn is_sub_delim(b: u8) -> bool {
    b"!$&'()*+,;=".contains(&b)
}

fn check(ok: bool) -> Result<(), ()> {
    if ok { Ok(()) } else { Err(()) }
}

fn rule(number: &'static str, ok: bool) -> Result<(), &'static str> {
    if ok { Ok(()) } else { Err(number) }
}

#[cfg(test)]
mod tests {
    use super::*;

    const VALID: &[u8] =
        b"GET /chat?x=1 HTTP/1.1\r\nHost: example.com\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\
Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";

    fn open(bytes: &[u8]) -> Expected {
        expect(&Config::default(), bytes, End::Open)
    }

    /// The valid request with `from` replaced by `to` (once).
    fn edit(from: &str, to: &str) -> Vec<u8> {
        let text = std::str::from_utf8(VALID).unwrap();
        assert!(text.contains(from), "{from}");
        text.replacen(from, to, 1).into_bytes()
    }

    fn rejected(rule: &'static str) -> Expected {
        Expected::Reject { rule, head_method: false }
    }

    fn accepted(head_len: usize, path: &str, protocol: Option<&str>) -> Expected {
        Expected::Accept { head_len, path: path.into(), protocol: protocol.map(Into::into) }
    }

    #[test]
    fn valid_request_accepts_and_ignores_what_follows() {
        assert_eq!(open(VALID), accepted(VALID.len(), "/chat?x=1", None));
        let with_frame = [b"\r\n\r\n", VALID, b"\x81\x00\0\n"].concat();
        assert_eq!(open(&with_frame), accepted(VALID.len() + 4, "/chat?x=1", None));
        let absolute = edit("GET /chat?x=1 ", "GET WSS://[::1]:9001?q ");
        assert_eq!(open(&absolute), accepted(absolute.len(), "?q", None));
        let bare = edit("GET /chat?x=1 ", "GET http://example.com ");
        assert_eq!(open(&bare), accepted(bare.len(), "/", None));
    }

    #[test]
    fn prefixes_need_more_and_bad_bytes_reject_at_once() {
        for prefix in [&b""[..], b"\r", b"\r\n\r", b"G", b"GET / HT", b"GET / HTTP/2.0", b"GET / HTTP/1.1\r"] {
            assert_eq!(open(prefix), Expected::NeedMore, "{prefix:?}");
        }
        assert_eq!(open(&VALID[..VALID.len() - 1]), Expected::NeedMore);
        assert_eq!(open(b"GET / HTTP/2.0\r"), rejected("1b"));
        assert_eq!(open(b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"), rejected("1b"));
        assert_eq!(open(b"GET  / HTTP/2.0\r"), rejected("1"));
        for bad in
            [&b"\x16"[..], b"\n", b"\r\r", b" ", b"GET / HTTP/1.1\n", b"GET /\r", b"GET / http/1.1", b"GET /\x80"]
        {
            assert_eq!(open(bad), rejected("1"), "{bad:?}");
        }
    }

    #[test]
    fn field_line_syntax() {
        for (from, to) in [
            ("Host: ", "Host : "),
            ("Host: ", " Host: "),
            ("Host: example.com", "Host: exa\rmple.com"),
            ("Host: example.com", "Host: exa\0mple.com"),
            ("Host: example.com", "Host: example.com\x7f"),
            ("Host: example.com\r\n", "Host: example.com\r\n: x\r\n"),
            ("Host: example.com\r\n", "Host: example.com\r\nX-No-Colon\r\n"),
            ("\r\n\r\n", "\r\n\n"),
        ] {
            assert_eq!(open(&edit(from, to)), rejected("1"), "{to:?}");
        }
        // Empty values and obs-text are fine.
        let request = edit("Host: example.com\r\n", "Host: example.com\r\nX-A:\r\nX-B: café\t\r\n");
        assert!(matches!(open(&request), Expected::Accept { .. }));
        assert_eq!(open(b"GET / HTTP/1.1\r\nX-A: \x01"), rejected("1"));
        // A CR can end a field line only after its colon.
        assert_eq!(open(b"GET / HTTP/1.1\r\nX-No-Colon\r"), rejected("1"));
        assert_eq!(open(b"GET / HTTP/1.1\r\nX-A:\r"), Expected::NeedMore);
        assert_eq!(open(b"GET / HTTP/1.1\r\nX-A: b\r\n\r"), Expected::NeedMore);
    }

    #[test]
    fn size_limits_and_end_of_stream() {
        let small = Config { max_head_len: 40, max_headers: 1, ..Config::default() };
        assert_eq!(expect(&small, VALID, End::Open), rejected("2"));
        // A syntax error in the window beats the size limit; after it, it does not count.
        assert_eq!(expect(&small, &edit("Host: ", "Host : "), End::Open), rejected("1"));
        assert_eq!(expect(&small, &edit("websocket", "web\0socket"), End::Open), rejected("2"));
        let fields = Config { max_headers: 4, ..Config::default() };
        assert_eq!(expect(&fields, VALID, End::Open), rejected("2"));
        let part = &VALID[..VALID.len() - 2];
        assert_eq!(expect(&fields, part, End::Open), Expected::NeedMore);
        assert_eq!(expect(&fields, part, End::Eof), rejected("2"));
        assert_eq!(expect(&fields, part, End::Deadline), rejected("2"));
        assert_eq!(expect(&Config::default(), part, End::Eof), rejected("14"));
        assert_eq!(expect(&Config::default(), b"", End::Eof), rejected("14"));
        assert_eq!(expect(&Config::default(), b"GET / HT", End::Deadline), rejected("15"));
        assert_eq!(expect(&Config::default(), VALID, End::Eof), accepted(VALID.len(), "/chat?x=1", None));
    }

    #[test]
    fn head_method_flag() {
        let head = Expected::Reject { rule: "4", head_method: true };
        assert_eq!(open(&edit("GET ", "HEAD ")), head);
        assert_eq!(expect(&Config::default(), b"HEAD ", End::Eof), Expected::Reject { rule: "14", head_method: true });
        assert_eq!(open(b"\r\nHEAD  /"), Expected::Reject { rule: "1", head_method: true });
        assert_eq!(expect(&Config::default(), b"HEAD", End::Eof), rejected("14"));
        assert_eq!(open(b"HEADS / HTTP/1.1\r\n\r\n"), rejected("4"));
        assert_eq!(open(b"HEAD\x16"), rejected("1"));
    }

    #[test]
    fn rules_3_to_5_version_method_target() {
        assert_eq!(open(&edit("HTTP/1.1", "HTTP/1.0")), rejected("3"));
        assert_eq!(open(&edit("GET /chat?x=1 HTTP/1.1", "POST * HTTP/1.2")), rejected("3"));
        assert_eq!(open(&edit("GET", "get")), rejected("4"));
        assert_eq!(open(&edit("GET /chat?x=1 ", "POST * ")), rejected("4"));
        for target in
            ["*", "example.com:443", "ftp://a/", "ws:///x", "ws://u@a/", "/a#b", "/%zz", "/%4", "ws://a:123456/"]
        {
            assert_eq!(open(&edit("/chat?x=1", target)), rejected("5"), "{target}");
        }
        assert!(matches!(open(&edit("/chat?x=1", "/%4A")), Expected::Accept { .. }));
    }

    #[test]
    fn rule_6_host() {
        for host in
            ["", "user@example.com", "example.com:80a", "exa mple.com", "a:123456", "[::1", "[zz]", ":80", "%g1"]
        {
            assert_eq!(open(&edit("Host: example.com", &format!("Host: {host}"))), rejected("6"), "{host:?}");
        }
        assert_eq!(open(&edit("Host: example.com\r\n", "")), rejected("6"));
        assert_eq!(open(&edit("Host: example.com\r\n", "Host: a\r\nhost: a\r\n")), rejected("6"));
        for host in ["a:", "a:08080", "[::1]:9001", "[v1.fe:x]", "%41b", "!$&'()*+,;=", " \tx "] {
            let request = edit("Host: example.com", &format!("Host: {host}"));
            assert!(matches!(open(&request), Expected::Accept { .. }), "{host:?}");
        }
    }

    #[test]
    fn rules_7_to_11_content_and_websocket_fields() {
        let add = |line: &str| edit("\r\n\r\n", &format!("\r\n{line}\r\n\r\n"));
        assert_eq!(open(&add("Transfer-Encoding: identity")), rejected("7"));
        assert_eq!(open(&add("Content-Length: 00")), rejected("7"));
        assert!(matches!(open(&add("content-length:  0 ")), Expected::Accept { .. }));
        assert_eq!(open(&edit("Upgrade: websocket", "Upgrade: websocket/13")), rejected("8"));
        assert!(matches!(open(&edit("Upgrade: websocket", "Upgrade: h2c,, WebSocket")), Expected::Accept { .. }));
        assert_eq!(open(&edit("Connection: Upgrade", "Connection: upgrades")), rejected("9"));
        assert_eq!(open(&edit("dGhlIHNhbXBsZSBub25jZQ==", "dGhlIHNhbXBsZSBub25jZQ")), rejected("10"));
        assert_eq!(open(&edit("dGhlIHNhbXBsZSBub25jZQ==", "dGhlIHNhbXBsZSBub25j-_==")), rejected("10"));
        assert_eq!(open(&add("Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==")), rejected("10"));
        assert_eq!(open(&edit("Version: 13", "Version: 13, 8")), rejected("11"));
        assert_eq!(open(&add("Sec-WebSocket-Version: 13")), rejected("11"));
    }

    #[test]
    fn rules_12_origin() {
        let origin = |config: &Config<'_>, value: &str| {
            expect(config, &edit("\r\n\r\n", &format!("\r\nOrigin: {value}\r\n\r\n")), End::Open)
        };
        let same = Config::default();
        let twice = edit("\r\n\r\n", "\r\nOrigin: http://example.com\r\nOrigin: http://example.com\r\n\r\n");
        assert_eq!(open(&twice), rejected("12"));
        for value in ["http://EXAMPLE.com", "x+y.z://example.com", "ws://example.com:"] {
            assert!(matches!(origin(&same, value), Expected::Accept { .. }), "{value}");
        }
        for value in ["null", "http://example.com:80", "http://example.com/", "//example.com", "1http://example.com"] {
            assert_eq!(origin(&same, value), Expected::Reject { rule: "12b", head_method: false }, "{value}");
        }
        let list = Config { origin: OriginPolicy::AllowList(&["https://app.example"]), ..Config::default() };
        assert!(matches!(origin(&list, "HTTPS://app.example"), Expected::Accept { .. }));
        assert_eq!(origin(&list, "https://example.com"), rejected("12b"));
        let any = Config { origin: OriginPolicy::Any, ..Config::default() };
        assert!(matches!(origin(&any, "null"), Expected::Accept { .. }));
    }

    #[test]
    fn rule_13_and_protocol_selection() {
        let config = Config { protocols: &["chat", "superchat"], ..Config::default() };
        let offer = |lines: &str| expect(&config, &edit("\r\n\r\n", &format!("\r\n{lines}\r\n\r\n")), End::Open);
        for bad in
            ["Sec-WebSocket-Protocol: chat, , superchat", "Sec-WebSocket-Protocol:", "Sec-WebSocket-Protocol: a/b"]
        {
            assert_eq!(offer(bad), rejected("13"), "{bad}");
        }
        let lines = "Sec-WebSocket-Protocol: v2, superchat\r\nSec-WebSocket-Protocol: chat";
        assert_eq!(offer(lines), accepted(VALID.len() + lines.len() + 2, "/chat?x=1", Some("superchat")));
        assert!(matches!(offer("Sec-WebSocket-Protocol: Chat"), Expected::Accept { protocol: None, .. }));
    }

    #[test]
    fn only_the_window_counts() {
        let exact = Config { max_head_len: VALID.len(), ..Config::default() };
        let with_junk = [VALID, b"\0\n junk"].concat();
        assert_eq!(expect(&exact, &with_junk, End::Open), accepted(VALID.len(), "/chat?x=1", None));
        let short = Config { max_head_len: VALID.len() - 1, ..Config::default() };
        assert_eq!(expect(&short, VALID, End::Open), rejected("2"));
        assert_eq!(expect(&short, &VALID[..VALID.len() - 1], End::Eof), rejected("2"));
        assert_eq!(expect(&short, &VALID[..VALID.len() - 2], End::Eof), rejected("14"));
        let leading = [b"\r\n\r\n", VALID].concat();
        assert_eq!(expect(&exact, &leading, End::Open), rejected("2"));
    }

    #[test]
    fn first_failure_decides() {
        // Host (6) before Upgrade (8); key (10) before version (11).
        assert_eq!(open(&edit("Host: example.com\r\nUpgrade: websocket\r\n", "")), rejected("6"));
        assert_eq!(open(b"GET / HTTP/1.1\r\nHost: example.com\r\n\r\n"), rejected("8"));
        let request = edit("Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n", "");
        assert_eq!(open(&request), rejected("10"));
    }
}
