#!/usr/bin/env python3
"""Replays the named cases against a WebSocket server, from manifest.json
alone, with Python's standard library: a check of the corpus that needs no
Rust.

Usage: replay.py HOST:PORT [--stall SECS] [--exact]

For each case of manifest.json it sends the file's bytes, ends its side as
the case's "client" says (keep-open, half-close, stall), reads the answer
until the server ends the stream, a 101 head is complete, or the wait runs
out, and compares the status line's code with the manifest's: the expected
status passes; with --exact nothing else does, without it a status listed
in "also_sound" (or "4xx" / "5xx" for any of those) is sound too. Prints a
line per case and a summary; exits 1 when a case got neither.

--stall is how long a "stall" case waits for its answer: above the
server's handshake deadline (default 12 s).
"""

import json
import socket
import sys
import threading
from pathlib import Path

HERE = Path(__file__).resolve().parent
ANSWER_WITHIN = 5.0
MAX_RESPONSE = 1 << 20


def exchange(address, data, client, wait):
    """Sends data and reads the answer: (bytes, how the stream ended)."""
    sock = socket.create_connection(address, timeout=ANSWER_WITHIN)
    try:
        sender = threading.Thread(target=send, args=(sock, data, client), daemon=True)
        sender.start()
        sock.settimeout(wait)
        received = b""
        while len(received) <= MAX_RESPONSE:
            try:
                chunk = sock.recv(16384)
            except socket.timeout:
                return received, "open"
            except ConnectionResetError:
                return received, "reset"
            if not chunk:
                return received, "end of stream"
            received += chunk
            if received.startswith(b"HTTP/1.1 101 ") and b"\r\n\r\n" in received:
                return received, "upgraded"
        return received, "open"
    finally:
        sock.close()


def send(sock, data, client):
    try:
        sock.sendall(data)
        if client == "half-close":
            sock.shutdown(socket.SHUT_WR)
    except OSError:
        pass  # the server may answer and close before the whole request is sent


def status_of(response):
    """The status code of the response's status line, or None."""
    line = response.split(b"\r\n", 1)[0].split(b" ")
    if len(line) >= 2 and line[0].startswith(b"HTTP/1.") and line[1].isdigit() and len(line[1]) == 3:
        return int(line[1])
    return None


def sound(case, status, exact):
    if status == case["expect"]["status"]:
        return True
    if exact or status is None:
        return False
    for other in case["also_sound"]:
        allowed = other["status"]
        if allowed == status or (isinstance(allowed, str) and allowed == f"{status // 100}xx"):
            return True
    return False


def main(argv):
    if not argv or argv[0].startswith("-"):
        sys.exit(__doc__)
    host, _, port = argv[0].rpartition(":")
    address = (host, int(port))
    stall = float(argv[argv.index("--stall") + 1]) if "--stall" in argv else 12.0
    exact = "--exact" in argv
    manifest = json.loads((HERE / "manifest.json").read_text(encoding="utf-8"))
    cases = manifest["cases"]
    results = {}

    def run(case):
        data = (HERE / "cases" / case["file"]).read_bytes()
        wait = stall if case["client"] == "stall" else ANSWER_WITHIN
        try:
            response, ending = exchange(address, data, case["client"], wait)
        except OSError as error:
            results[case["file"]] = (None, f"connect: {error}")
            return
        status = status_of(response)
        results[case["file"]] = (status, ending if response else "nothing")

    try:
        socket.create_connection(address, timeout=ANSWER_WITHIN).close()
    except OSError as error:
        sys.exit(f"{argv[0]}: {error}")
    threads = [threading.Thread(target=run, args=(case,)) for case in cases]
    for i in range(0, len(threads), 16):
        for thread in threads[i : i + 16]:
            thread.start()
        for thread in threads[i : i + 16]:
            thread.join()
    failed = 0
    for case in cases:
        status, ending = results[case["file"]]
        ok = sound(case, status, exact)
        failed += not ok
        got = "-" if status is None else status
        print(f"{case['file']:<52} {case['expect']['status']:>3}  {got!s:>3}  {ending:<14} {'ok' if ok else 'FAIL'}")
    print(f"\n{argv[0]}: {len(cases) - failed}/{len(cases)} {'exact' if exact else 'sound'}")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main(sys.argv[1:])
