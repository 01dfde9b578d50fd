//! `cargo xtask coverage [--fuzz]`: line and region coverage of the core,
//! with cargo-llvm-cov and the LLVM tools that match rustc; an HTML report
//! and a summary, with the lines left uncovered.
//!
//! - Without `--fuzz`: from `cargo test --workspace` (corpus replay and
//!   properties included), into `target/coverage/`.
//! - With `--fuzz`: from the committed fuzz corpora alone (`corpus/<target>/`
//!   for every target, through the bodies the fuzzer runs; no other test),
//!   into `target/coverage-fuzz/`: what the corpora reach, which is what
//!   the fuzzers start from.

use std::process::Command;

use crate::{apt_install, ensure_cargo_tool, root, rustc_says, succeeds};

/// What the summary covers: the core's sources only.
const NOT_CORE: &str = r"(proptests|oracle|conform|xtask|fuzz|examples|tests|benches)/|\.cargo/registry";

/// The test that replays every committed fuzz corpus through its target.
const CORPUS_REPLAY: [&str; 6] =
    ["-p", "ws-handshake-proptests", "--test", "corpus", "--", "every_fuzz_corpus_file_passes_its_target"];

pub fn coverage(fuzz: bool) -> Result<(), String> {
    ensure_cargo_tool("llvm-cov", "cargo-llvm-cov")?;
    let (cov, profdata) = llvm_tools()?;
    let llvm_cov = |args: &[&str]| {
        Command::new("cargo")
            .current_dir(root())
            .env("LLVM_COV", &cov)
            .env("LLVM_PROFDATA", &profdata)
            .arg("llvm-cov")
            .args(args)
            .status()
            .map_err(|e| format!("cargo llvm-cov: {e}"))
    };
    let (tests, output): (&[&str], &str) =
        if fuzz { (&CORPUS_REPLAY, "target/coverage-fuzz") } else { (&["--workspace"], "target/coverage") };
    llvm_cov(&["clean", "--workspace"])?;
    let run = llvm_cov(&[&["--no-report"], tests].concat())?;
    if !run.success() {
        return Err("the tests failed under coverage".into());
    }
    let html = ["report", "--html", "--output-dir", output, "--ignore-filename-regex", NOT_CORE];
    llvm_cov(&html)?;
    llvm_cov(&["report", "--summary-only", "--ignore-filename-regex", NOT_CORE])?;
    let uncovered = ["report", "--show-missing-lines", "--ignore-filename-regex", NOT_CORE];
    llvm_cov(&uncovered)?;
    println!("HTML report: {output}/html/index.html");
    Ok(())
}

/// `llvm-cov` and `llvm-profdata` of the LLVM version rustc was built with:
/// `llvm-cov-N` from Debian's `llvm-N`, installed when missing and root.
fn llvm_tools() -> Result<(String, String), String> {
    let version = rustc_says("LLVM version")?;
    let major = version.split('.').next().unwrap_or_default();
    let (cov, profdata) = (format!("llvm-cov-{major}"), format!("llvm-profdata-{major}"));
    if !succeeds(Command::new(&cov).arg("--version")) {
        eprintln!("{cov} is missing: apt-get update && apt-get install -y llvm-{major}");
        apt_install(&[&format!("llvm-{major}")])?;
    }
    Ok((cov, profdata))
}
