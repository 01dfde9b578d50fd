//! The async driver (feature `tokio`) over in-memory duplex pipes with small
//! buffers (short reads and writes for free) and paused time, so that the
//! deadline and the linger are exact and instant.
#![cfg(feature = "tokio")]

mod common;

use std::time::Duration;

use common::get;
use tokio::io::{AsyncReadExt, AsyncWriteExt, DuplexStream, duplex};
use ws_handshake::delivery::{Limits, LingerEnd};
use ws_handshake::tokio::{Error, accept, read_request};
use ws_handshake::{Refusal, ValidConfig};

/// Reads everything the server sends until it closes its side.
async fn read_to_end(client: &mut DuplexStream) -> Vec<u8> {
    let mut received = Vec::new();
    client.read_to_end(&mut received).await.expect("the response and a clean end");
    received
}

#[tokio::test(start_paused = true)]
async fn a_valid_handshake_is_upgraded_and_the_first_frame_kept() {
    let (mut client, server) = duplex(16);
    let frame = [0x81, 0x80, 1, 2, 3, 4];
    let request = [get(&[], &[]), frame.to_vec()].concat();
    let sending = tokio::spawn(async move {
        client.write_all(&request).await.expect("the request");
        let mut response = vec![0; 129];
        client.read_exact(&mut response).await.expect("the 101");
        response
    });
    let config = ValidConfig::default();
    let mut buf = [0; 8192];
    let upgraded = accept(server, &config, &Limits::default(), &mut buf).await.expect("upgraded");
    assert_eq!(upgraded.request.path(), "/chat");
    // Reads of 16 bytes: the head's last read may hold part of the frame.
    assert!(frame.starts_with(upgraded.leftover), "{:?}", upgraded.leftover);
    let response = sending.await.expect("the client");
    assert!(response.starts_with(b"HTTP/1.1 101 Switching Protocols\r\n"), "{:?}", String::from_utf8_lossy(&response));
    assert!(response.ends_with(b"Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n"));
}

#[tokio::test(start_paused = true)]
async fn a_stalled_client_gets_408_at_the_deadline() {
    let (mut client, server) = duplex(64);
    client.write_all(b"GET /chat HTTP/1.1\r\nHost: exa").await.expect("half a head");
    let limits = Limits::default();
    let config = ValidConfig::default();
    let started = tokio::time::Instant::now();
    let serving = tokio::spawn(async move {
        let mut buf = [0; 8192];
        read_request(server, &config, &limits, &mut buf).await.map(|_| ()).unwrap_err()
    });
    let response = read_to_end(&mut client).await;
    assert_eq!(started.elapsed(), limits.handshake_timeout, "answered at the deadline");
    assert!(response.starts_with(b"HTTP/1.1 408 Request Timeout\r\n"), "{:?}", String::from_utf8_lossy(&response));
    drop(client);
    let error = serving.await.expect("the server");
    assert!(matches!(error, Error::Rejected { status: 408, linger: LingerEnd::PeerClosed, .. }), "{error:?}");
}

#[tokio::test(start_paused = true)]
async fn a_rejection_is_delivered_half_closed_and_lingered() {
    let (mut client, server) = duplex(32);
    let limits = Limits { linger_time: Duration::from_secs(2), ..Limits::default() };
    let config = ValidConfig::default();
    let serving = tokio::spawn(async move {
        let mut buf = [0; 8192];
        read_request(server, &config, &limits, &mut buf).await.map(|_| ()).unwrap_err()
    });
    // A flood after the head's first line: answered at the first bad byte.
    client.write_all(b"\x16\x03\x01").await.expect("a TLS hello");
    let response = read_to_end(&mut client).await;
    let text = String::from_utf8_lossy(&response);
    assert!(text.starts_with("HTTP/1.1 400 Bad Request\r\nConnection: close\r\n"), "{text}");
    // The client keeps sending; the server reads and discards until its
    // linger time runs out.
    let started = tokio::time::Instant::now();
    for _ in 0..4 {
        client.write_all(&[0; 16]).await.expect("more bytes");
    }
    let error = serving.await.expect("the server");
    assert!(matches!(error, Error::Rejected { status: 400, rule: Some(_), linger: LingerEnd::TimeUp }), "{error:?}");
    assert!(started.elapsed() <= limits.linger_time);
}

#[tokio::test(start_paused = true)]
async fn the_applications_refusal_is_delivered() {
    let (mut client, server) = duplex(64);
    let config = ValidConfig::default();
    let serving = tokio::spawn(async move {
        let mut buf = [0; 8192];
        let pending = read_request(server, &config, &Limits::default(), &mut buf).await.expect("a valid request");
        let refusal = Refusal::new(404).and_then(|refusal| refusal.with_body("no\n")).expect("a refusal");
        let response = pending.request().reject(&refusal);
        pending.respond(response).await.map(|_| ()).unwrap_err()
    });
    client.write_all(&get(&[], &[])).await.expect("the request");
    let response = read_to_end(&mut client).await;
    assert_eq!(
        String::from_utf8_lossy(&response),
        "HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Type: text/plain; charset=utf-8\r\n\
         Content-Length: 3\r\n\r\nno\n"
    );
    drop(client);
    let error = serving.await.expect("the server");
    assert!(matches!(error, Error::Rejected { status: 404, rule: None, linger: LingerEnd::PeerClosed }), "{error:?}");
}
