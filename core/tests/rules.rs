//! The contract's table, one row (or more) per rule: each request is fed at
//! once and byte by byte, and the response is checked against the literal
//! status line, header set and framing the contract gives, written out here
//! rather than read from the crate's own table.

mod common;

use common::{KEY, feed, get, request as head, response_bytes};
use ws_handshake::{Config, Handshake, OriginPolicy, Progress, ValidConfig, accept_key};

/// What a row expects.
enum Expect {
    /// A 101 with this path and selected subprotocol.
    Accept { path: &'static str, protocol: Option<&'static str> },
    /// A rejection under this contract rule, with this status line and
    /// these extra header lines.
    Reject { rule: &'static str, status: &'static str, extra: &'static [&'static str] },
}

use Expect::{Accept, Reject};

const BAD_REQUEST: &str = "400 Bad Request";
const ACCEPT: Expect = Accept { path: "/chat", protocol: None };

fn bad(rule: &'static str) -> Expect {
    Reject { rule, status: BAD_REQUEST, extra: &[] }
}

fn version_required() -> Expect {
    Reject { rule: "11", status: "426 Upgrade Required", extra: &["Sec-WebSocket-Version: 13", "Upgrade: websocket"] }
}

/// One row: a name, a config, the bytes, whether the stream ended after them.
struct Row {
    name: &'static str,
    config: Config<'static>,
    bytes: Vec<u8>,
    end_of_stream: bool,
    expect: Expect,
}

fn row(name: &'static str, bytes: Vec<u8>, expect: Expect) -> Row {
    Row { name, config: Config::default(), bytes, end_of_stream: false, expect }
}

fn rows() -> Vec<Row> {
    let small = Config { max_head_len: 256, max_headers: 8, ..Config::default() };
    let allow = Config { origin: OriginPolicy::AllowList(&["https://app.example"]), ..Config::default() };
    let any = Config { origin: OriginPolicy::Any, ..Config::default() };
    let chat = Config { protocols: &["chat", "superchat"], ..Config::default() };
    let with = |config: Config<'static>, mut row: Row| {
        row.config = config;
        row
    };
    let ended = |mut row: Row| {
        row.end_of_stream = true;
        row
    };
    let mut nul_late = get(&[], &[]);
    nul_late.truncate(nul_late.len() - 2);
    nul_late.extend_from_slice(b"X-Pad: ");
    nul_late.resize(8000, b'a');
    nul_late.push(0);
    nul_late.resize(8192, b'a');
    let flood = head("GET /chat HTTP/1.1", &[], &[&format!("X-Flood: {}", "a".repeat(9000))]);
    let many_fields: Vec<String> = (0..60).map(|i| format!("X-F{i}: v")).collect();
    let many_fields: Vec<&str> = many_fields.iter().map(String::as_str).collect();
    let mut flood_of_fields = get(&[], &many_fields);
    flood_of_fields.truncate(flood_of_fields.len() - 2);

    vec![
        // The valid request, and the valid space around it.
        row("valid", get(&[], &[]), ACCEPT),
        row("valid with leading empty line", [&b"\r\n"[..], &get(&[], &[])].concat(), ACCEPT),
        row("absolute-form ws URI", head("GET ws://example.com/chat HTTP/1.1", &[], &[]), ACCEPT),
        row(
            "absolute-form without path",
            head("GET wss://example.com HTTP/1.1", &[], &[]),
            Accept { path: "/", protocol: None },
        ),
        row(
            "names in any case",
            get(&["Upgrade", "Connection"], &["uPGRADE: WebSocket", "CONNECTION: keep-alive, UPGRADE"]),
            ACCEPT,
        ),
        row("Upgrade list over fields", get(&["Upgrade"], &["Upgrade: h2c", "Upgrade: , websocket"]), ACCEPT),
        row("Content-Length 0", get(&[], &["Content-Length: 0"]), ACCEPT),
        row("version with OWS", get(&["Sec-WebSocket-Version"], &["Sec-WebSocket-Version: \t13 "]), ACCEPT),
        row("Host with port", get(&["Host"], &["Host: example.com:8080"]), ACCEPT),
        row("Host IPv6 literal", get(&["Host"], &["Host: [::1]:9001"]), ACCEPT),
        row("Host IPv6 literal without port", get(&["Host"], &["Host: [::1]"]), ACCEPT),
        row("Host IPvFuture literal", get(&["Host"], &["Host: [v1.fe:x]"]), ACCEPT),
        row("Host with an escape", get(&["Host"], &["Host: ex%41mple.com"]), ACCEPT),
        row(
            "target with escapes",
            head("GET /a%2Fb?c=%7e HTTP/1.1", &[], &[]),
            Accept { path: "/a%2Fb?c=%7e", protocol: None },
        ),
        row("same-host Origin", get(&[], &["Origin: http://EXAMPLE.com"]), ACCEPT),
        row("extensions ignored", get(&[], &["Sec-WebSocket-Extensions: permessage-deflate"]), ACCEPT),
        // Unrelated fields with the length of a known name are still unrelated.
        row("17-byte name beside the key", get(&[], &["X-Forwarded-Proto: https"]), ACCEPT),
        row("21-byte name beside the version", get(&[], &["X-Abcdefghijklmnopqrs: 8"]), ACCEPT),
        row("4-byte name beside Host", get(&[], &["Date: today"]), ACCEPT),
        row("6-byte name beside Origin", get(&[], &["Cookie: a=b"]), ACCEPT),
        row("14-byte name beside Content-Length", get(&[], &["Accept-Charset: 5"]), ACCEPT),
        row("22-byte name beside the protocol", get(&[], &["X-Abcdefghijklmnopqrst: a b"]), ACCEPT),
        // 1: syntax.
        row("TLS hello, first byte", vec![0x16], bad("1")),
        row("binary", vec![0x00, 0xff, 0x13, 0x37], bad("1")),
        row("double space", head("GET  /chat HTTP/1.1", &[], &[]), bad("1")),
        row("lowercase HTTP-name", head("GET /chat http/1.1", &[], &[]), bad("1")),
        row("letter for a version digit", head("GET /chat HTTP/1.d", &[], &[]), bad("1")),
        row("letter for the major digit", head("GET /chat HTTP/d.1", &[], &[]), bad("1")),
        row("space in target", head("GET /a b HTTP/1.1", &[], &[]), bad("1")),
        row("bare LF line ends", String::from_utf8_lossy(&get(&[], &[])).replace("\r\n", "\n").into_bytes(), bad("1")),
        row("space before colon", get(&["Host"], &["Host : example.com"]), bad("1")),
        row("obs-fold", get(&[], &["X-A: a", " folded"]), bad("1")),
        row("obs-fold with a colon", get(&[], &[" X-Fold: y"]), bad("1")),
        row("bare CR in value", get(&[], &["X-A: a\rb"]), bad("1")),
        row("NUL in value", get(&[], &["X-A: a\0b"]), bad("1")),
        // Long values are checked eight bytes at a time: every lane counts.
        row("DEL deep in a long value", get(&[], &["X-A: abcdefghijklmnop\x7fqrstuvwxyz"]), bad("1")),
        row("NUL deep in a long value", get(&[], &["X-A: abcdefghijklmnopq\0rstuvwxyz"]), bad("1")),
        row("ESC deep in a long value", get(&[], &["X-A: abcdefghijklmnopqr\x1bstuvwxyz"]), bad("1")),
        row("US at a word's end", get(&[], &["X-A: abcdefghijklmnopqrs\x1ftuvwxyz"]), bad("1")),
        row("HTAB and obs-text in a long value", get(&[], &["X-A: abc\tdefghijklmn\u{e9}opqrstuvwxyz"]), ACCEPT),
        row("empty field name", get(&[], &[": x"]), bad("1")),
        row("syntax error beats size", nul_late, bad("1")),
        row("syntax error beats method", head("POST /chat HTTP/1.1 x", &[], &[]), bad("1")),
        // 1b: a version other than 1.x.
        row(
            "HTTP/2.0",
            head("GET /chat HTTP/2.0", &[], &[]),
            Reject { rule: "1b", status: "505 HTTP Version Not Supported", extra: &[] },
        ),
        row(
            "h2 preface",
            b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".to_vec(),
            Reject { rule: "1b", status: "505 HTTP Version Not Supported", extra: &[] },
        ),
        row(
            "HTTP/0.9",
            head("GET /chat HTTP/0.9", &[], &[]),
            Reject { rule: "1b", status: "505 HTTP Version Not Supported", extra: &[] },
        ),
        // 2: too large.
        row("9000-byte field", flood, Reject { rule: "2", status: "431 Request Header Fields Too Large", extra: &[] }),
        with(
            small,
            row(
                "one field over max_headers",
                get(&[], &["A: 1", "B: 2", "C: 3", "D: 4"]),
                Reject { rule: "2", status: "431 Request Header Fields Too Large", extra: &[] },
            ),
        ),
        with(small, row("exactly max_headers fields", get(&[], &["A: 1", "B: 2", "C: 3"]), ACCEPT)),
        ended(row(
            "too many fields, then end of stream",
            flood_of_fields,
            Reject { rule: "2", status: "431 Request Header Fields Too Large", extra: &[] },
        )),
        // 3: HTTP/1.1 only.
        row("HTTP/1.0", head("GET /chat HTTP/1.0", &[], &[]), bad("3")),
        row("HTTP/1.2", head("GET /chat HTTP/1.2", &[], &[]), bad("3")),
        row("HTTP/1.0 beats method", head("POST /chat HTTP/1.0", &[], &[]), bad("3")),
        // 4: GET only.
        row(
            "POST",
            head("POST /chat HTTP/1.1", &[], &[]),
            Reject { rule: "4", status: "405 Method Not Allowed", extra: &["Allow: GET"] },
        ),
        row(
            "lowercase get",
            head("get /chat HTTP/1.1", &[], &[]),
            Reject { rule: "4", status: "405 Method Not Allowed", extra: &["Allow: GET"] },
        ),
        row(
            "HEAD",
            head("HEAD /chat HTTP/1.1", &[], &[]),
            Reject { rule: "4", status: "405 Method Not Allowed", extra: &["Allow: GET"] },
        ),
        row(
            "method beats target",
            head("POST * HTTP/1.1", &[], &[]),
            Reject { rule: "4", status: "405 Method Not Allowed", extra: &["Allow: GET"] },
        ),
        // 5: target form.
        row("asterisk-form", head("GET * HTTP/1.1", &[], &[]), bad("5")),
        row("authority-form", head("GET example.com:443 HTTP/1.1", &[], &[]), bad("5")),
        row("ftp URI", head("GET ftp://example.com/ HTTP/1.1", &[], &[]), bad("5")),
        row("fragment", head("GET /chat#x HTTP/1.1", &[], &[]), bad("5")),
        row("broken percent-encoding", head("GET /%zz HTTP/1.1", &[], &[]), bad("5")),
        row("URI with userinfo", head("GET ws://user@example.com/ HTTP/1.1", &[], &[]), bad("5")),
        // 6: Host.
        row("no Host", get(&["Host"], &[]), bad("6")),
        row("empty Host", get(&["Host"], &["Host: "]), bad("6")),
        row("two Hosts", get(&[], &["Host: example.com"]), bad("6")),
        row("Host with userinfo", get(&["Host"], &["Host: user@example.com"]), bad("6")),
        row("Host with bad port", get(&["Host"], &["Host: example.com:80a"]), bad("6")),
        row("Host with space", get(&["Host"], &["Host: exa mple.com"]), bad("6")),
        row("Host with a bad IPv6 literal", get(&["Host"], &["Host: [::g]"]), bad("6")),
        row("Host IPvFuture without version", get(&["Host"], &["Host: [v.x]"]), bad("6")),
        row("Host IPvFuture with a bad version", get(&["Host"], &["Host: [vg.x]"]), bad("6")),
        row("Host IPvFuture without address", get(&["Host"], &["Host: [v1.]"]), bad("6")),
        row("Host IPvFuture with a bad address", get(&["Host"], &["Host: [v1.a/b]"]), bad("6")),
        row("Host with a bad escape", get(&["Host"], &["Host: ex%4mple.com"]), bad("6")),
        row("Host beats Upgrade", get(&["Host", "Upgrade"], &[]), bad("6")),
        // 7: no content.
        row("chunked", get(&[], &["Transfer-Encoding: chunked"]), bad("7")),
        row("Content-Length 5", get(&[], &["Content-Length: 5"]), bad("7")),
        row("two Content-Length 0", get(&[], &["Content-Length: 0", "Content-Length: 0"]), bad("7")),
        // 8: Upgrade.
        row("plain GET (golang/go#2396)", b"GET / HTTP/1.1\r\nHost: example.com\r\n\r\n".to_vec(), bad("8")),
        row("no Upgrade", get(&["Upgrade"], &[]), bad("8")),
        row("websockets", get(&["Upgrade"], &["Upgrade: websockets"]), bad("8")),
        row("websocket/13", get(&["Upgrade"], &["Upgrade: websocket/13"]), bad("8")),
        row("websocket in a 7-byte field", get(&["Upgrade"], &["Referer: websocket"]), bad("8")),
        row("upgrade in a 10-byte field", get(&["Connection"], &["User-Agent: upgrade"]), bad("9")),
        // 9: Connection.
        row("no Connection", get(&["Connection"], &[]), bad("9")),
        row("keep-alive only", get(&["Connection"], &["Connection: keep-alive"]), bad("9")),
        row("upgrades", get(&["Connection"], &["Connection: upgrades"]), bad("9")),
        // 10: Sec-WebSocket-Key.
        row("no key", get(&["Sec-WebSocket-Key"], &[]), bad("10")),
        row("empty key", get(&["Sec-WebSocket-Key"], &["Sec-WebSocket-Key: "]), bad("10")),
        row("two keys", get(&[], &["Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ=="]), bad("10")),
        row("15-byte key", get(&["Sec-WebSocket-Key"], &["Sec-WebSocket-Key: AAAAAAAAAAAAAAAAAAAA"]), bad("10")),
        row(
            "key without padding",
            get(&["Sec-WebSocket-Key"], &["Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ"]),
            bad("10"),
        ),
        row("URL-safe key", get(&["Sec-WebSocket-Key"], &["Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25j-_=="]), bad("10")),
        row("key beats version", get(&["Sec-WebSocket-Key", "Sec-WebSocket-Version"], &[]), bad("10")),
        // 11: Sec-WebSocket-Version.
        row("no version", get(&["Sec-WebSocket-Version"], &[]), version_required()),
        row("version 8", get(&["Sec-WebSocket-Version"], &["Sec-WebSocket-Version: 8"]), version_required()),
        row("version list", get(&["Sec-WebSocket-Version"], &["Sec-WebSocket-Version: 13, 8"]), version_required()),
        row("two versions", get(&[], &["Sec-WebSocket-Version: 13"]), version_required()),
        // 12: Origin at most once.
        row("two Origins", get(&[], &["Origin: http://example.com", "Origin: http://example.com"]), bad("12")),
        with(
            any,
            row("two Origins under any policy", get(&[], &["Origin: null", "Origin: http://a.example"]), bad("12")),
        ),
        // 12b: origin policy.
        row(
            "foreign Origin",
            get(&[], &["Origin: http://evil.example"]),
            Reject { rule: "12b", status: "403 Forbidden", extra: &[] },
        ),
        row("null Origin", get(&[], &["Origin: null"]), Reject { rule: "12b", status: "403 Forbidden", extra: &[] }),
        row(
            "Origin scheme not a scheme",
            get(&[], &["Origin: 1http://example.com"]),
            Reject { rule: "12b", status: "403 Forbidden", extra: &[] },
        ),
        row(
            "Origin scheme with _",
            get(&[], &["Origin: h_t://example.com"]),
            Reject { rule: "12b", status: "403 Forbidden", extra: &[] },
        ),
        row(
            "Origin on another port",
            get(&[], &["Origin: http://example.com:8080"]),
            Reject { rule: "12b", status: "403 Forbidden", extra: &[] },
        ),
        with(
            allow,
            row(
                "allow-list refuses",
                get(&[], &["Origin: https://other.example"]),
                Reject { rule: "12b", status: "403 Forbidden", extra: &[] },
            ),
        ),
        with(allow, row("allow-list allows", get(&[], &["Origin: HTTPS://app.example"]), ACCEPT)),
        with(any, row("any origin", get(&[], &["Origin: null"]), ACCEPT)),
        // 13: subprotocol list.
        row("empty protocol element", get(&[], &["Sec-WebSocket-Protocol: chat, , superchat"]), bad("13")),
        row("empty protocol field", get(&[], &["Sec-WebSocket-Protocol: "]), bad("13")),
        row("protocol not a token", get(&[], &["Sec-WebSocket-Protocol: a/b"]), bad("13")),
        with(
            chat,
            row(
                "client order decides",
                get(&[], &["Sec-WebSocket-Protocol: v2, superchat", "Sec-WebSocket-Protocol: chat"]),
                Accept { path: "/chat", protocol: Some("superchat") },
            ),
        ),
        with(chat, row("no common protocol", get(&[], &["Sec-WebSocket-Protocol: mqtt"]), ACCEPT)),
        // 14: end of stream first.
        ended(row("nothing sent", Vec::new(), bad("14"))),
        ended(row("half a head", b"GET /chat HTTP/1.1\r\nHost: exa".to_vec(), bad("14"))),
    ]
}

#[test]
fn every_row_answers_as_the_contract_says() {
    for row in rows() {
        let whole = run(&row, row.bytes.len());
        assert_eq!(whole, run(&row, 1), "{}: byte by byte differs", row.name);
        check(&row, &whole);
    }
}

#[test]
fn every_rule_has_a_row() {
    let numbers: Vec<&str> = rows()
        .iter()
        .filter_map(|row| match row.expect {
            Reject { rule, .. } => Some(rule),
            Accept { .. } => None,
        })
        .collect();
    for rule in ws_handshake::Rule::ALL {
        // Rule 15 needs the clock: `timeout_is_408` below.
        if rule.number() != "15" {
            assert!(numbers.contains(&rule.number()), "no row for rule {}", rule.number());
        }
    }
}

/// Feeds `row.bytes` in reads of `chunk` bytes (then the end of the stream
/// if the row ends it) and returns the response written for the outcome and
/// the leftover length.
fn run(row: &Row, chunk: usize) -> (Vec<u8>, usize) {
    let config = row.config.validate().expect("valid config");
    let mut buf = vec![0; config.max_head_len.max(row.bytes.len())];
    let progress = feed(&config, &mut buf, &row.bytes, chunk, row.end_of_stream);
    let response = response_bytes(&progress);
    match progress {
        Progress::NeedMore(_) => panic!("{}: still NeedMore after every byte", row.name),
        Progress::Request(request) => {
            if let Accept { path, protocol } = row.expect {
                let query = request.query().map(|query| format!("?{query}")).unwrap_or_default();
                assert_eq!(format!("{}{query}", request.path()), path, "{}", row.name);
                assert_eq!(request.selected_protocol(), protocol, "{}", row.name);
            }
            (response, request.leftover().len())
        }
        Progress::Reject(rejection) => {
            if let Reject { rule, .. } = row.expect {
                assert_eq!(rejection.rule().number(), rule, "{}", row.name);
            }
            assert_eq!(rejection.head_method(), row.bytes.starts_with(b"HEAD "), "{}", row.name);
            (response, 0)
        }
    }
}

/// Checks the response against the row's literal expectation.
fn check(row: &Row, (response, leftover): &(Vec<u8>, usize)) {
    let text = std::str::from_utf8(response).expect("ASCII response");
    let (head, body) = text.split_once("\r\n\r\n").expect("a head ending in a blank line");
    let mut lines = head.split("\r\n");
    let status_line = lines.next().unwrap_or_default();
    let fields: Vec<&str> = lines.collect();
    match row.expect {
        Accept { protocol, .. } => {
            let accept = format!("Sec-WebSocket-Accept: {}", std::str::from_utf8(&accept_key(KEY.as_bytes())).unwrap());
            let mut expected = vec!["Upgrade: websocket", "Connection: Upgrade", &accept];
            let protocol_line = protocol.map(|p| format!("Sec-WebSocket-Protocol: {p}"));
            expected.extend(protocol_line.as_deref());
            assert_eq!(status_line, "HTTP/1.1 101 Switching Protocols", "{}", row.name);
            assert_eq!(fields, expected, "{}", row.name);
            assert_eq!(body, "", "{}", row.name);
            assert_eq!(*leftover, 0, "{}", row.name);
        }
        Reject { status, extra, .. } => {
            let head_request = row.bytes.starts_with(b"HEAD ");
            assert_eq!(status_line, format!("HTTP/1.1 {status}"), "{}", row.name);
            let content_length = format!("Content-Length: {}", body.len());
            let mut expected = vec!["Connection: close", "Content-Type: text/plain; charset=utf-8"];
            if !head_request {
                expected.push(&content_length);
            }
            expected.extend(extra);
            assert_eq!(fields, expected, "{}", row.name);
            if head_request {
                assert_eq!(body, "", "{}: a HEAD response has no body", row.name);
            } else {
                assert!(body.len() > 10 && body.ends_with('\n') && body.is_ascii(), "{}: body {body:?}", row.name);
            }
        }
    }
}

#[test]
fn rfc_6455_example_key() {
    assert_eq!(&accept_key(KEY.as_bytes()), b"s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
}

#[test]
fn timeout_is_408() {
    let config = ValidConfig::default();
    for (bytes, head_request) in
        [(&b"GET /chat HTTP/1.1\r\nHo"[..], false), (b"HEAD / HTTP/1.1\r\n", true), (b"", false)]
    {
        let mut buf = [0; 8192];
        let Progress::NeedMore(handshake) = feed(&config, &mut buf, bytes, 100, false) else { panic!("decided") };
        let rejection = handshake.timed_out();
        assert_eq!(rejection.rule().number(), "15");
        let response = response_bytes(&Progress::Reject(rejection));
        let text = std::str::from_utf8(&response).unwrap();
        assert!(text.starts_with("HTTP/1.1 408 Request Timeout\r\nConnection: close\r\n"), "{text}");
        assert_eq!(text.contains("Content-Length"), !head_request, "{text}");
        assert_eq!(text.ends_with("\r\n\r\n"), head_request, "{text}");
    }
}

#[test]
fn a_byte_that_cannot_start_a_request_is_answered_at_once() {
    let config = ValidConfig::default();
    for first in [0x16u8, 0x00, b' ', b'\n', 0x80] {
        let mut buf = [0; 8192];
        assert!(matches!(feed(&config, &mut buf, &[first], 1, false), Progress::Reject(_)), "{first:#x}");
    }
    // An error in a field line is answered no later than the end of the line.
    let mut buf = [0; 8192];
    assert!(matches!(feed(&config, &mut buf, b"GET / HTTP/1.1\r\nX-A: \x01", 100, false), Progress::Reject(_)));
}

#[test]
fn leftover_bytes_are_the_clients_first_frames() {
    let config = ValidConfig::default();
    let request = get(&[], &[]);
    let frame = [0x81, 0x82, 1, 2, 3, 4, b'h' ^ 1, b'i' ^ 2];
    let bytes = [&request[..], &frame].concat();
    let mut buf = [0; 8192];
    let Progress::Request(accepted) = feed(&config, &mut buf, &bytes, bytes.len(), false) else {
        panic!("not accepted")
    };
    assert_eq!(accepted.leftover(), &frame);
    assert_eq!(accepted.head_len(), request.len());
}

#[test]
fn a_request_shows_what_was_asked() {
    let config = Config { protocols: &["chat"], ..Config::default() }.validate().unwrap();
    let request = head(
        "GET ws://example.com/chat?room=1 HTTP/1.1",
        &[],
        &[
            "Origin: http://example.com",
            "Sec-WebSocket-Protocol: x, chat",
            "Cookie: id=7",
            "Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits, , x-foo",
            "sec-websocket-protocol: y",
        ],
    );
    let mut buf = [0; 8192];
    let Progress::Request(accepted) = feed(&config, &mut buf, &request, 7, false) else { panic!("not accepted") };
    assert_eq!(accepted.method(), "GET");
    assert_eq!(accepted.target(), "ws://example.com/chat?room=1");
    assert_eq!(accepted.path(), "/chat");
    assert_eq!(accepted.query(), Some("room=1"));
    assert_eq!(accepted.host(), "example.com");
    assert_eq!(accepted.key(), KEY);
    assert_eq!(accepted.origin(), Some(&b"http://example.com"[..]));
    assert_eq!(accepted.selected_protocol(), Some("chat"));
    assert_eq!(accepted.protocols().collect::<Vec<_>>(), ["x", "chat", "y"]);
    let extensions: Vec<&[u8]> = accepted.extensions().collect();
    assert_eq!(extensions, [&b"permessage-deflate; client_max_window_bits"[..], b"x-foo"]);
    assert_eq!(accepted.field("cookie"), Some(&b"id=7"[..]));
    assert_eq!(accepted.field("COOKIE"), Some(&b"id=7"[..]));
    assert_eq!(accepted.field("X-Absent"), None);
    let names: Vec<&str> = accepted.fields().map(|(name, _)| name).collect();
    assert_eq!(names[..2], ["Host", "Upgrade"]);
    assert_eq!(names.len(), 10);
    assert_eq!(accepted.head_len(), request.len());
    assert_eq!(accepted.leftover(), b"");

    // The target without a query, and a leading empty line.
    let request = [&b"\r\n"[..], &get(&[], &[])].concat();
    let mut buf = [0; 8192];
    let Progress::Request(accepted) = feed(&config, &mut buf, &request, 1000, false) else { panic!("not accepted") };
    assert_eq!((accepted.path(), accepted.query()), ("/chat", None));
    assert_eq!(accepted.fields().next(), Some(("Host", &b"example.com"[..])));
}

#[test]
fn errors_say_what_is_wrong() {
    let long = "p".repeat(ws_handshake::MAX_PROTOCOL_LEN + 1);
    for (protocol, message) in [
        ("a b", "a configured subprotocol is not a token"),
        (long.as_str(), "a configured subprotocol is longer than MAX_PROTOCOL_LEN"),
    ] {
        let protocols = [protocol];
        let error = Config { protocols: &protocols, ..Config::default() }.validate().unwrap_err();
        assert_eq!(error.to_string(), message);
    }
    assert_eq!(ws_handshake::Rule::UnsupportedVersion.to_string(), "426 Upgrade Required (rule 11)");
    let small = ws_handshake::InsufficientSize { required: 219 };
    assert_eq!(small.to_string(), "the response needs a buffer of 219 bytes");
    let mut buf = [0; 100];
    let error = Handshake::new(&ValidConfig::default(), &mut buf).unwrap_err();
    assert_eq!(error.to_string(), "the head buffer must hold 8192 bytes");
}

#[test]
fn every_rules_reason_is_its_statuss_canonical_phrase() {
    for &rule in ws_handshake::Rule::ALL {
        assert_eq!(ws_handshake::reason_phrase(rule.status()), Some(rule.reason()), "{rule:?}");
    }
}

/// A configured subprotocol of exactly `MAX_PROTOCOL_LEN` bytes is valid
/// and selected, and its 101 fits the published buffer; one byte more is
/// refused when the configuration is checked.
#[test]
fn the_longest_subprotocol_is_served() {
    let long = "p".repeat(ws_handshake::MAX_PROTOCOL_LEN);
    let protocols = [long.as_str()];
    let config = Config { protocols: &protocols, ..Config::default() }.validate().expect("a valid configuration");
    let request = get(&[], &[&format!("Sec-WebSocket-Protocol: {long}")]);
    let mut buf = [0; 8192];
    let progress = feed(&config, &mut buf, &request, request.len(), false);
    let Progress::Request(accepted) = &progress else { panic!("not accepted") };
    assert_eq!(accepted.selected_protocol(), Some(long.as_str()));
    let response = response_bytes(&progress);
    assert!(response.ends_with(format!("Sec-WebSocket-Protocol: {long}\r\n\r\n").as_bytes()));

    let longer = format!("{long}p");
    let protocols = [longer.as_str()];
    let error = Config { protocols: &protocols, ..Config::default() }.validate().unwrap_err();
    assert_eq!(error, ws_handshake::ConfigError::ProtocolTooLong);
}

/// No head fits in 0 bytes, and a handshake would have nothing to read
/// into while it needs more: `validate` refuses it, and 1 byte is enough.
#[test]
fn a_head_limit_of_zero_is_refused() {
    let error = Config { max_head_len: 0, ..Config::default() }.validate().unwrap_err();
    assert_eq!(error, ws_handshake::ConfigError::NoRoomForHead);
    assert!(Config { max_head_len: 1, ..Config::default() }.validate().is_ok());
}
