package main

import (
	"errors"
	"fmt"
	"os"
)

// The TESTCASE values the endpoint plays, in both roles.
const (
	caseHandshake    = "handshake"
	caseTransfer     = "transfer"
	caseMultiplexing = "multiplexing"
	caseHTTP3        = "http3"
	caseRetry        = "retry"
	caseResumption   = "resumption"
	caseZeroRTT      = "zerortt"
	caseChaCha20     = "chacha20"
	caseKeyUpdate    = "keyupdate"
)

// supportedCases is the set of TESTCASE values the endpoint plays. The interop
// runner gives the server "transfer" for multiplexing and keyupdate; the real
// names are accepted as well.
var supportedCases = map[string]bool{
	caseHandshake:    true,
	caseTransfer:     true,
	caseMultiplexing: true,
	caseHTTP3:        true,
	caseRetry:        true,
	caseResumption:   true,
	caseZeroRTT:      true,
	caseChaCha20:     true,
	caseKeyUpdate:    true,
}

// The ROLE values.
const (
	roleServer = "server"
	roleClient = "client"
)

// errUnsupported marks a TESTCASE the endpoint does not play (exit code 127).
var errUnsupported = errors.New("unsupported test case")

// settings is the endpoint's configuration, read from the environment.
type settings struct {
	role       string
	testcase   string
	keyLogFile string // SSLKEYLOGFILE; empty: no key log
	qlogDir    string // QLOGDIR; empty: no qlog
	certs      string // CERTS
	listen     string // LISTEN (server)
	www        string // WWW (server)
	requests   string // REQUESTS (client)
	downloads  string // DOWNLOADS (client)
}

// readSettings reads the settings from the environment. It checks TESTCASE
// first and returns an error wrapping errUnsupported for one it does not play.
func readSettings() (settings, error) {
	s := settings{
		role:       os.Getenv("ROLE"),
		testcase:   os.Getenv("TESTCASE"),
		keyLogFile: os.Getenv("SSLKEYLOGFILE"),
		qlogDir:    os.Getenv("QLOGDIR"),
	}
	if !supportedCases[s.testcase] {
		return s, fmt.Errorf("%w %q", errUnsupported, s.testcase)
	}
	var err error
	switch s.role {
	case roleServer:
		s.listen, err = requireEnv("LISTEN", err)
		s.www, err = requireEnv("WWW", err)
	case roleClient:
		s.requests, err = requireEnv("REQUESTS", err)
		s.downloads, err = requireEnv("DOWNLOADS", err)
	default:
		return s, fmt.Errorf("ROLE=%q is neither %s nor %s", s.role, roleServer, roleClient)
	}
	s.certs, err = requireEnv("CERTS", err)
	return s, err
}

// requireEnv returns the value of the environment variable name, or, if it is
// unset or empty, an error saying so. An earlier error err is kept.
func requireEnv(name string, err error) (string, error) {
	value := os.Getenv(name)
	if err == nil && value == "" {
		err = fmt.Errorf("environment variable %s is not set", name)
	}
	return value, err
}
