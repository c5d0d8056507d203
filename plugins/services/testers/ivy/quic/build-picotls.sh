# The build of picotls for the Ivy QUIC testers, for scripts/build-stacks (see
# plugins/stacks/src/recipe.rs for the variables each step gets): the three static
# libraries PANTHER's QUIC models link (tls_picotls.ivy's `libspec`) and the headers,
# from the commit PANTHER's Ivy version configs pin, against Debian's OpenSSL 3
# (whose deprecation warnings are not errors here).

STEPS=(libraries install)

step_libraries() {
  cmake -S "$SRC/picotls" -B "$WORK/picotls" -DCMAKE_BUILD_TYPE=Release \
    -DCMAKE_C_FLAGS="${CFLAGS:-} -Wno-deprecated-declarations"
  cmake --build "$WORK/picotls" -j "$JOBS" \
    --target picotls-core picotls-openssl picotls-minicrypto
}

step_install() {
  mkdir -p "$PREFIX/include" "$PREFIX/lib"
  cp -a "$SRC/picotls/include/." "$PREFIX/include/"
  install -m 644 "$WORK"/picotls/libpicotls-{core,openssl,minicrypto}.a "$PREFIX/lib/"
}
