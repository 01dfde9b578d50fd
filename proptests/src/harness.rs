//! Runs the core the way every property, fuzz target and corpus replay does,
//! and checks what it did against the model and the oracle.

use std::cell::RefCell;
use std::io::ErrorKind;
use std::time::Duration;

use ws_handshake::blocking::{Error, Step};
use ws_handshake::delivery::{Limits, LingerEnd};
use ws_handshake::{Handshake, MAX_RESPONSE_LEN, Progress, Request, Response, Status, ValidConfig};

use crate::decision::{self, Answer, Decision};
use crate::drivers::{Driver, Ran};
use crate::model::{self, End, Expected};
use crate::transport::{Call, MAX_CALLS, Schedule, Script};
use ws_handshake_oracle::{self as oracle, Verdict};

/// The longest response [`run`] writes: the contract's defaults, a 101
/// (at most 230 bytes, with a subprotocol of `MAX_PROTOCOL_LEN`) or a rule's
/// rejection (at most 200), never the application's refusals, which
/// `MAX_RESPONSE_LEN` (1,665 bytes) is sized for. A buffer that small keeps the
/// fuzz targets fast under AddressSanitizer, which pays for every large
/// stack array.
const DEFAULT_RESPONSE_LEN: usize = 256;

/// What the core did with some bytes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Run {
    /// The outcome, in the model's terms.
    pub outcome: Expected,
    /// The response it wrote, in the fixed buffer the core writes into (no
    /// allocation per run: the fuzz targets run millions); zeros after it.
    buf: [u8; DEFAULT_RESPONSE_LEN],
    len: usize,
}

impl Run {
    /// The response it wrote (empty for [`Expected::NeedMore`]).
    pub fn response(&self) -> &[u8] {
        &self.buf[..self.len]
    }
}

thread_local! {
    /// The head buffer of every run on this thread, grown once.
    static HEAD: RefCell<Vec<u8>> = const { RefCell::new(Vec::new()) };
}

/// Feeds `bytes` to a fresh handshake, read by read, the reads cut at `cuts`
/// (ascending positions, anything out of range ignored), ended as `end`
/// says, and gives `decided` the last progress (`NeedMore` only when the
/// stream stays open) and the handshake's answer when the deadline passed.
pub fn feed<R>(
    config: &ValidConfig<'_>,
    bytes: &[u8],
    cuts: &[usize],
    end: End,
    decided: impl FnOnce(Progress<'_>) -> R,
) -> R {
    HEAD.with_borrow_mut(|buf| {
        if buf.len() < config.max_head_len {
            buf.resize(config.max_head_len, 0);
        }
        let mut handshake = Handshake::new(config, buf).expect("a buffer of max_head_len");
        let stops = cuts.iter().copied().filter(|&cut| cut < bytes.len()).chain([bytes.len()]);
        let mut from = 0;
        for stop in stops {
            let unfilled = handshake.unfilled();
            // The handshake decides once `max_head_len` bytes are in, so
            // what does not fit is never needed.
            let n = bytes[from..stop].len().min(unfilled.len());
            if n == 0 {
                continue;
            }
            unfilled[..n].copy_from_slice(&bytes[from..from + n]);
            from = stop;
            if handshake.filled(n) == Status::Decided {
                return decided(handshake.into_progress());
            }
        }
        match end {
            End::Open => decided(handshake.into_progress()),
            End::Eof => {
                let _ = handshake.filled(0);
                decided(handshake.into_progress())
            }
            End::Deadline => decided(Progress::Reject(handshake.timed_out())),
        }
    })
}

/// Feeds `bytes` as [`feed`] does and writes the response the contract's
/// defaults give.
pub fn run(config: &ValidConfig<'_>, bytes: &[u8], cuts: &[usize], end: End) -> Run {
    // Filled in place: a run is a few hundred bytes, and the fuzz targets
    // make millions (each copy costs more under AddressSanitizer).
    let mut run = Run { outcome: Expected::NeedMore, buf: [0; DEFAULT_RESPONSE_LEN], len: 0 };
    feed(config, bytes, cuts, end, |progress| {
        run.len = progress
            .response()
            .map_or(0, |response| response.write(&mut run.buf).expect("a default response fits DEFAULT_RESPONSE_LEN"));
        run.outcome = outcome(&progress);
    });
    run
}

/// A progress in the model's terms, the application taking the defaults.
pub fn outcome(progress: &Progress<'_>) -> Expected {
    match progress {
        Progress::NeedMore(_) => Expected::NeedMore,
        Progress::Request(request) => {
            accessors_agree(request);
            let mut path = request.path().to_owned();
            if let Some(query) = request.query() {
                path.push('?');
                path.push_str(query);
            }
            Expected::Accept {
                head_len: request.head_len(),
                path,
                protocol: request.selected_protocol().map(str::to_owned),
            }
        }
        Progress::Reject(rejection) => {
            Expected::Reject { rule: rejection.rule().number(), head_method: rejection.head_method() }
        }
    }
}

/// Panics unless what a valid request's accessors say agrees with its
/// fields: one `Host` and one key (rules 6 and 10), a 24-byte key, the
/// method `GET` (rule 4), at most one `Origin` (rule 12), no empty
/// extension element.
fn accessors_agree(request: &Request<'_>) {
    assert_eq!(request.method(), "GET");
    assert_eq!(request.field("host"), Some(request.host().as_bytes()), "Host");
    assert_eq!(request.field("sec-websocket-key"), Some(request.key().as_bytes()), "Sec-WebSocket-Key");
    assert_eq!(request.key().len(), 24, "the key {:?}", request.key());
    assert_eq!(request.origin(), request.field("origin"), "Origin");
    assert!(!request.target().is_empty());
    assert!(request.extensions().all(|extension| !extension.is_empty()), "an empty extension");
}

/// Runs the core over `bytes` at once and checks it against the contract:
/// the model must expect the same outcome, and the oracle must find the
/// response well-formed, with the rule's status, or a correct 101.
pub fn check(config: &ValidConfig<'_>, bytes: &[u8], end: End) -> Result<Run, String> {
    let run = run(config, bytes, &[], end);
    let expected = model::expect(config, bytes, end);
    if run.outcome != expected {
        return Err(format!("core {:?}, model {expected:?}", run.outcome));
    }
    // The answer is a function of the first `max_head_len` bytes alone: a
    // window of `HEA` is no `HEAD` request.
    judge(&bytes[..bytes.len().min(config.max_head_len)], &run)?;
    Ok(run)
}

/// Checks a run's response with the oracle against its outcome.
pub fn judge(request: &[u8], run: &Run) -> Result<(), String> {
    if run.outcome == Expected::NeedMore && run.response().is_empty() {
        return Ok(());
    }
    match (&run.outcome, oracle::judge_exact(request, run.response())) {
        (Expected::Accept { protocol, .. }, Ok(Verdict::Switched { protocol: sent })) if *protocol == sent => Ok(()),
        (Expected::Reject { rule, .. }, Ok(Verdict::Refused { status }))
            if oracle::contract_status(rule) == Some(status) =>
        {
            Ok(())
        }
        (outcome, verdict) => Err(format!(
            "outcome {outcome:?}, oracle {verdict:?}, response {:?}",
            String::from_utf8_lossy(run.response())
        )),
    }
}

/// What contract section 6 gives to `decision` for `request`, a valid
/// request whose configuration selects `selected`: by the oracle's reading
/// of the offered subprotocols, not the core's.
fn answer(request: &[u8], selected: Option<&str>, decision: &Decision) -> Answer {
    let offered = oracle::offered_protocols(request);
    let offered: Vec<&str> = offered.iter().map(String::as_str).collect();
    decision::expect(decision, &offered, selected)
}

/// Whether `sent`, with the driver's or the core's `outcome`, is `answer`.
fn matches_answer(request: &[u8], answer: &Answer, sent: Result<&[u8], String>) -> Result<(), String> {
    match (answer, sent) {
        (Answer::Error(name), Err(error)) if error.starts_with(name) => Ok(()),
        (Answer::Refusal(bytes), Ok(sent)) if bytes == sent => Ok(()),
        (Answer::Switch(protocol), Ok(sent)) => match oracle::judge_exact(request, sent) {
            Ok(Verdict::Switched { protocol: selected }) if selected == *protocol => Ok(()),
            verdict => Err(format!("expected a 101 with {protocol:?}, oracle {verdict:?}")),
        },
        (answer, sent) => {
            Err(format!("expected {answer:?}, got {:?}", sent.map(|sent| String::from_utf8_lossy(sent).into_owned())))
        }
    }
}

/// Feeds `bytes` at once and, when they are a valid request, answers with
/// `decision`: the core's response or error must be what contract section 6
/// gives, and a 101 must pass the oracle.
pub fn check_decision(config: &ValidConfig<'_>, bytes: &[u8], decision: &Decision) -> Result<(), String> {
    let Expected::Accept { protocol, .. } = model::expect(config, bytes, End::Open) else { return Ok(()) };
    let answer = answer(bytes, protocol.as_deref(), decision);
    feed(config, bytes, &[], End::Open, |progress| {
        let Progress::Request(request) = progress else {
            return Err(format!("the model accepts, the core: {progress:?}"));
        };
        let mut refusal = None;
        let mut buf = [0; MAX_RESPONSE_LEN];
        let got = match decision::apply(&request, decision, &mut refusal) {
            Ok(response) => {
                describes(&response, &answer).map_err(|failure| format!("{decision:?}: {failure}"))?;
                let len = response.write(&mut buf).expect("MAX_RESPONSE_LEN suffices");
                Ok(&buf[..len])
            }
            Err(error) => {
                decision::error_text(&error)?;
                Err(format!("{error:?}"))
            }
        };
        matches_answer(bytes, &answer, got).map_err(|failure| format!("{decision:?}: {failure}"))
    })
}

/// Whether what `response` says of itself (its status, whether it is the
/// 101, its rule and its subprotocol) is what `answer` gives: an
/// application's answer names no rule.
fn describes(response: &Response<'_>, answer: &Answer) -> Result<(), String> {
    let says = (response.status(), response.is_switch(), response.rule(), response.protocol());
    let fits = match answer {
        Answer::Switch(protocol) => says == (101, true, None, protocol.as_deref()),
        Answer::Refusal(bytes) => {
            !says.1
                && says.2.is_none()
                && says.3.is_none()
                && bytes.starts_with(format!("HTTP/1.1 {} ", says.0).as_bytes())
        }
        Answer::Error(_) => false,
    };
    match fits {
        true => Ok(()),
        false => Err(format!("expected {answer:?}, the response says (status, 101, rule, subprotocol) {says:?}")),
    }
}

/// The transport call an I/O step makes.
fn call_of(step: Step) -> Call {
    match step {
        Step::ReadHead | Step::Linger => Call::Read,
        Step::Write => Call::Write,
        Step::Flush => Call::Flush,
        Step::Shutdown => Call::Shutdown,
        Step::SetReadTimeout => Call::SetReadTimeout,
    }
}

/// Runs every driver this build has ([`Driver::ALL`]: the blocking one, and
/// the async one with the feature `tokio`) over the reads of `schedule`, and
/// checks each as [`drive_with`] does.
/// Each also gets a head buffer one byte short of `max_head_len`, and must
/// refuse it before touching the stream.
pub fn drive(config: &ValidConfig<'_>, limits: &Limits, schedule: Schedule, decision: &Decision) -> Result<(), String> {
    for &driver in Driver::ALL {
        drive_with(driver, config, limits, schedule.clone(), decision)?;
        refuses_short_buffer(driver, config, limits)?;
    }
    Ok(())
}

/// Whether `driver`, given a head buffer one byte short of `max_head_len`,
/// returns `BufferTooSmall` with the length it needs (and says it) without
/// a call on the stream.
fn refuses_short_buffer(driver: Driver, config: &ValidConfig<'_>, limits: &Limits) -> Result<(), String> {
    let Some(short) = config.max_head_len.checked_sub(1) else { return Ok(()) };
    let ran = driver.run_in(short, config, limits, Schedule::default(), &Decision::Accept)?;
    match ran.result {
        Err(Error::BufferTooSmall(small)) if small.required == config.max_head_len && ran.script.calls == 0 => {
            error_text(&Error::BufferTooSmall(small))
        }
        result => Err(format!("{driver:?} driver, a buffer of {short} bytes: {result:?}, {} calls", ran.script.calls)),
    }
}

/// Whether a driver's error says what happened (its `Display` names the
/// buffer length, the status, the rule's number, the step and the stream's
/// error) and gives its cause (`source`) exactly when it has one.
fn error_text(error: &Error) -> Result<(), String> {
    use std::error::Error as _;
    let (named, cause): (Vec<String>, bool) = match error {
        Error::BufferTooSmall(small) => (vec![small.required.to_string()], true),
        Error::Rejected { status, rule, .. } => (
            [status.to_string()].into_iter().chain(rule.map(|rule| format!("rule {}", rule.number()))).collect(),
            false,
        ),
        Error::Io { step, status, source } => {
            ([format!("{step:?}"), source.to_string()].into_iter().chain(status.map(|s| s.to_string())).collect(), true)
        }
        // A variant this harness does not know yet: its text must say something.
        _ => (Vec::new(), error.source().is_some()),
    };
    let text = error.to_string();
    match !text.is_empty()
        && named.iter().all(|named| text.contains(named.as_str()))
        && error.source().is_some() == cause
    {
        true => Ok(()),
        false => Err(format!("{error:?} reads {text:?} (naming {named:?}?), source {:?}", error.source())),
    }
}

/// Runs `driver` with `limits` over the reads of `schedule`, with its
/// faults, the application answering a valid request with `decision`, and
/// checks that it kept contract section 5: the response the contract gives
/// to the bytes read before it, by the deadline, fully flushed, then the
/// stream left open after a 101 or shut down after anything else, with
/// nothing written after the shutdown and a linger that kept its budget and
/// ended as it says; or an I/O error that the transport injected, at the
/// step the driver names, never one it must retry; never a loop or a hang,
/// and done by the end of the deadline and the linger. Returns the
/// transport's record.
pub fn drive_with(
    driver: Driver,
    config: &ValidConfig<'_>,
    limits: &Limits,
    schedule: Schedule,
    decision: &Decision,
) -> Result<Script, String> {
    let checked = driver
        .run(config, limits, schedule, decision)
        .and_then(|ran| check_delivery(config, limits, decision, &ran).map(|()| ran.script));
    checked.map_err(|failure| format!("{driver:?} driver: {failure}"))
}

/// Checks the linger after an error response (contract section 5, step 4):
/// after the half-close the driver read no more than the linger budget, and
/// the end it reports is what happened: the client closed its side, the
/// budget was spent, or the linger time passed.
fn check_linger(limits: &Limits, stream: &Script, finished: Duration, linger: LingerEnd) -> Result<(), String> {
    let Some((read_before, shut_down)) = stream.shutdown_at else { return Err("rejected without a half-close".into()) };
    let discarded = u64::try_from(stream.received.len() - read_before).unwrap_or(u64::MAX);
    if discarded > limits.linger_bytes {
        return Err(format!("{discarded} bytes read after the half-close, past the budget of {}", limits.linger_bytes));
    }
    let happened = match linger {
        LingerEnd::PeerClosed => stream.eof_after_shutdown,
        LingerEnd::BudgetSpent => discarded == limits.linger_bytes,
        LingerEnd::TimeUp => finished.saturating_sub(shut_down) >= limits.linger_time,
    };
    match happened {
        true => Ok(()),
        false => Err(format!(
            "the linger ended as {linger:?} after {discarded} bytes and {:?}, the end of the stream {}read",
            finished.saturating_sub(shut_down),
            if stream.eof_after_shutdown { "" } else { "not " }
        )),
    }
}

/// Checks what a driver did, as [`drive_with`] says.
fn check_delivery(config: &ValidConfig<'_>, limits: &Limits, decision: &Decision, ran: &Ran) -> Result<(), String> {
    let Ran { result, script: stream, finished } = ran;
    if let Err(error) = result {
        error_text(error)?;
    }
    if stream.calls > MAX_CALLS {
        return Err("the driver loops without progress".into());
    }
    if stream.wrote_after_shutdown {
        return Err("a write after the shutdown".into());
    }
    if *finished > limits.handshake_timeout + limits.linger_time {
        return Err(format!("returned at {finished:?}, after the deadline and the linger"));
    }
    let deadline = limits.handshake_timeout;
    if stream.time_of_first_write.is_some_and(|at| at > deadline) {
        return Err(format!("answered at {:?}, after the deadline", stream.time_of_first_write));
    }
    // The response answers the bytes read before it, not all the client
    // would have sent (a deadline may cut `HEAD ` short).
    let answered = &stream.received[..stream.read_before_writing.unwrap_or_default()];
    let (request, sent) = match result {
        Ok(upgrade) if stream.at_shutdown.is_none() => {
            // Nothing lost: the bytes read past the head are handed on.
            let (head, past) = stream.received.split_at(upgrade.head_len);
            if upgrade.leftover != past {
                return Err(format!("leftover {:?}, but {:?} was read past the head", upgrade.leftover, past));
            }
            (head, &stream.delivered[..])
        }
        Ok(_) => return Err("an accepted stream was shut down".into()),
        Err(Error::Rejected { linger, .. }) => match &stream.at_shutdown {
            Some(sent) if *sent == stream.delivered => {
                check_linger(limits, stream, *finished, *linger)?;
                (answered, &sent[..])
            }
            at_shutdown => return Err(format!("shut down with {at_shutdown:?}, delivered {:?}", stream.delivered)),
        },
        // "retrying short writes and `Interrupted`" (contract section 5): a
        // read, write or flush a signal interrupted is tried again. (A
        // half-close or a timeout change is not interrupted by a signal.)
        Err(Error::Io { step: step @ (Step::ReadHead | Step::Write | Step::Flush | Step::Linger), source, .. })
            if source.kind() == ErrorKind::Interrupted =>
        {
            return Err(format!("{step:?} failed with Interrupted, which is retried"));
        }
        Err(Error::Io { step, source, .. }) => {
            let fault = (call_of(*step), source.kind());
            return match stream.injected.contains(&fault) {
                true => Ok(()),
                false => Err(format!("{step:?} failed with {source}, which was not injected: {:?}", stream.injected)),
            };
        }
        Err(other) => return Err(format!("{other:?}")),
    };
    let end = match stream.time_of_first_write {
        _ if stream.eof_before_writing => End::Eof,
        Some(at) if at >= deadline => End::Deadline,
        _ => End::Open,
    };
    let shown = || String::from_utf8_lossy(sent).into_owned();
    match model::expect(config, answered, end) {
        // A broken rule: its status, and the stream closed.
        Expected::Reject { rule, .. } => match oracle::judge_exact(request, sent) {
            Ok(Verdict::Refused { status }) if oracle::contract_status(rule) == Some(status) && result.is_err() => {
                Ok(())
            }
            verdict => Err(format!("rule {rule} expected at {end:?}, {verdict:?} for {:?}", shown())),
        },
        // A valid request: the application's answer, or the default when it
        // gave one it may not.
        Expected::Accept { protocol, .. } => {
            let answer = match answer(request, protocol.as_deref(), decision) {
                Answer::Error(_) => Answer::Switch(protocol),
                answer => answer,
            };
            match (&answer, &result) {
                (Answer::Switch(_), Ok(_)) | (Answer::Refusal(_), Err(_)) => matches_answer(request, &answer, Ok(sent)),
                _ => Err(format!("{decision:?}: expected {answer:?}, the driver returned {result:?}")),
            }
        }
        Expected::NeedMore => Err(format!("a response before the head was decided: {end:?}, {:?}", shown())),
    }
}
