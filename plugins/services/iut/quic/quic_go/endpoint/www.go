package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// errOutsideWWW is the error for a request path that leaves WWW.
var errOutsideWWW = errors.New("path leaves WWW")

// wwwRoot is the directory the server serves files from: absolute, with its
// symbolic links resolved.
type wwwRoot string

// newWWWRoot checks that dir is a directory and returns it as a wwwRoot.
func newWWWRoot(dir string) (wwwRoot, error) {
	abs, err := filepath.Abs(dir)
	if err == nil {
		abs, err = filepath.EvalSymlinks(abs)
	}
	if err != nil {
		return "", fmt.Errorf("WWW: %w", err)
	}
	if info, err := os.Stat(abs); err != nil || !info.IsDir() {
		return "", fmt.Errorf("WWW=%s is not a directory", dir)
	}
	return wwwRoot(abs), nil
}

// open opens the regular file that the request path reqPath ("/name") names
// under the root, and returns it with its size. A path with a ".." segment, or
// one that a symbolic link leads out of the root, is refused with
// errOutsideWWW.
func (root wwwRoot) open(reqPath string) (*os.File, int64, error) {
	if !strings.HasPrefix(reqPath, "/") {
		return nil, 0, errors.New("path does not start with /")
	}
	for _, segment := range strings.Split(reqPath, "/") {
		if segment == ".." {
			return nil, 0, errOutsideWWW
		}
	}
	real, err := filepath.EvalSymlinks(filepath.Join(string(root), filepath.FromSlash(reqPath)))
	if err != nil {
		return nil, 0, err
	}
	if rel, err := filepath.Rel(string(root), real); err != nil || rel == ".." ||
		strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		return nil, 0, errOutsideWWW
	}
	f, err := os.Open(real)
	if err != nil {
		return nil, 0, err
	}
	info, err := f.Stat()
	if err == nil && !info.Mode().IsRegular() {
		err = errors.New("not a regular file")
	}
	if err != nil {
		f.Close()
		return nil, 0, err
	}
	return f, info.Size(), nil
}
