//! What every driver reports: the upgraded stream, or why there is none.
//! The blocking driver and the async one (feature `tokio`) share these.

use std::io;

use crate::delivery::LingerEnd;
use crate::{BufferTooSmall, Request, Rule};

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
