//! `cargo xtask fuzz`, `corpus minimize` and `replay`: cargo-fuzz over the
//! targets in `fuzz/`, with nightly and AddressSanitizer when nightly is
//! installed and stable without a sanitizer otherwise. `--engine libafl`
//! links the same targets with LibAFL's libFuzzer replacement instead
//! (nightly only; see [`crate::engine`]).
//!
//! Fuzzing never writes to the tracked tree: each target's new inputs go to
//! a working corpus, `target/fuzz-work/<target>/corpus/` (another engine's
//! in `target/fuzz-work/<engine>/<target>/`), with the committed corpus
//! (`corpus/<target>/`) and the named cases read as seeds, and its crashes
//! to `artifacts/` beside it. `corpus minimize` merges into the committed
//! corpus the working inputs that reach code it does not. Only a crash
//! writes to the tree: its input, minimized by libFuzzer whichever engine
//! found it, as a named regression in `corpus/regressions/`, to be
//! committed.

use std::collections::VecDeque;
use std::fs;
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use ws_handshake_proptests::model::{End, Expected};
use ws_handshake_proptests::strategies::config;
use ws_handshake_proptests::{harness, manifest};

use crate::engine::Engine;
use crate::{ensure_cargo_tool, root, succeeds};

/// `fuzz/targets.txt`: the one list of the targets and their features.
const LIST: &str = include_str!("../../fuzz/targets.txt");
/// Seconds per target in `--smoke`.
pub const SMOKE_SECS: u64 = 10;
/// The largest input the fuzzers make: past the 8192-byte head limit, with
/// room for a fault schedule.
pub const MAX_LEN: u64 = 20_000;

/// The listed targets, in order, each with its features (empty for none).
pub fn listed() -> impl Iterator<Item = (&'static str, &'static str)> {
    LIST.lines().map(str::trim).filter(|line| !line.is_empty() && !line.starts_with('#')).map(|line| {
        let (name, features) = line.split_once(' ').unwrap_or((line, ""));
        (name, features.trim())
    })
}

/// The targets of `fuzz/fuzz_targets/` that are not listed: baselines, run
/// only when asked for.
fn baselines() -> Vec<String> {
    let folder = root().join("fuzz/fuzz_targets");
    let files =
        fs::read_dir(folder).into_iter().flatten().filter_map(|entry| entry.ok()?.file_name().into_string().ok());
    let mut names: Vec<String> = files
        .filter_map(|file| file.strip_suffix(".rs").map(str::to_owned))
        .filter(|name| !listed().any(|(target, _)| target == name))
        .collect();
    names.sort();
    names
}

/// The targets asked for by `--target`, or every listed one.
pub fn targets(asked: &[String]) -> Result<Vec<String>, String> {
    let known: Vec<String> = listed().map(|(name, _)| name.to_owned()).collect();
    if asked.is_empty() {
        return Ok(known);
    }
    let baselines = baselines();
    let all: Vec<&String> = known.iter().chain(&baselines).collect();
    asked
        .iter()
        .map(|name| {
            all.iter().find(|target| **target == name).map(|target| (*target).clone()).ok_or(format!(
                "no target {name}: {}",
                all.iter().map(|target| target.as_str()).collect::<Vec<_>>().join(", ")
            ))
        })
        .collect()
}

/// The features `target` is built with.
fn features(target: &str) -> &'static str {
    listed().find(|(name, _)| *name == target).map_or("", |(_, features)| features)
}

/// How to call cargo-fuzz on this machine, for one engine.
pub struct Fuzzer {
    nightly: bool,
    engine: Engine,
}

impl Fuzzer {
    /// Installs cargo-fuzz when it is missing and looks for nightly, unless
    /// `stable` asks for stable without a sanitizer. An engine other than
    /// libFuzzer needs nightly.
    pub fn new(stable: bool, engine: Engine) -> Result<Fuzzer, String> {
        ensure_cargo_tool("fuzz", "cargo-fuzz")?;
        let nightly = !stable && succeeds(Command::new("cargo").args(["+nightly", "--version"]));
        if engine != Engine::LibFuzzer && !nightly {
            return Err(format!(
                "the {} engine needs {}: install nightly, and leave out --stable",
                engine.name(),
                engine.needs()
            ));
        }
        engine.install_packages()?;
        // Another engine's runs are ended by `timeout` (GNU coreutils).
        if engine != Engine::LibFuzzer && !succeeds(Command::new("timeout").arg("--version")) {
            return Err(format!("the {} engine's runs need `timeout` from GNU coreutils", engine.name()));
        }
        match nightly {
            true => eprintln!("toolchain: nightly, AddressSanitizer; engine: {}", engine.name()),
            false => eprintln!("toolchain: stable, no sanitizer (install nightly for AddressSanitizer)"),
        }
        Ok(Fuzzer { nightly, engine })
    }

    /// The engine it runs.
    pub fn engine(&self) -> Engine {
        self.engine
    }

    /// The libFuzzer build on the same toolchain: what minimizes a crash
    /// and replays a corpus, whichever engine found them.
    pub fn libfuzzer(&self) -> Fuzzer {
        Fuzzer { nightly: self.nightly, engine: Engine::LibFuzzer }
    }

    /// Builds `targets`, so that the runs' clocks time fuzzing alone, each
    /// with its own features: tokio's code, compiled into a target that
    /// does not need it, slows its runs.
    pub fn build(&self, targets: &[String]) -> Result<(), String> {
        for target in targets {
            if self.engine != Engine::LibFuzzer && !listed().any(|(name, _)| name == target) {
                return Err(format!(
                    "{target} is a libFuzzer baseline: the {} engine has no build of it",
                    self.engine.name()
                ));
            }
            let built = self.command("build", target).status();
            if !built.is_ok_and(|status| status.success()) {
                let engine = self.engine;
                return Err(format!(
                    "cargo fuzz build {target} failed ({} engine: it needs {})",
                    engine.name(),
                    engine.needs()
                ));
            }
        }
        Ok(())
    }

    /// `cargo [+nightly] fuzz <verb> --fuzz-dir <dir> [--target-dir <dir>]
    /// [--sanitizer none]` (the folders the engine's), run in the workspace
    /// at `workspace`.
    pub fn cargo(&self, workspace: &Path, verb: &str) -> Command {
        let mut command = Command::new("cargo");
        command.current_dir(workspace);
        if self.nightly {
            command.arg("+nightly");
        }
        command.args(["fuzz", verb, "--fuzz-dir", self.engine.fuzz_dir()]);
        if let Some(dir) = self.engine.target_dir() {
            command.arg("--target-dir").arg(dir);
        }
        match self.nightly {
            // libfuzzer-sys compiles libFuzzer with `cc`, which instruments
            // C++ for AddressSanitizer whenever rustc does. libFuzzer is the
            // engine, not the code under test, and clang's own
            // `-fsanitize=fuzzer` links it uninstrumented: instrumented, its
            // per-run feature collection took a fifth of every run
            // (FUZZING.md, "The throughput bound").
            true => {
                let mut flags = std::env::var_os("CXXFLAGS").unwrap_or_default();
                flags.push(" -fno-sanitize=address");
                command.env("CXXFLAGS", flags);
            }
            false => {
                command.args(["--sanitizer", "none"]);
            }
        }
        command
    }

    /// The command of [`Fuzzer::cargo`] in this workspace, for `target`:
    /// `... [--features F] <target>` (`F` from `fuzz/targets.txt`).
    pub fn command(&self, verb: &str, target: &str) -> Command {
        let mut command = self.cargo(&root(), verb);
        if !features(target).is_empty() {
            command.args(["--features", features(target)]);
        }
        command.arg(target);
        command
    }
}

/// What a target's run showed.
#[derive(Default)]
pub struct Stats {
    /// How long it ran.
    pub seconds: u64,
    /// Inputs executed.
    pub execs: u64,
    /// Inputs executed per second, on average or lately.
    pub execs_per_sec: u64,
    /// Coverage as the engine counts it: libFuzzer's `cov:`, LibAFL's
    /// `edges:`.
    pub coverage: u64,
    /// libFuzzer's `ft:`, the features it tells inputs apart by.
    pub features: u64,
    /// Inputs in the engine's corpus.
    pub corpus: u64,
    /// The input that failed, if one did.
    pub crash: Option<PathBuf>,
    panic: Option<String>,
    tail: VecDeque<String>,
}

impl Stats {
    /// Takes in one line of libFuzzer's or LibAFL's output.
    fn read(&mut self, line: &str) {
        let number = |key: &str| -> Option<u64> {
            let rest = &line[line.find(key)? + key.len()..];
            rest.trim_start().split(|c: char| !c.is_ascii_digit()).next()?.parse().ok()
        };
        if line.starts_with('#') {
            self.execs = number("#").unwrap_or(self.execs);
            self.coverage = number("cov:").unwrap_or(self.coverage);
            self.features = number("ft:").unwrap_or(self.features);
            self.corpus = number("corp:").unwrap_or(self.corpus);
            self.execs_per_sec = number("exec/s:").unwrap_or(self.execs_per_sec);
        }
        // LibAFL: `(CLIENT) corpus: 2636, objectives: 0, executions: 88497,
        // exec/sec: 3.850k, ..., edges: 1505/5841 (25%), ...`.
        if line.trim_start().starts_with("(CLIENT)") {
            self.execs = number("executions:").unwrap_or(self.execs);
            self.coverage = number(", edges:").unwrap_or(self.coverage);
            self.corpus = number("corpus:").unwrap_or(self.corpus);
            self.execs_per_sec = rate(line).unwrap_or(self.execs_per_sec);
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

/// LibAFL's `exec/sec: 3.850k` (or `812.5`, or `1.2M`) as a whole number.
fn rate(line: &str) -> Option<u64> {
    let rest = line.split("exec/sec:").nth(1)?.trim_start();
    let text = rest.split(',').next()?.trim();
    let (digits, scale) = match text.strip_suffix('k') {
        Some(digits) => (digits, 1e3),
        None => text.strip_suffix('M').map_or((text, 1.0), |digits| (digits, 1e6)),
    };
    // Whole executions per second: the cast rounds a non-negative rate.
    digits.parse::<f64>().ok().map(|value| (value * scale).round() as u64)
}

/// The main job: every target for `seconds` each under `engine`, a live
/// line each, a summary table, and a saved regression for every crash.
pub fn fuzz(targets: &[String], seconds: u64, stable: bool, engine: Engine) -> Result<(), String> {
    let fuzzer = Fuzzer::new(stable, engine)?;
    fuzzer.build(targets)?;
    let mut results = Vec::new();
    for target in targets {
        let stats = run_target(&fuzzer, target, seconds, &engine.work(target))?;
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

/// Runs `target` for `seconds` on the working corpus in `work`, the
/// committed one and the named cases as seeds. A baseline starts afresh
/// from the `handshake` target's seeds every time, so that its speed is
/// measured on the inputs `handshake` runs on.
pub fn run_target(fuzzer: &Fuzzer, target: &str, seconds: u64, work: &Path) -> Result<Stats, String> {
    let root = root();
    let (corpus, artifacts) = (work.join("corpus"), work.join("artifacts"));
    let baseline = !listed().any(|(name, _)| name == target);
    if baseline {
        let _ = fs::remove_dir_all(&corpus);
    }
    for folder in [&corpus, &artifacts] {
        fs::create_dir_all(folder).map_err(|e| format!("{}: {e}", folder.display()))?;
    }
    let seeds = root.join("corpus").join(if baseline { "handshake" } else { target });
    let dict = format!("-dict={}", root.join("fuzz/handshake.dict").display());
    let artifact_prefix = format!("-artifact_prefix={}/", artifacts.display());
    let before = files(&artifacts);
    let mut command = match fuzzer.engine.binary(target)? {
        None => {
            let mut command = fuzzer.command("run", target);
            command.arg(&corpus).arg(&seeds).arg(root.join("corpus/cases")).arg("--");
            command.arg(format!("-max_total_time={seconds}")).arg(format!("-max_len={MAX_LEN}")).arg("-timeout=10");
            command.arg("-print_final_stats=1").arg(&dict).arg(&artifact_prefix);
            command
        }
        // LibAFL has neither `-max_total_time` nor `-max_len`: the run is
        // ended by SIGINT to the fuzzer and the process it forked, and its
        // inputs may grow past 20,000 bytes. Its seeds are those libFuzzer
        // would not cut short: a 2 MiB named case, run whole on every
        // mutation, stalled it.
        Some(binary) => {
            let short_seeds = work.join("seeds");
            copy_short_files(&[&seeds, &root.join("corpus/cases")], &short_seeds)?;
            let mut command = Command::new("timeout");
            command.args(["--signal=INT", "--kill-after=30", &seconds.to_string()]).arg(binary);
            command.arg(&corpus).arg(&short_seeds);
            command.arg("-timeout=10").arg(&dict).arg(&artifact_prefix);
            command
        }
    };
    let mut child =
        command.stdout(Stdio::null()).stderr(Stdio::piped()).spawn().map_err(|e| format!("cargo fuzz: {e}"))?;
    let mut stats = Stats::default();
    let started = Instant::now();
    let mut shown = Instant::now() - Duration::from_secs(1);
    let stderr = child.stderr.take().ok_or("no stderr")?;
    for line in BufReader::new(stderr).lines().map_while(Result::ok) {
        stats.read(&line);
        if shown.elapsed() >= Duration::from_millis(500) && (line.starts_with('#') || line.contains("(CLIENT)")) {
            stats.seconds = started.elapsed().as_secs();
            eprint!("\r{}", stats.progress(target));
            let _ = std::io::stderr().flush();
            shown = Instant::now();
        }
    }
    let status = child.wait().map_err(|e| format!("cargo fuzz: {e}"))?;
    stats.seconds = started.elapsed().as_secs();
    eprintln!("\r{}", stats.progress(target));
    // LibAFL names no file on its output: a crash is a new file among the
    // artifacts. `timeout` exits 124 when it ended the run.
    if stats.crash.is_none() && fuzzer.engine != Engine::LibFuzzer {
        stats.crash = files(&artifacts).into_iter().find(|file| !before.contains(file));
    }
    let ended = status.success() || (fuzzer.engine != Engine::LibFuzzer && status.code() == Some(124));
    if !ended && stats.crash.is_none() {
        let tail: Vec<&str> = stats.tail.iter().map(String::as_str).collect();
        return Err(format!("{} run {target} failed:\n{}", fuzzer.engine.name(), tail.join("\n")));
    }
    Ok(stats)
}

/// Copies into `to`, afresh, the files of `folders` no longer than the
/// fuzzers' largest input ([`MAX_LEN`]).
fn copy_short_files(folders: &[&Path], to: &Path) -> Result<(), String> {
    let _ = fs::remove_dir_all(to);
    fs::create_dir_all(to).map_err(|e| format!("{}: {e}", to.display()))?;
    for file in folders.iter().flat_map(|folder| files(folder)) {
        let short = fs::metadata(&file).is_ok_and(|meta| meta.is_file() && meta.len() <= MAX_LEN);
        if let (true, Some(name)) = (short, file.file_name()) {
            fs::copy(&file, to.join(name)).map_err(|e| format!("{}: {e}", file.display()))?;
        }
    }
    Ok(())
}

/// The files in `folder`, sorted.
fn files(folder: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> =
        fs::read_dir(folder).into_iter().flatten().filter_map(|entry| Some(entry.ok()?.path())).collect();
    files.sort();
    files
}

/// Minimizes a crash with libFuzzer, whichever engine found it, saves it
/// as a named regression with its line in the regressions README, and
/// returns the result column.
pub fn save_crash(fuzzer: &Fuzzer, target: &str, crash: &Path, panic: Option<&str>) -> Result<String, String> {
    eprintln!("{target} failed: {}", panic.unwrap_or("see the output above"));
    let folder = crash.parent().unwrap_or(Path::new("."));
    let name = crash.file_name().and_then(|n| n.to_str()).unwrap_or_default();
    let minimized = folder.join(format!("minimized-from-{name}"));
    let exact = format!("-exact_artifact_path={}", minimized.display());
    let mut tmin = fuzzer.libfuzzer().command("tmin", target);
    let _ = tmin.arg(crash).args(["--", "-runs=1000", &exact]).stdout(Stdio::null()).status();
    let input = fs::read(if minimized.exists() { &minimized } else { crash }).map_err(|e| e.to_string())?;
    let file = format!("fuzz-{target}-{:016x}.bin", fnv1a(&input));
    let regressions = root().join("corpus/regressions");
    fs::write(regressions.join(&file), &input).map_err(|e| e.to_string())?;
    let what = panic.unwrap_or("a crash").replace('|', "/");
    let mut readme =
        fs::OpenOptions::new().append(true).open(regressions.join("README.md")).map_err(|e| e.to_string())?;
    let found = match fuzzer.engine {
        Engine::LibFuzzer => format!("`{target}`"),
        engine => format!("`{target}` (found by {})", engine.name()),
    };
    writeln!(readme, "| `{file}` | {found}: {what} |").map_err(|e| e.to_string())?;
    eprintln!("saved corpus/regressions/{file} ({} bytes); replay it with:", input.len());
    eprintln!("    cargo xtask replay corpus/regressions/{file}");
    Ok(format!("FAILED: corpus/regressions/{file}"))
}

/// A stable name for an input's bytes.
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |hash, &b| (hash ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3))
}

/// `corpus minimize`: merges into each target's committed corpus the
/// inputs of its working corpus that reach code the committed one does not
/// (libFuzzer's `-merge=1`); the committed files stay as they are.
pub fn minimize(targets: &[String]) -> Result<(), String> {
    let fuzzer = Fuzzer::new(false, Engine::LibFuzzer)?;
    for target in targets {
        let (committed, working) = (root().join("corpus").join(target), Engine::LibFuzzer.work(target).join("corpus"));
        if count(&working) == 0 {
            println!("{target:<13} no working corpus in {}: nothing to merge", working.display());
            continue;
        }
        let before = count(&committed);
        let status = fuzzer
            .command("run", target)
            .arg(&committed)
            .arg(&working)
            .args(["--", "-merge=1", &format!("-max_len={MAX_LEN}")])
            .status();
        if !status.is_ok_and(|status| status.success()) {
            return Err(format!("merging {target}'s working corpus failed"));
        }
        println!("{target:<13} {before:>6} files + {} new from {}", count(&committed) - before, working.display());
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
    let target = target.or_else(|| listed().map(|(t, _)| t).find(|t| name.starts_with(&format!("fuzz-{t}-"))));
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

#[cfg(test)]
mod tests {
    use super::{baselines, listed};
    use crate::engine::Engine;
    use crate::root;

    #[test]
    fn the_target_list_is_the_one_the_rest_follows() {
        let names: Vec<&str> = listed().map(|(name, _)| name).collect();
        let bodies: Vec<&str> = ws_handshake_proptests::fuzz::TARGETS.iter().map(|&(name, _)| name).collect();
        assert_eq!(names, bodies, "fuzz/targets.txt and ws_handshake_proptests::fuzz::TARGETS");
        // Each engine's manifest builds every listed target from the same
        // file of fuzz/fuzz_targets/, with the same features.
        for engine in Engine::ALL {
            let dir = engine.fuzz_dir();
            let manifest = std::fs::read_to_string(root().join(dir).join("Cargo.toml")).expect("Cargo.toml");
            for (name, features) in listed() {
                assert!(root().join(format!("fuzz/fuzz_targets/{name}.rs")).is_file(), "no fuzz_targets/{name}.rs");
                let bin = manifest.split("[[bin]]").find(|bin| bin.contains(&format!("name = \"{name}\"")));
                let bin = bin.unwrap_or_else(|| panic!("no [[bin]] {name} in {dir}/Cargo.toml"));
                let path = bin.lines().find_map(|line| line.strip_prefix("path = ")).unwrap_or_default();
                let file = root().join(dir).join(path.trim_matches('"'));
                assert_eq!(
                    file.canonicalize().ok(),
                    root().join(format!("fuzz/fuzz_targets/{name}.rs")).canonicalize().ok(),
                    "{name}: its file in {dir}/Cargo.toml"
                );
                let required = bin.lines().find_map(|line| line.strip_prefix("required-features = "));
                let listed = (!features.is_empty()).then(|| format!("{:?}", features.split(' ').collect::<Vec<_>>()));
                assert_eq!(required.map(str::to_owned), listed, "{name}: its features in {dir}/Cargo.toml");
            }
        }
        assert_eq!(baselines(), ["bare_httparse"]);
    }
}
