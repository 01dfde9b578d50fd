"""Python websockets' client against an echo server: a text and a binary
message must come back unchanged, then the closing handshake completes.
Usage: echo_client.py ws://HOST:PORT/PATH. Prints "ok" and exits 0, or
fails with the reason."""

import sys

from websockets.sync.client import connect


def main(url: str) -> None:
    with connect(url, open_timeout=5, close_timeout=5) as socket:
        for message in ["hello from python", bytes([0, 1, 0x7F, 0x80, 0xFF])]:
            socket.send(message)
            echo = socket.recv(timeout=5)
            if echo != message:
                sys.exit(f"sent {message!r}, got {echo!r}")
    print("ok")


main(sys.argv[1])
