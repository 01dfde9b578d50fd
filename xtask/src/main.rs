//! The workspace's commands, run as `cargo xtask <command>`:
//!
//! ```text
//! cargo xtask fuzz [--target T]... [--time SECS] [--smoke] [--stable] [--engine NAME]
//!                                                            the main job (NAME: libfuzzer, the default, or libafl)
//! cargo xtask engines [--target T]... [--time SECS]          every engine on the same budget, compared
//! cargo xtask corpus minimize [--target T]...                cmin each target's corpus
//! cargo xtask corpus manifest                                write corpus/manifest.json
//! cargo xtask replay FILE [--target T]                       one input through its target, on stable
//! cargo xtask fuzz-bench [--bug NAME]... [--budget SECS] [--seed N] [--stable]
//!                                                            planted bugs: seconds each target needs to find each
//! cargo xtask conform HOST:PORT [--stall SECS] [--fuzz SECS] the named cases (and mutated ones) against any server
//! cargo xtask peers [--only NAME]... [--fuzz SECS]           the cases against other libraries' servers and ours
//! cargo xtask bench                                          benchmarks, medians and ratios
//! cargo xtask coverage [--fuzz]                              line and region coverage of the core (from the fuzz corpora alone)
//! cargo xtask proof                                          the link-time proof that the core cannot panic
//! cargo xtask attack HOST:PORT (--slow N | --flood N | --mixed N | --echo C) [--time SECS] [--pid PID]
//!                                                            a bounded attack on a server on this machine
//! ```

mod attack;
mod bench;
mod compare;
mod conform;
mod coverage;
mod engine;
mod fuzz;
mod fuzz_bench;
mod peers;
mod planted_bugs;
mod proof;

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};

const USAGE: &str = "usage:
  cargo xtask fuzz [--target T]... [--time SECS] [--smoke] [--stable] [--engine libfuzzer|libafl]
  cargo xtask engines [--target T]... [--time SECS]
  cargo xtask corpus minimize [--target T]...
  cargo xtask corpus manifest
  cargo xtask replay FILE [--target T]
  cargo xtask fuzz-bench [--bug NAME]... [--budget SECS] [--seed N] [--stable]
  cargo xtask conform HOST:PORT [--stall SECS] [--fuzz SECS]
  cargo xtask peers [--only NAME]... [--fuzz SECS]
  cargo xtask bench
  cargo xtask coverage [--fuzz]
  cargo xtask proof
  cargo xtask attack HOST:PORT (--slow N | --flood N | --mixed N | --echo C) [--time SECS] [--pid PID]";

/// The workspace root: the parent of this crate's folder.
fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap_or(Path::new(".")).to_path_buf()
}

/// Whether `command` runs and succeeds; its output is dropped.
fn succeeds(command: &mut Command) -> bool {
    command.stdout(Stdio::null()).stderr(Stdio::null()).status().is_ok_and(|status| status.success())
}

/// Installs the cargo subcommand `subcommand` from crates.io package
/// `package` when `cargo <subcommand> --version` does not answer.
fn ensure_cargo_tool(subcommand: &str, package: &str) -> Result<(), String> {
    if succeeds(Command::new("cargo").args([subcommand, "--version"])) {
        return Ok(());
    }
    eprintln!("{package} is missing: cargo install {package} --locked");
    let installed = Command::new("cargo").args(["install", package, "--locked"]).status();
    if installed.is_ok_and(|status| status.success()) { Ok(()) } else { Err(format!("could not install {package}")) }
}

/// What `rustc -vV` says after `field: ` (`host`, `LLVM version`).
fn rustc_says(field: &str) -> Result<String, String> {
    let output = Command::new("rustc").arg("-vV").output().map_err(|e| format!("rustc -vV: {e}"))?;
    let text = String::from_utf8_lossy(&output.stdout);
    let prefix = format!("{field}: ");
    let value = text.lines().find_map(|line| line.strip_prefix(prefix.as_str()));
    value.map(str::to_owned).ok_or(format!("rustc -vV names no {field}"))
}

/// Installs Debian's `packages` with apt-get (which needs root), or says
/// why it could not.
fn apt_install(packages: &[&str]) -> Result<(), String> {
    // A fresh machine's package lists are empty: without the update,
    // apt-get cannot find the packages.
    let installed = succeeds(Command::new("apt-get").arg("update"))
        && succeeds(Command::new("apt-get").args(["install", "-y"]).args(packages));
    match installed {
        true => Ok(()),
        false => Err(format!("could not install {}; install them and run again", packages.join(" "))),
    }
}

/// The command line after the command word: flags with values, and the
/// other words in order.
struct Args {
    words: Vec<String>,
    flags: Vec<(String, Option<String>)>,
}

impl Args {
    fn parse(args: impl Iterator<Item = String>, with_value: &[&str]) -> Result<Args, String> {
        let (mut words, mut flags) = (Vec::new(), Vec::new());
        let mut args = args.peekable();
        while let Some(arg) = args.next() {
            if !arg.starts_with("--") {
                words.push(arg);
            } else if with_value.contains(&arg.as_str()) {
                let value = args.next().ok_or(format!("{arg} needs a value"))?;
                flags.push((arg, Some(value)));
            } else {
                flags.push((arg, None));
            }
        }
        Ok(Args { words, flags })
    }

    fn values(&self, flag: &str) -> Vec<String> {
        self.flags.iter().filter(|(f, _)| f == flag).filter_map(|(_, value)| value.clone()).collect()
    }

    fn has(&self, flag: &str) -> bool {
        self.flags.iter().any(|(f, _)| f == flag)
    }

    fn number(&self, flag: &str, default: u64) -> Result<u64, String> {
        match self.values(flag).last() {
            Some(value) => value.parse().map_err(|e| format!("{flag} {value}: {e}")),
            None => Ok(default),
        }
    }

    /// Fails on a flag not in `known`.
    fn only(&self, known: &[&str]) -> Result<(), String> {
        match self.flags.iter().find(|(flag, _)| !known.contains(&flag.as_str())) {
            Some((flag, _)) => Err(format!("unknown flag {flag}")),
            None => Ok(()),
        }
    }
}

/// `--fuzz SECS`, if given.
fn fuzz_secs(args: &Args) -> Result<Option<u64>, String> {
    if args.has("--fuzz") { args.number("--fuzz", 0).map(Some) } else { Ok(None) }
}

fn run() -> Result<(), String> {
    let mut argv = std::env::args().skip(1);
    let command = argv.next().unwrap_or_default();
    let mut with_value = vec![
        "--target", "--time", "--stall", "--slow", "--flood", "--mixed", "--echo", "--pid", "--only", "--fuzz",
        "--bug", "--budget", "--seed", "--engine",
    ];
    // `coverage --fuzz` is a switch; `conform` and `peers` take `--fuzz SECS`.
    if command == "coverage" {
        with_value.retain(|&flag| flag != "--fuzz");
    }
    let args = Args::parse(argv, &with_value)?;
    match command.as_str() {
        "fuzz" => {
            args.only(&["--target", "--time", "--smoke", "--stable", "--engine"])?;
            let smoke = args.has("--smoke");
            let time = args.number("--time", if smoke { fuzz::SMOKE_SECS } else { 60 })?;
            let engine = match args.values("--engine").last() {
                Some(name) => engine::Engine::parse(name)?,
                None => engine::Engine::LibFuzzer,
            };
            fuzz::fuzz(&fuzz::targets(&args.values("--target"))?, time, args.has("--stable"), engine)
        }
        "engines" => {
            args.only(&["--target", "--time"])?;
            compare::engines(&fuzz::targets(&args.values("--target"))?, args.number("--time", 300)?)
        }
        "fuzz-bench" => {
            args.only(&["--bug", "--budget", "--seed", "--stable"])?;
            let (budget, seed) = (args.number("--budget", 60)?, args.number("--seed", 1)?);
            fuzz_bench::fuzz_bench(&args.values("--bug"), budget, seed, args.has("--stable"))
        }
        "corpus" if args.words.first().map(String::as_str) == Some("manifest") => {
            args.only(&[])?;
            let text = ws_handshake_proptests::manifest::generate(&root())?;
            let path = root().join(ws_handshake_proptests::manifest::PATH);
            std::fs::write(&path, text).map_err(|e| format!("{}: {e}", path.display()))?;
            println!("wrote {}", path.display());
            Ok(())
        }
        "corpus" if args.words.first().map(String::as_str) == Some("minimize") => {
            args.only(&["--target"])?;
            fuzz::minimize(&fuzz::targets(&args.values("--target"))?)
        }
        "replay" => {
            args.only(&["--target"])?;
            let file = args.words.first().ok_or("replay needs a FILE")?;
            fuzz::replay(Path::new(file), args.values("--target").first().map(String::as_str))
        }
        "conform" => {
            args.only(&["--stall", "--fuzz"])?;
            let address = args.words.first().ok_or("conform needs HOST:PORT")?;
            conform::conform(address, args.number("--stall", 15)?, fuzz_secs(&args)?)
        }
        "peers" => {
            args.only(&["--only", "--fuzz"])?;
            peers::peers(&args.values("--only"), fuzz_secs(&args)?)
        }
        "attack" => {
            args.only(&["--slow", "--flood", "--mixed", "--echo", "--time", "--pid"])?;
            let address = args.words.first().ok_or("attack needs HOST:PORT")?;
            let chosen: Vec<attack::Mode> =
                attack::Mode::ALL.into_iter().filter(|mode| args.has(mode.flag())).collect();
            let [mode] = chosen[..] else {
                return Err("attack needs exactly one of --slow N, --flood N, --mixed N, --echo C".to_owned());
            };
            let pid = args.values("--pid").last().map(|pid| pid.parse().map_err(|e| format!("--pid {pid}: {e}")));
            let plan = attack::Plan {
                mode,
                n: args.number(mode.flag(), 0)?,
                secs: args.number("--time", mode.default_secs())?,
                pid: pid.transpose()?,
            };
            attack::attack(address, &plan)
        }
        "bench" => {
            args.only(&[])?;
            bench::bench()
        }
        "coverage" => {
            args.only(&["--fuzz"])?;
            coverage::coverage(args.has("--fuzz"))
        }
        "proof" => {
            args.only(&[])?;
            proof::proof()
        }
        _ => Err(USAGE.to_owned()),
    }
}

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("{message}");
            ExitCode::FAILURE
        }
    }
}
