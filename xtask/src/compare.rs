//! `cargo xtask engines`: every engine on the same targets, the same
//! seeds and the same budget, one after another, then one yardstick for
//! all: each engine's corpus replayed through the libFuzzer build.
//!
//! Each engine starts from an empty working corpus of its own in
//! `target/engines/<engine>/<target>/`, with the committed corpus and the
//! named cases as seeds, as `cargo xtask fuzz` runs it. Then, per target:
//!
//! - `cov` and `ft`: what libFuzzer counts when it replays the seeds alone,
//!   and the seeds with each engine's working corpus (`-runs=0`);
//! - `only`: the features, and the coverage edges among them, that merging
//!   the engine's corpus adds to the other engine's (`-merge=1` into an
//!   empty folder, the other's first): what this engine reached and the
//!   other did not;
//! - the functions whose covered edges differ between the two replays
//!   (`-print_coverage=1`), which name where those features are.
//!
//! A crash is saved as a regression, as `cargo xtask fuzz` saves it.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Stdio;

use crate::engine::Engine;
use crate::fuzz::{Fuzzer, run_target, save_crash};
use crate::root;

/// One engine's run on one target and what the yardstick read from it.
struct Run {
    engine: Engine,
    execs: u64,
    execs_per_sec: u64,
    own: u64,
    files: usize,
    coverage: u64,
    features: u64,
    only: (u64, u64),
    result: String,
}

/// Runs every engine on every target for `seconds` each, then compares.
pub fn engines(targets: &[String], seconds: u64) -> Result<(), String> {
    let fuzzers = Engine::ALL.map(|engine| Fuzzer::new(false, engine));
    let fuzzers: Vec<Fuzzer> = fuzzers.into_iter().collect::<Result<_, _>>()?;
    for fuzzer in &fuzzers {
        fuzzer.build(targets)?;
    }
    let mut table = Vec::new();
    for target in targets {
        let seeds = seeds(target);
        let yardstick = fuzzers[0].libfuzzer();
        // An empty folder first: libFuzzer's first folder is the one it may
        // write to.
        let empty = root().join("target/engines/empty");
        let _ = fs::remove_dir_all(&empty);
        fs::create_dir_all(&empty).map_err(|e| format!("{}: {e}", empty.display()))?;
        let start = replay(&yardstick, target, &[[empty].as_slice(), &seeds].concat())?;
        let mut runs = Vec::new();
        for fuzzer in &fuzzers {
            let work = root().join("target/engines").join(fuzzer.engine().name()).join(target);
            let _ = fs::remove_dir_all(&work);
            let stats = run_target(fuzzer, target, seconds, &work)?;
            let result = match &stats.crash {
                Some(crash) => save_crash(fuzzer, target, crash, None)?,
                None => "ok".to_owned(),
            };
            let corpus = work.join("corpus");
            let all: Vec<PathBuf> = [corpus.clone()].into_iter().chain(seeds.iter().cloned()).collect();
            let reached = replay(&yardstick, target, &all)?;
            runs.push((
                corpus,
                Run {
                    engine: fuzzer.engine(),
                    execs: stats.execs,
                    execs_per_sec: stats.execs_per_sec,
                    own: stats.coverage,
                    files: fs::read_dir(work.join("corpus")).map(|entries| entries.count()).unwrap_or(0),
                    coverage: reached.0,
                    features: reached.1,
                    only: (0, 0),
                    result,
                },
            ));
        }
        for i in 0..runs.len() {
            let others: Vec<PathBuf> =
                runs.iter().enumerate().filter(|(j, _)| *j != i).map(|(_, (c, _))| c.clone()).collect();
            let first: Vec<PathBuf> = others.into_iter().chain(seeds.iter().cloned()).collect();
            runs[i].1.only = merge_gain(&yardstick, target, &first, &runs[i].0)?;
        }
        functions(&yardstick, target, &seeds, &runs)?;
        table.push((target, start, runs.into_iter().map(|(_, run)| run).collect::<Vec<_>>()));
    }
    println!(
        "\nsame seeds, {seconds} s each; cov and ft from the libFuzzer build's replay of the seeds and the engine's corpus"
    );
    println!(
        "{:<13} {:<10} {:>10} {:>7} {:>6} {:>6} {:>6} {:>6} {:>14}  result",
        "target", "engine", "execs", "exec/s", "own", "files", "cov", "ft", "only ft (cov)"
    );
    for (target, start, runs) in &table {
        println!("{target:<13} {:<10} {:>10} {:>7} {:>6} {:>6} {:>6} {:>6}", "seeds", "", "", "", "", start.0, start.1);
        for run in runs {
            println!(
                "{target:<13} {:<10} {:>10} {:>7} {:>6} {:>6} {:>6} {:>6} {:>14}  {}",
                run.engine.name(),
                run.execs,
                run.execs_per_sec,
                run.own,
                run.files,
                run.coverage,
                run.features,
                format!("{} ({})", run.only.0, run.only.1),
                run.result
            );
        }
    }
    Ok(())
}

/// The seeds every engine starts from: the committed corpus and the named
/// cases.
fn seeds(target: &str) -> Vec<PathBuf> {
    vec![root().join("corpus").join(target), root().join("corpus/cases")]
}

/// libFuzzer's `cov:` and `ft:` after it has run every input of `folders`
/// once (`-runs=0`).
fn replay(yardstick: &Fuzzer, target: &str, folders: &[PathBuf]) -> Result<(u64, u64), String> {
    let (coverage, features, _) = replay_output(yardstick, target, folders, false)?;
    Ok((coverage, features))
}

/// [`replay`], with its output, and with `functions` its
/// `-print_coverage=1` report. No `-max_len`: libFuzzer takes the longest
/// input's length, up to 1 MiB.
fn replay_output(
    yardstick: &Fuzzer,
    target: &str,
    folders: &[PathBuf],
    functions: bool,
) -> Result<(u64, u64, String), String> {
    let mut command = yardstick.command("run", target);
    command.args(folders).args(["--", "-runs=0"]);
    if functions {
        command.arg("-print_coverage=1");
    }
    let output = command.stdout(Stdio::piped()).stderr(Stdio::piped()).output().map_err(|e| e.to_string())?;
    let text = String::from_utf8_lossy(&output.stderr).into_owned() + &String::from_utf8_lossy(&output.stdout);
    if !output.status.success() {
        return Err(format!("replaying {target} failed:\n{}", tail(&text)));
    }
    let last = |key: &str| text.lines().rev().find_map(|line| after(line, key)).unwrap_or(0);
    Ok((last("cov:"), last("ft:"), text))
}

/// What merging `gain` into a folder that first took `first` adds: libFuzzer's
/// "N new files with F new features added; E new coverage edges".
fn merge_gain(yardstick: &Fuzzer, target: &str, first: &[PathBuf], gain: &Path) -> Result<(u64, u64), String> {
    let merged = root().join("target/engines/merged").join(target);
    let _ = fs::remove_dir_all(&merged);
    fs::create_dir_all(&merged).map_err(|e| format!("{}: {e}", merged.display()))?;
    let mut outer = (0, 0);
    for sources in [first, &[gain.to_path_buf()]] {
        let mut command = yardstick.command("run", target);
        command.arg(&merged).args(sources).args(["--", "-merge=1"]);
        let output = command.stdout(Stdio::null()).stderr(Stdio::piped()).output().map_err(|e| e.to_string())?;
        let text = String::from_utf8_lossy(&output.stderr);
        if !output.status.success() {
            return Err(format!("merging for {target} failed:\n{}", tail(&text)));
        }
        let line = text.lines().find(|line| line.contains("MERGE-OUTER:") && line.contains("new features"));
        outer = line.map_or((0, 0), |line| (after(line, "with").unwrap_or(0), after(line, "added;").unwrap_or(0)));
    }
    Ok(outer)
}

/// Prints the functions whose covered edges differ between the engines'
/// replays: `COVERED_FUNC: hits: H edges: E/T name file:line`.
fn functions(yardstick: &Fuzzer, target: &str, seeds: &[PathBuf], runs: &[(PathBuf, Run)]) -> Result<(), String> {
    let mut edges: BTreeMap<String, Vec<u64>> = BTreeMap::new();
    for (i, (corpus, _)) in runs.iter().enumerate() {
        let all: Vec<PathBuf> = [corpus.clone()].into_iter().chain(seeds.iter().cloned()).collect();
        let (_, _, text) = replay_output(yardstick, target, &all, true)?;
        for line in text.lines().filter(|line| line.contains("COVERED_FUNC:")) {
            let Some((_, rest)) = line.split_once("edges: ") else { continue };
            let (count, function) = rest.split_once(' ').unwrap_or((rest, ""));
            let covered = count.split('/').next().and_then(|n| n.parse().ok()).unwrap_or(0);
            let entry = edges.entry(function.trim().to_owned()).or_insert_with(|| vec![0; runs.len()]);
            if let Some(slot) = entry.get_mut(i) {
                *slot = covered;
            }
        }
    }
    let names: Vec<&str> = runs.iter().map(|(_, run)| run.engine.name()).collect();
    println!("\n{target}: functions whose covered edges differ ({})", names.join(" / "));
    for (function, counts) in edges.iter().filter(|(_, counts)| counts.iter().any(|&n| n != counts[0])) {
        let shown: Vec<String> = counts.iter().map(u64::to_string).collect();
        println!("  {:>11}  {function}", shown.join(" / "));
    }
    Ok(())
}

/// The number after the first `key` in `line`.
fn after(line: &str, key: &str) -> Option<u64> {
    let rest = &line[line.find(key)? + key.len()..];
    rest.trim_start().split(|c: char| !c.is_ascii_digit()).next()?.parse().ok()
}

/// The last lines of a tool's output, for an error message.
fn tail(text: &str) -> String {
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(30)..].join("\n")
}
