//! The server side of the WebSocket opening handshake (RFC 6455 section 4.2),
//! answering every possible input as the contract (`docs/CONTRACT.md` in
//! the repository) says: a correct `101 Switching Protocols` for a valid
//! request the application accepts, one well-formed HTTP error response for
//! anything else, fully delivered, and never a panic.
//!
//! Three layers, each usable alone:
//!
//! - [`Handshake`]: sans-IO. Read the client's bytes into
//!   [`Handshake::unfilled`] and report them with [`Handshake::filled`]
//!   until it is decided; [`Handshake::into_progress`] then gives a
//!   [`Progress::Request`] (a valid request for the application to inspect,
//!   then accept or refuse) or a [`Progress::Reject`] (a broken rule). A [`Response`] writes itself into
//!   a buffer of [`MAX_RESPONSE_LEN`] bytes. Nothing allocates.
//! - [`delivery`]: contract section 5 as a state machine with the time
//!   passed in: the head deadline, writing and flushing the whole response,
//!   the half-close and the bounded linger. It says which I/O to do next and
//!   until when.
//! - [`blocking`] (feature `std`, on by default): a driver over a blocking
//!   stream, a thin loop over the two above. It uses public items only, as
//!   any other driver (async, TLS, a Unix socket) would.
//!
//! A driver of your own is a loop like this one, over any blocking
//! [`std::io::Read`] + [`std::io::Write`] (no deadline or linger here: see
//! [`delivery`] for those):
//!
//! ```
//! use std::io::{Read, Write};
//! use ws_handshake::{Handshake, MAX_RESPONSE_LEN, Progress, Refusal, Status, ValidConfig};
//!
//! fn answer(stream: &mut (impl Read + Write), config: &ValidConfig<'_>) -> std::io::Result<bool> {
//!     let mut buf = vec![0; config.max_head_len];
//!     let mut handshake = Handshake::new(config, &mut buf).map_err(std::io::Error::other)?;
//!     loop {
//!         let n = stream.read(handshake.unfilled())?;
//!         if handshake.filled(n) == Status::Decided {
//!             break;
//!         }
//!     }
//!     let progress = handshake.into_progress();
//!     let not_found = Refusal::new(404).map_err(std::io::Error::other)?;
//!     let response = match &progress {
//!         // The application decides: here, only /chat is served.
//!         Progress::Request(request) if request.path() != "/chat" => {
//!             request.reject(&not_found)
//!         }
//!         Progress::Request(request) => request.accept(),
//!         Progress::Reject(rejection) => rejection.response(),
//!         Progress::NeedMore(_) => unreachable!("the loop ends once decided"),
//!     };
//!     let mut out = [0; MAX_RESPONSE_LEN];
//!     let len = response.write(&mut out).map_err(std::io::Error::other)?;
//!     stream.write_all(&out[..len])?;
//!     stream.flush()?;
//!     Ok(response.is_switch())
//! }
//!
//! let request = b"GET /chat HTTP/1.1\r\nHost: example.com\r\nUpgrade: websocket\r\n\
//!     Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\
//!     Sec-WebSocket-Version: 13\r\n\r\n";
//! let mut stream = std::io::Cursor::new(request.to_vec());
//! assert!(answer(&mut stream, &ValidConfig::default())?);
//! # Ok::<(), std::io::Error>(())
//! ```
//!
//! | file | what it holds |
//! |---|---|
//! | `handshake/rules.rs` | the status table: one row per contract rule |
//! | `handshake/parser.rs` | the incremental parser (rule 1, the end of the head) |
//! | `handshake/fields.rs` | what the field lines say, collected as each one ends |
//! | `handshake/validate.rs` | rules 3 to 13 over a complete head |
//! | `handshake/request.rs` | the valid request the application inspects |
//! | `handshake/refusal.rs` | the application's own refusals, checked |
//! | `handshake/abnf.rs` | the grammar pieces, each under its ABNF |
//! | `handshake/words.rs` | runs of field-value bytes, eight bytes at a time |
//! | `handshake/accept_key.rs` | the `Sec-WebSocket-Accept` value |
//! | `handshake/response.rs` | the response writer |
//! | `delivery.rs` | the delivery policy (contract section 5) |
//! | `driver.rs` | what every driver reports, and the part of their loops that does no I/O |
//! | `blocking.rs` | the blocking driver |
//! | `tokio.rs` | the async driver (feature `tokio`) |
//! | `tokio/replay.rs` | `Replay`: the bytes read past the head, then the stream |
#![cfg_attr(not(feature = "std"), no_std)]
#![forbid(unsafe_code)]
#![deny(missing_docs)]
#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing))]

mod handshake;

pub mod delivery;

#[cfg(feature = "std")]
pub mod blocking;

#[cfg(feature = "std")]
pub mod driver;

#[cfg(feature = "tokio")]
pub mod tokio;

pub use handshake::*;

/// The crate README's examples, compiled (and the blocking one run) as tests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeExample;
