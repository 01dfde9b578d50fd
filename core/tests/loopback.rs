//! Both echo server examples, tokio's and the blocking one, their own code
//! included below, on 127.0.0.1 with real clients over real sockets. Every
//! test runs against both.
//!
//! `rules.rs` proves which bytes each response holds; only a kernel shows
//! whether they arrive. Here a frame sent in the same TCP segment as the head
//! must survive the handshake, and every rejection must reach the client
//! whole and be followed by a clean end-of-stream (a FIN, `read` returning
//! `Ok(0)`), never by a reset (an RST, `ConnectionReset`), which the kernel
//! sends when a socket closes with unread input and which can destroy a
//! response the client has not read yet. The 2 MiB header flood is the case
//! where peers lose their 431 that way.
//!
//! Every socket has read and write timeouts and every loop is bounded, so a
//! broken server fails a test instead of hanging it. Each test starts its
//! own servers, left running when the test ends.

#[path = "../examples/echo_server_blocking/server.rs"]
mod blocking_server;
#[path = "../examples/echo_server/server.rs"]
mod server;
#[path = "../examples/common/settings.rs"]
mod settings;
#[path = "../examples/echo_server/tls.rs"]
mod tls;

mod common;

use common::{KEY, get, request};
use std::io::{ErrorKind, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::{OnceLock, mpsc};
use std::thread;
use std::time::{Duration, Instant};

use settings::Settings;
use tungstenite::Message;
use ws_handshake::blocking::Options;
use ws_handshake::delivery::Limits;
use ws_handshake::{Rule, ValidConfig, accept_key};

/// How long one read or write on a test socket may block.
const IO_TIMEOUT: Duration = Duration::from_secs(5);
/// The most bytes a test reads from one connection.
const MAX_RECEIVED: usize = 1 << 20;

/// The echo servers' defaults: every path, the contract's configuration.
fn defaults() -> Settings {
    Settings::default()
}

/// Starts both echo servers with `settings`, each on an ephemeral loopback
/// port, and returns their names and addresses.
fn start(settings: Settings) -> [(&'static str, SocketAddr); 2] {
    let settings: &'static Settings = Box::leak(Box::new(settings));
    let (tokio_addr, _) = start_tokio(settings, None, std::future::pending());
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1:0");
    let blocking_addr = listener.local_addr().expect("local address");
    thread::spawn(move || blocking_server::serve(listener, settings, 64));
    [("tokio", tokio_addr), ("blocking", blocking_addr)]
}

/// Starts the tokio echo server, serving TLS with `tls`, which shuts down
/// when `shutdown` resolves; returns its address and a channel that receives
/// once `serve` returned.
fn start_tokio(
    settings: &'static Settings,
    tls: Option<tokio_rustls::TlsAcceptor>,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> (SocketAddr, mpsc::Receiver<()>) {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1:0");
    let addr = listener.local_addr().expect("local address");
    let (done, returned) = mpsc::channel();
    thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build();
        let runtime = runtime.expect("a tokio runtime");
        runtime.block_on(async {
            listener.set_nonblocking(true).expect("a non-blocking listener");
            let listener = tokio::net::TcpListener::from_std(listener).expect("a tokio listener");
            server::serve(listener, settings, 64, tls, shutdown).await;
        });
        let _ = done.send(());
    });
    (addr, returned)
}

/// A connection to `addr` whose reads and writes time out.
fn connect(addr: SocketAddr) -> TcpStream {
    let stream = TcpStream::connect(addr).expect("connect");
    stream.set_read_timeout(Some(IO_TIMEOUT)).and(stream.set_write_timeout(Some(IO_TIMEOUT))).expect("socket timeouts");
    stream
}

/// A client frame: FIN set, `opcode`, masked as RFC 6455 section 5.3 says.
fn masked_frame(opcode: u8, payload: &[u8]) -> Vec<u8> {
    let len = u8::try_from(payload.len()).expect("a short payload");
    assert!(len < 126, "a short payload");
    let mask = [0x37, 0xfa, 0x21, 0x3d];
    let mut frame = vec![0x80 | opcode, 0x80 | len];
    frame.extend_from_slice(&mask);
    frame.extend(payload.iter().zip(mask.iter().cycle()).map(|(b, m)| b ^ m));
    frame
}

/// Reads into `received` until `enough` holds for it or the stream ends, and
/// says whether it ended. A reset, a timeout or more than [`MAX_RECEIVED`]
/// bytes fail the test, showing what had arrived.
fn read_until(stream: &mut TcpStream, received: &mut Vec<u8>, enough: impl Fn(&[u8]) -> bool) -> bool {
    let mut chunk = [0; 16 * 1024];
    while !enough(received) {
        assert!(received.len() <= MAX_RECEIVED, "more than {MAX_RECEIVED} bytes and no end");
        match stream.read(&mut chunk) {
            Ok(0) => return true,
            Ok(n) => received.extend_from_slice(&chunk[..n]),
            Err(e) if e.kind() == ErrorKind::Interrupted => {}
            Err(e) => {
                let what = match e.kind() {
                    ErrorKind::ConnectionReset => "reset by the server",
                    ErrorKind::WouldBlock | ErrorKind::TimedOut => "no end-of-stream in time",
                    _ => "read failed",
                };
                panic!("{what} ({e}) after {} bytes: {:?}", received.len(), String::from_utf8_lossy(received));
            }
        }
    }
    false
}

/// Where the head in `bytes` ends: just past its blank line.
fn head_end(bytes: &[u8]) -> Option<usize> {
    bytes.windows(4).position(|w| w == b"\r\n\r\n").map(|i| i + 4)
}

/// A response as received: status line, fields in order, and what followed
/// the head.
#[derive(Debug)]
struct Response {
    status_line: String,
    fields: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Response {
    fn parse(bytes: &[u8]) -> Response {
        let end = head_end(bytes)
            .unwrap_or_else(|| panic!("no complete response head in {:?}", String::from_utf8_lossy(bytes)));
        let head = std::str::from_utf8(&bytes[..end - 4]).expect("an ASCII head");
        let mut lines = head.split("\r\n");
        let status_line = lines.next().unwrap_or_default().to_owned();
        let fields = lines
            .map(|line| {
                let (name, value) = line.split_once(": ").expect("a `name: value` line");
                (name.to_owned(), value.to_owned())
            })
            .collect();
        Response { status_line, fields, body: bytes[end..].to_vec() }
    }

    /// The value of the field `name`, which must not appear twice.
    fn field(&self, name: &str) -> Option<&str> {
        let mut values =
            self.fields.iter().filter(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, value)| value.as_str());
        let value = values.next();
        assert_eq!(values.next(), None, "{name} twice in {self:?}");
        value
    }
}

/// Reads a whole response up to the end-of-stream.
fn read_response(stream: &mut TcpStream) -> Response {
    let mut received = Vec::new();
    read_until(stream, &mut received, |_| false);
    Response::parse(&received)
}

/// Sends `bytes` on a fresh connection, half-closes if `end_of_stream`, and
/// reads the response to the end-of-stream.
/// The end-of-stream must follow the response at once: the server
/// half-closes right after it, long before its linger time runs out.
fn exchange(addr: SocketAddr, bytes: &[u8], end_of_stream: bool) -> Response {
    let mut stream = connect(addr);
    let sent = Instant::now();
    stream.write_all(bytes).expect("write the request");
    if end_of_stream {
        stream.shutdown(Shutdown::Write).expect("half-close");
    }
    let response = read_response(&mut stream);
    let linger = Limits::default().linger_time;
    assert!(sent.elapsed() < linger / 2, "end-of-stream {:?} after the request", sent.elapsed());
    response
}

/// The rule with contract number `number`.
fn rule(number: &str) -> Rule {
    *Rule::ALL.iter().find(|rule| rule.number() == number).unwrap_or_else(|| panic!("no rule {number}"))
}

/// Checks a rejection: exactly `status_line`, `Connection: close`, the
/// `extra` lines, and the rule's sentence as a body whose length is the
/// `Content-Length`, or, after a HEAD, neither body nor `Content-Length`.
fn assert_rejected(
    what: &str,
    response: &Response,
    status_line: &str,
    number: &str,
    extra: &[&str],
    head_request: bool,
) {
    assert_eq!(response.status_line, status_line, "{what}: {response:?}");
    assert_eq!(response.field("Connection"), Some("close"), "{what}: {response:?}");
    for line in extra {
        let (name, value) = line.split_once(": ").expect("a `name: value` line");
        assert_eq!(response.field(name), Some(value), "{what}: {response:?}");
    }
    let content_length = response.field("Content-Length");
    if head_request {
        assert_eq!(content_length, None, "{what}: {response:?}");
        assert!(response.body.is_empty(), "{what}: a body after HEAD");
    } else {
        let length: usize = content_length
            .unwrap_or_else(|| panic!("{what}: no Content-Length in {response:?}"))
            .parse()
            .expect("a decimal Content-Length");
        assert_eq!(length, response.body.len(), "{what}: {response:?}");
        assert_eq!(response.body, rule(number).body().as_bytes(), "{what}: body");
    }
}

#[test]
fn paths_not_served_get_404() {
    for (server, addr) in start(Settings { paths: &["/chat"], ..defaults() }) {
        eprintln!("against the {server} server");
        let response = exchange(addr, &request("GET /other HTTP/1.1", &[], &[]), false);
        assert_eq!(response.status_line, "HTTP/1.1 404 Not Found", "{response:?}");
        assert_eq!(response.field("Connection"), Some("close"), "{response:?}");
        let body = "No WebSocket is served at this path.\n";
        assert_eq!(response.field("Content-Length"), Some(body.len().to_string().as_str()), "{response:?}");
        assert_eq!(response.body, body.as_bytes(), "{response:?}");

        let (mut socket, response) =
            tungstenite::client::client(format!("ws://{addr}/chat?x=1"), connect(addr)).expect("/chat is served");
        assert_eq!(response.status(), 101);
        socket.send(Message::text("still echoed")).expect("send");
        assert_eq!(socket.read().expect("the echo"), Message::text("still echoed"));
    }
}

#[test]
fn tungstenite_client_echoes() {
    for (server, addr) in start(defaults()) {
        eprintln!("against the {server} server");
        let (mut socket, response) =
            tungstenite::client::client(format!("ws://{addr}/chat"), connect(addr)).expect("the handshake succeeds");
        assert_eq!(response.status(), 101);
        for message in [Message::text("hello over loopback"), Message::binary(vec![0u8, 1, 2, 0x7f, 0x80, 0xfe, 0xff])]
        {
            socket.send(message.clone()).expect("send");
            assert_eq!(socket.read().expect("the echo"), message);
        }
        socket.close(None).expect("start the closing handshake");
        let mut closed = false;
        for _ in 0..4 {
            match socket.read() {
                Ok(Message::Close(_)) => {}
                Err(tungstenite::Error::ConnectionClosed) => {
                    closed = true;
                    break;
                }
                other => panic!("while closing: {other:?}"),
            }
        }
        assert!(closed, "the closing handshake did not complete");
        assert_eq!(socket.get_mut().read(&mut [0; 1]).map_err(|e| e.kind()), Ok(0));
    }
}

#[test]
fn frame_in_same_segment_as_head_is_echoed() {
    for (server, addr) in start(defaults()) {
        eprintln!("against the {server} server");
        let mut stream = connect(addr);
        stream.set_nodelay(true).expect("nodelay");
        let payload = b"sent with the head";
        let bytes = [get(&[], &[]), masked_frame(0x1, payload)].concat();
        stream.write_all(&bytes).expect("one write: head and frame");

        let echo_len = 2 + payload.len();
        let mut received = Vec::new();
        read_until(&mut stream, &mut received, |r| head_end(r).is_some_and(|end| r.len() >= end + echo_len));
        let response = Response::parse(&received);
        assert_eq!(response.status_line, "HTTP/1.1 101 Switching Protocols");
        let accept = accept_key(KEY.as_bytes());
        assert_eq!(response.field("Sec-WebSocket-Accept").map(str::as_bytes), Some(&accept[..]));
        let echo = [&[0x81, payload.len() as u8][..], payload].concat();
        assert_eq!(response.body, echo, "the echo, unmasked, and nothing else");

        // Close with 1000: the server answers with the same code, then a FIN.
        stream.write_all(&masked_frame(0x8, &[0x03, 0xe8])).expect("send close");
        let mut received = Vec::new();
        assert!(read_until(&mut stream, &mut received, |_| false));
        assert_eq!(received, [0x88, 0x02, 0x03, 0xe8]);
    }
}

#[test]
fn plain_http_get_gets_400() {
    for (server, addr) in start(defaults()) {
        eprintln!("against the {server} server");
        let url = format!("http://{addr}/chat");
        let agent = |status_as_error| {
            ureq::Agent::config_builder()
                .timeout_global(Some(IO_TIMEOUT))
                .http_status_as_error(status_as_error)
                .build()
                .new_agent()
        };
        match agent(true).get(&url).call() {
            Err(ureq::Error::StatusCode(400)) => {}
            other => panic!("expected status 400, got {other:?}"),
        }
        let mut response = agent(false).get(&url).call().expect("a response");
        assert_eq!(response.status(), 400);
        let header = |name| response.headers().get(name).and_then(|v| v.to_str().ok());
        assert_eq!(header("connection"), Some("close"));
        let body = response.body_mut().read_to_string().expect("the body");
        assert_eq!(body, rule("8").body());

        // The same over a raw socket: the framing ureq does not show.
        let plain = format!("GET /chat HTTP/1.1\r\nHost: {addr}\r\nAccept: */*\r\n\r\n");
        let response = exchange(addr, plain.as_bytes(), false);
        assert_rejected("plain GET", &response, "HTTP/1.1 400 Bad Request", "8", &[], false);
    }
}

#[test]
fn header_flood_gets_complete_431_and_clean_eof() {
    const FLOOD: usize = 2 << 20;
    for (server, addr) in start(defaults()) {
        eprintln!("against the {server} server");
        let mut flood = b"GET /chat HTTP/1.1\r\nHost: example.com\r\nX-Flood: ".to_vec();
        flood.resize(flood.len() + FLOOD, b'a');
        flood.extend_from_slice(b"\r\n\r\n");
        for round in 1..=3 {
            let mut stream = connect(addr);
            let mut writer = stream.try_clone().expect("clone the stream");
            let bytes = flood.clone();
            // The server answers after 8 KiB, while this thread is still writing.
            let writing =
                thread::spawn(move || writer.write_all(&bytes).and_then(|()| writer.shutdown(Shutdown::Write)));
            let response = read_response(&mut stream);
            let written = writing.join().expect("the writer thread");
            written.unwrap_or_else(|e| panic!("round {round}: writing the 2 MiB and half-closing failed: {e}"));
            assert_rejected(
                &format!("flood round {round}"),
                &response,
                "HTTP/1.1 431 Request Header Fields Too Large",
                "2",
                &[],
                false,
            );
            // Both sides closed: still a clean end, no late reset.
            assert_eq!(stream.read(&mut [0; 1]).map_err(|e| e.kind()), Ok(0), "round {round}");
        }
    }
}

#[test]
fn stalled_client_gets_408() {
    let mut settings = defaults();
    settings.limits.handshake_timeout = Duration::from_secs(1);
    for (server, addr) in start(settings) {
        eprintln!("against the {server} server");
        let mut stream = connect(addr);
        let started = Instant::now();
        stream.write_all(b"GET /chat HTTP/1.1\r\nHost: exa").expect("half a head");
        let response = read_response(&mut stream);
        let elapsed = started.elapsed();
        assert_rejected("stall", &response, "HTTP/1.1 408 Request Timeout", "15", &[], false);
        assert!(
            elapsed >= Duration::from_millis(900) && elapsed <= Duration::from_secs(3),
            "answered after {elapsed:?}"
        );
    }
}

/// One malformed request of the rejection table.
struct Case {
    name: &'static str,
    bytes: Vec<u8>,
    /// Half-close after the bytes.
    end_of_stream: bool,
    status_line: &'static str,
    rule: &'static str,
    extra: &'static [&'static str],
}

fn case(name: &'static str, bytes: impl Into<Vec<u8>>, status: &'static str, rule: &'static str) -> Case {
    Case { name, bytes: bytes.into(), end_of_stream: false, status_line: status, rule, extra: &[] }
}

const BAD_REQUEST: &str = "HTTP/1.1 400 Bad Request";

fn cases() -> Vec<Case> {
    // The start of a TLS 1.2 ClientHello record.
    let mut client_hello = vec![0x16, 0x03, 0x01, 0x00, 0xa5, 0x01, 0x00, 0x00, 0xa1, 0x03, 0x03];
    client_hello.extend((0..32).map(|i| i * 7));
    let ended = |mut case: Case| {
        case.end_of_stream = true;
        case
    };
    let with = |extra, mut case: Case| {
        case.extra = extra;
        case
    };
    vec![
        case("TLS ClientHello", client_hello, BAD_REQUEST, "1"),
        case(
            "HTTP/2 preface",
            &b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"[..],
            "HTTP/1.1 505 HTTP Version Not Supported",
            "1b",
        ),
        case("NUL in a field value", get(&[], &["X-Bad: a\0b"]), BAD_REQUEST, "1"),
        case("obs-fold", get(&[], &["X-Folded: a", " b"]), BAD_REQUEST, "1"),
        case(
            "a 16 KiB field",
            get(&[], &[&format!("X-Big: {}", "b".repeat(16 * 1024))]),
            "HTTP/1.1 431 Request Header Fields Too Large",
            "2",
        ),
        case("HTTP/1.0", request("GET /chat HTTP/1.0", &[], &[]), BAD_REQUEST, "3"),
        with(
            &["Allow: GET"],
            case("POST", request("POST /chat HTTP/1.1", &[], &[]), "HTTP/1.1 405 Method Not Allowed", "4"),
        ),
        with(
            &["Allow: GET"],
            case("HEAD", request("HEAD /chat HTTP/1.1", &[], &[]), "HTTP/1.1 405 Method Not Allowed", "4"),
        ),
        case("asterisk target", request("GET * HTTP/1.1", &[], &[]), BAD_REQUEST, "5"),
        case("missing Host", request("GET /chat HTTP/1.1", &["Host"], &[]), BAD_REQUEST, "6"),
        case("two Hosts", get(&[], &["Host: example.org"]), BAD_REQUEST, "6"),
        case(
            "Content-Length: 5 and a body",
            [get(&[], &["Content-Length: 5"]), b"hello".to_vec()].concat(),
            BAD_REQUEST,
            "7",
        ),
        case(
            "chunked",
            [get(&[], &["Transfer-Encoding: chunked"]), b"5\r\nhello\r\n0\r\n\r\n".to_vec()].concat(),
            BAD_REQUEST,
            "7",
        ),
        case(
            "Connection: keep-alive",
            request("GET /chat HTTP/1.1", &["Connection"], &["Connection: keep-alive"]),
            BAD_REQUEST,
            "9",
        ),
        case("missing key", request("GET /chat HTTP/1.1", &["Sec-WebSocket-Key"], &[]), BAD_REQUEST, "10"),
        case(
            "short key",
            request("GET /chat HTTP/1.1", &["Sec-WebSocket-Key"], &["Sec-WebSocket-Key: c2hvcnQ="]),
            BAD_REQUEST,
            "10",
        ),
        with(
            &["Sec-WebSocket-Version: 13", "Upgrade: websocket"],
            case(
                "version 8",
                request("GET /chat HTTP/1.1", &["Sec-WebSocket-Version"], &["Sec-WebSocket-Version: 8"]),
                "HTTP/1.1 426 Upgrade Required",
                "11",
            ),
        ),
        case("foreign origin", get(&[], &["Origin: https://evil.example"]), "HTTP/1.1 403 Forbidden", "12b"),
        ended(case("nothing, then end of stream", Vec::new(), BAD_REQUEST, "14")),
        ended(case("half a head, then end of stream", &b"GET /chat HTTP/1.1\r\nHost: exa"[..], BAD_REQUEST, "14")),
    ]
}

#[test]
fn rejections_are_framed_and_end_in_fin() {
    for (server, addr) in start(defaults()) {
        eprintln!("against the {server} server");
        for case in cases() {
            let response = exchange(addr, &case.bytes, case.end_of_stream);
            assert_rejected(
                case.name,
                &response,
                case.status_line,
                case.rule,
                case.extra,
                case.bytes.starts_with(b"HEAD "),
            );
        }
    }
}

/// On a real socket, the driver hands the stream back with the read timeout
/// the caller had set, after using its own for the deadline.
#[test]
fn the_callers_read_timeout_survives_the_driver() {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1:0");
    let addr = listener.local_addr().expect("local address");
    let client = thread::spawn(move || {
        let mut stream = connect(addr);
        stream.write_all(&get(&[], &[])).expect("the request");
        let mut received = Vec::new();
        read_until(&mut stream, &mut received, |r| head_end(r).is_some());
    });
    let (stream, _) = listener.accept().expect("accept");
    stream.set_read_timeout(Some(Duration::from_millis(4321))).expect("set the caller's timeout");
    // The kernel rounds it to its clock's ticks: compare with what it keeps.
    let caller = stream.read_timeout().expect("read the timeout");
    let config = ValidConfig::default();
    let mut head = [0; 8192];
    let upgraded = ws_handshake::blocking::accept(stream, &config, &Options::default(), &mut head).expect("accepted");
    assert_eq!(upgraded.stream.read_timeout().expect("read the timeout"), caller);
    client.join().expect("the client");
}

/// The folder the Python and Node clients are installed in, by
/// `tests/peers/install.sh` on first use.
fn peers() -> &'static Path {
    static PEERS: OnceLock<PathBuf> = OnceLock::new();
    PEERS.get_or_init(|| {
        let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("peers");
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/peers/install.sh");
        let status = Command::new("bash").arg(script).arg(&dir).status().expect("run tests/peers/install.sh");
        assert!(status.success(), "installing the Python and Node clients failed: {status}");
        dir
    })
}

/// Runs `command` to its end, for at most 20 s: whether it succeeded, and
/// what it printed.
fn run_bounded(mut command: Command, what: &str) -> (bool, String) {
    let mut child =
        command.stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap_or_else(|e| panic!("start {what}: {e}"));
    let started = Instant::now();
    while child.try_wait().expect("wait for the child").is_none() {
        if started.elapsed() > Duration::from_secs(20) {
            let _ = child.kill();
            panic!("{what}: no end in 20 s");
        }
        thread::sleep(Duration::from_millis(20));
    }
    let output = child.wait_with_output().expect("the child's output");
    let shown = format!("{}{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr));
    (output.status.success(), shown)
}

/// Runs a client script against both echo servers; each must print `ok`
/// and exit 0.
fn client_echoes(program: &str, script: &str, env: (&str, PathBuf)) {
    for (server, addr) in start(defaults()) {
        client_prints_ok(program, script, &[format!("ws://{addr}/chat")], &env, &format!("the {server} server"));
    }
}

/// Runs the client script `script` of `tests/peers/` with `args`; it must
/// print `ok` and exit 0 (`against` names the server in a failure).
fn client_prints_ok(program: &str, script: &str, args: &[String], env: &(&str, PathBuf), against: &str) {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/peers").join(script);
    let mut command = Command::new(program);
    command.arg(&script).args(args).env(env.0, &env.1);
    let (succeeded, shown) = run_bounded(command, &format!("{script:?} against {against}"));
    assert!(succeeded && shown.trim() == "ok", "{script:?} against {against}: {shown}");
}

/// `corpus/replay.py`, Python's standard library and `corpus/manifest.json`
/// alone, finds every named case answered with exactly the manifest's status
/// by both servers: the corpus checks a server without any Rust.
#[test]
fn the_manifest_replayed_in_python_is_exact() {
    let mut settings = defaults();
    settings.limits.handshake_timeout = Duration::from_secs(1);
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../corpus/replay.py");
    for (server, addr) in start(settings) {
        let mut command = Command::new("python3");
        command.arg(&script).arg(addr.to_string()).args(["--stall", "3", "--exact"]);
        let (succeeded, shown) = run_bounded(command, &format!("corpus/replay.py against the {server} server"));
        assert!(succeeded, "corpus/replay.py against the {server} server:\n{shown}");
    }
}

#[test]
fn python_websockets_client_echoes() {
    client_echoes("python3", "echo_client.py", ("PYTHONPATH", peers().join("python")));
}

#[test]
fn node_ws_client_echoes() {
    client_echoes("node", "echo_client.js", ("NODE_PATH", peers().join("node/node_modules")));
}

/// A shutdown (what SIGINT and SIGTERM trigger) stops the tokio server from
/// accepting, yet a handshake in flight still gets its answer, here the 408
/// at the deadline, and an open WebSocket a close with 1001 (going away);
/// then `serve` returns.
#[test]
fn shutdown_delivers_what_is_in_flight() {
    let mut settings = defaults();
    settings.limits.handshake_timeout = Duration::from_secs(1);
    let (stop, stopping) = tokio::sync::oneshot::channel::<()>();
    let (addr, returned) = start_tokio(Box::leak(Box::new(settings)), None, async {
        let _ = stopping.await;
    });
    let mut stalled = connect(addr);
    let started = Instant::now();
    stalled.write_all(b"GET /chat HTTP/1.1\r\nHost: exa").expect("half a head");
    let (mut open, _) = tungstenite::client::client(format!("ws://{addr}/chat"), connect(addr)).expect("upgraded");
    stop.send(()).expect("the server is running");

    match open.read() {
        Ok(Message::Close(Some(frame))) => assert_eq!(u16::from(frame.code), 1001, "{frame:?}"),
        other => panic!("expected a close with 1001, got {other:?}"),
    }
    let response = read_response(&mut stalled);
    assert_rejected("stalled during the shutdown", &response, "HTTP/1.1 408 Request Timeout", "15", &[], false);
    assert!(started.elapsed() >= Duration::from_millis(900), "answered after {:?}", started.elapsed());
    returned.recv_timeout(Duration::from_secs(10)).expect("serve returns once every connection ended");
    assert!(TcpStream::connect(addr).is_err(), "still accepting after the shutdown");
}

/// The tokio echo server with `--tls-cert` and `--tls-key` for a
/// certificate of 127.0.0.1 made here, loaded from its PEM files as the
/// server's command line loads them; returns its address and the
/// certificate's file, for a client to trust. `test` names the folder the
/// files go to, one per test, since tests run at once.
fn start_tls(test: &str) -> (SocketAddr, PathBuf) {
    let made = rcgen::generate_simple_self_signed(vec!["127.0.0.1".to_owned()]).expect("a certificate");
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("tls-{test}"));
    std::fs::create_dir_all(&dir).expect("a folder for the certificate");
    let (cert, key) = (dir.join("cert.pem"), dir.join("key.pem"));
    std::fs::write(&cert, made.cert.pem()).expect("write the certificate");
    std::fs::write(&key, made.signing_key.serialize_pem()).expect("write the key");
    let acceptor = tls::acceptor(&cert, &key).expect("the certificate and key load");
    let (addr, _) = start_tokio(Box::leak(Box::new(defaults())), Some(acceptor), std::future::pending());
    (addr, cert)
}

/// Python's websockets over `wss://`, trusting the certificate, gets its
/// text and binary messages echoed through TLS.
#[test]
fn python_websockets_client_echoes_over_tls() {
    let (addr, cert) = start_tls("wss-echo");
    let args = [format!("wss://{addr}/chat"), cert.display().to_string()];
    let env = ("PYTHONPATH", peers().join("python"));
    client_prints_ok("python3", "echo_client.py", &args, &env, "the tokio server over TLS");
}

/// A plain-text handshake sent to the TLS port gets what rustls answers to
/// bytes that are no TLS record, then the end of the connection, well
/// within the read timeout: never a 101, never a hang.
#[test]
fn plain_text_to_the_tls_port_ends_without_a_hang() {
    let (addr, _) = start_tls("plain-text");
    let mut stream = connect(addr);
    stream.write_all(&get(&[], &[])).expect("a plain-text handshake");
    let started = Instant::now();
    let mut received = Vec::new();
    let ended = loop {
        let mut buf = [0; 4096];
        match stream.read(&mut buf) {
            Ok(0) => break "end of stream",
            Ok(n) if received.len() + n <= MAX_RECEIVED => received.extend_from_slice(&buf[..n]),
            Ok(_) => panic!("more than {MAX_RECEIVED} bytes"),
            Err(e) if e.kind() == ErrorKind::ConnectionReset => break "reset",
            Err(e) => panic!("after {:?} and {} bytes: {e}", started.elapsed(), received.len()),
        }
    };
    assert!(started.elapsed() < IO_TIMEOUT, "ended ({ended}) after {:?}", started.elapsed());
    assert!(!received.starts_with(b"HTTP/1.1 101"), "a 101 to a plain-text request: {received:?}");
    // A TLS alert record (content type 21) or nothing at all.
    assert!(received.is_empty() || received[0] == 21, "{ended} after {received:?}");
}
