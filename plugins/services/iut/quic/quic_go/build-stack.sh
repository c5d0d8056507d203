# The build of quic-go-endpoint, this repository's QUIC interop endpoint over quic-go
# 0.29 (endpoint/, beside this file), for scripts/build-stacks (see
# plugins/stacks/src/recipe.rs for the variables each step gets).
# endpoint/build.sh says how: offline, in GOPATH mode, from Debian's Go sources.

STEPS=(endpoint)

step_endpoint() {
  bash "$RECIPE_DIR/endpoint/build.sh" "$WORK/go" "$PREFIX/bin/quic-go-endpoint"
}
