//! The WebSocket echo server on the blocking driver: a thread per
//! connection, at most `--max-connections` at once (default 256; more wait
//! in the listen backlog). `echo_server` is the same server on tokio; both
//! are measured in docs/PERFORMANCE.md.
//!
//! ```text
//! cargo run --release -p ws-handshake --example echo_server_blocking -- \
//!     --listen 127.0.0.1:9001 [--handshake-timeout SECS] [--allow-origin ORIGIN ...] \
//!     [--protocol NAME ...] [--max-connections N] [--path PATH ...]
//! ```

#[path = "../common/cli.rs"]
mod cli;
mod server;
#[path = "../common/settings.rs"]
mod settings;

use std::net::TcpListener;
use std::process::ExitCode;

fn main() -> ExitCode {
    // This server takes no TLS options, so there are no TLS files.
    let args = match cli::parse_args("echo_server_blocking", 256, false) {
        Ok((args, _)) => args,
        Err(message) => {
            eprintln!("{message}");
            return ExitCode::from(2);
        }
    };
    let listener = match TcpListener::bind(&args.listen) {
        Ok(listener) => listener,
        Err(e) => {
            eprintln!("cannot listen on {}: {e}", args.listen);
            return ExitCode::FAILURE;
        }
    };
    match listener.local_addr() {
        Ok(addr) => eprintln!("listening on {addr}"),
        Err(e) => eprintln!("listening ({e})"),
    }
    if let Err(e) = server::serve(listener, args.settings, args.max_connections) {
        eprintln!("server stopped: {e}");
        return ExitCode::FAILURE;
    }
    ExitCode::SUCCESS
}
