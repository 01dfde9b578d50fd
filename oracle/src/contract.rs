//! What this project's contract (`docs/CONTRACT.md`) asks beyond the RFCs:
//! the status of each rule, and the shape of a refusal that [peer
//! judgement](crate::judge_peer) does not require of other servers.

use crate::peer::{Level, Problem};
use crate::request;
use crate::response::{Framing, Response};

/// The status the contract's table (section 2) gives to a rule number.
pub fn contract_status(rule: &str) -> Option<u16> {
    Some(match rule {
        "1" | "3" | "5" | "6" | "7" | "8" | "9" | "10" | "12" | "13" | "14" => 400,
        "1b" => 505,
        "2" => 431,
        "4" => 405,
        "11" => 426,
        "12b" => 403,
        "15" => 408,
        _ => return None,
    })
}

/// What the contract asks of a refusal to `request` that `response` does
/// not do, each at [`Level::Contract`]: `Connection: close` and an exact
/// `Content-Length` (section 4), `Allow: GET` in a 405 (rule 4) and
/// `Sec-WebSocket-Version: 13` in a 426 (rule 11). A 101 has none.
pub fn contract_problems(request: &[u8], response: &Response) -> Vec<Problem> {
    let mut problems = Vec::new();
    let status = response.status;
    if status == 101 {
        return problems;
    }
    let mut contract = |words: String| problems.push(Problem::new(Level::Contract, words));
    // Section 4, Reject: "Connection: close".
    if !response.lists("Connection", "close") {
        contract(format!("{status} without `Connection: close` (contract section 4)"));
    }
    // Section 4, Reject: "Content-Length: <exact body length>", except in
    // answer to HEAD.
    if !request::is_head(request) && !matches!(response.framing, Framing::ContentLength(_)) {
        let framing = match response.framing {
            Framing::Chunked => "chunked",
            _ => "delimited by the end of the connection",
        };
        contract(format!("{status} without Content-Length: {framing} (contract section 4)"));
    }
    // Rule 4: `Allow: GET`.
    if status == 405 && response.field("Allow").is_some() && !response.lists("Allow", "GET") {
        contract("405 whose Allow does not list GET (contract section 2, rule 4)".into());
    }
    // Rule 11: `Sec-WebSocket-Version: 13`, as RFC 6455 section 4.2.2 asks
    // of a refused version.
    if status == 426 && response.field("Sec-WebSocket-Version").map(str::trim) != Some("13") {
        contract("426 without `Sec-WebSocket-Version: 13` (contract section 2, rule 11)".into());
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn contract_table() {
        let rules = ["1", "1b", "2", "4", "11", "12b", "15", "16", "", "2b"];
        let statuses = [Some(400), Some(505), Some(431), Some(405), Some(426), Some(403), Some(408), None, None, None];
        assert_eq!(rules.map(contract_status), statuses);
    }
}
