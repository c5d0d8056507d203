//! The quant service manager: NetApp's quant `server` and `client` programs, which no
//! package provides: `scripts/build-stacks quant` builds them from the pinned sources
//! (stacks.toml) into the host's cache, where the plans find them; a run that needs
//! them before they are built is refused with that command.
//!
//! Every flag comes from the programs' option parsing in NTAP/quant (read from its
//! copies larseggert/quant and thecapn32/quant, the index holding no NTAP/quant/bin):
//! - bin/server.c (`main`'s getopt string `"hi:p:d:v:c:k:t:b:q:rl:x:og"` and `usage`:
//!   `-i` interface, `-p` port, `-d` root, `-c` cert, `-k` key, `-l` key log, `-q`
//!   qlog directory, `-r` force a Retry);
//! - bin/client.c (`main`'s getopt string `"hi:v:s:t:l:c:u36azb:wr:q:me:x:og"` and
//!   `usage`: `-i`, `-e` version, `-w` write objects, `-c` CA, `-l`, `-q`, `-s` ticket
//!   store, `-a` ChaCha20, `-u` key update; `get`: the ALPN `hq-interop` for version 1);
//! - lib/src/tls.c (the server's ALPNs, the CA store, `force_chacha20`, the ticket
//!   store) and lib/src/quic.c (`ok_vers`, version 1 among them);
//! - quant's interop endpoint script test/interop.sh (installed as /run_endpoint.sh by
//!   Dockerfile.interop), for how the runner starts them.

mod client;
mod config;
mod server;
#[cfg(test)]
mod tests;

use panther_plugin_api::model::{
    Description, Role, ServiceOutcome, ServicePlan, ServiceRequest, Verdict,
};
use panther_plugin_api::{PluginError, ServiceManager, export_plugin, parse_config};
use panther_quic_interop::{TestCase, judge};
use panther_stacks::offered_versions;

use crate::config::Config;

/// The cases both programs can play: every one but http3, which neither speaks (the
/// server's ALPNs are HTTP/0.9 ones and it parses HTTP/0.9 requests only; the client's
/// `-3` sends one static HTTP/3 request and writes the raw frames it gets back).
/// Multiplexing is transfer with more files on the one connection the client opens
/// per server (quant's interop.sh still refuses it).
const SUPPORTED: [TestCase; 8] = [
    TestCase::Handshake,
    TestCase::Transfer,
    TestCase::Multiplexing,
    TestCase::Retry,
    TestCase::Resumption,
    TestCase::Chacha20,
    TestCase::Keyupdate,
    TestCase::Zerortt,
];

/// The quant service manager.
pub struct Quant;

impl ServiceManager for Quant {
    fn describe() -> Description {
        Description {
            name: "quant".to_owned(),
            description: "quant (C, picotls, warpcore), its server and client programs, \
                          hq-interop"
                .to_owned(),
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

export_plugin!(service_manager: Quant);
