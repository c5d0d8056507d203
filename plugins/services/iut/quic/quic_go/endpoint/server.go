package main

import (
	"context"
	"fmt"
	"log"
	"net"
	"strings"
	"time"

	"github.com/lucas-clemente/quic-go"
	"github.com/lucas-clemente/quic-go/http3"
)

// shutdownTimeout bounds how long the server waits, once told to stop, for its
// connections to close (and their qlog files to be written).
const shutdownTimeout = 5 * time.Second

// serverALPN returns the ALPN protocols the server offers in testcase: h3 alone
// for http3, hq-interop and h3 for the others (so that clients speaking only
// HTTP/3 can play them too).
func serverALPN(testcase string) []string {
	if testcase == caseHTTP3 {
		return []string{alpnH3}
	}
	return []string{alpnHQ, alpnH3}
}

// runServer serves WWW on LISTEN until ctx ends (SIGTERM or SIGINT). It sends
// a Retry to every new connection in the retry test case, issues session
// tickets and accepts 0-RTT in every test case.
func runServer(ctx context.Context, s settings) error {
	root, err := newWWWRoot(s.www)
	if err != nil {
		return err
	}
	keyLog, err := openKeyLog(s.keyLogFile)
	if err != nil {
		return err
	}
	protos := serverALPN(s.testcase)
	tlsConf, err := serverTLSConfig(s.certs, keyLog, protos)
	if err != nil {
		return err
	}
	tracer, err := newTracer(s.qlogDir)
	if err != nil {
		return err
	}
	retry := s.testcase == caseRetry
	quicConf := &quic.Config{
		Tracer:                   tracer,
		RequireAddressValidation: func(net.Addr) bool { return retry },
	}
	// quic-go 0.29 has no Allow0RTT setting: an early listener accepts 0-RTT.
	ln, err := quic.ListenAddrEarly(s.listen, tlsConf, quicConf)
	if err != nil {
		return fmt.Errorf("listening on %s: %w", s.listen, err)
	}
	log.Printf("test case %s: listening on %s, ALPN %s, Retry %t", s.testcase, ln.Addr(), strings.Join(protos, ","), retry)

	h3Conns := newConnQueue(ln.Addr())
	h3Server := &http3.Server{Handler: fileHandler{root: root}}
	go h3Server.ServeListener(h3Conns)

	accepted := make(chan error, 1)
	go func() {
		for {
			conn, err := ln.Accept(context.Background())
			if err != nil {
				accepted <- err
				return
			}
			go serveConn(conn, root, h3Conns)
		}
	}()

	select {
	case <-ctx.Done():
		log.Printf("stopping")
	case err = <-accepted:
		err = fmt.Errorf("accepting connections: %w", err)
	}
	closed := make(chan struct{})
	go func() {
		ln.Close()
		h3Server.Close()
		close(closed)
	}()
	select {
	case <-closed:
	case <-time.After(shutdownTimeout):
		log.Printf("connections still open after %v, exiting", shutdownTimeout)
	}
	return err
}

// serveConn waits for the handshake of conn to complete, then serves it with
// the protocol it negotiated: HTTP/0.9 here, HTTP/3 through the http3.Server.
// (quic-go 0.29 tells the negotiated ALPN only once the handshake completed;
// requests sent as 0-RTT data wait until then.)
func serveConn(conn quic.EarlyConnection, root wwwRoot, h3Conns *connQueue) {
	select {
	case <-conn.HandshakeComplete().Done():
	case <-conn.Context().Done():
	}
	if conn.Context().Err() != nil {
		return
	}
	state := conn.ConnectionState().TLS
	log.Printf("connection from %s: %s", conn.RemoteAddr(), describeTLS(state.ConnectionState, state.Used0RTT))
	switch state.NegotiatedProtocol {
	case alpnHQ:
		serveHQ(conn, root)
	case alpnH3:
		h3Conns.push(conn)
	default:
		conn.CloseWithError(0, "no application protocol")
	}
}
