//! A stream that first gives back the bytes read past the head.

use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};

/// An upgraded stream whose reads return the bytes that arrived with the
/// head (`Upgraded::leftover`) before anything else the stream holds; writes
/// go straight to the stream.
///
/// Frame libraries that take a raw stream and no leftover bytes (for example
/// fastwebsockets' `WebSocket::after_handshake`) would otherwise miss a first
/// frame sent in the head's segment. Allocates nothing: it borrows the
/// leftover from the head buffer.
///
/// ```
/// # async fn f(upgraded: ws_handshake::tokio::Upgraded<'_, tokio::io::DuplexStream>) {
/// use ws_handshake::tokio::Replay;
/// let stream = Replay::new(upgraded.leftover, upgraded.stream);
/// // Hand `stream` to the frame library.
/// # }
/// ```
#[derive(Debug)]
pub struct Replay<'a, S> {
    leftover: &'a [u8],
    stream: S,
}

impl<'a, S> Replay<'a, S> {
    /// Reads `leftover` first, then `stream`.
    pub const fn new(leftover: &'a [u8], stream: S) -> Self {
        Replay { leftover, stream }
    }

    /// The leftover bytes not read yet, and the stream.
    pub fn into_parts(self) -> (&'a [u8], S) {
        (self.leftover, self.stream)
    }
}

impl<S: AsyncRead + Unpin> AsyncRead for Replay<'_, S> {
    fn poll_read(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<io::Result<()>> {
        if self.leftover.is_empty() {
            return Pin::new(&mut self.stream).poll_read(cx, buf);
        }
        let (now, later) = self.leftover.split_at(self.leftover.len().min(buf.remaining()));
        buf.put_slice(now);
        self.leftover = later;
        Poll::Ready(Ok(()))
    }
}

impl<S: AsyncWrite + Unpin> AsyncWrite for Replay<'_, S> {
    fn poll_write(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.stream).poll_write(cx, buf)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.stream).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.stream).poll_shutdown(cx)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.stream).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.stream.is_write_vectored()
    }
}

#[cfg(test)]
mod tests {
    use super::Replay;
    use tokio::io::{AsyncReadExt, AsyncWriteExt, duplex};

    #[tokio::test]
    async fn the_leftover_comes_first_in_reads_of_any_size() {
        let (mut client, server) = duplex(64);
        client.write_all(b" and then the stream").await.expect("write");
        drop(client);
        let mut replay = Replay::new(b"the leftover", server);
        let mut small = [0; 5];
        assert_eq!(replay.read(&mut small).await.expect("read"), 5);
        assert_eq!(&small, b"the l");
        let mut rest = Vec::new();
        replay.read_to_end(&mut rest).await.expect("read the rest");
        assert_eq!(rest, b"eftover and then the stream");
    }

    #[tokio::test]
    async fn writes_go_to_the_stream() {
        let (mut client, server) = duplex(64);
        let mut replay = Replay::new(b"unread", server);
        replay.write_all(b"to the client").await.expect("write");
        replay.shutdown().await.expect("shutdown");
        let mut received = Vec::new();
        client.read_to_end(&mut received).await.expect("read");
        assert_eq!(received, b"to the client");
        assert_eq!(replay.into_parts().0, b"unread");
    }
}
