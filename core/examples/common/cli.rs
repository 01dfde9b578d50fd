//! Both echo servers' command line. Included by `echo_server` (tokio) and
//! `echo_server_blocking`.

use std::path::PathBuf;
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

/// A TLS server's certificate chain and private key: two PEM files.
#[allow(dead_code, reason = "echo_server reads them; echo_server_blocking takes no TLS options")]
pub struct TlsFiles {
    pub cert: PathBuf,
    pub key: PathBuf,
}

/// The options both servers take, after `--listen HOST:PORT`.
const OPTIONS: &str = "[--handshake-timeout SECS] [--allow-origin ORIGIN ...] [--protocol NAME ...] \
[--max-connections N] [--path PATH ...]";

/// The options of a server that serves TLS too.
const TLS_OPTIONS: &str = "[--tls-cert FILE --tls-key FILE]";

/// Parses the command line of the server `name`, whose `--max-connections`
/// defaults to `max_connections`, and which takes the TLS options if
/// `serves_tls` (the files come back if given). `Err` holds what to print:
/// an error and the usage, or the usage alone for `--help`.
pub fn parse_args(name: &str, max_connections: usize, serves_tls: bool) -> Result<(Args, Option<TlsFiles>), String> {
    let tls_options = if serves_tls { format!(" {TLS_OPTIONS}") } else { String::new() };
    let usage = format!("usage: {name} --listen HOST:PORT {OPTIONS}{tls_options}");
    let fail = |message: String| format!("{message}\n{usage}");
    let (mut cert, mut key) = (None, None);
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
            "--tls-cert" if serves_tls => cert = Some(PathBuf::from(value()?)),
            "--tls-key" if serves_tls => key = Some(PathBuf::from(value()?)),
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
    let tls = match (cert, key) {
        (Some(cert), Some(key)) => Some(TlsFiles { cert, key }),
        (None, None) => None,
        _ => return Err(fail("--tls-cert and --tls-key go together".into())),
    };
    let config = config.validate().map_err(|e| fail(e.to_string()))?;
    let settings = Box::leak(Box::new(Settings { config, limits, paths: leak(paths) }));
    Ok((Args { listen, settings, max_connections }, tls))
}

/// Turns the owned strings into the `'static` slices a `Config` borrows; the
/// server runs until the process ends, so leaking them once is free.
fn leak(strings: Vec<String>) -> &'static [&'static str] {
    strings.into_iter().map(|s| &*s.leak()).collect::<Vec<_>>().leak()
}
