//! The results of a run: nearest-rank percentiles, the table and the
//! `attack:` summary line.

use std::collections::BTreeMap;
use std::fmt::Display;
use std::net::SocketAddr;
use std::time::Duration;

use super::answer::{Ending, Outcome};
use super::client::{Record, Round};
use super::rss::Rss;

/// What an attack (`--slow`, `--flood`, `--mixed`) gave.
#[derive(Debug)]
pub struct Run {
    /// One per attacking connection.
    pub records: Vec<Record>,
    /// One per probe: when it started, since the run's start, and its round.
    pub probes: Vec<(Duration, Round)>,
    /// From the start until the last attacking connection finished.
    pub elapsed: Duration,
    /// The most connections open at once.
    pub peak_open: usize,
    /// The server's memory, with `--pid`.
    pub rss: Option<Rss>,
}

/// What `--echo` gave.
#[derive(Debug)]
pub struct EchoRun {
    /// Every round that ended before the deadline.
    pub rounds: Vec<Round>,
    /// Rounds the deadline cut short.
    pub unfinished: usize,
    /// From the start until the last client stopped.
    pub elapsed: Duration,
    /// The server's memory, with `--pid`.
    pub rss: Option<Rss>,
}

/// The nearest-rank percentile `p` (0 < p ≤ 100) of ascending `sorted`:
/// the smallest value with at least p% of the values at or below it.
pub fn percentile(sorted: &[Duration], p: f64) -> Option<Duration> {
    let rank = (p / 100.0 * sorted.len() as f64).ceil() as usize;
    sorted.get(rank.clamp(1, sorted.len().max(1)) - 1).copied()
}

/// The minimum, median, 99th percentile and maximum of some durations.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Spread {
    pub min: Duration,
    pub p50: Duration,
    pub p99: Duration,
    pub max: Duration,
}

impl Spread {
    /// The spread of `durations`; `None` if there are none.
    pub fn of(durations: impl IntoIterator<Item = Duration>) -> Option<Spread> {
        let mut sorted: Vec<Duration> = durations.into_iter().collect();
        sorted.sort_unstable();
        Some(Spread {
            min: *sorted.first()?,
            p50: percentile(&sorted, 50.0)?,
            p99: percentile(&sorted, 99.0)?,
            max: *sorted.last()?,
        })
    }

    /// `p50 … p99 … max …`, and the minimum first if `with_min`.
    fn show(&self, with_min: bool) -> String {
        let min = if with_min { format!("min {:<10} ", human(self.min)) } else { String::new() };
        format!("{min}p50 {:<10} p99 {:<10} max {}", human(self.p50), human(self.p99), human(self.max))
    }

    /// Adds `{name}_p50_ms` and the others to the summary line.
    fn summarize(&self, line: &mut Summary, name: &str, with_min: bool) {
        if with_min {
            line.add(&format!("{name}_min_ms"), ms(self.min));
        }
        line.add(&format!("{name}_p50_ms"), ms(self.p50));
        line.add(&format!("{name}_p99_ms"), ms(self.p99));
        line.add(&format!("{name}_max_ms"), ms(self.max));
    }
}

/// A duration for people: milliseconds below a second, else seconds.
fn human(duration: Duration) -> String {
    if duration < Duration::from_secs(1) {
        format!("{:.1} ms", duration.as_secs_f64() * 1e3)
    } else {
        format!("{:.2} s", duration.as_secs_f64())
    }
}

/// A duration in milliseconds for the summary line.
fn ms(duration: Duration) -> String {
    format!("{:.1}", duration.as_secs_f64() * 1e3)
}

/// The `attack:` line: `key=value` pairs.
struct Summary(String);

impl Summary {
    fn add(&mut self, key: &str, value: impl Display) {
        self.0.push_str(&format!(" {key}={value}"));
    }
}

/// Prints one row: a label and what follows it.
fn row(label: &str, text: impl Display) {
    println!("{label:<24} {text}");
}

/// How many of each, in order.
fn count<T: Ord>(items: impl IntoIterator<Item = T>) -> BTreeMap<T, usize> {
    let mut counts = BTreeMap::new();
    for item in items {
        *counts.entry(item).or_insert(0) += 1;
    }
    counts
}

/// `name n, name n` for the counts of some outcomes.
fn listed(counts: &BTreeMap<Outcome, usize>) -> String {
    counts.iter().map(|(outcome, n)| format!("{outcome} {n}")).collect::<Vec<_>>().join(", ")
}

/// Prints an attack's table and summary line; returns how many attacking
/// connections did not get the status the contract gives them.
pub fn print_run(addr: SocketAddr, mode: &str, run: &Run) -> usize {
    let records = &run.records;
    let mut line = Summary(format!("attack: target={addr} mode={mode} n={}", records.len()));
    line.add("elapsed_s", format!("{:.2}", run.elapsed.as_secs_f64()));

    println!("\n{:<24} {:>7}", "outcome", "count");
    let outcomes = count(records.iter().map(|record| record.outcome));
    for (outcome, n) in &outcomes {
        println!("{:<24} {n:>7}", outcome.to_string());
    }

    println!("\n{:<12} {:>8} {:>13}   mismatches and notes", "kind", "expected", "as expected");
    let mut mismatched = 0;
    for (kind, n) in count(records.iter().map(|record| record.kind)) {
        let ok = |record: &&Record| record.outcome == Outcome::Status(kind.expected());
        let of_kind = || records.iter().filter(|record| record.kind == kind);
        let good = of_kind().filter(ok).count();
        let bad = count(of_kind().filter(|record| !ok(record)).map(|record| record.outcome));
        let mut notes = vec![listed(&bad)];
        // The status came whole, but a reset rather than an end-of-stream
        // followed it: a client slower to read could have lost it.
        let reset_after = of_kind().filter(ok).filter(|record| record.after == Some(Ending::Reset)).count();
        if reset_after > 0 {
            notes.push(format!("then reset {reset_after}"));
        }
        notes.retain(|note| !note.is_empty());
        let bad = if notes.is_empty() { "-".to_owned() } else { notes.join(", ") };
        println!("{:<12} {:>8} {:>13}   {bad}", kind.name(), kind.expected(), format!("{good}/{n}"));
        mismatched += n - good;
    }
    line.add("as_expected", records.len() - mismatched);
    line.add("mismatched", mismatched);
    for (outcome, n) in &outcomes {
        line.add(&outcome.key(), n);
    }
    println!();

    if let Some(spread) = Spread::of(records.iter().filter(|r| r.outcome == Outcome::Status(408)).map(|r| r.at)) {
        row("408 after the connect", spread.show(true));
        spread.summarize(&mut line, "t408", true);
    }
    let after: Vec<Ending> = records.iter().filter_map(|record| record.after).collect();
    let eof = after.iter().filter(|ending| **ending == Ending::Eof).count();
    let reset = after.iter().filter(|ending| **ending == Ending::Reset).count();
    let open = after.len() - eof - reset;
    row("after an error response", format!("{eof} end-of-stream, {reset} reset, {open} left open"));
    line.add("after_eof", eof);
    line.add("after_reset", reset);
    line.add("after_open", open);
    row("open at once", format!("{} at most", run.peak_open));
    line.add("peak_open", run.peak_open);

    print_probes(&run.probes, &mut line);
    print_rss(run.rss.as_ref(), records.len(), &mut line);
    println!("\n{}", line.0);
    mismatched
}

/// The probes' rows.
fn print_probes(started: &[(Duration, Round)], line: &mut Summary) {
    let probes: Vec<&Round> = started.iter().map(|(_, round)| round).collect();
    let upgraded = probes.iter().filter(|probe| probe.handshake.is_some()).count();
    let echoed = probes.iter().filter(|probe| probe.echo.is_some()).count();
    row("probes", format!("{} sent, {upgraded} got a 101, {echoed} echoed", probes.len()));
    line.add("probes", probes.len());
    line.add("probes_101", upgraded);
    line.add("probes_echoed", echoed);
    if let Some(spread) = Spread::of(probes.iter().filter_map(|probe| probe.handshake)) {
        row("  connect to 101", spread.show(false));
        spread.summarize(line, "probe", false);
    }
    if let Some(spread) = Spread::of(probes.iter().filter_map(|probe| probe.echo)) {
        row("  connect to echo", spread.show(false));
        spread.summarize(line, "probe_echo", false);
    }
    let mut slowest: Vec<_> = started.iter().filter_map(|(at, probe)| Some((probe.handshake?, *at))).collect();
    slowest.sort_unstable_by(|a, b| b.cmp(a));
    if !slowest.is_empty() {
        let shown: Vec<String> =
            slowest.iter().take(3).map(|(took, at)| format!("{} ms at {:.1} s", ms(*took), at.as_secs_f64())).collect();
        row("  slowest, started", shown.join(", "));
    }
    let failed = count(probes.iter().map(|probe| probe.outcome).filter(|outcome| *outcome != Outcome::Status(101)));
    if !failed.is_empty() {
        row("  failed", listed(&failed));
    }
}

/// The server's memory row, with `--pid`.
fn print_rss(rss: Option<&Rss>, connections: usize, line: &mut Summary) {
    let Some(rss) = rss else { return };
    let per = rss.per_connection(connections);
    row(
        &format!("server rss (pid {})", rss.pid),
        format!(
            "before {:.1} MiB, peak {:.1} MiB, {per:+.1} KiB per connection",
            rss.before as f64 / 1024.0,
            rss.peak as f64 / 1024.0
        ),
    );
    if let Some(gone) = rss.gone_after {
        row("", format!("the process was gone after {}", human(gone)));
        line.add("rss_gone_s", format!("{:.2}", gone.as_secs_f64()));
    }
    line.add("rss_before_kib", rss.before);
    line.add("rss_peak_kib", rss.peak);
    line.add("rss_per_conn_kib", format!("{per:.1}"));
}

/// Prints `--echo`'s table and summary line; returns how many rounds failed.
pub fn print_echo(addr: SocketAddr, clients: usize, run: &EchoRun) -> usize {
    let done = run.rounds.iter().filter(|round| round.outcome == Outcome::Status(101)).count();
    let errors = count(run.rounds.iter().map(|round| round.outcome).filter(|outcome| *outcome != Outcome::Status(101)));
    let failed = run.rounds.len() - done;
    let per_second = done as f64 / run.elapsed.as_secs_f64().max(1e-9);
    let mut line = Summary(format!("attack: target={addr} mode=echo clients={clients}"));
    line.add("elapsed_s", format!("{:.2}", run.elapsed.as_secs_f64()));
    println!();
    row("handshakes", format!("{done} completed (101, accept key, echo, close)"));
    row("errors", if errors.is_empty() { "0".to_owned() } else { format!("{failed}: {}", listed(&errors)) });
    row("cut by the deadline", run.unfinished);
    row("handshakes/s", format!("{per_second:.1}"));
    line.add("handshakes", done);
    line.add("errors", failed);
    line.add("unfinished", run.unfinished);
    line.add("per_s", format!("{per_second:.1}"));
    for (outcome, n) in &errors {
        line.add(&outcome.key(), n);
    }
    if let Some(spread) = Spread::of(run.rounds.iter().filter(|r| r.outcome == Outcome::Status(101)).map(|r| r.total)) {
        row("round latency", spread.show(false));
        spread.summarize(&mut line, "round", false);
    }
    print_rss(run.rss.as_ref(), clients, &mut line);
    println!("\n{}", line.0);
    failed
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ms(values: &[u64]) -> Vec<Duration> {
        values.iter().map(|&v| Duration::from_millis(v)).collect()
    }

    #[test]
    fn percentiles_are_nearest_rank() {
        let sorted = ms(&[15, 20, 35, 40, 50]);
        assert_eq!(percentile(&sorted, 30.0), Some(Duration::from_millis(20)));
        assert_eq!(percentile(&sorted, 40.0), Some(Duration::from_millis(20)));
        assert_eq!(percentile(&sorted, 50.0), Some(Duration::from_millis(35)));
        assert_eq!(percentile(&sorted, 100.0), Some(Duration::from_millis(50)));
        assert_eq!(percentile(&sorted, 0.0), Some(Duration::from_millis(15)));
        assert_eq!(percentile(&[], 50.0), None);
        let hundred: Vec<Duration> = (1..=100).map(Duration::from_millis).collect();
        assert_eq!(percentile(&hundred, 99.0), Some(Duration::from_millis(99)));
        assert_eq!(percentile(&hundred, 50.0), Some(Duration::from_millis(50)));
    }

    #[test]
    fn a_spread_sorts_first() {
        let spread = Spread::of(ms(&[9, 1, 5])).expect("three values");
        assert_eq!(spread, Spread { min: ms(&[1])[0], p50: ms(&[5])[0], p99: ms(&[9])[0], max: ms(&[9])[0] });
        assert_eq!(Spread::of(Vec::new()), None);
    }

    #[test]
    fn durations_read_well() {
        assert_eq!(human(Duration::from_micros(1234)), "1.2 ms");
        assert_eq!(human(Duration::from_millis(3004)), "3.00 s");
    }
}
