//! The lsquic service manager: lsquic's `http_server` and `http_client` examples,
//! which no package provides: `scripts/build-stacks lsquic` builds them from the
//! pinned sources (stacks.toml) into the host's cache, where the plans find them; a
//! run that needs them before they are built is refused with that command.
//!
//! Every flag comes from the programs' option parsing in litespeedtech/lsquic:
//! - bin/prog.h (`PROG_OPTS`, the common getopt letters) and bin/prog.c
//!   (`prog_set_opt`, `prog_print_common_options`: `-s`, `-c`, `-G`, `-o`, `-H`, `-0`);
//! - bin/http_server.c (`main`'s getopt string `PROG_OPTS "y:Y:n:p:r:w:P:h" "Q:"`:
//!   `-r` document root, `-Q` hq mode with an ALPN);
//! - bin/http_client.c (`main`'s getopt string: `-p`, `-r`, `-R`, `-w`, `-B`, `-7`
//!   download directory, `-Q`, and `-0` handed on to `prog_set_opt`);
//! - bin/test_common.c (`set_engine_option`: `-o version=...`; `sport_new`: the form of
//!   `-s`) and bin/test_cert.c (`load_cert`, `lookup_cert`: the form of `-c`, the
//!   certificate picked by SNI);
//! - src/liblsquic/lsquic_engine.c (LSQUIC_FORCE_RETRY);
//! - lsquic's quic-interop-runner endpoint script (run_endpoint.sh, "QUIC Interop
//!   Runner script for lsquic"), for how the runner starts them.

mod client;
mod config;
mod keylog;
mod protocol;
mod server;
#[cfg(test)]
mod tests;

use panther_plugin_api::model::{
    Description, Role, ServiceOutcome, ServicePlan, ServiceRequest, Verdict,
};
use panther_plugin_api::{PluginError, ServiceManager, export_plugin, parse_config};
use panther_quic_interop::judge;
use panther_stacks::offered_versions;

use crate::config::Config;

/// The lsquic service manager.
pub struct Lsquic;

impl ServiceManager for Lsquic {
    fn describe() -> Description {
        Description {
            name: "lsquic".to_owned(),
            description: "lsquic (C, BoringSSL), its http_server and http_client examples, \
                          hq-interop and h3"
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

export_plugin!(service_manager: Lsquic);
