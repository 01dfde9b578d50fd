//! One peer's server: started on a free loopback port, waited for, measured
//! with the conform cases, and stopped.

use std::fs::File;
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::thread;
use std::time::{Duration, Instant};

use super::{Kind, Peer, STALL_SECS, peers_dir, target_dir};
use crate::conform;
use crate::root;
use ws_handshake_conform::Outcome as Case;
use ws_handshake_conform::fuzz::Report;

/// How long a server may take to accept its first connection.
const START_WITHIN: Duration = Duration::from_secs(30);
/// How long a killed server may take to exit.
const STOP_WITHIN: Duration = Duration::from_secs(5);

/// Starts `peer`, runs the cases against it, then `fuzz_secs` of mutated
/// handshakes if asked, and stops it.
pub fn measure(peer: &Peer, fuzz_secs: Option<u64>) -> Result<(Vec<Case>, Option<Report>), String> {
    let addr = free_port()?;
    let mut child = start(peer, addr)?;
    let measured = ready(&mut child, addr)
        .and_then(|()| conform::outcomes(&addr.to_string(), STALL_SECS))
        .and_then(|rows| Ok((rows, fuzz_secs.map(|secs| conform::fuzz(&addr.to_string(), secs)).transpose()?)))
        .and_then(|measured| match child.try_wait() {
            Ok(Some(status)) => Err(format!("the server exited during the cases: {status}")),
            _ => Ok(measured),
        });
    let stopped = stop(&mut child);
    let measured = measured.map_err(|e| format!("{e} (its log: target/peers/logs/{}.log)", peer.name))?;
    stopped.map(|()| measured)
}

/// A loopback address no one listens on now: the port the kernel gives.
fn free_port() -> Result<SocketAddr, String> {
    TcpListener::bind("127.0.0.1:0").and_then(|listener| listener.local_addr()).map_err(|e| format!("free port: {e}"))
}

/// The command that runs `kind`'s server on `addr`.
fn command(kind: Kind, addr: SocketAddr) -> Command {
    let addr = addr.to_string();
    let mut command = match kind {
        Kind::Example(name, listen_flag) => {
            let mut command = Command::new(target_dir().join("release/examples").join(name));
            if listen_flag {
                command.arg("--listen");
            }
            command
        }
        Kind::Python(script) => {
            let mut command = Command::new("python3");
            command.env("PYTHONPATH", peers_dir().join("python")).arg(root().join(script));
            command
        }
        Kind::Node(script) => {
            let mut command = Command::new("node");
            command.env("NODE_PATH", peers_dir().join("node/node_modules")).arg(root().join(script));
            command
        }
        Kind::Go(name) => Command::new(peers_dir().join("go").join(name)),
    };
    command.arg(addr);
    command
}

/// Spawns the server, its output in target/peers/logs/NAME.log.
fn start(peer: &Peer, addr: SocketAddr) -> Result<Child, String> {
    let logs = peers_dir().join("logs");
    std::fs::create_dir_all(&logs).map_err(|e| format!("{}: {e}", logs.display()))?;
    let log = File::create(logs.join(format!("{}.log", peer.name))).map_err(|e| format!("log: {e}"))?;
    let err = log.try_clone().map_err(|e| format!("log: {e}"))?;
    command(peer.kind, addr)
        .stdin(Stdio::null())
        .stdout(log)
        .stderr(err)
        .spawn()
        .map_err(|e| format!("cannot start {}: {e}", peer.name))
}

/// Waits until the server accepts a connection, at most [`START_WITHIN`];
/// fails at once if it exits.
fn ready(child: &mut Child, addr: SocketAddr) -> Result<(), String> {
    let deadline = Instant::now() + START_WITHIN;
    loop {
        if let Ok(Some(status)) = child.try_wait() {
            return Err(format!("the server exited before it listened: {status}"));
        }
        if TcpStream::connect_timeout(&addr, Duration::from_secs(1)).is_ok() {
            return Ok(());
        }
        if Instant::now() >= deadline {
            return Err(format!("nothing listened on {addr} within {} s", START_WITHIN.as_secs()));
        }
        thread::sleep(Duration::from_millis(100));
    }
}

/// Kills the server and waits for its exit, at most [`STOP_WITHIN`].
fn stop(child: &mut Child) -> Result<(), String> {
    let _ = child.kill();
    let deadline = Instant::now() + STOP_WITHIN;
    while Instant::now() < deadline {
        if let Ok(Some(_)) = child.try_wait() {
            return Ok(());
        }
        thread::sleep(Duration::from_millis(50));
    }
    Err(format!("the server (pid {}) did not exit within {} s of its kill", child.id(), STOP_WITHIN.as_secs()))
}
