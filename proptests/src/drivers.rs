//! The drivers the harness runs over a fault schedule: the blocking one over
//! [`FaultyTransport`], and (feature `tokio`) the async one over
//! `AsyncFaultyTransport`, on a current-thread runtime with paused time.
//! Both answer a valid request with the application's decision, or with the
//! default when the decision is one it may not give.

use std::time::Duration;

use ws_handshake::blocking::{self, Error, Options};
use ws_handshake::delivery::Limits;
use ws_handshake::{Refusal, Request, Response, ValidConfig};

use crate::decision::{self, Decision};
use crate::transport::{self, FaultyTransport, Schedule, Script};

/// A driver of `ws-handshake`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Driver {
    /// `ws_handshake::blocking`, over [`FaultyTransport`].
    Blocking,
    /// `ws_handshake::tokio`, over `AsyncFaultyTransport`.
    #[cfg(feature = "tokio")]
    Tokio,
}

/// What a driver handed on with a 101: the length of the head it upgraded
/// and the bytes read past it.
#[derive(Debug)]
pub struct Upgrade {
    /// The length of the head.
    pub head_len: usize,
    /// The bytes the driver read past the head, as it handed them on.
    pub leftover: Vec<u8>,
}

impl Upgrade {
    fn of(head_len: usize, leftover: &[u8]) -> Self {
        Upgrade { head_len, leftover: leftover.to_vec() }
    }
}

/// What a driver did over a schedule.
#[derive(Debug)]
pub struct Ran {
    /// What it upgraded, or its error.
    pub result: Result<Upgrade, Error>,
    /// The transport's record.
    pub script: Script,
    /// How far the transport's clock had run when the driver returned.
    pub finished: Duration,
}

impl Driver {
    /// Every driver this build has: the async one with the feature `tokio`.
    #[cfg(not(feature = "tokio"))]
    pub const ALL: &[Driver] = &[Driver::Blocking];
    /// Every driver this build has: the async one with the feature `tokio`.
    #[cfg(feature = "tokio")]
    pub const ALL: &[Driver] = &[Driver::Blocking, Driver::Tokio];

    /// Runs this driver over a transport that follows `schedule`. Fails
    /// only when the async driver hangs: it waits on a read that no timer
    /// of its own ends.
    pub fn run(
        self,
        config: &ValidConfig<'_>,
        limits: &Limits,
        schedule: Schedule,
        decision: &Decision,
    ) -> Result<Ran, String> {
        self.run_in(config.max_head_len, config, limits, schedule, decision)
    }

    /// Runs this driver as [`Driver::run`] does, with a head buffer of
    /// `buf_len` bytes.
    pub fn run_in(
        self,
        buf_len: usize,
        config: &ValidConfig<'_>,
        limits: &Limits,
        schedule: Schedule,
        decision: &Decision,
    ) -> Result<Ran, String> {
        let buf = vec![0; buf_len];
        match self {
            Driver::Blocking => Ok(run_blocking(buf, config, limits, schedule, decision)),
            #[cfg(feature = "tokio")]
            Driver::Tokio => run_tokio(buf, config, limits, schedule, decision),
        }
    }
}

/// The application's answer to `request`: `decision`, or the default when
/// the contract does not let it give that.
fn respond_to<'a>(request: &Request<'a>, decision: &'a Decision, refusal: &'a mut Option<Refusal<'a>>) -> Response<'a> {
    decision::apply(request, decision, refusal).unwrap_or_else(|_| request.accept())
}

/// [`Driver::Blocking`] over `schedule`, on the thread's virtual clock.
fn run_blocking(
    mut buf: Vec<u8>,
    config: &ValidConfig<'_>,
    limits: &Limits,
    schedule: Schedule,
    decision: &Decision,
) -> Ran {
    let mut stream = FaultyTransport::new(schedule);
    let options = Options { limits: *limits, ..transport::options() };
    let mut refusal = None;
    let result = blocking::read_request(&mut stream, config, &options, &mut buf).and_then(|pending| {
        let response = respond_to(pending.request(), decision, &mut refusal);
        pending.respond(response).map(|upgraded| Upgrade::of(upgraded.request.head_len(), upgraded.leftover))
    });
    Ran { result, script: stream.into_script(), finished: transport::elapsed() }
}

/// How long, in paused time, the async driver may take before it is said to
/// hang: far past the head deadline and the linger.
#[cfg(feature = "tokio")]
const HANG: Duration = Duration::from_secs(3600);

#[cfg(feature = "tokio")]
thread_local! {
    /// This thread's runtime for the async driver, built once: current
    /// thread, time paused, so that while the driver waits on a stalled read
    /// the clock jumps straight to its timer.
    static RUNTIME: ::tokio::runtime::Runtime = ::tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .start_paused(true)
        .build()
        .expect("a current-thread runtime");
}

/// `Driver::Tokio` over `schedule`, on this thread's runtime.
#[cfg(feature = "tokio")]
fn run_tokio(
    mut buf: Vec<u8>,
    config: &ValidConfig<'_>,
    limits: &Limits,
    schedule: Schedule,
    decision: &Decision,
) -> Result<Ran, String> {
    use crate::transport::AsyncFaultyTransport;
    RUNTIME.with(|runtime| {
        runtime.block_on(async {
            let mut stream = AsyncFaultyTransport::new(schedule);
            let mut refusal = None;
            let driven = async {
                let pending = ws_handshake::tokio::read_request(&mut stream, config, limits, &mut buf).await?;
                let response = respond_to(pending.request(), decision, &mut refusal);
                pending
                    .respond(response)
                    .await
                    .map(|upgraded| Upgrade::of(upgraded.request.head_len(), upgraded.leftover))
            };
            let Ok(result) = ::tokio::time::timeout(HANG, driven).await else {
                return Err(format!("the driver hangs: still running after {HANG:?}"));
            };
            Ok(Ran { result, finished: stream.elapsed(), script: stream.into_script() })
        })
    })
}
