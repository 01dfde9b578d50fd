//! `cargo xtask conform HOST:PORT [--stall SECS] [--fuzz SECS]`: the
//! `ws-conform` tool of `conform/` run from the workspace, strict: it fails
//! unless every named case passes (the contract's exact answer), as this
//! project's servers do, and, with `--fuzz`, unless the mutated handshakes
//! find no failure. Their candidates go to target/conform-fuzz/.

use std::time::Duration;

use ws_handshake_conform::fuzz::{self, Report};
use ws_handshake_conform::report::{self, Counts};
use ws_handshake_conform::{Outcome, Profile};

use crate::root;

/// The seed of every fuzzing run of the workspace's commands, so that a
/// run can be repeated (how many inputs fit in the time still varies).
pub const SEED: u64 = 1;

/// Every case's outcome against `address`, stalled heads waiting
/// `stall_secs`.
pub fn outcomes(address: &str, stall_secs: u64) -> Result<Vec<Outcome>, String> {
    ws_handshake_conform::run(address, Duration::from_secs(stall_secs), &Profile::default())
}

/// `secs` of mutated handshakes against `address`, under the contract's
/// defaults.
pub fn fuzz(address: &str, secs: u64) -> Result<Report, String> {
    fuzz::fuzz(address, Duration::from_secs(secs), &Profile::default(), SEED)
}

pub fn conform(address: &str, stall_secs: u64, fuzz_secs: Option<u64>) -> Result<(), String> {
    let outcomes = outcomes(address, stall_secs)?;
    print!("{}", report::text(address, &outcomes));
    let counts = Counts::of(&outcomes);
    let mut problems = Vec::new();
    if counts.pass < counts.total() {
        problems.push(format!("{} case(s) did not pass", counts.total() - counts.pass));
    }
    if let Some(secs) = fuzz_secs {
        let report = fuzz(address, secs)?;
        print!("{}", report.text(address, &outcomes));
        if !report.findings.is_empty() {
            let folder = root().join("target/conform-fuzz");
            let written = report.save(&folder)?;
            println!("\nsaved {} candidate(s) in {}", written.len(), folder.display());
            problems.push(format!("the fuzzing found {} kind(s) of failure", report.findings.len()));
        }
    }
    if problems.is_empty() { Ok(()) } else { Err(problems.join("; ")) }
}
