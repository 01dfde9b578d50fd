//! The blocking face of the transport: a [`Transport`] for
//! `ws_handshake::blocking`, on a virtual clock ([`clock`]) that jumps by
//! the read timeout whenever a read times out. A step that is not ready yet
//! is waited through, as a blocking call would.

use std::cell::Cell;
use std::io::{self, ErrorKind};
use std::ops::Deref;
use std::time::{Duration, Instant};

use ws_handshake::blocking::{Options, Transport};

use super::{Call, Read, Schedule, Script, Wait};

thread_local! {
    /// When this thread's virtual clock started, and how far it has run.
    static CLOCK: (Instant, Cell<Duration>) = (Instant::now(), Cell::new(Duration::ZERO));
}

/// This thread's virtual clock: it moves only when a [`FaultyTransport`]
/// read times out. Give it to the driver as [`Options::clock`].
pub fn clock() -> Instant {
    CLOCK.with(|(start, elapsed)| *start + elapsed.get())
}

/// How far this thread's virtual clock has run since the last
/// [`FaultyTransport::new`].
pub fn elapsed() -> Duration {
    CLOCK.with(|(_, elapsed)| elapsed.get())
}

/// The driver's options under the virtual clock.
pub fn options() -> Options {
    Options { clock, ..Options::default() }
}

/// The in-memory blocking stream. It reads as its [`Script`]: what was
/// delivered, injected and so on.
#[derive(Debug)]
pub struct FaultyTransport {
    script: Script,
    /// The read timeout last set.
    pub read_timeout: Option<Duration>,
}

impl FaultyTransport {
    /// A transport that follows `schedule`; this thread's virtual clock
    /// starts again.
    pub fn new(schedule: Schedule) -> Self {
        CLOCK.with(|(_, elapsed)| elapsed.set(Duration::ZERO));
        FaultyTransport { script: Script::new(schedule), read_timeout: None }
    }

    /// A transport whose reads hand out `chunks` and then end the stream.
    pub fn reading(chunks: &[&[u8]]) -> Self {
        let reads = chunks.iter().filter(|chunk| !chunk.is_empty()).map(|chunk| Read::Data(chunk.to_vec())).collect();
        FaultyTransport::new(Schedule { reads, ..Schedule::default() })
    }

    /// The script and its record, once the driver is done.
    pub fn into_script(self) -> Script {
        self.script
    }

    /// A read that waited out its timeout: the clock jumps by it, then the
    /// read fails with `fail`, or `WouldBlock` as a timed-out read does.
    fn stalled(&mut self, fail: Option<ErrorKind>) -> io::Result<usize> {
        let Some(timeout) = self.read_timeout else {
            return Err(io::Error::other("a blocking read without a timeout would hang"));
        };
        CLOCK.with(|(_, elapsed)| elapsed.set(elapsed.get() + timeout));
        Err(match fail {
            Some(kind) => self.script.inject(Call::Read, kind),
            None => ErrorKind::WouldBlock.into(),
        })
    }
}

impl Deref for FaultyTransport {
    type Target = Script;

    fn deref(&self) -> &Script {
        &self.script
    }
}

/// A blocking call: it waits until the step is ready (`Some`). Each step
/// that is not consumes one entry of the schedule, so this ends.
fn waited<T>(mut step: impl FnMut() -> Option<T>) -> T {
    loop {
        if let Some(done) = step() {
            return done;
        }
    }
}

impl Transport for FaultyTransport {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        waited(|| match self.script.read(buf) {
            Ok(read) => Some(read),
            Err(Wait::NotReady) => None,
            Err(Wait::Stall(fail)) => Some(self.stalled(fail)),
        })
    }

    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        waited(|| self.script.write(buf, elapsed()))
    }

    fn flush(&mut self) -> io::Result<()> {
        waited(|| self.script.flush())
    }

    fn shutdown_write(&mut self) -> io::Result<()> {
        waited(|| self.script.shutdown(elapsed()))
    }

    fn read_timeout(&self) -> io::Result<Option<Duration>> {
        Ok(self.read_timeout)
    }

    fn set_read_timeout(&mut self, timeout: Option<Duration>) -> io::Result<()> {
        waited(|| self.script.take(Call::SetReadTimeout))?;
        if timeout == Some(Duration::ZERO) {
            // As `TcpStream` does.
            return Err(io::Error::new(ErrorKind::InvalidInput, "zero timeout"));
        }
        self.read_timeout = timeout;
        Ok(())
    }
}
