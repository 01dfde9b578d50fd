"""Python websockets' client against an echo server: a text and a binary
message must come back unchanged, then the closing handshake completes.
Usage: echo_client.py ws://HOST:PORT/PATH, or echo_client.py
wss://HOST:PORT/PATH CA_FILE to trust the server's certificate in the PEM
file CA_FILE. Prints "ok" and exits 0, or fails with the reason."""

import ssl
import sys

from websockets.sync.client import connect


def main(url: str, ca_file: str | None) -> None:
    context = ssl.create_default_context(cafile=ca_file) if ca_file else None
    with connect(url, open_timeout=5, close_timeout=5, ssl=context) as socket:
        for message in ["hello from python", bytes([0, 1, 0x7F, 0x80, 0xFF])]:
            socket.send(message)
            echo = socket.recv(timeout=5)
            if echo != message:
                sys.exit(f"sent {message!r}, got {echo!r}")
    print("ok")


main(sys.argv[1], sys.argv[2] if len(sys.argv) > 2 else None)
