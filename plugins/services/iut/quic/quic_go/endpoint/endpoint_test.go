package main

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// TestWWWRootOpen checks that the server serves files under WWW and refuses
// paths that leave it, by ".." or by a symbolic link.
func TestWWWRootOpen(t *testing.T) {
	base := t.TempDir()
	www := filepath.Join(base, "www")
	if err := os.Mkdir(www, 0o755); err != nil {
		t.Fatal(err)
	}
	write := func(name, content string) {
		if err := os.WriteFile(name, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write(filepath.Join(www, "a.bin"), "abc")
	write(filepath.Join(base, "secret"), "no")
	if err := os.Symlink(filepath.Join(base, "secret"), filepath.Join(www, "link")); err != nil {
		t.Fatal(err)
	}
	root, err := newWWWRoot(www)
	if err != nil {
		t.Fatal(err)
	}

	f, size, err := root.open("/a.bin")
	if err != nil || size != 3 {
		t.Fatalf("open /a.bin: size %d, error %v", size, err)
	}
	f.Close()
	for _, path := range []string{"/../secret", "/x/../../secret", "/link"} {
		if _, _, err := root.open(path); !errors.Is(err, errOutsideWWW) {
			t.Errorf("open %s: error %v, want errOutsideWWW", path, err)
		}
	}
	for _, path := range []string{"/missing", "/", "a.bin"} {
		if _, _, err := root.open(path); err == nil {
			t.Errorf("open %s: no error", path)
		}
	}
}

// TestParseHQRequest checks the HTTP/0.9 request parser.
func TestParseHQRequest(t *testing.T) {
	for request, want := range map[string]string{
		"GET /a.bin\r\n":   "/a.bin",
		"GET /a.bin":       "/a.bin",
		"GET /a%20b\n":     "/a b",
		"GET /d/f?x=1\r\n": "/d/f",
	} {
		if got, err := parseHQRequest(request); err != nil || got != want {
			t.Errorf("parseHQRequest(%q) = %q, %v; want %q", request, got, err, want)
		}
	}
	for _, request := range []string{"", "POST /a\r\n", "GET\r\n", "GET a.bin\r\n"} {
		if _, err := parseHQRequest(request); err == nil {
			t.Errorf("parseHQRequest(%q): no error", request)
		}
	}
}

// TestParseRequests checks the parsing of REQUESTS.
func TestParseRequests(t *testing.T) {
	addr, downloads, err := parseRequests("https://[::1]:4443/a.bin  https://[::1]:4443/d/b.bin", "/dl")
	if err != nil || addr != "[::1]:4443" || len(downloads) != 2 || downloads[1].target != "/dl/b.bin" {
		t.Fatalf("got %q, %+v, %v", addr, downloads, err)
	}
	if addr, _, err := parseRequests("https://localhost/a.bin", "/dl"); err != nil || addr != "localhost:443" {
		t.Errorf("without a port: got %q, %v", addr, err)
	}
	for _, requests := range []string{
		"",
		"http://127.0.0.1:4443/a.bin",
		"https://:4443/a.bin",
		"https://127.0.0.1:4443/",
		"https://127.0.0.1:4443/a/..",
		"https://127.0.0.1:4443/a.bin https://127.0.0.1:4444/b.bin",
	} {
		if _, _, err := parseRequests(requests, "/dl"); err == nil {
			t.Errorf("parseRequests(%q): no error", requests)
		}
	}
}
