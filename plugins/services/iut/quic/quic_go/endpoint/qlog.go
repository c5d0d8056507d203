package main

import (
	"bufio"
	"fmt"
	"io"
	"log"
	"os"
	"path/filepath"

	"github.com/lucas-clemente/quic-go/logging"
	"github.com/lucas-clemente/quic-go/qlog"
)

// newQlogTracer returns a tracer writing one qlog file per connection into dir,
// ODCID_server.qlog or ODCID_client.qlog, creating dir if it is missing.
// quic-go closes (and so flushes) a connection's file when the connection ends.
func newQlogTracer(dir string) (logging.Tracer, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("creating QLOGDIR: %w", err)
	}
	return qlog.NewTracer(func(p logging.Perspective, odcid []byte) io.WriteCloser {
		name := filepath.Join(dir, fmt.Sprintf("%x_%s.qlog", odcid, perspectiveName(p)))
		f, err := os.Create(name)
		if err != nil {
			log.Printf("no qlog for this connection: %v", err)
			return nil
		}
		return &bufferedFile{Writer: bufio.NewWriterSize(f, 64*1024), file: f}
	}), nil
}

// perspectiveName names a connection's side as qlog file names do.
func perspectiveName(p logging.Perspective) string {
	if p == logging.PerspectiveServer {
		return "server"
	}
	return "client"
}

// bufferedFile is a file written through a buffer, flushed when closed.
type bufferedFile struct {
	*bufio.Writer
	file *os.File
}

// Close flushes the buffer and closes the file.
func (b *bufferedFile) Close() error {
	if err := b.Flush(); err != nil {
		b.file.Close()
		return err
	}
	return b.file.Close()
}
