// Command nhooyr is nhooyr.io/websocket's (now coder/websocket) echo
// server, a comparison peer of `cargo xtask peers`: websocket.Accept with
// nil options (its defaults) on net/http's defaults, every text and binary
// message sent back. Usage: nhooyr HOST:PORT.
package main

import (
	"context"
	"log"
	"net/http"
	"os"

	"nhooyr.io/websocket"
)

func echo(w http.ResponseWriter, r *http.Request) {
	socket, err := websocket.Accept(w, r, nil)
	if err != nil {
		return
	}
	defer socket.Close(websocket.StatusInternalError, "")
	ctx := context.Background()
	for {
		kind, data, err := socket.Read(ctx)
		if err != nil || socket.Write(ctx, kind, data) != nil {
			return
		}
	}
}

func main() {
	log.Fatal(http.ListenAndServe(os.Args[1], http.HandlerFunc(echo)))
}
