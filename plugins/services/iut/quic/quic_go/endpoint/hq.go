package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"net/url"
	"strings"

	"github.com/lucas-clemente/quic-go"
)

// maxHQRequest bounds the size of an HTTP/0.9 request ("GET /path\r\n").
const maxHQRequest = 8 * 1024

// hqRequestFailed is the application error code with which the server resets
// the stream of a request it cannot answer: hq-interop has no status codes.
const hqRequestFailed quic.StreamErrorCode = 0x1

// serveHQ answers the HTTP/0.9 requests of conn, one per stream, until the
// connection ends.
func serveHQ(conn quic.Connection, root wwwRoot) {
	for {
		str, err := conn.AcceptStream(conn.Context())
		if err != nil {
			return
		}
		go answerHQ(str, root)
	}
}

// answerHQ reads the request on str and sends the file it names, or resets the
// stream if it cannot.
func answerHQ(str quic.Stream, root wwwRoot) {
	err := sendHQFile(str, root)
	if err != nil {
		log.Printf("stream %d: %v", str.StreamID(), err)
		str.CancelRead(hqRequestFailed)
		str.CancelWrite(hqRequestFailed)
		return
	}
	str.Close()
}

// sendHQFile reads the whole request on str (up to its FIN, so that the stream
// can be released) and writes the file it names.
func sendHQFile(str quic.Stream, root wwwRoot) error {
	request, err := io.ReadAll(io.LimitReader(str, maxHQRequest+1))
	if err != nil {
		return fmt.Errorf("reading the request: %w", err)
	}
	if len(request) > maxHQRequest {
		return errors.New("request too long")
	}
	reqPath, err := parseHQRequest(string(request))
	if err != nil {
		return err
	}
	f, _, err := root.open(reqPath)
	if err != nil {
		return fmt.Errorf("GET %s: %w", reqPath, err)
	}
	defer f.Close()
	if _, err := io.Copy(str, f); err != nil {
		return fmt.Errorf("GET %s: sending: %w", reqPath, err)
	}
	return nil
}

// parseHQRequest returns the path of an HTTP/0.9 request, "GET /path" ended by
// CRLF, LF or nothing.
func parseHQRequest(request string) (string, error) {
	line, _, _ := strings.Cut(request, "\n")
	fields := strings.Fields(line)
	if len(fields) < 2 || fields[0] != "GET" {
		return "", fmt.Errorf("bad request %q", line)
	}
	target, err := url.ParseRequestURI(fields[1])
	if err != nil {
		return "", fmt.Errorf("bad request target %q", fields[1])
	}
	return target.Path, nil
}

// fetchHQ downloads d over HTTP/0.9 on a new stream of conn and returns its
// size. On a connection still in its handshake the request goes out as 0-RTT
// data.
func fetchHQ(ctx context.Context, conn quic.Connection, d download) (int64, error) {
	str, err := conn.OpenStreamSync(ctx)
	if err != nil {
		return 0, fmt.Errorf("%s: opening a stream: %w", d.url, err)
	}
	if _, err := io.WriteString(str, "GET "+d.url.RequestURI()+"\r\n"); err != nil {
		return 0, fmt.Errorf("%s: sending the request: %w", d.url, err)
	}
	if err := str.Close(); err != nil {
		return 0, fmt.Errorf("%s: sending the request: %w", d.url, err)
	}
	return d.save(str)
}
