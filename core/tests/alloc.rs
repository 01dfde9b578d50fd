//! No path of a handshake allocates: a counting global allocator watches the
//! core and both drivers through valid and rejected handshakes.

// A global allocator is unsafe to implement; this test file is the one
// place in the workspace that needs it.
#![allow(unsafe_code)]

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::io;

mod common;

use common::{feed, response_bytes_into};
use ws_handshake::blocking::{self, Options, Transport};
use ws_handshake::{Config, MAX_RESPONSE_LEN, OriginPolicy, Refusal};

/// Counts the allocations made on a thread while its flag is up. Flag and
/// count are the thread's own, so tests running beside it do not count.
struct Counting;

thread_local! {
    static WATCHING: Cell<bool> = const { Cell::new(false) };
    static ALLOCATIONS: Cell<usize> = const { Cell::new(0) };
}

/// Counts one allocation if this thread is watching.
fn count() {
    if WATCHING.with(Cell::get) {
        ALLOCATIONS.with(|n| n.set(n.get() + 1));
    }
}

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        count();
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        count();
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

/// How many allocations `f` made on this thread.
fn allocations(f: impl FnOnce()) -> usize {
    let before = ALLOCATIONS.with(Cell::get);
    WATCHING.with(|w| w.set(true));
    f();
    WATCHING.with(|w| w.set(false));
    ALLOCATIONS.with(Cell::get) - before
}

const VALID: &[u8] = b"GET /chat HTTP/1.1\r\nHost: example.com\r\nUpgrade: websocket\r\n\
Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\
Origin: http://example.com\r\nSec-WebSocket-Protocol: chat\r\n\r\n\x81\x80abcd";

const REQUESTS: &[&[u8]] = &[
    VALID,
    b"\x16\x03\x01\x02\x00",
    b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n",
    b"HEAD / HTTP/1.1\r\n\r\n",
    b"GET / HTTP/1.1\r\nHost: example.com\r\n\r\n",
    b"GET /chat HTTP/1.1\r\nHost: example.com\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\
Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 8\r\n\r\n",
    b"GET /chat HTTP/1.1\r\nHost: exa",
    b"",
];

/// A transport over fixed memory: reads a static request, writes into an
/// array.
struct Fixed {
    input: &'static [u8],
    output: [u8; MAX_RESPONSE_LEN],
    written: usize,
}

impl Transport for Fixed {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.input.len().min(buf.len()).min(7);
        let (now, rest) = self.input.split_at(n);
        buf[..n].copy_from_slice(now);
        self.input = rest;
        Ok(n)
    }
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = buf.len().min(self.output.len() - self.written);
        self.output[self.written..self.written + n].copy_from_slice(&buf[..n]);
        self.written += n;
        Ok(n)
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
    fn shutdown_write(&mut self) -> io::Result<()> {
        Ok(())
    }
    fn read_timeout(&self) -> io::Result<Option<std::time::Duration>> {
        Ok(None)
    }
    fn set_read_timeout(&mut self, _: Option<std::time::Duration>) -> io::Result<()> {
        Ok(())
    }
}

#[test]
fn no_handshake_allocates() {
    let protocols = ["chat"];
    let config =
        Config { protocols: &protocols, origin: OriginPolicy::SameHost, ..Config::default() }.validate().unwrap();
    let options = Options::default();
    let mut statuses = Vec::with_capacity(3 * REQUESTS.len());
    let mut head = [0; 8192];
    let count = allocations(|| {
        for request in REQUESTS {
            // The core, byte by byte, then the response.
            let mut buf = [0; 8192];
            let mut response = [0; MAX_RESPONSE_LEN];
            let progress = feed(&config, &mut buf, request, 1, true);
            response_bytes_into(&progress, &mut response);
            statuses.push(progress.response().map_or(0, |response| response.status()));
            // The driver over fixed memory, with the contract's defaults.
            let fixed = Fixed { input: request, output: [0; MAX_RESPONSE_LEN], written: 0 };
            let status = match blocking::accept(fixed, &config, &options, &mut head) {
                Ok(upgraded) => {
                    // Reads of 7 bytes: the head's last read brought part of the frame.
                    assert!(b"\x81\x80abcd".starts_with(upgraded.leftover));
                    101
                }
                Err(blocking::Error::Rejected { status, .. }) => status,
                Err(_) => 0,
            };
            statuses.push(status);
            // The driver, and the application refusing with its own fields.
            let fixed = Fixed { input: request, output: [0; MAX_RESPONSE_LEN], written: 0 };
            let status = match blocking::read_request(fixed, &config, &options, &mut head) {
                Ok(pending) => {
                    let refusal = Refusal::new(401).and_then(|r| r.with_field("WWW-Authenticate", "Basic")).unwrap();
                    let response = pending.request().reject(&refusal);
                    match pending.respond(response) {
                        Err(blocking::Error::Rejected { status, .. }) => status,
                        _ => 0,
                    }
                }
                Err(blocking::Error::Rejected { status, .. }) => status,
                Err(_) => 0,
            };
            statuses.push(status);
        }
    });
    let expected = [
        [101, 101, 401],
        [400, 400, 400],
        [505, 505, 505],
        [405, 405, 405],
        [400, 400, 400],
        [426, 426, 426],
        [400, 400, 400],
        [400, 400, 400],
    ];
    assert_eq!(statuses, expected.concat());
    assert_eq!(count, 0, "the handshakes allocated {count} times");
}

#[test]
fn the_counter_sees_an_allocation() {
    assert_eq!(allocations(|| drop(std::hint::black_box(vec![0u8; 16]))), 1);
}

impl tokio::io::AsyncRead for Fixed {
    fn poll_read(
        mut self: std::pin::Pin<&mut Self>,
        _: &mut std::task::Context<'_>,
        buf: &mut tokio::io::ReadBuf<'_>,
    ) -> std::task::Poll<io::Result<()>> {
        let n = self.input.len().min(buf.remaining()).min(7);
        let (now, rest) = self.input.split_at(n);
        buf.put_slice(now);
        self.input = rest;
        std::task::Poll::Ready(Ok(()))
    }
}

impl tokio::io::AsyncWrite for Fixed {
    fn poll_write(
        mut self: std::pin::Pin<&mut Self>,
        _: &mut std::task::Context<'_>,
        buf: &[u8],
    ) -> std::task::Poll<io::Result<usize>> {
        std::task::Poll::Ready(Transport::write(&mut *self, buf))
    }
    fn poll_flush(self: std::pin::Pin<&mut Self>, _: &mut std::task::Context<'_>) -> std::task::Poll<io::Result<()>> {
        std::task::Poll::Ready(Ok(()))
    }
    fn poll_shutdown(
        self: std::pin::Pin<&mut Self>,
        _: &mut std::task::Context<'_>,
    ) -> std::task::Poll<io::Result<()>> {
        std::task::Poll::Ready(Ok(()))
    }
}

/// The async driver allocates nothing per handshake either. The count runs
/// inside one `block_on`: building and entering the runtime is not the
/// driver's cost (entering it allocates once per `block_on`).
#[test]
fn no_async_handshake_allocates() {
    let config = Config { protocols: &["chat"], ..Config::default() }.validate().unwrap();
    let limits = ws_handshake::delivery::Limits::default();
    let runtime = tokio::runtime::Builder::new_current_thread().enable_time().build().expect("a runtime");
    let mut statuses = Vec::with_capacity(REQUESTS.len());
    let mut head = [0; 8192];
    // One handshake before counting: the runtime's timer sets itself up on first use.
    runtime.block_on(async {
        let fixed = Fixed { input: VALID, output: [0; MAX_RESPONSE_LEN], written: 0 };
        let _ = ws_handshake::tokio::accept(fixed, &config, &limits, &mut head).await;
    });
    // All handshakes in one `block_on`: entering the runtime is not the
    // driver's cost.
    let count = runtime.block_on(async {
        let mut count = 0;
        for request in REQUESTS {
            let fixed = Fixed { input: request, output: [0; MAX_RESPONSE_LEN], written: 0 };
            let before = ALLOCATIONS.with(Cell::get);
            WATCHING.with(|w| w.set(true));
            let status = match ws_handshake::tokio::accept(fixed, &config, &limits, &mut head).await {
                Ok(upgraded) => {
                    assert!(b"\x81\x80abcd".starts_with(upgraded.leftover));
                    101
                }
                Err(ws_handshake::tokio::Error::Rejected { status, .. }) => status,
                Err(_) => 0,
            };
            WATCHING.with(|w| w.set(false));
            count += ALLOCATIONS.with(Cell::get) - before;
            statuses.push(status);
        }
        count
    });
    assert_eq!(statuses, [101, 400, 505, 405, 400, 426, 400, 400]);
    assert_eq!(count, 0, "the async handshakes allocated {count} times");
}
