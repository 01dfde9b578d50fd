//! A rough timing with `std::time`: accepting Chrome's handshake end to end
//! (parse, validate, accept key, write the 101) beside httparse alone parsing
//! the same bytes and the accept key alone.
//!
//! ```text
//! cargo run --release -p ws-handshake --example timing [ITERATIONS]
//! ```

use std::hint::black_box;
use std::time::Instant;

use ws_handshake::{Config, Handshake, MAX_RESPONSE_LEN, Outcome, accept_key};

/// Chrome 131's opening handshake, copied from `shared/bench/`.
const CHROME: &[u8] = include_bytes!("../benches/data/chrome-handshake.http");

/// Nanoseconds per call of `f`, over `iterations` calls.
fn time(iterations: u32, mut f: impl FnMut()) -> f64 {
    let start = Instant::now();
    for _ in 0..iterations {
        f();
    }
    start.elapsed().as_nanos() as f64 / f64::from(iterations)
}

fn main() {
    let iterations = std::env::args().nth(1).and_then(|n| n.parse().ok()).unwrap_or(1_000_000);
    let config = Config::default();
    let accept = || {
        let mut handshake = Handshake::new(&config).expect("default config");
        let mut response = [0; MAX_RESPONSE_LEN];
        match handshake.feed(black_box(CHROME), false) {
            Outcome::Accept(accepted) => black_box(accepted.write_response(&mut response).ok()),
            _ => panic!("Chrome's handshake was not accepted"),
        };
    };
    let httparse = || {
        let mut headers = [httparse::EMPTY_HEADER; 64];
        let mut request = httparse::Request::new(&mut headers);
        black_box(request.parse(black_box(CHROME)).ok());
    };
    let key = || {
        black_box(accept_key(black_box(b"dGhlIHNhbXBsZSBub25jZQ==")));
    };
    // Warm up, then measure each three times and keep the best.
    for f in [&accept as &dyn Fn(), &httparse, &key] {
        time(iterations / 10, f);
    }
    let best = |f: &dyn Fn()| (0..3).map(|_| time(iterations, f)).fold(f64::INFINITY, f64::min);
    let (ours, parse, key) = (best(&accept), best(&httparse), best(&key));
    println!("{} bytes, {iterations} iterations, best of 3", CHROME.len());
    println!("accept (parse + validate + key + 101) {ours:8.1} ns");
    println!("httparse alone                        {parse:8.1} ns");
    println!("accept key alone (SHA-1 + base64)     {key:8.1} ns");
    println!("accept / httparse                     {:8.2}", ours / parse);
    println!("accept / (httparse + key)             {:8.2}", ours / (parse + key));
}
