//! One connection's script: the slowloris, the flood, the malformed
//! requests, and the valid handshake with its echo and close.

use std::future::Future;
use std::hash::{BuildHasher as _, RandomState};
use std::io::{self, ErrorKind};
use std::net::SocketAddr;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering::Relaxed};
use std::time::Duration;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use tokio::io::{AsyncRead, AsyncReadExt as _, AsyncWrite, AsyncWriteExt as _};
use tokio::net::TcpStream;
use tokio::sync::OwnedSemaphorePermit;
use tokio::time::{Instant, sleep, timeout_at};

use super::answer::{Answer, END_WITHIN, Ending, MAX_ANSWER, Outcome, Parsed, classify, header, parse, read_answer};

/// How long one connect attempt may take: the SYN and the kernel's two
/// retries (after 1 s and 3 s). A full listen backlog drops SYNs; a fresh
/// attempt then comes sooner than the kernel's next retry (after 7 s).
const CONNECT_WITHIN: Duration = Duration::from_millis(3500);
/// How long one write may block.
const WRITE_WITHIN: Duration = Duration::from_secs(10);
/// The most time a connection other than a slowloris may take in all.
pub const WITHIN: Duration = Duration::from_secs(30);
/// How many header bytes a flood sends: 256 lines of 1 KiB.
const FLOOD_LINES: usize = 256;
/// The size of a flood's writes.
const FLOOD_WRITE: usize = 16 * 1024;
/// The frame a valid client sends, unmasked, and expects back as it is:
/// FIN and text, 4 bytes, "echo".
const ECHO: [u8; 6] = [0x81, 0x04, b'e', b'c', b'h', b'o'];
/// A close frame with status 1000, unmasked.
const CLOSE: [u8; 4] = [0x88, 0x02, 0x03, 0xe8];

/// What an attacking connection sends, and so what the contract gives it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Kind {
    /// A valid handshake, one echoed frame and a close: `101`.
    Valid,
    /// `Sec-WebSocket-Version: 8`: `426` (rule 11).
    Version8,
    /// No `Upgrade` field: `400` (rule 8).
    NoUpgrade,
    /// `POST`: `405` (rule 4).
    Post,
    /// A `Sec-WebSocket-Key` of 10 bytes: `400` (rule 10).
    BadKey,
    /// 256 KiB of header fields: `431` (rule 2).
    Flood,
    /// A head that never ends, one byte a second: `408` (rule 15).
    Slow,
}

impl Kind {
    /// The malformed requests `--mixed` rotates through.
    pub const MALFORMED: [Kind; 4] = [Kind::Version8, Kind::NoUpgrade, Kind::Post, Kind::BadKey];

    /// The status the contract gives this kind of connection.
    pub fn expected(self) -> u16 {
        match self {
            Kind::Valid => 101,
            Kind::Version8 => 426,
            Kind::NoUpgrade | Kind::BadKey => 400,
            Kind::Post => 405,
            Kind::Flood => 431,
            Kind::Slow => 408,
        }
    }

    /// Its name in the report.
    pub fn name(self) -> &'static str {
        match self {
            Kind::Valid => "valid",
            Kind::Version8 => "version 8",
            Kind::NoUpgrade => "no upgrade",
            Kind::Post => "post",
            Kind::BadKey => "bad key",
            Kind::Flood => "flood",
            Kind::Slow => "slow",
        }
    }
}

/// What one attacking connection got.
#[derive(Clone, Copy, Debug)]
pub struct Record {
    /// What it sent.
    pub kind: Kind,
    /// What it got.
    pub outcome: Outcome,
    /// From the end of the connect (a valid client: its start) to the
    /// outcome.
    pub at: Duration,
    /// How the stream ended after a complete response other than a 101.
    pub after: Option<Ending>,
}

/// How many connections are open now, the most at once, and how many
/// attacking connections have finished.
#[derive(Debug, Default)]
pub struct Gauge {
    open: AtomicUsize,
    peak: AtomicUsize,
    finished: AtomicUsize,
}

impl Gauge {
    /// Counts a connection as open until the guard drops.
    fn enter(&self) -> Entered<'_> {
        let open = self.open.fetch_add(1, Relaxed) + 1;
        self.peak.fetch_max(open, Relaxed);
        Entered(self)
    }

    /// Connections open now.
    pub fn open(&self) -> usize {
        self.open.load(Relaxed)
    }

    /// The most connections open at once.
    pub fn peak(&self) -> usize {
        self.peak.load(Relaxed)
    }

    /// Counts a connection (or a round) as finished.
    pub fn finish(&self) {
        self.finished.fetch_add(1, Relaxed);
    }

    /// Connections (or rounds) finished.
    pub fn finished(&self) -> usize {
        self.finished.load(Relaxed)
    }
}

/// An open connection, counted by its [`Gauge`].
struct Entered<'a>(&'a Gauge);

impl Drop for Entered<'_> {
    fn drop(&mut self) {
        self.0.open.fetch_sub(1, Relaxed);
    }
}

/// Runs one attacking connection of `kind` until its outcome or
/// `deadline`. `paced` is the connect's turn: a slowloris gives it back once
/// connected, any other kind once finished.
pub async fn attack(
    kind: Kind,
    addr: SocketAddr,
    deadline: Instant,
    paced: OwnedSemaphorePermit,
    gauge: &Gauge,
) -> Record {
    let record = match kind {
        Kind::Valid => {
            let round = valid_round(addr, deadline.min(Instant::now() + WITHIN), Some(gauge)).await;
            Record { kind, outcome: round.outcome, at: round.handshake.unwrap_or(round.total), after: None }
        }
        _ => {
            let until = if kind == Kind::Slow { deadline } else { deadline.min(Instant::now() + WITHIN) };
            match connect(addr, until).await {
                None => Record { kind, outcome: Outcome::ConnectFailed, at: Duration::ZERO, after: None },
                Some(mut stream) => {
                    let _open = gauge.enter();
                    if kind == Kind::Slow {
                        drop(paced);
                    }
                    let (answer, write_error) = script(kind, &mut stream, addr, until).await;
                    let outcome = classify(&answer, write_error.as_ref());
                    let after = matches!(outcome, Outcome::Status(status) if status != 101).then_some(answer.ending);
                    Record { kind, outcome, at: answer.at, after }
                }
            }
        }
    };
    gauge.finish();
    record
}

/// Connects, attempt after attempt of [`CONNECT_WITHIN`] while they time
/// out, until `until`; `None` once an attempt fails otherwise (refused, say)
/// or `until` has come.
async fn connect(addr: SocketAddr, until: Instant) -> Option<TcpStream> {
    loop {
        match timeout_at(until.min(Instant::now() + CONNECT_WITHIN), TcpStream::connect(addr)).await {
            Ok(Ok(stream)) => return stream.set_nodelay(true).ok().map(|()| stream),
            Ok(Err(_)) => return None,
            Err(_) if Instant::now() >= until => return None,
            Err(_) => {}
        }
    }
}

/// Sends what `kind` sends (not a valid client's) while reading the answer.
async fn script(kind: Kind, stream: &mut TcpStream, addr: SocketAddr, until: Instant) -> (Answer, Option<io::Error>) {
    let since = Instant::now();
    let (mut reader, mut writer) = stream.split();
    let reading = read_answer(&mut reader, since, until);
    match kind {
        Kind::Slow => answered(reading, drip(&mut writer, until)).await,
        Kind::Flood => both(reading, pour(&mut writer, until)).await,
        _ => both(reading, write(&mut writer, request(kind, addr, &random_key()).as_bytes(), until)).await,
    }
}

/// Reads while writing until both are done, so that a flood goes on after
/// an early answer: the answer, and the write's error.
async fn both(
    reading: impl Future<Output = Answer>,
    writing: impl Future<Output = io::Result<()>>,
) -> (Answer, Option<io::Error>) {
    let (answer, written) = tokio::join!(reading, writing);
    (answer, written.err())
}

/// Reads while writing until the answer is read (the slowloris never stops
/// writing): the answer, and the write's error if it failed before.
async fn answered(
    reading: impl Future<Output = Answer>,
    writing: impl Future<Output = io::Result<()>>,
) -> (Answer, Option<io::Error>) {
    tokio::pin!(reading, writing);
    tokio::select! {
        biased;
        written = &mut writing => (reading.await, written.err()),
        answer = &mut reading => (answer, None),
    }
}

/// Writes all of `bytes` within [`WRITE_WITHIN`] and `until`.
async fn write(writer: &mut (impl AsyncWrite + Unpin), bytes: &[u8], until: Instant) -> io::Result<()> {
    let within = until.min(Instant::now() + WRITE_WITHIN);
    timeout_at(within, writer.write_all(bytes)).await.map_err(|_| io::Error::from(ErrorKind::TimedOut))?
}

/// The slowloris: a request line, then one byte a second of a header field
/// that never ends. Returns only on a failed write.
async fn drip(writer: &mut (impl AsyncWrite + Unpin), until: Instant) -> io::Result<()> {
    write(writer, b"GET / HTTP/1.1\r\nX-Slow: a", until).await?;
    loop {
        sleep(Duration::from_secs(1)).await;
        write(writer, b"a", until).await?;
    }
}

/// The flood: a request of 256 KiB of header fields, all of it unless a
/// write fails, then the end of the client's stream.
async fn pour(writer: &mut (impl AsyncWrite + Unpin), until: Instant) -> io::Result<()> {
    for chunk in flood_request().chunks(FLOOD_WRITE) {
        write(writer, chunk, until).await?;
    }
    writer.shutdown().await
}

/// The flood's bytes, built once.
fn flood_request() -> &'static [u8] {
    static FLOOD: OnceLock<Vec<u8>> = OnceLock::new();
    FLOOD.get_or_init(|| {
        let mut request = b"GET / HTTP/1.1\r\nHost: localhost\r\n".to_vec();
        let line = format!("X-Flood: {}\r\n", "a".repeat(1024 - 11));
        for _ in 0..FLOOD_LINES {
            request.extend_from_slice(line.as_bytes());
        }
        request.extend_from_slice(b"\r\n");
        request
    })
}

/// A handshake request: valid for [`Kind::Valid`], else with the one fault
/// `kind` names.
fn request(kind: Kind, addr: SocketAddr, key: &str) -> String {
    let method = if kind == Kind::Post { "POST" } else { "GET" };
    let upgrade = if kind == Kind::NoUpgrade { "" } else { "Upgrade: websocket\r\n" };
    // Ten bytes in base64: the key must be sixteen.
    let key = if kind == Kind::BadKey { "dGhlIHNhbXBsZQ==" } else { key };
    let version = if kind == Kind::Version8 { 8 } else { 13 };
    format!(
        "{method} / HTTP/1.1\r\nHost: {addr}\r\n{upgrade}Connection: Upgrade\r\n\
         Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: {version}\r\n\r\n"
    )
}

/// A valid client's round.
#[derive(Clone, Copy, Debug)]
pub struct Round {
    /// `101` when the handshake, its accept key and the echo were right.
    pub outcome: Outcome,
    /// From the connect's start to the 101's head.
    pub handshake: Option<Duration>,
    /// From the connect's start to the echoed frame.
    pub echo: Option<Duration>,
    /// From the connect's start to the end of the round.
    pub total: Duration,
}

/// Connects, makes a valid handshake, checks the 101 and its accept key,
/// sends a masked text frame and expects it echoed, sends a close and reads
/// until the server ends the stream (or `until`).
pub async fn valid_round(addr: SocketAddr, until: Instant, gauge: Option<&Gauge>) -> Round {
    let start = Instant::now();
    let mut round = Round { outcome: Outcome::ConnectFailed, handshake: None, echo: None, total: Duration::ZERO };
    if let Some(mut stream) = connect(addr, until).await {
        let _open = gauge.map(Gauge::enter);
        round.outcome = upgrade_and_echo(&mut stream, addr, start, until, &mut round).await;
    }
    round.total = start.elapsed();
    round
}

/// The steps of [`valid_round`] after the connect; sets the round's times.
async fn upgrade_and_echo(
    stream: &mut TcpStream,
    addr: SocketAddr,
    start: Instant,
    until: Instant,
    round: &mut Round,
) -> Outcome {
    let key = random_key();
    let (mut reader, mut writer) = stream.split();
    let request = request(Kind::Valid, addr, &key);
    let (answer, write_error) =
        both(read_answer(&mut reader, start, until), write(&mut writer, request.as_bytes(), until)).await;
    let outcome = classify(&answer, write_error.as_ref());
    let Parsed::Complete { status: 101, head } = parse(&answer.bytes, false) else { return outcome };
    round.handshake = Some(answer.at);
    let expected = ws_handshake::accept_key(key.as_bytes());
    if header(&answer.bytes, "sec-websocket-accept") != Some(&expected[..]) {
        return Outcome::BadUpgrade("bad accept");
    }
    let mut frames = answer.bytes.get(head..).unwrap_or_default().to_vec();
    if write(&mut writer, &masked(&ECHO), until).await.is_err() {
        return Outcome::BadUpgrade("no echo");
    }
    if !read_at_least(&mut reader, &mut frames, ECHO.len(), until).await {
        return Outcome::BadUpgrade("no echo");
    }
    if frames.get(..ECHO.len()) != Some(&ECHO[..]) {
        return Outcome::BadUpgrade("bad echo");
    }
    round.echo = Some(start.elapsed());
    // The close handshake; the server ends the stream after its close frame.
    if write(&mut writer, &masked(&CLOSE), until).await.is_ok() {
        read_at_least(&mut reader, &mut frames, MAX_ANSWER, until.min(Instant::now() + END_WITHIN)).await;
    }
    Outcome::Status(101)
}

/// Reads into `bytes` until it holds `len` bytes; false if the stream
/// ended, failed or `until` came first.
async fn read_at_least(reader: &mut (impl AsyncRead + Unpin), bytes: &mut Vec<u8>, len: usize, until: Instant) -> bool {
    while bytes.len() < len {
        bytes.reserve(64);
        match timeout_at(until, reader.read_buf(bytes)).await {
            Ok(Ok(0)) | Ok(Err(_)) | Err(_) => return false,
            Ok(Ok(_)) => {}
        }
    }
    true
}

/// A client's frame: `frame` (short, unmasked) with the mask bit set, a
/// random masking key and its payload masked.
fn masked(frame: &[u8]) -> Vec<u8> {
    let mask = (random_u64() as u32).to_be_bytes();
    let (head, payload) = frame.split_at(2.min(frame.len()));
    let mut out = head.to_vec();
    if let Some(length) = out.get_mut(1) {
        *length |= 0x80;
    }
    out.extend_from_slice(&mask);
    out.extend(payload.iter().zip(mask.iter().cycle()).map(|(byte, mask)| byte ^ mask));
    out
}

/// A fresh `Sec-WebSocket-Key`: 16 random bytes in base64.
fn random_key() -> String {
    let bytes: Vec<u8> = [random_u64(), random_u64()].iter().flat_map(|n| n.to_le_bytes()).collect();
    STANDARD.encode(bytes)
}

/// 64 random bits (std's randomly keyed hasher over a counter): enough for
/// keys and masks, which need to differ, not to be secret.
fn random_u64() -> u64 {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    RandomState::new().hash_one(COUNTER.fetch_add(1, Relaxed))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frames_are_masked() {
        let frame = masked(&ECHO);
        assert_eq!(frame.len(), 10);
        assert_eq!(frame[..2], [0x81, 0x84]);
        let mask = &frame[2..6];
        let payload: Vec<u8> = frame[6..].iter().zip(mask.iter().cycle()).map(|(b, m)| b ^ m).collect();
        assert_eq!(payload, b"echo");
    }

    #[test]
    fn requests_carry_their_fault() {
        let addr = SocketAddr::from(([127, 0, 0, 1], 9001));
        let key = random_key();
        assert_eq!(key.len(), 24);
        let valid = request(Kind::Valid, addr, &key);
        assert!(valid.starts_with("GET / HTTP/1.1\r\nHost: 127.0.0.1:9001\r\nUpgrade: websocket\r\n"));
        assert!(valid.ends_with("Sec-WebSocket-Version: 13\r\n\r\n"));
        assert!(request(Kind::Version8, addr, &key).contains("Version: 8\r\n"));
        assert!(!request(Kind::NoUpgrade, addr, &key).contains("Upgrade: websocket"));
        assert!(request(Kind::Post, addr, &key).starts_with("POST "));
        assert!(!request(Kind::BadKey, addr, &key).contains(&key));
        assert_eq!(flood_request().len(), 33 + 256 * 1024 + 2);
    }
}
