//! The fuzzing engines `cargo xtask fuzz --engine NAME` runs the targets
//! under: the same harness files (`fuzz/fuzz_targets/`), the same seeds,
//! dictionary and crash handling, a working corpus of each engine's own.
//!
//! - `libfuzzer`, the default: libFuzzer through cargo-fuzz and
//!   `fuzz/Cargo.toml`, built into the usual target folder.
//! - `libafl`: LibAFL's libFuzzer replacement, `libafl_libfuzzer`, through
//!   `fuzz/libafl/Cargo.toml`, which renames it `libfuzzer-sys` so that the
//!   targets' `libfuzzer_sys::fuzz_target!` links LibAFL's runtime instead.
//!   Its build script compiles that runtime with nightly and generates
//!   bindings with libclang, which needs clang's sanitizer headers; it is
//!   built into `target/fuzz-libafl/`, so that the two engines' binaries,
//!   which have the same names, do not replace each other.

use std::path::PathBuf;
use std::process::Command;

use crate::{apt_install, root, rustc_says, succeeds};

/// A fuzzing engine the targets can be linked with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Engine {
    /// libFuzzer, as cargo-fuzz links it.
    LibFuzzer,
    /// LibAFL's libFuzzer replacement.
    LibAfl,
}

impl Engine {
    /// Every engine, the default first.
    pub const ALL: [Engine; 2] = [Engine::LibFuzzer, Engine::LibAfl];

    /// The engine `--engine NAME` names.
    pub fn parse(name: &str) -> Result<Engine, String> {
        Engine::ALL
            .into_iter()
            .find(|engine| engine.name() == name)
            .ok_or(format!("no engine {name}: {}", Engine::ALL.map(Engine::name).join(", ")))
    }

    /// Its name on the command line and in folder names.
    pub fn name(self) -> &'static str {
        match self {
            Engine::LibFuzzer => "libfuzzer",
            Engine::LibAfl => "libafl",
        }
    }

    /// Its cargo-fuzz project.
    pub fn fuzz_dir(self) -> &'static str {
        match self {
            Engine::LibFuzzer => "fuzz",
            Engine::LibAfl => "fuzz/libafl",
        }
    }

    /// The `--target-dir` its targets are built into, when not cargo's own.
    pub fn target_dir(self) -> Option<PathBuf> {
        match self {
            Engine::LibFuzzer => None,
            Engine::LibAfl => Some(root().join("target/fuzz-libafl")),
        }
    }

    /// Where `target`'s working corpus and crashes go: libFuzzer's where
    /// they always were, another engine's in a folder of its own.
    pub fn work(self, target: &str) -> PathBuf {
        match self {
            Engine::LibFuzzer => root().join("target/fuzz-work").join(target),
            Engine::LibAfl => root().join("target/fuzz-work").join(self.name()).join(target),
        }
    }

    /// What this engine needs that the machine may lack, for the message
    /// of a failed build.
    pub fn needs(self) -> &'static str {
        match self {
            Engine::LibFuzzer => "cargo-fuzz",
            Engine::LibAfl => {
                "nightly Rust, a C++ compiler, libclang and clang's sanitizer headers \
                 (on Debian: apt-get install g++ libclang1-14 libclang-common-14-dev)"
            }
        }
    }

    /// Installs the system packages the engine's build needs when they are
    /// missing (Debian's, through apt-get, which needs root), as `cargo
    /// xtask coverage` installs LLVM's tools.
    pub fn install_packages(self) -> Result<(), String> {
        let packages: &[&str] = match self {
            Engine::LibFuzzer => return Ok(()),
            Engine::LibAfl => &["g++", "libclang1-14", "libclang-common-14-dev"],
        };
        if succeeds(Command::new("dpkg").arg("-s").args(packages)) {
            return Ok(());
        }
        eprintln!("the {} engine needs {}: apt-get install -y {}", self.name(), self.needs(), packages.join(" "));
        apt_install(packages)
    }

    /// LibAFL's binary for `target`, to be run directly: it has no
    /// `-max_total_time`, so the run is ended by a signal, which must reach
    /// the fuzzer and not cargo-fuzz. `None` for libFuzzer.
    pub fn binary(self, target: &str) -> Result<Option<PathBuf>, String> {
        let Some(dir) = self.target_dir() else { return Ok(None) };
        Ok(Some(dir.join(rustc_says("host")?).join("release").join(target)))
    }
}
