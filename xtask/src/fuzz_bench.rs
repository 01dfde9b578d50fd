//! `cargo xtask fuzz-bench`: how fast the fuzz targets and the property
//! tests find bugs. Each bug of [`crate::planted_bugs`] is planted, one at a
//! time, in a scratch copy of the workspace (`target/fuzz-bench/tree/`, the
//! tracked files but the corpora); every listed fuzz target and the
//! properties then run against it at once, for a fixed budget each, and the
//! seconds each took to report a failure are recorded.
//!
//! The fuzz targets start, as the main job does, from the committed corpus
//! and the named cases (read only) and the dictionary, with a fresh working
//! corpus under `target/fuzz-bench/runs/`; the properties run as `cargo
//! test --release --test properties` in the scratch copy. Every run shares
//! the machine's cores with the others: the seconds are an upper bound.
//! The table goes to the terminal and to `target/fuzz-bench/results.md`.

use std::fs;
use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

use crate::engine::Engine;
use crate::fuzz::{Fuzzer, MAX_LEN, listed};
use crate::planted_bugs::{BUGS, Bug};
use crate::{root, rustc_says};

/// The column of the property tests.
const PROPERTIES: &str = "properties";
/// How long past its budget a run may take to stop before it is killed.
const GRACE: Duration = Duration::from_secs(20);

/// Where the scratch copy, the runs and the results go.
fn bench_dir() -> PathBuf {
    root().join("target/fuzz-bench")
}

/// Plants each bug named in `only` (every bug when empty), runs every
/// target and the properties against it for `budget` seconds each, prints
/// the table, and fails when a bug went undetected.
pub fn fuzz_bench(only: &[String], budget: u64, seed: u64, stable: bool) -> Result<(), String> {
    let bugs = chosen(only)?;
    let fuzzer = Fuzzer::new(stable, Engine::LibFuzzer)?;
    let tree = bench_dir().join("tree");
    // Where cargo-fuzz puts the scratch copy's target binaries.
    let binaries = tree.join("fuzz/target").join(rustc_says("host")?).join("release");
    let columns: Vec<&str> = listed().map(|(name, _)| name).chain([PROPERTIES]).collect();
    let budget = Duration::from_secs(budget);
    let mut rows = Vec::new();
    for (i, bug) in bugs.iter().enumerate() {
        eprintln!("[{}/{}] {} (rule {}): {}", i + 1, bugs.len(), bug.name, bug.rule, bug.what);
        sync_tree(&tree)?;
        plant(&tree, bug)?;
        build(&fuzzer, &tree)?;
        let found = run_all(&tree, &binaries, bug, &columns, budget, seed)?;
        eprintln!("    {}", shown(&columns, &found, budget));
        if let Some((column, _)) = first(&found, budget) {
            eprintln!("    first report: {}", found.get(column).map_or("", |f| f.what.as_str()));
        }
        rows.push((*bug, found));
    }
    sync_tree(&tree)?;
    let table = table(&columns, &rows, budget);
    println!("\n{table}");
    let results = bench_dir().join("results.md");
    fs::write(&results, &table).map_err(|e| format!("{}: {e}", results.display()))?;
    println!("written to {}", results.display());
    let missed: Vec<&str> =
        rows.iter().filter(|(_, found)| first(found, budget).is_none()).map(|(b, _)| b.name).collect();
    match missed.as_slice() {
        [] => Ok(()),
        names => Err(format!("not detected within {} s: {}", budget.as_secs(), names.join(", "))),
    }
}

/// The bugs named, in the table's order; all of them when none is.
fn chosen(only: &[String]) -> Result<Vec<&'static Bug>, String> {
    if let Some(unknown) = only.iter().find(|name| !BUGS.iter().any(|bug| bug.name == name.as_str())) {
        let names: Vec<&str> = BUGS.iter().map(|bug| bug.name).collect();
        return Err(format!("no bug {unknown}: {}", names.join(", ")));
    }
    Ok(BUGS.iter().filter(|bug| only.is_empty() || only.iter().any(|name| name == bug.name)).collect())
}

/// Makes `tree` a copy of the workspace's tracked files (the corpora
/// excepted): only files whose bytes differ are written, so that the
/// builds in it stay incremental.
fn sync_tree(tree: &Path) -> Result<(), String> {
    let listed = Command::new("git").current_dir(root()).args(["ls-files", "-z"]).output();
    let listed = listed.map_err(|e| format!("git ls-files: {e}"))?;
    for file in listed.stdout.split(|&b| b == 0).filter(|f| !f.is_empty() && !f.starts_with(b"corpus/")) {
        let file = String::from_utf8_lossy(file);
        let (from, to) = (root().join(&*file), tree.join(&*file));
        let Ok(bytes) = fs::read(&from) else { continue };
        if fs::read(&to).ok().as_ref() != Some(&bytes) {
            fs::create_dir_all(to.parent().unwrap_or(tree)).map_err(|e| format!("{}: {e}", to.display()))?;
            fs::write(&to, bytes).map_err(|e| format!("{}: {e}", to.display()))?;
        }
    }
    Ok(())
}

/// Applies `bug`'s edits to the copy in `tree`.
fn plant(tree: &Path, bug: &Bug) -> Result<(), String> {
    for edit in bug.edits {
        let path = tree.join(edit.file);
        let text = fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        if text.matches(edit.find).count() != 1 {
            return Err(format!("{}: {:?} is not in {} exactly once", bug.name, edit.find, edit.file));
        }
        fs::write(&path, text.replacen(edit.find, edit.replace, 1)).map_err(|e| format!("{}: {e}", path.display()))?;
    }
    Ok(())
}

/// Builds every fuzz target (with the features any of them needs) and the
/// property tests in `tree`, both at once.
fn build(fuzzer: &Fuzzer, tree: &Path) -> Result<(), String> {
    let features = listed().flat_map(|(_, features)| features.split_whitespace()).collect::<Vec<_>>().join(",");
    let mut fuzz = fuzzer.cargo(tree, "build");
    fuzz.env("CARGO_PROFILE_RELEASE_INCREMENTAL", "true");
    if !features.is_empty() {
        fuzz.args(["--features", &features]);
    }
    let mut properties = properties(tree);
    properties.arg("--no-run");
    let mut builds = Vec::new();
    for (what, mut command) in [("the fuzz targets", fuzz), ("the properties", properties)] {
        let child = command.stdout(Stdio::null()).stderr(Stdio::piped());
        builds.push((what, child.spawn().map_err(|e| format!("building {what}: {e}"))?));
    }
    for (what, child) in builds {
        let out = child.wait_with_output().map_err(|e| e.to_string())?;
        if !out.status.success() {
            let log = String::from_utf8_lossy(&out.stderr);
            let errors: Vec<&str> = log.lines().filter(|line| line.starts_with("error")).take(5).collect();
            return Err(format!("{what} do not build with the bug planted:\n{}", errors.join("\n")));
        }
    }
    Ok(())
}

/// `cargo test --release` of the properties in `tree`, built incrementally:
/// a planted bug changes one file of the core.
fn properties(tree: &Path) -> Command {
    let mut command = Command::new("cargo");
    command.current_dir(tree).env("CARGO_PROFILE_RELEASE_INCREMENTAL", "true");
    command.args(["test", "--release", "-p", "ws-handshake-proptests", "--test", "properties"]);
    command
}

/// What one run showed: when it reported a failure (from its start), and
/// the first line that said what failed.
#[derive(Clone, Default)]
struct Found {
    after: Option<Duration>,
    what: String,
}

/// Starts every column's run against the planted bug, at once (the
/// properties in `tree`, the fuzz targets from `binaries`), and waits for
/// each to fail or to spend its budget.
fn run_all(
    tree: &Path,
    binaries: &Path,
    bug: &Bug,
    columns: &[&str],
    budget: Duration,
    seed: u64,
) -> Result<Vec<Found>, String> {
    let runs = bench_dir().join("runs").join(bug.name);
    let _ = fs::remove_dir_all(&runs);
    let (sender, receiver) = mpsc::channel();
    let mut children = Vec::new();
    for (column, &name) in columns.iter().enumerate() {
        let mut command = if name == PROPERTIES {
            properties(tree)
        } else {
            fuzz_command(&binaries.join(name), name, &runs.join(name), budget, seed)?
        };
        let log = runs.join(format!("{name}.log"));
        // A group of its own, so that stopping the properties' cargo stops
        // the test binary it runs as well.
        #[cfg(unix)]
        std::os::unix::process::CommandExt::process_group(&mut command, 0);
        let mut child = command
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| format!("{name}: {e}"))?;
        let started = Instant::now();
        let outputs: [Box<dyn Read + Send>; 2] =
            [Box::new(child.stdout.take().ok_or("no stdout")?), Box::new(child.stderr.take().ok_or("no stderr")?)];
        let log = fs::File::create(&log).map_err(|e| format!("{}: {e}", log.display()))?;
        for output in outputs {
            let (sender, log) = (sender.clone(), log.try_clone().map_err(|e| e.to_string())?);
            thread::spawn(move || watch(output, log, started, column, &sender));
        }
        children.push((child, started));
    }
    drop(sender);
    let mut found = vec![Found::default(); columns.len()];
    let stop = Instant::now() + budget + GRACE;
    while children.iter_mut().any(|(child, _)| child.try_wait().ok().flatten().is_none()) && Instant::now() < stop {
        thread::sleep(Duration::from_millis(50));
        take_reports(receiver.try_iter(), &mut found);
    }
    for (child, _) in &mut children {
        stop_child(child);
    }
    // Every watcher ends with its run's output, and a panic's report may
    // come with its last line: wait for them all.
    take_reports(receiver.iter(), &mut found);
    for ((child, started), (found, name)) in children.iter_mut().zip(found.iter_mut().zip(columns)) {
        let status = child.wait().map_err(|e| e.to_string())?;
        if found.after.is_none() && !status.success() && started.elapsed() < budget {
            return Err(format!("{name} failed without a report: see {}", runs.join(format!("{name}.log")).display()));
        }
    }
    Ok(found)
}

/// The fuzz target `target`'s `binary`, run for `budget` from the committed
/// corpus and the named cases, its working corpus and crashes in `work`.
fn fuzz_command(binary: &Path, target: &str, work: &Path, budget: Duration, seed: u64) -> Result<Command, String> {
    let corpus = work.join("corpus");
    fs::create_dir_all(&corpus).map_err(|e| format!("{}: {e}", corpus.display()))?;
    let mut command = Command::new(binary);
    command.arg(&corpus).arg(root().join("corpus").join(target)).arg(root().join("corpus/cases"));
    command.arg(format!("-max_total_time={}", budget.as_secs())).arg(format!("-max_len={MAX_LEN}")).arg("-timeout=10");
    command.arg(format!("-seed={seed}")).arg(format!("-dict={}", root().join("fuzz/handshake.dict").display()));
    command.arg(format!("-artifact_prefix={}/", work.display()));
    Ok(command)
}

/// A line in a run's output that reports a failure: a fuzz target's panic,
/// crash or time-out, or a failed property.
fn reports_failure(line: &str) -> bool {
    line.contains("panicked at")
        || line.starts_with("==") && line.contains("ERROR")
        || line.contains("ERROR: libFuzzer")
        || line.starts_with("test ") && line.ends_with("FAILED")
}

/// Copies a run's output into its log and reports, once, the first line
/// that reports a failure, with the time since the run started; for a
/// panic, the line after it, which holds its message.
fn watch(output: impl Read, mut log: fs::File, started: Instant, column: usize, sender: &mpsc::Sender<(usize, Found)>) {
    let send = |found: Found| drop(sender.send((column, found)));
    // A panic's report, until the line with its message arrives.
    let mut panic: Option<Found> = None;
    let mut reported = false;
    for line in BufReader::new(output).lines().map_while(Result::ok) {
        let _ = writeln!(log, "{line}");
        if let Some(found) = panic.take() {
            send(Found { what: line.trim().to_owned(), ..found });
        } else if !reported && reports_failure(&line) {
            reported = true;
            let found = Found { after: Some(started.elapsed()), what: line.trim().to_owned() };
            match line.contains("panicked at") {
                true => panic = Some(found),
                false => send(found),
            }
        }
    }
    if let Some(found) = panic {
        send(found);
    }
}

/// Takes in `reports`: the earliest per column.
fn take_reports(reports: impl Iterator<Item = (usize, Found)>, found: &mut [Found]) {
    for (column, report) in reports {
        if let Some(slot) = found.get_mut(column) {
            if slot.after.is_none() || report.after < slot.after {
                *slot = report;
            }
        }
    }
}

/// Kills a run still going, with its process group: the properties' test
/// binary is cargo's child, and outlives a cargo killed alone.
fn stop_child(child: &mut Child) {
    if child.try_wait().ok().flatten().is_none() {
        #[cfg(unix)]
        let _ = Command::new("kill").args(["-KILL", "--", &format!("-{}", child.id())]).status();
        let _ = child.kill();
    }
}

/// The earliest report within the budget: its column and time.
fn first(found: &[Found], budget: Duration) -> Option<(usize, Duration)> {
    found
        .iter()
        .enumerate()
        .filter_map(|(i, f)| Some((i, f.after?)))
        .filter(|&(_, t)| t <= budget)
        .min_by_key(|&(_, t)| t)
}

fn seconds(after: Option<Duration>, budget: Duration) -> String {
    match after {
        Some(after) if after <= budget => format!("{:.1}", after.as_secs_f64()),
        _ => "-".to_owned(),
    }
}

/// One bug's line on the terminal.
fn shown(columns: &[&str], found: &[Found], budget: Duration) -> String {
    let cells: Vec<String> =
        columns.iter().zip(found).map(|(name, f)| format!("{name} {}", seconds(f.after, budget))).collect();
    cells.join("  ")
}

/// The markdown table: a row per bug, the seconds per column, the first
/// to detect it, and the median of the first detections.
fn table(columns: &[&str], rows: &[(&Bug, Vec<Found>)], budget: Duration) -> String {
    let mut out = format!("| bug | rule | first to detect | seconds | {} |\n", columns.join(" | "));
    out += &format!("|---|---|---|---:|{}\n", "---:|".repeat(columns.len()));
    let mut firsts = Vec::new();
    for (bug, found) in rows {
        let (by, after) = match first(found, budget) {
            Some((column, after)) => {
                firsts.push(after);
                (columns.get(column).copied().unwrap_or_default(), seconds(Some(after), budget))
            }
            None => ("not detected", "-".to_owned()),
        };
        let cells: Vec<String> = found.iter().map(|f| seconds(f.after, budget)).collect();
        out += &format!("| {}: {} | {} | {by} | {after} | {} |\n", bug.name, bug.what, bug.rule, cells.join(" | "));
    }
    firsts.sort();
    let median = firsts.get(firsts.len() / 2).map_or("-".to_owned(), |m| format!("{:.1}", m.as_secs_f64()));
    out += &format!(
        "\n{} of {} bugs detected within {} s; median seconds to the first detection: {median}.\n",
        firsts.len(),
        rows.len(),
        budget.as_secs()
    );
    out
}

#[cfg(test)]
mod tests {
    use super::reports_failure;

    #[test]
    fn failures_are_told_from_progress() {
        let failures = [
            "thread '<unnamed>' (12718) panicked at proptests/src/fuzz.rs:183:9:",
            "==12718== ERROR: libFuzzer: deadly signal",
            "==4242==ERROR: AddressSanitizer: heap-buffer-overflow on address 0x602000000011",
            "==1== ERROR: libFuzzer: timeout after 10 seconds",
            "test fully_flushed ... FAILED",
        ];
        let progress = [
            "#524288\tpulse  cov: 1530 ft: 4011 corp: 783/61Kb exec/s: 17476 rss: 412Mb",
            "INFO: Running with entropic power schedule (0xFF, 100).",
            "test fully_flushed ... ok",
            "Done 2319512 runs in 31 second(s)",
        ];
        assert!(failures.iter().all(|line| reports_failure(line)));
        assert!(!progress.iter().any(|line| reports_failure(line)));
    }
}
