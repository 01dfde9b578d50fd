//! A link-time proof that the public sans-IO surface of `ws-handshake`
//! cannot panic, whatever its inputs.
//!
//! Each function below calls one public function of the library, its
//! arguments and result opaque to the optimizer, under dtolnay's
//! `#[no_panic]`: the attribute makes the function call an undefined symbol
//! if it unwinds, and the link fails ("detected panic in function
//! `accept_key`") unless the compiler proves that it never does: no
//! reachable `panic!`, index out of bounds, failed `unwrap`, slice split
//! past the end or, since the profile checks it, arithmetic overflow.
//! `main` calls every one of them, so that all are linked.
//!
//! `cargo xtask proof` builds it (`--release`, its own profile: fat LTO,
//! one codegen unit, overflow checks on) and lists what it covers. It only
//! proves anything in that build, which is why it lives outside the main
//! workspace.
#![forbid(unsafe_code)]

use std::hint::black_box;
use std::time::Duration;

use no_panic::no_panic;
use ws_handshake::delivery::{Delivery, Limits, Next};
use ws_handshake::{
    Config, ConfigError, DecisionError, Handshake, InsufficientSize, Progress, Refusal, Rejection, Request, Response,
    Status, ValidConfig, accept_key, reason_phrase,
};

// The handshake: feeding bytes and reading the decision.

/// `Config::validate`
#[no_panic]
#[inline(never)]
fn config_validate(config: Config<'static>) -> Result<ValidConfig<'static>, ConfigError> {
    config.validate()
}

/// `Handshake::new`
#[no_panic]
#[inline(never)]
fn handshake_new<'a>(config: &'a ValidConfig<'a>, buf: &'a mut [u8]) -> Option<Handshake<'a>> {
    Handshake::new(config, buf).ok()
}

/// `Handshake::unfilled`
#[no_panic]
#[inline(never)]
fn handshake_unfilled(handshake: &mut Handshake<'_>) -> usize {
    handshake.unfilled().len()
}

/// `Handshake::filled`: the parser and the rules, on every byte fed
#[no_panic]
#[inline(never)]
fn handshake_filled(handshake: &mut Handshake<'_>, n: usize) -> Status {
    handshake.filled(n)
}

/// `Handshake::into_progress`: the validation of a complete head
#[no_panic]
#[inline(never)]
fn handshake_into_progress(handshake: Handshake<'_>) -> Progress<'_> {
    handshake.into_progress()
}

/// `Handshake::timed_out`: the deadline's answer
#[no_panic]
#[inline(never)]
fn handshake_timed_out(handshake: Handshake<'_>) -> Rejection {
    handshake.timed_out()
}

// The request a valid handshake gives, and the application's decisions.

/// `Request::{path, query, host, key, field, protocols, extensions, fields, leftover}`
#[no_panic]
#[inline(never)]
fn request_fields(request: &Request<'_>, name: &str) -> usize {
    let (path, query, host, key) = (request.path(), request.query(), request.host(), request.key());
    let found = request.field(name).map_or(0, <[u8]>::len);
    let lists = request.protocols().count() ^ request.extensions().count() ^ request.fields().count();
    path.len() ^ query.map_or(0, str::len) ^ host.len() ^ key.len() ^ found ^ lists ^ request.leftover().len()
}

/// `Request::accept`
#[no_panic]
#[inline(never)]
fn request_accept<'a>(request: &Request<'a>) -> Response<'a> {
    request.accept()
}

/// `Request::accept_with`
#[no_panic]
#[inline(never)]
fn request_accept_with<'a>(request: &Request<'a>, protocol: Option<&str>) -> Result<Response<'a>, DecisionError> {
    request.accept_with(protocol)
}

/// `Request::reject`
#[no_panic]
#[inline(never)]
fn request_reject<'r>(request: &Request<'_>, refusal: &'r Refusal<'r>) -> Response<'r> {
    request.reject(refusal)
}

/// `Refusal::new`
#[no_panic]
#[inline(never)]
fn refusal_new(status: u16) -> Result<Refusal<'static>, DecisionError> {
    Refusal::new(status)
}

/// `Refusal::with_field`
#[no_panic]
#[inline(never)]
fn refusal_with_field<'r>(refusal: Refusal<'r>, name: &'r str, value: &'r str) -> Result<Refusal<'r>, DecisionError> {
    refusal.with_field(name, value)
}

/// `Refusal::with_body`
#[no_panic]
#[inline(never)]
fn refusal_with_body<'r>(refusal: Refusal<'r>, body: &'r str) -> Result<Refusal<'r>, DecisionError> {
    refusal.with_body(body)
}

/// `reason_phrase`
#[no_panic]
#[inline(never)]
fn status_reason(status: u16) -> Option<&'static str> {
    reason_phrase(status)
}

// The answers: every response is written by `Response::write`.

/// `Progress::response`
#[no_panic]
#[inline(never)]
fn progress_response<'a>(progress: &Progress<'a>) -> Option<Response<'a>> {
    progress.response()
}

/// `Rejection::response`
#[no_panic]
#[inline(never)]
fn rejection_response(rejection: &Rejection) -> Response<'static> {
    rejection.response()
}

/// `Response::write`: every response's bytes, the 101 and its accept key included
#[no_panic]
#[inline(never)]
fn response_write(response: &Response<'_>, buf: &mut [u8]) -> Result<usize, InsufficientSize> {
    response.write(buf)
}

/// `accept_key`
#[no_panic]
#[inline(never)]
fn accept(key: &[u8]) -> [u8; 28] {
    accept_key(key)
}

// The delivery policy: its constructor, its step function and its events.

/// `Delivery::new`
#[no_panic]
#[inline(never)]
fn delivery_new(limits: &Limits, now: Duration) -> Delivery {
    Delivery::new(limits, now)
}

/// `Delivery::poll`: the delivery policy's step function
#[no_panic]
#[inline(never)]
fn delivery_poll(delivery: &mut Delivery, now: Duration) -> usize {
    match delivery.poll(now) {
        Next::Write(bytes) => bytes.len(),
        other => usize::from(matches!(other, Next::Flush)),
    }
}

/// `Delivery::{respond, wrote, flushed, shut_down, discarded, response}`
#[no_panic]
#[inline(never)]
fn delivery_events(delivery: &mut Delivery, response: &Response<'_>, event: u8, n: usize) -> usize {
    match event % 6 {
        0 => delivery.respond(response),
        1 => delivery.wrote(n),
        2 => delivery.flushed(),
        3 => delivery.shut_down(),
        4 => delivery.discarded(n),
        _ => {}
    }
    delivery.response().len()
}

/// Calls every function above with opaque arguments, so that each is
/// compiled for any input and linked.
fn main() {
    let config = config_validate(black_box(Config::default())).unwrap_or_default();
    let mut buf = vec![0; config.max_head_len];
    let bytes = black_box(b"GET / HTTP/1.1\r\n\r\n");
    let mut progress = None;
    if let Some(mut handshake) = handshake_new(&config, black_box(&mut buf)) {
        let n = handshake_unfilled(&mut handshake).min(bytes.len());
        handshake.unfilled()[..n].copy_from_slice(&bytes[..n]);
        let _ = black_box(handshake_filled(&mut handshake, black_box(n)));
        progress = Some(handshake_into_progress(handshake));
    }
    let mut other = vec![0; config.max_head_len];
    if let Some(handshake) = handshake_new(&config, &mut other) {
        black_box(handshake_timed_out(handshake));
    }
    let fallback = rejection_response(&black_box(Rejection::new(ws_handshake::Rule::HeadTimeout, false)));
    let response = progress.as_ref().and_then(progress_response).unwrap_or(fallback);
    if let Some(Progress::Request(request)) = &progress {
        black_box(request_fields(request, black_box("origin")));
        let _ = black_box(request_accept(request));
        black_box(request_accept_with(request, black_box(Some("chat"))).ok());
        let refusal = refusal_new(black_box(403)).ok();
        let refusal = refusal.and_then(|refusal| refusal_with_field(refusal, black_box("X-Why"), black_box("no")).ok());
        if let Some(refusal) = refusal.and_then(|refusal| refusal_with_body(refusal, black_box("go away")).ok()) {
            let _ = black_box(request_reject(request, &refusal));
        }
    }
    black_box(status_reason(black_box(404)));
    let mut out = [0; 1024];
    black_box(response_write(&response, black_box(&mut out)).ok());
    black_box(accept(black_box(b"dGhlIHNhbXBsZSBub25jZQ==")));
    let mut delivery = delivery_new(&black_box(Limits::default()), black_box(Duration::ZERO));
    for event in 0..black_box(6) {
        black_box(delivery_poll(&mut delivery, black_box(Duration::from_millis(u64::from(event)))));
        black_box(delivery_events(&mut delivery, &response, event, black_box(10)));
    }
}
