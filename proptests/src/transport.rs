//! A deterministic in-memory transport for the driver: reads follow a
//! script, writes and flushes fail or come up short when a schedule says so,
//! and a virtual clock ([`clock`]) jumps by the read timeout whenever a read
//! times out. It records what reached the peer, when the write side was shut
//! down, and every fault it injected, so that a test can tell an I/O error
//! the driver had to report from one it made up.

use std::cell::Cell;
use std::collections::VecDeque;
use std::io::{self, ErrorKind};
use std::time::{Duration, Instant};

use proptest::prelude::*;
use proptest::sample::select;
use ws_handshake::blocking::{Options, Transport};

thread_local! {
    /// When this thread's virtual clock started, and how far it has run.
    static CLOCK: (Instant, Cell<Duration>) = (Instant::now(), Cell::new(Duration::ZERO));
}

/// This thread's virtual clock: it moves only when a [`FaultyTransport`]
/// read times out. Give it to the driver as [`Options::clock`].
pub fn clock() -> Instant {
    CLOCK.with(|(start, elapsed)| *start + elapsed.get())
}

/// How far this thread's virtual clock has run since the last
/// [`FaultyTransport::new`].
pub fn elapsed() -> Duration {
    CLOCK.with(|(_, elapsed)| elapsed.get())
}

/// The driver's options under the virtual clock.
pub fn options() -> Options {
    Options { clock, ..Options::default() }
}

/// The calls a fault can be injected into.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Call {
    /// `read`.
    Read,
    /// `write`.
    Write,
    /// `flush`.
    Flush,
    /// `shutdown_write`.
    Shutdown,
    /// `set_read_timeout`.
    SetReadTimeout,
}

/// What one `read` call does.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Read {
    /// Returns these bytes (as many as fit; the rest stay for the next read).
    Data(Vec<u8>),
    /// Returns `Ok(0)`: the client closed its side.
    Eof,
    /// The read timeout expires: the clock jumps by it, then `WouldBlock`.
    /// Not a fault: it is how a blocking stream waits.
    Timeout,
    /// `WouldBlock` at once, as from a non-blocking stream; no time passes.
    WouldBlock,
    /// The read waits out its timeout (the clock jumps by it), then fails
    /// with this kind: a reset noticed late.
    FailLate(ErrorKind),
    /// Fails with this kind.
    Fail(ErrorKind),
}

/// What one `write` or `flush` call does.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Op {
    /// Succeeds, taking at most this many bytes (a flush ignores the number).
    Short(usize),
    /// Fails with this kind.
    Fail(ErrorKind),
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
    /// Whether `shutdown_write` fails.
    pub shutdown_fails: bool,
    /// One entry per `set_read_timeout` call: a failure, or (any `Short`)
    /// success.
    pub timeouts: Vec<Op>,
}

/// How many calls the driver may make before the transport calls it a loop
/// without progress.
pub const MAX_CALLS: usize = 100_000;

/// The in-memory stream.
#[derive(Debug)]
pub struct FaultyTransport {
    reads: VecDeque<Read>,
    writes: VecDeque<Op>,
    flushes: VecDeque<Op>,
    shutdown_fails: bool,
    timeouts: VecDeque<Op>,
    written: Vec<u8>,
    /// The bytes flushed to the peer, in order.
    pub delivered: Vec<u8>,
    /// What had been delivered when the write side was shut down.
    pub at_shutdown: Option<Vec<u8>>,
    /// Whether anything was written after the shutdown.
    pub wrote_after_shutdown: bool,
    /// The read timeout last set.
    pub read_timeout: Option<Duration>,
    /// The largest buffer a `read` was given.
    pub largest_read: usize,
    /// Every byte the reads handed out, in order.
    pub received: Vec<u8>,
    /// How many bytes the reads had handed out when the first write came:
    /// what the response answers.
    pub read_before_writing: Option<usize>,
    /// How far the virtual clock had run when the first write came.
    pub time_of_first_write: Option<Duration>,
    /// Whether a read had returned the end of the stream before the first
    /// write.
    pub eof_before_writing: bool,
    /// Every fault injected, by call and error kind (a write of zero bytes
    /// as `WriteZero`).
    pub injected: Vec<(Call, ErrorKind)>,
    /// How many calls the driver made.
    pub calls: usize,
}

impl FaultyTransport {
    /// A transport that follows `schedule`.
    pub fn new(schedule: Schedule) -> Self {
        FaultyTransport {
            reads: schedule.reads.into(),
            writes: schedule.writes.into(),
            flushes: schedule.flushes.into(),
            shutdown_fails: schedule.shutdown_fails,
            timeouts: schedule.timeouts.into(),
            written: Vec::new(),
            delivered: Vec::new(),
            at_shutdown: None,
            wrote_after_shutdown: false,
            read_timeout: None,
            largest_read: 0,
            received: Vec::new(),
            read_before_writing: None,
            time_of_first_write: None,
            eof_before_writing: false,
            injected: Vec::new(),
            calls: 0,
        }
        .with_clock_reset()
    }

    fn with_clock_reset(self) -> Self {
        CLOCK.with(|(_, elapsed)| elapsed.set(Duration::ZERO));
        self
    }

    /// Records an injected fault and returns it as an error.
    fn inject(&mut self, call: Call, kind: ErrorKind) -> io::Error {
        self.injected.push((call, kind));
        kind.into()
    }

    /// A transport whose reads hand out `chunks` and then end the stream.
    pub fn reading(chunks: &[&[u8]]) -> Self {
        let reads = chunks.iter().filter(|chunk| !chunk.is_empty()).map(|chunk| Read::Data(chunk.to_vec())).collect();
        FaultyTransport::new(Schedule { reads, ..Schedule::default() })
    }

    /// The read steps not yet taken.
    pub fn unread(&self) -> &VecDeque<Read> {
        &self.reads
    }

    fn call(&mut self) -> io::Result<()> {
        self.calls += 1;
        if self.calls > MAX_CALLS {
            return Err(io::Error::other("the driver loops without progress"));
        }
        Ok(())
    }
}

impl Transport for FaultyTransport {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.call()?;
        self.largest_read = self.largest_read.max(buf.len());
        match self.reads.pop_front() {
            None | Some(Read::Eof) => {
                self.eof_before_writing |= self.read_before_writing.is_none();
                Ok(0)
            }
            Some(Read::Data(mut data)) => {
                let n = data.len().min(buf.len());
                buf[..n].copy_from_slice(&data[..n]);
                if n < data.len() {
                    self.reads.push_front(Read::Data(data.split_off(n)));
                }
                self.received.extend_from_slice(&data[..n]);
                Ok(n)
            }
            Some(read @ (Read::Timeout | Read::FailLate(_))) => {
                let Some(timeout) = self.read_timeout else {
                    return Err(io::Error::other("a blocking read without a timeout would hang"));
                };
                CLOCK.with(|(_, elapsed)| elapsed.set(elapsed.get() + timeout));
                match read {
                    Read::FailLate(kind) => Err(self.inject(Call::Read, kind)),
                    _ => Err(ErrorKind::WouldBlock.into()),
                }
            }
            Some(Read::WouldBlock) => Err(self.inject(Call::Read, ErrorKind::WouldBlock)),
            Some(Read::Fail(kind)) => Err(self.inject(Call::Read, kind)),
        }
    }

    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.call()?;
        self.wrote_after_shutdown |= self.at_shutdown.is_some();
        self.read_before_writing.get_or_insert(self.received.len());
        self.time_of_first_write.get_or_insert(elapsed());
        let n = match self.writes.pop_front() {
            None => buf.len(),
            Some(Op::Short(n)) => n.min(buf.len()),
            Some(Op::Fail(kind)) => return Err(self.inject(Call::Write, kind)),
        };
        if n == 0 && !buf.is_empty() {
            self.injected.push((Call::Write, ErrorKind::WriteZero));
        }
        self.written.extend_from_slice(&buf[..n]);
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.call()?;
        if let Some(Op::Fail(kind)) = self.flushes.pop_front() {
            return Err(self.inject(Call::Flush, kind));
        }
        self.delivered.append(&mut self.written);
        Ok(())
    }

    fn shutdown_write(&mut self) -> io::Result<()> {
        self.call()?;
        if self.shutdown_fails {
            return Err(self.inject(Call::Shutdown, ErrorKind::NotConnected));
        }
        self.at_shutdown = Some(self.delivered.clone());
        Ok(())
    }

    fn read_timeout(&self) -> io::Result<Option<Duration>> {
        Ok(self.read_timeout)
    }

    fn set_read_timeout(&mut self, timeout: Option<Duration>) -> io::Result<()> {
        self.call()?;
        if let Some(Op::Fail(kind)) = self.timeouts.pop_front() {
            return Err(self.inject(Call::SetReadTimeout, kind));
        }
        if timeout == Some(Duration::ZERO) {
            // As `TcpStream` does.
            return Err(io::Error::new(ErrorKind::InvalidInput, "zero timeout"));
        }
        self.read_timeout = timeout;
        Ok(())
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
    prop_oneof![4 => (0usize..64).prop_map(Op::Short), 1 => kind().prop_map(Op::Fail)]
}

/// A fault schedule for sending `bytes`: the bytes cut into reads with
/// timeouts, `WouldBlock`s and failures among them, an optional
/// end-of-stream, and short or failing writes and flushes.
pub fn schedule(bytes: Vec<u8>) -> impl Strategy<Value = Schedule> {
    let len = bytes.len();
    let read_fault = prop_oneof![
        2 => Just(Read::WouldBlock),
        1 => Just(Read::Timeout),
        2 => kind().prop_map(Read::Fail),
        1 => kind().prop_map(Read::FailLate),
    ];
    (
        prop::collection::vec((0..=len, prop::option::of(read_fault)), 0..6),
        prop::collection::vec(prop_oneof![Just(Read::Eof), Just(Read::Timeout), Just(Read::Data(vec![0; 100]))], 0..3),
        prop::collection::vec(op(), 0..12),
        prop::collection::vec(op(), 0..3),
        prop::bool::weighted(0.1),
        prop::collection::vec(op(), 0..3),
    )
        .prop_map(move |(mut cuts, tail, writes, flushes, shutdown_fails, timeouts)| {
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
            Schedule { reads, writes, flushes, shutdown_fails, timeouts }
        })
}
