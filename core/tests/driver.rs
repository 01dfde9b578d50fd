//! The driver over a deterministic in-memory transport that injects short
//! writes, `Interrupted`, timeouts and errors, with a virtual clock. Whatever
//! the schedule, the bytes flushed before the write side was shut down are
//! the whole response, or `accept` returns an I/O error.

use std::collections::VecDeque;
use std::io::{self, ErrorKind};
use std::time::{Duration, Instant};

use ws_handshake::driver::{self, Error, LingerEnd, Step, Transport};
use ws_handshake::{Config, Handshake, MAX_RESPONSE_LEN, Outcome};

const VALID: &[u8] = b"GET /chat HTTP/1.1\r\nHost: example.com\r\nUpgrade: websocket\r\n\
Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";

/// What one `read` call does.
#[derive(Clone, Debug)]
enum Read {
    Data(Vec<u8>),
    Eof,
    /// The read timeout expires: the virtual clock jumps by it.
    Timeout,
    /// `WouldBlock` at once, as from a non-blocking stream; no time passes.
    WouldBlock,
    Fail(ErrorKind),
}

/// What one `write` or `flush` call does; `Short(n)` takes at most n bytes.
#[derive(Clone, Copy, Debug)]
enum Op {
    Short(usize),
    Fail(ErrorKind),
}

/// An in-memory stream: reads follow a script (end of stream after it),
/// writes land in a buffer that only `flush` delivers.
#[derive(Debug)]
struct Mem {
    reads: VecDeque<Read>,
    writes: VecDeque<Op>,
    flushes: VecDeque<Op>,
    shutdown_fails: bool,
    written: Vec<u8>,
    delivered: Vec<u8>,
    /// What was delivered when the write side was shut down.
    at_shutdown: Option<Vec<u8>>,
    wrote_after_shutdown: bool,
    read_timeout: Option<Duration>,
    start: Instant,
    elapsed: Duration,
    calls: usize,
}

impl Mem {
    fn new(reads: Vec<Read>) -> Self {
        Mem {
            reads: reads.into(),
            writes: VecDeque::new(),
            flushes: VecDeque::new(),
            shutdown_fails: false,
            written: Vec::new(),
            delivered: Vec::new(),
            at_shutdown: None,
            wrote_after_shutdown: false,
            read_timeout: None,
            start: Instant::now(),
            elapsed: Duration::ZERO,
            calls: 0,
        }
    }

    fn call(&mut self) {
        self.calls += 1;
        assert!(self.calls < 100_000, "the driver loops without progress");
    }
}

impl Transport for Mem {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.call();
        match self.reads.pop_front() {
            None | Some(Read::Eof) => Ok(0),
            Some(Read::Data(mut data)) => {
                let n = data.len().min(buf.len());
                buf[..n].copy_from_slice(&data[..n]);
                if n < data.len() {
                    self.reads.push_front(Read::Data(data.split_off(n)));
                }
                Ok(n)
            }
            Some(Read::Timeout) => {
                self.elapsed += self.read_timeout.expect("a blocking read without a timeout would hang");
                Err(ErrorKind::WouldBlock.into())
            }
            Some(Read::WouldBlock) => Err(ErrorKind::WouldBlock.into()),
            Some(Read::Fail(kind)) => Err(kind.into()),
        }
    }

    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.call();
        self.wrote_after_shutdown |= self.at_shutdown.is_some();
        let n = match self.writes.pop_front() {
            None => buf.len(),
            Some(Op::Short(n)) => n.min(buf.len()),
            Some(Op::Fail(kind)) => return Err(kind.into()),
        };
        self.written.extend_from_slice(&buf[..n]);
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.call();
        if let Some(Op::Fail(kind)) = self.flushes.pop_front() {
            return Err(kind.into());
        }
        self.delivered.append(&mut self.written);
        Ok(())
    }

    fn shutdown_write(&mut self) -> io::Result<()> {
        self.call();
        if self.shutdown_fails {
            return Err(ErrorKind::NotConnected.into());
        }
        self.at_shutdown = Some(self.delivered.clone());
        Ok(())
    }

    fn set_read_timeout(&mut self, timeout: Option<Duration>) -> io::Result<()> {
        self.call();
        assert_ne!(timeout, Some(Duration::ZERO), "TcpStream refuses a zero timeout");
        self.read_timeout = timeout;
        Ok(())
    }

    fn now(&self) -> Instant {
        self.start + self.elapsed
    }
}

/// The response the core writes for `request` fed at once with end of stream.
fn expected_response(config: &Config<'_>, request: &[u8]) -> Vec<u8> {
    let mut handshake = Handshake::new(config).unwrap();
    let mut buf = [0; MAX_RESPONSE_LEN];
    let len = match handshake.feed(request, true) {
        Outcome::Accept(accepted) => accepted.write_response(&mut buf),
        Outcome::Reject(rejection) => rejection.write_response(&mut buf),
        Outcome::NeedMore => unreachable!(),
    };
    buf[..len.unwrap()].to_vec()
}

fn run(config: &Config<'_>, mem: &mut Mem) -> Result<(Vec<u8>, usize), String> {
    let mut buf = vec![0; config.max_head_len];
    match driver::accept(&mut *mem, config, &mut buf) {
        Ok(upgraded) => Ok((upgraded.leftover.to_vec(), upgraded.request.head_len())),
        Err(e) => Err(format!("{e:?}")),
    }
}

#[test]
fn accepts_and_hands_over_the_leftover() {
    let config = Config::default();
    let frame = vec![0x81, 0x80, 1, 2, 3, 4];
    let mut mem = Mem::new(vec![Read::Data(VALID[..30].to_vec()), Read::Data([&VALID[30..], &frame].concat())]);
    let (leftover, head_len) = run(&config, &mut mem).unwrap();
    assert_eq!(leftover, frame);
    assert_eq!(head_len, VALID.len());
    assert_eq!(mem.delivered, expected_response(&config, VALID));
    assert_eq!(mem.read_timeout, None, "the upgraded stream keeps no read timeout");
    assert!(mem.at_shutdown.is_none(), "an accepted stream stays open");
}

#[test]
fn short_writes_and_interruptions_still_deliver_everything() {
    let config = Config::default();
    for request in [VALID, b"POST / HTTP/1.1\r\n\r\n"] {
        let mut mem = Mem::new(vec![Read::Fail(ErrorKind::Interrupted), Read::Data(request.to_vec()), Read::Eof]);
        mem.writes =
            (0..400).map(|i| if i % 3 == 0 { Op::Fail(ErrorKind::Interrupted) } else { Op::Short(1) }).collect();
        mem.flushes = [Op::Fail(ErrorKind::Interrupted)].into();
        let _ = run(&config, &mut mem);
        assert_eq!(mem.delivered, expected_response(&config, request));
        assert!(!mem.wrote_after_shutdown);
    }
}

#[test]
fn a_rejection_is_flushed_then_half_closed_then_lingers_until_the_peer_closes() {
    let config = Config::default();
    let request = b"GET / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello";
    let mut mem = Mem::new(vec![Read::Data(request.to_vec()), Read::Data(vec![b'x'; 10_000]), Read::Eof]);
    let result = run(&config, &mut mem);
    assert!(result.unwrap_err().contains("PeerClosed"));
    assert_eq!(mem.at_shutdown.as_deref(), Some(&expected_response(&config, request)[..]));
    assert!(mem.reads.is_empty(), "the linger read everything the client sent");
}

#[test]
fn linger_ends_on_time_and_on_budget() {
    let config = Config { linger_bytes: 10_000, ..Config::default() };
    let mut mem = Mem::new(vec![Read::Data(b"\x16\x03\x01".to_vec()), Read::Timeout, Read::Timeout, Read::Timeout]);
    let err = driver::accept(&mut mem, &config, &mut [0; 8192]).unwrap_err();
    assert!(matches!(err, Error::Rejected { linger: LingerEnd::TimeUp, .. }), "{err:?}");
    assert_eq!(mem.elapsed, config.linger_time, "lingered exactly the linger time");

    let mut mem = Mem::new(vec![Read::Data(b"\x16".to_vec()), Read::Data(vec![0; 1 << 20])]);
    let err = driver::accept(&mut mem, &config, &mut [0; 8192]).unwrap_err();
    assert!(matches!(err, Error::Rejected { linger: LingerEnd::BudgetSpent, .. }), "{err:?}");
    let Some(Read::Data(rest)) = mem.reads.front() else { panic!() };
    assert_eq!(rest.len(), (1 << 20) - 10_000, "read exactly the budget");
}

#[test]
fn a_stalled_client_gets_408_at_the_deadline() {
    let config = Config::default();
    let mut mem = Mem::new(vec![Read::Data(b"GET / HTTP/1.1\r\n".to_vec()), Read::Timeout, Read::Eof]);
    let err = driver::accept(&mut mem, &config, &mut [0; 8192]).unwrap_err();
    let Error::Rejected { rejection, linger: LingerEnd::PeerClosed } = err else { panic!("{err:?}") };
    assert_eq!(rejection.status(), 408);
    // One read timeout takes the whole deadline; then the peer closes.
    assert_eq!(mem.elapsed, config.handshake_timeout);
    assert!(mem.at_shutdown.unwrap().starts_with(b"HTTP/1.1 408 Request Timeout\r\n"));
}

#[test]
fn each_failing_step_is_reported_as_an_error() {
    let config = Config::default();
    type Fault = fn(&mut Mem);
    let cases: Vec<(&[u8], Fault, Step)> = vec![
        (VALID, |m| m.writes = [Op::Fail(ErrorKind::BrokenPipe)].into(), Step::Write),
        (VALID, |m| m.writes = [Op::Short(0)].into(), Step::Write),
        (VALID, |m| m.flushes = [Op::Fail(ErrorKind::BrokenPipe)].into(), Step::Flush),
        (b"\x16", |m| m.writes = [Op::Short(5), Op::Fail(ErrorKind::WouldBlock)].into(), Step::Write),
        (b"\x16", |m| m.flushes = [Op::Fail(ErrorKind::ConnectionReset)].into(), Step::Flush),
        (b"\x16", |m| m.shutdown_fails = true, Step::Shutdown),
        (b"\x16", |m| m.reads.push_back(Read::Fail(ErrorKind::ConnectionReset)), Step::Linger),
        (b"GET", |m| m.reads.push_back(Read::Fail(ErrorKind::ConnectionReset)), Step::ReadHead),
    ];
    for (request, fault, step) in cases {
        let mut mem = Mem::new(vec![Read::Data(request.to_vec())]);
        fault(&mut mem);
        let err = driver::accept(&mut mem, &config, &mut [0; 8192]).unwrap_err();
        let Error::Io { step: failed, .. } = err else { panic!("{err:?}") };
        assert_eq!(failed, step, "{request:?}");
        if step != Step::Linger {
            assert!(mem.at_shutdown.is_none(), "no half-close after a failed {step:?}");
        }
    }
}

#[test]
fn a_buffer_shorter_than_the_head_limit_is_refused_before_reading() {
    let config = Config::default();
    let mut mem = Mem::new(vec![Read::Data(VALID.to_vec())]);
    let err = driver::accept(&mut mem, &config, &mut [0; 100]).unwrap_err();
    assert!(matches!(err, Error::BufferTooSmall { required: 8192 }), "{err:?}");
    assert_eq!(mem.calls, 0);

    let config = Config { protocols: &["not a token"], ..Config::default() };
    let err = driver::accept(&mut mem, &config, &mut [0; 8192]).unwrap_err();
    assert!(matches!(err, Error::Config(_)), "{err:?}");
    assert_eq!(mem.calls, 0);
}

#[test]
fn every_split_of_the_head_gives_the_same_response() {
    let config = Config::default();
    let requests: [&[u8]; 3] = [VALID, b"GET / HTTP/1.1\r\nHost: x\r\n\r\n", b"HEAD / HTTP/1.1\r\n\r\n"];
    for request in requests {
        let expected = expected_response(&config, request);
        for split in 0..=request.len() {
            let (a, b) = request.split_at(split);
            // An empty read would be the end of the stream, so leave it out.
            let reads = [Read::Data(a.to_vec()), Read::WouldBlock, Read::Data(b.to_vec())];
            let reads = reads.into_iter().filter(|r| !matches!(r, Read::Data(d) if d.is_empty())).collect();
            let mut mem = Mem::new(reads);
            let _ = run(&config, &mut mem);
            assert_eq!(mem.delivered, expected, "split at {split}");
        }
    }
}
