//! The async face of the transport (feature `tokio`): a tokio
//! `AsyncRead + AsyncWrite` for `ws_handshake::tokio`, timed by tokio's
//! clock, which is meant to be paused (`start_paused`). A step that is not
//! ready yet returns `Poll::Pending` with the waker woken at once: a real
//! pending, which the driver must poll again, never a hang. A read that
//! stalls ([`Read::Timeout`](super::Read::Timeout),
//! [`Read::FailLate`](super::Read::FailLate)) stays pending and wakes no
//! one: only the driver's timer can end it, and paused time jumps straight
//! to that timer.

use std::io::{self, ErrorKind};
use std::ops::Deref;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use ::tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use ::tokio::time::Instant;

use super::{Call, Schedule, Script, Wait};

/// The in-memory async stream. It reads as its [`Script`]: what was
/// delivered, injected and so on.
#[derive(Debug)]
pub struct AsyncFaultyTransport {
    script: Script,
    /// When it was made: its clock's origin.
    start: Instant,
    /// The stalled read, if any: when it stalled, and the failure it ends
    /// with once the clock has moved.
    stall: Option<(Instant, Option<ErrorKind>)>,
}

impl AsyncFaultyTransport {
    /// A transport that follows `schedule`, its clock starting now (make it
    /// inside the runtime, so that now is the runtime's paused time).
    pub fn new(schedule: Schedule) -> Self {
        AsyncFaultyTransport { script: Script::new(schedule), start: Instant::now(), stall: None }
    }

    /// How far tokio's clock has run since [`AsyncFaultyTransport::new`].
    pub fn elapsed(&self) -> Duration {
        self.start.elapsed()
    }

    /// The script and its record, once the driver is done.
    pub fn into_script(self) -> Script {
        self.script
    }

    /// The stalled read, polled again. Until the clock moves it stays
    /// pending (a stray poll). Once the clock has moved, the driver's timer
    /// has fired: a late failure fails now; a plain stall stays pending once
    /// more (woken at once) while the driver's timeout drops the read, and
    /// the next read takes the next step.
    fn poll_stalled(&mut self, cx: &mut Context<'_>, since: Instant, fail: Option<ErrorKind>) -> Poll<io::Result<()>> {
        if Instant::now() == since {
            return Poll::Pending;
        }
        self.stall = None;
        match fail {
            Some(kind) => Poll::Ready(Err(self.script.inject(Call::Read, kind))),
            None => ready(cx, None),
        }
    }
}

impl Deref for AsyncFaultyTransport {
    type Target = Script;

    fn deref(&self) -> &Script {
        &self.script
    }
}

/// A step's poll: ready with its result, or (`None`) pending with the
/// waker woken at once.
fn ready<T>(cx: &mut Context<'_>, step: Option<T>) -> Poll<T> {
    match step {
        Some(done) => Poll::Ready(done),
        None => {
            cx.waker().wake_by_ref();
            Poll::Pending
        }
    }
}

impl AsyncRead for AsyncFaultyTransport {
    fn poll_read(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        if let Some((since, fail)) = this.stall {
            return this.poll_stalled(cx, since, fail);
        }
        match this.script.read(buf.initialize_unfilled()) {
            Ok(read) => Poll::Ready(read.map(|n| buf.advance(n))),
            Err(Wait::NotReady) => ready(cx, None),
            Err(Wait::Stall(fail)) => {
                this.stall = Some((Instant::now(), fail));
                Poll::Pending
            }
        }
    }
}

impl AsyncWrite for AsyncFaultyTransport {
    fn poll_write(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        let now = self.start.elapsed();
        ready(cx, self.get_mut().script.write(buf, now))
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        ready(cx, self.get_mut().script.flush())
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let now = self.start.elapsed();
        ready(cx, self.get_mut().script.shutdown(now))
    }
}
