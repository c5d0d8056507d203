package main

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"strconv"
	"sync"

	"github.com/lucas-clemente/quic-go"
	"github.com/lucas-clemente/quic-go/http3"
)

// fileHandler serves the files of a wwwRoot over HTTP/3.
type fileHandler struct {
	root wwwRoot
}

// ServeHTTP answers a GET with the file its path names, or with an error status.
func (h fileHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet {
		http.Error(w, "only GET", http.StatusMethodNotAllowed)
		return
	}
	f, size, err := h.root.open(r.URL.Path)
	if err != nil {
		log.Printf("GET %s: %v", r.URL.Path, err)
		status := http.StatusNotFound
		if errors.Is(err, errOutsideWWW) {
			status = http.StatusForbidden
		}
		http.Error(w, http.StatusText(status), status)
		return
	}
	defer f.Close()
	w.Header().Set("Content-Length", strconv.FormatInt(size, 10))
	w.WriteHeader(http.StatusOK)
	if _, err := io.Copy(w, f); err != nil {
		log.Printf("GET %s: sending: %v", r.URL.Path, err)
	}
}

// connQueue is a quic.EarlyListener fed with the connections, accepted by the
// server's own listener, that negotiated h3, so that an http3.Server serves
// them (quic-go 0.29's http3.Server cannot be handed single connections).
type connQueue struct {
	addr      net.Addr
	conns     chan quic.EarlyConnection
	closed    chan struct{}
	closeOnce sync.Once
}

var _ quic.EarlyListener = (*connQueue)(nil)

// newConnQueue returns an empty queue standing for the listener at addr.
func newConnQueue(addr net.Addr) *connQueue {
	return &connQueue{addr: addr, conns: make(chan quic.EarlyConnection), closed: make(chan struct{})}
}

// push hands conn to the http3.Server, or closes conn if the queue is closed.
func (q *connQueue) push(conn quic.EarlyConnection) {
	select {
	case q.conns <- conn:
	case <-q.closed:
		conn.CloseWithError(0, "server stopping")
	}
}

// Accept returns the next h3 connection.
func (q *connQueue) Accept(ctx context.Context) (quic.EarlyConnection, error) {
	select {
	case conn := <-q.conns:
		return conn, nil
	case <-q.closed:
		return nil, quic.ErrServerClosed
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// Addr returns the address of the server's listener.
func (q *connQueue) Addr() net.Addr {
	return q.addr
}

// Close ends Accept; the server's own listener closes the connections.
func (q *connQueue) Close() error {
	q.closeOnce.Do(func() { close(q.closed) })
	return nil
}

// downloadH3 downloads every file over HTTP/3 on one connection to addr.
func downloadH3(ctx context.Context, addr string, tlsConf *tls.Config, quicConf *quic.Config, downloads []download) error {
	var conn quic.EarlyConnection
	rt := &http3.RoundTripper{
		TLSClientConfig: tlsConf,
		QuicConfig:      quicConf,
		Dial: func(ctx context.Context, addr string, tlsConf *tls.Config, quicConf *quic.Config) (quic.EarlyConnection, error) {
			c, err := quic.DialAddrEarlyContext(ctx, addr, tlsConf, quicConf)
			conn = c
			return c, err
		},
	}
	defer rt.Close()
	fetch := func(d download) (int64, error) { return fetchH3(ctx, rt, d) }
	total, err := fetchAll(downloads, fetch, func() { rt.Close() })
	if err != nil {
		return err
	}
	state := conn.ConnectionState().TLS
	log.Printf("downloaded %d file(s), %d bytes, from %s (%s)", len(downloads), total, addr, describeTLS(state.ConnectionState, state.Used0RTT))
	return nil
}

// fetchH3 downloads d with an HTTP/3 GET through rt and returns its size.
func fetchH3(ctx context.Context, rt http.RoundTripper, d download) (int64, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, d.url.String(), nil)
	if err != nil {
		return 0, fmt.Errorf("%s: %w", d.url, err)
	}
	rsp, err := rt.RoundTrip(req)
	if err != nil {
		return 0, fmt.Errorf("%s: %w", d.url, err)
	}
	defer rsp.Body.Close()
	if rsp.StatusCode != http.StatusOK {
		return 0, fmt.Errorf("%s: status %s", d.url, rsp.Status)
	}
	size, err := d.save(rsp.Body)
	if err == nil && rsp.ContentLength >= 0 && size != rsp.ContentLength {
		err = fmt.Errorf("%s: got %d bytes of %d", d.url, size, rsp.ContentLength)
	}
	return size, err
}
