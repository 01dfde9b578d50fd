//! `ws-conform HOST:PORT`: the handshake corpus against any WebSocket
//! server.
//!
//! ```text
//! ws-conform HOST:PORT [--stall SECS] [--profile FILE] [--json FILE] [--junit FILE] [--html FILE] [--exact]
//!                      [--fuzz SECS [--seed N] [--save DIR]]
//! ```
//!
//! Prints a line per case (pass, non-strict or fail, and why) and the
//! counts; writes the reports asked for. `--stall` is how long a stalled
//! head waits for its answer (default: the profile's deadline plus 2 s).
//! `--fuzz` then sends mutated handshakes for that long (built with the
//! feature `fuzz`), prints each kind of failure at its smallest and saves
//! it as a named-case candidate in `--save` (default
//! `ws-conform-candidates`). Exits 1 when a case failed or the fuzzing
//! found a failure, or with `--exact` when any case was not a pass; 2 on a
//! usage error or when nothing listens.

use std::process::ExitCode;
use std::time::Duration;

use ws_handshake_conform::report::{self, Counts};
use ws_handshake_conform::{Outcome, Profile, run};

const USAGE: &str = "usage: ws-conform HOST:PORT [--stall SECS] [--profile FILE] [--json FILE] [--junit FILE] \
[--html FILE] [--exact] [--fuzz SECS [--seed N] [--save DIR]]";

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
    let mut fuzz = Fuzz { secs: None, seed: 1, save: "ws-conform-candidates".into() };
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
            "--fuzz" => fuzz.secs = Some(value()?.parse::<u64>().map_err(|e| format!("--fuzz: {e}"))?),
            "--seed" => fuzz.seed = value()?.parse::<u64>().map_err(|e| format!("--seed: {e}"))?,
            "--save" => fuzz.save = value()?.into(),
            "-h" | "--help" => return Err(USAGE.into()),
            flag if flag.starts_with("--") => return Err(format!("unknown flag {flag}\n{USAGE}")),
            _ if address.is_none() => address = Some(arg),
            _ => return Err(USAGE.into()),
        }
    }
    let address = address.ok_or(USAGE)?;
    if fuzz.secs.is_some() && !cfg!(feature = "fuzz") {
        return Err(NO_FUZZ.into());
    }
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
    let fuzzed = match fuzz.secs {
        Some(secs) => fuzz_after(&address, &profile, &outcomes, secs, &fuzz)?,
        None => true,
    };
    Ok(counts.fail == 0 && (!exact || counts.non_strict == 0) && fuzzed)
}

const NO_FUZZ: &str = "--fuzz: this ws-conform was built without it (cargo install --path conform --features fuzz)";

/// What `--fuzz`, `--seed` and `--save` say.
struct Fuzz {
    secs: Option<u64>,
    seed: u64,
    save: std::path::PathBuf,
}

/// Fuzzes the server for `secs` after its named cases (`named`), prints
/// the findings and saves them; `Ok(false)` when it found a failure.
#[cfg(feature = "fuzz")]
fn fuzz_after(address: &str, profile: &Profile, named: &[Outcome], secs: u64, fuzz: &Fuzz) -> Result<bool, String> {
    println!("\nfuzzing {address} for {secs} s, seed {}", fuzz.seed);
    let report = ws_handshake_conform::fuzz::fuzz(address, Duration::from_secs(secs), profile, fuzz.seed)?;
    print!("{}", report.text(address, named));
    if !report.findings.is_empty() {
        let written = report.save(&fuzz.save)?;
        println!("\nsaved {} candidate(s) and their manifest entries in {}", written.len(), fuzz.save.display());
    }
    Ok(report.findings.is_empty())
}

#[cfg(not(feature = "fuzz"))]
fn fuzz_after(_: &str, _: &Profile, _: &[Outcome], _: u64, _: &Fuzz) -> Result<bool, String> {
    Err(NO_FUZZ.into())
}
