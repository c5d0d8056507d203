# The build of picoquicdemo for the Shadow simulator, for scripts/build-stacks: the
# picoquic plugin's recipe (picotls, then picoquicdemo), after the version's patch in
# patches/. Shadow has no IPv6 and emulates neither ECN marks, packet information nor
# path MTU discovery on UDP sockets, and picoquic's packet loop gives up when a socket
# lacks any of them; patched, it opens the sockets it can and runs without them, as a
# picoquic on a network without those features would.

source "$(dirname "${BASH_SOURCE[0]}")/../picoquic/build-stack.sh"

STEPS=(shadow-patch "${STEPS[@]}")

step_shadow-patch() {
  patch -d "$SRC/picoquic" -p1 --forward <"$RECIPE_DIR/patches/$STACK_VERSION.patch"
}
