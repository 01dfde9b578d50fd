//! The bugs `cargo xtask fuzz-bench` plants, one at a time, in a scratch
//! copy of the workspace: each a source edit (text found exactly once in its
//! file, and what replaces it), named, with the contract rule or section it
//! breaks. A test keeps every edit applicable to the current sources and
//! every rule of the contract covered.

/// One replacement in one file.
pub struct Edit {
    /// The file, from the workspace root.
    pub file: &'static str,
    /// Text that occurs exactly once in the file.
    pub find: &'static str,
    /// What it becomes.
    pub replace: &'static str,
}

/// A planted bug.
pub struct Bug {
    /// A short name, unique.
    pub name: &'static str,
    /// The rule of contract section 2 it breaks (`1` to `15`, `1b`, `12b`),
    /// or the section (`§4` the shape of responses, `§5` delivery, `§6` the
    /// application's decision).
    pub rule: &'static str,
    /// What the bug does, in a few words.
    pub what: &'static str,
    pub edits: &'static [Edit],
}

const PARSER: &str = "core/src/handshake/parser.rs";
const ABNF: &str = "core/src/handshake/abnf.rs";
const FIELDS: &str = "core/src/handshake/fields.rs";
const VALIDATE: &str = "core/src/handshake/validate.rs";
const HANDSHAKE: &str = "core/src/handshake.rs";
const RULES: &str = "core/src/handshake/rules.rs";
const RESPONSE: &str = "core/src/handshake/response.rs";
const ACCEPT_KEY: &str = "core/src/handshake/accept_key.rs";
const REFUSAL: &str = "core/src/handshake/refusal.rs";
const REQUEST: &str = "core/src/handshake/request.rs";
const DELIVERY: &str = "core/src/delivery.rs";
const DRIVER: &str = "core/src/driver.rs";
const BLOCKING: &str = "core/src/blocking.rs";
const TOKIO: &str = "core/src/tokio.rs";

/// A bug of one edit: `bug!(name, rule, what, file, find, replace)`.
macro_rules! bug {
    ($name:literal, $rule:literal, $what:literal, $file:expr, $find:expr, $replace:expr $(,)?) => {
        Bug { name: $name, rule: $rule, what: $what, edits: &[Edit { file: $file, find: $find, replace: $replace }] }
    };
}

/// Every planted bug, in the order of the contract.
pub const BUGS: &[Bug] = &[
    // Rule 1: the syntax of the head.
    bug!(
        "bare-lf-ends-head",
        "1",
        "a bare LF accepted as the blank line",
        PARSER,
        "(FieldStart, b'\\r') => BlankLf,",
        "(FieldStart, b'\\r') => BlankLf,\n            (FieldStart, b'\\n') => Complete(self.pos),",
    ),
    bug!(
        "space-before-colon",
        "1",
        "whitespace between a field name and its colon accepted",
        PARSER,
        "(Name, b':') => {",
        "(Name, b' ') => Name,\n            (Name, b':') => {",
    ),
    bug!(
        "obs-fold",
        "1",
        "a field line starting with SP or HTAB taken as more of the last value",
        PARSER,
        "(FieldStart, b'\\r') => BlankLf,",
        "(FieldStart, b' ' | b'\\t') => Value,\n            (FieldStart, b'\\r') => BlankLf,",
    ),
    bug!(
        "nul-in-value",
        "1",
        "NUL accepted in a short field value",
        ABNF,
        "static VALUE_BYTE = b'\\t' | b' '..=0x7e",
        "static VALUE_BYTE = b'\\0' | b'\\t' | b' '..=0x7e",
    ),
    bug!(
        "version-name-any-case",
        "1",
        "`http/1.1` matched case-insensitively (byte by byte only)",
        PARSER,
        "VERSION_SHAPE.get(usize::from(i)) == Some(&b)",
        "VERSION_SHAPE.get(usize::from(i)).is_some_and(|s| s.eq_ignore_ascii_case(&b))",
    ),
    bug!(
        "del-in-target",
        "1",
        "DEL (0x7F) accepted in the request-target",
        ABNF,
        "static TARGET_BYTE = 0x21..=0x7e",
        "static TARGET_BYTE = 0x21..=0x7f",
    ),
    // Rule 1b.
    bug!(
        "http-2-gets-400",
        "1b",
        "a major version other than 1 answered 400, not 505",
        PARSER,
        "=> Failed(Rule::UnsupportedHttpVersion),",
        "=> Failed(Rule::MalformedHead),",
    ),
    // Rule 2.
    Bug {
        name: "head-limit-off-by-one",
        rule: "2",
        what: "a head of `max_head_len + 1` bytes accepted",
        edits: &[
            Edit {
                file: HANDSHAKE,
                find: "buf.get(..(*filled).min(limit))",
                replace: "buf.get(..(*filled).min(limit.saturating_add(1)))",
            },
            Edit {
                file: HANDSHAKE,
                find: "Scan::Incomplete if window_len >= limit",
                replace: "Scan::Incomplete if window_len > limit",
            },
        ],
    },
    bug!(
        "field-limit-off-by-one",
        "2",
        "`max_headers + 1` fields accepted",
        HANDSHAKE,
        "self.parser.fields() > self.config.max_headers",
        "self.parser.fields() > self.config.max_headers.saturating_add(1)",
    ),
    // Rule 3.
    bug!(
        "http-1-0-accepted",
        "3",
        "any HTTP/1.x upgraded, HTTP/1.0 included",
        VALIDATE,
        "if line.version != *b\"11\" {",
        "if line.version[0] != b'1' {",
    ),
    // Rule 4.
    bug!(
        "method-any-case",
        "4",
        "the method matched case-insensitively (`get` upgraded)",
        VALIDATE,
        "if line.method.of(head) != b\"GET\" {",
        "if !line.method.of(head).eq_ignore_ascii_case(b\"GET\") {",
    ),
    bug!(
        "405-without-allow",
        "4",
        "a 405 without `Allow: GET`",
        RULES,
        "405 \"Method Not Allowed\", [\"Allow: GET\"]",
        "405 \"Method Not Allowed\", []"
    ),
    // Rule 5.
    bug!(
        "asterisk-target",
        "5",
        "the asterisk-form target `*` accepted",
        ABNF,
        "if target.starts_with('/') {",
        "if target.starts_with('/') || target == \"*\" {",
    ),
    bug!(
        "fragment-in-target",
        "5",
        "a `#` fragment accepted in the target",
        ABNF,
        "!bytes.contains(&b'#') && pct_encoding_is_valid(bytes)",
        "pct_encoding_is_valid(bytes)",
    ),
    // Rule 6.
    bug!(
        "duplicate-host",
        "6",
        "a second `Host` field replaces the first",
        FIELDS,
        "4 if eq_lowercase(name, b\"host\") => self.host.see(span),",
        "4 if eq_lowercase(name, b\"host\") => self.host = Single::Once(span),",
    ),
    bug!("empty-host", "6", "an empty `Host` value accepted", ABNF, "!bytes.is_empty()\n        && (plain", "(plain",),
    // Rule 7.
    bug!(
        "content-length-any",
        "7",
        "any single `Content-Length` accepted",
        VALIDATE,
        "Single::Once(value) => value.of(head) == b\"0\",",
        "Single::Once(_) => true,",
    ),
    bug!(
        "transfer-encoding-ignored",
        "7",
        "`Transfer-Encoding` not refused",
        VALIDATE,
        "if fields.transfer_encoding || !content_length_ok {",
        "if !content_length_ok {",
    ),
    // Rule 8.
    bug!(
        "upgrade-prefix",
        "8",
        "`Upgrade` matched by prefix (`websockets` accepted)",
        FIELDS,
        "self.upgrade_websocket |= list_contains(value, b\"websocket\"),",
        "self.upgrade_websocket |= value.get(..9).is_some_and(|v| v.eq_ignore_ascii_case(b\"websocket\")),",
    ),
    // Rule 9.
    bug!(
        "connection-case-sensitive",
        "9",
        "the `Connection` token matched case-sensitively (only `Upgrade`)",
        FIELDS,
        "self.connection_upgrade |= list_contains(value, b\"upgrade\"),",
        "self.connection_upgrade |= list_elements(value).any(|element| element == b\"Upgrade\"),",
    ),
    // Rule 10.
    bug!(
        "value-untrimmed",
        "10",
        "trailing whitespace kept in field values: a key checked untrimmed",
        PARSER,
        "Span { start, end: start.saturating_add(trim_ows(value).len()) }",
        "Span { start, end: start.saturating_add(value.len() - leading) }",
    ),
    bug!(
        "duplicate-key",
        "10",
        "a second `Sec-WebSocket-Key` replaces the first",
        FIELDS,
        "=> self.key.see(span),",
        "=> self.key = Single::Once(span),",
    ),
    bug!(
        "long-key",
        "10",
        "a key of more than 22 characters before `==` accepted",
        ABNF,
        "chars.len() == 22 &&",
        "chars.len() >= 22 &&"
    ),
    bug!(
        "url-safe-key",
        "10",
        "`-` and `_` accepted in the key",
        ABNF,
        "b'0'..=b'9' | b'+' | b'/'\n}",
        "b'0'..=b'9' | b'+' | b'/' | b'-' | b'_'\n}",
    ),
    // Rule 11.
    bug!(
        "version-8",
        "11",
        "`Sec-WebSocket-Version: 8` accepted",
        VALIDATE,
        "if fields.version.once().map(|version| version.of(head)) != Some(b\"13\") {",
        "if !matches!(fields.version.once().map(|version| version.of(head)), Some(b\"13\" | b\"8\")) {",
    ),
    bug!(
        "426-without-version",
        "11",
        "a 426 without `Sec-WebSocket-Version: 13`",
        RULES,
        "[\"Sec-WebSocket-Version: 13\", \"Upgrade: websocket\"]",
        "[\"Upgrade: websocket\"]",
    ),
    bug!(
        "duplicate-version",
        "11",
        "a second `Sec-WebSocket-Version` replaces the first",
        FIELDS,
        "=> self.version.see(span),",
        "=> self.version = Single::Once(span),",
    ),
    // Rule 12.
    bug!(
        "duplicate-origin",
        "12",
        "two `Origin` fields taken as none",
        VALIDATE,
        "Single::Repeated => return Err(Rule::DuplicateOrigin),",
        "Single::Repeated => None,",
    ),
    // Rule 12b.
    bug!(
        "same-host-any-port",
        "12b",
        "the same-host origin policy ignores the port",
        VALIDATE,
        "name.eq_ignore_ascii_case(host_name) && port == host_port",
        "name.eq_ignore_ascii_case(host_name)",
    ),
    // Rule 13.
    bug!(
        "empty-protocol",
        "13",
        "an empty element accepted in `Sec-WebSocket-Protocol`",
        FIELDS,
        "if !is_token(offered) {",
        "if !offered.is_empty() && !is_token(offered) {",
    ),
    // Rule 14.
    bug!(
        "end-of-stream-waits",
        "14",
        "the end of the stream before the head is not answered",
        HANDSHAKE,
        "Scan::Incomplete if end_of_stream => Some(Decided::Broken(Rule::StreamEnded)),",
        "",
    ),
    // Rule 15.
    bug!(
        "no-head-deadline",
        "15",
        "the head is read without a deadline",
        DELIVERY,
        "Some(left) if !left.is_zero() => Next::ReadHead { timeout: Some(left) },",
        "Some(_) => Next::ReadHead { timeout: None },",
    ),
    bug!(
        "deadline-zero-left",
        "15",
        "a read with no time left asked for instead of the 408",
        DELIVERY,
        "Some(left) if !left.is_zero() =>",
        "Some(left) =>",
    ),
    // Section 4: the shape of every response.
    bug!(
        "head-gets-body",
        "§4",
        "the answer to a `HEAD` request has a body",
        RESPONSE,
        "let body = (!rejection.head_method()).then_some(rule.body());",
        "let body = Some(rule.body());",
    ),
    bug!(
        "content-length-off-by-one",
        "§4",
        "`Content-Length` one more than the body",
        RESPONSE,
        "self.decimal(body.len());",
        "self.decimal(body.len().saturating_add(1));",
    ),
    bug!(
        "accept-key-unpadded",
        "§4",
        "the accept key's last group padded with `A`, not `=`",
        ACCEPT_KEY,
        ".take(bytes.len() + 1)",
        ".take(4)",
    ),
    // Section 5: fully flushed means delivered.
    bug!(
        "short-write-taken-whole",
        "§5",
        "a short write counted as the whole response",
        DELIVERY,
        "self.written = self.written.saturating_add(n).min(self.len);",
        "self.written = self.len;",
    ),
    bug!(
        "interrupted-write-fails",
        "§5",
        "an `Interrupted` write reported as an error, not retried",
        DRIVER,
        "Err(e) if e.kind() == ErrorKind::Interrupted => Ok(()),\n            Err(e) => Err(self.fail(Step::Write, e)),",
        "Err(e) => Err(self.fail(Step::Write, e)),",
    ),
    bug!(
        "no-flush",
        "§5",
        "the response written but not flushed",
        DELIVERY,
        "                self.state = State::Flushing;",
        "                self.state = if self.switch { State::Done(Outcome::Upgraded) } else { State::ShuttingDown };",
    ),
    bug!(
        "async-no-flush",
        "§5",
        "the async driver does not flush",
        TOKIO,
        "let flushed = self.stream.flush().await;",
        "let flushed = Ok(());",
    ),
    bug!(
        "no-half-close",
        "§5",
        "an error response not followed by the half-close",
        DELIVERY,
        "State::Done(Outcome::Upgraded) } else { State::ShuttingDown };",
        "State::Done(Outcome::Upgraded) } else { State::Lingering { until: None, budget: self.limits.linger_bytes } };",
    ),
    bug!(
        "no-linger",
        "§5",
        "the connection closed at once after the half-close, unread input left",
        DELIVERY,
        "self.state = State::Lingering { until: None, budget: self.limits.linger_bytes };",
        "self.state = State::Done(Outcome::Closed(LingerEnd::PeerClosed));",
    ),
    bug!(
        "linger-without-budget",
        "§5",
        "the linger discards without counting its byte budget",
        DELIVERY,
        "n => State::Lingering { until, budget: budget.saturating_sub(u64::try_from(n).unwrap_or(u64::MAX)) },",
        "_ => State::Lingering { until, budget },",
    ),
    bug!(
        "linger-without-time",
        "§5",
        "the linger has no time limit",
        DELIVERY,
        "let until = until.unwrap_or_else(|| add(now, self.limits.linger_time).unwrap_or(Duration::MAX));",
        "let until = until.unwrap_or(Duration::MAX);",
    ),
    bug!(
        "blocking-no-shutdown",
        "§5",
        "the blocking driver skips the half-close",
        BLOCKING,
        "let shut_down = self.stream.shutdown_write();",
        "let shut_down = Ok(());",
    ),
    // Section 6: the application's decision, and what the driver hands on.
    bug!(
        "leftover-byte-lost",
        "§6",
        "the first byte after the head dropped from the leftover",
        REQUEST,
        "self.received.get(self.head.len()..)",
        "self.received.get(self.head.len().saturating_add(1)..)",
    ),
    bug!(
        "crlf-in-refusal-field",
        "§6",
        "a caller's field value with CR LF let through",
        REFUSAL,
        "if outer_whitespace || !value_bytes.iter().all(|&b| is_value_byte(b)) {",
        "if outer_whitespace {",
    ),
    bug!(
        "reserved-field-any-case",
        "§6",
        "a reserved field name refused only in lower case",
        REFUSAL,
        "if RESERVED.iter().any(|reserved| reserved.eq_ignore_ascii_case(name)) {",
        "if RESERVED.contains(&name) {",
    ),
    bug!(
        "protocol-any-case",
        "§6",
        "the application's subprotocol matched to an offer case-insensitively",
        REQUEST,
        ".find(|&offered| offered == wanted)",
        ".find(|&offered| offered.eq_ignore_ascii_case(wanted))",
    ),
];

#[cfg(test)]
mod tests {
    use super::BUGS;
    use crate::root;

    #[test]
    fn every_edit_applies_once_to_the_current_sources() {
        for bug in BUGS {
            for edit in bug.edits {
                let text = std::fs::read_to_string(root().join(edit.file)).expect(edit.file);
                assert_eq!(text.matches(edit.find).count(), 1, "{}: {:?} in {}", bug.name, edit.find, edit.file);
            }
        }
    }

    #[test]
    fn at_least_thirty_bugs_cover_every_rule_and_section_5() {
        assert!(BUGS.len() >= 30, "{} bugs", BUGS.len());
        for (i, bug) in BUGS.iter().enumerate() {
            assert!(BUGS[..i].iter().all(|other| other.name != bug.name), "{} twice", bug.name);
        }
        let rules = ws_handshake::Rule::ALL.iter().map(|rule| rule.number());
        for rule in rules.chain(["§4", "§5", "§6"]) {
            assert!(BUGS.iter().any(|bug| bug.rule == rule), "no bug breaks rule {rule}");
        }
    }
}
