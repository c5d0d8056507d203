package main

import (
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
)

// download is one URL to fetch and the file to write it to.
type download struct {
	url    *url.URL
	target string
}

// save writes the response body r to the download's file and returns its size.
func (d download) save(r io.Reader) (int64, error) {
	f, err := os.Create(d.target)
	if err != nil {
		return 0, err
	}
	size, err := io.Copy(f, r)
	if closeErr := f.Close(); err == nil {
		err = closeErr
	}
	if err != nil {
		return size, fmt.Errorf("%s: receiving: %w", d.url, err)
	}
	return size, nil
}

// parseRequests parses REQUESTS, space-separated https URLs of one server, into
// the server's address (host:port, port 443 if the URLs give none) and the
// downloads into the directory dir.
func parseRequests(requests, dir string) (string, []download, error) {
	var addr string
	var downloads []download
	for _, raw := range strings.Fields(requests) {
		u, err := url.Parse(raw)
		if err != nil {
			return "", nil, fmt.Errorf("request %q: %w", raw, err)
		}
		name := path.Base(u.Path)
		if u.Scheme != "https" || u.Hostname() == "" || name == "/" || name == "." || name == ".." {
			return "", nil, fmt.Errorf("request %q is not https://HOST:PORT/FILE", raw)
		}
		port := u.Port()
		if port == "" {
			port = "443"
		}
		server := net.JoinHostPort(u.Hostname(), port)
		if addr != "" && server != addr {
			return "", nil, fmt.Errorf("REQUESTS name two servers, %s and %s", addr, server)
		}
		addr = server
		downloads = append(downloads, download{url: u, target: filepath.Join(dir, name)})
	}
	if len(downloads) == 0 {
		return "", nil, errors.New("REQUESTS holds no URL")
	}
	return addr, downloads, nil
}

// fetchAll runs fetch for every download at once and returns the total size.
// The first failure calls abort, which is to close the connection and so end
// the other downloads, and is the error returned.
func fetchAll(downloads []download, fetch func(download) (int64, error), abort func()) (int64, error) {
	var (
		wg       sync.WaitGroup
		total    atomic.Int64
		failOnce sync.Once
		failure  error
	)
	for _, d := range downloads {
		wg.Add(1)
		go func(d download) {
			defer wg.Done()
			size, err := fetch(d)
			total.Add(size)
			if err != nil {
				failOnce.Do(func() {
					failure = err
					abort()
				})
			}
		}(d)
	}
	wg.Wait()
	return total.Load(), failure
}
