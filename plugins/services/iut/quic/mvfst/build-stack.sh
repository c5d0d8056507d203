# The build of proxygen's hq over mvfst, for scripts/build-stacks (see
# plugins/stacks/src/recipe.rs for the variables each step gets):
# folly, fizz, mvfst, wangle and proxygen of the same day, each installed into a
# prefix in the work folder that the next one is configured against, with Debian's
# libraries for everything else. Only hq is kept. It takes about an hour on two cores.
#
# folly of this day compiles its io_uring files whenever <liburing.h> is found, and
# Debian 12's liburing (2.3) is too old for them; without the header folly, mvfst and
# proxygen leave io_uring out. So the build refuses to start while liburing-dev is
# installed. folly also needs a newer fast_float than Debian's (`allow_leading_plus`):
# the pinned one is used.

STEPS=(folly fizz mvfst wangle proxygen install)

# Configures, builds and installs the CMake project in $1 into the shared prefix.
install_project() {
  local source="$1"
  shift
  local build="$WORK/build-$(basename "$source")"
  cmake -S "$source" -B "$build" -DCMAKE_BUILD_TYPE=Release \
    -DCMAKE_PREFIX_PATH="$WORK/install" -DCMAKE_INSTALL_PREFIX="$WORK/install" \
    -DCMAKE_POSITION_INDEPENDENT_CODE=ON "$@"
  cmake --build "$build" -j "$JOBS"
  cmake --install "$build"
}

step_folly() {
  if [ -e /usr/include/liburing.h ]; then
    echo "folly cannot be built while /usr/include/liburing.h (liburing-dev) is installed:" \
      "this folly needs a newer liburing than Debian's; remove it (apt-get remove" \
      "liburing-dev) and build again" >&2
    return 1
  fi
  install_project "$SRC/folly" -DBUILD_TESTS=OFF \
    -DCMAKE_DISABLE_FIND_PACKAGE_LibUring=ON \
    -DFASTFLOAT_INCLUDE_DIR="$SRC/fast_float/include"
}

step_fizz() {
  install_project "$SRC/fizz/fizz" -DBUILD_TESTS=OFF -DBUILD_EXAMPLES=OFF
}

step_mvfst() {
  install_project "$SRC/mvfst" -DBUILD_TESTS=OFF
}

step_wangle() {
  install_project "$SRC/wangle/wangle" -DBUILD_TESTS=OFF -DBUILD_EXAMPLES=OFF
}

step_proxygen() {
  local build="$WORK/build-proxygen"
  cmake -S "$SRC/proxygen" -B "$build" -DCMAKE_BUILD_TYPE=Release \
    -DCMAKE_PREFIX_PATH="$WORK/install" -DBUILD_TESTS=OFF -DBUILD_SAMPLES=ON
  cmake --build "$build" -j "$JOBS" --target hq
}

step_install() {
  local hq
  hq="$(find "$WORK/build-proxygen" -type f -name hq -perm -u+x | head -n 1)"
  install -D -m 755 "$hq" "$PREFIX/bin/hq"
  "$PREFIX/bin/hq" --help >/dev/null 2>&1 || test $? -le 1
}
