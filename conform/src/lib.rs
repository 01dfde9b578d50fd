//! Aims the named cases of the handshake corpus (`corpus/manifest.json` and
//! `corpus/cases/`, embedded when built) at any WebSocket server over TCP,
//! and judges each answer with the oracle's peer judgement against what the
//! manifest expects: **pass** (the contract's exact answer), **non-strict**
//! (an answer the RFCs also allow, or a SHOULD or the contract's own
//! requirement missed) or **fail**. The results print as a table, and write
//! as JSON shaped like Autobahn|Testsuite's `index.json`, JUnit XML and one
//! self-contained HTML page. With the feature `fuzz`, [`fuzz`] goes on past
//! the named cases with the property tests' mutations.

pub mod case;
pub mod exchange;
#[cfg(feature = "fuzz")]
pub mod fuzz;
pub mod profile;
pub mod report;
pub mod verdict;

use std::net::SocketAddr;
use std::sync::Mutex;
use std::thread;
use std::time::{Duration, Instant};

use ws_handshake_oracle::judge_peer;

pub use case::{Case, Client};
pub use exchange::Ending;
pub use profile::Profile;
pub use verdict::Behavior;

/// How many cases run at once.
const PARALLEL: usize = 8;

/// What one case gave.
#[derive(Clone, Debug)]
pub struct Outcome {
    /// The case.
    pub case: Case,
    /// The status expected of this server (the profile may change it).
    pub expected: u16,
    /// Pass, non-strict or fail.
    pub behavior: Behavior,
    /// What came back, in a word: a status, `nothing`, `malformed`, or `-`
    /// when the connection failed.
    pub got: String,
    /// Why it is not a pass, in words; empty for a pass.
    pub reasons: Vec<String>,
    /// The bytes the server sent.
    pub response: Vec<u8>,
    /// How its side of the connection ended.
    pub ending: Ending,
    /// From the connect to the end of the answer.
    pub duration: Duration,
}

/// Runs every case against `address`, a stalled case waiting `stall` for
/// its answer. Fails once, before any case, when nothing listens there.
pub fn run(address: &str, stall: Duration, profile: &Profile) -> Result<Vec<Outcome>, String> {
    let addr = exchange::listening(address)?;
    let cases = case::all()?;
    let queue = Mutex::new(cases.into_iter());
    let outcomes = Mutex::new(Vec::new());
    thread::scope(|scope| {
        for _ in 0..PARALLEL {
            scope.spawn(|| {
                while let Some(case) = queue.lock().ok().and_then(|mut queue| queue.next()) {
                    let outcome = run_case(addr, case, stall, profile);
                    if let Ok(mut outcomes) = outcomes.lock() {
                        outcomes.push(outcome);
                    }
                }
            });
        }
    });
    let mut outcomes = outcomes.into_inner().map_err(|e| e.to_string())?;
    outcomes.sort_by(|a, b| a.case.file.cmp(&b.case.file));
    Ok(outcomes)
}

fn run_case(addr: SocketAddr, case: Case, stall: Duration, profile: &Profile) -> Outcome {
    let expected = profile.expected(&case);
    let wait = if case.client == Client::Stall { stall } else { exchange::ANSWER_WITHIN };
    let started = Instant::now();
    let exchanged = exchange::exchange(addr, &case.bytes, case.client == Client::HalfClose, wait, None);
    let duration = started.elapsed();
    match exchanged {
        Ok((response, ending)) => {
            let (behavior, got, reasons) = verdict::judge(&case, expected, &judge_peer(&case.bytes, &response), ending);
            Outcome { case, expected, behavior, got, reasons, response, ending, duration }
        }
        Err(e) => Outcome {
            case,
            expected,
            behavior: Behavior::Fail,
            got: "-".into(),
            reasons: vec![e],
            response: Vec::new(),
            ending: Ending::Open,
            duration,
        },
    }
}
