//! The delivery policy (contract section 5) as a state machine: the head
//! deadline and its 408, writing the whole response and flushing it, and
//! after an error response the half-close and the linger, bounded by time
//! and bytes. It does no I/O and reads no clock: the driver passes the time
//! in and asks [`Delivery::poll`] what to do next and until when, the way
//! quinn-proto's connection answers `poll_transmit` and `poll_timeout`.
//! Every driver is then a short loop over the same decisions.
//!
//! Time is a [`Duration`] since an origin the driver picks (the moment it
//! accepted the connection, say) on a clock that never goes back.
//!
//! ```
//! use std::time::Duration;
//! use ws_handshake::delivery::{Delivery, Limits, LingerEnd, Next, Outcome};
//! use ws_handshake::{Rejection, Rule};
//!
//! let limits = Limits::default();
//! let mut delivery = Delivery::new(&limits, Duration::ZERO);
//! // Reading the head, with the whole deadline left.
//! assert_eq!(delivery.poll(Duration::ZERO), Next::ReadHead { timeout: Some(limits.handshake_timeout) });
//! // The deadline passes: the handshake's answer is sent.
//! assert_eq!(delivery.poll(limits.handshake_timeout), Next::HeadTimedOut);
//! delivery.respond(&Rejection::new(Rule::HeadTimeout, false).response());
//! let Next::Write(bytes) = delivery.poll(limits.handshake_timeout) else { panic!() };
//! assert!(bytes.starts_with(b"HTTP/1.1 408 Request Timeout\r\n"));
//! let len = bytes.len();
//! delivery.wrote(len);
//! assert_eq!(delivery.poll(limits.handshake_timeout), Next::Flush);
//! delivery.flushed();
//! assert_eq!(delivery.poll(limits.handshake_timeout), Next::Shutdown);
//! delivery.shut_down();
//! let Next::Discard { timeout, .. } = delivery.poll(limits.handshake_timeout) else { panic!() };
//! assert_eq!(timeout, limits.linger_time);
//! delivery.discarded(0); // the client closed
//! assert_eq!(delivery.poll(limits.handshake_timeout), Next::Done(Outcome::Closed(LingerEnd::PeerClosed)));
//! ```

use core::time::Duration;

use crate::{MAX_RESPONSE_LEN, Response};

/// How long a client may take to send its whole head by default (rule 15):
/// 10 s. Browsers send the head at once; nginx waits 60 s
/// (`client_header_timeout`), Apache httpd 20 to 40 s (`RequestReadTimeout`),
/// but a handshake is one small head, and every pending one holds a buffer.
pub const DEFAULT_HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(10);

/// How long a rejecting server reads and discards before it closes by
/// default: 2 s, Apache httpd's wait for one lingering read
/// (`SECONDS_TO_LINGER`); enough for a client on loopback or a LAN to read
/// the response and close first.
pub const DEFAULT_LINGER_TIME: Duration = Duration::from_secs(2);

/// How many bytes a rejecting server reads and discards at most by default:
/// 4 MiB, more than a client can have in flight in socket buffers when it
/// floods a head, so that the flood is drained rather than reset.
pub const DEFAULT_LINGER_BYTES: u64 = 4 << 20;

/// How many bytes one discarding read takes at most: a driver's scratch
/// buffer of this size suffices.
pub const DISCARD_CHUNK: usize = 4096;

/// The timers and budgets of contract section 5.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// How long the whole head may take to arrive (rule 15). Default
    /// [`DEFAULT_HANDSHAKE_TIMEOUT`]; [`Duration::MAX`] means no deadline.
    pub handshake_timeout: Duration,
    /// How long to read and discard after an error response. Default
    /// [`DEFAULT_LINGER_TIME`].
    pub linger_time: Duration,
    /// How many bytes to read and discard at most after an error response.
    /// Default [`DEFAULT_LINGER_BYTES`].
    pub linger_bytes: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            handshake_timeout: DEFAULT_HANDSHAKE_TIMEOUT,
            linger_time: DEFAULT_LINGER_TIME,
            linger_bytes: DEFAULT_LINGER_BYTES,
        }
    }
}

/// What the driver does next.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[must_use]
pub enum Next<'a> {
    /// Read more of the head, waiting at most `timeout` (`None`: no
    /// deadline); then [`Delivery::respond`] once the handshake decides, or
    /// poll again.
    ReadHead {
        /// How long the read may wait: the time left until the deadline.
        timeout: Option<Duration>,
    },
    /// The head deadline passed: respond with the handshake's
    /// `timed_out()` answer.
    HeadTimedOut,
    /// Write these bytes (some of them), then report with
    /// [`Delivery::wrote`]. A write of zero bytes is an error (`WriteZero`).
    Write(&'a [u8]),
    /// Flush every buffer between the driver and the client, then report
    /// with [`Delivery::flushed`].
    Flush,
    /// Shut down the write side, then report with [`Delivery::shut_down`].
    Shutdown,
    /// Read and discard at most `max` bytes, waiting at most `timeout`, then
    /// report with [`Delivery::discarded`] (0 when the client closed), or
    /// poll again when the read timed out.
    Discard {
        /// The most bytes to read.
        max: usize,
        /// How long the read may wait: the linger time left.
        timeout: Duration,
    },
    /// Nothing more to do.
    Done(Outcome),
}

/// How a delivery ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// The 101 was written and flushed: the stream carries WebSocket frames.
    Upgraded,
    /// The error response was written, flushed and followed by a half-close
    /// and the linger; close the stream now.
    Closed(LingerEnd),
}

/// How the linger after an error response ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LingerEnd {
    /// The client closed its side: it has read the whole response.
    PeerClosed,
    /// The linger time passed first.
    TimeUp,
    /// The linger byte budget was spent first.
    BudgetSpent,
}

/// Where a delivery is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum State {
    ReadingHead {
        deadline: Option<Duration>,
    },
    Writing,
    Flushing,
    ShuttingDown,
    /// Discarding; the linger ends at `until`, set at the first poll.
    Lingering {
        until: Option<Duration>,
        budget: u64,
    },
    Done(Outcome),
}

/// One connection's delivery, from the first byte of the head to the end of
/// the linger. See the [module](self) for the loop a driver runs.
#[derive(Clone, Debug)]
pub struct Delivery {
    limits: Limits,
    state: State,
    response: [u8; MAX_RESPONSE_LEN],
    /// The response's length, and how much of it was written.
    len: usize,
    written: usize,
    /// Whether the response was a 101.
    switch: bool,
}

/// `a + b`, `None` past [`Duration::MAX`]. The policy's time arithmetic is
/// done in whole nanoseconds: `Duration`'s own carries its seconds through
/// a check the compiler cannot prove never fails, a panic path in every
/// caller (`cargo xtask proof`).
fn add(a: Duration, b: Duration) -> Option<Duration> {
    duration(a.as_nanos().saturating_add(b.as_nanos()))
}

/// `a - b`, `None` below zero; see [`add`].
fn sub(a: Duration, b: Duration) -> Option<Duration> {
    duration(a.as_nanos().checked_sub(b.as_nanos())?)
}

/// The duration of `nanos` nanoseconds, `None` past [`Duration::MAX`].
fn duration(nanos: u128) -> Option<Duration> {
    const NANOS_PER_SEC: u128 = 1_000_000_000;
    let secs = u64::try_from(nanos / NANOS_PER_SEC).ok()?;
    // Below a second's worth, so `Duration::new` carries nothing.
    let subsec = u32::try_from(nanos % NANOS_PER_SEC).ok()?;
    Some(Duration::new(secs, subsec))
}

impl Delivery {
    /// A delivery whose head deadline runs from `now`.
    pub fn new(limits: &Limits, now: Duration) -> Self {
        Delivery {
            limits: *limits,
            state: State::ReadingHead { deadline: add(now, limits.handshake_timeout) },
            response: [0; MAX_RESPONSE_LEN],
            len: 0,
            written: 0,
            switch: false,
        }
    }

    /// What to do next, at `now`.
    pub fn poll(&mut self, now: Duration) -> Next<'_> {
        match self.state {
            State::ReadingHead { deadline: None } => Next::ReadHead { timeout: None },
            State::ReadingHead { deadline: Some(deadline) } => match sub(deadline, now) {
                Some(left) if !left.is_zero() => Next::ReadHead { timeout: Some(left) },
                _ => Next::HeadTimedOut,
            },
            State::Writing => Next::Write(self.response.get(self.written..self.len).unwrap_or_default()),
            State::Flushing => Next::Flush,
            State::ShuttingDown => Next::Shutdown,
            State::Lingering { until, budget } => {
                let until = until.unwrap_or_else(|| add(now, self.limits.linger_time).unwrap_or(Duration::MAX));
                self.state = State::Lingering { until: Some(until), budget };
                let left = sub(until, now).unwrap_or(Duration::ZERO);
                if budget == 0 {
                    self.finish(LingerEnd::BudgetSpent)
                } else if left.is_zero() {
                    self.finish(LingerEnd::TimeUp)
                } else {
                    let max = usize::try_from(budget).unwrap_or(DISCARD_CHUNK).min(DISCARD_CHUNK);
                    Next::Discard { max, timeout: left }
                }
            }
            State::Done(outcome) => Next::Done(outcome),
        }
    }

    /// Sends `response`: the handshake's answer, or the application's. Only
    /// the first call counts; a delivery sends one response.
    pub fn respond(&mut self, response: &Response<'_>) {
        if !matches!(self.state, State::ReadingHead { .. }) {
            return;
        }
        // MAX_RESPONSE_LEN always suffices (tested exact); were it short,
        // nothing would be written and the connection closed at once.
        self.len = response.write(&mut self.response).unwrap_or_default();
        self.switch = response.is_switch();
        self.state = State::Writing;
    }

    /// `n` bytes of the last [`Next::Write`] were written.
    pub fn wrote(&mut self, n: usize) {
        if self.state == State::Writing {
            self.written = self.written.saturating_add(n).min(self.len);
            if self.written == self.len {
                self.state = State::Flushing;
            }
        }
    }

    /// The flush succeeded.
    pub fn flushed(&mut self) {
        if self.state == State::Flushing {
            self.state = if self.switch { State::Done(Outcome::Upgraded) } else { State::ShuttingDown };
        }
    }

    /// The write side is shut down.
    pub fn shut_down(&mut self) {
        if self.state == State::ShuttingDown {
            self.state = State::Lingering { until: None, budget: self.limits.linger_bytes };
        }
    }

    /// A discarding read returned `n` bytes; 0 is the client's close.
    pub fn discarded(&mut self, n: usize) {
        if let State::Lingering { until, budget } = self.state {
            self.state = match n {
                0 => State::Done(Outcome::Closed(LingerEnd::PeerClosed)),
                n => State::Lingering { until, budget: budget.saturating_sub(u64::try_from(n).unwrap_or(u64::MAX)) },
            };
        }
    }

    /// The response being sent (empty before [`Delivery::respond`]).
    pub fn response(&self) -> &[u8] {
        self.response.get(..self.len).unwrap_or_default()
    }

    /// Ends the linger, and the delivery, for `end`.
    fn finish(&mut self, end: LingerEnd) -> Next<'static> {
        self.state = State::Done(Outcome::Closed(end));
        Next::Done(Outcome::Closed(end))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Rejection, Rule, ValidConfig};

    const SECOND: Duration = Duration::from_secs(1);

    fn rejection() -> Response<'static> {
        Rejection::new(Rule::MalformedHead, false).response()
    }

    /// Writes what the delivery asks for in pieces of `piece` bytes and
    /// returns everything written, polling at `now`.
    fn write_all(delivery: &mut Delivery, now: Duration, piece: usize) -> Vec<u8> {
        let mut sent = Vec::new();
        while let Next::Write(bytes) = delivery.poll(now) {
            let n = bytes.len().min(piece);
            sent.extend_from_slice(&bytes[..n]);
            delivery.wrote(n);
        }
        sent
    }

    #[test]
    fn the_head_deadline_counts_down_from_the_start() {
        let limits = Limits { handshake_timeout: 10 * SECOND, ..Limits::default() };
        let mut delivery = Delivery::new(&limits, 5 * SECOND);
        assert_eq!(delivery.poll(5 * SECOND), Next::ReadHead { timeout: Some(10 * SECOND) });
        assert_eq!(delivery.poll(14 * SECOND), Next::ReadHead { timeout: Some(SECOND) });
        assert_eq!(delivery.poll(15 * SECOND), Next::HeadTimedOut);
        assert_eq!(delivery.poll(99 * SECOND), Next::HeadTimedOut);

        let endless = Limits { handshake_timeout: Duration::MAX, ..Limits::default() };
        let mut delivery = Delivery::new(&endless, SECOND);
        assert_eq!(delivery.poll(Duration::MAX), Next::ReadHead { timeout: None });
    }

    #[test]
    fn a_101_is_written_whole_and_flushed_and_nothing_more() {
        let config = ValidConfig::default();
        let mut buf = [0; 8192];
        let request = b"GET / HTTP/1.1\r\nHost: a\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\
            Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";
        let mut handshake = crate::Handshake::new(&config, &mut buf).unwrap();
        handshake.unfilled()[..request.len()].copy_from_slice(request);
        assert_eq!(handshake.filled(request.len()), crate::Status::Decided);
        let crate::Progress::Request(request) = handshake.into_progress() else { panic!("not valid") };
        let mut delivery = Delivery::new(&Limits::default(), Duration::ZERO);
        delivery.respond(&request.accept());
        let sent = write_all(&mut delivery, SECOND, 7);
        assert!(sent.starts_with(b"HTTP/1.1 101 Switching Protocols\r\n") && sent.ends_with(b"\r\n\r\n"));
        assert_eq!(sent, delivery.response());
        assert_eq!(delivery.poll(SECOND), Next::Flush);
        delivery.flushed();
        assert_eq!(delivery.poll(SECOND), Next::Done(Outcome::Upgraded));
    }

    #[test]
    fn an_error_response_is_flushed_then_half_closed_then_lingers() {
        let limits = Limits { linger_time: 2 * SECOND, linger_bytes: 10_000, ..Limits::default() };
        let run = |discards: &[(Duration, usize)]| {
            let mut delivery = Delivery::new(&limits, Duration::ZERO);
            delivery.respond(&rejection());
            write_all(&mut delivery, SECOND, 1000);
            assert_eq!(delivery.poll(SECOND), Next::Flush);
            delivery.flushed();
            assert_eq!(delivery.poll(SECOND), Next::Shutdown);
            delivery.shut_down();
            // The linger runs from the first poll after the shutdown.
            assert_eq!(delivery.poll(3 * SECOND), Next::Discard { max: DISCARD_CHUNK, timeout: 2 * SECOND });
            for &(now, n) in discards {
                if let Next::Done(outcome) = delivery.poll(now) {
                    return outcome;
                }
                delivery.discarded(n);
            }
            match delivery.poll(discards.last().map_or(3 * SECOND, |&(now, _)| now)) {
                Next::Done(outcome) => outcome,
                next => panic!("{next:?}"),
            }
        };
        assert_eq!(run(&[(3 * SECOND, 100), (4 * SECOND, 0)]), Outcome::Closed(LingerEnd::PeerClosed));
        assert_eq!(run(&[(3 * SECOND, 100), (5 * SECOND, 1)]), Outcome::Closed(LingerEnd::TimeUp));
        assert_eq!(
            run(&[(3 * SECOND, 4096), (3 * SECOND, 4096), (3 * SECOND, 1808)]),
            Outcome::Closed(LingerEnd::BudgetSpent)
        );
    }

    #[test]
    fn the_last_discard_asks_for_no_more_than_the_budget() {
        let limits = Limits { linger_bytes: 5000, ..Limits::default() };
        let mut delivery = Delivery::new(&limits, Duration::ZERO);
        delivery.respond(&rejection());
        write_all(&mut delivery, Duration::ZERO, usize::MAX);
        delivery.flushed();
        delivery.shut_down();
        delivery.discarded(0);
        assert!(matches!(delivery.poll(Duration::ZERO), Next::Done(_)), "a close before any discard");

        let mut delivery = Delivery::new(&limits, Duration::ZERO);
        delivery.respond(&rejection());
        write_all(&mut delivery, Duration::ZERO, usize::MAX);
        delivery.flushed();
        delivery.shut_down();
        assert!(matches!(delivery.poll(Duration::ZERO), Next::Discard { max: DISCARD_CHUNK, .. }));
        delivery.discarded(4000);
        assert!(matches!(delivery.poll(Duration::ZERO), Next::Discard { max: 1000, .. }));
    }

    /// A call out of turn changes nothing; a finished delivery stays
    /// finished; only the first response counts.
    #[test]
    fn calls_out_of_turn_are_ignored() {
        let mut delivery = Delivery::new(&Limits::default(), Duration::ZERO);
        delivery.wrote(5);
        delivery.flushed();
        delivery.shut_down();
        delivery.discarded(0);
        assert_eq!(delivery.poll(Duration::ZERO), Next::ReadHead { timeout: Some(DEFAULT_HANDSHAKE_TIMEOUT) });
        delivery.respond(&rejection());
        let first = delivery.response().to_vec();
        delivery.respond(&Rejection::new(Rule::HeadTimeout, false).response());
        assert_eq!(delivery.response(), first, "a second response is ignored");
        delivery.wrote(usize::MAX);
        delivery.shut_down();
        assert_eq!(delivery.poll(Duration::ZERO), Next::Flush, "a write past the end counts as the rest");
        delivery.flushed();
        delivery.shut_down();
        delivery.discarded(0);
        let done = Next::Done(Outcome::Closed(LingerEnd::PeerClosed));
        assert_eq!(delivery.poll(Duration::ZERO), done);
        delivery.discarded(7);
        delivery.respond(&rejection());
        assert_eq!(delivery.poll(Duration::MAX), done);
    }
}
