//! The blocking driver: a [`Handshake`] and a [`Delivery`](crate::delivery::Delivery) over a blocking
//! stream, in a loop that does what the delivery policy says.
//!
//! [`read_request`] reads the head under the handshake deadline. A broken
//! rule is answered there (written, flushed, half-closed, lingered); a valid
//! request comes back as a [`Pending`] for the application to inspect, and
//! [`Pending::respond`] sends its answer: the 101, after which the stream is
//! the caller's, or its own refusal, delivered like a rejection. [`accept`]
//! does both with the contract's defaults.
//!
//! The stream must be blocking: a read timeout is how the driver waits for
//! the deadline, so a non-blocking stream, whose reads fail with
//! `WouldBlock` at once, is reported as an error instead of being polled in
//! a busy loop. The read timeout the caller had set is restored before the
//! driver returns.
//!
//! This module uses the crate's public items only, as a driver of your own
//! would.

use std::io::{self, ErrorKind};
use std::net::{Shutdown, TcpStream};
use std::time::{Duration, Instant};

use crate::delivery::{DISCARD_CHUNK, Limits, Next, Outcome};
pub use crate::driver::{Error, Step, Upgraded};
use crate::driver::{Head, Session};
use crate::{Handshake, Request, Response, ValidConfig};

/// What the driver needs of a stream: blocking reads with a timeout, writes,
/// flush and a half-close. Implemented for [`TcpStream`]; tests implement it
/// for in-memory streams that inject faults.
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
    /// The bound on how long one `read` may block; `None` is no bound.
    fn read_timeout(&self) -> io::Result<Option<Duration>>;
    /// Bounds how long one `read` may block; `None` removes the bound. A read
    /// that times out fails with [`ErrorKind::WouldBlock`] or
    /// [`ErrorKind::TimedOut`].
    fn set_read_timeout(&mut self, timeout: Option<Duration>) -> io::Result<()>;
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
    fn read_timeout(&self) -> io::Result<Option<Duration>> {
        TcpStream::read_timeout(self)
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
    fn read_timeout(&self) -> io::Result<Option<Duration>> {
        (**self).read_timeout()
    }
    fn set_read_timeout(&mut self, timeout: Option<Duration>) -> io::Result<()> {
        (**self).set_read_timeout(timeout)
    }
}

/// The driver's settings: the delivery policy's limits, and the clock.
#[derive(Clone, Copy, Debug)]
pub struct Options {
    /// The head deadline and the linger (contract section 5).
    pub limits: Limits,
    /// The clock the deadlines are measured on: [`Instant::now`], unless a
    /// simulation brings its own.
    pub clock: fn() -> Instant,
}

impl Default for Options {
    fn default() -> Self {
        Options { limits: Limits::default(), clock: Instant::now }
    }
}

/// A valid request whose answer the application has not given yet. The
/// head deadline no longer runs.
#[derive(Debug)]
#[must_use = "the client waits for an answer: call `respond`"]
pub struct Pending<'a, T: Transport> {
    connection: Connection<T>,
    request: Request<'a>,
}

impl<'a, T: Transport> Pending<'a, T> {
    /// The request, to inspect before answering.
    pub const fn request(&self) -> &Request<'a> {
        &self.request
    }

    /// Sends `response`, which must come from this pending request
    /// ([`Request::accept`], [`Request::accept_with`] or
    /// [`Request::reject`]): after a 101, the upgraded stream; after a
    /// refusal, [`Error::Rejected`] once it is delivered and lingered.
    pub fn respond(self, response: Response<'a>) -> Result<Upgraded<'a, T>, Error> {
        let Pending { mut connection, request } = self;
        connection.session.respond(&response);
        connection.run(None)?;
        Ok(Upgraded {
            stream: connection.finish()?,
            request,
            protocol: response.protocol(),
            leftover: request.leftover(),
        })
    }
}

/// Reads the head from `stream` into `buf` (at least `config.max_head_len`
/// bytes) under the head deadline. A valid request comes back for the
/// application to answer; any broken rule is answered here and reported as
/// [`Error::Rejected`] once delivered. Never allocates.
pub fn read_request<'a, T: Transport>(
    stream: T,
    config: &'a ValidConfig<'a>,
    options: &Options,
    buf: &'a mut [u8],
) -> Result<Pending<'a, T>, Error> {
    let handshake = Handshake::new(config, buf).map_err(Error::BufferTooSmall)?;
    let caller_timeout = match stream.read_timeout() {
        Ok(timeout) => timeout,
        Err(source) => return Err(Error::Io { step: Step::SetReadTimeout, status: None, source }),
    };
    let mut connection = Connection::new(stream, options, caller_timeout);
    match connection.run(Some(handshake))? {
        Some(request) => Ok(Pending { connection, request }),
        // While a head is read, `run` ends with a request or an error.
        None => Err(connection.session.fail(Step::ReadHead, io::Error::other("the delivery ended before the head"))),
    }
}

/// Runs the whole handshake with the contract's defaults: reads the head,
/// accepts a valid request with the configured subprotocol, and returns the
/// upgraded stream; or delivers the error response and returns
/// [`Error::Rejected`]. `buf` holds at least `config.max_head_len` bytes.
pub fn accept<'a, T: Transport>(
    stream: T,
    config: &'a ValidConfig<'a>,
    options: &Options,
    buf: &'a mut [u8],
) -> Result<Upgraded<'a, T>, Error> {
    let pending = read_request(stream, config, options, buf)?;
    let response = pending.request().accept();
    pending.respond(response)
}

/// A stream, its delivery and its clock.
#[derive(Debug)]
struct Connection<T> {
    stream: T,
    session: Session,
    clock: fn() -> Instant,
    /// When the connection started: the delivery's time origin.
    origin: Instant,
    /// The read timeout the caller had, restored at the end.
    caller_timeout: Option<Duration>,
}

impl<T: Transport> Connection<T> {
    fn new(stream: T, options: &Options, caller_timeout: Option<Duration>) -> Self {
        Connection {
            stream,
            session: Session::new(&options.limits),
            clock: options.clock,
            origin: (options.clock)(),
            caller_timeout,
        }
    }

    fn now(&self) -> Duration {
        (self.clock)().saturating_duration_since(self.origin)
    }

    /// Does what the delivery says until it is done, or until `handshake`
    /// (while the head is read) decides on a valid request, which it returns.
    fn run<'a>(&mut self, mut handshake: Option<Handshake<'a>>) -> Result<Option<Request<'a>>, Error> {
        let mut scratch = [0; DISCARD_CHUNK];
        loop {
            let head = match self.session.delivery.poll(self.now()) {
                Next::ReadHead { timeout } => {
                    let Some(reading) = handshake.as_mut() else { return Ok(None) };
                    let Some(n) = self.timed_read(Step::ReadHead, Some(reading), &mut [], timeout)? else { continue };
                    self.session.took(&mut handshake, n)
                }
                Next::HeadTimedOut => self.session.timed_out(&mut handshake),
                Next::Write(bytes) => {
                    let written = self.stream.write(bytes);
                    self.session.wrote(written)?;
                    continue;
                }
                Next::Flush => {
                    let flushed = self.stream.flush();
                    self.session.flushed(flushed)?;
                    continue;
                }
                Next::Shutdown => {
                    let shut_down = self.stream.shutdown_write();
                    self.session.shut_down(shut_down)?;
                    continue;
                }
                Next::Discard { max, timeout } => {
                    let buf = scratch.get_mut(..max).unwrap_or_default();
                    if let Some(n) = self.timed_read(Step::Linger, None, buf, Some(timeout))? {
                        self.session.delivery.discarded(n);
                    }
                    continue;
                }
                Next::Done(Outcome::Upgraded) => return Ok(None),
                Next::Done(Outcome::Closed(linger)) => {
                    self.restore_timeout()?;
                    return Err(self.session.rejected(linger));
                }
            };
            match head {
                Head::Reading => {}
                Head::Request(request) => return Ok(Some(request)),
                Head::Gone => return Ok(None),
            }
        }
    }

    /// One read that waits at most `timeout`, into the handshake's buffer
    /// when there is one, else into `buf`: `Some(n)` for its bytes (0 at the
    /// end of the stream), `None` when the timeout passed or a signal
    /// interrupted it. A read that fails with `WouldBlock` or `TimedOut`
    /// before half its timeout has passed comes from a non-blocking stream:
    /// an error, not a wait.
    fn timed_read(
        &mut self,
        step: Step,
        handshake: Option<&mut Handshake<'_>>,
        buf: &mut [u8],
        timeout: Option<Duration>,
    ) -> Result<Option<usize>, Error> {
        if let Err(e) = self.stream.set_read_timeout(timeout) {
            return Err(self.session.fail(Step::SetReadTimeout, e));
        }
        let buf = match handshake {
            Some(handshake) => handshake.unfilled(),
            None => buf,
        };
        let started = self.now();
        match self.stream.read(buf) {
            Ok(n) => Ok(Some(n)),
            Err(e) if e.kind() == ErrorKind::Interrupted => Ok(None),
            Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {
                let waited = self.now().saturating_sub(started);
                match timeout {
                    Some(timeout) if waited >= timeout / 2 => Ok(None),
                    _ => Err(self.session.fail(step, e)),
                }
            }
            Err(e) => Err(self.session.fail(step, e)),
        }
    }

    fn restore_timeout(&mut self) -> Result<(), Error> {
        let timeout = self.caller_timeout;
        self.stream.set_read_timeout(timeout).map_err(|e| self.session.fail(Step::SetReadTimeout, e))
    }

    /// The stream back, with the caller's read timeout.
    fn finish(mut self) -> Result<T, Error> {
        self.restore_timeout()?;
        Ok(self.stream)
    }
}
