//! What every driver reports (the upgraded stream, or why there is none),
//! and the part of a driver's loop that does no I/O. The blocking driver and
//! the async one (feature `tokio`) share both.

use std::io::{self, ErrorKind};
use std::time::Duration;

use crate::delivery::{Delivery, Limits, LingerEnd};
use crate::{BufferTooSmall, Handshake, Progress, Request, Response, Rule, Status};

/// An accepted handshake: the 101 has been written and flushed.
#[derive(Debug)]
pub struct Upgraded<'a, T> {
    /// The stream, with the read timeout the caller had, ready for
    /// WebSocket frames.
    pub stream: T,
    /// What the client asked for: path, host, origin, subprotocols, fields.
    pub request: Request<'a>,
    /// The subprotocol the 101 selected.
    pub protocol: Option<&'a str>,
    /// The bytes that followed the head in the same reads: the client's
    /// first frames, untouched. Read them before the stream.
    pub leftover: &'a [u8],
}

/// The I/O step that failed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Step {
    /// Reading or setting the read timeout of the stream.
    SetReadTimeout,
    /// Reading the request head.
    ReadHead,
    /// Writing the response.
    Write,
    /// Flushing the response.
    Flush,
    /// Shutting down the write side after an error response.
    Shutdown,
    /// Reading and discarding after an error response.
    Linger,
}

/// Why the driver did not return an upgraded stream.
#[derive(Debug)]
#[non_exhaustive]
pub enum Error {
    /// The buffer is shorter than `max_head_len`; nothing was read.
    BufferTooSmall(BufferTooSmall),
    /// An error response was written, flushed and followed by a half-close
    /// and the linger: a rule's rejection or the application's refusal.
    Rejected {
        /// The status sent.
        status: u16,
        /// The contract rule the request broke; `None` for the application's
        /// refusal.
        rule: Option<Rule>,
        /// How the linger ended.
        linger: LingerEnd,
    },
    /// An I/O step failed, so the response may not have been delivered.
    Io {
        /// The step that failed.
        step: Step,
        /// The status being sent, or `None` while reading the head.
        status: Option<u16>,
        /// The error the stream returned.
        source: io::Error,
    },
}

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Error::BufferTooSmall(error) => error.fmt(f),
            Error::Rejected { status, rule: Some(rule), linger } => {
                write!(f, "rejected with {status} (rule {}, linger: {linger:?})", rule.number())
            }
            Error::Rejected { status, rule: None, linger } => {
                write!(f, "refused by the application with {status} (linger: {linger:?})")
            }
            Error::Io { step, status: Some(status), source } => {
                write!(f, "{step:?} failed while sending {status}: {source}")
            }
            Error::Io { step, status: None, source } => write!(f, "{step:?} failed: {source}"),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::BufferTooSmall(error) => Some(error),
            Error::Io { source, .. } => Some(source),
            Error::Rejected { .. } => None,
        }
    }
}

/// What both drivers do with the delivery policy's answers, apart from the
/// I/O itself: the handshake's decision becomes the response to send, the
/// I/O results move the delivery on (a zero-byte write is an error,
/// `Interrupted` is retried), and errors name the step and the status being
/// sent. A driver is then a loop that polls [`Session::delivery`] and does
/// the I/O it asks for.
#[derive(Debug)]
pub(crate) struct Session {
    /// The delivery policy, polled by the driver.
    pub(crate) delivery: Delivery,
    /// The status and rule of the response being sent, once there is one.
    sending: Option<(u16, Option<Rule>)>,
}

/// Where the head stands after a read or the deadline.
pub(crate) enum Head<'a> {
    /// Still being read, or its rejection is now being sent.
    Reading,
    /// A valid request, for the application.
    Request(Request<'a>),
    /// There is no handshake to read into: the head phase is over.
    Gone,
}

impl Session {
    pub(crate) fn new(limits: &Limits) -> Self {
        Session { delivery: Delivery::new(limits, Duration::ZERO), sending: None }
    }

    /// Sends `response` next.
    pub(crate) fn respond(&mut self, response: &Response<'_>) {
        self.sending = Some((response.status(), response.rule()));
        self.delivery.respond(response);
    }

    /// An I/O error at `step`, naming the status being sent.
    pub(crate) fn fail(&self, step: Step, source: io::Error) -> Error {
        Error::Io { step, status: self.sending.map(|(status, _)| status), source }
    }

    /// `n` bytes were read into `handshake`'s buffer (0: the end of the
    /// stream). A rejection is sent; a valid request is taken out.
    pub(crate) fn took<'a>(&mut self, handshake: &mut Option<Handshake<'a>>, n: usize) -> Head<'a> {
        let Some(reading) = handshake.as_mut() else { return Head::Gone };
        if reading.filled(n) == Status::NeedMore {
            return Head::Reading;
        }
        match handshake.take().map(Handshake::into_progress) {
            Some(Progress::Request(request)) => Head::Request(request),
            Some(Progress::Reject(rejection)) => {
                self.respond(&rejection.response());
                Head::Reading
            }
            Some(Progress::NeedMore(reading)) => {
                *handshake = Some(reading);
                Head::Reading
            }
            None => Head::Gone,
        }
    }

    /// The head deadline passed: `handshake`'s answer (408, or 431) is sent.
    pub(crate) fn timed_out(&mut self, handshake: &mut Option<Handshake<'_>>) -> Head<'static> {
        match handshake.take() {
            Some(reading) => {
                self.respond(&reading.timed_out().response());
                Head::Reading
            }
            None => Head::Gone,
        }
    }

    /// A write of the response returned `written`.
    pub(crate) fn wrote(&mut self, written: io::Result<usize>) -> Result<(), Error> {
        match written {
            Ok(0) => Err(self.fail(Step::Write, ErrorKind::WriteZero.into())),
            Ok(n) => {
                self.delivery.wrote(n);
                Ok(())
            }
            Err(e) if e.kind() == ErrorKind::Interrupted => Ok(()),
            Err(e) => Err(self.fail(Step::Write, e)),
        }
    }

    /// A flush returned `flushed`.
    pub(crate) fn flushed(&mut self, flushed: io::Result<()>) -> Result<(), Error> {
        match flushed {
            Ok(()) => {
                self.delivery.flushed();
                Ok(())
            }
            Err(e) if e.kind() == ErrorKind::Interrupted => Ok(()),
            Err(e) => Err(self.fail(Step::Flush, e)),
        }
    }

    /// The half-close returned `shut_down`.
    pub(crate) fn shut_down(&mut self, shut_down: io::Result<()>) -> Result<(), Error> {
        shut_down.map(|()| self.delivery.shut_down()).map_err(|e| self.fail(Step::Shutdown, e))
    }

    /// What the driver reports once the linger ended with `linger`.
    pub(crate) fn rejected(&self, linger: LingerEnd) -> Error {
        let (status, rule) = self.sending.unwrap_or_default();
        Error::Rejected { status, rule, linger }
    }
}
