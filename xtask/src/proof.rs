//! `cargo xtask proof`: the link-time proof that the public sans-IO
//! surface of the core has no panic path. Builds `proof/` in its release
//! profile; each of its `#[no_panic]` functions makes the link fail unless
//! the compiler proves that what it calls never unwinds. Prints what is
//! covered, or the functions with a panic path.

use std::process::Command;

use crate::root;

/// Builds the proof and lists what it covers; `Err` names every function
/// the compiler could not prove panic-free.
pub fn proof() -> Result<(), String> {
    let manifest = root().join("proof/Cargo.toml");
    let output = Command::new("cargo")
        .args(["build", "--release", "--manifest-path"])
        .arg(&manifest)
        .output()
        .map_err(|e| format!("cargo build: {e}"))?;
    let stderr = String::from_utf8_lossy(&output.stderr);
    let source = std::fs::read_to_string(root().join("proof/src/main.rs")).map_err(|e| format!("proof: {e}"))?;
    let covered = covered(&source);
    if output.status.success() {
        println!("proven panic-free in a release build (fat LTO, the core's arithmetic checked):");
        for (function, what) in &covered {
            println!("  {function:<24} {what}");
        }
        println!("{} functions", covered.len());
        return Ok(());
    }
    let failed: Vec<&str> =
        stderr.lines().filter_map(|line| line.split("detected panic in function `").nth(1)).collect();
    if failed.is_empty() {
        return Err(format!("the proof did not build:\n{stderr}"));
    }
    let mut text = String::from("a panic path the compiler cannot rule out, in:\n");
    for name in failed {
        let name = name.trim_end_matches('`');
        let what = covered.iter().find(|(function, _)| function == name).map_or("", |(_, what)| what.as_str());
        text.push_str(&format!("  {name:<24} {what}\n"));
    }
    Err(text)
}

/// Each `#[no_panic]` function of the proof's source and the doc line above
/// it, which names what of the library it calls.
fn covered(source: &str) -> Vec<(String, String)> {
    let lines: Vec<&str> = source.lines().collect();
    let mut covered = Vec::new();
    for (at, pair) in lines.windows(2).enumerate() {
        if pair[1] != "#[no_panic]" {
            continue;
        }
        let what = pair[0].strip_prefix("/// ").unwrap_or_default().to_owned();
        let signature = lines.iter().skip(at + 2).find(|line| line.starts_with("fn "));
        let name = signature.and_then(|line| line.strip_prefix("fn ")?.split(['(', '<']).next());
        if let Some(name) = name {
            covered.push((name.to_owned(), what));
        }
    }
    covered
}

#[cfg(test)]
mod tests {
    use super::covered;

    #[test]
    fn every_proven_function_names_what_it_covers() {
        let source = std::fs::read_to_string(crate::root().join("proof/src/main.rs")).expect("proof/src/main.rs");
        let covered = covered(&source);
        assert!(covered.len() >= 20, "{covered:?}");
        assert_eq!(covered.len(), source.lines().filter(|line| *line == "#[no_panic]").count(), "{covered:?}");
        for (function, what) in &covered {
            assert!(what.starts_with('`'), "{function}: no doc line naming what it covers");
        }
        for needed in ["Handshake::filled", "Response::write", "accept_key", "Delivery::poll", "Handshake::timed_out"] {
            assert!(covered.iter().any(|(_, what)| what.contains(needed)), "{needed} is not covered");
        }
    }
}
