//! `cargo xtask peers [--only NAME]... [--fuzz SECS]`: measures other
//! WebSocket servers and this project's own with the cases of `cargo xtask
//! conform`. Installs and builds the peers of `peers/` that are missing,
//! starts each on a loopback port of its own, runs the cases in-process
//! (then, with `--fuzz`, mutated handshakes for that long), stops it,
//! prints one summary table and, when every peer ran, writes
//! docs/CONFORMANCE.md (and docs/CONFORMANCE-FUZZ.md with `--fuzz`).

mod install;
mod report;
mod server;

use std::path::PathBuf;
use std::sync::Mutex;
use std::thread;

use crate::root;
use ws_handshake_conform::Outcome as Case;
use ws_handshake_conform::fuzz::Report;

/// How long a 408 case waits for its answer: above the 10 s head deadline
/// of this project's servers and Python websockets' `open_timeout`. The
/// other peers have none within it and never answer those cases.
pub const STALL_SECS: u64 = 12;
/// How many servers are measured at once.
const AT_ONCE: usize = 2;

/// How a peer's server is built and started; each takes its address as
/// its only argument, except this project's, which take `--listen ADDR`.
#[derive(Clone, Copy)]
pub enum Kind {
    /// A release example of `core`: its name and whether it takes `--listen`.
    Example(&'static str, bool),
    /// A script run by `python3` with the installed websockets.
    Python(&'static str),
    /// A script run by `node` with the installed ws.
    Node(&'static str),
    /// The Go program of `peers/go/NAME`.
    Go(&'static str),
}

/// Where a peer's version is read.
#[derive(Clone, Copy)]
pub enum Version {
    /// A package of Cargo.lock.
    Lock(&'static str),
    /// A Python package installed under target/peers/python.
    Pip(&'static str),
    /// A Node package installed under target/peers/node.
    Npm(&'static str),
    /// A Debian package.
    Debian(&'static str),
}

/// One server measured.
pub struct Peer {
    /// Its name for `--only`.
    pub name: &'static str,
    /// The library it is written with.
    pub library: &'static str,
    pub version: Version,
    pub kind: Kind,
}

/// Every server, this project's first.
pub const PEERS: [Peer; 9] = [
    Peer {
        name: "echo_server",
        library: "ws-handshake, echo_server (tokio)",
        version: Version::Lock("ws-handshake"),
        kind: Kind::Example("echo_server", true),
    },
    Peer {
        name: "echo_server_blocking",
        library: "ws-handshake, echo_server_blocking",
        version: Version::Lock("ws-handshake"),
        kind: Kind::Example("echo_server_blocking", true),
    },
    Peer {
        name: "python-websockets",
        library: "Python websockets",
        version: Version::Pip("websockets"),
        kind: Kind::Python("peers/python/echo_server.py"),
    },
    Peer {
        name: "node-ws",
        library: "Node ws",
        version: Version::Npm("ws"),
        kind: Kind::Node("peers/node/echo_server.js"),
    },
    Peer {
        name: "tungstenite",
        library: "tungstenite (blocking)",
        version: Version::Lock("tungstenite"),
        kind: Kind::Example("tungstenite_echo", false),
    },
    Peer {
        name: "tokio-tungstenite",
        library: "tokio-tungstenite",
        version: Version::Lock("tokio-tungstenite"),
        kind: Kind::Example("tokio_tungstenite_echo", false),
    },
    Peer {
        name: "go-x-net",
        library: "golang.org/x/net/websocket",
        version: Version::Debian("golang-golang-x-net-dev"),
        kind: Kind::Go("xnet"),
    },
    Peer {
        name: "gorilla",
        library: "github.com/gorilla/websocket",
        version: Version::Debian("golang-github-gorilla-websocket-dev"),
        kind: Kind::Go("gorilla"),
    },
    Peer {
        name: "nhooyr",
        library: "nhooyr.io/websocket (coder/websocket)",
        version: Version::Debian("golang-nhooyr-websocket-dev"),
        kind: Kind::Go("nhooyr"),
    },
];

/// One peer's measurement: its cases' rows, or why it could not run, and
/// what the fuzzing found.
pub struct Outcome<'a> {
    pub peer: &'a Peer,
    pub version: String,
    pub rows: Result<Vec<Case>, String>,
    pub fuzz: Option<Report>,
}

/// The cargo target folder (`CARGO_TARGET_DIR` or the workspace's).
fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR").map(PathBuf::from).unwrap_or_else(|| root().join("target"))
}

/// Where the peers are installed and built, and their logs written.
fn peers_dir() -> PathBuf {
    target_dir().join("peers")
}

pub fn peers(only: &[String], fuzz_secs: Option<u64>) -> Result<(), String> {
    if let Some(unknown) = only.iter().find(|name| !PEERS.iter().any(|peer| peer.name == name.as_str())) {
        let names: Vec<&str> = PEERS.iter().map(|peer| peer.name).collect();
        return Err(format!("no peer {unknown}; the peers: {}", names.join(", ")));
    }
    let chosen: Vec<&Peer> =
        PEERS.iter().filter(|peer| only.is_empty() || only.iter().any(|name| name == peer.name)).collect();
    install::prepare(&chosen)?;
    let queue = Mutex::new(chosen.iter());
    let outcomes = Mutex::new(Vec::new());
    thread::scope(|scope| {
        for _ in 0..AT_ONCE {
            scope.spawn(|| {
                while let Some(&peer) = queue.lock().map(|mut queue| queue.next()).ok().flatten() {
                    eprintln!("{}: running the cases", peer.name);
                    let (rows, fuzz) = match server::measure(peer, fuzz_secs) {
                        Ok((rows, fuzz)) => (Ok(rows), fuzz),
                        Err(e) => (Err(e), None),
                    };
                    let outcome = Outcome { peer, version: install::version(peer.version), rows, fuzz };
                    outcomes.lock().map(|mut outcomes| outcomes.push(outcome)).ok();
                }
            });
        }
    });
    let mut outcomes = outcomes.into_inner().map_err(|e| e.to_string())?;
    outcomes.sort_by_key(|outcome| PEERS.iter().position(|peer| peer.name == outcome.peer.name));
    print!("{}", report::summary(&outcomes));
    // Each server's HTML report: every case, its request and the answer.
    let reports = root().join("target/peers/reports");
    std::fs::create_dir_all(&reports).map_err(|e| format!("{}: {e}", reports.display()))?;
    for outcome in &outcomes {
        let Ok(cases) = &outcome.rows else { continue };
        let page = ws_handshake_conform::report::html::html(outcome.peer.library, cases);
        let path = reports.join(format!("{}.html", outcome.peer.name));
        std::fs::write(&path, page).map_err(|e| format!("{}: {e}", path.display()))?;
    }
    println!("\nthe HTML reports: {}", reports.display());
    for outcome in &outcomes {
        let (Some(fuzz), Ok(cases)) = (&outcome.fuzz, &outcome.rows) else { continue };
        print!("{}", fuzz.text(outcome.peer.library, cases));
        let folder = peers_dir().join("fuzz").join(outcome.peer.name);
        // Only this run's candidates.
        let _ = std::fs::remove_dir_all(&folder);
        let written = fuzz.save(&folder)?;
        println!("\nsaved {} candidate(s) in {}", written.len(), folder.display());
    }
    let failed: Vec<&str> = outcomes.iter().filter(|o| o.rows.is_err()).map(|o| o.peer.name).collect();
    if !failed.is_empty() {
        return Err(format!("could not measure {}; docs/CONFORMANCE.md left as it was", failed.join(", ")));
    }
    if !only.is_empty() {
        println!("\n--only: docs/CONFORMANCE.md left as it was (it is written by a run of every peer)");
        return Ok(());
    }
    let path = root().join("docs/CONFORMANCE.md");
    std::fs::write(&path, report::markdown(&outcomes)).map_err(|e| format!("{}: {e}", path.display()))?;
    println!("\nwrote {}", path.display());
    if let Some(secs) = fuzz_secs {
        let path = root().join("docs/CONFORMANCE-FUZZ.md");
        std::fs::write(&path, report::fuzz_markdown(&outcomes, secs))
            .map_err(|e| format!("{}: {e}", path.display()))?;
        println!("wrote {}", path.display());
    }
    Ok(())
}
