//! A WebSocket echo server on top of the handshake driver.
//!
//! ```text
//! cargo run --release -p ws-handshake --example echo_server -- \
//!     --listen 127.0.0.1:9001 [--handshake-timeout SECS] [--allow-origin ORIGIN ...] \
//!     [--protocol NAME ...] [--max-connections N] [--path PATH ...]
//! ```
//!
//! Without `--allow-origin` the origin policy is `SameHost`. With `--path`,
//! only those paths are served and any other gets `404 Not Found`. One log
//! line per connection goes to standard error.

mod server;

use std::net::TcpListener;
use std::process::ExitCode;
use std::time::Duration;

use server::Settings;
use ws_handshake::blocking::Options;
use ws_handshake::{Config, OriginPolicy};

const USAGE: &str = "usage: echo_server --listen HOST:PORT [--handshake-timeout SECS] \
[--allow-origin ORIGIN ...] [--protocol NAME ...] [--max-connections N] [--path PATH ...]";

/// The command line.
struct Args {
    listen: String,
    handshake_timeout: Option<Duration>,
    origins: Vec<String>,
    protocols: Vec<String>,
    max_connections: usize,
    paths: Vec<String>,
}

fn parse_args() -> Result<Args, String> {
    let mut args = Args {
        listen: String::from("127.0.0.1:9001"),
        handshake_timeout: None,
        origins: Vec::new(),
        protocols: Vec::new(),
        max_connections: 256,
        paths: Vec::new(),
    };
    let mut words = std::env::args().skip(1);
    while let Some(flag) = words.next() {
        let mut value = || words.next().ok_or_else(|| format!("{flag} needs a value"));
        match flag.as_str() {
            "--listen" => args.listen = value()?,
            "--handshake-timeout" => {
                let secs: f64 = value()?.parse().map_err(|e| format!("--handshake-timeout: {e}"))?;
                let timeout = Duration::try_from_secs_f64(secs).map_err(|e| format!("--handshake-timeout: {e}"))?;
                args.handshake_timeout = Some(timeout);
            }
            "--allow-origin" => args.origins.push(value()?),
            "--protocol" => args.protocols.push(value()?),
            "--path" => args.paths.push(value()?),
            "--max-connections" => {
                args.max_connections = value()?.parse().map_err(|e| format!("--max-connections: {e}"))?;
            }
            "-h" | "--help" => return Err(String::new()),
            other => return Err(format!("unknown argument {other}")),
        }
    }
    Ok(args)
}

/// Turns the owned strings into the `'static` slices a `Config` borrows; the
/// server runs until the process ends, so leaking them once is free.
fn leak(strings: Vec<String>) -> &'static [&'static str] {
    strings.into_iter().map(|s| &*s.leak()).collect::<Vec<_>>().leak()
}

fn main() -> ExitCode {
    let args = match parse_args() {
        Ok(args) => args,
        Err(message) => {
            if !message.is_empty() {
                eprintln!("{message}");
            }
            eprintln!("{USAGE}");
            return ExitCode::from(2);
        }
    };
    let mut config = Config::default();
    let mut options = Options::default();
    if let Some(timeout) = args.handshake_timeout {
        options.limits.handshake_timeout = timeout;
    }
    if !args.origins.is_empty() {
        config.origin = OriginPolicy::AllowList(leak(args.origins));
    }
    config.protocols = leak(args.protocols);
    let config = match config.validate() {
        Ok(config) => config,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(2);
        }
    };
    let settings: &'static Settings = Box::leak(Box::new(Settings { config, options, paths: leak(args.paths) }));
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
    if let Err(e) = server::serve(listener, settings, args.max_connections) {
        eprintln!("server stopped: {e}");
        return ExitCode::FAILURE;
    }
    ExitCode::SUCCESS
}
