"""Python websockets' echo server, a comparison peer of `cargo xtask peers`:
`websockets.asyncio.server.serve` with its defaults, every text and binary
message sent back. Usage: echo_server.py HOST:PORT."""

import asyncio
import sys

from websockets.asyncio.server import serve


async def echo(socket) -> None:
    async for message in socket:
        await socket.send(message)


async def main(address: str) -> None:
    host, port = address.rsplit(":", 1)
    async with serve(echo, host, int(port)) as server:
        await server.serve_forever()


asyncio.run(main(sys.argv[1]))
