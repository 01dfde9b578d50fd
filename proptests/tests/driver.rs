//! The driver over the deterministic in-memory transport that injects short
//! writes, `Interrupted`, timeouts and errors, with a virtual clock. Whatever
//! the schedule, the bytes flushed before the write side was shut down are
//! the whole response, or `accept` returns an I/O error.

use std::io::ErrorKind;

use ws_handshake::driver::{self, Error, LingerEnd, Step};
use ws_handshake::{Config, Handshake, MAX_RESPONSE_LEN, Outcome};
use ws_handshake_proptests::transport::{FaultyTransport, Op, Read, Schedule};

const VALID: &[u8] = b"GET /chat HTTP/1.1\r\nHost: example.com\r\nUpgrade: websocket\r\n\
Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";

fn reads(reads: Vec<Read>) -> Schedule {
    Schedule { reads, ..Schedule::default() }
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

fn run(config: &Config<'_>, mem: &mut FaultyTransport) -> Result<(Vec<u8>, usize), String> {
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
    let mut mem = FaultyTransport::reading(&[&VALID[..30], &[&VALID[30..], &frame].concat()]);
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
        let mut mem = FaultyTransport::new(Schedule {
            reads: vec![Read::Fail(ErrorKind::Interrupted), Read::Data(request.to_vec()), Read::Eof],
            writes: (0..400)
                .map(|i| if i % 3 == 0 { Op::Fail(ErrorKind::Interrupted) } else { Op::Short(1) })
                .collect(),
            flushes: vec![Op::Fail(ErrorKind::Interrupted)],
            shutdown_fails: false,
            timeouts: vec![Op::Short(0)],
        });
        let _ = run(&config, &mut mem);
        assert_eq!(mem.delivered, expected_response(&config, request));
        assert!(!mem.wrote_after_shutdown);
    }
}

#[test]
fn a_rejection_is_flushed_then_half_closed_then_lingers_until_the_peer_closes() {
    let config = Config::default();
    let request = b"GET / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello";
    let mut mem =
        FaultyTransport::new(reads(vec![Read::Data(request.to_vec()), Read::Data(vec![b'x'; 10_000]), Read::Eof]));
    let result = run(&config, &mut mem);
    assert!(result.unwrap_err().contains("PeerClosed"));
    assert_eq!(mem.at_shutdown.as_deref(), Some(&expected_response(&config, request)[..]));
    assert!(mem.unread().is_empty(), "the linger read everything the client sent");
}

#[test]
fn linger_ends_on_time_and_on_budget() {
    let config = Config { linger_bytes: 10_000, ..Config::default() };
    let mut mem = FaultyTransport::new(reads(vec![
        Read::Data(b"\x16\x03\x01".to_vec()),
        Read::Timeout,
        Read::Timeout,
        Read::Timeout,
    ]));
    let err = driver::accept(&mut mem, &config, &mut [0; 8192]).unwrap_err();
    assert!(matches!(err, Error::Rejected { linger: LingerEnd::TimeUp, .. }), "{err:?}");
    assert_eq!(mem.elapsed, config.linger_time, "lingered exactly the linger time");

    let mut mem = FaultyTransport::new(reads(vec![Read::Data(b"\x16".to_vec()), Read::Data(vec![0; 1 << 20])]));
    let err = driver::accept(&mut mem, &config, &mut [0; 8192]).unwrap_err();
    assert!(matches!(err, Error::Rejected { linger: LingerEnd::BudgetSpent, .. }), "{err:?}");
    let Some(Read::Data(rest)) = mem.unread().front() else { panic!() };
    assert_eq!(rest.len(), (1 << 20) - 10_000, "read exactly the budget");
}

#[test]
fn a_stalled_client_gets_408_at_the_deadline() {
    let config = Config::default();
    let mut mem =
        FaultyTransport::new(reads(vec![Read::Data(b"GET / HTTP/1.1\r\n".to_vec()), Read::Timeout, Read::Eof]));
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
    type Fault = fn(&mut Schedule);
    let cases: Vec<(&[u8], Fault, Step)> = vec![
        (VALID, |s| s.writes = vec![Op::Fail(ErrorKind::BrokenPipe)], Step::Write),
        (VALID, |s| s.writes = vec![Op::Short(0)], Step::Write),
        (VALID, |s| s.flushes = vec![Op::Fail(ErrorKind::BrokenPipe)], Step::Flush),
        (b"\x16", |s| s.writes = vec![Op::Short(5), Op::Fail(ErrorKind::WouldBlock)], Step::Write),
        (b"\x16", |s| s.flushes = vec![Op::Fail(ErrorKind::ConnectionReset)], Step::Flush),
        (b"\x16", |s| s.shutdown_fails = true, Step::Shutdown),
        (b"\x16", |s| s.reads.push(Read::Fail(ErrorKind::ConnectionReset)), Step::Linger),
        (b"GET", |s| s.reads.push(Read::Fail(ErrorKind::ConnectionReset)), Step::ReadHead),
        (b"GET", |s| s.timeouts = vec![Op::Fail(ErrorKind::InvalidInput)], Step::SetReadTimeout),
        (VALID, |s| s.timeouts = vec![Op::Short(0), Op::Fail(ErrorKind::NotConnected)], Step::SetReadTimeout),
    ];
    for (request, fault, step) in cases {
        let mut schedule = reads(vec![Read::Data(request.to_vec())]);
        fault(&mut schedule);
        let mut mem = FaultyTransport::new(schedule);
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
    let mut mem = FaultyTransport::new(reads(vec![Read::Data(VALID.to_vec())]));
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
            let steps = [Read::Data(a.to_vec()), Read::WouldBlock, Read::Data(b.to_vec())];
            let steps = steps.into_iter().filter(|r| !matches!(r, Read::Data(d) if d.is_empty())).collect();
            let mut mem = FaultyTransport::new(reads(steps));
            let _ = run(&config, &mut mem);
            assert_eq!(mem.delivered, expected, "split at {split}");
        }
    }
}

#[test]
fn errors_name_the_step_and_the_status() {
    use std::error::Error as _;
    let config = Config::default();
    let mut schedule = reads(vec![Read::Data(b"\x16".to_vec())]);
    schedule.flushes = vec![Op::Fail(ErrorKind::ConnectionReset)];
    let err = driver::accept(FaultyTransport::new(schedule), &config, &mut [0; 8192]).unwrap_err();
    assert_eq!(err.to_string(), "Flush failed while rejecting with 400 Bad Request (rule 1): connection reset");
    assert_eq!(err.source().map(|source| source.to_string()), Some("connection reset".to_owned()));

    let reset = reads(vec![Read::Data(b"GET".to_vec()), Read::Fail(ErrorKind::ConnectionReset)]);
    let err = driver::accept(FaultyTransport::new(reset), &config, &mut [0; 8192]).unwrap_err();
    assert_eq!(err.to_string(), "ReadHead failed: connection reset");

    let err = driver::accept(FaultyTransport::reading(&[b"GET"]), &config, &mut [0; 8192]).unwrap_err();
    assert_eq!(err.to_string(), "rejected with 400 Bad Request (rule 14) (linger: PeerClosed)");
    assert!(err.source().is_none());

    let bad = Config { protocols: &["a b"], ..Config::default() };
    let err = driver::accept(FaultyTransport::reading(&[]), &bad, &mut [0; 8192]).unwrap_err();
    assert_eq!(err.to_string(), "invalid configuration: a configured subprotocol is not a token");
    assert_eq!(err.source().map(|source| source.to_string()), Some("a configured subprotocol is not a token".into()));

    let err = driver::accept(FaultyTransport::reading(&[]), &config, &mut [0; 10]).unwrap_err();
    assert_eq!(err.to_string(), "the head buffer must hold 8192 bytes");
}
