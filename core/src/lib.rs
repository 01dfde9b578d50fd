//! The server side of the WebSocket opening handshake (RFC 6455 section 4.2),
//! answering every possible input as `HANDSHAKE-CONTRACT.md` says: a correct
//! `101 Switching Protocols` for a valid request, one well-formed HTTP error
//! response for anything else, and never a panic.
//!
//! The core is sans-IO: [`Handshake::feed`] takes the bytes received so far
//! and whether the stream ended, and returns [`Outcome::NeedMore`],
//! [`Outcome::Accept`] or [`Outcome::Reject`]. The response writers fill a
//! buffer the caller owns ([`MAX_RESPONSE_LEN`] bytes always suffice); no
//! path of a handshake allocates.
//!
//! The [`driver`] module (feature `std`, on by default) runs a handshake over
//! a blocking stream: it reads under a deadline, writes and flushes the
//! response, and after a rejection half-closes and lingers so that the
//! client reads the whole response instead of a reset.
//!
//! | module | what it holds |
//! |---|---|
//! | [`rules`] | the status table: one row per contract rule |
//! | `parser` | the incremental parser (rule 1, the end of the head) |
//! | `fields` | what the field lines say, collected as each one ends |
//! | `validate` | rules 3 to 13 over a complete head |
//! | `abnf` | the grammar pieces, each under its ABNF |
//! | `words` | runs of field-value bytes, eight bytes at a time |
//! | `accept_key` | the `Sec-WebSocket-Accept` value |
//! | `response` | the response writers |
//! | [`driver`] | the blocking driver (contract section 5) |
#![cfg_attr(not(feature = "std"), no_std)]
#![forbid(unsafe_code)]
#![deny(missing_docs)]
#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing))]

mod abnf;
mod accept_key;
mod config;
mod fields;
mod handshake;
mod outcome;
mod parser;
mod response;
pub mod rules;
mod validate;
mod words;

#[cfg(feature = "std")]
pub mod driver;

pub use accept_key::{ACCEPT_KEY_LEN, WEBSOCKET_GUID, accept_key};
pub use config::{Config, ConfigError, MAX_PROTOCOL_LEN, OriginPolicy};
pub use handshake::Handshake;
pub use outcome::{Accepted, Outcome, Rejection};
pub use response::{InsufficientSize, MAX_ACCEPT_LEN, MAX_REJECT_LEN, MAX_RESPONSE_LEN};
pub use rules::Rule;
