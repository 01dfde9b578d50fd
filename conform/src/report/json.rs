//! `--json FILE`: shaped as Autobahn|Testsuite's `index.json`, so a CI
//! script that reads one reads the other: `{ server: { case: { "behavior":
//! "OK" | "NON-STRICT" | "FAILED", ... } } }`.

use serde_json::{Map, Value, json};

use super::escaped;
use crate::Outcome;

/// The JSON report of `outcomes` from the server at `address`.
pub fn json(address: &str, outcomes: &[Outcome]) -> String {
    let mut cases = Map::new();
    for outcome in outcomes {
        let case = &outcome.case;
        cases.insert(
            case.file.to_string(),
            json!({
                "behavior": outcome.behavior.word(),
                "expected": outcome.expected,
                "got": outcome.got,
                "reasons": outcome.reasons,
                "rule": case.rule,
                "level": case.level,
                "client": format!("{:?}", case.client),
                "ending": outcome.ending.words(),
                "duration": outcome.duration.as_millis(),
                "request": escaped(&case.bytes),
                "response": escaped(&outcome.response),
            }),
        );
    }
    let mut servers = Map::new();
    servers.insert(address.to_owned(), Value::Object(cases));
    serde_json::to_string_pretty(&Value::Object(servers)).unwrap_or_default() + "\n"
}
