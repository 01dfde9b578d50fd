//! The oracle: judges a server's response to a request, without calling the
//! core. It knows the response shapes of the contract's section 4
//! and computes `Sec-WebSocket-Accept` itself, so a bug in the core's writer
//! must be made twice to go unseen; it takes only the body texts from the core.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

use std::cell::RefCell;

use base64::Engine as _;
use sha1::{Digest as _, Sha1};

/// What a well-formed response said.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// A correct `101 Switching Protocols`, selecting this subprotocol.
    Switched {
        /// The `Sec-WebSocket-Protocol` the server selected, if any.
        protocol: Option<String>,
    },
    /// A well-formed error response with this status.
    Refused {
        /// The status code.
        status: u16,
    },
}

/// The GUID RFC 6455 section 1.3 appends to the key.
const GUID: &str = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

/// The statuses the contract allows, each with its canonical reason phrase.
const STATUSES: &[&str] = &[
    "101 Switching Protocols",
    "400 Bad Request",
    "403 Forbidden",
    "405 Method Not Allowed",
    "408 Request Timeout",
    "426 Upgrade Required",
    "431 Request Header Fields Too Large",
    "505 HTTP Version Not Supported",
];

/// How strict a judgement is.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// This project's responses: exactly the contract's lines and texts.
    Exact,
    /// Any server's: what the contract requires of every answer (status,
    /// framing, `Connection: close`, the accept key and the rule's extra
    /// fields), with any reason phrase, extra fields and body text.
    Peer,
}

/// A response head: its status, its field lines in order, and its length
/// (through the blank line).
struct Head<'a> {
    status: u16,
    fields: Vec<(&'a str, &'a str)>,
    len: usize,
}

/// Judges `response`, the complete bytes a server sent (up to its
/// end-of-stream) for `request`: `Err` says what is wrong with it.
///
/// The head must follow the grammar strictly (CRLF only, one SP after each
/// colon, no repeated field name) with a canonical status line. A 101 must
/// be exactly the contract's lines, with the accept key computed here from
/// the request's only `Sec-WebSocket-Key` and a protocol the client offered;
/// the bytes after its head are WebSocket frames and are ignored. An error
/// response must carry exactly its fields and, unless the request is a
/// `HEAD`, an exact `Content-Length` and one of the published body texts.
///
/// A refusal's verdict depends only on its bytes and on whether the request
/// is a `HEAD`, and the contract allows a few dozen correct refusals, which
/// fuzzing sends millions of times: each thread remembers the refusals it
/// has found correct and answers those from memory. Errors and 101s are
/// judged every time.
pub fn judge(request: &[u8], response: &[u8]) -> Result<Verdict, String> {
    thread_local! {
        /// The correct refusals seen, indexed by their length (cheaper than
        /// hashing them): each with whether it answered a `HEAD`, and its
        /// status.
        static CORRECT_REFUSALS: RefCell<Vec<Vec<Refusal>>> = RefCell::default();
    }
    let head = is_head_request(request);
    let known = CORRECT_REFUSALS.with_borrow(|memo| {
        let same_length = memo.get(response.len())?;
        same_length.iter().find(|(h, seen, _)| *h == head && seen == response).map(|&(_, _, status)| status)
    });
    if let Some(status) = known {
        return Ok(Verdict::Refused { status });
    }
    let verdict = judge_as(Mode::Exact, request, response)?;
    if let Verdict::Refused { status } = verdict {
        CORRECT_REFUSALS.with_borrow_mut(|memo| {
            if memo.len() <= response.len() {
                memo.resize_with(response.len() + 1, Vec::new);
            }
            memo[response.len()].push((head, response.to_vec(), status));
        });
    }
    Ok(verdict)
}

/// A refusal the oracle found correct: whether it answered a `HEAD`, its
/// bytes and its status.
type Refusal = (bool, Vec<u8>, u16);

/// Judges another server's `response` by what the contract requires of any
/// answer, as `cargo xtask conform` does: a well-framed head with a
/// three-digit status; for a 101, `Upgrade: websocket`, `Connection:
/// upgrade` and the right accept key; for an error, `Connection: close`, an
/// exact `Content-Length` (no body after `HEAD`) and the rule's extra
/// fields. Reason phrases, other fields and body texts are the server's.
pub fn judge_peer(request: &[u8], response: &[u8]) -> Result<Verdict, String> {
    judge_as(Mode::Peer, request, response)
}

fn judge_as(mode: Mode, request: &[u8], response: &[u8]) -> Result<Verdict, String> {
    let head = parse_head(mode, response)?;
    let body = response.get(head.len..).unwrap_or_default();
    if head.status == 101 {
        judge_switch(mode, request, &head.fields).map(|protocol| Verdict::Switched { protocol })
    } else {
        judge_refusal(mode, request, &head, body).map(|()| Verdict::Refused { status: head.status })
    }
}

/// The status the contract's table gives to a rule number.
pub fn contract_status(rule: &str) -> Option<u16> {
    Some(match rule {
        "1" | "3" | "5" | "6" | "7" | "8" | "9" | "10" | "12" | "13" | "14" => 400,
        "1b" => 505,
        "2" => 431,
        "4" => 405,
        "11" => 426,
        "12b" => 403,
        "15" => 408,
        _ => return None,
    })
}

/// Splits the head off `response` and checks its grammar; in exact mode
/// also its reason phrase and that no field name repeats.
fn parse_head(mode: Mode, response: &[u8]) -> Result<Head<'_>, String> {
    if response.is_empty() {
        return Err("no response: the server sent nothing".into());
    }
    let end = response.windows(4).position(|w| w == b"\r\n\r\n").ok_or_else(|| {
        format!("incomplete head: no CRLF CRLF in the {} bytes sent: {:?}", response.len(), lossy(response))
    })?;
    let bytes = response.get(..end).unwrap_or_default();
    let text = std::str::from_utf8(bytes).ok().filter(|text| text.is_ascii());
    let text = text.ok_or_else(|| format!("non-ASCII byte in the head: {:?}", lossy(bytes)))?;
    let lines: Vec<&str> = text.split("\r\n").collect();
    if let Some(line) = lines.iter().find(|line| line.contains(['\r', '\n'])) {
        return Err(format!("bare CR or LF in the head line {line:?}"));
    }
    let (status_line, field_lines) = lines.split_first().ok_or("empty head")?;
    let status = parse_status_line(mode, status_line)?;
    let mut fields: Vec<(&str, &str)> = Vec::new();
    for line in field_lines {
        let (name, value) = parse_field(mode, line)?;
        if mode == Mode::Exact && fields.iter().any(|(seen, _)| seen.eq_ignore_ascii_case(name)) {
            return Err(format!("field {name:?} appears twice"));
        }
        fields.push((name, value));
    }
    Ok(Head { status, fields, len: end + 4 })
}

/// Checks `HTTP/1.1 SP 3DIGIT SP reason`; in exact mode with a status the
/// contract allows and its canonical reason phrase.
fn parse_status_line(mode: Mode, line: &str) -> Result<u16, String> {
    let bad = || format!("status line {line:?} is not `HTTP/1.1 SP 3DIGIT SP reason`");
    let (code, reason) = line.strip_prefix("HTTP/1.1 ").and_then(|rest| rest.split_once(' ')).ok_or_else(bad)?;
    if code.len() != 3 || !code.bytes().all(|b| b.is_ascii_digit()) {
        return Err(bad());
    }
    if mode == Mode::Peer {
        return code.parse().map_err(|_| bad());
    }
    match STATUSES.iter().find_map(|known| known.strip_prefix(code)?.strip_prefix(' ')) {
        None => Err(format!("status {code} is not one the contract allows")),
        Some(canonical) if canonical != reason => {
            Err(format!("reason phrase {reason:?} for {code}, not {canonical:?}"))
        }
        Some(_) => code.parse().map_err(|_| bad()),
    }
}

/// Checks `name: value` (a token name; in exact mode one SP and a visible
/// value without outer whitespace, in peer mode any OWS) and splits it.
fn parse_field(mode: Mode, line: &str) -> Result<(&str, &str), String> {
    let (name, value) = line.split_once(':').ok_or_else(|| format!("field line {line:?} has no colon"))?;
    if !is_token(name) {
        return Err(format!("field name {name:?} is not a token"));
    }
    if mode == Mode::Peer {
        return Ok((name, value.trim_matches([' ', '\t'])));
    }
    let value = value.strip_prefix(' ').ok_or_else(|| format!("field line {line:?}: not one SP after the colon"))?;
    if value.is_empty() || value.starts_with(' ') || value.ends_with(' ') {
        return Err(format!("field line {line:?}: empty value or whitespace around it"));
    }
    if !value.bytes().all(|b| b == b' ' || b.is_ascii_graphic()) {
        return Err(format!("field line {line:?}: value holds a control byte"));
    }
    Ok((name, value))
}

/// Whether `s` is a token (RFC 9110 section 5.6.2): 1*tchar.
fn is_token(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b))
}

/// The field of `fields` named `name`, ASCII case-insensitively.
fn lookup<'a>(fields: &[(&'a str, &'a str)], name: &str) -> Option<(&'a str, &'a str)> {
    fields.iter().copied().find(|(n, _)| n.eq_ignore_ascii_case(name))
}

/// Checks a 101 against the request; returns the selected subprotocol.
fn judge_switch(mode: Mode, request: &[u8], fields: &[(&str, &str)]) -> Result<Option<String>, String> {
    let keys: Vec<&[u8]> = request_values(request, "sec-websocket-key").collect();
    let [key] = keys[..] else {
        return Err(format!("101 to a request with {} Sec-WebSocket-Key fields", keys.len()));
    };
    let accept = accept_value(key);
    if mode == Mode::Peer {
        return judge_peer_switch(request, fields, &accept);
    }
    let expected = [("Upgrade", "websocket"), ("Connection", "Upgrade"), ("Sec-WebSocket-Accept", accept.as_str())];
    if !(3..=4).contains(&fields.len()) {
        return Err(format!("101 has {} fields, expected 3 or 4: {fields:?}", fields.len()));
    }
    for (i, (&(name, value), (want_name, want_value))) in fields.iter().zip(expected).enumerate() {
        if name != want_name || value != want_value {
            return Err(format!("101 field {}: `{name}: {value}`, expected `{want_name}: {want_value}`", i + 1));
        }
    }
    let Some(&(name, protocol)) = fields.get(3) else { return Ok(None) };
    if name != "Sec-WebSocket-Protocol" || !is_token(protocol) {
        return Err(format!("101 field 4: `{name}: {protocol}`, expected `Sec-WebSocket-Protocol: <token>`"));
    }
    if !offered(request, protocol) {
        return Err(format!("101 selects protocol {protocol:?}, which the client did not offer"));
    }
    Ok(Some(protocol.to_owned()))
}

/// The peer-mode checks of a 101: RFC 6455 section 4.2.2's fields, in any
/// order among others.
fn judge_peer_switch(request: &[u8], fields: &[(&str, &str)], accept: &str) -> Result<Option<String>, String> {
    let has = |name: &str, token: &str| {
        fields
            .iter()
            .any(|(n, v)| n.eq_ignore_ascii_case(name) && v.split(',').any(|e| e.trim().eq_ignore_ascii_case(token)))
    };
    if !has("Upgrade", "websocket") || !has("Connection", "upgrade") {
        return Err(format!("101 without `Upgrade: websocket` and `Connection: Upgrade`: {fields:?}"));
    }
    if lookup(fields, "Sec-WebSocket-Accept").map(|(_, value)| value) != Some(accept) {
        return Err(format!("101 without `Sec-WebSocket-Accept: {accept}`: {fields:?}"));
    }
    match lookup(fields, "Sec-WebSocket-Protocol") {
        Some((_, p)) if !offered(request, p) => {
            Err(format!("101 selects protocol {p:?}, which the client did not offer"))
        }
        protocol => Ok(protocol.map(|(_, p)| p.to_owned())),
    }
}

/// Checks an error response's fields and body.
fn judge_refusal(mode: Mode, request: &[u8], head: &Head<'_>, body: &[u8]) -> Result<(), String> {
    if mode == Mode::Peer {
        return judge_peer_refusal(request, head, body);
    }
    let mut expected = vec![("Connection", "close"), ("Content-Type", "text/plain; charset=utf-8")];
    match head.status {
        405 => expected.push(("Allow", "GET")),
        426 => expected.extend([("Sec-WebSocket-Version", "13"), ("Upgrade", "websocket")]),
        _ => {}
    }
    for &(want_name, want_value) in &expected {
        match lookup(&head.fields, want_name) {
            Some((name, value)) if name == want_name && value == want_value => {}
            Some((name, value)) => {
                return Err(format!("{}: `{name}: {value}`, expected `{want_name}: {want_value}`", head.status));
            }
            None => return Err(format!("{} without `{want_name}: {want_value}`", head.status)),
        }
    }
    for (name, value) in &head.fields {
        if !name.eq_ignore_ascii_case("Content-Length") && lookup(&expected, name).is_none() {
            return Err(format!("{}: unexpected field `{name}: {value}`", head.status));
        }
    }
    let length = lookup(&head.fields, "Content-Length");
    if is_head_request(request) {
        return match (length, body) {
            (None, []) => Ok(()),
            _ => Err(format!("{} to HEAD has {length:?} or a body: {:?}", head.status, lossy(body))),
        };
    }
    let (name, value) = length.ok_or_else(|| format!("{} without Content-Length", head.status))?;
    let decimal = value.bytes().all(|b| b.is_ascii_digit()) && (value == "0" || !value.starts_with('0'));
    if name != "Content-Length" || !decimal {
        return Err(format!("{}: `{name}: {value}` is not `Content-Length: <decimal>`", head.status));
    }
    if value.parse::<usize>().ok() != Some(body.len()) {
        return Err(format!("{}: Content-Length {value}, but {} body bytes", head.status, body.len()));
    }
    let published = ws_handshake::Rule::ALL.iter().any(|rule| rule.body().as_bytes() == body);
    if !published || !body.is_ascii() || !body.ends_with(b"\n") {
        return Err(format!("{}: body {:?} is not one of the published texts", head.status, lossy(body)));
    }
    Ok(())
}

/// The peer-mode checks of an error response: `Connection: close`, the
/// rule's extra fields by value, and framing by an exact `Content-Length`.
fn judge_peer_refusal(request: &[u8], head: &Head<'_>, body: &[u8]) -> Result<(), String> {
    let status = head.status;
    let value = |name: &str| lookup(&head.fields, name).map(|(_, value)| value);
    let closes = value("Connection").is_some_and(|v| v.split(',').any(|e| e.trim().eq_ignore_ascii_case("close")));
    if !closes {
        return Err(format!("{status} without `Connection: close`"));
    }
    let allow_get = value("Allow").is_some_and(|v| v.split(',').any(|e| e.trim() == "GET"));
    if status == 405 && !allow_get {
        return Err("405 without `Allow: GET`".into());
    }
    if status == 426 && value("Sec-WebSocket-Version").map(str::trim) != Some("13") {
        return Err("426 without `Sec-WebSocket-Version: 13`".into());
    }
    if is_head_request(request) {
        return if body.is_empty() { Ok(()) } else { Err(format!("{status} to HEAD has a body: {:?}", lossy(body))) };
    }
    match value("Content-Length").map(str::parse::<usize>) {
        Some(Ok(length)) if length == body.len() => Ok(()),
        Some(_) => {
            Err(format!("{status}: Content-Length {:?}, but {} body bytes", value("Content-Length"), body.len()))
        }
        None => Err(format!("{status} without Content-Length")),
    }
}

/// The subprotocols the request's `Sec-WebSocket-Protocol` fields offer,
/// in order, empty elements left out.
pub fn offered_protocols(request: &[u8]) -> Vec<String> {
    request_values(request, "sec-websocket-protocol")
        .flat_map(|v| v.split(|&b| b == b','))
        .map(trim)
        .filter(|element| !element.is_empty())
        .map(|element| String::from_utf8_lossy(element).into_owned())
        .collect()
}

/// Whether the request's `Sec-WebSocket-Protocol` fields offer `protocol`.
fn offered(request: &[u8], protocol: &str) -> bool {
    request_values(request, "sec-websocket-protocol")
        .flat_map(|v| v.split(|&b| b == b','))
        .any(|element| trim(element) == protocol.as_bytes())
}

/// The values (SP/HTAB trimmed) of the request head's fields named `name`,
/// ASCII case-insensitively. Lines may end in CRLF or LF.
fn request_values<'a>(request: &'a [u8], name: &'a str) -> impl Iterator<Item = &'a [u8]> + 'a {
    request
        .split(|&b| b == b'\n')
        .map(|line| line.strip_suffix(b"\r").unwrap_or(line))
        .skip_while(|line| line.is_empty())
        .skip(1)
        .take_while(|line| !line.is_empty())
        .filter_map(move |line| {
            let colon = line.iter().position(|&b| b == b':')?;
            let (field, value) = line.split_at(colon);
            field.eq_ignore_ascii_case(name.as_bytes()).then(|| trim(value.get(1..).unwrap_or_default()))
        })
}

/// Whether the request's method is `HEAD` (after any leading CRLF pairs).
fn is_head_request(mut request: &[u8]) -> bool {
    while let Some(rest) = request.strip_prefix(b"\r\n") {
        request = rest;
    }
    request.starts_with(b"HEAD ")
}

/// `bytes` without leading and trailing SP and HTAB.
fn trim(mut bytes: &[u8]) -> &[u8] {
    while let [b' ' | b'\t', rest @ ..] | [rest @ .., b' ' | b'\t'] = bytes {
        bytes = rest;
    }
    bytes
}

/// `base64(SHA-1(key + GUID))` (RFC 6455 section 4.2.2).
fn accept_value(key: &[u8]) -> String {
    let mut sha1 = Sha1::new();
    sha1.update(key);
    sha1.update(GUID.as_bytes());
    base64::engine::general_purpose::STANDARD.encode(sha1.finalize())
}

/// Bytes as text for an error message.
fn lossy(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The handshake of RFC 6455 section 1.3, offering two subprotocols.
    const REQUEST: &[u8] = b"GET /chat HTTP/1.1\r\nHost: server.example.com\r\nUpgrade: websocket\r\n\
        Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\
        Sec-WebSocket-Protocol: chat, superchat\r\nSec-WebSocket-Version: 13\r\n\r\n";
    const SWITCHED: &str = "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\
        Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\nSec-WebSocket-Protocol: chat\r\n\r\n";
    const REFUSED: &str = "HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\
        Content-Type: text/plain; charset=utf-8\r\nContent-Length: 39\r\n\r\nThe Upgrade field must list websocket.\n";
    const PLAIN_GET: &[u8] = b"GET / HTTP/1.1\r\nHost: a\r\n\r\n";

    /// A correct error response with this status line, extra lines and body.
    fn refusal(status: &str, extra: &str, body: &str) -> String {
        let length = if body.is_empty() { String::new() } else { format!("Content-Length: {}\r\n", body.len()) };
        format!(
            "HTTP/1.1 {status}\r\nConnection: close\r\nContent-Type: text/plain; charset=utf-8\r\n{length}{extra}\r\n{body}"
        )
    }

    fn rejected(request: &[u8], response: &str, needle: &str) {
        let err = judge(request, response.as_bytes()).expect_err(response);
        assert!(err.contains(needle), "{err:?} should mention {needle:?}");
    }

    #[test]
    fn rfc_6455_example_is_accepted() {
        assert_eq!(accept_value(b"dGhlIHNhbXBsZSBub25jZQ=="), "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
        let switched = Verdict::Switched { protocol: Some("chat".into()) };
        assert_eq!(judge(REQUEST, SWITCHED.as_bytes()), Ok(switched));
        let frames = [SWITCHED.as_bytes(), b"\x81\x05hello\r\n"].concat();
        assert!(judge(REQUEST, &frames).is_ok(), "bytes after a 101 head are ignored");
        let plain = SWITCHED.replace("Sec-WebSocket-Protocol: chat\r\n", "");
        assert_eq!(judge(REQUEST, plain.as_bytes()), Ok(Verdict::Switched { protocol: None }));
    }

    #[test]
    fn peer_mode_allows_what_other_servers_may_add() {
        let switched = "HTTP/1.1 101 Switching Protocols\r\nDate: today\r\nupgrade: WebSocket\r\n\
            Connection: upgrade\r\nSec-WebSocket-Accept:s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\nServer: x\r\n\r\n";
        assert_eq!(judge_peer(REQUEST, switched.as_bytes()), Ok(Verdict::Switched { protocol: None }));
        assert!(judge(REQUEST, switched.as_bytes()).is_err(), "exact mode wants the contract's lines only");
        let wrong_key = switched.replace("s3pP", "AAAA");
        assert!(judge_peer(REQUEST, wrong_key.as_bytes()).unwrap_err().contains("Sec-WebSocket-Accept"));

        let refused = "HTTP/1.1 400 Nope\r\nDate: today\r\nConnection: close\r\nContent-Length: 3\r\n\r\nno\n";
        assert_eq!(judge_peer(PLAIN_GET, refused.as_bytes()), Ok(Verdict::Refused { status: 400 }));
        let kept_open = refused.replace("Connection: close", "Connection: keep-alive");
        assert!(judge_peer(PLAIN_GET, kept_open.as_bytes()).unwrap_err().contains("Connection: close"));
        let unframed = refused.replace("Content-Length: 3\r\n", "");
        assert!(judge_peer(PLAIN_GET, unframed.as_bytes()).unwrap_err().contains("without Content-Length"));
        let short = refused.replace("Content-Length: 3", "Content-Length: 2");
        assert!(judge_peer(PLAIN_GET, short.as_bytes()).unwrap_err().contains("body bytes"));
    }

    #[test]
    fn correct_refusals_are_accepted() {
        assert_eq!(judge(PLAIN_GET, REFUSED.as_bytes()), Ok(Verdict::Refused { status: 400 }));
        let body = "A WebSocket handshake must use the GET method.\n";
        for (request, body) in [(&b"POST / HTTP/1.1\r\n\r\n"[..], body), (b"\r\nHEAD / HTTP/1.1\r\n\r\n", "")] {
            let response = refusal("405 Method Not Allowed", "Allow: GET\r\n", body);
            assert_eq!(judge(request, response.as_bytes()), Ok(Verdict::Refused { status: 405 }));
        }
    }

    #[test]
    fn malformed_refusals_are_caught() {
        rejected(PLAIN_GET, &REFUSED.replace("Bad Request", "Bad request"), "reason phrase");
        rejected(PLAIN_GET, &REFUSED.replace("400 Bad Request", "404 Not Found"), "not one the contract allows");
        rejected(PLAIN_GET, &REFUSED.replace("\r\n\r\n", "\r\nconnection: close\r\n\r\n"), "twice");
        rejected(PLAIN_GET, &REFUSED.replace(": 39", ": 40"), "Content-Length 40");
        rejected(PLAIN_GET, &REFUSED.replace(": 39", ": 039"), "decimal");
        rejected(PLAIN_GET, &REFUSED.replace("Connection: close\r\n", ""), "without `Connection: close`");
        rejected(PLAIN_GET, &REFUSED.replace("must", "MUST"), "published");
        rejected(PLAIN_GET, &REFUSED.replace("\r\n\r\n", "\r\nServer: x\r\n\r\n"), "unexpected field");
        rejected(PLAIN_GET, &REFUSED.replace("Content-Type: ", "Content-Type:  "), "whitespace");
        rejected(PLAIN_GET, &REFUSED.replace("Connection: close\r\n", "Connection: close\n"), "bare CR or LF");
        rejected(PLAIN_GET, &REFUSED.replace("Bad Request\r\n", "Bad Request\r\r\n"), "bare CR or LF");
        let body = "A WebSocket handshake must use the GET method.\n";
        rejected(b"PUT / HTTP/1.1\r\n\r\n", &refusal("405 Method Not Allowed", "", body), "without `Allow: GET`");
        let body = "Only WebSocket version 13 is supported.\n";
        let upgrade = "Upgrade: websocket\r\n";
        rejected(PLAIN_GET, &refusal("426 Upgrade Required", upgrade, body), "Sec-WebSocket-Version: 13");
        let version = "Sec-WebSocket-Version: 13\r\n";
        rejected(PLAIN_GET, &refusal("426 Upgrade Required", version, body), "without `Upgrade: websocket`");
        rejected(b"HEAD / HTTP/1.1\r\n\r\n", REFUSED, "to HEAD has Some((\"Content-Length\", \"39\"))");
        let head_with_body = format!("{}body\n", refusal("400 Bad Request", "", ""));
        rejected(b"HEAD / HTTP/1.1\r\n\r\n", &head_with_body, "or a body: \"body\\n\"");
    }

    #[test]
    fn malformed_switches_are_caught() {
        rejected(REQUEST, &SWITCHED.replace("s3pP", "s3pQ"), "Sec-WebSocket-Accept");
        rejected(REQUEST, &SWITCHED.replace(": chat", ": superchat2"), "did not offer");
        rejected(REQUEST, &SWITCHED.replace("Connection: Upgrade\r\n", ""), "field 2");
        let swapped =
            SWITCHED.replace("Upgrade: websocket\r\nConnection: Upgrade", "Connection: Upgrade\r\nUpgrade: websocket");
        rejected(REQUEST, &swapped, "field 1");
        rejected(PLAIN_GET, SWITCHED, "0 Sec-WebSocket-Key fields");
        rejected(REQUEST, &SWITCHED.replace("\r\n\r\n", "\n\r\n\r\n"), "bare CR or LF");
    }

    #[test]
    fn missing_and_incomplete_responses_are_caught() {
        rejected(PLAIN_GET, "", "no response");
        rejected(PLAIN_GET, "HTTP/1.1 400 Bad Request\r\nConnection: close\r\n", "incomplete head");
        rejected(PLAIN_GET, "HTTP/1.0 400 Bad Request\r\n\r\n", "status line");
    }

    #[test]
    fn contract_table() {
        let rules = ["1", "1b", "2", "4", "11", "12b", "15", "16", "", "2b"];
        let statuses = [Some(400), Some(505), Some(431), Some(405), Some(426), Some(403), Some(408), None, None, None];
        assert_eq!(rules.map(contract_status), statuses);
    }
}
