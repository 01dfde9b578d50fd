//! The drivers over the deterministic in-memory transport that injects
//! short writes, `Interrupted`, steps not ready yet, timeouts and errors,
//! on a virtual clock: the blocking driver, and where a test does not need
//! the blocking one's own API, the async one too (`Driver::ALL`, over the
//! async face of the same schedule, on tokio's paused clock). Whatever the
//! schedule, the bytes flushed before the write side was shut down are the
//! whole response, or the driver returns an I/O error.

use std::io::ErrorKind;
use std::time::Duration;

use ws_handshake::blocking::{self, Error, Options, Step};
use ws_handshake::delivery::{Limits, LingerEnd};
use ws_handshake::{Refusal, ValidConfig};
use ws_handshake_proptests::decision::Decision;
use ws_handshake_proptests::drivers::{Driver, Ran};
use ws_handshake_proptests::harness;
use ws_handshake_proptests::model::End;
use ws_handshake_proptests::transport::{self, Call, FaultyTransport, Op, Read, Schedule};

const VALID: &[u8] = b"GET /chat HTTP/1.1\r\nHost: example.com\r\nUpgrade: websocket\r\n\
Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";

fn reads(reads: Vec<Read>) -> Schedule {
    Schedule { reads, ..Schedule::default() }
}

/// The response the core writes for `request` fed at once with end of stream.
fn expected_response(config: &ValidConfig<'_>, request: &[u8]) -> Vec<u8> {
    harness::run(config, request, &[], End::Eof).response().to_vec()
}

/// `blocking::accept` over `mem` under the virtual clock and `limits`.
fn accept(
    config: &ValidConfig<'_>,
    limits: Limits,
    mem: &mut FaultyTransport,
    buf: &mut [u8],
) -> Result<(Vec<u8>, usize), Error> {
    let options = Options { limits, ..transport::options() };
    let upgraded = blocking::accept(mem, config, &options, buf)?;
    Ok((upgraded.leftover.to_vec(), upgraded.request.head_len()))
}

fn run(config: &ValidConfig<'_>, mem: &mut FaultyTransport) -> Result<(Vec<u8>, usize), String> {
    let mut buf = vec![0; config.max_head_len];
    accept(config, Limits::default(), mem, &mut buf).map_err(|e| format!("{e:?}"))
}

/// `driver` over `schedule` under `limits`, the application taking the
/// contract's defaults.
fn ran(driver: Driver, limits: Limits, schedule: Schedule) -> Ran {
    driver.run(&ValidConfig::default(), &limits, schedule, &Decision::Accept).unwrap_or_else(|hang| panic!("{hang}"))
}

#[test]
fn accepts_and_hands_over_the_leftover() {
    let config = ValidConfig::default();
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
    let config = ValidConfig::default();
    for request in [VALID, b"POST / HTTP/1.1\r\n\r\n"] {
        let schedule = Schedule {
            reads: vec![Read::Fail(ErrorKind::Interrupted), Read::Data(request.to_vec()), Read::Eof],
            writes: (0..400)
                .map(|i| if i % 3 == 0 { Op::Fail(ErrorKind::Interrupted) } else { Op::Short(1) })
                .collect(),
            flushes: vec![Op::Fail(ErrorKind::Interrupted)],
            shutdowns: vec![],
            timeouts: vec![Op::Short(0)],
        };
        for &driver in Driver::ALL {
            let mem = ran(driver, Limits::default(), schedule.clone()).script;
            assert_eq!(mem.delivered, expected_response(&config, request), "{driver:?}");
            assert!(!mem.wrote_after_shutdown, "{driver:?}");
        }
    }
}

/// Every step not ready at first, one byte written at a time: each driver
/// still delivers the whole response (the harness checks it against the
/// contract), a 101, the application's refusal or a rule's rejection, and
/// met a step not ready on every call it made: `Poll::Pending` for the
/// async driver, a wait for the blocking one.
#[test]
fn pending_on_every_step_still_delivers_everything() {
    let config = ValidConfig::default();
    let refusal = Decision::Reject { status: 403, fields: vec![], body: "no\n".into() };
    let post = &b"POST / HTTP/1.1\r\n\r\n"[..];
    for (request, decision, status) in
        [(VALID, Decision::Accept, 101), (VALID, refusal, 403), (post, Decision::Accept, 405)]
    {
        let mut steps = Vec::new();
        for byte in request {
            steps.extend([Read::Pending, Read::Data(vec![*byte])]);
        }
        steps.extend([Read::Pending, Read::Eof]);
        let schedule = Schedule {
            reads: steps,
            writes: (0..400).map(|i| if i % 2 == 0 { Op::Pending } else { Op::Short(1) }).collect(),
            flushes: vec![Op::Pending, Op::Pending],
            shutdowns: vec![Op::Pending, Op::Pending],
            timeouts: vec![Op::Pending],
        };
        let calls: &[Call] = match status {
            101 => &[Call::Read, Call::Write, Call::Flush],
            _ => &[Call::Read, Call::Write, Call::Flush, Call::Shutdown],
        };
        for &driver in Driver::ALL {
            let mem = harness::drive_with(driver, &config, &Limits::default(), schedule.clone(), &decision).unwrap();
            assert!(mem.delivered.starts_with(format!("HTTP/1.1 {status} ").as_bytes()), "{driver:?}");
            if decision == Decision::Accept {
                assert_eq!(mem.delivered, expected_response(&config, request), "{driver:?}");
            }
            for call in calls {
                assert!(mem.pending.contains(call), "{driver:?}: no pending {call:?}");
            }
        }
    }
}

#[test]
fn a_rejection_is_flushed_then_half_closed_then_lingers_until_the_peer_closes() {
    let config = ValidConfig::default();
    let request = b"GET / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello";
    let schedule = reads(vec![Read::Data(request.to_vec()), Read::Data(vec![b'x'; 10_000]), Read::Eof]);
    for &driver in Driver::ALL {
        let Ran { result, script: mem, .. } = ran(driver, Limits::default(), schedule.clone());
        assert!(matches!(result, Err(Error::Rejected { linger: LingerEnd::PeerClosed, .. })), "{driver:?}: {result:?}");
        assert_eq!(mem.at_shutdown.as_deref(), Some(&expected_response(&config, request)[..]), "{driver:?}");
        assert!(mem.unread().is_empty(), "{driver:?}: the linger read everything the client sent");
    }
}

#[test]
fn linger_ends_on_time_and_on_budget() {
    let limits = Limits { linger_bytes: 10_000, ..Limits::default() };
    for &driver in Driver::ALL {
        let silent = reads(vec![Read::Data(b"\x16\x03\x01".to_vec()), Read::Timeout, Read::Timeout, Read::Timeout]);
        let Ran { result, finished, .. } = ran(driver, limits, silent);
        assert!(matches!(result, Err(Error::Rejected { linger: LingerEnd::TimeUp, .. })), "{driver:?}: {result:?}");
        assert_eq!(finished, limits.linger_time, "{driver:?}: lingered exactly the linger time");

        let flood = reads(vec![Read::Data(b"\x16".to_vec()), Read::Data(vec![0; 1 << 20])]);
        let Ran { result, script: mem, .. } = ran(driver, limits, flood);
        assert!(
            matches!(result, Err(Error::Rejected { linger: LingerEnd::BudgetSpent, .. })),
            "{driver:?}: {result:?}"
        );
        let Some(Read::Data(rest)) = mem.unread().front() else { panic!("{driver:?}") };
        assert_eq!(rest.len(), (1 << 20) - 10_000, "{driver:?}: read exactly the budget");
    }
}

#[test]
fn a_stalled_client_gets_408_at_the_deadline() {
    let deadline = Limits::default().handshake_timeout;
    let schedule = reads(vec![Read::Data(b"GET / HTTP/1.1\r\n".to_vec()), Read::Timeout, Read::Eof]);
    for &driver in Driver::ALL {
        let Ran { result, script: mem, finished } = ran(driver, Limits::default(), schedule.clone());
        let Err(Error::Rejected { status: 408, rule: Some(rule), linger: LingerEnd::PeerClosed }) = result else {
            panic!("{driver:?}: {result:?}")
        };
        assert_eq!(rule.number(), "15");
        // The stalled read takes the whole deadline; then the peer closes.
        assert_eq!((mem.time_of_first_write, finished), (Some(deadline), deadline), "{driver:?}");
        assert!(mem.at_shutdown.as_ref().unwrap().starts_with(b"HTTP/1.1 408 Request Timeout\r\n"));
    }
}

/// A stalled read ends only by the driver's own timer: with no head
/// deadline, the async driver waits on it for ever, which the harness
/// reports as a hang (the blocking transport refuses a read without a
/// timeout at once).
#[cfg(feature = "tokio")]
#[test]
fn a_stalled_read_without_a_deadline_is_a_hang() {
    let limits = Limits { handshake_timeout: Duration::MAX, ..Limits::default() };
    let schedule = reads(vec![Read::Data(b"GET /".to_vec()), Read::Timeout]);
    let hang = Driver::Tokio.run(&ValidConfig::default(), &limits, schedule, &Decision::Accept).unwrap_err();
    assert_eq!(hang, "the driver hangs: still running after 3600s");
}

#[test]
fn a_non_blocking_stream_is_an_error_not_a_busy_loop() {
    let config = ValidConfig::default();
    let mut mem = FaultyTransport::new(reads(vec![Read::Data(b"GET /".to_vec()), Read::WouldBlock]));
    let err = accept(&config, Limits::default(), &mut mem, &mut [0; 8192]).unwrap_err();
    let Error::Io { step: Step::ReadHead, status: None, source } = err else { panic!("{err:?}") };
    assert_eq!(source.kind(), ErrorKind::WouldBlock);
    assert!(mem.calls < 10, "{} calls", mem.calls);
}

/// A read that fails after waiting (a reset noticed late) is an error, not
/// a timeout: only `WouldBlock` and `TimedOut` mean the wait ran out.
#[test]
fn a_late_failure_is_an_error_not_a_timeout() {
    let limits = Limits::default();
    for (request, step, waited) in
        [(&b"GET /"[..], Step::ReadHead, limits.handshake_timeout), (b"\x16", Step::Linger, limits.linger_time)]
    {
        let schedule = reads(vec![Read::Data(request.to_vec()), Read::FailLate(ErrorKind::ConnectionReset)]);
        for &driver in Driver::ALL {
            let Ran { result, finished, .. } = ran(driver, limits, schedule.clone());
            let Err(Error::Io { step: failed, source, .. }) = result else { panic!("{driver:?}: {result:?}") };
            assert_eq!((failed, source.kind()), (step, ErrorKind::ConnectionReset), "{driver:?}");
            assert_eq!(finished, waited, "{driver:?}: failed once the wait was over");
        }
    }
}

#[test]
fn the_callers_read_timeout_is_restored() {
    let config = ValidConfig::default();
    let caller = Some(Duration::from_secs(42));
    for request in [VALID, b"POST / HTTP/1.1\r\n\r\n"] {
        let mut mem = FaultyTransport::reading(&[request]);
        mem.read_timeout = caller;
        let _ = run(&config, &mut mem);
        assert_eq!(mem.read_timeout, caller, "{:?}", String::from_utf8_lossy(request));
    }
}

#[test]
fn the_applications_refusal_is_delivered_and_lingered() {
    let config = ValidConfig::default();
    let options = transport::options();
    let mut mem = FaultyTransport::reading(&[VALID, b"more from the client"]);
    let mut buf = [0; 8192];
    let pending = blocking::read_request(&mut mem, &config, &options, &mut buf).unwrap();
    assert_eq!(pending.request().path(), "/chat");
    let refusal =
        Refusal::new(401).unwrap().with_field("WWW-Authenticate", "Basic").unwrap().with_body("who?\n").unwrap();
    let response = pending.request().reject(&refusal);
    let err = pending.respond(response).unwrap_err();
    assert!(matches!(err, Error::Rejected { status: 401, rule: None, linger: LingerEnd::PeerClosed }), "{err:?}");
    let expected = "HTTP/1.1 401 Unauthorized\r\nConnection: close\r\nContent-Type: text/plain; charset=utf-8\r\n\
                    Content-Length: 5\r\nWWW-Authenticate: Basic\r\n\r\nwho?\n";
    assert_eq!(String::from_utf8_lossy(mem.at_shutdown.as_deref().unwrap()), expected);
    assert!(mem.unread().is_empty(), "the linger read what the client sent");
    assert_eq!(err.to_string(), "refused by the application with 401 (linger: PeerClosed)");
}

#[test]
fn the_application_may_choose_an_offered_subprotocol() {
    let config = ValidConfig::default();
    let options = transport::options();
    let request = String::from_utf8_lossy(VALID).replace("\r\n\r\n", "\r\nSec-WebSocket-Protocol: a, b\r\n\r\n");
    let mut mem = FaultyTransport::reading(&[request.as_bytes()]);
    let mut buf = [0; 8192];
    let pending = blocking::read_request(&mut mem, &config, &options, &mut buf).unwrap();
    assert_eq!(pending.request().accept_with(Some("c")), Err(ws_handshake::DecisionError::ProtocolNotOffered));
    let response = pending.request().accept_with(Some("b")).unwrap();
    let upgraded = pending.respond(response).unwrap();
    assert_eq!(upgraded.protocol, Some("b"));
    assert!(String::from_utf8_lossy(&mem.delivered).contains("\r\nSec-WebSocket-Protocol: b\r\n"));
}

#[test]
fn each_failing_step_is_reported_as_an_error() {
    type Fault = fn(&mut Schedule);
    let cases: Vec<(&[u8], Fault, Step)> = vec![
        (VALID, |s| s.writes = vec![Op::Fail(ErrorKind::BrokenPipe)], Step::Write),
        (VALID, |s| s.writes = vec![Op::Short(0)], Step::Write),
        (VALID, |s| s.flushes = vec![Op::Fail(ErrorKind::BrokenPipe)], Step::Flush),
        (b"\x16", |s| s.writes = vec![Op::Short(5), Op::Fail(ErrorKind::WouldBlock)], Step::Write),
        (b"\x16", |s| s.flushes = vec![Op::Fail(ErrorKind::ConnectionReset)], Step::Flush),
        (b"\x16", |s| s.shutdowns = vec![Op::Fail(ErrorKind::NotConnected)], Step::Shutdown),
        (b"\x16", |s| s.reads.push(Read::Fail(ErrorKind::ConnectionReset)), Step::Linger),
        (b"GET", |s| s.reads.push(Read::Fail(ErrorKind::ConnectionReset)), Step::ReadHead),
        (b"GET", |s| s.reads.push(Read::WouldBlock), Step::ReadHead),
        (VALID, |s| s.flushes = vec![Op::Pending, Op::Fail(ErrorKind::BrokenPipe)], Step::Flush),
        (b"\x16", |s| s.shutdowns = vec![Op::Pending, Op::Fail(ErrorKind::NotConnected)], Step::Shutdown),
        (b"\x16", |s| s.reads.extend([Read::Pending, Read::Fail(ErrorKind::ConnectionReset)]), Step::Linger),
        // Only a blocking stream has a read timeout.
        (b"GET", |s| s.timeouts = vec![Op::Fail(ErrorKind::InvalidInput)], Step::SetReadTimeout),
        (VALID, |s| s.timeouts = vec![Op::Short(0), Op::Fail(ErrorKind::NotConnected)], Step::SetReadTimeout),
    ];
    for (request, fault, step) in cases {
        let mut schedule = reads(vec![Read::Data(request.to_vec())]);
        fault(&mut schedule);
        let drivers = match step {
            Step::SetReadTimeout => &[Driver::Blocking][..],
            _ => Driver::ALL,
        };
        for &driver in drivers {
            let Ran { result, script: mem, .. } = ran(driver, Limits::default(), schedule.clone());
            let Err(Error::Io { step: failed, .. }) = result else { panic!("{driver:?}: {result:?}") };
            assert_eq!(failed, step, "{driver:?}: {request:?}");
            if step != Step::Linger {
                assert!(mem.at_shutdown.is_none(), "{driver:?}: no half-close after a failed {step:?}");
            }
        }
    }
}

#[test]
fn a_buffer_shorter_than_the_head_limit_is_refused_before_reading() {
    let config = ValidConfig::default();
    let mut mem = FaultyTransport::new(reads(vec![Read::Data(VALID.to_vec())]));
    let err = accept(&config, Limits::default(), &mut mem, &mut [0; 100]).unwrap_err();
    assert!(matches!(err, Error::BufferTooSmall(ws_handshake::BufferTooSmall { required: 8192 })), "{err:?}");
    assert_eq!(mem.calls, 0);
}

#[test]
fn every_split_of_the_head_gives_the_same_response() {
    let config = ValidConfig::default();
    let requests: [&[u8]; 3] = [VALID, b"GET / HTTP/1.1\r\nHost: x\r\n\r\n", b"HEAD / HTTP/1.1\r\n\r\n"];
    for request in requests {
        let expected = expected_response(&config, request);
        for split in 0..=request.len() {
            let (a, b) = request.split_at(split);
            // An empty read would be the end of the stream, so leave it out.
            let steps = [Read::Data(a.to_vec()), Read::Fail(ErrorKind::Interrupted), Read::Data(b.to_vec())];
            let steps: Vec<Read> = steps.into_iter().filter(|r| !matches!(r, Read::Data(d) if d.is_empty())).collect();
            for &driver in Driver::ALL {
                let mem = ran(driver, Limits::default(), reads(steps.clone())).script;
                assert_eq!(mem.delivered, expected, "{driver:?}: split at {split}");
            }
        }
    }
}

#[test]
fn errors_name_the_step_and_the_status() {
    use std::error::Error as _;
    let config = ValidConfig::default();
    let options = transport::options();
    let mut schedule = reads(vec![Read::Data(b"\x16".to_vec())]);
    schedule.flushes = vec![Op::Fail(ErrorKind::ConnectionReset)];
    let err = blocking::accept(FaultyTransport::new(schedule), &config, &options, &mut [0; 8192]).unwrap_err();
    assert_eq!(err.to_string(), "Flush failed while sending 400: connection reset");
    assert_eq!(err.source().map(|source| source.to_string()), Some("connection reset".to_owned()));

    let reset = reads(vec![Read::Data(b"GET".to_vec()), Read::Fail(ErrorKind::ConnectionReset)]);
    let err = blocking::accept(FaultyTransport::new(reset), &config, &options, &mut [0; 8192]).unwrap_err();
    assert_eq!(err.to_string(), "ReadHead failed: connection reset");

    let err = blocking::accept(FaultyTransport::reading(&[b"GET"]), &config, &options, &mut [0; 8192]).unwrap_err();
    assert_eq!(err.to_string(), "rejected with 400 (rule 14, linger: PeerClosed)");
    assert!(err.source().is_none());

    let err = blocking::accept(FaultyTransport::reading(&[]), &config, &options, &mut [0; 10]).unwrap_err();
    assert_eq!(err.to_string(), "the head buffer must hold 8192 bytes");
    assert_eq!(err.source().map(|source| source.to_string()), Some("the head buffer must hold 8192 bytes".into()));
}

/// A stream whose read timeout cannot be read is refused before any read.
#[test]
fn an_unreadable_read_timeout_is_an_error() {
    #[derive(Debug)]
    struct Blind(FaultyTransport);
    impl blocking::Transport for Blind {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            self.0.read(buf)
        }
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0.write(buf)
        }
        fn flush(&mut self) -> std::io::Result<()> {
            self.0.flush()
        }
        fn shutdown_write(&mut self) -> std::io::Result<()> {
            self.0.shutdown_write()
        }
        fn read_timeout(&self) -> std::io::Result<Option<Duration>> {
            Err(ErrorKind::NotConnected.into())
        }
        fn set_read_timeout(&mut self, timeout: Option<Duration>) -> std::io::Result<()> {
            self.0.set_read_timeout(timeout)
        }
    }
    let config = ValidConfig::default();
    let mut stream = Blind(FaultyTransport::reading(&[VALID]));
    let err = blocking::accept(&mut stream, &config, &transport::options(), &mut [0; 8192]).unwrap_err();
    let Error::Io { step: Step::SetReadTimeout, status: None, source } = err else { panic!("{err:?}") };
    assert_eq!(source.kind(), ErrorKind::NotConnected);
    assert_eq!(stream.0.calls, 0, "nothing was read");
}
