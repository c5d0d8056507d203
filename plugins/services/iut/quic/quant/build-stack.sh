# The build of quant's server and client, for scripts/build-stacks (see
# plugins/stacks/src/recipe.rs for the variables each step gets):
# quant with its four submodules (warpcore, picotls, picoquic, timeout) at the commits
# it pins, against Debian's OpenSSL, http-parser and libev.
#
# It is built as quant's interop image builds it (Dockerfile.interop: CMake's Debug
# type, quant's default), without the address sanitizer (DOCKER): quant's release
# type compiles out what the interop cases rely on, such as the client's key update
# right after the handshake (`-u`; a release build updates keys only every three
# seconds).

STEPS=(quant install)

step_quant() {
  cmake -S "$SRC/quant" -B "$WORK/quant" -DCMAKE_BUILD_TYPE=Debug -DDOCKER=True
  cmake --build "$WORK/quant" -j "$JOBS" --target server client
}

step_install() {
  install -D -m 755 "$WORK/quant/bin/server" "$PREFIX/bin/server"
  install -D -m 755 "$WORK/quant/bin/client" "$PREFIX/bin/client"
}
