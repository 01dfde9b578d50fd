//! The fuzz targets' bodies. Each `fuzz/fuzz_targets/<name>.rs` is one line
//! that calls the function of the same name here, so that `cargo test`
//! replays every corpus file through exactly what the fuzzer runs, on
//! stable. Each panics when the contract is broken.

use crate::decision::Decision;
use crate::harness::{self, run};
use crate::model::End;
use crate::request::{Field, Request};
use crate::strategies::config;
use crate::transport::{Op, Read, Schedule};
use arbitrary::{Arbitrary, Unstructured};
use std::time::Duration;
use ws_handshake::delivery::Limits;

/// A target's body: takes the fuzzer's bytes, panics on a broken contract.
pub type Target = fn(&[u8]);

/// Every target, by the name of its file in `fuzz/fuzz_targets/`.
pub const TARGETS: &[(&str, Target)] = &[
    ("handshake", handshake),
    ("chunked", chunked),
    ("structured", structured),
    ("driver", driver),
    ("differential", differential),
    ("surface", surface),
];

/// The target named `name`.
pub fn target(name: &str) -> Option<Target> {
    TARGETS.iter().find(|(target, _)| *target == name).map(|&(_, run)| run)
}

/// How the input ends, from one byte.
pub(crate) fn end(byte: u8) -> End {
    match byte % 3 {
        0 => End::Open,
        1 => End::Eof,
        _ => End::Deadline,
    }
}

/// `handshake`: the first byte says how the stream ends, the rest are what
/// the client sent. The oracle judges every outcome: a correct 101, or a
/// well-formed response with the status of the rule the core names. (The
/// model, slower, is the `structured` target's judge.)
pub fn handshake(data: &[u8]) {
    let Some((&first, bytes)) = data.split_first() else { return };
    let run = run(&config(), bytes, &[], end(first));
    if end(first) != End::Open && run.outcome == crate::model::Expected::NeedMore {
        panic!("NeedMore after the stream ended");
    }
    if let Err(failure) = harness::judge(bytes, &run) {
        panic!("{failure}");
    }
}

/// `chunked`: the first byte says how the stream ends, the next says how
/// many cut points follow (two bytes each), the rest are the bytes. Feeding
/// them cut must give what feeding them at once gives.
pub fn chunked(data: &[u8]) {
    let mut u = Unstructured::new(data);
    let (Ok(first), Ok(count)) = (u8::arbitrary(&mut u), u8::arbitrary(&mut u)) else { return };
    let cuts: Vec<usize> = (0..count % 16).filter_map(|_| u16::arbitrary(&mut u).ok()).map(usize::from).collect();
    let bytes = u.take_rest();
    let mut sorted = cuts.clone();
    sorted.sort_unstable();
    let (cut, whole) = (run(&config(), bytes, &sorted, end(first)), run(&config(), bytes, &[], end(first)));
    assert_eq!(cut, whole, "cut at {sorted:?}");
}

/// The names a structured request draws its fields from.
const NAMES: &[&str] = &[
    "Host",
    "Upgrade",
    "Connection",
    "Sec-WebSocket-Key",
    "Sec-WebSocket-Version",
    "Origin",
    "Sec-WebSocket-Protocol",
    "Content-Length",
    "Transfer-Encoding",
    "X-Other",
];

/// The values a structured request draws from, valid and not.
const VALUES: &[&str] = &[
    "example.com",
    "example.com:9001",
    "[::1]",
    "websocket",
    "WebSocket, h2c",
    "websockets",
    "Upgrade",
    "keep-alive, upgrade",
    "dGhlIHNhbXBsZSBub25jZQ==",
    "dGhlIHNhbXBsZSBub25jZQ",
    "13",
    "8",
    "http://example.com",
    "null",
    "chat, superchat",
    "chat, , x",
    "0",
    "5",
    "chunked",
    "",
    " ",
];

/// The entry of `list` that `choice` picks, cycling.
fn pick(list: &[&'static str], choice: u8) -> &'static str {
    list[usize::from(choice) % list.len()]
}

/// What an edit does to the fields of the valid request it starts from.
#[derive(Arbitrary, Debug)]
enum Edit {
    /// Appends a field.
    Add,
    /// Replaces the value of the first field of that name (appends if none).
    Set,
    /// Removes every field of that name.
    Remove,
}

/// A request described as edits to a valid handshake, with names and values
/// from a vocabulary (or raw bytes), so that the fuzzer reaches the deep
/// rules in a few choices instead of inventing their words.
#[derive(Arbitrary, Debug)]
pub(crate) struct Described {
    pub(crate) end: u8,
    leading_empty_lines: u8,
    method: u8,
    target: u8,
    version: u8,
    edits: Vec<(Edit, u8, u8, Option<Vec<u8>>)>,
    after: Vec<u8>,
    /// The application's answer, when the request is valid.
    pub(crate) decision: Decision,
}

impl Described {
    /// The request the edits describe.
    pub(crate) fn request(&self) -> Request {
        let valid = [
            ("Host", "example.com"),
            ("Upgrade", "websocket"),
            ("Connection", "Upgrade"),
            ("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ=="),
            ("Sec-WebSocket-Version", "13"),
        ];
        let fields = valid.iter().map(|(name, value)| Field::new(name, &format!(" {value}"))).collect();
        let mut request = Request::get(pick(&["/chat", "/", "ws://example.com/x", "*", "/%zz"], self.target), fields);
        for (edit, name, value, raw) in &self.edits {
            let name = pick(NAMES, *name);
            let value = raw.clone().unwrap_or_else(|| format!(" {}", pick(VALUES, *value)).into_bytes());
            match edit {
                Edit::Add => request.fields.push(Field { name: name.into(), value }),
                Edit::Set => match request.fields.iter_mut().find(|field| field.is(name)) {
                    Some(field) => field.value = value,
                    None => request.fields.push(Field { name: name.into(), value }),
                },
                Edit::Remove => request.remove(name),
            }
        }
        request.method = pick(&["GET", "GET", "HEAD", "POST", "get"], self.method).into();
        request.version = pick(&["HTTP/1.1", "HTTP/1.1", "HTTP/1.0", "HTTP/2.0"], self.version).into();
        request.leading_empty_lines = usize::from(self.leading_empty_lines % 3);
        request.after = self.after.clone();
        request
    }
}

/// `structured`: a request built from vocabulary choices (see [`Described`]);
/// the core must agree with the model and its response pass the oracle,
/// and a valid request answered with the application's decision (any
/// status, fields and body, hostile ones included) must give what contract
/// section 6 says.
pub fn structured(data: &[u8]) {
    let Ok(described) = Described::arbitrary_take_rest(Unstructured::new(data)) else { return };
    let bytes = described.request().render();
    let config = config();
    let checked = harness::check(&config, &bytes, end(described.end))
        .and_then(|_| harness::check_decision(&config, &bytes, &described.decision));
    if let Err(failure) = checked {
        panic!("{failure}\n{described:?}");
    }
}

/// A read or write fault from one byte.
fn fault(byte: u8) -> std::io::ErrorKind {
    use std::io::ErrorKind::*;
    [Interrupted, WouldBlock, TimedOut, BrokenPipe, ConnectionReset][usize::from(byte) % 5]
}

/// A fault schedule for sending `bytes`, read from `u`.
fn schedule(u: &mut Unstructured<'_>, bytes: &[u8]) -> arbitrary::Result<Schedule> {
    let mut reads = Vec::new();
    let mut rest = bytes;
    while !rest.is_empty() {
        // Once the fuzzer's bytes run out, the rest arrives in one read.
        if u.is_empty() {
            reads.push(Read::Data(rest.to_vec()));
            break;
        }
        let (len, what) = (usize::from(u8::arbitrary(u)?), u8::arbitrary(u)?);
        let (now, later) = rest.split_at(len.clamp(1, rest.len()));
        reads.push(Read::Data(now.to_vec()));
        rest = later;
        match what % 8 {
            0 => reads.push(Read::Timeout),
            1 => reads.push(Read::WouldBlock),
            2 => reads.push(Read::Fail(fault(what / 8))),
            3 => reads.push(Read::FailLate(fault(what / 8))),
            4 => reads.push(Read::Pending),
            _ => {}
        }
    }
    if bool::arbitrary(u)? {
        reads.push(Read::Eof);
    }
    let op = |u: &mut Unstructured<'_>| -> arbitrary::Result<Op> {
        let byte = u8::arbitrary(u)?;
        Ok(match byte % 8 {
            0 | 4 => Op::Fail(fault(byte / 4)),
            1 => Op::Pending,
            // Short writes of 0 to 31 bytes: 0 is the `WriteZero` error.
            _ => Op::Short(usize::from(byte / 8)),
        })
    };
    let writes = (0..u8::arbitrary(u)? % 16).map(|_| op(u)).collect::<arbitrary::Result<_>>()?;
    let flushes = (0..u8::arbitrary(u)? % 4).map(|_| op(u)).collect::<arbitrary::Result<_>>()?;
    let shutdowns = (0..u8::arbitrary(u)? % 4).map(|_| op(u)).collect::<arbitrary::Result<_>>()?;
    let timeouts = (0..u8::arbitrary(u)? % 4).map(|_| op(u)).collect::<arbitrary::Result<_>>()?;
    Ok(Schedule { reads, writes, flushes, shutdowns, timeouts })
}

/// The limits of contract section 5 from `u`, when it says so: a head
/// deadline and a linger time of up to 65 s, in milliseconds, and a
/// linger budget of up to 64 KiB. Else (the bytes run out) the defaults.
fn limits(u: &mut Unstructured<'_>) -> Limits {
    let ms = |ms: u16| Duration::from_millis(u64::from(ms));
    match Option::<(u16, u16, u16)>::arbitrary(u) {
        Ok(Some((deadline, linger, budget))) => {
            Limits { handshake_timeout: ms(deadline), linger_time: ms(linger), linger_bytes: u64::from(budget) }
        }
        _ => Limits::default(),
    }
}

/// `driver`: the first two bytes give the length of the client's bytes,
/// which follow; then a fault schedule, the application's decision and the
/// limits. Through each driver (the blocking one, and the async one when
/// the feature `tokio` is on, as the fuzz target builds it), the response
/// the contract gives to the bytes read, by the deadline, must be fully
/// flushed before the write side is shut down, or the driver must report
/// an I/O error the schedule injected; never a loop or a hang. Every error
/// must say what happened, and a head buffer too short be refused.
pub fn driver(data: &[u8]) {
    let mut u = Unstructured::new(data);
    let Ok(len) = u16::arbitrary(&mut u) else { return };
    let Ok(bytes) = u.bytes(usize::from(len).min(u.len())) else { return };
    let Ok(schedule) = schedule(&mut u, bytes) else { return };
    let decision = Decision::arbitrary(&mut u).unwrap_or(Decision::Accept);
    if let Err(failure) = harness::drive(&config(), &limits(&mut u), schedule, &decision) {
        panic!("{failure}");
    }
}

/// `differential`: the bytes are a head; the core's verdict on its syntax
/// and httparse's must agree, or disagree in a way the contract chose
/// ([`crate::differential`]).
pub fn differential(data: &[u8]) {
    crate::differential::check(data);
}

/// `surface`: the public API off the handshake's path, each answer checked
/// against a second reading of the contract ([`crate::surface`]): a drawn
/// configuration and a request under it, an odd key, a rule's rejection and
/// its texts, a refusal's status, short buffers, a delivery polled and
/// answered out of order.
pub fn surface(data: &[u8]) {
    crate::surface::check(data);
}
