//! The echo server's connection handling, shared by `main.rs` and the
//! loopback tests so that both run the same code.

use std::io;
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::{Arc, Condvar, Mutex, PoisonError};
use std::thread;
use std::time::Duration;

use tungstenite::protocol::{Role, WebSocket};
use ws_handshake::blocking::{self, Error, Options};
use ws_handshake::{Refusal, ValidConfig};

/// How long a write to a peer may block, so that a client that stops reading
/// cannot hold a connection slot for ever.
const WRITE_TIMEOUT: Duration = Duration::from_secs(10);

/// What the server does with a handshake.
#[derive(Clone, Copy, Debug)]
pub struct Settings {
    /// What the handshake checks.
    pub config: ValidConfig<'static>,
    /// The head deadline and the linger.
    pub options: Options,
    /// The paths served; empty serves every path, else any other path gets
    /// `404 Not Found`.
    pub paths: &'static [&'static str],
}

/// Accepts connections for ever, each on its own thread, at most
/// `max_connections` at once: beyond that, new connections wait in the
/// listen backlog until a slot frees.
pub fn serve(listener: TcpListener, settings: &'static Settings, max_connections: usize) -> io::Result<()> {
    let slots = Arc::new(Slots { active: Mutex::new(0), freed: Condvar::new() });
    loop {
        slots.acquire(max_connections);
        let (stream, peer) = match listener.accept() {
            Ok(accepted) => accepted,
            Err(e) => {
                slots.release();
                eprintln!("accept failed: {e}");
                continue;
            }
        };
        let slots = Arc::clone(&slots);
        thread::Builder::new().name(format!("conn {peer}")).spawn(move || {
            eprintln!("{}", handle(stream, peer, settings));
            slots.release();
        })?;
    }
}

/// Counts the connections being served.
struct Slots {
    active: Mutex<usize>,
    freed: Condvar,
}

impl Slots {
    fn acquire(&self, max: usize) {
        let mut active = self.active.lock().unwrap_or_else(PoisonError::into_inner);
        while *active >= max {
            active = self.freed.wait(active).unwrap_or_else(PoisonError::into_inner);
        }
        *active += 1;
    }

    fn release(&self) {
        *self.active.lock().unwrap_or_else(PoisonError::into_inner) -= 1;
        self.freed.notify_one();
    }
}

/// Runs the handshake on one connection and, once accepted, echoes every
/// text and binary message until the client closes. Returns the
/// connection's log line: peer, outcome, status.
pub fn handle(stream: TcpStream, peer: SocketAddr, settings: &Settings) -> String {
    if let Err(e) = stream.set_nodelay(true).and(stream.set_write_timeout(Some(WRITE_TIMEOUT))) {
        return format!("{peer} error - setting socket options: {e}");
    }
    let mut head = vec![0; settings.config.max_head_len];
    let upgraded = blocking::read_request(stream, &settings.config, &settings.options, &mut head).and_then(|pending| {
        let request = pending.request();
        let response = if settings.paths.is_empty() || settings.paths.contains(&request.path()) {
            request.accept()
        } else {
            request.reject(&NOT_FOUND)
        };
        pending.respond(response)
    });
    match upgraded {
        Ok(upgraded) => {
            let line = format!(
                "{peer} accepted 101 path={} protocol={}",
                upgraded.request.path(),
                upgraded.protocol.unwrap_or("-"),
            );
            let socket =
                WebSocket::from_partially_read(upgraded.stream, upgraded.leftover.to_vec(), Role::Server, None);
            match echo(socket) {
                Ok(messages) => format!("{line} echoed={messages}"),
                Err(e) => format!("{line} echo-error={e}"),
            }
        }
        Err(Error::Rejected { status, rule: Some(rule), linger }) => {
            format!("{peer} rejected {status} rule={} linger={linger:?}", rule.number())
        }
        Err(Error::Rejected { status, rule: None, linger }) => format!("{peer} refused {status} linger={linger:?}"),
        Err(e) => format!("{peer} error - {e}"),
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

/// Sends every text and binary message back; returns how many it echoed once
/// the client has closed.
fn echo(mut socket: WebSocket<TcpStream>) -> tungstenite::Result<usize> {
    let mut echoed = 0;
    loop {
        match socket.read() {
            Ok(message) if message.is_text() || message.is_binary() => {
                socket.send(message)?;
                echoed += 1;
            }
            // Pings are answered and closes completed by tungstenite itself.
            Ok(_) => {}
            Err(tungstenite::Error::ConnectionClosed) => return Ok(echoed),
            Err(e) => return Err(e),
        }
    }
}
