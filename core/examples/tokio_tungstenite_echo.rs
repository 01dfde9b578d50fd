//! The comparison server of docs/PERFORMANCE.md: the echo server most tokio
//! users would write with tokio-tungstenite alone, `accept_async` on each
//! connection and its defaults (no head deadline, no connection limit).
//! `echo_server` is measured against it; it is not an example of this crate.
//!
//! ```text
//! cargo run --release -p ws-handshake --example tokio_tungstenite_echo -- 127.0.0.1:9002
//! ```

use std::process::ExitCode;

use futures_util::{SinkExt, StreamExt};
use tokio::net::{TcpListener, TcpStream};

#[tokio::main]
async fn main() -> ExitCode {
    let listen = std::env::args().nth(1).unwrap_or_else(|| String::from("127.0.0.1:9002"));
    if let Err(e) = rlimit::increase_nofile_limit(u64::MAX) {
        eprintln!("warning: cannot raise the open-file limit: {e}");
    }
    let listener = match TcpListener::bind(&listen).await {
        Ok(listener) => listener,
        Err(e) => {
            eprintln!("cannot listen on {listen}: {e}");
            return ExitCode::FAILURE;
        }
    };
    eprintln!("listening on {listen}");
    loop {
        match listener.accept().await {
            Ok((stream, _)) => drop(tokio::spawn(echo(stream))),
            Err(e) => eprintln!("accept failed: {e}"),
        }
    }
}

/// The handshake, then every text and binary message sent back.
async fn echo(stream: TcpStream) {
    let _ = stream.set_nodelay(true);
    let Ok(mut socket) = tokio_tungstenite::accept_async(stream).await else { return };
    while let Some(Ok(message)) = socket.next().await {
        if (message.is_text() || message.is_binary()) && socket.send(message).await.is_err() {
            return;
        }
    }
}
