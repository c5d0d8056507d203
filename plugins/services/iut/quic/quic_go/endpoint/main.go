// Command quic-go-endpoint is panther-host's QUIC interop endpoint over
// quic-go 0.29: one program for both roles, configured by the environment
// variables of the QUIC interop runner's endpoint contract (see README.md).
//
// quic-go 0.29 has no UDP GSO: it writes every datagram with its own system
// call, so a packet capture shows each datagram as sent, and there is nothing
// to turn off (later versions read QUIC_GO_DISABLE_GSO; 0.29 does not).
package main

import (
	"context"
	"errors"
	"fmt"
	"log"
	"os"
	"os/signal"
	"syscall"
)

// Exit codes of the endpoint contract.
const (
	exitFailure     = 1
	exitUnsupported = 127
)

func main() {
	s, err := readSettings()
	if errors.Is(err, errUnsupported) {
		fmt.Fprintf(os.Stderr, "quic-go-endpoint: %v\n", err)
		os.Exit(exitUnsupported)
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "quic-go-endpoint: %v\n", err)
		os.Exit(exitFailure)
	}
	log.SetOutput(os.Stderr)
	log.SetFlags(log.Ltime | log.Lmicroseconds | log.Lmsgprefix)
	log.SetPrefix("quic-go " + s.role + ": ")

	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, syscall.SIGINT)
	defer stop()
	if s.role == roleServer {
		err = runServer(ctx, s)
	} else {
		err = runClient(ctx, s)
	}
	if err != nil {
		log.Printf("error: %v", err)
		stop()
		os.Exit(exitFailure)
	}
}
