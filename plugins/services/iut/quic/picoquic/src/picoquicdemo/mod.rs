//! Driving `picoquicdemo`, picoquic's demo client and server, with its own flags.
//!
//! Both the picoquic and the picoquic_shadow plugins run this one program, so both
//! compile this folder, the picoquic crate as its module and picoquic_shadow by
//! `#[path]`: the two crates are cdylibs, so neither can depend on the other, and
//! the command lines are built in one place only.
//!
//! The program is the pinned build of the `version` the config names (stacks.toml,
//! built by `scripts/build-stacks picoquic@VERSION` into the host's cache), or one's
//! own (`binary`); each version's flags are its [`versions::Generation`]'s.
//!
//! Where the flags and the behaviour they rely on were read, in
//! private-octopus/picoquic at each pinned commit:
//! - `picoquic/config.c`: `option_table`, which `picoquic_config_option_letters`
//!   turns into the getopt string (`-c -k -p -w -o -q -r -0 -8 -a -n -t -v -C -T`),
//!   and `picoquic_create_and_configure`, what each option does (`-C 20` offering
//!   only TLS_CHACHA20_POLY1305_SHA256);
//! - `picoquicfirst/picoquicdemo.c`: `main` (the demo's own letters `u:f:1` before
//!   the table's, and `server_name port scenario` after the flags making it a
//!   client; the draft-27 versions' whole getopt string), `quic_server` (binds the
//!   port on every address, serves `-w`) and `quic_client` (`-u`, tickets, 0-RTT when
//!   a ticket allows it);
//! - `picoquic/democlient.c`: the scenario syntax, and the download's file name;
//! - `picoquic/tls_api.c`: tickets kept only for a connection with an SNI, and no
//!   certificate check without `-t`;
//! - `picoquic/picosocks.c`: SSLKEYLOGFILE read by every version, and since #1721
//!   (2024) only with `-8`; `picoquic/sockloop.c`: UDP GSO, since the draft-29 version.
//!
//! And in private-octopus/picoquic-interop-runner, `run_endpoint.sh`: the test cases
//! picoquic's interop endpoint plays and its flags for each.

mod config;
mod flags;
mod plan;
mod versions;

pub use config::{Config, schema};
pub use plan::plan;
