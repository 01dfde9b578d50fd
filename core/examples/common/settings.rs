//! What both echo servers do alike: the settings, the application's answer
//! (`--path`), and each connection's log line. Included by `echo_server`
//! (tokio), `echo_server_blocking`, and the loopback tests that run both.

use std::net::SocketAddr;

use ws_handshake::blocking::Error;
use ws_handshake::delivery::Limits;
use ws_handshake::{Refusal, Request, Response, ValidConfig};

/// What a server does with a handshake.
#[derive(Clone, Copy, Debug)]
pub struct Settings {
    /// What the handshake checks.
    pub config: ValidConfig<'static>,
    /// The head deadline and the linger.
    pub limits: Limits,
    /// The paths served; empty serves every path, else any other path gets
    /// `404 Not Found`.
    pub paths: &'static [&'static str],
}

impl Default for Settings {
    /// The contract's defaults, every path served.
    fn default() -> Self {
        Settings { config: ValidConfig::default(), limits: Limits::default(), paths: &[] }
    }
}

impl Settings {
    /// The application's decision: the configured subprotocol for a path
    /// served, `404 Not Found` for any other.
    pub fn answer<'a>(&self, request: &Request<'a>) -> Response<'a> {
        if self.paths.is_empty() || self.paths.contains(&request.path()) {
            request.accept()
        } else {
            request.reject(&NOT_FOUND)
        }
    }
}

/// The answer to a path the server does not serve (checked when compiling).
const NOT_FOUND: Refusal<'static> = match Refusal::new(404) {
    Ok(refusal) => match refusal.with_body("No WebSocket is served at this path.\n") {
        Ok(refusal) => refusal,
        Err(_) => panic!("the body is short"),
    },
    Err(_) => panic!("404 is registered"),
};

/// The start of an accepted connection's log line.
pub fn accepted(peer: SocketAddr, request: &Request<'_>, protocol: Option<&str>) -> String {
    format!("{peer} accepted 101 path={} protocol={}", request.path(), protocol.unwrap_or("-"))
}

/// The log line of a connection that was not upgraded.
pub fn not_upgraded(peer: SocketAddr, error: &Error) -> String {
    match error {
        Error::Rejected { status, rule: Some(rule), linger } => {
            format!("{peer} rejected {status} rule={} linger={linger:?}", rule.number())
        }
        Error::Rejected { status, rule: None, linger } => format!("{peer} refused {status} linger={linger:?}"),
        e => format!("{peer} error - {e}"),
    }
}

/// Writes a connection's log line to standard error in one call: `eprintln!`
/// would make two (the line, then the newline), a cost on every handshake.
/// (`eprint!`, unlike a write to `io::stderr()`, is captured in tests.)
pub fn log(mut line: String) {
    line.push('\n');
    eprint!("{line}");
}
