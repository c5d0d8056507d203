package main

import (
	"context"
	"crypto/tls"
	"fmt"
	"log"
	"os"

	"github.com/lucas-clemente/quic-go"
	"github.com/lucas-clemente/quic-go/internal/handshake"
)

// keyUpdateInterval is the number of packets between two key updates in the
// keyupdate test case, as quic-go's own interop client sets it.
const keyUpdateInterval = 100

// clientConnIDLength is the length of the client's connection IDs. quic-go's
// default for a client that dials an address is zero; with a zero-length
// connection ID, Wireshark (4.0) takes the zero bytes with which some servers
// (aioquic) pad a datagram after its last packet for a short-header packet of
// the connection, and then fails to decrypt the rest of the capture.
const clientConnIDLength = 8

// downloadFailed is the application error code with which the client closes a
// connection when a download on it failed.
const downloadFailed quic.ApplicationErrorCode = 0x1

// runClient downloads every URL of REQUESTS into DOWNLOADS as the test case
// says.
func runClient(ctx context.Context, s settings) error {
	addr, downloads, err := parseRequests(s.requests, s.downloads)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(s.downloads, 0o755); err != nil {
		return fmt.Errorf("creating DOWNLOADS: %w", err)
	}
	keyLog, err := openKeyLog(s.keyLogFile)
	if err != nil {
		return err
	}
	tlsConf, err := clientTLSConfig(s.certs, keyLog, s.testcase)
	if err != nil {
		return err
	}
	tracer, err := newTracer(s.qlogDir)
	if err != nil {
		return err
	}
	quicConf := &quic.Config{Tracer: tracer, ConnectionIDLength: clientConnIDLength}
	log.Printf("test case %s: %d file(s) from %s", s.testcase, len(downloads), addr)

	switch s.testcase {
	case caseHTTP3:
		return downloadH3(ctx, addr, tlsConf, quicConf, downloads)
	case caseResumption, caseZeroRTT:
		return downloadResumed(ctx, addr, tlsConf, quicConf, downloads, s.testcase == caseZeroRTT)
	case caseKeyUpdate:
		handshake.KeyUpdateInterval = keyUpdateInterval
	}
	conn, err := dialHQ(ctx, addr, tlsConf, quicConf, false)
	if err != nil {
		return err
	}
	defer conn.CloseWithError(0, "")
	state, err := downloadHQ(ctx, conn, downloads)
	if err == nil && s.testcase == caseChaCha20 && state.CipherSuite != tls.TLS_CHACHA20_POLY1305_SHA256 {
		err = fmt.Errorf("the connection uses %s, not TLS_CHACHA20_POLY1305_SHA256", tls.CipherSuiteName(state.CipherSuite))
	}
	return err
}

// dialHQ opens an hq-interop connection to addr. With early, it returns as soon
// as 0-RTT keys are there (or the handshake completed, if the TLS session
// allows no 0-RTT), so that the requests go out as 0-RTT data; without, once
// the handshake completed.
func dialHQ(ctx context.Context, addr string, tlsConf *tls.Config, quicConf *quic.Config, early bool) (quic.Connection, error) {
	var conn quic.Connection
	var err error
	if early {
		conn, err = quic.DialAddrEarlyContext(ctx, addr, tlsConf, quicConf)
	} else {
		conn, err = quic.DialAddrContext(ctx, addr, tlsConf, quicConf)
	}
	if err != nil {
		return nil, fmt.Errorf("connecting to %s: %w", addr, err)
	}
	return conn, nil
}

// hqState is the TLS state of an hq-interop connection.
type hqState struct {
	tls.ConnectionState
	used0RTT bool
}

// downloadHQ downloads every file on conn, at once on separate streams, and
// returns the connection's TLS state. A download that fails closes conn.
func downloadHQ(ctx context.Context, conn quic.Connection, downloads []download) (hqState, error) {
	fetch := func(d download) (int64, error) { return fetchHQ(ctx, conn, d) }
	abort := func() { conn.CloseWithError(downloadFailed, "download failed") }
	total, err := fetchAll(downloads, fetch, abort)
	if err != nil {
		return hqState{}, err
	}
	tlsState := conn.ConnectionState().TLS
	state := hqState{ConnectionState: tlsState.ConnectionState, used0RTT: tlsState.Used0RTT}
	log.Printf("downloaded %d file(s), %d bytes, from %s (%s)", len(downloads), total, conn.RemoteAddr(), describeTLS(state.ConnectionState, state.used0RTT))
	return state, nil
}
