// Command xnet is golang.org/x/net/websocket's echo server, a comparison
// peer of `cargo xtask peers`: websocket.Handler (its default origin check)
// on net/http's defaults, every text and binary message sent back as it
// came. Usage: xnet HOST:PORT.
package main

import (
	"log"
	"net/http"
	"os"

	"golang.org/x/net/websocket"
)

// message is one frame's payload and its type (text or binary).
type message struct {
	data []byte
	kind byte
}

// codec keeps a message's type, which websocket.Message would not.
var codec = websocket.Codec{
	Marshal: func(v interface{}) ([]byte, byte, error) {
		m := v.(*message)
		return m.data, m.kind, nil
	},
	Unmarshal: func(data []byte, kind byte, v interface{}) error {
		m := v.(*message)
		m.data, m.kind = data, kind
		return nil
	},
}

func echo(socket *websocket.Conn) {
	var m message
	for codec.Receive(socket, &m) == nil {
		if codec.Send(socket, &m) != nil {
			return
		}
	}
}

func main() {
	log.Fatal(http.ListenAndServe(os.Args[1], websocket.Handler(echo)))
}
