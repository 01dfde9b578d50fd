// Node ws's echo server, a comparison peer of `cargo xtask peers`:
// `new WebSocketServer({ host, port })` with its defaults, every text and
// binary message sent back as it came. Usage: node echo_server.js HOST:PORT.
"use strict";

const { WebSocketServer } = require("ws");

const address = process.argv[2];
const colon = address.lastIndexOf(":");
const server = new WebSocketServer({ host: address.slice(0, colon), port: Number(address.slice(colon + 1)) });
server.on("connection", (socket) => {
  // A bad frame is an 'error' event; without a listener Node ends the process.
  socket.on("error", () => {});
  socket.on("message", (data, isBinary) => socket.send(data, { binary: isBinary }));
});
