# The build of the Shadow network simulator, for scripts/build-stacks (see
# plugins/stacks/src/recipe.rs for the variables each step gets), with Shadow's own
# `setup` script. Shadow's Rust code takes two crates from git (its forks of `bytes` and
# `vsprintf`); Cargo is pointed at their pinned snapshots instead, so the build needs
# crates.io and nothing else.

STEPS=(git-dependencies build install)

step_git-dependencies() {
  mkdir -p "$SRC/shadow/src/.cargo"
  cat >"$SRC/shadow/src/.cargo/config.toml" <<CONFIG
[patch."https://github.com/shadow/bytes"]
bytes = { path = "$SRC/shadow-bytes" }

[patch."https://github.com/shadow/vsprintf"]
vsprintf = { path = "$SRC/shadow-vsprintf" }
CONFIG
}

step_build() {
  cd "$SRC/shadow"
  ./setup build --prefix "$PREFIX" --jobs "$JOBS"
}

step_install() {
  cd "$SRC/shadow"
  ./setup install
  "$PREFIX/bin/shadow" --version
}
