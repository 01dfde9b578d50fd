//! The `surface` fuzz target's body: the public API that the handshake's
//! path does not reach, each answer checked against a second reading of
//! the contract (the model, the oracle, the status table of
//! [`crate::decision`]). A drawn configuration must validate exactly when
//! its subprotocols are short tokens, and a request under it get what the
//! model says; an accept key of any length must be the oracle's; a rule's
//! texts, its rejection and a refusal's status must match the tables; a
//! response must refuse a short buffer with its length; a handshake fed
//! after its decision must keep it; a delivery must ignore reports out of
//! order, time its head deadline and send only the first response.

use std::time::Duration;

use arbitrary::{Arbitrary, Unstructured};
use ws_handshake::delivery::{Delivery, Limits, Next};
use ws_handshake::{
    Config, ConfigError, Handshake, InsufficientSize, MAX_PROTOCOL_LEN, MAX_RESPONSE_LEN, OriginPolicy, Progress,
    Rejection, Request, Response, Rule, Status, ValidConfig, accept_key, reason_phrase,
};
use ws_handshake_oracle as oracle;

use crate::decision::{self, Answer, Decision};
use crate::fuzz::{Described, end};
use crate::harness;
use crate::model::{End, is_tchar};

/// Subprotocol names a drawn configuration lists, valid and not: tokens,
/// one of exactly [`MAX_PROTOCOL_LEN`] bytes and one longer, a space, an
/// empty name, a non-ASCII one.
const PROTOCOLS: &[&str] = &[
    "chat",
    "superchat",
    "x",
    "CHAT",
    "a b",
    "",
    "caf\u{e9}",
    "v1.json~",
    "pppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppp",
    "ppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppp",
];

/// Origins an allow-list holds.
const ORIGINS: &[&str] = &["http://example.com", "HTTP://EXAMPLE.COM:80", "https://app.example", "null"];

/// A word from a list, or the fuzzer's own.
#[derive(Arbitrary, Debug)]
enum Word {
    Listed(u8),
    Own(String),
}

impl Word {
    fn text(&self, list: &[&str]) -> String {
        match self {
            Word::Listed(choice) => list[usize::from(*choice) % list.len()].to_owned(),
            Word::Own(text) => text.clone(),
        }
    }
}

/// A server's configuration, drawn.
#[derive(Arbitrary, Debug)]
struct Drawn {
    max_head_len: u16,
    max_headers: u8,
    /// Same host, any, or an allow-list.
    origin: Option<Option<Vec<Word>>>,
    protocols: Vec<Word>,
}

/// A delivery's times, in milliseconds, and whether it has no head deadline
/// ([`Duration::MAX`]).
#[derive(Arbitrary, Debug)]
struct Times {
    start: u32,
    deadline: u32,
    now: u32,
    no_deadline: bool,
}

/// The target's input.
#[derive(Arbitrary, Debug)]
struct Surface {
    config: Drawn,
    /// A `Sec-WebSocket-Key` value of any length.
    key: Vec<u8>,
    /// A rule, by its place in [`Rule::ALL`], and whether the request was a
    /// `HEAD`.
    rule: u8,
    head_method: bool,
    /// How far short of a response's length a buffer is.
    short: u16,
    /// How many bytes arrive after the handshake decided.
    later: u8,
    times: Times,
    /// A request and the application's decision (as the `structured`
    /// target has them).
    request: Described,
}

/// Panics unless every check of the module holds for the input `data`.
pub fn check(data: &[u8]) {
    let Ok(surface) = Surface::arbitrary_take_rest(Unstructured::new(data)) else { return };
    if let Err(failure) = surface.check() {
        panic!("{failure}\n{surface:?}");
    }
}

impl Surface {
    fn check(&self) -> Result<(), String> {
        let origins: Vec<String> = self.config.origin.iter().flatten().flatten().map(|w| w.text(ORIGINS)).collect();
        let protocols: Vec<String> = self.config.protocols.iter().map(|w| w.text(PROTOCOLS)).collect();
        let (origins, protocols): (Vec<&str>, Vec<&str>) =
            (origins.iter().map(String::as_str).collect(), protocols.iter().map(String::as_str).collect());
        let config = Config {
            max_head_len: usize::from(self.config.max_head_len),
            max_headers: usize::from(self.config.max_headers),
            origin: match self.config.origin {
                None => OriginPolicy::SameHost,
                Some(None) => OriginPolicy::Any,
                Some(Some(_)) => OriginPolicy::AllowList(&origins),
            },
            protocols: &protocols,
        };
        if let Some(valid) = validates(config)? {
            self.under(&valid)?;
        }
        agrees_with_oracle_key(&self.key)?;
        let rule = Rule::ALL[usize::from(self.rule) % Rule::ALL.len()];
        rule_texts(rule)?;
        let rejection = Rejection::new(rule, self.head_method);
        let first = rejection.response();
        rejection_says(&rejection, rule, self.head_method)?;
        refuses_short_buffer(&first, self.short)?;
        let second = Rejection::new(rule, !self.head_method).response();
        self.times.delivery(&first, &second)?;
        refusal(&self.request.decision)
    }

    /// A request under `valid`: what the model says, at once and fed on
    /// after the decision; the application's decision as contract section 6
    /// says; a head buffer too short refused.
    fn under(&self, valid: &ValidConfig<'_>) -> Result<(), String> {
        let bytes = self.request.request().render();
        harness::check(valid, &bytes, end(self.request.end))?;
        harness::check_decision(valid, &bytes, &self.request.decision)?;
        fed_after_decision(valid, &bytes, usize::from(self.later))
    }
}

/// `config.validate()`, which must fail exactly when `max_head_len` is 0
/// (no head fits), or a subprotocol is not a token (RFC 9110 section 5.6.2)
/// or is longer than [`MAX_PROTOCOL_LEN`], with the first such error, its
/// text naming what is wrong. The defaults must be valid.
fn validates(config: Config<'_>) -> Result<Option<ValidConfig<'_>>, String> {
    if Config::default().validate() != Ok(ValidConfig::default()) {
        return Err("the default configuration is not ValidConfig::default()".into());
    }
    let no_room = (config.max_head_len == 0).then_some((ConfigError::NoRoomForHead, "max_head_len"));
    let expected = no_room.or_else(|| {
        config.protocols.iter().find_map(|protocol| {
            let token = !protocol.is_empty() && protocol.bytes().all(is_tchar);
            match (token, protocol.len() > MAX_PROTOCOL_LEN) {
                (false, _) => Some((ConfigError::ProtocolNotToken, "subprotocol")),
                (true, true) => Some((ConfigError::ProtocolTooLong, "subprotocol")),
                (true, false) => None,
            }
        })
    });
    match (config.validate(), expected) {
        (Ok(valid), None) if *valid == config => Ok(Some(valid)),
        (Err(error), Some((expected, named))) if error == expected && error.to_string().contains(named) => Ok(None),
        (got, expected) => Err(format!("{config:?}: validate gives {got:?}, expected {expected:?}")),
    }
}

/// The core's accept key for `key`, of any length, is the oracle's.
fn agrees_with_oracle_key(key: &[u8]) -> Result<(), String> {
    let (core, oracle) = (accept_key(key), oracle::accept_value(key));
    match core[..] == *oracle.as_bytes() {
        true => Ok(()),
        false => Err(format!("the accept key of {key:?}: {:?}, the oracle {oracle}", String::from_utf8_lossy(&core))),
    }
}

/// The rule's status is the contract's, its reason phrase the status
/// table's, and its text names all three with its number.
fn rule_texts(rule: Rule) -> Result<(), String> {
    let (status, reason) = (rule.status(), rule.reason());
    let text = rule.to_string();
    let fits = oracle::contract_status(rule.number()) == Some(status)
        && decision::reason(status) == Some(reason)
        && reason_phrase(status) == Some(reason)
        && [status.to_string(), reason.to_owned(), format!("rule {}", rule.number())].iter().all(|s| text.contains(s));
    match fits {
        true => Ok(()),
        false => Err(format!("{rule:?}: status {status}, reason {reason:?}, text {text:?}")),
    }
}

/// A rejection made by [`Rejection::new`] reads back as made, and its
/// response has the rule's status line, and its body unless the request
/// was a `HEAD`.
fn rejection_says(rejection: &Rejection, rule: Rule, head_method: bool) -> Result<(), String> {
    let response = rejection.response();
    let mut buf = [0; MAX_RESPONSE_LEN];
    let len = response.write(&mut buf).map_err(|e| format!("{rule:?}: {e}"))?;
    let written = &buf[..len];
    let status_line = format!("HTTP/1.1 {} {}\r\n", rule.status(), rule.reason());
    let body = if head_method { "" } else { rule.body() };
    let fits = (rejection.rule(), rejection.head_method(), rejection.status()) == (rule, head_method, rule.status())
        && (response.status(), response.is_switch(), response.rule(), response.protocol())
            == (rule.status(), false, Some(rule), None)
        && written.starts_with(status_line.as_bytes())
        && written.ends_with(format!("\r\n\r\n{body}").as_bytes());
    match fits {
        true => Ok(()),
        false => Err(format!("{rejection:?}: {:?}", String::from_utf8_lossy(written))),
    }
}

/// `response` written into a buffer `short` bytes (at least one) shorter
/// than it is: `InsufficientSize` with its length, which its text names.
fn refuses_short_buffer(response: &Response<'_>, short: u16) -> Result<(), String> {
    let mut buf = [0; MAX_RESPONSE_LEN];
    let len = response.write(&mut buf).map_err(|e| e.to_string())?;
    let cut = len - 1 - usize::from(short) % len;
    match response.write(&mut buf[..cut]) {
        Err(error @ InsufficientSize { required })
            if required == len && error.to_string().contains(&len.to_string()) =>
        {
            Ok(())
        }
        got => Err(format!("a response of {len} bytes into {cut}: {got:?}")),
    }
}

/// Feeds `bytes` into a handshake under `valid`, then `later` bytes more
/// once it decided: still decided, with the decision of `bytes` alone; its
/// `Debug` shows how much it holds; a valid request's fields end
/// ([`fields_end`]). A buffer one byte short of
/// `max_head_len` is refused with the length it needs, which the error's
/// text names.
fn fed_after_decision(valid: &ValidConfig<'_>, bytes: &[u8], later: usize) -> Result<(), String> {
    let mut buf = vec![0; valid.max_head_len + later];
    if let Some(short) = valid.max_head_len.checked_sub(1) {
        match Handshake::new(valid, &mut buf[..short]) {
            Err(error)
                if error.required == valid.max_head_len
                    && error.to_string().contains(&valid.max_head_len.to_string()) => {}
            got => return Err(format!("a buffer of {short} bytes: {got:?}")),
        }
    }
    let mut handshake = Handshake::new(valid, &mut buf).map_err(|e| e.to_string())?;
    let unfilled = handshake.unfilled();
    let n = bytes.len().min(unfilled.len());
    unfilled[..n].copy_from_slice(&bytes[..n]);
    if n == 0 || handshake.filled(n) == Status::NeedMore {
        return Ok(());
    }
    let debug = format!("{handshake:?}");
    let again = handshake.filled(later);
    let progress = handshake.into_progress();
    if let Progress::Request(request) = &progress {
        fields_end(request)?;
    }
    let outcome = harness::outcome(&progress);
    let alone = harness::run(valid, bytes, &[], End::Open).outcome;
    match again == Status::Decided && outcome == alone && debug.contains(&format!("filled: {n}")) {
        true => Ok(()),
        false => Err(format!("{later} bytes after the decision: {again:?}, {outcome:?}, alone {alone:?}; {debug}")),
    }
}

/// A valid request's field lines are each found by name, and once they
/// end, the iterator stays ended.
fn fields_end(request: &Request<'_>) -> Result<(), String> {
    let mut fields = request.fields();
    if let Some((name, _)) = fields.by_ref().find(|(name, _)| request.field(name).is_none()) {
        return Err(format!("the field {name:?} is not found by name"));
    }
    match fields.next() {
        None => Ok(()),
        Some(field) => Err(format!("{field:?} after the last field")),
    }
}

impl Times {
    /// A delivery started at `start`, polled at `now` before any response:
    /// reports out of order change nothing; it asks for the head, with the
    /// time left until the deadline (none past [`Duration::MAX`]), or says
    /// the deadline passed. Of two responses it sends the first.
    fn delivery(&self, first: &Response<'_>, second: &Response<'_>) -> Result<(), String> {
        let ms = |ms: u32| Duration::from_millis(u64::from(ms));
        let timeout = if self.no_deadline { Duration::MAX } else { ms(self.deadline) };
        let limits = Limits { handshake_timeout: timeout, ..Limits::default() };
        let (start, now) = (ms(self.start), ms(self.now));
        let mut delivery = Delivery::new(&limits, start);
        delivery.wrote(1);
        delivery.flushed();
        delivery.shut_down();
        delivery.discarded(1);
        let expected = match start.checked_add(timeout) {
            None => Next::ReadHead { timeout: None },
            Some(deadline) if deadline > now => Next::ReadHead { timeout: Some(deadline - now) },
            Some(_) => Next::HeadTimedOut,
        };
        if delivery.poll(now) != expected || !delivery.response().is_empty() {
            let polled = format!("{:?}", delivery.poll(now));
            return Err(format!("{self:?}: {polled}, expected {expected:?}, response {:?}", delivery.response()));
        }
        delivery.respond(first);
        delivery.respond(second);
        let mut buf = [0; MAX_RESPONSE_LEN];
        let len = first.write(&mut buf).map_err(|e| e.to_string())?;
        let sent = &buf[..len];
        match delivery.response() == sent && delivery.poll(now) == Next::Write(sent) {
            true => Ok(()),
            false => Err(format!("{self:?}: sends {:?}", String::from_utf8_lossy(delivery.response()))),
        }
    }
}

/// A refusal built as `decision` says: its status's reason phrase is the
/// status table's, and it is built or refused as the contract says, its
/// error's text naming what failed.
fn refusal(decision: &Decision) -> Result<(), String> {
    let Decision::Reject { status, fields, body } = decision else { return Ok(()) };
    if reason_phrase(*status) != decision::reason(*status) {
        return Err(format!("{status}: the core's reason phrase {:?}", reason_phrase(*status)));
    }
    match (decision::refuse(*status, fields, body), decision::expect(decision, &[], None)) {
        (Ok(refusal), Answer::Refusal(_))
            if (refusal.status(), Some(refusal.reason()), refusal.fields(), refusal.body())
                == (*status, decision::reason(*status), &fields_of(fields)[..], body.as_str()) =>
        {
            Ok(())
        }
        (Err(error), Answer::Error(name)) if format!("{error:?}").starts_with(name) => decision::error_text(&error),
        (got, expected) => Err(format!("{decision:?}: {got:?}, expected {expected:?}")),
    }
}

/// `fields` as a refusal holds them.
fn fields_of(fields: &[(String, String)]) -> Vec<(&str, &str)> {
    fields.iter().map(|(name, value)| (name.as_str(), value.as_str())).collect()
}
