//! Peer judgement on answers real servers send: valid HTTP is never
//! malformed, and what the RFCs do not allow is a problem in words.

use ws_handshake_oracle::{
    Framing, Level, PeerJudgement, PeerVerdict, Problem, contract_problems, judge_exact, judge_peer,
};

/// The handshake of RFC 6455 section 1.3, offering two subprotocols.
const REQUEST: &[u8] = b"GET /chat HTTP/1.1\r\nHost: server.example.com\r\nUpgrade: websocket\r\n\
    Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\
    Sec-WebSocket-Protocol: chat, superchat\r\nSec-WebSocket-Version: 13\r\n\r\n";
/// A 101 another server may send: extra fields, other case, no space.
const SWITCHED: &str = "HTTP/1.1 101 Switching Protocols\r\nDate: today\r\nupgrade: WebSocket\r\n\
    Connection: upgrade\r\nSec-WebSocket-Accept:s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\nServer: x\r\n\r\n";
const PLAIN_GET: &[u8] = b"GET / HTTP/1.1\r\nHost: a\r\n\r\n";

/// The verdict on an answer that must be an HTTP response.
fn answered(request: &[u8], response: &str) -> PeerVerdict {
    match judge_peer(request, response.as_bytes()) {
        PeerJudgement::Answered(verdict) => verdict,
        other => panic!("{response:?} judged {other:?}"),
    }
}

/// The words of every problem, RFC and contract, as conform prints them.
fn all_problems(request: &[u8], verdict: &PeerVerdict) -> Vec<String> {
    let contract = contract_problems(request, &verdict.response);
    verdict.problems.iter().chain(&contract).map(Problem::to_string).collect()
}

/// The one MUST problem of `response`, which must mention `needle`.
fn must(request: &[u8], response: &str, needle: &str) {
    let verdict = answered(request, response);
    let [problem] = &verdict.problems[..] else { panic!("{response:?}: {:?}", verdict.problems) };
    assert_eq!(problem.level, Level::Must, "{problem}");
    assert!(problem.words.contains(needle), "{problem} should mention {needle:?}");
}

/// Node ws answers a stalled head with a bare 408 and closes: no
/// Content-Length, so the body runs to the end of the connection (RFC 9112
/// section 6.3). Valid HTTP; only the contract asks for Content-Length.
#[test]
fn node_ws_408_without_content_length_is_a_close_delimited_408() {
    let response = "HTTP/1.1 408 Request Timeout\r\nConnection: close\r\n\r\n";
    let verdict = answered(b"GET / HTTP/1.1\r\n", response);
    assert_eq!((verdict.response.status, verdict.response.framing), (408, Framing::CloseDelimited));
    assert_eq!(verdict.problems, []);
    let contract = contract_problems(b"GET / HTTP/1.1\r\n", &verdict.response);
    assert_eq!(contract.iter().map(|p| p.level).collect::<Vec<_>>(), [Level::Contract]);
    assert!(contract[0].words.contains("without Content-Length"), "{contract:?}");
}

/// gorilla/websocket (through Go's net/http) answers a POST with an
/// `HTTP/1.0` status line: any HTTP/1.x is a response (RFC 9112 section
/// 2.3). It has no `Allow`, which RFC 9110 section 15.5.6 requires.
#[test]
fn gorilla_http_1_0_405_is_a_valid_response() {
    let response = "HTTP/1.0 405 Method Not Allowed\r\nContent-Type: text/plain; charset=utf-8\r\n\
        Sec-Websocket-Version: 13\r\nX-Content-Type-Options: nosniff\r\nContent-Length: 19\r\n\r\n\
        Method Not Allowed\n";
    let verdict = answered(b"POST / HTTP/1.1\r\n\r\n", response);
    assert_eq!(verdict.response.version, "HTTP/1.0");
    assert_eq!((verdict.response.status, verdict.response.framing), (405, Framing::ContentLength(19)));
    must(b"POST / HTTP/1.1\r\n\r\n", response, "405 without Allow");
}

/// A redirect is valid HTTP and a refusal with its own status; whether 301
/// is acceptable for a case is conform's to say.
#[test]
fn redirect_301_with_location_is_a_refusal_with_status_301() {
    let response = "HTTP/1.1 301 Moved Permanently\r\nLocation: https://example.com/\r\nContent-Length: 0\r\n\r\n";
    let verdict = answered(PLAIN_GET, response);
    assert_eq!(verdict.response.status, 301);
    assert_eq!(verdict.response.field("location"), Some("https://example.com/"));
    assert_eq!(verdict.problems, []);
}

/// Python websockets answers a missing `Upgrade` with a 426 carrying
/// `Upgrade` and `Sec-WebSocket-Version`: a well-formed 426 without any
/// problem, so conform can say the status is wrong, and only that.
#[test]
fn python_websockets_426_to_missing_upgrade_is_a_well_formed_426() {
    let body = "Failed to open a WebSocket connection: missing Upgrade header.\n";
    let response = format!(
        "HTTP/1.1 426 Upgrade Required\r\nDate: Mon, 06 Jan 2025 10:00:00 GMT\r\nConnection: close\r\n\
        Content-Length: {}\r\nContent-Type: text/plain; charset=utf-8\r\nUpgrade: websocket\r\n\
        Sec-WebSocket-Version: 13\r\n\r\n{body}",
        body.len()
    );
    let request = String::from_utf8_lossy(REQUEST).replace("Upgrade: websocket\r\n", "");
    let verdict = answered(request.as_bytes(), &response);
    assert_eq!(verdict.response.status, 426);
    assert_eq!(verdict.response.body, body.as_bytes());
    assert_eq!(all_problems(request.as_bytes(), &verdict), Vec::<String>::new());
}

/// A chunked error body is framed by its chunks (RFC 9112 section 7.1).
#[test]
fn chunked_error_body_is_valid_framing() {
    let response = "HTTP/1.1 400 Bad Request\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n\
        6;ext=1\r\nBad Re\r\n6\r\nquest\n\r\n0\r\nX-Trailer: 1\r\n\r\n";
    let verdict = answered(PLAIN_GET, response);
    assert_eq!((verdict.response.framing, &verdict.response.body[..]), (Framing::Chunked, &b"Bad Request\n"[..]));
    assert_eq!(verdict.problems, []);
    let cut = response.replace("0\r\nX-Trailer: 1\r\n\r\n", "");
    assert!(matches!(judge_peer(PLAIN_GET, cut.as_bytes()), PeerJudgement::Malformed(why) if why.contains("chunk")));
}

#[test]
fn switches_may_add_what_other_servers_add() {
    let verdict = answered(REQUEST, SWITCHED);
    assert_eq!((verdict.response.status, &verdict.problems[..]), (101, &[][..]));
    assert!(judge_exact(REQUEST, SWITCHED.as_bytes()).is_err(), "exact judgement wants the contract's lines only");
    let frames = format!("{SWITCHED}\u{81}\x05hello");
    assert_eq!(answered(REQUEST, &frames).problems, [], "bytes after a 101 head are frames");
}

#[test]
fn what_rfc_6455_forbids_in_a_101_is_a_must_problem() {
    must(REQUEST, &SWITCHED.replace("s3pP", "AAAA"), "Sec-WebSocket-Accept");
    must(REQUEST, &SWITCHED.replace("upgrade: WebSocket\r\n", ""), "Upgrade: websocket");
    must(REQUEST, &SWITCHED.replace("Connection: upgrade", "Connection: keep-alive"), "Connection: Upgrade");
    must(REQUEST, &SWITCHED.replace("Server: x", "Sec-WebSocket-Protocol: mqtt"), "did not offer");
    must(PLAIN_GET, SWITCHED, "0 Sec-WebSocket-Key fields");
}

/// gorilla and coder websocket (Go's net/http) keep the connection open
/// after refusing a handshake, so the bytes a client sent after its head
/// are read as a second request and answered: two responses, one after
/// the other, which is HTTP/1.1 pipelining (RFC 9112 section 9.3), not a
/// body longer than its `Content-Length`. After `Connection: close` the
/// same bytes are a problem.
#[test]
fn a_second_response_on_a_persistent_connection_is_not_a_long_body() {
    let request = b"GET / HTTP/1.1\r\nHost: a\r\n\r\n\x89\x82abcdef";
    let first = "HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain\r\nContent-Length: 12\r\n\r\nBad Request\n";
    let second = "HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n400 Bad Request";
    let verdict = answered(request, &format!("{first}{second}"));
    assert_eq!((verdict.response.status, &verdict.response.body[..]), (400, &b"Bad Request\n"[..]));
    assert_eq!(verdict.problems, []);
    let closing = first.replace("Content-Length", "Connection: close\r\nContent-Length");
    must(request, &format!("{closing}{second}"), "Content-Length 12, but");
    must(request, &format!("{first}garbage"), "Content-Length 12, but 19 bytes");
}

#[test]
fn framing_that_disagrees_with_the_bytes_is_a_must_problem() {
    let refused = "HTTP/1.1 400 Nope\r\nDate: today\r\nConnection: close\r\nContent-Length: 3\r\n\r\nno\n";
    assert_eq!(all_problems(PLAIN_GET, &answered(PLAIN_GET, refused)), Vec::<String>::new());
    must(PLAIN_GET, &refused.replace("Content-Length: 3", "Content-Length: 2"), "Content-Length 2, but 3 bytes");
    must(PLAIN_GET, &refused.replace("Content-Length: 3", "Content-Length: 9"), "Content-Length 9, but 3 bytes");
    must(b"HEAD / HTTP/1.1\r\n\r\n", refused, "to HEAD followed by 3 bytes");
    let both = refused.replace("\r\n\r\n", "\r\nTransfer-Encoding: chunked\r\n\r\n").replace("no\n", "0\r\n\r\n");
    must(PLAIN_GET, &both, "both Transfer-Encoding and Content-Length");
    must(PLAIN_GET, &refused.replace("\r\nDate", "\nDate"), "bare LF");
    must(PLAIN_GET, &refused.replace("Date: today\r\n", "Date: to\r\n day\r\n"), "obs-fold");
    must(PLAIN_GET, &refused.replace("400 Nope", "426 Nope"), "426 without Upgrade");
}

#[test]
fn what_only_the_contract_asks_is_a_contract_problem() {
    let refused = "HTTP/1.1 400 Nope\r\nConnection: keep-alive\r\nContent-Length: 3\r\n\r\nno\n";
    let verdict = answered(PLAIN_GET, refused);
    assert_eq!(verdict.problems, []);
    let problems = all_problems(PLAIN_GET, &verdict);
    assert_eq!(problems, ["contract: 400 without `Connection: close` (contract section 4)"]);
    let version =
        "HTTP/1.1 426 Upgrade Required\r\nConnection: close\r\nUpgrade: websocket\r\nContent-Length: 0\r\n\r\n";
    let problems = all_problems(PLAIN_GET, &answered(PLAIN_GET, version));
    assert_eq!(problems, ["contract: 426 without `Sec-WebSocket-Version: 13` (contract section 2, rule 11)"]);
}

#[test]
fn only_bytes_that_are_not_http_are_malformed() {
    assert_eq!(judge_peer(PLAIN_GET, b""), PeerJudgement::Nothing);
    for response in [
        &b"\x16\x03\x01\x00"[..],
        b"SSH-2.0-OpenSSH_9.6\r\n\r\n",
        b"HTTP/2.0 400 Bad Request\r\n\r\n",
        b"HTTP/1.1 99 Low\r\n\r\n",
        b"HTTP/1.1 400 Bad Request\r\nConnection: close\r\n",
        b"HTTP/1.1 400 Bad Request\r\nNo colon\r\n\r\n",
        b"HTTP/1.1 400 Bad Request\r\nContent-Length: 3, 4\r\n\r\nabc",
        b"HTTP/1.1 400 Bad\rRequest\r\n\r\n",
    ] {
        let judgement = judge_peer(PLAIN_GET, response);
        assert!(matches!(judgement, PeerJudgement::Malformed(_)), "{response:?}: {judgement:?}");
    }
    let no_reason = answered(PLAIN_GET, "HTTP/1.1 400\r\nContent-Length: 0\r\n\r\n");
    assert_eq!((no_reason.response.status, &no_reason.response.reason[..]), (400, ""));
}
