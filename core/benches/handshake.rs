//! What the core costs, beside the floor and a peer, in one run:
//!
//! - `accept/chrome`: Chrome's handshake end to end (parse, validate, key,
//!   write the 101);
//! - `reject/*`: 512 bytes of binary garbage, a request missing its key,
//!   a request with version 8 (the 426 path), each with its response;
//! - `floor/*`: httparse alone parsing Chrome's request, and the accept key
//!   of its key alone: the crate's own `accept_key` (`accept-key`, what
//!   `accept/chrome` computes) and the plain hasher (`sha1-base64`);
//! - `tungstenite/accept`: tungstenite's server handshake on the same
//!   request over an in-memory stream;
//! - `feed/*`: Chrome's request and an 8 KiB head of 64 fields, taken at
//!   once and byte by byte (the decision only, no response).
//!
//! The request bytes are in the head buffer before the clock runs: what is
//! timed is the handshake, not the reads that fill its buffer.
//!
//! `cargo xtask bench` runs it and prints the medians and their ratios.

use std::hint::black_box;
use std::io::{self, Read, Write};

use base64::Engine as _;
use criterion::{Criterion, criterion_group, criterion_main};
use sha1::{Digest as _, Sha1};
use ws_handshake::{Handshake, MAX_RESPONSE_LEN, Progress, Status, ValidConfig, accept_key};

/// Chrome 131's opening handshake (the project's benchmark input).
const CHROME: &[u8] = include_bytes!("data/chrome-handshake.http");

/// Puts `bytes` at the start of `buf`, as reads would. A handshake never
/// writes to its buffer, so they stay there for every iteration, and the
/// benchmarks time the handshake, not the reads (as they did when the
/// caller owned the buffer).
fn put<'b>(buf: &'b mut [u8], bytes: &[u8]) -> &'b mut [u8] {
    buf[..bytes.len()].copy_from_slice(bytes);
    buf
}

/// Takes the `bytes` already in `buf` (see [`put`]) into a fresh handshake
/// `chunk` at a time until it decides, and returns its progress.
fn decide<'a>(config: &'a ValidConfig<'a>, buf: &'a mut [u8], bytes: &[u8], chunk: usize) -> Progress<'a> {
    let mut handshake = Handshake::new(config, buf).expect("a buffer of max_head_len");
    let mut taken = 0;
    while taken < bytes.len() {
        let n = chunk.min(bytes.len() - taken);
        taken += n;
        if handshake.filled(n) == Status::Decided {
            break;
        }
    }
    handshake.into_progress()
}

/// Takes `bytes` at once and writes the response the defaults give into
/// `out`, a buffer of `MAX_RESPONSE_LEN` bytes that, like the head buffer,
/// a driver keeps for the connection.
fn answer(config: &ValidConfig<'_>, buf: &mut [u8], bytes: &[u8], out: &mut [u8]) -> usize {
    let written = decide(config, buf, bytes, bytes.len()).response().map(|decided| decided.write(out));
    black_box(&out);
    written.and_then(Result::ok).unwrap_or_default()
}

/// Takes `bytes` `chunk` at a time; whether the handshake decided.
fn decides(config: &ValidConfig<'_>, buf: &mut [u8], bytes: &[u8], chunk: usize) -> bool {
    !matches!(decide(config, buf, bytes, chunk), Progress::NeedMore(_))
}

/// What `bytes` decide: a request or a rejection.
fn is_request(config: &ValidConfig<'_>, buf: &mut [u8], bytes: &[u8]) -> bool {
    matches!(decide(config, buf, bytes, bytes.len()), Progress::Request(_))
}

/// Chrome's request with its line `from` replaced by `to` (or removed).
fn chrome_with(from: &str, to: &str) -> Vec<u8> {
    String::from_utf8_lossy(CHROME).replace(from, to).into_bytes()
}

/// 512 bytes of binary garbage from a fixed xorshift.
fn garbage() -> Vec<u8> {
    let mut state = 0x2545_f491_4f6c_dd1du64;
    (0..512)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state.to_le_bytes()[0]
        })
        .collect()
}

/// A valid head of exactly 8192 bytes holding 64 fields.
fn head_8k_64_fields() -> Vec<u8> {
    let base = "GET /chat HTTP/1.1\r\nHost: 127.0.0.1:9001\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\
                Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n";
    let pads = 59;
    // Each pad line is `X-Pad-NN: ` (10 bytes), its value and CRLF.
    let room = 8192 - base.len() - 2 - pads * 12;
    let mut head = base.to_owned();
    for i in 0..pads {
        let len = room / pads + usize::from(i < room % pads);
        head.push_str(&format!("X-Pad-{i:02}: {}\r\n", "a".repeat(len)));
    }
    head.push_str("\r\n");
    assert_eq!(head.len(), 8192);
    head.into_bytes()
}

/// An in-memory stream for tungstenite: reads the request, keeps the reply.
struct Memory {
    input: &'static [u8],
    output: Vec<u8>,
}

impl Read for Memory {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.input.read(buf)
    }
}

impl Write for Memory {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.output.write(buf)
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

fn benches(c: &mut Criterion) {
    let config = ValidConfig::default();
    let mut buf = [0; 8192];
    let buf = put(&mut buf, CHROME);
    let out = &mut [0; MAX_RESPONSE_LEN][..];
    assert!(is_request(&config, buf, CHROME));

    c.benchmark_group("accept").bench_function("chrome", |b| b.iter(|| answer(&config, buf, black_box(CHROME), out)));

    let mut reject = c.benchmark_group("reject");
    for (name, bytes) in [
        ("garbage-512", garbage()),
        ("missing-key", chrome_with("Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n", "")),
        ("version-8", chrome_with("Sec-WebSocket-Version: 13", "Sec-WebSocket-Version: 8")),
    ] {
        let buf = put(buf, &bytes);
        assert!(!is_request(&config, buf, &bytes) && decides(&config, buf, &bytes, bytes.len()), "{name}");
        reject.bench_function(name, |b| b.iter(|| answer(&config, buf, black_box(&bytes), out)));
    }
    reject.finish();

    let mut floor = c.benchmark_group("floor");
    floor.bench_function("httparse", |b| {
        b.iter(|| {
            let mut headers = [httparse::EMPTY_HEADER; 64];
            black_box(httparse::Request::new(&mut headers).parse(black_box(CHROME)).is_ok())
        })
    });
    floor.bench_function("accept-key", |b| b.iter(|| accept_key(black_box(b"dGhlIHNhbXBsZSBub25jZQ=="))));
    floor.bench_function("sha1-base64", |b| {
        b.iter(|| {
            let digest = Sha1::new()
                .chain_update(black_box(b"dGhlIHNhbXBsZSBub25jZQ=="))
                .chain_update(b"258EAFA5-E914-47DA-95CA-C5AB0DC85B11")
                .finalize();
            let mut accept = [0; 28];
            black_box(base64::engine::general_purpose::STANDARD.encode_slice(digest, &mut accept).ok())
        })
    });
    floor.finish();

    c.benchmark_group("tungstenite").bench_function("accept", |b| {
        b.iter(|| {
            let stream = Memory { input: black_box(CHROME), output: Vec::with_capacity(256) };
            black_box(tungstenite::accept(stream).is_ok())
        })
    });

    let mut feed = c.benchmark_group("feed");
    let head_8k = head_8k_64_fields();
    for (name, bytes) in [("chrome", CHROME), ("8k-64-fields", &head_8k[..])] {
        let buf = put(buf, bytes);
        assert!(decides(&config, buf, bytes, 1), "{name} decides");
        feed.bench_function(format!("{name}-once"), |b| {
            b.iter(|| decides(&config, buf, black_box(bytes), bytes.len()))
        });
        feed.bench_function(format!("{name}-bytewise"), |b| b.iter(|| decides(&config, buf, black_box(bytes), 1)));
    }
    feed.finish();
}

criterion_group!(handshake, benches);
criterion_main!(handshake);
