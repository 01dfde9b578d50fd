//! `--junit FILE`: JUnit XML for CI dashboards: a test case per named case,
//! a `failure` for each that failed, and the reasons of a non-strict one in
//! its `system-out`.

use super::{Counts, escaped};
use crate::{Behavior, Outcome};

/// The JUnit XML report of `outcomes` from the server at `address`.
pub fn junit(address: &str, outcomes: &[Outcome]) -> String {
    let counts = Counts::of(outcomes);
    let time: f64 = outcomes.iter().map(|outcome| outcome.duration.as_secs_f64()).sum();
    let mut xml = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    xml.push_str(&format!(
        "<testsuites name=\"ws-conform\" tests=\"{}\" failures=\"{}\">\n<testsuite name=\"{}\" tests=\"{}\" failures=\"{}\" time=\"{time:.3}\">\n",
        counts.total(),
        counts.fail,
        xml_escape(&format!("ws-conform {address}")),
        counts.total(),
        counts.fail,
    ));
    for outcome in outcomes {
        let case = &outcome.case;
        let class = match (&case.rule, &case.level) {
            (Some(rule), Some(level)) => format!("rule {rule} ({level})"),
            _ => "valid handshake".to_owned(),
        };
        xml.push_str(&format!(
            "  <testcase classname=\"{}\" name=\"{}\" time=\"{:.3}\">",
            xml_escape(&class),
            xml_escape(&case.file),
            outcome.duration.as_secs_f64()
        ));
        let reasons = xml_escape(&outcome.reasons.join("; "));
        match outcome.behavior {
            Behavior::Pass => {}
            Behavior::NonStrict => xml.push_str(&format!("<system-out>NON-STRICT: {reasons}</system-out>")),
            Behavior::Fail => xml.push_str(&format!(
                "<failure message=\"{reasons}\">expected {}, got {}\nresponse: {}</failure>",
                outcome.expected,
                xml_escape(&outcome.got),
                xml_escape(&escaped(&outcome.response)),
            )),
        }
        xml.push_str("</testcase>\n");
    }
    xml.push_str("</testsuite>\n</testsuites>\n");
    xml
}

/// `text` with XML's five special characters escaped.
fn xml_escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;").replace('\'', "&apos;")
}
