# The build of lsquic's http_server and http_client, for scripts/build-stacks (see
# plugins/stacks/src/recipe.rs for the variables each step gets):
# BoringSSL's ssl and crypto libraries, then lsquic with its ls-qpack and ls-hpack
# submodules against them, as lsquic's README builds it.
#
# The snapshots of ls-qpack and ls-hpack lack their generated Huffman tables
# (huff-tables.h): ls-qpack's comes from the pylsqpack source distribution, which
# vendors ls-qpack, and ls-hpack's is the same table under ls-hpack's macro name (HPACK
# and QPACK share one Huffman code). lsquic is built optimized but without NDEBUG:
# only such builds read LSQUIC_FORCE_RETRY, which makes the server send a Retry (the
# LSQUIC_QIR switch meant for the same does not compile in v4.0.9, its code naming
# ENG_COALESCE, which only builds without NDEBUG declare).

STEPS=(boringssl huffman-tables lsquic install)

step_boringssl() {
  cmake -S "$SRC/boringssl" -B "$WORK/boringssl" -DCMAKE_BUILD_TYPE=Release
  cmake --build "$WORK/boringssl" -j "$JOBS" --target ssl crypto
}

step_huffman-tables() {
  local tables="$SRC/pylsqpack/vendor/ls-qpack/huff-tables.h"
  cp "$tables" "$SRC/lsquic/src/liblsquic/ls-qpack/huff-tables.h"
  sed 's/LS_QPACK_USE_LARGE_TABLES/LS_HPACK_USE_LARGE_TABLES/g' "$tables" \
    > "$SRC/lsquic/src/lshpack/huff-tables.h"
}

step_lsquic() {
  cmake -S "$SRC/lsquic" -B "$WORK/lsquic" -DCMAKE_BUILD_TYPE=Release \
    -DCMAKE_C_FLAGS_RELEASE="" \
    -DBORINGSSL_DIR="$SRC/boringssl" \
    -DBORINGSSL_LIB_ssl="$WORK/boringssl/ssl/libssl.a" \
    -DBORINGSSL_LIB_crypto="$WORK/boringssl/crypto/libcrypto.a" \
    -DLSQUIC_TESTS=OFF
  cmake --build "$WORK/lsquic" -j "$JOBS" --target http_server http_client
}

step_install() {
  install -D -m 755 "$WORK/lsquic/bin/http_server" "$PREFIX/bin/http_server"
  install -D -m 755 "$WORK/lsquic/bin/http_client" "$PREFIX/bin/http_client"
}
