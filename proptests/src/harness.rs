//! Runs the core the way every property, fuzz target and corpus replay does,
//! and checks what it did against the model and the oracle.

use ws_handshake::{Config, Handshake, MAX_RESPONSE_LEN, Outcome, driver};

use crate::model::{self, End, Expected};
use crate::oracle::{self, Verdict};
use crate::transport::{FaultyTransport, MAX_CALLS, Schedule};

/// What the core did with some bytes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Run {
    /// The outcome, in the model's terms.
    pub outcome: Expected,
    /// The response it wrote, in the fixed buffer the core writes into (no
    /// allocation per run: the fuzz targets run millions); zeros after it.
    buf: [u8; MAX_RESPONSE_LEN],
    len: usize,
}

impl Run {
    /// The response it wrote (empty for [`Expected::NeedMore`]).
    pub fn response(&self) -> &[u8] {
        &self.buf[..self.len]
    }
}

/// Feeds `bytes` to a fresh handshake, cut at `cuts` (ascending positions,
/// anything out of range ignored), ended as `end` says, and writes the
/// response of the outcome.
pub fn run(config: &Config<'_>, bytes: &[u8], cuts: &[usize], end: End) -> Run {
    let mut handshake = Handshake::new(config).expect("a valid configuration");
    let mut buf = [0; MAX_RESPONSE_LEN];
    let stops = cuts.iter().copied().filter(|&cut| cut < bytes.len()).chain([bytes.len()]);
    let mut outcome = Outcome::NeedMore;
    for stop in stops {
        outcome = handshake.feed(&bytes[..stop], stop == bytes.len() && end == End::Eof);
        if outcome != Outcome::NeedMore {
            break;
        }
    }
    let rejection = match outcome {
        Outcome::Accept(accepted) => {
            let len = accepted.write_response(&mut buf).expect("MAX_RESPONSE_LEN suffices");
            let outcome = Expected::Accept {
                head_len: accepted.head_len(),
                path: accepted.path().to_owned(),
                protocol: accepted.protocol().map(str::to_owned),
            };
            return Run { outcome, buf, len };
        }
        Outcome::NeedMore if end == End::Deadline => handshake.timed_out(),
        Outcome::NeedMore => return Run { outcome: Expected::NeedMore, buf, len: 0 },
        Outcome::Reject(rejection) => rejection,
    };
    let len = rejection.write_response(&mut buf).expect("MAX_RESPONSE_LEN suffices");
    let outcome = Expected::Reject { rule: rejection.rule().number(), head_method: rejection.head_method() };
    Run { outcome, buf, len }
}

/// Runs the core over `bytes` at once and checks it against the contract:
/// the model must expect the same outcome, and the oracle must find the
/// response well-formed, with the rule's status, or a correct 101.
pub fn check(config: &Config<'_>, bytes: &[u8], end: End) -> Result<Run, String> {
    let run = run(config, bytes, &[], end);
    let expected = model::expect(config, bytes, end);
    if run.outcome != expected {
        return Err(format!("core {:?}, model {expected:?}", run.outcome));
    }
    judge(bytes, &run)?;
    Ok(run)
}

/// Checks a run's response with the oracle against its outcome.
pub fn judge(request: &[u8], run: &Run) -> Result<(), String> {
    if run.outcome == Expected::NeedMore && run.response().is_empty() {
        return Ok(());
    }
    match (&run.outcome, oracle::judge(request, run.response())) {
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

/// Runs the driver over the reads of `schedule`, with its faults, and checks that
/// it kept contract section 5: a correct 101 fully flushed and the stream
/// left open, or a complete error response flushed before the write side
/// was shut down and nothing after, or an I/O error; never a loop.
pub fn drive(config: &Config<'_>, schedule: Schedule) -> Result<(), String> {
    let mut stream = FaultyTransport::new(schedule);
    let mut buf = vec![0; config.max_head_len];
    let result = driver::accept(&mut stream, config, &mut buf).map(|upgraded| upgraded.request.head_len());
    if stream.calls > MAX_CALLS {
        return Err("the driver loops without progress".into());
    }
    if stream.wrote_after_shutdown {
        return Err("a write after the shutdown".into());
    }
    // The response answers the bytes read before it, not all the client
    // would have sent (a deadline may cut `HEAD ` short).
    let answered = &stream.received[..stream.read_before_writing.unwrap_or_default()];
    let (request, sent) = match result {
        Ok(head_len) if stream.at_shutdown.is_none() => (&stream.received[..head_len], &stream.delivered[..]),
        Ok(_) => return Err("an accepted stream was shut down".into()),
        Err(driver::Error::Rejected { .. }) => match &stream.at_shutdown {
            Some(sent) if *sent == stream.delivered => (answered, &sent[..]),
            at_shutdown => return Err(format!("shut down with {at_shutdown:?}, delivered {:?}", stream.delivered)),
        },
        Err(driver::Error::Io { .. }) => return Ok(()),
        Err(other) => return Err(format!("{other:?}")),
    };
    match (oracle::judge(request, sent), result.is_ok()) {
        (Ok(Verdict::Switched { .. }), true) | (Ok(Verdict::Refused { .. }), false) => Ok(()),
        (verdict, _) => Err(format!("{verdict:?} for {:?}", String::from_utf8_lossy(sent))),
    }
}
