//! A comparison peer of `cargo xtask peers` (docs/CONFORMANCE.md), not an
//! example of this crate: the echo server most users of tungstenite's
//! blocking API would write, `tungstenite::accept` on each connection, a
//! thread per connection, and its defaults (no head deadline, no connection
//! limit). `tokio_tungstenite_echo` is its async twin.
//!
//! ```text
//! cargo run --release -p ws-handshake --example tungstenite_echo -- 127.0.0.1:9002
//! ```

use std::net::{TcpListener, TcpStream};
use std::process::ExitCode;
use std::thread;

fn main() -> ExitCode {
    let listen = std::env::args().nth(1).unwrap_or_else(|| String::from("127.0.0.1:9002"));
    let listener = match TcpListener::bind(&listen) {
        Ok(listener) => listener,
        Err(e) => {
            eprintln!("cannot listen on {listen}: {e}");
            return ExitCode::FAILURE;
        }
    };
    eprintln!("listening on {listen}");
    for stream in listener.incoming() {
        match stream {
            Ok(stream) => drop(thread::spawn(|| echo(stream))),
            Err(e) => eprintln!("accept failed: {e}"),
        }
    }
    ExitCode::SUCCESS
}

/// The handshake, then every text and binary message sent back.
fn echo(stream: TcpStream) {
    let _ = stream.set_nodelay(true);
    let Ok(mut socket) = tungstenite::accept(stream) else { return };
    while let Ok(message) = socket.read() {
        if (message.is_text() || message.is_binary()) && socket.send(message).is_err() {
            return;
        }
    }
}
