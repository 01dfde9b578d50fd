//! `ws-conform HOST:PORT`: the handshake corpus against any WebSocket
//! server.
//!
//! ```text
//! ws-conform HOST:PORT [--stall SECS] [--profile FILE] [--json FILE] [--junit FILE] [--html FILE] [--exact]
//! ```
//!
//! Prints a line per case (pass, non-strict or fail, and why) and the
//! counts; writes the reports asked for. `--stall` is how long a stalled
//! head waits for its answer (default: the profile's deadline plus 2 s).
//! Exits 1 when a case failed, or with `--exact` when any was not a pass;
//! 2 on a usage error or when nothing listens.

use std::process::ExitCode;
use std::time::Duration;

use ws_handshake_conform::report::{self, Counts};
use ws_handshake_conform::{Profile, run};

const USAGE: &str = "usage: ws-conform HOST:PORT [--stall SECS] [--profile FILE] [--json FILE] [--junit FILE] \
[--html FILE] [--exact]";

fn main() -> ExitCode {
    match conform(std::env::args().skip(1).collect()) {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(message) => {
            eprintln!("{message}");
            ExitCode::from(2)
        }
    }
}

/// Runs the cases as `args` say; `Ok(false)` when the server did not
/// conform.
fn conform(args: Vec<String>) -> Result<bool, String> {
    let mut args = args.into_iter();
    let (mut address, mut stall, mut profile, mut exact) = (None, None, Profile::default(), false);
    let mut outputs = Vec::new();
    while let Some(arg) = args.next() {
        let mut value = || args.next().ok_or(format!("{arg} needs a value\n{USAGE}"));
        match arg.as_str() {
            "--stall" => stall = Some(value()?.parse::<u64>().map_err(|e| format!("--stall: {e}"))?),
            "--profile" => {
                let path = value()?;
                profile = Profile::parse(&std::fs::read_to_string(&path).map_err(|e| format!("{path}: {e}"))?)?;
            }
            "--json" | "--junit" | "--html" => outputs.push((arg.clone(), value()?)),
            "--exact" => exact = true,
            "-h" | "--help" => return Err(USAGE.into()),
            flag if flag.starts_with("--") => return Err(format!("unknown flag {flag}\n{USAGE}")),
            _ if address.is_none() => address = Some(arg),
            _ => return Err(USAGE.into()),
        }
    }
    let address = address.ok_or(USAGE)?;
    let stall = Duration::from_secs(stall.unwrap_or(profile.handshake_timeout_secs + 2));
    let outcomes = run(&address, stall, &profile)?;
    print!("{}", report::text(&address, &outcomes));
    for (kind, path) in outputs {
        let text = match kind.as_str() {
            "--json" => report::json::json(&address, &outcomes),
            "--junit" => report::junit::junit(&address, &outcomes),
            _ => report::html::html(&address, &outcomes),
        };
        std::fs::write(&path, text).map_err(|e| format!("{path}: {e}"))?;
        println!("wrote {path}");
    }
    let counts = Counts::of(&outcomes);
    Ok(counts.fail == 0 && (!exact || counts.non_strict == 0))
}
