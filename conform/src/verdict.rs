//! A case's verdict: pass, non-strict or fail, with the reasons in words.

use ws_handshake_oracle::{Level, PeerJudgement, Problem, contract_problems};

use crate::case::Case;
use crate::exchange::Ending;

/// How a server answered a case, in the words Autobahn|Testsuite uses.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Behavior {
    /// The contract's exact answer, well-formed, then a clean end.
    Pass,
    /// A sound answer that is not the contract's: a status the RFCs also
    /// allow, or a SHOULD of an RFC or a requirement of the contract missed.
    NonStrict,
    /// An answer the RFCs do not allow: no answer, not HTTP, a reset, a 101
    /// to a request that must be refused, a MUST broken, a wrong status.
    Fail,
}

impl Behavior {
    /// `OK`, `NON-STRICT` or `FAILED`, as Autobahn's reports say.
    pub const fn word(self) -> &'static str {
        match self {
            Behavior::Pass => "OK",
            Behavior::NonStrict => "NON-STRICT",
            Behavior::Fail => "FAILED",
        }
    }
}

/// Judges what came back for `case`, whose expected status is `expected`
/// (the manifest's, or the profile's when the server declared other limits):
/// the behavior, what came back in a word (a status, `nothing`,
/// `malformed`), and the reasons.
pub fn judge(case: &Case, expected: u16, judgement: &PeerJudgement, ending: Ending) -> (Behavior, String, Vec<String>) {
    let verdict = match judgement {
        PeerJudgement::Nothing => {
            let why = match case.client {
                crate::case::Client::Stall => "no answer to a stalled head within the stall: no head deadline?",
                _ => "no response: the server sent nothing",
            };
            return (Behavior::Fail, "nothing".into(), vec![why.into()]);
        }
        PeerJudgement::Malformed(why) => {
            return (Behavior::Fail, "malformed".into(), vec![format!("not an HTTP response: {why}")]);
        }
        PeerJudgement::Answered(verdict) => verdict,
    };
    let status = verdict.response.status;
    let got = status.to_string();
    let contract = if status == 101 { Vec::new() } else { contract_problems(case.bytes, &verdict.response) };
    let (must, other): (Vec<&Problem>, Vec<&Problem>) =
        verdict.problems.iter().chain(&contract).partition(|problem| problem.level == Level::Must);
    let mut reasons: Vec<String> = must.iter().map(|problem| problem.to_string()).collect();
    if ending == Ending::Reset {
        reasons.insert(0, "reset by the server: the response may never arrive".into());
    }
    if status != expected {
        match case.also_sound.iter().find(|(allowed, _)| allowed.allows(status)) {
            Some((_, why)) if reasons.is_empty() => {
                reasons.push(format!("{status} instead of {expected}, which is allowed: {why}"));
                reasons.extend(other.iter().map(|problem| problem.to_string()));
                return (Behavior::NonStrict, got, reasons);
            }
            Some(_) => {}
            None if status == 101 => reasons.insert(0, "101 to a request it must refuse".into()),
            None => reasons.insert(0, format!("wrong status ({status}, expected {expected})")),
        }
        return (Behavior::Fail, got, reasons);
    }
    if !reasons.is_empty() {
        return (Behavior::Fail, got, reasons);
    }
    reasons.extend(other.iter().map(|problem| problem.to_string()));
    if status != 101 && ending == Ending::Open {
        reasons.push("no end of stream after the response (RFC 9112 section 9.6: Connection: close)".into());
    }
    let behavior = if reasons.is_empty() { Behavior::Pass } else { Behavior::NonStrict };
    (behavior, got, reasons)
}
