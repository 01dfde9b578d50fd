//! Exact judgement: this project's answers, byte for byte the shapes of the
//! contract's section 4 (`docs/CONTRACT.md`), with its statuses, reason
//! phrases, fields in order and published body texts.

use std::cell::RefCell;

use crate::accept::expected_accept;
use crate::request;
use crate::text::{is_token, lossy};

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
pub fn judge_exact(request: &[u8], response: &[u8]) -> Result<Verdict, String> {
    thread_local! {
        /// The correct refusals seen, indexed by their length (cheaper than
        /// hashing them): each with whether it answered a `HEAD`, and its
        /// status.
        static CORRECT_REFUSALS: RefCell<Vec<Vec<Refusal>>> = RefCell::default();
    }
    let head = request::is_head(request);
    let known = CORRECT_REFUSALS.with_borrow(|memo| {
        let same_length = memo.get(response.len())?;
        same_length.iter().find(|(h, seen, _)| *h == head && seen == response).map(|&(_, _, status)| status)
    });
    if let Some(status) = known {
        return Ok(Verdict::Refused { status });
    }
    let verdict = judge_uncached(request, response)?;
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

/// Judges `response` every time: [`judge_exact`] without its memory.
fn judge_uncached(request: &[u8], response: &[u8]) -> Result<Verdict, String> {
    let head = parse_head(response)?;
    let body = response.get(head.len..).unwrap_or_default();
    if head.status == 101 {
        judge_switch(request, &head.fields).map(|protocol| Verdict::Switched { protocol })
    } else {
        judge_refusal(request, &head, body).map(|()| Verdict::Refused { status: head.status })
    }
}

/// Splits the head off `response` and checks its grammar, its reason
/// phrase and that no field name repeats.
fn parse_head(response: &[u8]) -> Result<Head<'_>, String> {
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
    let status = parse_status_line(status_line)?;
    let mut fields: Vec<(&str, &str)> = Vec::new();
    for line in field_lines {
        let (name, value) = parse_field(line)?;
        if fields.iter().any(|(seen, _)| seen.eq_ignore_ascii_case(name)) {
            return Err(format!("field {name:?} appears twice"));
        }
        fields.push((name, value));
    }
    Ok(Head { status, fields, len: end + 4 })
}

/// Checks `HTTP/1.1 SP 3DIGIT SP reason`, with a status the contract allows
/// and its canonical reason phrase.
fn parse_status_line(line: &str) -> Result<u16, String> {
    let bad = || format!("status line {line:?} is not `HTTP/1.1 SP 3DIGIT SP reason`");
    let (code, reason) = line.strip_prefix("HTTP/1.1 ").and_then(|rest| rest.split_once(' ')).ok_or_else(bad)?;
    if code.len() != 3 || !code.bytes().all(|b| b.is_ascii_digit()) {
        return Err(bad());
    }
    match STATUSES.iter().find_map(|known| known.strip_prefix(code)?.strip_prefix(' ')) {
        None => Err(format!("status {code} is not one the contract allows")),
        Some(canonical) if canonical != reason => {
            Err(format!("reason phrase {reason:?} for {code}, not {canonical:?}"))
        }
        Some(_) => code.parse().map_err(|_| bad()),
    }
}

/// Checks `name: value` (a token name, one SP, a visible value without
/// outer whitespace) and splits it.
fn parse_field(line: &str) -> Result<(&str, &str), String> {
    let (name, value) = line.split_once(':').ok_or_else(|| format!("field line {line:?} has no colon"))?;
    if !is_token(name) {
        return Err(format!("field name {name:?} is not a token"));
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

/// The field of `fields` named `name`, ASCII case-insensitively.
fn lookup<'a>(fields: &[(&'a str, &'a str)], name: &str) -> Option<(&'a str, &'a str)> {
    fields.iter().copied().find(|(n, _)| n.eq_ignore_ascii_case(name))
}

/// Checks a 101 against the request; returns the selected subprotocol.
fn judge_switch(request: &[u8], fields: &[(&str, &str)]) -> Result<Option<String>, String> {
    let accept = expected_accept(request)?;
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
    if !request::offered(request, protocol) {
        return Err(format!("101 selects protocol {protocol:?}, which the client did not offer"));
    }
    Ok(Some(protocol.to_owned()))
}

/// Checks an error response's fields and body.
fn judge_refusal(request: &[u8], head: &Head<'_>, body: &[u8]) -> Result<(), String> {
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
    if request::is_head(request) {
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
        let err = judge_exact(request, response.as_bytes()).expect_err(response);
        assert!(err.contains(needle), "{err:?} should mention {needle:?}");
    }

    #[test]
    fn rfc_6455_example_is_accepted() {
        let switched = Verdict::Switched { protocol: Some("chat".into()) };
        assert_eq!(judge_exact(REQUEST, SWITCHED.as_bytes()), Ok(switched));
        let frames = [SWITCHED.as_bytes(), b"\x81\x05hello\r\n"].concat();
        assert!(judge_exact(REQUEST, &frames).is_ok(), "bytes after a 101 head are ignored");
        let plain = SWITCHED.replace("Sec-WebSocket-Protocol: chat\r\n", "");
        assert_eq!(judge_exact(REQUEST, plain.as_bytes()), Ok(Verdict::Switched { protocol: None }));
    }

    #[test]
    fn correct_refusals_are_accepted() {
        assert_eq!(judge_exact(PLAIN_GET, REFUSED.as_bytes()), Ok(Verdict::Refused { status: 400 }));
        let body = "A WebSocket handshake must use the GET method.\n";
        for (request, body) in [(&b"POST / HTTP/1.1\r\n\r\n"[..], body), (b"\r\nHEAD / HTTP/1.1\r\n\r\n", "")] {
            let response = refusal("405 Method Not Allowed", "Allow: GET\r\n", body);
            assert_eq!(judge_exact(request, response.as_bytes()), Ok(Verdict::Refused { status: 405 }));
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
}
