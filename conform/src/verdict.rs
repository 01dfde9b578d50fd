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
    let contract = if status == 101 { Vec::new() } else { contract_problems(&case.bytes, &verdict.response) };
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

#[cfg(test)]
mod tests {
    use ws_handshake_oracle::judge_peer;

    use super::{Behavior, judge};
    use crate::case::{Allowed, Case, Client};
    use crate::exchange::Ending;

    const BARE_LF: &[u8] = b"GET /chat HTTP/1.1\nHost: a\n\n";

    fn case(also_sound: Vec<(Allowed, String)>) -> Case {
        Case {
            file: "400-bare-lf.http".into(),
            bytes: BARE_LF.into(),
            client: Client::KeepOpen,
            rule: Some("1".into()),
            level: Some("MUST".into()),
            expected: 400,
            also_sound,
            about: String::new(),
        }
    }

    fn verdict(case: &Case, response: &[u8], ending: Ending) -> (Behavior, String, Vec<String>) {
        judge(case, case.expected, &judge_peer(&case.bytes, response), ending)
    }

    const EXACT_400: &[u8] = b"HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 2\r\n\r\nno";

    #[test]
    fn the_contracts_answer_then_a_clean_end_passes() {
        assert_eq!(verdict(&case(vec![]), EXACT_400, Ending::Fin), (Behavior::Pass, "400".into(), vec![]));
    }

    #[test]
    fn the_same_answer_destroyed_by_a_reset_fails() {
        let (behavior, _, reasons) = verdict(&case(vec![]), EXACT_400, Ending::Reset);
        assert_eq!(behavior, Behavior::Fail, "{reasons:?}");
    }

    #[test]
    fn a_close_delimited_400_is_non_strict() {
        let response = b"HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n";
        let (behavior, got, reasons) = verdict(&case(vec![]), response, Ending::Fin);
        assert_eq!((behavior, got.as_str()), (Behavior::NonStrict, "400"), "{reasons:?}");
    }

    #[test]
    fn an_allowed_other_status_is_non_strict_and_says_why() {
        const WITH_BODY: &[u8] = b"GET /chat HTTP/1.1\r\nHost: a\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\
            Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\nContent-Length: 5\r\n\r\nhello";
        let switch = b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\
            Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n";
        let mut body = case(vec![(Allowed::Status(101), "RFC 9110 section 9.3.1".into())]);
        body.bytes = WITH_BODY.into();
        let (behavior, _, reasons) = verdict(&body, switch, Ending::Upgraded);
        assert_eq!(behavior, Behavior::NonStrict, "{reasons:?}");
        assert!(reasons[0].contains("RFC 9110 section 9.3.1"), "{reasons:?}");
        body.also_sound.clear();
        let (behavior, _, reasons) = verdict(&body, switch, Ending::Upgraded);
        assert_eq!((behavior, reasons[0].as_str()), (Behavior::Fail, "101 to a request it must refuse"));
    }

    #[test]
    fn a_status_of_an_allowed_class_is_non_strict_and_any_other_fails() {
        let response = b"HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n";
        let four = case(vec![(Allowed::Class(4), "any refusal".into())]);
        assert_eq!(verdict(&four, response, Ending::Fin).0, Behavior::NonStrict);
        let (behavior, _, reasons) = verdict(&case(vec![]), response, Ending::Fin);
        assert_eq!((behavior, reasons[0].as_str()), (Behavior::Fail, "wrong status (404, expected 400)"));
    }

    #[test]
    fn nothing_and_not_http_fail() {
        assert_eq!(verdict(&case(vec![]), b"", Ending::Fin).1, "nothing");
        let (behavior, got, _) = verdict(&case(vec![]), b"\x15\x03\x01\x00\x02\x02\x32", Ending::Fin);
        assert_eq!((behavior, got.as_str()), (Behavior::Fail, "malformed"));
    }

    #[test]
    fn a_refusal_left_open_is_non_strict() {
        let (behavior, _, reasons) = verdict(&case(vec![]), EXACT_400, Ending::Open);
        assert_eq!(behavior, Behavior::NonStrict, "{reasons:?}");
    }
}
