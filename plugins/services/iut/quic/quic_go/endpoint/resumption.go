package main

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"time"

	"github.com/lucas-clemente/quic-go"
)

// ticketWait is how long the client waits for a session ticket after the first
// connection of the resumption and zerortt test cases.
const ticketWait = 5 * time.Second

// downloadResumed downloads the first file on one connection, waits for its
// session ticket and closes it, then downloads the others on a second
// connection that resumes the session, sending 0-RTT requests when zeroRTT is
// set. It fails when the second connection did not resume, or did not get its
// 0-RTT data accepted.
func downloadResumed(ctx context.Context, addr string, tlsConf *tls.Config, quicConf *quic.Config, downloads []download, zeroRTT bool) error {
	if len(downloads) < 2 {
		return errors.New("this test case needs at least two URLs")
	}
	tickets := newTicketCache()
	tlsConf = tlsConf.Clone()
	tlsConf.ClientSessionCache = tickets
	first, err := dialHQ(ctx, addr, tlsConf, quicConf, false)
	if err != nil {
		return err
	}
	defer first.CloseWithError(0, "")
	if _, err := downloadHQ(ctx, first, downloads[:1]); err != nil {
		return err
	}
	select {
	case <-tickets.stored:
	case <-time.After(ticketWait):
		return fmt.Errorf("the first connection got no session ticket within %v", ticketWait)
	case <-ctx.Done():
		return ctx.Err()
	}
	first.CloseWithError(0, "")

	second, err := dialHQ(ctx, addr, tlsConf, quicConf, zeroRTT)
	if err != nil {
		return err
	}
	defer second.CloseWithError(0, "")
	state, err := downloadHQ(ctx, second, downloads[1:])
	switch {
	case err != nil:
		return err
	case !state.DidResume:
		return errors.New("the second connection did not resume the TLS session")
	case zeroRTT && !state.used0RTT:
		return errors.New("the second connection's 0-RTT data was not accepted")
	}
	return nil
}

// ticketCache is a TLS session cache that signals when it stores a session
// ticket.
type ticketCache struct {
	tls.ClientSessionCache
	stored chan struct{}
}

// newTicketCache returns an empty ticketCache.
func newTicketCache() *ticketCache {
	return &ticketCache{ClientSessionCache: tls.NewLRUClientSessionCache(8), stored: make(chan struct{}, 1)}
}

// Put stores a session and signals it (a nil session removes one).
func (c *ticketCache) Put(key string, session *tls.ClientSessionState) {
	c.ClientSessionCache.Put(key, session)
	if session != nil {
		select {
		case c.stored <- struct{}{}:
		default:
		}
	}
}
