//! `cargo xtask conform HOST:PORT`: sends every named case of
//! `corpus/cases/` to a server over TCP and judges each answer with the
//! oracle's peer judgement: an HTTP/1.x response with the status the file
//! name gives, nothing RFC 6455 or RFC 9110/9112 forbids, what the contract
//! asks of a refusal (`Connection: close`, `Content-Length`), and for a
//! rejection a clean end-of-stream (FIN), not a reset. Prints a table, with
//! the reason for each failure in words, and a score.

use std::io::{ErrorKind, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpStream, ToSocketAddrs};
use std::path::PathBuf;
use std::sync::Mutex;
use std::thread;
use std::time::{Duration, Instant};

use ws_handshake_oracle::{PeerJudgement, PeerVerdict, Problem, contract_problems, judge_peer};

use crate::root;

/// How long a case waits for its answer, unless it stalls on purpose.
const ANSWER_WITHIN: Duration = Duration::from_secs(5);
/// How many cases run at once.
const PARALLEL: usize = 8;
/// The most bytes read from one connection.
const MAX_RESPONSE: usize = 1 << 20;

/// How the server's side of a connection ended.
#[derive(Debug, PartialEq, Eq)]
enum Ending {
    /// A clean end-of-stream.
    Fin,
    /// A reset: the kernel's answer to unread input, which can destroy a
    /// response the client had not read yet.
    Reset,
    /// Still open when the client stopped waiting.
    Open,
    /// A 101 head arrived; the client stopped reading there.
    Upgraded,
}

/// One case's result.
pub struct Row {
    /// The case's file name.
    pub name: String,
    /// The status its file name gives.
    pub expected: u16,
    /// What came back: a status, "nothing", "malformed" or "-".
    pub got: String,
    /// Why the case failed; `None` when it passed.
    pub problem: Option<String>,
}

pub fn conform(address: &str, stall_secs: u64) -> Result<(), String> {
    let rows = rows(address, stall_secs)?;
    println!("{:<52} {:>8}  {:<10} result", "case", "expected", "got");
    for row in &rows {
        let result = row.problem.as_deref().unwrap_or("ok");
        println!("{:<52} {:>8}  {:<10} {result}", row.name, row.expected, row.got);
    }
    let passed = rows.iter().filter(|row| row.problem.is_none()).count();
    println!("\n{address}: {passed}/{} sound ({:.0}%)", rows.len(), 100.0 * passed as f64 / rows.len().max(1) as f64);
    if passed == rows.len() { Ok(()) } else { Err(format!("{} case(s) failed", rows.len() - passed)) }
}

/// Runs every case against the server at `address`, 408 cases waiting
/// `stall_secs` for their answer; the rows in the cases' order.
pub fn rows(address: &str, stall_secs: u64) -> Result<Vec<Row>, String> {
    let addr = address.to_socket_addrs().map_err(|e| format!("{address}: {e}"))?.next().ok_or("no address")?;
    // One clear error when nothing listens, not a failed row per case.
    TcpStream::connect_timeout(&addr, ANSWER_WITHIN).map_err(|e| format!("{address}: nothing to test: {e}"))?;
    let folder = root().join("corpus/cases");
    let mut cases: Vec<PathBuf> = std::fs::read_dir(&folder)
        .map_err(|e| format!("{}: {e}", folder.display()))?
        .filter_map(|entry| entry.ok().map(|entry| entry.path()))
        .collect();
    cases.sort();
    let stall = Duration::from_secs(stall_secs);
    let queue = Mutex::new(cases.iter());
    let rows = Mutex::new(Vec::new());
    thread::scope(|scope| {
        for _ in 0..PARALLEL {
            scope.spawn(|| {
                while let Some(path) = queue.lock().map(|mut queue| queue.next()).ok().flatten() {
                    let row = run_case(addr, path, stall);
                    rows.lock().map(|mut rows| rows.push(row)).ok();
                }
            });
        }
    });
    let mut rows = rows.into_inner().map_err(|e| e.to_string())?;
    rows.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(rows)
}

fn run_case(addr: SocketAddr, path: &PathBuf, stall: Duration) -> Row {
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or_default().to_owned();
    let expected = name.get(..3).and_then(|s| s.parse().ok()).unwrap_or(0);
    let mut row = Row { name, expected, got: "-".into(), problem: None };
    let bytes = match std::fs::read(path) {
        Ok(bytes) => bytes,
        Err(e) => {
            row.problem = Some(e.to_string());
            return row;
        }
    };
    let wait = if expected == 408 { stall } else { ANSWER_WITHIN };
    let (response, ending) = match exchange(addr, &bytes, row.name.contains("-eof"), wait) {
        Ok(answer) => answer,
        Err(e) => {
            row.problem = Some(e);
            return row;
        }
    };
    let judgement = judge_peer(&bytes, &response);
    row.got = match &judgement {
        PeerJudgement::Answered(verdict) => verdict.response.status.to_string(),
        PeerJudgement::Nothing => "nothing".into(),
        PeerJudgement::Malformed(_) => "malformed".into(),
    };
    row.problem = match (judgement, ending) {
        (_, Ending::Reset) => Some("reset by the server".into()),
        (PeerJudgement::Nothing, _) => Some("no response: the server sent nothing".into()),
        (PeerJudgement::Malformed(why), _) => Some(format!("not an HTTP response: {why}")),
        (PeerJudgement::Answered(verdict), ending) => answer_problem(&bytes, expected, &verdict, ending),
    };
    row
}

/// What is wrong with an HTTP answer to a case expecting `expected`: the
/// status first, then what the RFCs and the contract ask of it, then how the
/// connection ended; `None` when nothing.
fn answer_problem(request: &[u8], expected: u16, verdict: &PeerVerdict, ending: Ending) -> Option<String> {
    let status = verdict.response.status;
    if status == 101 && expected != 101 {
        return Some("101 to a request it must refuse".into());
    }
    if status != expected {
        return Some(format!("wrong status ({status}, expected {expected})"));
    }
    let contract = contract_problems(request, &verdict.response);
    let problems: Vec<String> = verdict.problems.iter().chain(&contract).map(Problem::to_string).collect();
    if !problems.is_empty() {
        return Some(problems.join("; "));
    }
    (status != 101 && ending == Ending::Open).then(|| "no end-of-stream after the response".into())
}

/// Sends `bytes` (half-closing after them if `eof`) while reading the
/// answer until the server ends the stream, a 101 head is complete, or
/// `wait` passes.
fn exchange(addr: SocketAddr, bytes: &[u8], eof: bool, wait: Duration) -> Result<(Vec<u8>, Ending), String> {
    let stream = TcpStream::connect_timeout(&addr, ANSWER_WITHIN).map_err(|e| format!("connect: {e}"))?;
    stream.set_write_timeout(Some(ANSWER_WITHIN)).map_err(|e| e.to_string())?;
    let mut writer = stream.try_clone().map_err(|e| e.to_string())?;
    thread::scope(|scope| {
        // The writer may block on a large request while the server answers.
        scope.spawn(move || {
            if writer.write_all(bytes).is_ok() && eof {
                let _ = writer.shutdown(Shutdown::Write);
            }
        });
        read_answer(stream, wait)
    })
}

fn read_answer(mut stream: TcpStream, wait: Duration) -> Result<(Vec<u8>, Ending), String> {
    let deadline = Instant::now() + wait;
    let mut response = Vec::new();
    let mut chunk = [0; 16 * 1024];
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() || response.len() > MAX_RESPONSE {
            return Ok((response, Ending::Open));
        }
        stream.set_read_timeout(Some(left)).map_err(|e| e.to_string())?;
        match stream.read(&mut chunk) {
            Ok(0) => return Ok((response, Ending::Fin)),
            Ok(n) => response.extend_from_slice(&chunk[..n]),
            Err(e) if e.kind() == ErrorKind::Interrupted => {}
            Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {}
            Err(e) if e.kind() == ErrorKind::ConnectionReset => return Ok((response, Ending::Reset)),
            Err(e) => return Err(format!("read: {e}")),
        }
        if response.starts_with(b"HTTP/1.1 101 ") && response.windows(4).any(|w| w == b"\r\n\r\n") {
            return Ok((response, Ending::Upgraded));
        }
    }
}
