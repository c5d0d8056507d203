package main

import (
	"context"
	"errors"
	"fmt"
	"log"
	"strings"
	"sync/atomic"

	"github.com/lucas-clemente/quic-go"
	"github.com/lucas-clemente/quic-go/logging"
)

// newTracer returns the tracer of every connection: the qlog files, if qlogDir
// is set, and a one-line summary of each connection logged when it ends.
func newTracer(qlogDir string) (logging.Tracer, error) {
	tracers := []logging.Tracer{summaryTracer{}}
	if qlogDir != "" {
		qlogTracer, err := newQlogTracer(qlogDir)
		if err != nil {
			return nil, err
		}
		tracers = append(tracers, qlogTracer)
	}
	return logging.NewMultiplexedTracer(tracers...), nil
}

// summaryTracer creates a connSummary for each connection.
type summaryTracer struct {
	logging.NullTracer
}

// TracerForConnection starts the summary of a new connection.
func (summaryTracer) TracerForConnection(_ context.Context, p logging.Perspective, odcid logging.ConnectionID) logging.ConnectionTracer {
	return &connSummary{side: perspectiveName(p), odcid: odcid.String()}
}

// connSummary counts the events of one connection that the test cases are
// about (Retry, 0-RTT, key updates) and logs them when the connection ends.
type connSummary struct {
	logging.NullConnectionTracer
	side             string
	odcid            string
	retries          atomic.Int64
	zeroRTTSent      atomic.Int64
	zeroRTTReceived  atomic.Int64
	keyUpdatesLocal  atomic.Int64
	keyUpdatesRemote atomic.Int64
	closeReason      atomic.Value
}

// ReceivedRetry counts a Retry packet.
func (c *connSummary) ReceivedRetry(*logging.Header) {
	c.retries.Add(1)
}

// SentPacket counts a sent 0-RTT packet.
func (c *connSummary) SentPacket(hdr *logging.ExtendedHeader, _ logging.ByteCount, _ *logging.AckFrame, _ []logging.Frame) {
	if logging.PacketTypeFromHeader(&hdr.Header) == logging.PacketType0RTT {
		c.zeroRTTSent.Add(1)
	}
}

// ReceivedPacket counts a received 0-RTT packet.
func (c *connSummary) ReceivedPacket(hdr *logging.ExtendedHeader, _ logging.ByteCount, _ []logging.Frame) {
	if logging.PacketTypeFromHeader(&hdr.Header) == logging.PacketType0RTT {
		c.zeroRTTReceived.Add(1)
	}
}

// UpdatedKey counts a key update, by who initiated it.
func (c *connSummary) UpdatedKey(_ logging.KeyPhase, remote bool) {
	if remote {
		c.keyUpdatesRemote.Add(1)
	} else {
		c.keyUpdatesLocal.Add(1)
	}
}

// ClosedConnection keeps the reason the connection ended.
func (c *connSummary) ClosedConnection(err error) {
	c.closeReason.Store(describeClose(err))
}

// describeClose says why a connection ended and, for a CONNECTION_CLOSE, which
// side sent it.
func describeClose(err error) string {
	var appErr *quic.ApplicationError
	var transportErr *quic.TransportError
	switch {
	case errors.As(err, &appErr):
		return fmt.Sprintf("%v, closed by %s", err, sideName(appErr.Remote))
	case errors.As(err, &transportErr):
		return fmt.Sprintf("%v, closed by %s", err, sideName(transportErr.Remote))
	}
	return fmt.Sprint(err)
}

// sideName names the side that closed a connection: the peer if remote.
func sideName(remote bool) string {
	if remote {
		return "the peer"
	}
	return "us"
}

// Close logs the summary.
func (c *connSummary) Close() {
	var parts []string
	count := func(n int64, what string) {
		if n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", n, what))
		}
	}
	count(c.retries.Load(), "Retry received")
	count(c.zeroRTTSent.Load(), "0-RTT packets sent")
	count(c.zeroRTTReceived.Load(), "0-RTT packets received")
	count(c.keyUpdatesLocal.Load(), "key updates initiated")
	count(c.keyUpdatesRemote.Load(), "key updates by the peer")
	if reason, ok := c.closeReason.Load().(string); ok {
		parts = append(parts, reason)
	}
	log.Printf("%s connection %s ended: %s", c.side, c.odcid, strings.Join(parts, "; "))
}
