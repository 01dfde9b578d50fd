//! The blocking driver: runs a [`Handshake`] over a stream and delivers its
//! answer as contract section 5 says.
//!
//! It reads the head into the caller's buffer under the handshake deadline,
//! then either writes and flushes the 101 and hands back the stream with the
//! bytes that followed the head, or writes and flushes the error response,
//! half-closes, and reads and discards what the client still sends (the
//! linger) until the client closes, the linger time passes or the linger
//! byte budget is spent. Closing with unread input would make the kernel
//! send a reset, which can destroy a response the client has not read yet.
//!
//! This is the only code in the crate that touches a stream or a clock.

use std::io::{self, ErrorKind};
use std::net::{Shutdown, TcpStream};
use std::time::{Duration, Instant};

use crate::handshake::Progress;
use crate::{Accepted, Config, ConfigError, Handshake, InsufficientSize, MAX_RESPONSE_LEN, Rejection};

/// What the driver needs of a stream. Implemented for [`TcpStream`]; tests
/// implement it for in-memory streams that inject faults.
pub trait Transport {
    /// Reads into `buf` like [`std::io::Read::read`]; `Ok(0)` is the end of
    /// the stream.
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize>;
    /// Writes some of `buf` like [`std::io::Write::write`].
    fn write(&mut self, buf: &[u8]) -> io::Result<usize>;
    /// Flushes every buffer between the driver and the peer.
    fn flush(&mut self) -> io::Result<()>;
    /// Shuts down the write side, so the peer reads a clean end-of-stream.
    fn shutdown_write(&mut self) -> io::Result<()>;
    /// Bounds how long one `read` may block; `None` removes the bound. A read
    /// that times out fails with [`ErrorKind::WouldBlock`] or
    /// [`ErrorKind::TimedOut`].
    fn set_read_timeout(&mut self, timeout: Option<Duration>) -> io::Result<()>;
    /// The clock the deadlines are measured on: the real one unless a test
    /// transport brings its own.
    fn now(&self) -> Instant {
        Instant::now()
    }
}

impl Transport for TcpStream {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        io::Read::read(self, buf)
    }
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        io::Write::write(self, buf)
    }
    fn flush(&mut self) -> io::Result<()> {
        io::Write::flush(self)
    }
    fn shutdown_write(&mut self) -> io::Result<()> {
        self.shutdown(Shutdown::Write)
    }
    fn set_read_timeout(&mut self, timeout: Option<Duration>) -> io::Result<()> {
        TcpStream::set_read_timeout(self, timeout)
    }
}

impl<T: Transport + ?Sized> Transport for &mut T {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        (**self).read(buf)
    }
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        (**self).write(buf)
    }
    fn flush(&mut self) -> io::Result<()> {
        (**self).flush()
    }
    fn shutdown_write(&mut self) -> io::Result<()> {
        (**self).shutdown_write()
    }
    fn set_read_timeout(&mut self, timeout: Option<Duration>) -> io::Result<()> {
        (**self).set_read_timeout(timeout)
    }
    fn now(&self) -> Instant {
        (**self).now()
    }
}

/// An accepted handshake: the 101 has been written and flushed.
#[derive(Debug)]
pub struct Upgraded<'b, T> {
    /// The stream, its read timeout removed, ready for WebSocket frames.
    pub stream: T,
    /// What the client asked for: path, host, origin, subprotocol.
    pub request: Accepted<'b>,
    /// The bytes that followed the head in the same reads: the client's
    /// first frames, untouched. Read them before the stream.
    pub leftover: &'b [u8],
}

/// The I/O step that failed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Step {
    /// Setting the read timeout of the stream.
    SetReadTimeout,
    /// Reading the request head.
    ReadHead,
    /// Writing the response.
    Write,
    /// Flushing the response.
    Flush,
    /// Shutting down the write side after a rejection.
    Shutdown,
    /// Reading and discarding after a rejection.
    Linger,
}

/// How the linger after a rejection ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LingerEnd {
    /// The client closed its side: it has read the whole response.
    PeerClosed,
    /// The linger time passed first.
    TimeUp,
    /// The linger byte budget was spent first.
    BudgetSpent,
}

/// Why [`accept`] did not return an upgraded stream.
#[derive(Debug)]
#[non_exhaustive]
pub enum Error {
    /// The configuration failed [`Config::validate`]; nothing was read.
    Config(ConfigError),
    /// The buffer is shorter than `max_head_len`; nothing was read.
    BufferTooSmall {
        /// The buffer length needed: `max_head_len`.
        required: usize,
    },
    /// The handshake was refused; the error response was written, flushed
    /// and followed by a half-close and the linger.
    Rejected {
        /// The rule the request broke, which gave the status sent.
        rejection: Rejection,
        /// How the linger ended.
        linger: LingerEnd,
    },
    /// An I/O step failed, so the response may not have been delivered.
    Io {
        /// The step that failed.
        step: Step,
        /// The rejection being sent, or `None` while reading the head or
        /// sending the 101.
        rejection: Option<Rejection>,
        /// The error the stream returned.
        source: io::Error,
    },
}

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Error::Config(error) => write!(f, "invalid configuration: {error}"),
            Error::BufferTooSmall { required } => {
                write!(f, "the head buffer must hold {required} bytes")
            }
            Error::Rejected { rejection, linger } => {
                write!(f, "rejected with {} (linger: {linger:?})", rejection.rule())
            }
            Error::Io { step, rejection: Some(rejection), source } => {
                write!(f, "{step:?} failed while rejecting with {}: {source}", rejection.rule())
            }
            Error::Io { step, rejection: None, source } => write!(f, "{step:?} failed: {source}"),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Config(error) => Some(error),
            Error::Io { source, .. } => Some(source),
            _ => None,
        }
    }
}

/// Runs the server side of a handshake over `stream`, reading the head into
/// `buf`, which must hold at least `config.max_head_len` bytes.
///
/// Returns the upgraded stream after a 101, or an [`Error`] that says which
/// status was sent or which I/O step failed. Never allocates on the way.
pub fn accept<'b, T: Transport>(
    mut stream: T,
    config: &'b Config<'b>,
    buf: &'b mut [u8],
) -> Result<Upgraded<'b, T>, Error> {
    let mut handshake = Handshake::new(config).map_err(Error::Config)?;
    if buf.len() < config.max_head_len {
        return Err(Error::BufferTooSmall { required: config.max_head_len });
    }
    let io_error = |step, source| Error::Io { step, rejection: None, source };
    // A timeout too large for the clock means no deadline.
    let deadline = stream.now().checked_add(config.handshake_timeout);
    let mut filled = 0;
    let mut end_of_stream = false;
    let head_len = loop {
        match handshake.progress(buf.get(..filled).unwrap_or_default(), end_of_stream) {
            Progress::NeedMore => {}
            Progress::Complete(head_len) => break head_len,
            Progress::Rejected(rejection) => return Err(reject(stream, config, rejection)),
        }
        let left = deadline.map(|deadline| deadline.saturating_duration_since(stream.now()));
        if left.is_some_and(|left| left.is_zero()) {
            return Err(reject(stream, config, handshake.timed_out()));
        }
        stream.set_read_timeout(left).map_err(|e| io_error(Step::SetReadTimeout, e))?;
        // Never empty: `progress` decides once `max_head_len` bytes are in.
        let spare = buf.get_mut(filled..).unwrap_or_default();
        match stream.read(spare) {
            Ok(0) => end_of_stream = true,
            Ok(n) => filled += n.min(spare.len()),
            Err(e) if is_retry(&e) => {}
            Err(e) => return Err(io_error(Step::ReadHead, e)),
        }
    };

    let buf: &'b [u8] = buf;
    let received = buf.get(..filled).unwrap_or_default();
    let (head, leftover) = received.split_at(head_len.min(received.len()));
    match handshake.validate(head) {
        Ok(request) => {
            respond(&mut stream, |buf| request.write_response(buf)).map_err(|(step, e)| io_error(step, e))?;
            stream.set_read_timeout(None).map_err(|e| io_error(Step::SetReadTimeout, e))?;
            Ok(Upgraded { stream, request, leftover })
        }
        Err(rejection) => Err(reject(stream, config, rejection)),
    }
}

/// `Interrupted` is retried at once; `WouldBlock` and `TimedOut` are a read
/// timeout expiring, after which the caller looks at its clock.
fn is_retry(error: &io::Error) -> bool {
    matches!(error.kind(), ErrorKind::Interrupted | ErrorKind::WouldBlock | ErrorKind::TimedOut)
}

/// Sends the error response, half-closes and lingers (contract section 5),
/// then drops the stream, closing it.
fn reject<T: Transport>(mut stream: T, config: &Config<'_>, rejection: Rejection) -> Error {
    let io_error = |step, source| Error::Io { step, rejection: Some(rejection), source };
    if let Err((step, e)) = respond(&mut stream, |buf| rejection.write_response(buf)) {
        return io_error(step, e);
    }
    if let Err(e) = stream.shutdown_write() {
        return io_error(Step::Shutdown, e);
    }
    match linger(&mut stream, config) {
        Ok(linger) => Error::Rejected { rejection, linger },
        Err(e) => io_error(Step::Linger, e),
    }
}

/// Writes a response with `write` into a buffer of [`MAX_RESPONSE_LEN`]
/// bytes, which always holds it (the constant is tested exact), and sends it.
fn respond<T: Transport>(
    stream: &mut T,
    write: impl FnOnce(&mut [u8]) -> Result<usize, InsufficientSize>,
) -> Result<(), (Step, io::Error)> {
    let mut response = [0; MAX_RESPONSE_LEN];
    let len = write(&mut response).map_err(|e| (Step::Write, io::Error::other(e)))?;
    send(stream, response.get(..len).unwrap_or_default())
}

/// Writes all of `bytes`, retrying short writes and `Interrupted`, then
/// flushes. Any other error, or a write of zero bytes, fails the step.
fn send<T: Transport>(stream: &mut T, mut bytes: &[u8]) -> Result<(), (Step, io::Error)> {
    while !bytes.is_empty() {
        match stream.write(bytes) {
            Ok(0) => return Err((Step::Write, ErrorKind::WriteZero.into())),
            Ok(n) => bytes = bytes.get(n..).unwrap_or_default(),
            Err(e) if e.kind() == ErrorKind::Interrupted => {}
            Err(e) => return Err((Step::Write, e)),
        }
    }
    loop {
        match stream.flush() {
            Ok(()) => return Ok(()),
            Err(e) if e.kind() == ErrorKind::Interrupted => {}
            Err(e) => return Err((Step::Flush, e)),
        }
    }
}

/// How many bytes one linger read takes at most.
const LINGER_CHUNK: usize = 4096;

/// Reads and discards until the client closes, `linger_time` passes or
/// `linger_bytes` are spent.
fn linger<T: Transport>(stream: &mut T, config: &Config<'_>) -> io::Result<LingerEnd> {
    let start = stream.now();
    let mut budget = config.linger_bytes;
    let mut scratch = [0; LINGER_CHUNK];
    loop {
        if budget == 0 {
            return Ok(LingerEnd::BudgetSpent);
        }
        let spent = stream.now().saturating_duration_since(start);
        let left = config.linger_time.saturating_sub(spent);
        if left.is_zero() {
            return Ok(LingerEnd::TimeUp);
        }
        stream.set_read_timeout(Some(left))?;
        let take = usize::try_from(budget).unwrap_or(LINGER_CHUNK).min(LINGER_CHUNK);
        match stream.read(scratch.get_mut(..take).unwrap_or_default()) {
            Ok(0) => return Ok(LingerEnd::PeerClosed),
            Ok(n) => budget = budget.saturating_sub(u64::try_from(n).unwrap_or(u64::MAX)),
            Err(e) if is_retry(&e) => {}
            Err(e) => return Err(e),
        }
    }
}
