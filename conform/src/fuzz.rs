//! `--fuzz SECS`: the property tests' mutations aimed at a live server
//! (feature `fuzz`).
//!
//! Each input is a valid handshake from the property tests' strategy,
//! usually broken by one of their mutations (each breaks one contract
//! rule). The model says what the contract answers under the server's
//! profile, the manifest's policy what else is sound, and the answer is
//! judged as a named case's is. A failure of a new kind (the rule, what the
//! mutation broke, what came back) is minimized against the server: one
//! field fewer, a name in its usual case, a value trimmed, kept only when
//! it still fails the same way; the smallest request becomes a named-case
//! candidate, its bytes and its manifest entry. (proptest's own shrinking
//! takes thousands of steps through the strategies' flat maps, each one a
//! connection here.)

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::Mutex;
use std::thread;
use std::time::{Duration, Instant};

use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::{RngAlgorithm, TestRng, TestRunner};
use serde_json::Value;
use ws_handshake::{Config, OriginPolicy};
use ws_handshake_oracle::judge_peer;
use ws_handshake_proptests::manifest;
use ws_handshake_proptests::model::{self, End, Expected};
use ws_handshake_proptests::mutation::{Mutation, any_mutation};
use ws_handshake_proptests::request::Request;
use ws_handshake_proptests::strategies::valid;

use crate::case::Case;
use crate::exchange;
use crate::{Behavior, Outcome, Profile, case};

/// How long an input waits for its answer: a server that answers at all
/// answers a handshake on loopback within milliseconds.
const WAIT: Duration = Duration::from_secs(2);
/// How long after a complete response an input waits for the end of
/// stream or a reset.
const SETTLE: Duration = Duration::from_millis(100);
/// How many inputs are in flight at once.
const PARALLEL: usize = 8;
/// How long minimizing a finding may go on past the fuzzing time.
const SHRINK_GRACE: Duration = Duration::from_secs(60);
/// The most requests sent to minimize one finding.
const MINIMIZE_STEPS: usize = 400;

/// A kind of failure: the rule broken (`-` for a valid handshake), what
/// the mutation broke (`valid` for none), what came back.
pub type Kind = (String, String, String);

/// One kind of failure the fuzzer found, at its smallest.
#[derive(Clone, Debug)]
pub struct Finding {
    /// The smallest input that failed this way, as a case, and its outcome.
    pub outcome: Outcome,
    /// How many generated inputs failed this way.
    pub seen: usize,
    /// The candidate's manifest entry (`about` included).
    pub entry: Value,
}

/// What a fuzzing run did.
#[derive(Debug, Default)]
pub struct Report {
    /// The inputs sent (shrinking steps not counted).
    pub inputs: usize,
    /// Each kind of failure found, by kind.
    pub findings: BTreeMap<Kind, Finding>,
}

/// Fuzzes the server at `address` for `time`: inputs from `seed` (each of
/// the parallel workers from its own stream), judged under `profile`.
/// Fails once, before any input, when nothing listens there.
pub fn fuzz(address: &str, time: Duration, profile: &Profile, seed: u64) -> Result<Report, String> {
    let addr = exchange::listening(address)?;
    let levels = levels()?;
    let fuzzer = Fuzzer { addr, profile, levels, end: Instant::now() + time, report: Mutex::new(Report::default()) };
    thread::scope(|scope| {
        for worker in 0..PARALLEL as u64 {
            let fuzzer = &fuzzer;
            scope.spawn(move || fuzzer.work(seed.wrapping_add(worker)));
        }
    });
    fuzzer.report.into_inner().map_err(|e| e.to_string())
}

/// Each rule's level, as the embedded manifest gives it.
fn levels() -> Result<BTreeMap<String, String>, String> {
    let cases = case::all()?;
    Ok(cases.into_iter().filter_map(|case| Some((case.rule?, case.level?))).collect())
}

struct Fuzzer<'a> {
    addr: SocketAddr,
    profile: &'a Profile,
    levels: BTreeMap<String, String>,
    end: Instant,
    report: Mutex<Report>,
}

impl Fuzzer<'_> {
    /// Sends inputs until the time is up, minimizing each new kind of
    /// failure.
    fn work(&self, seed: u64) {
        let mut seed_bytes = [0; 32];
        seed_bytes[..8].copy_from_slice(&seed.to_le_bytes());
        let rng = TestRng::from_seed(RngAlgorithm::ChaCha, &seed_bytes);
        let mut runner = TestRunner::new_with_rng(proptest::test_runner::Config::default(), rng);
        let strategy = (valid(), prop::option::weighted(0.9, any_mutation()));
        while Instant::now() < self.end {
            let Ok(tree) = strategy.new_tree(&mut runner) else { continue };
            let (valid, mut mutation) = tree.current();
            let Some(mut tried) = self.attempt(&valid.request, mutation.as_ref()) else { continue };
            // A new kind of failure may be the valid handshake's own: when
            // it fails the same way without the mutation, the failure is
            // counted and minimized as a valid handshake's.
            if tried.finding.outcome.behavior == Behavior::Fail && mutation.is_some() && !self.known(&tried.kind) {
                let base = self.attempt(&valid.request, None).filter(|base| {
                    base.finding.outcome.behavior == Behavior::Fail
                        && base.finding.outcome.got == tried.finding.outcome.got
                });
                if let Some(base) = base {
                    (tried, mutation) = (base, None);
                }
            }
            let Ok(mut report) = self.report.lock() else { return };
            report.inputs += 1;
            if tried.finding.outcome.behavior != Behavior::Fail {
                continue;
            }
            let kind = tried.kind.clone();
            if let Some(finding) = report.findings.get_mut(&kind) {
                finding.seen += 1;
                continue;
            }
            // Claimed, so that other workers count theirs instead of
            // minimizing the same kind.
            report.findings.insert(kind.clone(), tried.finding.clone());
            drop(report);
            let smallest = self.minimize(tried, mutation.as_ref());
            if let Ok(mut report) = self.report.lock()
                && let Some(finding) = report.findings.get_mut(&kind)
            {
                *finding = Finding { seen: finding.seen, ..smallest.finding };
            }
        }
    }

    /// Whether a failure of `kind` was found already.
    fn known(&self, kind: &Kind) -> bool {
        self.report.lock().is_ok_and(|report| report.findings.contains_key(kind))
    }

    /// Takes the first of [`simpler`]'s valid handshakes that, broken by
    /// the same mutation, still fails the same way, again and again, until
    /// none does, [`MINIMIZE_STEPS`] were sent or the grace after the
    /// fuzzing time is over.
    fn minimize(&self, mut smallest: Tried, mutation: Option<&Mutation>) -> Tried {
        let stop = self.end + SHRINK_GRACE;
        let mut steps = 0;
        'simpler: loop {
            for valid in simpler(&smallest.valid) {
                if steps == MINIMIZE_STEPS || Instant::now() >= stop {
                    break 'simpler;
                }
                if !matches!(model::expect(&self.config(), &valid.render(), End::Open), Expected::Accept { .. }) {
                    continue;
                }
                steps += 1;
                let same = self
                    .attempt(&valid, mutation)
                    .filter(|tried| tried.finding.outcome.behavior == Behavior::Fail && tried.kind == smallest.kind);
                if let Some(tried) = same {
                    smallest = tried;
                    continue 'simpler;
                }
            }
            break;
        }
        smallest
    }

    /// The configuration the profile describes, for the model.
    fn config(&self) -> Config<'static> {
        let origin = if self.profile.any_origin { OriginPolicy::Any } else { OriginPolicy::SameHost };
        Config {
            max_head_len: self.profile.max_head_len,
            max_headers: self.profile.max_headers,
            origin,
            protocols: &[],
        }
    }

    /// Sends the valid handshake `valid`, broken by `mutation`, and judges
    /// the answer. `None` when the contract would wait for more bytes (no
    /// case can end that way here), and for a request with a
    /// `Sec-WebSocket-Extensions` field: the contract ignores it, but RFC
    /// 6455 section 9.1 gives it a grammar a server may enforce, and the
    /// strategies fill it with any bytes.
    fn attempt(&self, valid: &Request, mutation: Option<&Mutation>) -> Option<Tried> {
        if valid.value("Sec-WebSocket-Extensions").is_some() {
            return None;
        }
        let mut request = valid.clone();
        if let Some(mutation) = mutation {
            mutation.apply(&mut request, self.profile.max_head_len, self.profile.max_headers);
        }
        let bytes = request.render();
        let expected = model::expect(&self.config(), &bytes, End::Open);
        let status = manifest::status(&expected)?;
        let what = mutation.map_or_else(|| "valid".to_owned(), Mutation::name);
        let name = format!("{status}-{what}-{:08x}.http", fnv1a(&bytes) as u32);
        let level = |rule: &str| self.levels.get(rule).cloned();
        let mut entry = manifest::entry(&name, &bytes, End::Open, &expected, level).ok()?;
        let case = Case::from_entry(&entry, Cow::Owned(name), Cow::Owned(bytes)).ok()?;
        let started = Instant::now();
        let (response, ending) = exchange::exchange(self.addr, &case.bytes, false, WAIT, Some(SETTLE)).ok()?;
        let duration = started.elapsed();
        let (behavior, got, reasons) =
            crate::verdict::judge(&case, status, &judge_peer(&case.bytes, &response), ending);
        let shown = mutation.map(|mutation| format!("{mutation:?}"));
        entry["about"] = Value::String(format!(
            "Found by ws-conform --fuzz: {}; the server answered {got} ({}).",
            shown.as_deref().map_or("a valid handshake".to_owned(), |m| format!("a valid handshake broken by {m}")),
            reasons.join("; "),
        ));
        let rule = case.rule.clone().unwrap_or_else(|| "-".to_owned());
        let kind = (rule, what, got.clone());
        let outcome = Outcome { case, expected: status, behavior, got, reasons, response, ending, duration };
        let finding = Finding { outcome, seen: 1, entry };
        Some(Tried { valid: valid.clone(), kind, finding })
    }
}

/// An input sent: the valid handshake before its mutation, the kind of
/// its answer, and the answer as a finding.
#[derive(Clone)]
struct Tried {
    valid: Request,
    kind: Kind,
    finding: Finding,
}

/// The field names of a handshake as RFC 6455 spells them, and their
/// plainest values where one value does for every request.
const CANONICAL: &[(&str, Option<&str>)] = &[
    ("Host", Some("example.com")),
    ("Upgrade", Some("websocket")),
    ("Connection", Some("Upgrade")),
    ("Sec-WebSocket-Key", None),
    ("Sec-WebSocket-Version", None),
    ("Sec-WebSocket-Protocol", None),
    ("Origin", None),
];

/// Requests one step simpler than `request`, the boldest steps first (the
/// caller keeps those that are still valid handshakes): nothing after the
/// head, no leading empty lines, the target `/`, one field fewer, a field
/// name in its usual case, a value without outer whitespace, the plainest
/// value.
fn simpler(request: &Request) -> Vec<Request> {
    let mut out = Vec::new();
    let mut step = |change: &dyn Fn(&mut Request)| {
        let mut simpler = request.clone();
        change(&mut simpler);
        if simpler != *request {
            out.push(simpler);
        }
    };
    step(&|r| r.after.clear());
    step(&|r| r.leading_empty_lines = 0);
    step(&|r| r.target = b"/".to_vec());
    for at in 0..request.fields.len() {
        step(&|r| drop(r.fields.remove(at)));
    }
    for at in 0..request.fields.len() {
        let canonical = CANONICAL.iter().find(|(name, _)| request.fields[at].is(name));
        if let Some(&(name, plain)) = canonical {
            step(&|r| r.fields[at].name = name.as_bytes().to_vec());
            if let Some(plain) = plain {
                step(&|r| r.fields[at].value = plain.as_bytes().to_vec());
            }
        }
        step(&|r| r.fields[at].value = r.fields[at].value.trim_ascii().to_vec());
    }
    out
}

/// A short, stable hash of a candidate's bytes, for its file name.
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |hash, &byte| (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3))
}

impl Report {
    /// A paragraph per kind of failure: the rule and its level, what was
    /// broken, what came back, how often, how it stands to the named cases
    /// (`named`, their outcomes on the same server), why it failed, and the
    /// smallest request.
    pub fn text(&self, address: &str, named: &[Outcome]) -> String {
        let mut text =
            format!("\nfuzzing {address}: {} inputs, {} kinds of failure\n", self.inputs, self.findings.len());
        for (kind, finding) in &self.findings {
            let (rule, what, got) = kind;
            let level = finding.outcome.case.level.as_deref().unwrap_or("valid handshake");
            text.push_str(&format!(
                "\nrule {rule} ({level}) {what}: {got}, {} input(s), {}: {}\n    {}\n",
                finding.seen,
                Standing::of(kind, named),
                finding.outcome.reasons.join("; "),
                crate::report::escaped(&finding.outcome.case.bytes),
            ));
        }
        text
    }

    /// Writes each finding's request to `folder/<name>.http` and its
    /// manifest entry beside it (`<name>.http.json`); the paths written.
    pub fn save(&self, folder: &std::path::Path) -> Result<Vec<std::path::PathBuf>, String> {
        std::fs::create_dir_all(folder).map_err(|e| format!("{}: {e}", folder.display()))?;
        let mut written = Vec::new();
        for finding in self.findings.values() {
            let path = folder.join(&*finding.outcome.case.file);
            let entry = serde_json::to_string_pretty(&finding.entry).map_err(|e| e.to_string())? + "\n";
            let json = path.with_extension("http.json");
            std::fs::write(&path, &finding.outcome.case.bytes).map_err(|e| format!("{}: {e}", path.display()))?;
            std::fs::write(&json, entry).map_err(|e| format!("{}: {e}", json.display()))?;
            written.push(path);
        }
        Ok(written)
    }
}

/// How a kind of failure stands to the named cases' outcomes on the same
/// server.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Standing {
    /// Found beyond the named cases: none of the same rule fails this way.
    Beyond,
    /// A named case of the same rule fails this way, with another input.
    SameFailure(String),
    /// A named case that breaks the same thing fails the same way.
    AsNamed(String),
}

impl Standing {
    /// Where `kind` stands beside `named`.
    pub fn of((rule, what, got): &Kind, named: &[Outcome]) -> Standing {
        let like: Vec<&Outcome> = named
            .iter()
            .filter(|outcome| outcome.behavior == Behavior::Fail && &outcome.got == got)
            .filter(|outcome| outcome.case.rule.as_deref().unwrap_or("-") == rule)
            .collect();
        if let Some(same) = like.iter().find(|outcome| outcome.case.file.contains(&format!("-{what}"))) {
            Standing::AsNamed(same.case.file.to_string())
        } else if let Some(first) = like.first() {
            Standing::SameFailure(first.case.file.to_string())
        } else {
            Standing::Beyond
        }
    }
}

impl std::fmt::Display for Standing {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Standing::Beyond => write!(f, "beyond the named cases"),
            Standing::SameFailure(file) => write!(f, "a new input for the failure of the named case {file}"),
            Standing::AsNamed(file) => write!(f, "as the named case {file} fails"),
        }
    }
}
