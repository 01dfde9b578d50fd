//! The blocking echo server's connection handling, shared by `main.rs` and
//! the loopback tests so that both run the same code.

use std::io;
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::{Arc, Condvar, Mutex, PoisonError};
use std::thread;
use std::time::Duration;

use tungstenite::protocol::{Role, WebSocket};
use ws_handshake::blocking::{self, Options};

use crate::settings::{self, Settings};

/// How long a write to a peer may block, so that a client that stops reading
/// cannot hold a connection slot for ever.
const WRITE_TIMEOUT: Duration = Duration::from_secs(10);

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
            settings::log(handle(stream, peer, settings));
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
    let options = Options { limits: settings.limits, ..Options::default() };
    let mut head = vec![0; settings.config.max_head_len];
    let upgraded = blocking::read_request(stream, &settings.config, &options, &mut head).and_then(|pending| {
        let response = settings.answer(pending.request());
        pending.respond(response)
    });
    match upgraded {
        Ok(upgraded) => {
            let line = settings::accepted(peer, &upgraded.request, upgraded.protocol);
            let socket =
                WebSocket::from_partially_read(upgraded.stream, upgraded.leftover.to_vec(), Role::Server, None);
            match echo(socket) {
                Ok(messages) => format!("{line} echoed={messages}"),
                Err(e) => format!("{line} echo-error={e}"),
            }
        }
        Err(e) => settings::not_upgraded(peer, &e),
    }
}

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
