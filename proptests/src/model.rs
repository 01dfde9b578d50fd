//! The model: a small, slow, obviously correct statement of the contract.

use ws_handshake::Config;

/// How the bytes given to the model end.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum End {
    /// The stream is still open and the deadline has not passed.
    Open,
    /// The client closed its side after these bytes.
    Eof,
    /// The handshake deadline passed after these bytes.
    Deadline,
}

/// What the contract says a server does with some bytes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Expected {
    /// Wait for more bytes.
    NeedMore,
    /// Answer 101: the head is `head_len` bytes, it asked for `path`, and the
    /// server selected `protocol`.
    Accept {
        /// Bytes in the head, up to and including its blank line.
        head_len: usize,
        /// The path and query (`/` for an absolute-form target without one).
        path: String,
        /// The selected subprotocol.
        protocol: Option<String>,
    },
    /// Refuse under this contract rule (`"1"`, `"1b"`, ... `"15"`).
    Reject {
        /// The rule's number in the contract's table.
        rule: &'static str,
        /// Whether the request's method was `HEAD` (no body in the answer).
        head_method: bool,
    },
}

/// What the contract says a server configured with `config` does with
/// `bytes`, ended as `end` says.
pub fn expect(config: &Config<'_>, bytes: &[u8], end: End) -> Expected {
    let _ = (config, bytes, end);
    todo!()
}
