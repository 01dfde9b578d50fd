//! The async driver (feature `tokio`): a [`Handshake`] and a [`Delivery`](crate::delivery::Delivery)
//! over any tokio `AsyncRead + AsyncWrite + Unpin` stream, in a loop that
//! does what the delivery policy says, exactly as [`crate::blocking`] does
//! for blocking streams: the same deadline and 408, the whole response
//! written and flushed, and after an error response the half-close and the
//! bounded linger.
//!
//! The driver owns the deadline: do not wrap [`read_request`] or
//! [`Pending::respond`] in `tokio::time::timeout`. Dropping either future
//! drops the connection wherever it was, without the 408 a stalled client
//! is owed or the linger that keeps an error response from being destroyed
//! by a reset: they are not cancel-safe, by design, and need no outer
//! timeout. (A response the client never reads can hold a write for ever;
//! bound that with the stream's own write timeout if you need to.)
//!
//! After a 101, the frames go to a frame library with the bytes read past
//! the head: tokio-tungstenite takes them in
//! `WebSocketStream::from_partially_read(stream, leftover.to_vec(), Role::Server, None)`;
//! for a library that takes a raw stream, wrap it in [`Replay`] first.
//!
//! This module uses the crate's public items only.

mod replay;

use std::io::{self, ErrorKind};
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::time::{Instant, timeout};

use crate::delivery::{DISCARD_CHUNK, Limits, Next, Outcome};
pub use crate::driver::{Error, Step, Upgraded};
use crate::driver::{Head, Session};
use crate::{Handshake, Request, Response, ValidConfig};
pub use replay::Replay;

/// A valid request whose answer the application has not given yet. The
/// head deadline no longer runs.
#[derive(Debug)]
#[must_use = "the client waits for an answer: call `respond`"]
pub struct Pending<'a, S> {
    connection: Connection<S>,
    request: Request<'a>,
}

impl<'a, S: AsyncRead + AsyncWrite + Unpin> Pending<'a, S> {
    /// The request, to inspect before answering.
    pub const fn request(&self) -> &Request<'a> {
        &self.request
    }

    /// Sends `response`, which must come from this pending request: after a
    /// 101, the upgraded stream; after a refusal, [`Error::Rejected`] once
    /// it is delivered and lingered.
    pub async fn respond(mut self, response: Response<'a>) -> Result<Upgraded<'a, S>, Error> {
        // `self` is used in place, not taken apart into locals: a copy of
        // the connection would double the future's size.
        self.connection.session.respond(&response);
        self.connection.run(None).await?;
        let request = self.request;
        Ok(Upgraded {
            stream: self.connection.stream,
            request,
            protocol: response.protocol(),
            leftover: request.leftover(),
        })
    }
}

/// Reads the head from `stream` into `buf` (at least `config.max_head_len`
/// bytes) under the head deadline of `limits`. A valid request comes back
/// for the application to answer; any broken rule is answered here and
/// reported as [`Error::Rejected`] once delivered. Allocates nothing.
pub async fn read_request<'a, S: AsyncRead + AsyncWrite + Unpin>(
    stream: S,
    config: &'a ValidConfig<'a>,
    limits: &Limits,
    buf: &'a mut [u8],
) -> Result<Pending<'a, S>, Error> {
    let handshake = Handshake::new(config, buf).map_err(Error::BufferTooSmall)?;
    let mut connection = Connection::new(stream, limits);
    match connection.run(Some(handshake)).await? {
        Some(request) => Ok(Pending { connection, request }),
        // While a head is read, `run` ends with a request or an error.
        None => Err(connection.session.fail(Step::ReadHead, io::Error::other("the delivery ended before the head"))),
    }
}

/// Runs the whole handshake with the contract's defaults: reads the head,
/// accepts a valid request with the configured subprotocol, and returns the
/// upgraded stream; or delivers the error response and returns
/// [`Error::Rejected`].
pub async fn accept<'a, S: AsyncRead + AsyncWrite + Unpin>(
    stream: S,
    config: &'a ValidConfig<'a>,
    limits: &Limits,
    buf: &'a mut [u8],
) -> Result<Upgraded<'a, S>, Error> {
    let pending = read_request(stream, config, limits, buf).await?;
    let response = pending.request().accept();
    pending.respond(response).await
}

/// How many bytes one discarding read takes at most: a quarter of
/// [`DISCARD_CHUNK`], because this buffer is part of every connection's
/// future, pending handshakes included, where it would otherwise be the
/// largest thing after the head buffer. Draining the default linger of
/// 4 MiB takes 4,096 reads.
const SCRATCH_LEN: usize = DISCARD_CHUNK / 4;

/// A stream, its delivery and the time it started.
#[derive(Debug)]
struct Connection<S> {
    stream: S,
    session: Session,
    origin: Instant,
}

impl<S: AsyncRead + AsyncWrite + Unpin> Connection<S> {
    fn new(stream: S, limits: &Limits) -> Self {
        Connection { stream, session: Session::new(limits), origin: Instant::now() }
    }

    /// Does what the delivery says until it is done, or until `handshake`
    /// (while the head is read) decides on a valid request, which it returns.
    async fn run<'a>(&mut self, mut handshake: Option<Handshake<'a>>) -> Result<Option<Request<'a>>, Error> {
        let mut scratch = [0; SCRATCH_LEN];
        loop {
            let head = match self.session.delivery.poll(self.origin.elapsed()) {
                Next::ReadHead { timeout: wait } => {
                    let Some(reading) = handshake.as_mut() else { return Ok(None) };
                    let read = read_within(&mut self.stream, reading.unfilled(), wait).await;
                    let Some(n) = read.map_err(|e| self.session.fail(Step::ReadHead, e))? else { continue };
                    self.session.took(&mut handshake, n)
                }
                Next::HeadTimedOut => self.session.timed_out(&mut handshake),
                Next::Write(bytes) => {
                    let written = self.stream.write(bytes).await;
                    self.session.wrote(written)?;
                    continue;
                }
                Next::Flush => {
                    let flushed = self.stream.flush().await;
                    self.session.flushed(flushed)?;
                    continue;
                }
                Next::Shutdown => {
                    let shut_down = self.stream.shutdown().await;
                    self.session.shut_down(shut_down)?;
                    continue;
                }
                Next::Discard { max, timeout: wait } => {
                    let buf = scratch.get_mut(..max.min(SCRATCH_LEN)).unwrap_or_default();
                    let read = read_within(&mut self.stream, buf, Some(wait)).await;
                    if let Some(n) = read.map_err(|e| self.session.fail(Step::Linger, e))? {
                        self.session.delivery.discarded(n);
                    }
                    continue;
                }
                Next::Done(Outcome::Upgraded) => return Ok(None),
                Next::Done(Outcome::Closed(linger)) => return Err(self.session.rejected(linger)),
            };
            match head {
                Head::Reading => {}
                Head::Request(request) => return Ok(Some(request)),
                Head::Gone => return Ok(None),
            }
        }
    }
}

/// One read that waits at most `wait` (`None`: as long as it takes):
/// `Some(n)` for its bytes (0 at the end of the stream), `None` when the wait
/// ran out or a signal interrupted it.
async fn read_within<S: AsyncRead + Unpin>(
    stream: &mut S,
    buf: &mut [u8],
    wait: Option<Duration>,
) -> io::Result<Option<usize>> {
    let read = match wait {
        Some(wait) => match timeout(wait, stream.read(buf)).await {
            Ok(read) => read,
            Err(_) => return Ok(None),
        },
        None => stream.read(buf).await,
    };
    match read {
        Ok(n) => Ok(Some(n)),
        Err(e) if e.kind() == ErrorKind::Interrupted => Ok(None),
        Err(e) => Err(e),
    }
}
