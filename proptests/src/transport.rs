//! A deterministic in-memory transport for the drivers: reads follow a
//! script, writes, flushes and the half-close fail, come up short or are not
//! ready yet when a [`Schedule`] says so. One [`Script`] plays the schedule
//! and records what reached the peer, when the write side was shut down,
//! and every fault it injected, so that a test can tell an I/O error the
//! driver had to report from one it made up. It has two faces, each a thin
//! layer that waits in its driver's way: [`FaultyTransport`], a blocking
//! `Transport` on a virtual clock, and `AsyncFaultyTransport` (feature
//! `tokio`), a tokio `AsyncRead + AsyncWrite` on tokio's paused clock.

use std::collections::VecDeque;
use std::io::{self, ErrorKind};
use std::time::Duration;

use proptest::prelude::*;
use proptest::sample::select;

mod blocking;
#[cfg(feature = "tokio")]
mod tokio;

#[cfg(feature = "tokio")]
pub use self::tokio::AsyncFaultyTransport;
pub use blocking::{FaultyTransport, clock, elapsed, options};

/// The calls a fault can be injected into.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Call {
    /// `read`.
    Read,
    /// `write`.
    Write,
    /// `flush`.
    Flush,
    /// `shutdown_write` (blocking), `shutdown` (async).
    Shutdown,
    /// `set_read_timeout` (blocking only).
    SetReadTimeout,
}

/// What one `read` call does.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Read {
    /// Returns these bytes (as many as fit; the rest stay for the next read).
    Data(Vec<u8>),
    /// Returns `Ok(0)`: the client closed its side.
    Eof,
    /// Nothing arrives before the driver's timeout: a blocking read waits
    /// out its read timeout (the virtual clock jumps by it), then
    /// `WouldBlock`; an async read stays pending until the driver's timer
    /// fires. Not a fault: it is how a stream waits.
    Timeout,
    /// `WouldBlock` at once, as from a non-blocking stream; no time passes.
    WouldBlock,
    /// The read waits out its timeout, as [`Read::Timeout`] does, then fails
    /// with this kind: a reset noticed late.
    FailLate(ErrorKind),
    /// Fails with this kind.
    Fail(ErrorKind),
    /// Not ready yet: an async read returns `Poll::Pending` with its waker
    /// woken at once, so the driver must poll again; a blocking read waits
    /// through it (no time passes) and does what the next step says.
    Pending,
}

/// What one `write`, `flush`, half-close or `set_read_timeout` call does.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Op {
    /// Succeeds, taking at most this many bytes (the other calls ignore the
    /// number).
    Short(usize),
    /// Fails with this kind.
    Fail(ErrorKind),
    /// Not ready yet, as [`Read::Pending`]: the async call returns
    /// `Poll::Pending` and is polled again, the blocking one waits through
    /// it; either way the next step decides.
    Pending,
}

/// The faults a transport injects, call by call. Past the end of a list,
/// calls succeed in full (and reads see end-of-stream).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Schedule {
    /// One entry per `read` call.
    pub reads: Vec<Read>,
    /// One entry per `write` call.
    pub writes: Vec<Op>,
    /// One entry per `flush` call.
    pub flushes: Vec<Op>,
    /// One entry per half-close.
    pub shutdowns: Vec<Op>,
    /// One entry per `set_read_timeout` call (blocking only).
    pub timeouts: Vec<Op>,
}

/// How many calls the driver may make before the transport calls it a loop
/// without progress.
pub const MAX_CALLS: usize = 100_000;

/// A schedule being played, and the record of what the driver did through
/// it: what both faces of the transport share. Each face reads it as its
/// own fields.
#[derive(Debug)]
pub struct Script {
    reads: VecDeque<Read>,
    writes: VecDeque<Op>,
    flushes: VecDeque<Op>,
    shutdowns: VecDeque<Op>,
    timeouts: VecDeque<Op>,
    written: Vec<u8>,
    /// The bytes flushed to the peer, in order.
    pub delivered: Vec<u8>,
    /// What had been delivered when the write side was shut down.
    pub at_shutdown: Option<Vec<u8>>,
    /// Whether anything was written after the shutdown.
    pub wrote_after_shutdown: bool,
    /// How many bytes the reads had handed out, and how far the face's
    /// clock had run, when the write side was shut down: where the linger
    /// starts.
    pub shutdown_at: Option<(usize, Duration)>,
    /// Whether a read returned the end of the stream after the shutdown.
    pub eof_after_shutdown: bool,
    /// The largest buffer a `read` was given.
    pub largest_read: usize,
    /// Every byte the reads handed out, in order.
    pub received: Vec<u8>,
    /// How many bytes the reads had handed out when the first write came:
    /// what the response answers.
    pub read_before_writing: Option<usize>,
    /// How far the face's clock had run when the first write came.
    pub time_of_first_write: Option<Duration>,
    /// Whether a read had returned the end of the stream before the first
    /// write.
    pub eof_before_writing: bool,
    /// Every fault injected, by call and error kind (a write of zero bytes
    /// as `WriteZero`).
    pub injected: Vec<(Call, ErrorKind)>,
    /// Every step that was not ready yet ([`Read::Pending`], [`Op::Pending`]),
    /// by call.
    pub pending: Vec<Call>,
    /// How many calls the driver made.
    pub calls: usize,
}

/// What a read does that each face waits out in its own way.
enum Wait {
    /// Not ready yet ([`Read::Pending`]).
    NotReady,
    /// Nothing arrives before the driver's timeout; then the read fails
    /// with this kind, if any ([`Read::Timeout`], [`Read::FailLate`]).
    Stall(Option<ErrorKind>),
}

impl Script {
    fn new(schedule: Schedule) -> Self {
        Script {
            reads: schedule.reads.into(),
            writes: schedule.writes.into(),
            flushes: schedule.flushes.into(),
            shutdowns: schedule.shutdowns.into(),
            timeouts: schedule.timeouts.into(),
            written: Vec::new(),
            delivered: Vec::new(),
            at_shutdown: None,
            wrote_after_shutdown: false,
            shutdown_at: None,
            eof_after_shutdown: false,
            largest_read: 0,
            received: Vec::new(),
            read_before_writing: None,
            time_of_first_write: None,
            eof_before_writing: false,
            injected: Vec::new(),
            pending: Vec::new(),
            calls: 0,
        }
    }

    /// The read steps not yet taken.
    pub fn unread(&self) -> &VecDeque<Read> {
        &self.reads
    }

    /// Records an injected fault and returns it as an error.
    fn inject(&mut self, call: Call, kind: ErrorKind) -> io::Error {
        self.injected.push((call, kind));
        kind.into()
    }

    /// Counts a call; past [`MAX_CALLS`], the error that ends a loop.
    fn call(&mut self) -> io::Result<()> {
        self.calls += 1;
        if self.calls > MAX_CALLS {
            return Err(io::Error::other("the driver loops without progress"));
        }
        Ok(())
    }

    /// One read into `buf`: its result, or how it waits.
    fn read(&mut self, buf: &mut [u8]) -> Result<io::Result<usize>, Wait> {
        if let Err(e) = self.call() {
            return Ok(Err(e));
        }
        self.largest_read = self.largest_read.max(buf.len());
        match self.reads.pop_front() {
            None | Some(Read::Eof) => {
                self.eof_before_writing |= self.read_before_writing.is_none();
                self.eof_after_shutdown |= self.shutdown_at.is_some();
                Ok(Ok(0))
            }
            Some(Read::Data(mut data)) => {
                let n = data.len().min(buf.len());
                buf[..n].copy_from_slice(&data[..n]);
                if n < data.len() {
                    self.reads.push_front(Read::Data(data.split_off(n)));
                }
                self.received.extend_from_slice(&data[..n]);
                Ok(Ok(n))
            }
            Some(Read::Timeout) => Err(Wait::Stall(None)),
            Some(Read::FailLate(kind)) => Err(Wait::Stall(Some(kind))),
            Some(Read::WouldBlock) => Ok(Err(self.inject(Call::Read, ErrorKind::WouldBlock))),
            Some(Read::Fail(kind)) => Ok(Err(self.inject(Call::Read, kind))),
            Some(Read::Pending) => {
                self.pending.push(Call::Read);
                Err(Wait::NotReady)
            }
        }
    }

    /// The next step of `call`, which is not a read: `None` when it is not
    /// ready yet, else how many bytes it may take or its injected failure.
    fn take(&mut self, call: Call) -> Option<io::Result<usize>> {
        if let Err(e) = self.call() {
            return Some(Err(e));
        }
        let step = match call {
            Call::Write => self.writes.pop_front(),
            Call::Flush => self.flushes.pop_front(),
            Call::Shutdown => self.shutdowns.pop_front(),
            Call::SetReadTimeout => self.timeouts.pop_front(),
            // Reads follow their own steps (`read`).
            Call::Read => None,
        };
        match step {
            None => Some(Ok(usize::MAX)),
            Some(Op::Short(n)) => Some(Ok(n)),
            Some(Op::Fail(kind)) => Some(Err(self.inject(call, kind))),
            Some(Op::Pending) => {
                self.pending.push(call);
                None
            }
        }
    }

    /// One write of `buf`, `now` on the face's clock; `None` when it is not
    /// ready yet.
    fn write(&mut self, buf: &[u8], now: Duration) -> Option<io::Result<usize>> {
        self.wrote_after_shutdown |= self.at_shutdown.is_some();
        self.read_before_writing.get_or_insert(self.received.len());
        self.time_of_first_write.get_or_insert(now);
        let n = match self.take(Call::Write)? {
            Ok(n) => n.min(buf.len()),
            Err(e) => return Some(Err(e)),
        };
        if n == 0 && !buf.is_empty() {
            self.injected.push((Call::Write, ErrorKind::WriteZero));
        }
        self.written.extend_from_slice(&buf[..n]);
        Some(Ok(n))
    }

    /// One flush: what was written reaches the peer.
    fn flush(&mut self) -> Option<io::Result<()>> {
        let taken = self.take(Call::Flush)?;
        Some(taken.map(|_| self.delivered.append(&mut self.written)))
    }

    /// One half-close, `now` on the face's clock.
    fn shutdown(&mut self, now: Duration) -> Option<io::Result<()>> {
        let taken = self.take(Call::Shutdown)?;
        Some(taken.map(|_| {
            self.at_shutdown = Some(self.delivered.clone());
            self.shutdown_at = Some((self.received.len(), now));
        }))
    }
}

/// The error kinds a stream may fail with, retried or not.
fn kind() -> impl Strategy<Value = ErrorKind> {
    select(
        &[
            ErrorKind::Interrupted,
            ErrorKind::Interrupted,
            ErrorKind::WouldBlock,
            ErrorKind::TimedOut,
            ErrorKind::BrokenPipe,
            ErrorKind::ConnectionReset,
            ErrorKind::Other,
        ][..],
    )
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![4 => (0usize..64).prop_map(Op::Short), 1 => kind().prop_map(Op::Fail), 2 => Just(Op::Pending)]
}

/// A fault schedule for sending `bytes`: the bytes cut into reads with
/// timeouts, `WouldBlock`s, failures and steps not ready among them, an
/// optional end-of-stream, and short, failing or not-ready writes, flushes
/// and half-closes.
pub fn schedule(bytes: Vec<u8>) -> impl Strategy<Value = Schedule> {
    let len = bytes.len();
    let read_fault = prop_oneof![
        2 => Just(Read::WouldBlock),
        1 => Just(Read::Timeout),
        2 => kind().prop_map(Read::Fail),
        1 => kind().prop_map(Read::FailLate),
        2 => Just(Read::Pending),
    ];
    (
        prop::collection::vec((0..=len, prop::option::of(read_fault)), 0..6),
        prop::collection::vec(prop_oneof![Just(Read::Eof), Just(Read::Timeout), Just(Read::Data(vec![0; 100]))], 0..3),
        prop::collection::vec(op(), 0..12),
        prop::collection::vec(op(), 0..3),
        prop::collection::vec(op(), 0..3),
        prop::collection::vec(op(), 0..3),
    )
        .prop_map(move |(mut cuts, tail, writes, flushes, shutdowns, timeouts)| {
            cuts.sort_by_key(|(at, _)| *at);
            let mut reads = Vec::new();
            let mut from = 0;
            for (at, fault) in cuts {
                if at > from {
                    reads.push(Read::Data(bytes[from..at].to_vec()));
                    from = at;
                }
                reads.extend(fault);
            }
            if from < len {
                reads.push(Read::Data(bytes[from..].to_vec()));
            }
            reads.extend(tail);
            Schedule { reads, writes, flushes, shutdowns, timeouts }
        })
}
