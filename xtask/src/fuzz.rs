//! `cargo xtask fuzz`, `corpus minimize` and `replay`: cargo-fuzz over the
//! targets in `fuzz/`, with nightly and AddressSanitizer when nightly is
//! installed and stable without a sanitizer otherwise.

use std::collections::VecDeque;
use std::fs;
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use ws_handshake_proptests::model::{End, Expected};
use ws_handshake_proptests::strategies::config;
use ws_handshake_proptests::{harness, manifest};

use crate::{ensure_cargo_tool, root, succeeds};

/// The targets the main job runs, in order.
pub const TARGETS: &[&str] = &["handshake", "chunked", "structured", "driver"];
/// Targets that run only when asked for: the speed baseline.
const BASELINES: &[&str] = &["bare_httparse"];
/// The features of `fuzz/Cargo.toml` a target requires: `driver` runs the
/// async driver too. Each is built with its own, the others without, since
/// tokio's code, compiled in, slows every target's runs.
const FEATURES: &[(&str, &str)] = &[("driver", "tokio")];
/// Seconds per target in `--smoke`.
pub const SMOKE_SECS: u64 = 10;
/// The largest input the fuzzers make: past the 8192-byte head limit, with
/// room for a fault schedule.
const MAX_LEN: &str = "-max_len=20000";

/// The targets asked for by `--target`, or all of [`TARGETS`].
pub fn targets(asked: &[String]) -> Result<Vec<&'static str>, String> {
    if asked.is_empty() {
        return Ok(TARGETS.to_vec());
    }
    asked
        .iter()
        .map(|name| {
            TARGETS.iter().chain(BASELINES).copied().find(|target| target == name).ok_or(format!(
                "no target {name}: {}",
                TARGETS.iter().chain(BASELINES).copied().collect::<Vec<_>>().join(", ")
            ))
        })
        .collect()
}

/// How to call cargo-fuzz on this machine.
struct Fuzzer {
    nightly: bool,
}

impl Fuzzer {
    /// Installs cargo-fuzz when it is missing and looks for nightly, unless
    /// `stable` asks for stable without a sanitizer.
    fn new(stable: bool) -> Result<Fuzzer, String> {
        ensure_cargo_tool("fuzz", "cargo-fuzz")?;
        let nightly = !stable && succeeds(Command::new("cargo").args(["+nightly", "--version"]));
        match nightly {
            true => eprintln!("toolchain: nightly, AddressSanitizer"),
            false => eprintln!("toolchain: stable, no sanitizer (install nightly for AddressSanitizer)"),
        }
        Ok(Fuzzer { nightly })
    }

    /// Builds every target, so that the runs' clocks time fuzzing alone: those
    /// without features of their own at once (cargo skips the others), then
    /// each of the others with its features.
    fn build(&self) -> Result<(), String> {
        let targets = std::iter::once("").chain(FEATURES.iter().map(|&(target, _)| target));
        for target in targets {
            let built = self.command("build", target).status();
            if !built.is_ok_and(|status| status.success()) {
                return Err(format!("cargo fuzz build {target} failed"));
            }
        }
        Ok(())
    }

    /// `cargo [+nightly] fuzz <verb> --fuzz-dir fuzz [--sanitizer none]
    /// [--features F] <target>` (no target when `target` is empty; `F` from
    /// [`FEATURES`]).
    fn command(&self, verb: &str, target: &str) -> Command {
        let mut command = Command::new("cargo");
        command.current_dir(root());
        if self.nightly {
            command.arg("+nightly");
        }
        command.args(["fuzz", verb, "--fuzz-dir", "fuzz"]);
        if !self.nightly {
            command.args(["--sanitizer", "none"]);
        }
        if let Some(&(_, features)) = FEATURES.iter().find(|&&(name, _)| name == target) {
            command.args(["--features", features]);
        }
        if !target.is_empty() {
            command.arg(target);
        }
        command
    }
}

/// What a target's run showed.
#[derive(Default)]
struct Stats {
    seconds: u64,
    execs: u64,
    execs_per_sec: u64,
    coverage: u64,
    corpus: u64,
    crash: Option<PathBuf>,
    panic: Option<String>,
    tail: VecDeque<String>,
}

impl Stats {
    /// Takes in one line of libFuzzer's output.
    fn read(&mut self, line: &str) {
        let number = |key: &str| -> Option<u64> {
            let rest = &line[line.find(key)? + key.len()..];
            rest.trim_start().split(|c: char| !c.is_ascii_digit()).next()?.parse().ok()
        };
        if line.starts_with('#') {
            self.execs = number("#").unwrap_or(self.execs);
            self.coverage = number("cov:").unwrap_or(self.coverage);
            self.corpus = number("corp:").unwrap_or(self.corpus);
            self.execs_per_sec = number("exec/s:").unwrap_or(self.execs_per_sec);
        }
        if let Some(n) = number("stat::number_of_executed_units:") {
            self.execs = n;
        }
        if let Some(n) = number("stat::average_exec_per_sec:") {
            self.execs_per_sec = n;
        }
        if let Some(path) = line.split("Test unit written to ").nth(1) {
            self.crash = Some(PathBuf::from(path.trim()));
        }
        if self.panic.as_deref() == Some("") {
            self.panic = Some(line.trim().to_owned());
        } else if line.contains("panicked at") && self.panic.is_none() {
            self.panic = Some(String::new());
        }
        self.tail.push_back(line.to_owned());
        if self.tail.len() > 40 {
            self.tail.pop_front();
        }
    }

    fn progress(&self, target: &str) -> String {
        format!(
            "{target:<13} {:>5}s {:>12} execs {:>8} exec/s  cov {:>5}  corpus {:>5}",
            self.seconds, self.execs, self.execs_per_sec, self.coverage, self.corpus
        )
    }
}

/// The main job: every target for `seconds` each, a live line each, a
/// summary table, and a saved regression for every crash.
pub fn fuzz(targets: &[&str], seconds: u64, stable: bool) -> Result<(), String> {
    let fuzzer = Fuzzer::new(stable)?;
    fuzzer.build()?;
    let mut results = Vec::new();
    for &target in targets {
        let stats = run_target(&fuzzer, target, seconds)?;
        let result = match &stats.crash {
            Some(crash) => save_crash(&fuzzer, target, crash, stats.panic.as_deref())?,
            None => "ok".to_owned(),
        };
        results.push((target, stats, result));
    }
    println!("\n{:<13} {:>6} {:>12} {:>8} {:>6} {:>7}  result", "target", "secs", "execs", "exec/s", "cov", "corpus");
    for (target, stats, result) in &results {
        println!(
            "{target:<13} {:>6} {:>12} {:>8} {:>6} {:>7}  {result}",
            stats.seconds, stats.execs, stats.execs_per_sec, stats.coverage, stats.corpus
        );
    }
    let failed = results.iter().filter(|(_, stats, _)| stats.crash.is_some()).count();
    match failed {
        0 => Ok(()),
        n => Err(format!("{n} target(s) found a failure: see the replay commands above")),
    }
}

/// A baseline runs over a scratch copy of the `handshake` corpus, so that
/// its speed is measured on the inputs `handshake` runs on, and nothing it
/// finds enters the committed corpus.
fn baseline_corpus(target: &str) -> Result<PathBuf, String> {
    let root = root();
    let scratch = root.join("target/fuzz-baseline").join(target);
    let _ = fs::remove_dir_all(&scratch);
    fs::create_dir_all(&scratch).map_err(|e| format!("{}: {e}", scratch.display()))?;
    let seeds = root.join("corpus/handshake");
    for entry in fs::read_dir(&seeds).map_err(|e| format!("{}: {e}", seeds.display()))? {
        let path = entry.map_err(|e| e.to_string())?.path();
        if let Some(name) = path.file_name() {
            fs::copy(&path, scratch.join(name)).map_err(|e| format!("{}: {e}", path.display()))?;
        }
    }
    Ok(scratch)
}

fn run_target(fuzzer: &Fuzzer, target: &str, seconds: u64) -> Result<Stats, String> {
    let root = root();
    let corpus = match BASELINES.contains(&target) {
        true => baseline_corpus(target)?,
        false => root.join("corpus").join(target),
    };
    let artifacts = root.join("fuzz/artifacts").join(target);
    for folder in [&corpus, &artifacts] {
        fs::create_dir_all(folder).map_err(|e| format!("{}: {e}", folder.display()))?;
    }
    let mut command = fuzzer.command("run", target);
    command.arg(&corpus).arg(root.join("corpus/cases")).arg("--");
    command.arg(format!("-max_total_time={seconds}")).arg(MAX_LEN).arg("-timeout=10").arg("-print_final_stats=1");
    command.arg(format!("-dict={}", root.join("fuzz/handshake.dict").display()));
    command.arg(format!("-artifact_prefix={}/", artifacts.display()));
    let mut child =
        command.stdout(Stdio::null()).stderr(Stdio::piped()).spawn().map_err(|e| format!("cargo fuzz: {e}"))?;
    let mut stats = Stats::default();
    let started = Instant::now();
    let mut shown = Instant::now() - Duration::from_secs(1);
    let stderr = child.stderr.take().ok_or("no stderr")?;
    for line in BufReader::new(stderr).lines().map_while(Result::ok) {
        stats.read(&line);
        if line.starts_with('#') && shown.elapsed() >= Duration::from_millis(500) {
            stats.seconds = started.elapsed().as_secs();
            eprint!("\r{}", stats.progress(target));
            let _ = std::io::stderr().flush();
            shown = Instant::now();
        }
    }
    let status = child.wait().map_err(|e| format!("cargo fuzz: {e}"))?;
    stats.seconds = started.elapsed().as_secs();
    eprintln!("\r{}", stats.progress(target));
    if !status.success() && stats.crash.is_none() {
        let tail: Vec<&str> = stats.tail.iter().map(String::as_str).collect();
        return Err(format!("cargo fuzz run {target} failed:\n{}", tail.join("\n")));
    }
    Ok(stats)
}

/// Minimizes a crash, saves it as a named regression with its line in the
/// regressions README, and returns the result column.
fn save_crash(fuzzer: &Fuzzer, target: &str, crash: &Path, panic: Option<&str>) -> Result<String, String> {
    eprintln!("{target} failed: {}", panic.unwrap_or("see the output above"));
    let _ = fuzzer.command("tmin", target).arg(crash).args(["--", "-runs=1000"]).stdout(Stdio::null()).status();
    let folder = crash.parent().unwrap_or(Path::new("."));
    let name = crash.file_name().and_then(|n| n.to_str()).unwrap_or_default();
    let minimized = folder.join(format!("minimized-from-{}", name.rsplit('-').next().unwrap_or_default()));
    let input = fs::read(if minimized.exists() { &minimized } else { crash }).map_err(|e| e.to_string())?;
    let file = format!("fuzz-{target}-{:016x}.bin", fnv1a(&input));
    let regressions = root().join("corpus/regressions");
    fs::write(regressions.join(&file), &input).map_err(|e| e.to_string())?;
    let what = panic.unwrap_or("a crash").replace('|', "/");
    let mut readme =
        fs::OpenOptions::new().append(true).open(regressions.join("README.md")).map_err(|e| e.to_string())?;
    writeln!(readme, "| `{file}` | `{target}`: {what} |").map_err(|e| e.to_string())?;
    eprintln!("saved corpus/regressions/{file} ({} bytes); replay it with:", input.len());
    eprintln!("    cargo xtask replay corpus/regressions/{file}");
    Ok(format!("FAILED: corpus/regressions/{file}"))
}

/// A stable name for an input's bytes.
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |hash, &b| (hash ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3))
}

/// `corpus minimize`: cmin each target's corpus in place.
pub fn minimize(targets: &[&str]) -> Result<(), String> {
    let fuzzer = Fuzzer::new(false)?;
    for &target in targets {
        let corpus = root().join("corpus").join(target);
        let before = count(&corpus);
        let status = fuzzer.command("cmin", target).arg(&corpus).args(["--", MAX_LEN]).status();
        if !status.is_ok_and(|status| status.success()) {
            return Err(format!("cargo fuzz cmin {target} failed"));
        }
        println!("{target:<13} {before:>6} files -> {:>6}", count(&corpus));
    }
    Ok(())
}

fn count(folder: &Path) -> usize {
    fs::read_dir(folder).map(|entries| entries.count()).unwrap_or(0)
}

/// `replay`: one input through the target that found it (from `--target`,
/// or a `fuzz-<target>-` file name), or, for any other file, through the
/// core, the model and the oracle with the stream open, ended and timed out:
/// it prints what the contract answers to each, and a named case
/// (`<status>-<what>.http`) fails unless its own ending gets its status.
pub fn replay(file: &Path, target: Option<&str>) -> Result<(), String> {
    let bytes = fs::read(file).map_err(|e| format!("{}: {e}", file.display()))?;
    let name = file.file_name().and_then(|n| n.to_str()).unwrap_or_default();
    let target = target.or_else(|| TARGETS.iter().copied().find(|t| name.starts_with(&format!("fuzz-{t}-"))));
    if let Some(target) = target {
        let run = ws_handshake_proptests::fuzz::target(target).ok_or(format!("no target {target}"))?;
        run(&bytes);
        println!("{}: the {target} target passes it", file.display());
        return Ok(());
    }
    let mut answers = Vec::new();
    for (end, words) in [(End::Open, "kept open"), (End::Eof, "then end of stream"), (End::Deadline, "then a stall")] {
        let run = harness::check(&config(), &bytes, end).map_err(|failure| format!("{end:?}: {failure}"))?;
        answers.push((end, words, answer(&run.outcome)));
    }
    println!("{}: the core, the model and the oracle agree; the contract answers", file.display());
    for (_, words, (_, shown)) in &answers {
        println!("  {words:<20} {shown}");
    }
    // A named case: the status its name gives, for the ending its name says.
    let Some(expected) = name.get(..3).and_then(|s| s.parse::<u16>().ok()).filter(|_| name.ends_with(".http")) else {
        return Ok(());
    };
    let own = manifest::ending(name);
    match answers.iter().find(|(end, ..)| *end == own) {
        Some((_, _, (Some(status), _))) if *status == expected => Ok(()),
        Some((_, words, (_, shown))) => {
            Err(format!("{name}: its name says {expected}, the contract answers {shown} ({words})"))
        }
        None => Ok(()),
    }
}

/// The status of an outcome and how to show it: `101`, `400 (rule 1)`, or
/// no answer yet.
fn answer(outcome: &Expected) -> (Option<u16>, String) {
    let status = manifest::status(outcome);
    let shown = match outcome {
        Expected::Accept { .. } => "101".into(),
        Expected::Reject { rule, .. } => format!("{} (rule {rule})", status.map_or("?".into(), |s| s.to_string())),
        Expected::NeedMore => "nothing yet: the head is not complete".into(),
    };
    (status, shown)
}
