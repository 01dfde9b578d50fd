//! The upgraded stream handed to frame libraries, over real loopback
//! sockets: tokio-tungstenite takes the bytes read past the head itself
//! (`from_partially_read`), fastwebsockets takes a raw stream and gets a
//! [`Replay`] that reads them first. Each echoes for a real client
//! (tokio-tungstenite's) and for one that sends its first frame in the head's
//! segment, the frame the driver has already read. Every wait is bounded.
#![cfg(feature = "tokio")]

mod common;

use std::net::SocketAddr;
use std::time::Duration;

use common::{KEY, get};
use fastwebsockets::{Frame, OpCode, WebSocket};
use futures_util::{SinkExt, StreamExt};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::time::timeout;
use tokio_tungstenite::WebSocketStream;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::protocol::Role;
use ws_handshake::delivery::Limits;
use ws_handshake::tokio::{Replay, accept};
use ws_handshake::{ValidConfig, accept_key};

/// How long a whole exchange may take.
const TIMEOUT: Duration = Duration::from_secs(5);

/// The frame library the server hands the upgraded stream to.
#[derive(Clone, Copy, Debug)]
enum Library {
    Tungstenite,
    Fastwebsockets,
}

/// What the server saw: how many bytes were read past the head, and how
/// many messages it echoed before the client closed.
#[derive(Debug, PartialEq)]
struct Served {
    leftover: usize,
    echoed: usize,
}

/// Accepts one connection, runs the handshake, and echoes with `library`
/// until the client closes.
async fn serve_one(listener: TcpListener, library: Library) -> Served {
    let (stream, _) = listener.accept().await.expect("accept");
    let config = ValidConfig::default();
    let mut head = [0; 8192];
    let upgraded = accept(stream, &config, &Limits::default(), &mut head).await.expect("upgraded");
    let leftover = upgraded.leftover.len();
    let mut echoed = 0;
    match library {
        Library::Tungstenite => {
            let mut socket =
                WebSocketStream::from_partially_read(upgraded.stream, upgraded.leftover.to_vec(), Role::Server, None)
                    .await;
            while let Some(message) = socket.next().await {
                let message = message.expect("a message");
                if message.is_text() || message.is_binary() {
                    socket.send(message).await.expect("the echo");
                    echoed += 1;
                }
            }
        }
        Library::Fastwebsockets => {
            let mut socket = WebSocket::after_handshake(
                Replay::new(upgraded.leftover, upgraded.stream),
                fastwebsockets::Role::Server,
            );
            loop {
                let frame = socket.read_frame().await.expect("a frame");
                match frame.opcode {
                    OpCode::Text | OpCode::Binary => {
                        // Unmasked: a server's frames carry no mask.
                        let echo = Frame::new(true, frame.opcode, None, frame.payload);
                        socket.write_frame(echo).await.expect("the echo");
                        echoed += 1;
                    }
                    // Answered by fastwebsockets itself.
                    OpCode::Close => break,
                    _ => {}
                }
            }
        }
    }
    Served { leftover, echoed }
}

/// A listener on an ephemeral loopback port, served by `library` in a task.
async fn start(library: Library) -> (SocketAddr, tokio::task::JoinHandle<Served>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind 127.0.0.1:0");
    let addr = listener.local_addr().expect("local address");
    (addr, tokio::spawn(serve_one(listener, library)))
}

/// tokio-tungstenite's client: a text and a binary message echoed, then the
/// closing handshake.
async fn real_client(addr: SocketAddr) {
    let stream = TcpStream::connect(addr).await.expect("connect");
    let (mut socket, response) =
        tokio_tungstenite::client_async(format!("ws://{addr}/chat"), stream).await.expect("the handshake");
    assert_eq!(response.status(), 101);
    for message in [Message::text("hello"), Message::binary(vec![0u8, 1, 0xfe, 0xff])] {
        socket.send(message.clone()).await.expect("send");
        assert_eq!(socket.next().await.expect("a message").expect("the echo"), message);
    }
    socket.close(None).await.expect("close");
    while let Some(Ok(_)) = socket.next().await {}
}

/// A client frame: FIN set, `opcode`, masked as RFC 6455 section 5.3 says.
fn masked_frame(opcode: u8, payload: &[u8]) -> Vec<u8> {
    let mask = [0x37, 0xfa, 0x21, 0x3d];
    let mut frame = vec![0x80 | opcode, 0x80 | u8::try_from(payload.len()).expect("a short payload")];
    frame.extend_from_slice(&mask);
    frame.extend(payload.iter().zip(mask.iter().cycle()).map(|(b, m)| b ^ m));
    frame
}

/// Sends the head and a text frame in one write, reads the 101 and the
/// echo, then closes with 1000 and reads the server's close.
async fn same_segment_client(addr: SocketAddr) {
    let mut stream = TcpStream::connect(addr).await.expect("connect");
    stream.set_nodelay(true).expect("nodelay");
    let payload = b"sent with the head";
    stream.write_all(&[get(&[], &[]), masked_frame(0x1, payload)].concat()).await.expect("head and frame");
    let echo = [&[0x81, payload.len() as u8][..], payload].concat();
    let accept = String::from_utf8(accept_key(KEY.as_bytes()).to_vec()).expect("ASCII");
    let head = format!(
        "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\
         Sec-WebSocket-Accept: {accept}\r\n\r\n"
    );
    let mut received = vec![0; head.len() + echo.len()];
    stream.read_exact(&mut received).await.expect("the 101 and the echo");
    assert_eq!(String::from_utf8_lossy(&received[..head.len()]), head);
    assert_eq!(received[head.len()..], echo, "the echo of the frame sent with the head");
    stream.write_all(&masked_frame(0x8, &[0x03, 0xe8])).await.expect("close");
    let mut close = [0; 4];
    stream.read_exact(&mut close).await.expect("the server's close");
    assert_eq!(close, [0x88, 0x02, 0x03, 0xe8]);
}

async fn check(library: Library, same_segment: bool) {
    let exchange = async {
        let (addr, server) = start(library).await;
        if same_segment {
            same_segment_client(addr).await
        } else {
            real_client(addr).await
        }
        server.await.expect("the server")
    };
    let served = timeout(TIMEOUT, exchange).await.expect("within the timeout");
    if same_segment {
        // The frame came with the head, so the driver read it: only the
        // hand-off can give it to the library.
        assert_eq!(served, Served { leftover: 2 + 4 + 18, echoed: 1 }, "{library:?}");
    } else {
        assert_eq!(served, Served { leftover: 0, echoed: 2 }, "{library:?}");
    }
}

#[tokio::test]
async fn tokio_tungstenite_echoes_a_real_client() {
    check(Library::Tungstenite, false).await;
}

#[tokio::test]
async fn tokio_tungstenite_gets_the_frame_read_with_the_head() {
    check(Library::Tungstenite, true).await;
}

#[tokio::test]
async fn fastwebsockets_echoes_a_real_client() {
    check(Library::Fastwebsockets, false).await;
}

#[tokio::test]
async fn fastwebsockets_gets_the_frame_read_with_the_head_through_replay() {
    check(Library::Fastwebsockets, true).await;
}
