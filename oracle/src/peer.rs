//! Peer judgement: what RFC 6455 and RFC 9110/9112 allow any server to send
//! in answer to a handshake, without this project's own choices (those are
//! [`crate::contract`]'s).

use std::fmt;

use crate::accept::expected_accept;
use crate::request;
use crate::response::{self, Response};

/// What a server's answer was.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PeerJudgement {
    /// The server sent no byte.
    Nothing,
    /// The bytes are not an HTTP/1.x response; the words say why.
    Malformed(String),
    /// An HTTP/1.x response, and what in it the RFCs do not allow.
    Answered(PeerVerdict),
}

/// An HTTP/1.x response and the RFCs' objections to it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PeerVerdict {
    /// The response as parsed.
    pub response: Response,
    /// What RFC 6455 or RFC 9110/9112 does not allow in it for this
    /// request, in the order found; empty when nothing.
    pub problems: Vec<Problem>,
}

/// Something a response must not, or should not, have been.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    /// How firmly it is asked.
    pub level: Level,
    /// What is wrong, in words, with the RFC or contract section that says so.
    pub words: String,
}

/// How firmly a [`Problem`] is asked.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Level {
    /// An RFC requires it (MUST, MUST NOT).
    Must,
    /// An RFC recommends it (SHOULD, SHOULD NOT).
    Should,
    /// Only this project's contract (`docs/CONTRACT.md`) asks it.
    Contract,
}

impl Problem {
    /// A problem at `level`, in `words`.
    pub fn new(level: Level, words: impl Into<String>) -> Self {
        Self { level, words: words.into() }
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let level = match self.level {
            Level::Must => "MUST",
            Level::Should => "SHOULD",
            Level::Contract => "contract",
        };
        write!(f, "{level}: {}", self.words)
    }
}

/// Judges `response`, the complete bytes a server sent (up to its
/// end-of-stream) for `request`, by what RFC 6455 and RFC 9110/9112 allow
/// any server to send: any HTTP/1.x version, reason phrase, extra fields,
/// body text and framing (`Content-Length`, chunked, or to the end of the
/// connection). A 101 must carry `Upgrade: websocket`, `Connection:
/// Upgrade`, the right accept key and an offered subprotocol; an error
/// status must carry the fields its definition requires.
pub fn judge_peer(request: &[u8], response: &[u8]) -> PeerJudgement {
    if response.is_empty() {
        return PeerJudgement::Nothing;
    }
    let mut problems = Vec::new();
    match response::parse(request, response, &mut problems) {
        Err(why) => PeerJudgement::Malformed(why),
        Ok(response) => {
            if response.status == 101 {
                switch_problems(request, &response, &mut problems);
            } else {
                required_fields(&response, &mut problems);
            }
            PeerJudgement::Answered(PeerVerdict { response, problems })
        }
    }
}

/// What RFC 6455 section 4.2.2 item 5 asks of a 101, given the request.
fn switch_problems(request: &[u8], response: &Response, problems: &mut Vec<Problem>) {
    let mut must = |words: String| problems.push(Problem::new(Level::Must, words));
    // Section 4.2.1: a request without exactly one key must be refused.
    let accept = match expected_accept(request) {
        Ok(accept) => accept,
        Err(why) => return must(format!("{why} (RFC 6455 sections 4.2.1 and 11.3.1)")),
    };
    // Item 5.2: "An |Upgrade| header field with value "websocket"".
    if !response.lists("Upgrade", "websocket") {
        must("101 without `Upgrade: websocket` (RFC 6455 section 4.2.2)".into());
    }
    // Item 5.3: "A |Connection| header field with value "Upgrade"".
    if !response.lists("Connection", "upgrade") {
        must("101 without `Connection: Upgrade` (RFC 6455 section 4.2.2)".into());
    }
    // Item 5.4: "A |Sec-WebSocket-Accept| header field" with the key's hash.
    if response.field("Sec-WebSocket-Accept") != Some(accept.as_str()) {
        let got = response.field("Sec-WebSocket-Accept");
        must(format!("101 with Sec-WebSocket-Accept {got:?}, not {accept:?} (RFC 6455 section 4.2.2)"));
    }
    // Section 4.2.2, /subprotocol/: "the value chosen MUST be derived from
    // the client's handshake".
    if let Some(protocol) = response.field("Sec-WebSocket-Protocol")
        && !request::offered(request, protocol)
    {
        must(format!("101 selects protocol {protocol:?}, which the client did not offer (RFC 6455 section 4.2.2)"));
    }
}

/// The fields an error status's definition requires.
const REQUIRED_FIELDS: &[(u16, &str, &str)] = &[
    // "The server generating a 401 response MUST send a WWW-Authenticate
    // header field"
    (401, "WWW-Authenticate", "RFC 9110 section 15.5.2"),
    // "The origin server MUST generate an Allow header field in a 405
    // response"
    (405, "Allow", "RFC 9110 section 15.5.6"),
    // "The server generating a 407 response MUST send a Proxy-Authenticate
    // header field"
    (407, "Proxy-Authenticate", "RFC 9110 section 15.5.8"),
    // "The server MUST send an Upgrade header field in a 426 response"
    (426, "Upgrade", "RFC 9110 section 15.5.22"),
];

/// Checks that the response carries the fields its status requires.
fn required_fields(response: &Response, problems: &mut Vec<Problem>) {
    for &(status, name, rfc) in REQUIRED_FIELDS {
        if response.status == status && response.field(name).is_none() {
            problems.push(Problem::new(Level::Must, format!("{status} without {name} ({rfc})")));
        }
    }
}
