//! The contract as properties. Each runs 1,000 cases by default;
//! `PROPTEST_CASES` sets another count (nightly runs raise it). Shrunk
//! failures are kept in `proptest-regressions/` and, named, in
//! `corpus/regressions/` (replayed by `tests/regressions.rs`).

use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::{FileFailurePersistence, TestRunner};
use ws_handshake::delivery::Limits;
use ws_handshake_oracle::{self as oracle, Verdict};
use ws_handshake_proptests::decision::{Decision, decision};
use ws_handshake_proptests::drivers::Driver;
use ws_handshake_proptests::harness::{self, run};
use ws_handshake_proptests::model::{End, Expected};
use ws_handshake_proptests::mutation::{MUTABLE_RULES, breaking};
use ws_handshake_proptests::strategies::{self, config};
use ws_handshake_proptests::transport::{self, Call, Read, Schedule};

/// 1,000 cases unless `PROPTEST_CASES` says otherwise.
fn cases() -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES").ok().and_then(|n| n.parse().ok()).unwrap_or(1000);
    ProptestConfig {
        cases,
        failure_persistence: Some(Box::new(FileFailurePersistence::SourceParallel("proptest-regressions"))),
        ..ProptestConfig::default()
    }
}

/// What `fully_flushed` sends: any input or a valid request, under a fault
/// schedule.
fn schedules() -> impl Strategy<Value = Schedule> {
    prop_oneof![strategies::any_input(), strategies::valid().prop_map(|v| v.request.render())]
        .prop_flat_map(transport::schedule)
}

proptest! {
    #![proptest_config(cases())]

    /// Any bytes, ended any way, give exactly one outcome and no panic; once
    /// the stream has ended or the deadline passed, never `NeedMore`.
    #[test]
    fn total(bytes in strategies::any_input(), end in strategies::end()) {
        let run = run(&config(), &bytes, &[], end);
        prop_assert!(end == End::Open || run.outcome != Expected::NeedMore, "{:?}", run.outcome);
    }

    /// However the bytes are split into reads, the outcome and the response
    /// are those of feeding them at once.
    #[test]
    fn split_invariant(
        (bytes, cuts) in strategies::any_input().prop_flat_map(|b| { let n = b.len(); (Just(b), strategies::cuts(n)) }),
        end in strategies::end(),
    ) {
        prop_assert_eq!(run(&config(), &bytes, &cuts, end), run(&config(), &bytes, &[], end));
    }

    /// Every valid handshake gets the 101 the oracle expects, the right
    /// subprotocol and path, and the bytes after the head left untouched.
    #[test]
    fn valid_accepts(valid in strategies::valid()) {
        let bytes = valid.request.render();
        let run = run(&config(), &bytes, &[], End::Open);
        let head_len = valid.request.head().len();
        let expected = Expected::Accept {
            head_len,
            path: valid.path.clone(),
            protocol: valid.protocol.map(str::to_owned),
        };
        prop_assert_eq!(&run.outcome, &expected);
        let verdict = oracle::judge_exact(&bytes, run.response());
        prop_assert_eq!(verdict, Ok(Verdict::Switched { protocol: valid.protocol.map(str::to_owned) }));
        prop_assert_eq!(&bytes[head_len..], &valid.request.after[..]);
    }

    /// Every mutation gets exactly its rule, whose status and headers the
    /// oracle checks.
    #[test]
    fn each_rule_has_its_status((request, mutation) in strategies::broken()) {
        let bytes = request.render();
        let run = run(&config(), &bytes, &[], End::Open);
        let Expected::Reject { rule, .. } = run.outcome else {
            return Err(TestCaseError::fail(format!("{:?} for {mutation:?}", run.outcome)));
        };
        prop_assert_eq!(rule, mutation.rule());
        harness::judge(&bytes, &run).map_err(TestCaseError::fail)?;
    }

    /// A head cut short waits for more while the stream is open, and gets
    /// rule 14 at the end of the stream and rule 15 at the deadline.
    #[test]
    fn stream_rules(bytes in strategies::truncated()) {
        for (end, expected) in [(End::Open, None), (End::Eof, Some("14")), (End::Deadline, Some("15"))] {
            let run = run(&config(), &bytes, &[], end);
            let rule = match run.outcome {
                Expected::Reject { rule, .. } => Some(rule),
                Expected::NeedMore => None,
                Expected::Accept { .. } => return Err(TestCaseError::fail("a 101 to half a head")),
            };
            prop_assert_eq!(rule, expected);
            harness::judge(&bytes, &run).map_err(TestCaseError::fail)?;
        }
    }

    /// With two rules broken, the one earlier in the contract's order
    /// decides. (A syntax error and a 1b version are both "first bad byte
    /// wins", so that pair is left to the model.)
    #[test]
    fn earlier_rules_win(
        valid in strategies::valid(),
        (first, second) in (0..MUTABLE_RULES.len(), 0..MUTABLE_RULES.len())
            .prop_filter("two different rules, not 1 and 1b", |&(a, b)| a < b && !(a == 0 && b == 1))
            .prop_flat_map(|(a, b)| (breaking(MUTABLE_RULES[a]), breaking(MUTABLE_RULES[b]))),
    ) {
        let config = config();
        let mut request = valid.request;
        // The later rule first, so the earlier one's change stands.
        second.apply(&mut request, config.max_head_len, config.max_headers);
        first.apply(&mut request, config.max_head_len, config.max_headers);
        let run = run(&config, &request.render(), &[], End::Open);
        let Expected::Reject { rule, .. } = run.outcome else {
            return Err(TestCaseError::fail(format!("{:?}", run.outcome)));
        };
        prop_assert_eq!(rule, first.rule(), "{:?} then {:?}", second, first);
    }

    /// Every response, to any input, passes the oracle with the status of
    /// the rule the core names.
    #[test]
    fn well_formed(bytes in strategies::any_input(), end in strategies::end()) {
        let run = run(&config(), &bytes, &[], end);
        harness::judge(&bytes, &run).map_err(TestCaseError::fail)?;
    }

    /// The core and the model agree on every input, however it ends.
    #[test]
    fn model_agrees(bytes in strategies::any_input(), end in strategies::end()) {
        harness::check(&config(), &bytes, end).map_err(TestCaseError::fail)?;
    }

    /// Through both drivers, blocking and async, under any fault schedule
    /// (short reads and writes, steps not ready yet, timeouts, failures) and
    /// any decision of the application: the response the contract gives to
    /// the bytes read, by the deadline, fully flushed, and the stream kept
    /// open after a 101 or shut down after anything else; or an I/O error
    /// the schedule injected, at the step it names. Never a partial response
    /// reported as success, never a write after the shutdown, never a loop
    /// or a hang.
    #[test]
    fn fully_flushed(
        schedule in schedules(),
        decision in decision(),
    ) {
        harness::drive(&config(), &Limits::default(), schedule, &decision).map_err(TestCaseError::fail)?;
    }

    /// The application's answer to a valid request gives what contract
    /// section 6 says: the 101 with the subprotocol it chose among those
    /// offered, or its refusal byte for byte, or, for a status, field or body
    /// it may not send, an error and nothing to send.
    #[test]
    fn decisions(valid in strategies::valid(), decision in decision()) {
        harness::check_decision(&config(), &valid.request.render(), &decision).map_err(TestCaseError::fail)?;
    }

    /// For inputs up to 1 MiB, the outcome depends on the first
    /// `max_head_len` bytes alone, and neither driver reads more than its
    /// buffer holds into it, nor more than the head limit and the linger
    /// budget in all.
    #[test]
    fn bounded(
        prefix in strategies::any_input(),
        filler in any::<u8>(),
        len in 8192usize..=1 << 20,
    ) {
        let config = config();
        let mut bytes = prefix;
        bytes.resize(len.max(bytes.len()), filler);
        let limit = config.max_head_len;
        prop_assert_eq!(run(&config, &bytes, &[], End::Open), run(&config, &bytes[..limit], &[], End::Open));

        for &driver in Driver::ALL {
            let schedule = Schedule { reads: vec![Read::Data(bytes.clone())], ..Schedule::default() };
            let stream = harness::drive_with(driver, &config, &Limits::default(), schedule, &Decision::Accept).map_err(TestCaseError::fail)?;
            prop_assert!(stream.largest_read <= limit, "{:?}", driver);
            prop_assert!(stream.received.len() as u64 <= limit as u64 + Limits::default().linger_bytes, "{:?}", driver);
        }
    }
}

/// `fully_flushed`'s schedules make the async driver meet `Poll::Pending`
/// on every call it makes (read, write, flush, half-close), each in 2% of
/// the cases or more: 1,000 cases drawn the same way, from a fixed seed.
#[test]
fn fully_flushed_meets_pending_on_every_call() {
    const CASES: u32 = 1000;
    let mut runner = TestRunner::deterministic();
    let calls = [Call::Read, Call::Write, Call::Flush, Call::Shutdown];
    let mut met = [0u32; 4];
    for _ in 0..CASES {
        let (schedule, decision) = (schedules(), decision()).new_tree(&mut runner).expect("a case").current();
        let script = harness::drive_with(Driver::Tokio, &config(), &Limits::default(), schedule, &decision)
            .expect("fully flushed");
        for (call, met) in calls.iter().zip(&mut met) {
            *met += u32::from(script.pending.contains(call));
        }
    }
    for (call, met) in calls.iter().zip(met) {
        assert!(met * 50 >= CASES, "{call:?} pending in {met} of {CASES} cases");
    }
}
