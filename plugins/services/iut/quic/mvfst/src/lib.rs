//! The mvfst service manager: proxygen's `hq`, an HTTP client and server over mvfst,
//! in the role the test gives it. `scripts/build-stacks mvfst` builds it, with folly,
//! fizz, mvfst and wangle, from the pinned sources (stacks.toml) into the host's
//! cache, where the plans find it (an hour on two cores); a run that needs it before
//! it is built is refused with that command.
//!
//! Why `hq`: mvfst's own sample (`quic/samples/echo/main.cpp`) takes only `--host`,
//! `--port` and `--mode` and echoes what it reads on a stream; it neither serves files
//! nor saves downloads, and has no certificate option. mvfst's interop image
//! (lnicco/mvfst-qns: `Dockerfile`, `run_endpoint.sh`) runs proxygen's `hq` for both
//! roles, and so does this plugin.
//!
//! Every flag emitted was read in facebook/proxygen
//! `proxygen/httpserver/samples/hq/HQCommandLine.cpp` (its `DEFINE_*` gflags: mode,
//! host, port, h2port, cert, key, httpversion, protocol, quic_version, outdir, logdir,
//! qlogger_path, psk_file, early_data, initiate_key_updates,
//! quic_batching_mode) or `SampleHandlers.cpp` (`static_root`), and used as mvfst-qns's
//! `run_endpoint.sh` uses them. Also read: `HQServerModule.cpp` (an HTTP/2 server on
//! `--h2port` beside the QUIC one on `--host`/`--port`), `HQClient.cpp` (downloads to
//! `--outdir`/last path segment, `hq-interop` spoken as HTTP/0.9, certificate not
//! verified), `FizzContext.cpp` (the server accepts early data), and in facebook/mvfst
//! `quic/server/QuicServerWorker.cpp` (Retry only when rate-limited),
//! `quic/client/QuicClientTransport.cpp` (the client follows a Retry) and
//! `quic/api/QuicTransportFunctions.cpp` (`maybeInitiateKeyUpdate`).
//!
//! Key log: hq has no option for one and we found no `SSLKEYLOGFILE` support in it,
//! so it writes none although the contract sets the variable. Qlog: `--qlogger_path`,
//! one `<CID>.qlog` per connection. GSO: `--quic_batching_mode=0` on the server.

mod cases;
mod client;
mod config;
mod server;
#[cfg(test)]
mod tests;

use std::fmt::Display;

use panther_plugin_api::model::{
    Description, Role, ServiceOutcome, ServicePlan, ServiceRequest, Verdict,
};
use panther_plugin_api::{PluginError, ServiceManager, export_plugin, parse_config};
use panther_quic_interop::judge;
use panther_stacks::offered_versions;

use crate::config::Config;

/// A gflags argument, `--name=value`.
fn flag(name: &str, value: impl Display) -> String {
    format!("--{name}={value}")
}

/// The mvfst service manager.
pub struct Mvfst;

impl ServiceManager for Mvfst {
    fn describe() -> Description {
        Description {
            name: "mvfst".to_owned(),
            description: "mvfst (C++, Meta) through proxygen's hq, hq-interop and h3".to_owned(),
            protocols: vec!["quic".to_owned()],
            roles: vec![Role::Server, Role::Client],
            config_schema: config::schema(),
            versions: offered_versions(config::STACK),
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

export_plugin!(service_manager: Mvfst);
