//! The oracle: judges a WebSocket server's answer to an opening handshake,
//! without calling the code it judges. It computes `Sec-WebSocket-Accept`
//! itself and parses responses on its own, so a bug in the core's writer
//! must be made twice to go unseen.
//!
//! Two judgements:
//!
//! - **Exact** ([`judge_exact`]): this project's answers, held to the
//!   contract's section 4 (`docs/CONTRACT.md`) byte for byte: `HTTP/1.1`,
//!   the canonical reason phrase, exactly the contract's fields in order,
//!   an exact `Content-Length` and one of the published body texts. Any
//!   difference is an error. The property tests, the fuzz targets and the
//!   corpus replay use it; it takes the published body texts, and only
//!   those, from the core (`ws_handshake::Rule::body`).
//! - **Peer** ([`judge_peer`]): any server's answer, by what RFC 6455 and
//!   RFC 9110/9112 allow: any HTTP/1.x response is a response (whatever its
//!   reason phrase, extra fields, body text and framing, a body delimited
//!   by the end of the connection included), and what the RFCs do not allow
//!   for the request is listed as problems, each at its level (MUST or
//!   SHOULD) and in words. Only bytes that are not an HTTP/1.x response are
//!   malformed. What this project's contract asks beyond the RFCs is kept
//!   apart, in [`contract_problems`] and [`contract_status`];
//!   `cargo xtask conform` uses both.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod accept;
mod contract;
mod exact;
mod peer;
mod request;
mod response;
mod text;

pub use accept::{accept_value, expected_accept};
pub use contract::{contract_problems, contract_status};
pub use exact::{Verdict, judge_exact};
pub use peer::{Level, PeerJudgement, PeerVerdict, Problem, judge_peer};
pub use request::offered_protocols;
pub use response::{Framing, Response};
