//! The model and the core agree on a list of varied requests, valid and
//! broken, under several configurations: whole, with the stream open or
//! ended, and on every prefix, fed at once or read by read, with the stream
//! open, ended or timed out.

use ws_handshake::{Config, Handshake, OriginPolicy, Status, ValidConfig};
use ws_handshake_proptests::harness;
use ws_handshake_proptests::model::{self, End, Expected};

const VALID: &str = "GET /chat HTTP/1.1\r\nHost: example.com\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\
Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";

/// The valid request with `from` replaced by `to` (once).
fn edit(from: &str, to: &str) -> Vec<u8> {
    assert!(VALID.contains(from), "{from}");
    VALID.replacen(from, to, 1).into_bytes()
}

/// The valid request with the field lines `add` appended.
fn add(lines: &str) -> Vec<u8> {
    edit("\r\n\r\n", &format!("\r\n{lines}\r\n\r\n"))
}

fn target(target: &str) -> Vec<u8> {
    edit("/chat", target)
}

fn host(value: &str) -> Vec<u8> {
    edit("Host: example.com", &format!("Host: {value}"))
}

fn requests() -> Vec<Vec<u8>> {
    let mut list: Vec<Vec<u8>> = vec![
        VALID.into(),
        [VALID.as_bytes(), b"\x81\x82\x01\x02\x03\x04hi\n\0"].concat(),
        [&b"\r\n\r\n"[..], VALID.as_bytes()].concat(),
        Vec::new(),
        b"\r".to_vec(),
        b"\r\n\r".to_vec(),
        b"GET / HT".to_vec(),
        b"GET / HTTP/1.1\r".to_vec(),
        b"GET / HTTP/2.0\r".to_vec(),
        b"GET / HTTP/2.0\rX".to_vec(),
        b"GET / HTTP/2.0".to_vec(),
        b"GET / HTTP/1.1\n".to_vec(),
        b"GET / HTTP/1.1\r\nHost: exa".to_vec(),
        b"GET / HTTP/1.1\r\nHost: example.com\r\n".to_vec(),
        b"GET / HTTP/1.1\r\nHost: example.com\r\n\r".to_vec(),
        b"GET / HTTP/1.1\r\nHost: example.com\r\n\r\n".to_vec(),
        b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".to_vec(),
        b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03".to_vec(),
        b"\x00\xff\x13\x37".to_vec(),
        b" GET / HTTP/1.1\r\n\r\n".to_vec(),
        b"\nGET / HTTP/1.1\r\n\r\n".to_vec(),
        b"\r\rGET".to_vec(),
        b"HEAD".to_vec(),
        b"HEAD ".to_vec(),
        b"HEAD\x16".to_vec(),
        b"HEAD  / HTTP/1.1\r\n\r\n".to_vec(),
        b"HEAD / HTTP/3.0\r\n\r\n".to_vec(),
        b"HEAD / HTTP/1.1\r\nX: \x01\r\n\r\n".to_vec(),
        b"HEAD / HTTP/1.1\r\nHost: a\r\n\r\n".to_vec(),
        b"GET /\r\n\r\n".to_vec(),
        b"GET\r\n\r\n".to_vec(),
        b"GET / HTTP/1.1 \r\n\r\n".to_vec(),
        b"GET / HTTP/1.10\r\n\r\n".to_vec(),
        b"GET / HTTP/11\r\n\r\n".to_vec(),
        b"GET / HTTP/1.1\r\n \r\n\r\n".to_vec(),
        b"GET /\x7f HTTP/1.1\r\n\r\n".to_vec(),
        b"GET /\xc3\xa9 HTTP/1.1\r\n\r\n".to_vec(),
        b"G\x7fT / HTTP/1.1\r\n\r\n".to_vec(),
        b"G(T / HTTP/1.1\r\n\r\n".to_vec(),
        b"~!#$%&'*+-.^_`|~ / HTTP/1.1\r\n\r\n".to_vec(),
        edit("GET /chat HTTP/1.1", "GET  /chat HTTP/1.1"),
        edit("GET /chat HTTP/1.1", "GET /chat  HTTP/1.1"),
        edit("GET /chat HTTP/1.1", "GET /chat\tHTTP/1.1"),
        edit("HTTP/1.1", "http/1.1"),
        edit("HTTP/1.1", "HTTP/1.0"),
        edit("HTTP/1.1", "HTTP/1.2"),
        edit("HTTP/1.1", "HTTP/0.9"),
        edit("HTTP/1.1", "HTTP/9.9"),
        edit("GET /chat HTTP/1.1", "POST * HTTP/1.0"),
        edit("GET /chat HTTP/1.1", "POST /chat HTTP/1.1 x"),
        edit("GET ", "POST "),
        edit("GET ", "get "),
        edit("GET ", "HEAD "),
        edit("GET ", "GETS "),
        edit("\r\n\r\n", "\r\n\n"),
        edit("\r\n\r\n", "\r\n\r\r\n"),
        VALID.replace("\r\n", "\n").into_bytes(),
        edit("Host: ", "Host : "),
        edit("Host: ", " Host: "),
        edit("Host: ", "Host:"),
        edit("Host: ", "\tHost: "),
        add("X-A: a\rb"),
        add("X-A: a\0b"),
        add("X-A: a\x7fb"),
        add("X-A: a\x1bb"),
        add("X-A: caf\u{e9}\t"),
        add("X-A:"),
        add(": x"),
        add("X-No-Colon"),
        add("X-A: a\r\n folded"),
        add("X(A): b"),
        add("Sec-WebSocket-Extensions: permessage-deflate"),
        target("ws://example.com/chat"),
        target("WSS://example.com"),
        target("http://example.com?q=1"),
        target("https://example.com:443/a/b?c#d"),
        target("https://[::1]:9001/x"),
        target("ws://[v1.fe:x]/x"),
        target("ws://[V1.fe:x]/x"),
        target("ws://[::1/x"),
        target("ws://example.com:/x"),
        target("ws://example.com:123456/x"),
        target("ws:///x"),
        target("ws://user@example.com/"),
        target("ftp://example.com/"),
        target("*"),
        target("example.com:443"),
        target("/chat#x"),
        target("/%zz"),
        target("/%4"),
        target("/%4a%4A?%20"),
        target("/a?b/c?d"),
        target("//x"),
        target("ws://a%41b/"),
        target("ws://a%4/"),
        host(""),
        host("   "),
        host("user@example.com"),
        host("example.com:80a"),
        host("exa mple.com"),
        host("example.com:"),
        host("example.com:08080"),
        host("example.com:123456"),
        host("[::1]:9001"),
        host("[::ffff:1.2.3.4]"),
        host("[fe80::1%25eth0]"),
        host("[::1]x"),
        host("[v1.x]"),
        host("[v.x]"),
        host("[v1.]"),
        host("[vg.x]"),
        host("::1"),
        host("1.2.3.4:5"),
        host("%41b"),
        host("%g1"),
        host("!$&'()*+,;="),
        host("a_b-c.d~e"),
        host("a/b"),
        host(" \texample.com\t "),
        edit("Host: example.com\r\n", ""),
        add("Host: example.com"),
        add("hOsT: example.com"),
        edit("Host: example.com\r\nUpgrade: websocket\r\n", ""),
        add("Transfer-Encoding: chunked"),
        add("transfer-encoding:"),
        add("Content-Length: 0"),
        add("Content-Length:  0 "),
        add("Content-Length: 00"),
        add("Content-Length: 5"),
        add("Content-Length: 0\r\nContent-Length: 0"),
        add("Content-Length: 0, 0"),
        edit("Upgrade: websocket\r\n", ""),
        edit("Upgrade: websocket", "Upgrade: websockets"),
        edit("Upgrade: websocket", "Upgrade: websocket/13"),
        edit("Upgrade: websocket", "uPGRADE: h2c,, WebSocket ,"),
        edit("Upgrade: websocket", "Upgrade: h2c\r\nUpgrade: websocket"),
        edit("Upgrade: websocket", "Upgrade: web socket"),
        edit("Connection: Upgrade\r\n", ""),
        edit("Connection: Upgrade", "Connection: keep-alive"),
        edit("Connection: Upgrade", "Connection: upgrades"),
        edit("Connection: Upgrade", "connection: keep-alive,\tUPGRADE"),
        edit("Connection: Upgrade", "Connection: keep-alive\r\nConnection: upgrade"),
        edit("Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n", ""),
        edit("dGhlIHNhbXBsZSBub25jZQ==", ""),
        edit("dGhlIHNhbXBsZSBub25jZQ==", "dGhlIHNhbXBsZSBub25jZQ"),
        edit("dGhlIHNhbXBsZSBub25jZQ==", "dGhlIHNhbXBsZSBub25j-_=="),
        edit("dGhlIHNhbXBsZSBub25jZQ==", "AAAAAAAAAAAAAAAAAAAA"),
        edit("dGhlIHNhbXBsZSBub25jZQ==", "AAAAAAAAAAAAAAAAAAAAAB=="),
        edit("dGhlIHNhbXBsZSBub25jZQ==", "++++++++++++++++++++//=="),
        edit("dGhlIHNhbXBsZSBub25jZQ==", "\tdGhlIHNhbXBsZSBub25jZQ== "),
        edit("dGhlIHNhbXBsZSBub25jZQ==", "dGhlIHNhbXBsZSBub25jZQ=="),
        add("Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ=="),
        edit("Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n", ""),
        edit("Sec-WebSocket-Version: 13\r\n", ""),
        edit("Version: 13", "Version: 8"),
        edit("Version: 13", "Version: 13, 8"),
        edit("Version: 13", "Version: 013"),
        edit("Version: 13", "Version: \t13 "),
        add("Sec-WebSocket-Version: 13"),
        add("Origin: http://example.com"),
        add("Origin: http://EXAMPLE.com"),
        add("Origin: x+y.z://example.com"),
        add("Origin: ws://example.com:"),
        add("Origin: http://example.com:80"),
        add("Origin: http://example.com/"),
        add("Origin: http://evil.example"),
        add("Origin: //example.com"),
        add("Origin: 1http://example.com"),
        add("Origin: null"),
        add("Origin: "),
        add("Origin: https://app.example"),
        add("Origin: HTTPS://APP.example"),
        add("Origin: http://example.com\r\nOrigin: http://example.com"),
        add("Origin: null\r\nOrigin: http://a.example"),
        [host("example.com:8080"), b"Origin: http://example.com:8080\r\n\r\n".to_vec()].concat(),
        [host("[::1]:9001"), b"Origin: http://[::1]:9001\r\n\r\n".to_vec()].concat(),
        add("Sec-WebSocket-Protocol: chat"),
        add("Sec-WebSocket-Protocol: v2, superchat\r\nSec-WebSocket-Protocol: chat"),
        add("Sec-WebSocket-Protocol: Chat, mqtt"),
        add("Sec-WebSocket-Protocol: chat, , superchat"),
        add("Sec-WebSocket-Protocol: chat,"),
        add("Sec-WebSocket-Protocol: "),
        add("Sec-WebSocket-Protocol: a/b"),
        add("Sec-WebSocket-Protocol: \tsuperchat ,chat"),
        add("Upgrade:"),
        host("a:+1"),
        [host("example.com:"), b"Origin: http://example.com\r\n\r\n".to_vec()].concat(),
        [host("example.com"), b"Origin: http://example.com:\r\n\r\n".to_vec()].concat(),
        add("Origin: http://example.com?x"),
        add("Origin: http://u@example.com"),
        add("Origin: HTTP://example.com"),
        b"GET / HTTP/1.1\r\nX-No-Colon\r".to_vec(),
        b"GET / HTTP/1.1\r\nX-A:\r".to_vec(),
        add(&format!("X-Pad: {}", "a".repeat(300))),
        add(&(0..70).map(|i| format!("X-F{i}: v")).collect::<Vec<_>>().join("\r\n")),
        add(&format!("X-Flood: {}", "a".repeat(9000))),
    ];
    // The head cut short at the limit, with and without a syntax error after it.
    let mut nul_late = add(&format!("X-Pad: {}", "a".repeat(8200)));
    nul_late[8190] = 0;
    list.push(nul_late.clone());
    nul_late[8190] = b'a';
    nul_late[8200] = 0;
    list.push(nul_late);
    list
}

fn configs() -> Vec<(&'static str, ValidConfig<'static>)> {
    let configs = vec![
        ("default", Config::default()),
        ("small", Config { max_head_len: 120, max_headers: 4, ..Config::default() }),
        ("exact", Config { max_head_len: VALID.len(), max_headers: 5, ..Config::default() }),
        ("one short", Config { max_head_len: VALID.len() - 1, max_headers: 0, ..Config::default() }),
        ("allow", Config { origin: OriginPolicy::AllowList(&["https://app.example"]), ..Config::default() }),
        ("any", Config { origin: OriginPolicy::Any, protocols: &["chat", "superchat"], ..Config::default() }),
    ];
    configs.into_iter().map(|(name, config)| (name, config.validate().expect("a valid configuration"))).collect()
}

/// What the core does with `bytes` fed to a fresh handshake at once.
fn core(config: &ValidConfig<'_>, bytes: &[u8], end: End) -> Expected {
    harness::run(config, bytes, &[], end).outcome
}

#[test]
fn model_and_core_agree() {
    let mut disagreements = Vec::new();
    let mut cases = 0;
    for bytes in requests() {
        for (name, config) in configs() {
            for end in [End::Open, End::Eof] {
                cases += 1;
                let (model, core) = (model::expect(&config, &bytes, end), core(&config, &bytes, end));
                if model != core {
                    let shown = String::from_utf8_lossy(&bytes[..bytes.len().min(300)]).into_owned();
                    disagreements.push(format!("{name} {end:?} {shown:?}\n  model {model:?}\n  core  {core:?}"));
                }
            }
        }
    }
    assert!(cases > 1000, "{cases} cases");
    assert!(disagreements.is_empty(), "{} disagreements:\n{}", disagreements.len(), disagreements.join("\n"));
}

#[test]
fn model_and_core_agree_on_every_prefix() {
    let mut disagreements = Vec::new();
    for bytes in requests() {
        for (name, config) in configs() {
            // One handshake read by read, one byte more each time, until it answers.
            let mut buf = vec![0; config.max_head_len];
            let mut reading = Some(Handshake::new(&config, &mut buf).expect("a buffer of max_head_len"));
            for len in 0..=bytes.len().min(400) {
                let prefix = &bytes[..len];
                let mut answers = Vec::new();
                for end in [End::Open, End::Eof, End::Deadline] {
                    answers.push((format!("{end:?}"), model::expect(&config, prefix, end), core(&config, prefix, end)));
                }
                if let Some(mut handshake) = reading.take_if(|_| len > 0) {
                    handshake.unfilled()[0] = bytes[len - 1];
                    let read = match handshake.filled(1) {
                        Status::NeedMore => {
                            reading = Some(handshake);
                            Expected::NeedMore
                        }
                        Status::Decided => harness::outcome(&handshake.into_progress()),
                    };
                    answers.push(("read by read".into(), model::expect(&config, prefix, End::Open), read));
                }
                for (how, model, core) in answers {
                    if model != core {
                        let shown = String::from_utf8_lossy(prefix).into_owned();
                        disagreements.push(format!("{name} {how} {shown:?}\n  model {model:?}\n  core  {core:?}"));
                    }
                }
            }
        }
    }
    disagreements.truncate(20);
    assert!(disagreements.is_empty(), "disagreements:\n{}", disagreements.join("\n"));
}
