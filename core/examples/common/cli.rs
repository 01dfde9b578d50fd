//! Both echo servers' command line. Included by `echo_server` (tokio) and
//! `echo_server_blocking`.

use std::time::Duration;

use ws_handshake::delivery::Limits;
use ws_handshake::{Config, OriginPolicy};

use crate::settings::Settings;

/// The command line: where to listen, the settings, how many connections.
pub struct Args {
    pub listen: String,
    pub settings: &'static Settings,
    pub max_connections: usize,
}

/// The options both servers take, after `--listen HOST:PORT`.
const OPTIONS: &str = "[--handshake-timeout SECS] [--allow-origin ORIGIN ...] [--protocol NAME ...] \
[--max-connections N] [--path PATH ...]";

/// Parses the command line of the server `name`, whose `--max-connections`
/// defaults to `max_connections`. `Err` holds what to print: an error and
/// the usage, or the usage alone for `--help`.
pub fn parse_args(name: &str, max_connections: usize) -> Result<Args, String> {
    let usage = format!("usage: {name} --listen HOST:PORT {OPTIONS}");
    let fail = |message: String| format!("{message}\n{usage}");
    let (mut listen, mut limits, mut paths) = (String::from("127.0.0.1:9001"), Limits::default(), Vec::new());
    let (mut origins, mut protocols, mut max_connections) = (Vec::new(), Vec::new(), max_connections);
    let mut words = std::env::args().skip(1);
    while let Some(flag) = words.next() {
        let mut value = || words.next().ok_or_else(|| fail(format!("{flag} needs a value")));
        match flag.as_str() {
            "--listen" => listen = value()?,
            "--handshake-timeout" => {
                let secs: f64 = value()?.parse().map_err(|e| fail(format!("--handshake-timeout: {e}")))?;
                limits.handshake_timeout =
                    Duration::try_from_secs_f64(secs).map_err(|e| fail(format!("--handshake-timeout: {e}")))?;
            }
            "--allow-origin" => origins.push(value()?),
            "--protocol" => protocols.push(value()?),
            "--path" => paths.push(value()?),
            "--max-connections" => {
                max_connections = value()?.parse().map_err(|e| fail(format!("--max-connections: {e}")))?;
            }
            "-h" | "--help" => return Err(usage),
            other => return Err(fail(format!("unknown argument {other}"))),
        }
    }
    let mut config = Config { protocols: leak(protocols), ..Config::default() };
    if !origins.is_empty() {
        config.origin = OriginPolicy::AllowList(leak(origins));
    }
    let config = config.validate().map_err(|e| fail(e.to_string()))?;
    let settings = Box::leak(Box::new(Settings { config, limits, paths: leak(paths) }));
    Ok(Args { listen, settings, max_connections })
}

/// Turns the owned strings into the `'static` slices a `Config` borrows; the
/// server runs until the process ends, so leaking them once is free.
fn leak(strings: Vec<String>) -> &'static [&'static str] {
    strings.into_iter().map(|s| &*s.leak()).collect::<Vec<_>>().leak()
}
