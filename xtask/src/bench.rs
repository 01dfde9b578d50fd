//! `cargo xtask bench`: runs the criterion benchmarks of the core and prints
//! their medians and the ratios the project holds itself to.

use std::process::Command;

use crate::root;

/// A ratio of two medians and the bound it must keep.
struct Bound {
    what: &'static str,
    numerator: &'static [&'static str],
    denominator: &'static [&'static str],
    at_most: Option<f64>,
    at_least: Option<f64>,
}

const BOUNDS: &[Bound] = &[
    Bound {
        what: "accept / (httparse + the crate's accept key), the floor",
        numerator: &["accept/chrome"],
        denominator: &["floor/httparse", "floor/accept-key"],
        at_most: Some(1.5),
        at_least: None,
    },
    Bound {
        what: "accept / (httparse + SHA-1 and base64), the old floor",
        numerator: &["accept/chrome"],
        denominator: &["floor/httparse", "floor/sha1-base64"],
        at_most: Some(1.5),
        at_least: None,
    },
    Bound {
        what: "tungstenite / accept",
        numerator: &["tungstenite/accept"],
        denominator: &["accept/chrome"],
        at_most: None,
        at_least: Some(5.0),
    },
    Bound {
        what: "garbage reject / accept",
        numerator: &["reject/garbage-512"],
        denominator: &["accept/chrome"],
        at_most: Some(0.25),
        at_least: None,
    },
    Bound {
        what: "Chrome byte by byte / at once",
        numerator: &["feed/chrome-bytewise"],
        denominator: &["feed/chrome-once"],
        at_most: Some(10.0),
        at_least: None,
    },
    Bound {
        what: "8 KiB head byte by byte / at once",
        numerator: &["feed/8k-64-fields-bytewise"],
        denominator: &["feed/8k-64-fields-once"],
        at_most: Some(50.0),
        at_least: None,
    },
];

/// Every benchmark, as `group/name`.
const BENCHES: &[&str] = &[
    "accept/chrome",
    "reject/garbage-512",
    "reject/missing-key",
    "reject/version-8",
    "floor/httparse",
    "floor/accept-key",
    "floor/sha1-base64",
    "tungstenite/accept",
    "feed/chrome-once",
    "feed/chrome-bytewise",
    "feed/8k-64-fields-once",
    "feed/8k-64-fields-bytewise",
];

pub fn bench() -> Result<(), String> {
    let status = Command::new("cargo")
        .current_dir(root())
        .args(["bench", "-p", "ws-handshake", "--bench", "handshake", "--", "--noplot"])
        .status()
        .map_err(|e| format!("cargo bench: {e}"))?;
    if !status.success() {
        return Err("cargo bench failed".into());
    }
    let medians: Vec<(&str, f64)> =
        BENCHES.iter().map(|&bench| median(bench).map(|ns| (bench, ns))).collect::<Result<_, _>>()?;
    let of = |names: &[&str]| -> f64 {
        names.iter().filter_map(|name| medians.iter().find(|(bench, _)| bench == name)).map(|(_, ns)| ns).sum()
    };
    println!("\n| benchmark | median |\n|---|---:|");
    for (bench, ns) in &medians {
        println!("| {bench} | {} |", human(*ns));
    }
    println!("\n| ratio | value | bound |\n|---|---:|---|");
    let mut broken = Vec::new();
    for bound in BOUNDS {
        let ratio = of(bound.numerator) / of(bound.denominator);
        let (text, holds) = match (bound.at_most, bound.at_least) {
            (Some(most), _) => (format!("at most {most}"), ratio <= most),
            (_, Some(least)) => (format!("at least {least}"), ratio >= least),
            _ => (String::new(), true),
        };
        println!("| {} | {ratio:.2} | {text}{} |", bound.what, if holds { "" } else { " **broken**" });
        if !holds {
            broken.push(bound.what);
        }
    }
    match broken.is_empty() {
        true => Ok(()),
        false => Err(format!("bounds broken: {}", broken.join("; "))),
    }
}

/// The median, in nanoseconds, criterion recorded for `group/name`.
fn median(bench: &str) -> Result<f64, String> {
    let path = root().join("target/criterion").join(bench).join("new/estimates.json");
    let json = std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    let after = json.split("\"median\"").nth(1).ok_or("no median")?;
    let value = after.split("\"point_estimate\":").nth(1).ok_or("no point estimate")?;
    let number: String = value.chars().take_while(|c| c.is_ascii_digit() || matches!(c, '.' | 'e' | '-')).collect();
    number.parse().map_err(|e| format!("{}: {e}", path.display()))
}

fn human(ns: f64) -> String {
    if ns >= 1000.0 { format!("{:.2} µs", ns / 1000.0) } else { format!("{ns:.1} ns") }
}
