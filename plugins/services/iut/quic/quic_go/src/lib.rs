//! The quic_go service manager: quic-go's own interop programs, the `server` and
//! `client` its interop image builds from `interop/server` and `interop/client`.
//!
//! What they take, read from quic-go/quic-go:
//! - `interop/server/main.go`: no flags and no arguments. It reads `TESTCASE`, listens
//!   on `":443"` (every address, port 443), loads `/certs/cert.pem` and
//!   `/certs/priv.key`, serves `/www`, and exits 1 unless it can create
//!   `/logs/log.txt`. Per test case: Retry when `TESTCASE` is `retry`
//!   (`VerifySourceAddress`), 0-RTT accepted only for `zerortt` (`Allow0RTT`),
//!   ChaCha20-Poly1305 only for `chacha20` (`qtls.SetCipherSuite`), ALPN `h3` only for
//!   `http3` and `hq-interop` for every other case; any other name exits 127.
//! - `interop/client/main.go`: `flag.Parse()` with no flag defined, the URLs are its
//!   arguments (`flag.Args()`). It reads `TESTCASE`, does not verify the certificate
//!   (`InsecureSkipVerify`), writes each file to `"/downloads" + URL path` and its log
//!   to `/logs/log.txt`. `keyupdate` sets `handshake.FirstKeyUpdateInterval = 100`
//!   (it updates keys after 100 packets), `chacha20` offers only
//!   TLS_CHACHA20_POLY1305_SHA256, `resumption` and `zerortt` fetch the first URL,
//!   wait for a session ticket, then fetch the others on a second connection (with
//!   0-RTT for `zerortt`), all in one process; `http3` uses h3, the rest `hq-interop`.
//! - `interop/utils/logging.go`: both programs honour `SSLKEYLOGFILE` (the TLS key
//!   log, which the contract sets) and `QLOGDIR` (one qlog per connection).
//! - `interop/Dockerfile` and `interop/run_endpoint.sh`: the image builds `server` and
//!   `client` into `/quic-go` and starts `./server` and `./client $CLIENT_PARAMS
//!   $REQUESTS`.
//! - `sys_conn_helper_linux.go`: `QUIC_GO_DISABLE_GSO=true` turns UDP GSO off (no
//!   flag does).
//!
//! And from quic-interop/quic-interop-runner, `testcases.py` (`testname()`): the
//! `TESTCASE` each role is given per case.
//!
//! The hard-coded paths cannot be set, so each plan first points them at the test's
//! own directories with `ln -sfT` (see [`fixed_paths`]); that needs write access to
//! `/` and at most one quic_go test at a time (`--jobs 1`). The hard-coded port
//! cannot be pointed anywhere: the server plays only where the test gives it port
//! 443, which the localhost network never does, so there its plans are unsupported.
//! The interop runner presents some cases to the programs under another name (see
//! [`cases`]), and so do these plans.

mod cases;
mod client;
mod config;
mod fixed_paths;
mod server;
#[cfg(test)]
mod tests;

use std::path::Path;

use panther_plugin_api::model::{
    CommandSpec, Description, Role, ServiceOutcome, ServicePlan, ServiceRequest, Verdict,
};
use panther_plugin_api::{PluginError, ServiceManager, export_plugin, parse_config};
use panther_quic_interop::judge;

use crate::config::Config;

/// `program ARGS` with UDP GSO off (`QUIC_GO_DISABLE_GSO`, which quic-go reads in
/// `sys_conn_helper_linux.go`), so that a capture on `lo` holds one packet per
/// datagram and tshark can decrypt it.
fn command(program: &Path, args: Vec<String>) -> CommandSpec {
    CommandSpec::new(program.display().to_string(), args).with_env("QUIC_GO_DISABLE_GSO", "true")
}

/// The quic_go service manager.
pub struct QuicGo;

impl ServiceManager for QuicGo {
    fn describe() -> Description {
        Description {
            name: "quic_go".to_owned(),
            description:
                "quic-go (Go), its interop server and client (hq-interop and h3); the server \
                 only on port 443"
                    .to_owned(),
            protocols: vec!["quic".to_owned()],
            roles: vec![Role::Server, Role::Client],
            config_schema: config::schema(),
            ..Description::default()
        }
    }

    fn new() -> Result<Self, PluginError> {
        Ok(Self)
    }

    fn plan(&self, request: &ServiceRequest) -> Result<ServicePlan, PluginError> {
        let config: Config = parse_config(&request.config)?;
        match request.role {
            Role::Server => server::plan(request, &config),
            Role::Client => client::plan(request, &config),
        }
    }

    fn judge(&self, outcome: &ServiceOutcome) -> Result<Verdict, PluginError> {
        Ok(judge(outcome))
    }
}

export_plugin!(service_manager: QuicGo);
