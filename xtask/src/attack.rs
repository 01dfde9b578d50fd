//! `cargo xtask attack HOST:PORT`: whether a WebSocket server on this
//! machine keeps serving legitimate clients while under attack, and what
//! every attacking connection got.
//!
//! ```text
//! cargo xtask attack HOST:PORT (--slow N | --flood N | --mixed N | --echo C) [--time SECS] [--pid PID]
//! ```
//!
//! - `--slow N`: slowloris. N connections each send `GET / HTTP/1.1` and
//!   then one byte a second of a header field that never ends; the contract
//!   gives them `408` at the server's deadline.
//! - `--flood N`: N connections each send 256 KiB of header fields while
//!   reading; the contract gives them a complete `431`.
//! - `--mixed N`: a third valid handshakes (then one echoed frame and a
//!   close), a third malformed requests (version 8: `426`, no `Upgrade`:
//!   `400`, `POST`: `405`, a bad key: `400`), a third floods.
//! - `--echo C`: C clients loop for `--time` seconds (default 10) over
//!   connect, handshake (the accept key checked), one echoed frame and a
//!   close: handshakes per second and the round's latency.
//!
//! The connects are paced, at most 256 under way at once (a flood or a
//! mixed connection keeps its turn to the end), so that the listen backlog
//! is not overrun. Alongside the first three modes a probe makes a valid
//! handshake and echo every 100 ms until the attack's connections have all
//! finished: the latency legitimate clients see. With `--pid` the server's
//! `VmRSS` is sampled every 100 ms.
//!
//! Every attacking connection ends in one outcome: a complete response
//! (`101`, `408`, `431`, `other <status>`: the head and the whole body its
//! `Content-Length` gives), `incomplete` (bytes, but no complete response),
//! `silent close` (the end of the stream and no byte), `reset` (a reset or
//! broken pipe before a complete response), `timeout`, or `connect failed`.
//!
//! Bounded: loopback addresses only, at most 20,000 connections, which must
//! fit in the file descriptors (the soft limit is raised to the hard one),
//! every socket operation with a timeout and the whole run within `--time`
//! (default 60). Prints a table and one `attack:` line of `key=value`
//! pairs; fails when a connection did not get the status the contract gives
//! it (`--echo`: when a round failed).

mod answer;
mod client;
mod report;
mod rss;

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering::Relaxed};
use std::time::Duration;

use tokio::runtime::Runtime;
use tokio::sync::Semaphore;
use tokio::task::JoinSet;
use tokio::time::{Instant, interval, sleep, timeout_at};

use answer::Outcome;
use client::{Gauge, Kind, Record, Round};
use report::{EchoRun, Run};
use rss::Rss;

/// The most connections one run may make at once.
const MAX_CONNECTIONS: usize = 20_000;
/// The longest run.
const MAX_SECS: u64 = 3600;
/// How many connects may be under way at once.
const CONNECTS_AT_ONCE: usize = 256;
/// How often a probe starts.
const PROBE_EVERY: Duration = Duration::from_millis(100);
/// How often the server's memory is sampled.
const SAMPLE_EVERY: Duration = Duration::from_millis(100);
/// How many samples between two progress lines.
const PROGRESS_EVERY: u64 = 50;
/// File descriptors kept for the runtime, standard streams and the like.
const FD_RESERVE: usize = 64;

/// What the attack does.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    Slow,
    Flood,
    Mixed,
    Echo,
}

impl Mode {
    /// Every mode.
    pub const ALL: [Mode; 4] = [Mode::Slow, Mode::Flood, Mode::Mixed, Mode::Echo];

    /// The flag that chooses it.
    pub fn flag(self) -> &'static str {
        match self {
            Mode::Slow => "--slow",
            Mode::Flood => "--flood",
            Mode::Mixed => "--mixed",
            Mode::Echo => "--echo",
        }
    }

    /// Its name in the report.
    fn name(self) -> &'static str {
        self.flag().trim_start_matches('-')
    }

    /// The time cap without `--time`.
    pub fn default_secs(self) -> u64 {
        if self == Mode::Echo { 10 } else { 60 }
    }

    /// The attacking connections, in the order they connect.
    fn kinds(self, n: usize) -> Vec<Kind> {
        match self {
            Mode::Slow => vec![Kind::Slow; n],
            Mode::Flood => vec![Kind::Flood; n],
            // Its clients loop over rounds of their own.
            Mode::Echo => Vec::new(),
            Mode::Mixed => (0..n)
                .map(|i| match i % 3 {
                    0 => Kind::Valid,
                    1 => Kind::MALFORMED[i / 3 % Kind::MALFORMED.len()],
                    _ => Kind::Flood,
                })
                .collect(),
        }
    }
}

/// A run as the command line asked for it.
#[derive(Clone, Copy, Debug)]
pub struct Plan {
    /// What to do.
    pub mode: Mode,
    /// How many connections (`--echo`: clients).
    pub n: u64,
    /// The time cap.
    pub secs: u64,
    /// The server's process, to sample its memory.
    pub pid: Option<u32>,
}

/// Runs `plan` against `address` (a loopback IP and port) and prints the
/// report.
pub fn attack(address: &str, plan: &Plan) -> Result<(), String> {
    let addr = loopback(address)?;
    let n = usize::try_from(plan.n).ok().filter(|n| (1..=MAX_CONNECTIONS).contains(n));
    let n = n.ok_or_else(|| format!("{} {}: give 1 to {MAX_CONNECTIONS}", plan.mode.flag(), plan.n))?;
    if !(1..=MAX_SECS).contains(&plan.secs) {
        return Err(format!("--time {}: give 1 to {MAX_SECS}", plan.secs));
    }
    let fds = rlimit::increase_nofile_limit(u64::MAX).map_err(|e| format!("raising the descriptor limit: {e}"))?;
    let needed = n + if plan.mode == Mode::Echo { 0 } else { probes_in_flight() } + FD_RESERVE;
    if needed as u64 > fds {
        return Err(format!("{n} connections need about {needed} file descriptors, and the hard limit is {fds}"));
    }
    let rss = match plan.pid {
        Some(pid) => {
            Some(Rss::before(pid).ok_or(format!("no process {pid} to sample (no VmRSS in /proc/{pid}/status)"))?)
        }
        None => None,
    };
    println!("attack {addr}: {} {n}, at most {} s, {fds} file descriptors", plan.mode.name(), plan.secs);
    let runtime = runtime()?;
    let time = Duration::from_secs(plan.secs);
    if plan.mode == Mode::Echo {
        let failed = report::print_echo(addr, n, &runtime.block_on(echo(addr, n, time, rss)));
        return if failed == 0 { Ok(()) } else { Err(format!("{failed} round(s) failed")) };
    }
    let run = runtime.block_on(run(addr, plan.mode.kinds(n), time, rss));
    let mismatched = report::print_run(addr, plan.mode.name(), &run);
    if mismatched == 0 { Ok(()) } else { Err(format!("{mismatched} connection(s) did not get the contract's status")) }
}

/// `address` as a socket address, if its IP is a loopback one (127.0.0.0/8
/// or ::1); no name is resolved.
fn loopback(address: &str) -> Result<SocketAddr, String> {
    let addr: SocketAddr =
        address.parse().map_err(|e| format!("{address}: {e} (give an IP and a port, as 127.0.0.1:9001)"))?;
    if addr.ip().is_loopback() {
        Ok(addr)
    } else {
        Err(format!("{address}: not a loopback address; attack aims only at 127.0.0.0/8 and ::1"))
    }
}

/// The most probes under way at once: each gives up after
/// [`client::WITHIN`].
fn probes_in_flight() -> usize {
    (client::WITHIN.as_millis() / PROBE_EVERY.as_millis()) as usize
}

/// The runtime: two worker threads.
fn runtime() -> Result<Runtime, String> {
    let mut builder = tokio::runtime::Builder::new_multi_thread();
    builder.worker_threads(2).enable_all().build().map_err(|e| format!("tokio runtime: {e}"))
}

/// Runs the attacking connections, paced, with the probes and the memory
/// samples alongside, until they have all finished or `time` has passed.
async fn run(addr: SocketAddr, kinds: Vec<Kind>, time: Duration, rss: Option<Rss>) -> Run {
    let start = Instant::now();
    let deadline = start + time;
    let total = kinds.len();
    let gauge = Arc::new(Gauge::default());
    let done = Arc::new(AtomicBool::new(false));
    let progress = {
        let gauge = Arc::clone(&gauge);
        move || format!("{} open, {}/{total} finished", gauge.open(), gauge.finished())
    };
    let watcher = tokio::spawn(watch(rss, start, progress, Arc::clone(&done)));
    // The probes stand for clients on other machines: on a thread and a
    // runtime of their own, so that the attack's own bursts (10,000
    // responses arriving at once) do not delay them here.
    let probes = {
        let done = Arc::clone(&done);
        std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build();
            runtime.map(|runtime| runtime.block_on(probe(addr, start, deadline, done))).unwrap_or_default()
        })
    };
    let pacing = Arc::new(Semaphore::new(CONNECTS_AT_ONCE));
    let mut tasks = JoinSet::new();
    for kind in kinds {
        let (gauge, pacing) = (Arc::clone(&gauge), Arc::clone(&pacing));
        tasks.spawn(async move {
            match timeout_at(deadline, pacing.acquire_owned()).await {
                Ok(Ok(paced)) => client::attack(kind, addr, deadline, paced, &gauge).await,
                _ => Record { kind, outcome: Outcome::Timeout, at: Duration::ZERO, after: None },
            }
        });
    }
    let mut records = Vec::with_capacity(total);
    while let Some(joined) = tasks.join_next().await {
        records.extend(joined.ok());
    }
    let elapsed = start.elapsed();
    done.store(true, Relaxed);
    let probes = tokio::task::spawn_blocking(move || probes.join().unwrap_or_default()).await.unwrap_or_default();
    let rss = watcher.await.ok().flatten();
    Run { records, probes, elapsed, peak_open: gauge.peak(), rss }
}

/// Starts a probe every [`PROBE_EVERY`] until `done` or `deadline`; returns
/// when each started (since `start`) and its round, once all have ended.
async fn probe(addr: SocketAddr, start: Instant, deadline: Instant, done: Arc<AtomicBool>) -> Vec<(Duration, Round)> {
    let mut ticks = interval(PROBE_EVERY);
    let mut probes = JoinSet::new();
    loop {
        ticks.tick().await;
        let now = Instant::now();
        if done.load(Relaxed) || now >= deadline {
            break;
        }
        let round = client::valid_round(addr, deadline.min(now + client::WITHIN), None);
        probes.spawn(async move { (now - start, round.await) });
    }
    let mut rounds = Vec::new();
    while let Some(joined) = probes.join_next().await {
        rounds.extend(joined.ok());
    }
    rounds
}

/// `--echo`: `clients` clients each run valid rounds until `time` has
/// passed.
async fn echo(addr: SocketAddr, clients: usize, time: Duration, rss: Option<Rss>) -> EchoRun {
    let start = Instant::now();
    let deadline = start + time;
    let gauge = Arc::new(Gauge::default());
    let done = Arc::new(AtomicBool::new(false));
    let progress = {
        let gauge = Arc::clone(&gauge);
        move || format!("{} open, {} rounds", gauge.open(), gauge.finished())
    };
    let watcher = tokio::spawn(watch(rss, start, progress, Arc::clone(&done)));
    let mut tasks = JoinSet::new();
    for _ in 0..clients {
        let gauge = Arc::clone(&gauge);
        tasks.spawn(async move {
            let (mut rounds, mut unfinished) = (Vec::new(), 0);
            while Instant::now() < deadline {
                let until = deadline.min(Instant::now() + client::WITHIN);
                let round = client::valid_round(addr, until, Some(&gauge)).await;
                gauge.finish();
                if round.outcome == Outcome::Status(101) {
                    rounds.push(round);
                } else if Instant::now() >= deadline {
                    unfinished += 1;
                } else {
                    rounds.push(round);
                    // A server that fails at once must not make a busy loop.
                    sleep(Duration::from_millis(10)).await;
                }
            }
            (rounds, unfinished)
        });
    }
    let (mut rounds, mut unfinished) = (Vec::new(), 0);
    while let Some(joined) = tasks.join_next().await {
        if let Ok((client_rounds, client_unfinished)) = joined {
            rounds.extend(client_rounds);
            unfinished += client_unfinished;
        }
    }
    let elapsed = start.elapsed();
    done.store(true, Relaxed);
    EchoRun { rounds, unfinished, elapsed, rss: watcher.await.ok().flatten() }
}

/// Samples the server's memory every [`SAMPLE_EVERY`] and prints
/// `progress` to standard error every [`PROGRESS_EVERY`] samples, until
/// `done`.
async fn watch(
    mut rss: Option<Rss>,
    start: Instant,
    progress: impl Fn() -> String,
    done: Arc<AtomicBool>,
) -> Option<Rss> {
    let mut ticks = interval(SAMPLE_EVERY);
    for tick in 1.. {
        ticks.tick().await;
        if let Some(rss) = &mut rss {
            rss.sample(start.elapsed());
        }
        if done.load(Relaxed) {
            break;
        }
        if tick % PROGRESS_EVERY == 0 {
            eprintln!("{:>4} s: {}", start.elapsed().as_secs(), progress());
        }
    }
    rss
}

#[cfg(test)]
mod tests {
    use std::io::{Read, Write};
    use std::net::{Shutdown, TcpListener};
    use std::thread;

    use super::*;

    #[test]
    fn only_loopback_addresses() {
        assert!(loopback("127.0.0.1:9001").is_ok());
        assert!(loopback("127.8.9.10:1").is_ok());
        assert!(loopback("[::1]:9001").is_ok());
        for address in ["10.0.0.1:80", "0.0.0.0:9001", "[::]:9001", "[::ffff:127.0.0.1]:80", "192.168.1.1:443"] {
            assert!(loopback(address).unwrap_err().contains("not a loopback"), "{address}");
        }
        assert!(loopback("localhost:9001").is_err());
        assert!(loopback("127.0.0.1").is_err());
    }

    #[test]
    fn mixed_is_a_third_of_each() {
        let kinds = Mode::Mixed.kinds(12);
        assert_eq!(kinds.iter().filter(|kind| **kind == Kind::Valid).count(), 4);
        assert_eq!(kinds.iter().filter(|kind| **kind == Kind::Flood).count(), 4);
        for malformed in Kind::MALFORMED {
            assert_eq!(kinds.iter().filter(|kind| **kind == malformed).count(), 1);
        }
    }

    #[test]
    fn bounds_are_refused() {
        let plan = Plan { mode: Mode::Flood, n: 20_001, secs: 5, pid: None };
        assert!(attack("127.0.0.1:9", &plan).unwrap_err().contains("give 1 to 20000"));
        assert!(attack("127.0.0.1:9", &Plan { n: 0, ..plan }).is_err());
        assert!(attack("127.0.0.1:9", &Plan { n: 1, secs: 0, ..plan }).is_err());
        assert!(attack("8.8.8.8:53", &Plan { n: 1, ..plan }).unwrap_err().contains("not a loopback"));
    }

    /// A server that answers whatever comes with a whole 431, half-closes
    /// and reads until the client is done: what the contract asks.
    fn refusing_server() -> SocketAddr {
        let listener = TcpListener::bind("127.0.0.1:0").expect("a port");
        let addr = listener.local_addr().expect("its address");
        thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                thread::spawn(move || {
                    let mut stream = stream;
                    stream.set_read_timeout(Some(Duration::from_secs(5))).ok();
                    let mut buffer = [0; 8192];
                    let _ = stream.read(&mut buffer);
                    let body = "Request Header Fields Too Large\n";
                    let head = format!(
                        "HTTP/1.1 431 Request Header Fields Too Large\r\nContent-Length: {}\r\n\
                         Connection: close\r\n\r\n",
                        body.len()
                    );
                    let _ = stream.write_all(format!("{head}{body}").as_bytes());
                    let _ = stream.shutdown(Shutdown::Write);
                    while matches!(stream.read(&mut buffer), Ok(1..)) {}
                });
            }
        });
        addr
    }

    #[test]
    fn a_flood_against_a_server_that_keeps_the_contract() {
        let addr = refusing_server();
        let runtime = runtime().expect("a runtime");
        let run = runtime.block_on(run(addr, Mode::Flood.kinds(3), Duration::from_secs(10), None));
        let outcomes: Vec<Outcome> = run.records.iter().map(|record| record.outcome).collect();
        assert_eq!(outcomes, [Outcome::Status(431); 3]);
        assert!(run.records.iter().all(|record| record.after == Some(answer::Ending::Eof)));
        assert!(run.peak_open >= 1);
        // The probes got the same 431, which is no 101.
        assert!(run.probes.iter().all(|(_, probe)| probe.outcome == Outcome::Status(431)));
        assert_eq!(report::print_run(addr, "flood", &run), 0);
    }
}
