# The build of picoquic's picoquicdemo, for scripts/build-stacks (see
# plugins/stacks/src/recipe.rs for the variables each step gets):
# picotls's libraries from the version's own picotls, then picoquicdemo against them
# and Debian's OpenSSL, as picoquic's own CI builds them (ci/build_picotls.sh).
#
# The older versions call OpenSSL functions that OpenSSL 3 deprecates and build with
# -Werror, so deprecation warnings are not errors here. The fusion library (AES-GCM on
# x86_64) is built when the version's picotls has it, since some picoquic versions
# require it.

STEPS=(picotls picoquic install)

step_picotls() {
  local targets=(picotls-core picotls-openssl picotls-minicrypto)
  if grep -q 'picotls-fusion' "$SRC/picotls/CMakeLists.txt"; then
    targets+=(picotls-fusion)
  fi
  cmake -S "$SRC/picotls" -B "$WORK/picotls" -DCMAKE_BUILD_TYPE=Release \
    -DCMAKE_C_FLAGS="${CFLAGS:-} -Wno-deprecated-declarations"
  cmake --build "$WORK/picotls" -j "$JOBS" --target "${targets[@]}"
}

step_picoquic() {
  local libraries="$WORK/picotls"
  local fusion=()
  if [ -f "$libraries/libpicotls-fusion.a" ]; then
    fusion=(-DPTLS_FUSION_LIBRARY="$libraries/libpicotls-fusion.a")
  fi
  cmake -S "$SRC/picoquic" -B "$WORK/picoquic" -DCMAKE_BUILD_TYPE=Release \
    -DCMAKE_C_FLAGS="${CFLAGS:-} -Wno-deprecated-declarations" \
    -DPICOQUIC_FETCH_PTLS=OFF \
    -DPTLS_INCLUDE_DIR="$SRC/picotls/include" \
    -DPTLS_CORE_LIBRARY="$libraries/libpicotls-core.a" \
    -DPTLS_OPENSSL_LIBRARY="$libraries/libpicotls-openssl.a" \
    -DPTLS_MINICRYPTO_LIBRARY="$libraries/libpicotls-minicrypto.a" \
    "${fusion[@]}"
  cmake --build "$WORK/picoquic" -j "$JOBS" --target picoquicdemo
}

step_install() {
  install -D -m 755 "$WORK/picoquic/picoquicdemo" "$PREFIX/bin/picoquicdemo"
  "$PREFIX/bin/picoquicdemo" -h >/dev/null 2>&1 || test $? -le 1
}
