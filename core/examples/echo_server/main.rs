//! A WebSocket echo server on the async driver and a multi-threaded tokio
//! runtime: up to `--max-connections` at once (default 16,384), each pending
//! handshake holding its head buffer and little else, and a graceful
//! shutdown on SIGINT or SIGTERM. `echo_server_blocking` is the same server
//! on the blocking driver.
//!
//! ```text
//! cargo run --release -p ws-handshake --example echo_server -- \
//!     --listen 127.0.0.1:9001 [--handshake-timeout SECS] [--allow-origin ORIGIN ...] \
//!     [--protocol NAME ...] [--max-connections N] [--path PATH ...] \
//!     [--tls-cert FILE --tls-key FILE]
//! ```
//!
//! Without `--allow-origin` the origin policy is `SameHost`. With `--path`,
//! only those paths are served and any other gets `404 Not Found`. With
//! `--tls-cert` and `--tls-key` (PEM files: the certificate chain and its
//! private key) it serves `wss://`: TLS over tokio-rustls, then the same
//! handshake on the decrypted stream, TLS's own handshake bounded by the
//! head deadline too. One log line per connection goes to standard error.

#[path = "../common/cli.rs"]
mod cli;
mod server;
#[path = "../common/settings.rs"]
mod settings;
mod tls;

use std::io;
use std::net::ToSocketAddrs;
use std::process::ExitCode;

use tokio::net::{TcpListener, TcpSocket};
use tokio::signal::unix::{SignalKind, signal};

/// How many connections may wait to be accepted: Linux's default ceiling
/// (`net.core.somaxconn`), which caps a larger value anyway.
const BACKLOG: u32 = 4096;

/// The default `--max-connections`: room for 10,000 slow heads and the
/// legitimate clients beside them. A connection over the limit waits in the
/// backlog until one ends, which under a slowloris is the head deadline.
const MAX_CONNECTIONS: usize = 16_384;

fn main() -> ExitCode {
    let (args, tls_files) = match cli::parse_args("echo_server", MAX_CONNECTIONS, true) {
        Ok(parsed) => parsed,
        Err(message) => {
            eprintln!("{message}");
            return ExitCode::from(2);
        }
    };
    let tls = match tls_files.map(|files| tls::acceptor(&files.cert, &files.key)).transpose() {
        Ok(tls) => tls,
        Err(message) => {
            eprintln!("{message}");
            return ExitCode::from(2);
        }
    };
    // Each connection is a file descriptor: ask for as many as allowed.
    match rlimit::increase_nofile_limit(u64::MAX) {
        Ok(limit) if limit < args.max_connections as u64 + 64 => {
            eprintln!("warning: {limit} file descriptors for {} connections", args.max_connections);
        }
        Ok(_) => {}
        Err(e) => eprintln!("warning: cannot raise the open-file limit: {e}"),
    }
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    runtime.block_on(async {
        let listener = match listen(&args.listen) {
            Ok(listener) => listener,
            Err(e) => {
                eprintln!("cannot listen on {}: {e}", args.listen);
                return ExitCode::FAILURE;
            }
        };
        let shutdown = match shutdown_signal() {
            Ok(shutdown) => shutdown,
            Err(e) => {
                eprintln!("cannot handle signals: {e}");
                return ExitCode::FAILURE;
            }
        };
        match listener.local_addr() {
            Ok(addr) => eprintln!("listening on {addr}"),
            Err(e) => eprintln!("listening ({e})"),
        }
        server::serve(listener, args.settings, args.max_connections, tls, shutdown).await;
        ExitCode::SUCCESS
    })
}

/// A listener on the first address `address` resolves to, with a backlog
/// deep enough for bursts of connections.
fn listen(address: &str) -> io::Result<TcpListener> {
    let addr = address.to_socket_addrs()?.next().ok_or(io::ErrorKind::AddrNotAvailable)?;
    let socket = if addr.is_ipv4() { TcpSocket::new_v4()? } else { TcpSocket::new_v6()? };
    socket.set_reuseaddr(true)?;
    socket.bind(addr)?;
    socket.listen(BACKLOG)
}

/// Resolves at the first SIGINT or SIGTERM.
fn shutdown_signal() -> io::Result<impl Future<Output = ()>> {
    let mut interrupt = signal(SignalKind::interrupt())?;
    let mut terminate = signal(SignalKind::terminate())?;
    Ok(async move {
        tokio::select! {
            _ = interrupt.recv() => eprintln!("SIGINT: shutting down"),
            _ = terminate.recv() => eprintln!("SIGTERM: shutting down"),
        }
    })
}
