//! `cargo xtask conform HOST:PORT [--stall SECS]`: the `ws-conform` tool of
//! `conform/` run from the workspace, strict: it fails unless every named
//! case passes (the contract's exact answer), as this project's servers do.

use std::time::Duration;

use ws_handshake_conform::report::{self, Counts};
use ws_handshake_conform::{Outcome, Profile};

/// Every case's outcome against `address`, stalled heads waiting
/// `stall_secs`.
pub fn outcomes(address: &str, stall_secs: u64) -> Result<Vec<Outcome>, String> {
    ws_handshake_conform::run(address, Duration::from_secs(stall_secs), &Profile::default())
}

pub fn conform(address: &str, stall_secs: u64) -> Result<(), String> {
    let outcomes = outcomes(address, stall_secs)?;
    print!("{}", report::text(address, &outcomes));
    let counts = Counts::of(&outcomes);
    match counts.total() - counts.pass {
        0 => Ok(()),
        n => Err(format!("{n} case(s) did not pass")),
    }
}
