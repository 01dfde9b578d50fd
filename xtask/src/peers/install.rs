//! What the peers need before they run: Python's websockets and Node's ws
//! (pinned, installed by core/tests/peers/install.sh into target/peers/),
//! Go and Debian's packages of the Go libraries (apt-get, only when
//! missing), the Go servers built into target/peers/go/, and the Rust
//! examples built in release. Also reads each peer's version.

use std::path::Path;
use std::process::Command;

use super::{Kind, Peer, Version, peers_dir};
use crate::{root, succeeds};

/// Debian's packages the Go servers are built with, and the import path
/// each provides under [`GOPATH`]'s src/.
const GO_PACKAGES: [(&str, &str); 4] = [
    ("golang-go", ""),
    ("golang-golang-x-net-dev", "golang.org/x/net/websocket"),
    ("golang-github-gorilla-websocket-dev", "github.com/gorilla/websocket"),
    ("golang-nhooyr-websocket-dev", "nhooyr.io/websocket"),
];
/// Where Debian's Go packages put their source.
const GOPATH: &str = "/usr/share/gocode";

/// Installs and builds what the `chosen` peers need.
pub fn prepare(chosen: &[&Peer]) -> Result<(), String> {
    let any = |wanted: fn(Kind) -> bool| chosen.iter().any(|peer| wanted(peer.kind));
    if any(|kind| matches!(kind, Kind::Python(_) | Kind::Node(_))) {
        let script = root().join("core/tests/peers/install.sh");
        run(Command::new("bash").arg(script).arg(peers_dir()), "installing Python websockets and Node ws")?;
    }
    let go: Vec<&str> =
        chosen.iter().filter_map(|peer| if let Kind::Go(name) = peer.kind { Some(name) } else { None }).collect();
    if !go.is_empty() {
        ensure_go()?;
    }
    for name in go {
        let out = peers_dir().join("go").join(name);
        let mut build = Command::new("go");
        build.env("GOPATH", GOPATH).env("GO111MODULE", "off").current_dir(root().join("peers/go"));
        run(build.arg("build").arg("-o").arg(&out).arg(format!("./{name}")), &format!("building the Go peer {name}"))?;
    }
    let examples: Vec<&str> = chosen
        .iter()
        .filter_map(|peer| if let Kind::Example(name, _) = peer.kind { Some(name) } else { None })
        .collect();
    if !examples.is_empty() {
        let mut cargo = Command::new("cargo");
        cargo.args(["build", "--release", "-p", "ws-handshake"]);
        for name in examples {
            cargo.args(["--example", name]);
        }
        run(&mut cargo, "building the Rust servers")?;
    }
    Ok(())
}

/// Installs Go and the Go libraries from Debian's packages when `go` or
/// one of them is missing.
fn ensure_go() -> Result<(), String> {
    let present = |import: &str| import.is_empty() || Path::new(GOPATH).join("src").join(import).is_dir();
    if succeeds(Command::new("go").arg("version")) && GO_PACKAGES.iter().all(|(_, import)| present(import)) {
        return Ok(());
    }
    let packages: Vec<&str> = GO_PACKAGES.iter().map(|(package, _)| *package).collect();
    eprintln!("Go or its WebSocket packages are missing: apt-get install -y {}", packages.join(" "));
    let install = || {
        succeeds(
            Command::new("apt-get").args(["install", "-y"]).args(&packages).env("DEBIAN_FRONTEND", "noninteractive"),
        )
    };
    if install() || (succeeds(Command::new("apt-get").arg("update")) && install()) {
        Ok(())
    } else {
        Err(format!("could not install {} (apt-get needs root)", packages.join(" ")))
    }
}

/// Runs `command`, its output shown; fails with `what` unless it succeeds.
fn run(command: &mut Command, what: &str) -> Result<(), String> {
    eprintln!("{what}");
    match command.status() {
        Ok(status) if status.success() => Ok(()),
        Ok(status) => Err(format!("{what} failed: {status}")),
        Err(e) => Err(format!("{what} failed: {e}")),
    }
}

/// The version of a peer's library, or "?" when it cannot be read.
pub fn version(version: Version) -> String {
    let found = match version {
        Version::Lock(package) => {
            let lock = std::fs::read_to_string(root().join("Cargo.lock")).unwrap_or_default();
            let entry = format!("name = \"{package}\"\nversion = \"");
            lock.split_once(&entry).and_then(|(_, rest)| rest.split_once('"')).map(|(version, _)| version.to_owned())
        }
        Version::Pip(package) => std::fs::read_dir(peers_dir().join("python")).ok().and_then(|entries| {
            entries.filter_map(|entry| entry.ok()?.file_name().into_string().ok()).find_map(|name| {
                Some(name.strip_prefix(&format!("{package}-"))?.strip_suffix(".dist-info")?.to_owned())
            })
        }),
        Version::Npm(package) => {
            let manifest = peers_dir().join("node/node_modules").join(package).join("package.json");
            let text = std::fs::read_to_string(manifest).unwrap_or_default();
            text.split_once("\"version\": \"").and_then(|(_, rest)| rest.split_once('"')).map(|(v, _)| v.to_owned())
        }
        Version::Debian(package) => Command::new("dpkg-query")
            .args(["-W", "-f", "${Version}", package])
            .output()
            .ok()
            .filter(|output| output.status.success())
            .and_then(|output| String::from_utf8(output.stdout).ok()),
    };
    found.unwrap_or_else(|| "?".to_owned())
}
