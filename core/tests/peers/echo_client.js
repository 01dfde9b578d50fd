// Node ws's client against an echo server: a text and a binary message must
// come back unchanged, then the closing handshake completes.
// Usage: node echo_client.js ws://HOST:PORT/PATH. Prints "ok" and exits 0,
// or exits 1 with the reason.
"use strict";

const WebSocket = require("ws");

const sent = ["hello from node", Buffer.from([0, 1, 0x7f, 0x80, 0xff])];
const fail = (reason) => {
  console.error(reason);
  process.exit(1);
};
setTimeout(() => fail("no echo within 5 s"), 5000).unref();

const socket = new WebSocket(process.argv[2]);
let received = 0;
socket.on("open", () => socket.send(sent[0]));
socket.on("message", (data, isBinary) => {
  const expected = sent[received];
  const same = typeof expected === "string" ? !isBinary && data.toString() === expected : isBinary && data.equals(expected);
  if (!same) fail(`sent ${expected}, got ${data}`);
  received += 1;
  if (received < sent.length) socket.send(sent[received]);
  else socket.close(1000);
});
socket.on("close", (code) => {
  if (received !== sent.length || code !== 1000) fail(`closed with ${code} after ${received} echoes`);
  console.log("ok");
});
socket.on("error", (error) => fail(error.message));
