package main

import (
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"io"
	"os"
	"path/filepath"
)

// The ALPN protocols: HTTP/0.9 for every test case but http3, HTTP/3 for it.
const (
	alpnHQ = "hq-interop"
	alpnH3 = "h3"
)

// serverName is the name the client sends as SNI and verifies the server's
// certificate against, whatever address it connects to.
const serverName = "localhost"

// openKeyLog opens path for appending TLS secrets in the NSS key log format.
// It returns a nil writer when path is empty. The file is never closed: each
// line is one unbuffered write, and the process exit closes it.
func openKeyLog(path string) (io.Writer, error) {
	if path == "" {
		return nil, nil
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o644)
	if err != nil {
		return nil, fmt.Errorf("opening the key log: %w", err)
	}
	return f, nil
}

// serverTLSConfig returns the server's TLS configuration: the chain in
// CERTS/cert.pem with the PKCS#8 key CERTS/priv.key, offering protos.
func serverTLSConfig(certs string, keyLog io.Writer, protos []string) (*tls.Config, error) {
	cert, err := tls.LoadX509KeyPair(filepath.Join(certs, "cert.pem"), filepath.Join(certs, "priv.key"))
	if err != nil {
		return nil, fmt.Errorf("loading the server certificate: %w", err)
	}
	return &tls.Config{
		Certificates: []tls.Certificate{cert},
		NextProtos:   protos,
		KeyLogWriter: keyLog,
	}, nil
}

// clientTLSConfig returns the client's TLS configuration for testcase: it
// trusts only the CA in CERTS/ca.pem and, for chacha20, offers only
// TLS_CHACHA20_POLY1305_SHA256 (quic-go 0.29's TLS stack, qtls, honours
// CipherSuites for TLS 1.3, unlike crypto/tls).
func clientTLSConfig(certs string, keyLog io.Writer, testcase string) (*tls.Config, error) {
	caFile := filepath.Join(certs, "ca.pem")
	ca, err := os.ReadFile(caFile)
	if err != nil {
		return nil, fmt.Errorf("reading the CA: %w", err)
	}
	roots := x509.NewCertPool()
	if !roots.AppendCertsFromPEM(ca) {
		return nil, fmt.Errorf("%s holds no PEM certificate", caFile)
	}
	conf := &tls.Config{
		RootCAs:      roots,
		ServerName:   serverName,
		NextProtos:   []string{alpnHQ},
		KeyLogWriter: keyLog,
	}
	switch testcase {
	case caseHTTP3:
		conf.NextProtos = []string{alpnH3}
	case caseChaCha20:
		conf.CipherSuites = []uint16{tls.TLS_CHACHA20_POLY1305_SHA256}
	}
	return conf, nil
}

// describeTLS summarises the TLS state of a connection for the log.
func describeTLS(state tls.ConnectionState, used0RTT bool) string {
	text := fmt.Sprintf("ALPN %s, %s", state.NegotiatedProtocol, tls.CipherSuiteName(state.CipherSuite))
	if state.DidResume {
		text += ", resumed"
	}
	if used0RTT {
		text += ", 0-RTT accepted"
	}
	return text
}
