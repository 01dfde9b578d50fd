//! The tokio echo server's connection handling, shared by `main.rs` and the
//! loopback tests so that both run the same code.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{Semaphore, watch};
use tokio::time::{sleep, timeout};
use tokio_rustls::TlsAcceptor;
use tokio_tungstenite::WebSocketStream;
use tokio_tungstenite::tungstenite;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
use tokio_tungstenite::tungstenite::protocol::{CloseFrame, Role};
use ws_handshake::tokio::{Error, Pending, read_request};

use crate::settings::{self, Settings};

/// How long a write to a peer may wait, so that a client that stops reading
/// cannot hold a connection for ever.
const WRITE_TIMEOUT: Duration = Duration::from_secs(10);
/// How long an open WebSocket has to finish its closing handshake once the
/// server shuts down.
const CLOSE_TIMEOUT: Duration = Duration::from_secs(2);
/// How long to wait before accepting again after `accept` failed (out of
/// file descriptors, say), instead of spinning.
const ACCEPT_BACKOFF: Duration = Duration::from_millis(50);

/// Accepts connections until `shutdown` resolves, each in its own task, at
/// most `max_connections` at once: beyond that, new connections wait in the
/// listen backlog. With `tls`, each connection's TLS handshake comes first.
/// Then stops accepting, closes open WebSockets with 1001 (going away), and
/// returns once every connection has ended: a handshake in flight still gets
/// its answer, delivered and lingered.
pub async fn serve(
    listener: TcpListener,
    settings: &'static Settings,
    max_connections: usize,
    tls: Option<TlsAcceptor>,
    shutdown: impl Future<Output = ()>,
) {
    let max_connections = u32::try_from(max_connections).unwrap_or(u32::MAX).min(Semaphore::MAX_PERMITS as u32);
    let slots = Arc::new(Semaphore::new(max_connections as usize));
    let (stop, stopping) = watch::channel(false);
    tokio::pin!(shutdown);
    loop {
        let accepted = tokio::select! {
            () = &mut shutdown => break,
            accepted = accept(&listener, &slots) => accepted,
        };
        let Some((slot, stream, peer)) = accepted else { continue };
        let (stopping, tls) = (stopping.clone(), tls.clone());
        tokio::spawn(async move {
            settings::log(connection(tls, stream, peer, settings, stopping).await);
            drop(slot);
        });
    }
    drop(listener);
    let _ = stop.send(true);
    // Every slot back: every connection has ended.
    if slots.acquire_many(max_connections).await.is_err() {
        eprintln!("connection slots closed");
    }
}

/// Waits for a free slot, then for a connection.
async fn accept(
    listener: &TcpListener,
    slots: &Arc<Semaphore>,
) -> Option<(tokio::sync::OwnedSemaphorePermit, TcpStream, SocketAddr)> {
    let slot = Arc::clone(slots).acquire_owned().await.ok()?;
    match listener.accept().await {
        Ok((stream, peer)) => Some((slot, stream, peer)),
        Err(e) => {
            eprintln!("accept failed: {e}");
            sleep(ACCEPT_BACKOFF).await;
            None
        }
    }
}

/// Serves one connection: [`handle`] on the TCP stream, or with `tls` on the
/// stream TLS decrypts. Returns the connection's log line.
async fn connection(
    tls: Option<TlsAcceptor>,
    stream: TcpStream,
    peer: SocketAddr,
    settings: &Settings,
    stopping: watch::Receiver<bool>,
) -> String {
    if let Err(e) = stream.set_nodelay(true) {
        return format!("{peer} error - setting socket options: {e}");
    }
    match tls {
        // Boxed, so that TLS's state is not part of every plain connection's
        // task.
        Some(tls) => Box::pin(secure(tls, stream, peer, settings, stopping)).await,
        None => handle(stream, peer, settings, stopping).await,
    }
}

/// Runs TLS's handshake within the head deadline, then [`handle`] on the
/// decrypted stream. A client that is not speaking TLS gets whatever rustls
/// answers (an alert, or nothing) and the close.
async fn secure(
    tls: TlsAcceptor,
    stream: TcpStream,
    peer: SocketAddr,
    settings: &Settings,
    stopping: watch::Receiver<bool>,
) -> String {
    match timeout(settings.limits.handshake_timeout, tls.accept(stream)).await {
        Ok(Ok(stream)) => handle(stream, peer, settings, stopping).await,
        Ok(Err(e)) => format!("{peer} error - TLS: {e}"),
        Err(_) => format!("{peer} error - TLS: no handshake within the head deadline"),
    }
}

/// Runs the handshake on one connection and, once accepted, echoes every
/// text and binary message until the client closes or the server stops.
/// Returns the connection's log line: peer, outcome, status.
async fn handle<S: AsyncRead + AsyncWrite + Unpin>(
    stream: S,
    peer: SocketAddr,
    settings: &Settings,
    stopping: watch::Receiver<bool>,
) -> String {
    // A pending handshake's task holds this buffer, the socket and the
    // reading driver's state; what comes after the head is boxed, so that
    // the states of the response and the echo do not enlarge every task.
    let mut head = vec![0; settings.config.max_head_len];
    let read = read_request(stream, &settings.config, &settings.limits, &mut head);
    Box::pin(answer(read.await, peer, settings, stopping)).await
}

/// Answers a valid request and, once it is accepted, echoes. Returns the
/// connection's log line.
async fn answer<S: AsyncRead + AsyncWrite + Unpin>(
    read: Result<Pending<'_, S>, Error>,
    peer: SocketAddr,
    settings: &Settings,
    stopping: watch::Receiver<bool>,
) -> String {
    // The pending request is gone by the first `await`, moved into the
    // response's future: the future of `answer` holds it once, not twice.
    let responding = match read {
        Ok(pending) => {
            let response = settings.answer(pending.request());
            pending.respond(response)
        }
        Err(e) => return settings::not_upgraded(peer, &e),
    };
    match responding.await {
        Ok(upgraded) => {
            let line = settings::accepted(peer, &upgraded.request, upgraded.protocol);
            let socket =
                WebSocketStream::from_partially_read(upgraded.stream, upgraded.leftover.to_vec(), Role::Server, None)
                    .await;
            match echo(socket, stopping).await {
                Ok(messages) => format!("{line} echoed={messages}"),
                Err(e) => format!("{line} echo-error={e}"),
            }
        }
        Err(e) => settings::not_upgraded(peer, &e),
    }
}

/// Sends every text and binary message back; returns how many it echoed once
/// the client has closed, or once the server stopped and the closing
/// handshake ended.
async fn echo<S: AsyncRead + AsyncWrite + Unpin>(
    mut socket: WebSocketStream<S>,
    mut stopping: watch::Receiver<bool>,
) -> tungstenite::Result<usize> {
    // One wait for the whole connection, not one per message.
    let stop = async move {
        let _ = stopping.wait_for(|stop| *stop).await;
    };
    tokio::pin!(stop);
    let mut echoed = 0;
    loop {
        let message = tokio::select! {
            message = socket.next() => message,
            () = &mut stop => return close(socket).await.map(|()| echoed),
        };
        match message {
            Some(Ok(message)) if message.is_text() || message.is_binary() => {
                match timeout(WRITE_TIMEOUT, socket.send(message)).await {
                    Ok(sent) => sent?,
                    Err(_) => return Err(tungstenite::Error::Io(std::io::ErrorKind::TimedOut.into())),
                }
                echoed += 1;
            }
            // Pings are answered and closes completed by tungstenite itself.
            Some(Ok(_)) => {}
            None => return Ok(echoed),
            Some(Err(e)) => return Err(e),
        }
    }
}

/// Starts the closing handshake with 1001 (going away) and reads until the
/// client completes it, for at most [`CLOSE_TIMEOUT`].
async fn close<S: AsyncRead + AsyncWrite + Unpin>(mut socket: WebSocketStream<S>) -> tungstenite::Result<()> {
    let frame = CloseFrame { code: CloseCode::Away, reason: "the server is shutting down".into() };
    let closing = async {
        socket.close(Some(frame)).await?;
        while let Some(message) = socket.next().await {
            message?;
        }
        Ok(())
    };
    timeout(CLOSE_TIMEOUT, closing).await.unwrap_or(Err(tungstenite::Error::Io(std::io::ErrorKind::TimedOut.into())))
}
