//! One case over TCP: the request sent as the case says, the answer read
//! until the server ends the stream, a 101 head is complete, or the wait
//! runs out.

use std::io::{ErrorKind, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpStream, ToSocketAddrs};
use std::thread;
use std::time::{Duration, Instant};

use ws_handshake_oracle::{Framing, PeerJudgement, judge_peer};

/// How long a case waits for its answer, unless it stalls on purpose; also
/// the connect timeout.
pub const ANSWER_WITHIN: Duration = Duration::from_secs(5);
/// The most bytes read from one connection.
const MAX_RESPONSE: usize = 1 << 20;

/// How the server's side of a connection ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ending {
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

impl Ending {
    /// In words, for the reports.
    pub const fn words(self) -> &'static str {
        match self {
            Ending::Fin => "end of stream",
            Ending::Reset => "reset",
            Ending::Open => "left open",
            Ending::Upgraded => "upgraded",
        }
    }
}

/// The first address of `address` (`HOST:PORT`), once something there
/// accepts a connection: what the cases and the fuzzing check before they
/// start, so that a closed port fails once, not once per case.
pub fn listening(address: &str) -> Result<SocketAddr, String> {
    let addr = address.to_socket_addrs().map_err(|e| format!("{address}: {e}"))?.next().ok_or("no address")?;
    TcpStream::connect_timeout(&addr, ANSWER_WITHIN).map_err(|e| format!("{address}: nothing to test: {e}"))?;
    Ok(addr)
}

/// Sends `bytes` (half-closing after them if `eof`) while reading the
/// answer until the server ends the stream, a 101 head is complete, or
/// `wait` passes; with `settle`, also when that long has passed since a
/// complete response arrived (time enough to see the end of stream or the
/// reset that follows it, without waiting out a server that keeps the
/// connection open).
pub fn exchange(
    addr: SocketAddr,
    bytes: &[u8],
    eof: bool,
    wait: Duration,
    settle: Option<Duration>,
) -> Result<(Vec<u8>, Ending), String> {
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
        read_answer(stream, bytes, wait, settle)
    })
}

fn read_answer(
    mut stream: TcpStream,
    request: &[u8],
    wait: Duration,
    settle: Option<Duration>,
) -> Result<(Vec<u8>, Ending), String> {
    let mut deadline = Instant::now() + wait;
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
        if let Some(settle) = settle
            && complete(request, &response)
        {
            deadline = deadline.min(Instant::now() + settle);
        }
    }
}

/// Whether `response` holds a whole message, its body as long as its
/// framing says.
fn complete(request: &[u8], response: &[u8]) -> bool {
    let PeerJudgement::Answered(verdict) = judge_peer(request, response) else { return false };
    match verdict.response.framing {
        Framing::ContentLength(length) => verdict.response.body.len() == length,
        Framing::NoBody | Framing::Chunked => true,
        Framing::CloseDelimited => false,
    }
}
