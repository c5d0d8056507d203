#!/usr/bin/env bash
# Builds quic-go-endpoint, panther-host's QUIC interop endpoint over quic-go 0.29.
#
# usage: build.sh WORK_DIR OUTPUT_PROGRAM
#
# The endpoint sets quic-go's internal handshake.KeyUpdateInterval (keyupdate
# test case), and Go lets only packages inside the quic-go tree import its
# internal packages. So the build is an overlay, in GOPATH mode and offline: a
# copy of Debian's quic-go source (golang-github-lucas-clemente-quic-go-dev) in
# WORK_DIR/gopath, the endpoint's sources as its package panther-endpoint, and
# every other dependency from the Debian packages under /usr/share/gocode.
# quic-go 0.29 builds with Go 1.19 only (Debian's golang-go in bookworm).
set -euo pipefail

if [[ $# -ne 2 ]]; then
	echo "usage: $0 WORK_DIR OUTPUT_PROGRAM" >&2
	exit 2
fi

gocode=/usr/share/gocode
quic_go_src="$gocode/src/github.com/lucas-clemente/quic-go"
package=github.com/lucas-clemente/quic-go/panther-endpoint
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

# run prints a command, then runs it.
run() {
	printf '+'
	printf ' %q' "$@"
	printf '\n'
	"$@"
}

if [[ ! -d "$quic_go_src" ]]; then
	echo "build.sh: $quic_go_src is missing: apt-get install golang-github-lucas-clemente-quic-go-dev" >&2
	exit 1
fi
if ! go_version="$(go version 2>/dev/null)"; then
	echo "build.sh: no go command: apt-get install golang-go" >&2
	exit 1
fi
if [[ "$go_version" != *" go1.19"* ]]; then
	echo "build.sh: quic-go 0.29 needs Go 1.19, found: $go_version" >&2
	exit 1
fi

run mkdir -p "$1" "$(dirname "$2")"
work="$(cd "$1" && pwd)"
output="$(cd "$(dirname "$2")" && pwd)/$(basename "$2")"
gopath="$work/gopath"
overlay="$gopath/src/github.com/lucas-clemente/quic-go"

run rm -rf "$overlay"
run mkdir -p "$(dirname "$overlay")"
run cp -r "$quic_go_src" "$overlay"
run mkdir -p "$overlay/panther-endpoint"
run cp "$here"/*.go "$overlay/panther-endpoint/"
run env GO111MODULE=off GOFLAGS= CGO_ENABLED=0 GOPATH="$gopath:$gocode" GOCACHE="$work/gocache" \
	go build -o "$output" "$package"
