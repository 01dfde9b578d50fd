//! The async driver over the async face of the fault-injecting transport,
//! under tokio's paused clock: steps not ready yet are polled again, a
//! stalled read lasts exactly until the driver's timer, and every failing
//! step is reported. The harness's checks run both drivers over the same
//! schedules.
#![cfg(feature = "tokio")]

use std::io::ErrorKind;
use std::time::Duration;

use ws_handshake::delivery::{Limits, LingerEnd};
use ws_handshake::tokio::{Error, Step, accept};
use ws_handshake::{Refusal, ValidConfig};
use ws_handshake_proptests::decision::Decision;
use ws_handshake_proptests::drivers::Driver;
use ws_handshake_proptests::harness;
use ws_handshake_proptests::model::End;
use ws_handshake_proptests::transport::{AsyncFaultyTransport, Call, Op, Read, Schedule};

const VALID: &[u8] = b"GET /chat HTTP/1.1\r\nHost: example.com\r\nUpgrade: websocket\r\n\
Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";

fn reads(reads: Vec<Read>) -> Schedule {
    Schedule { reads, ..Schedule::default() }
}

/// The response the core writes for `request` fed at once with end of stream.
fn expected_response(config: &ValidConfig<'_>, request: &[u8]) -> Vec<u8> {
    harness::run(config, request, &[], End::Eof).response().to_vec()
}

/// `accept` over `stream` under `limits`.
async fn run(stream: &mut AsyncFaultyTransport, limits: Limits) -> Result<usize, Error> {
    let config = ValidConfig::default();
    let mut buf = [0; 8192];
    accept(stream, &config, &limits, &mut buf).await.map(|upgraded| upgraded.request.head_len())
}

/// Every step not ready at first, one byte written at a time: both drivers
/// still deliver the whole response (the harness checks it against the
/// contract), a 101, the application's refusal or a rule's rejection, and
/// each driver met `Pending` on every call it made.
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
            let script = harness::drive_with(driver, &config, schedule.clone(), &decision).unwrap();
            assert!(script.delivered.starts_with(format!("HTTP/1.1 {status} ").as_bytes()), "{driver:?}");
            if decision == Decision::Accept {
                assert_eq!(script.delivered, expected_response(&config, request), "{driver:?}");
            }
            for call in calls {
                assert!(script.pending.contains(call), "{driver:?}: no pending {call:?}");
            }
        }
    }
}

#[tokio::test(start_paused = true)]
async fn a_stalled_client_gets_408_at_the_deadline() {
    let mut stream =
        AsyncFaultyTransport::new(reads(vec![Read::Data(b"GET / HTTP/1.1\r\n".to_vec()), Read::Timeout, Read::Eof]));
    let err = run(&mut stream, Limits::default()).await.unwrap_err();
    let Error::Rejected { status: 408, linger: LingerEnd::PeerClosed, .. } = err else { panic!("{err:?}") };
    // The stalled read lasts until the deadline; then the peer closes.
    let deadline = Limits::default().handshake_timeout;
    assert_eq!(stream.time_of_first_write, Some(deadline));
    assert_eq!(stream.elapsed(), deadline);
    assert!(stream.at_shutdown.as_ref().unwrap().starts_with(b"HTTP/1.1 408 Request Timeout\r\n"));
}

#[tokio::test(start_paused = true)]
async fn linger_ends_on_time_and_on_budget() {
    let limits = Limits { linger_bytes: 10_000, ..Limits::default() };
    let mut stream = AsyncFaultyTransport::new(reads(vec![Read::Data(b"\x16\x03\x01".to_vec()), Read::Timeout]));
    let err = run(&mut stream, limits).await.unwrap_err();
    assert!(matches!(err, Error::Rejected { linger: LingerEnd::TimeUp, .. }), "{err:?}");
    assert_eq!(stream.elapsed(), limits.linger_time, "lingered exactly the linger time");

    let mut stream = AsyncFaultyTransport::new(reads(vec![Read::Data(b"\x16".to_vec()), Read::Data(vec![0; 1 << 20])]));
    let err = run(&mut stream, limits).await.unwrap_err();
    assert!(matches!(err, Error::Rejected { linger: LingerEnd::BudgetSpent, .. }), "{err:?}");
    let Some(Read::Data(rest)) = stream.unread().front() else { panic!() };
    assert_eq!(rest.len(), (1 << 20) - 10_000, "read exactly the budget");
}

/// A read that fails after waiting (a reset noticed late) is an error when
/// the driver's timer fires, not a timeout.
#[tokio::test(start_paused = true)]
async fn a_late_failure_is_an_error_not_a_timeout() {
    let limits = Limits::default();
    for (reads, step, waited) in [
        (
            vec![Read::Data(b"GET /".to_vec()), Read::FailLate(ErrorKind::ConnectionReset)],
            Step::ReadHead,
            limits.handshake_timeout,
        ),
        (
            vec![Read::Data(b"\x16".to_vec()), Read::FailLate(ErrorKind::ConnectionReset)],
            Step::Linger,
            limits.linger_time,
        ),
    ] {
        let mut stream = AsyncFaultyTransport::new(Schedule { reads, ..Schedule::default() });
        let err = run(&mut stream, limits).await.unwrap_err();
        let Error::Io { step: failed, source, .. } = err else { panic!("{err:?}") };
        assert_eq!((failed, source.kind()), (step, ErrorKind::ConnectionReset));
        assert_eq!(stream.elapsed(), waited);
    }
}

/// A stalled read ends only by the driver's timer: without a head deadline
/// it stays pending, polled once, not in a busy loop.
#[tokio::test(start_paused = true)]
async fn a_stalled_read_without_a_deadline_stays_pending() {
    let limits = Limits { handshake_timeout: Duration::MAX, ..Limits::default() };
    let mut stream = AsyncFaultyTransport::new(reads(vec![Read::Data(b"GET /".to_vec()), Read::Timeout]));
    let hour = Duration::from_secs(3600);
    assert!(tokio::time::timeout(hour, run(&mut stream, limits)).await.is_err());
    assert_eq!(stream.calls, 2);
    assert_eq!(stream.elapsed(), hour);
}

#[tokio::test(start_paused = true)]
async fn each_failing_step_is_reported_as_an_error() {
    type Fault = fn(&mut Schedule);
    let cases: Vec<(&[u8], Fault, Step)> = vec![
        (VALID, |s| s.writes = vec![Op::Fail(ErrorKind::BrokenPipe)], Step::Write),
        (VALID, |s| s.writes = vec![Op::Pending, Op::Short(0)], Step::Write),
        (VALID, |s| s.flushes = vec![Op::Pending, Op::Fail(ErrorKind::BrokenPipe)], Step::Flush),
        (b"\x16", |s| s.writes = vec![Op::Short(5), Op::Fail(ErrorKind::WouldBlock)], Step::Write),
        (b"\x16", |s| s.flushes = vec![Op::Fail(ErrorKind::ConnectionReset)], Step::Flush),
        (b"\x16", |s| s.shutdowns = vec![Op::Pending, Op::Fail(ErrorKind::NotConnected)], Step::Shutdown),
        (b"\x16", |s| s.reads.extend([Read::Pending, Read::Fail(ErrorKind::ConnectionReset)]), Step::Linger),
        (b"GET", |s| s.reads.push(Read::Fail(ErrorKind::ConnectionReset)), Step::ReadHead),
        (b"GET", |s| s.reads.push(Read::WouldBlock), Step::ReadHead),
    ];
    for (request, fault, step) in cases {
        let mut schedule = reads(vec![Read::Data(request.to_vec())]);
        fault(&mut schedule);
        let mut stream = AsyncFaultyTransport::new(schedule);
        let err = run(&mut stream, Limits::default()).await.unwrap_err();
        let Error::Io { step: failed, .. } = err else { panic!("{err:?}") };
        assert_eq!(failed, step, "{request:?}");
        if step != Step::Linger {
            assert!(stream.at_shutdown.is_none(), "no half-close after a failed {step:?}");
        }
    }
}

/// The application's refusal goes out whole through not-ready writes and is
/// lingered after.
#[tokio::test(start_paused = true)]
async fn the_applications_refusal_is_delivered_and_lingered() {
    let config = ValidConfig::default();
    let schedule = Schedule {
        reads: vec![Read::Data(VALID.to_vec()), Read::Pending, Read::Data(b"more from the client".to_vec())],
        writes: vec![Op::Pending, Op::Short(7), Op::Pending],
        ..Schedule::default()
    };
    let mut stream = AsyncFaultyTransport::new(schedule);
    let mut buf = [0; 8192];
    let pending = ws_handshake::tokio::read_request(&mut stream, &config, &Limits::default(), &mut buf).await.unwrap();
    let refusal = Refusal::new(401).unwrap().with_body("who?\n").unwrap();
    let response = pending.request().reject(&refusal);
    let err = pending.respond(response).await.unwrap_err();
    assert!(matches!(err, Error::Rejected { status: 401, rule: None, linger: LingerEnd::PeerClosed }), "{err:?}");
    let sent = String::from_utf8_lossy(stream.at_shutdown.as_deref().unwrap()).into_owned();
    assert!(sent.starts_with("HTTP/1.1 401 Unauthorized\r\n") && sent.ends_with("\r\n\r\nwho?\n"), "{sent}");
    assert!(stream.unread().is_empty(), "the linger read what the client sent");
    assert_eq!(stream.pending, [Call::Write, Call::Write, Call::Read]);
}
