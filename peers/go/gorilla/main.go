// Command gorilla is github.com/gorilla/websocket's echo server, a
// comparison peer of `cargo xtask peers`: a zero websocket.Upgrader (its
// defaults) on net/http's defaults, every text and binary message sent back.
// Usage: gorilla HOST:PORT.
package main

import (
	"log"
	"net/http"
	"os"

	"github.com/gorilla/websocket"
)

var upgrader websocket.Upgrader

func echo(w http.ResponseWriter, r *http.Request) {
	socket, err := upgrader.Upgrade(w, r, nil)
	if err != nil {
		return
	}
	defer socket.Close()
	for {
		kind, data, err := socket.ReadMessage()
		if err != nil || socket.WriteMessage(kind, data) != nil {
			return
		}
	}
}

func main() {
	log.Fatal(http.ListenAndServe(os.Args[1], http.HandlerFunc(echo)))
}
