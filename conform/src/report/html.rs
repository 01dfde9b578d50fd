//! `--html FILE`: one self-contained page (no script, no external file): the
//! counts, a summary by rule and level, and every case with its request and
//! the server's answer.

use std::collections::BTreeMap;

use super::{Counts, escaped};
use crate::{Behavior, Outcome};

/// The most bytes of a request or a response shown for one case.
const SHOWN: usize = 4096;

const STYLE: &str = "body{font:14px/1.4 system-ui,sans-serif;margin:2em;color:#222}\
table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:2px 8px;text-align:left}\
.OK{background:#d8f5d0}.NON-STRICT{background:#fff1c2}.FAILED{background:#f8d0cc}\
pre{background:#f6f6f6;padding:6px;white-space:pre-wrap;word-break:break-all;margin:4px 0}\
details{margin:2px 0}summary{cursor:pointer}";

/// The HTML report of `outcomes` from the server at `address`.
pub fn html(address: &str, outcomes: &[Outcome]) -> String {
    let counts = Counts::of(outcomes);
    let title = escape(&format!("ws-conform {address}"));
    let mut page = format!(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>{title}</title><style>{STYLE}</style></head><body>\n\
         <h1>{title}</h1>\n<p><span class=\"OK\">{} pass</span>, <span class=\"NON-STRICT\">{} non-strict</span>, \
         <span class=\"FAILED\">{} fail</span>, of {} named cases.</p>\n",
        counts.pass,
        counts.non_strict,
        counts.fail,
        counts.total()
    );
    page.push_str(&by_rule(outcomes));
    page.push_str("<h2>Cases</h2>\n");
    for outcome in outcomes {
        let case = &outcome.case;
        let word = outcome.behavior.word();
        page.push_str(&format!(
            "<details{}><summary class=\"{word}\">{word} <b>{}</b>: expected {}, got {}{}</summary>\n\
             <p>{}; rule {}, {}; the client: {:?}; the server's side: {}; {} ms.</p>\n<pre>{}</pre>\n<pre>{}</pre></details>\n",
            if outcome.behavior == Behavior::Fail { " open" } else { "" },
            escape(&case.file),
            outcome.expected,
            escape(&outcome.got),
            if outcome.reasons.is_empty() { String::new() } else { format!(" ({})", escape(&outcome.reasons.join("; "))) },
            escape(&case.about),
            escape(case.rule.as_deref().unwrap_or("-")),
            escape(case.level.as_deref().unwrap_or("valid")),
            case.client,
            outcome.ending.words(),
            outcome.duration.as_millis(),
            escape(&shown(&case.bytes)),
            escape(&shown(&outcome.response)),
        ));
    }
    page.push_str("</body></html>\n");
    page
}

/// At most [`SHOWN`] bytes, escaped, and how many there were if more.
fn shown(bytes: &[u8]) -> String {
    let mut text = escaped(&bytes[..bytes.len().min(SHOWN)]);
    if bytes.len() > SHOWN {
        text.push_str(&format!("... ({} bytes in all)", bytes.len()));
    }
    text
}

/// The summary table: one row per rule (valid handshakes first), with its
/// level and counts.
fn by_rule(outcomes: &[Outcome]) -> String {
    let mut rules: BTreeMap<(u16, &str), (&str, Vec<&Outcome>)> = BTreeMap::new();
    for outcome in outcomes {
        let level = outcome.case.level.as_deref().unwrap_or("valid");
        rules.entry(outcome.case.rule_order()).or_insert((level, Vec::new())).1.push(outcome);
    }
    let mut table = String::from(
        "<h2>By rule</h2>\n<table><tr><th>rule</th><th>level</th><th>pass</th><th>non-strict</th><th>fail</th></tr>\n",
    );
    for ((_, rule), (level, outcomes)) in &rules {
        let counts = Counts::of(outcomes.iter().copied());
        let rule = if rule.is_empty() { "valid handshakes" } else { rule };
        table.push_str(&format!(
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td{}>{}</td></tr>\n",
            escape(rule),
            escape(level),
            counts.pass,
            counts.non_strict,
            if counts.fail > 0 { " class=\"FAILED\"" } else { "" },
            counts.fail
        ));
    }
    table.push_str("</table>\n");
    table
}

/// `text` with HTML's special characters escaped.
fn escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}
