//! The plan of a `picoquicdemo` service: its command line in the endpoint contract's
//! plan for its role, refused before anything runs while its build is missing.

use panther_plugin_api::PluginError;
use panther_plugin_api::model::{
    Analysis, CommandSpec, Requirement, Role, ServicePlan, ServiceRequest,
};
use panther_quic_interop::{Endpoint, client_plan, keylog_path, server_plan, unsupported_case};
use panther_stacks::VERSION_KEY;

use super::config::{Config, program};
use super::flags;
use super::versions::{Generation, generation};

/// What a draft version plays against: picoquic of the same draft, and the formal
/// tester, which speaks whichever QUIC version its model is of.
const DRAFT_PEERS: [&str; 3] = ["picoquic", "picoquic_shadow", "ivy"];

/// Refuses a draft version whose test has a peer that speaks only QUIC v1.
fn check_peers(
    request: &ServiceRequest,
    version: &str,
    generation: &Generation,
) -> Result<(), PluginError> {
    let Some(draft) = generation.draft else {
        return Ok(());
    };
    let v1_only = request
        .peers
        .iter()
        .find(|(_, peer)| !DRAFT_PEERS.contains(&peer.implementation.as_str()));
    match v1_only {
        None => Ok(()),
        Some((name, peer)) => Err(PluginError::new(format!(
            "config key `{VERSION_KEY}`: picoquic '{version}' speaks QUIC {draft}, which \
             service '{name}' ({}) does not: a draft version runs against picoquic or \
             picoquic_shadow of the same version, or the ivy tester",
            peer.implementation
        ))),
    }
}

/// The variable that names the key log, which picoquicdemo reads.
const KEYLOG_VARIABLE: &str = "SSLKEYLOGFILE";

/// For a version whose key log has the early drafts' `QUIC_` labels: the program
/// writes its key log beside the contract's, and an analysis, run before the capture
/// is decoded, writes the contract's with the labels tshark reads.
fn standard_key_labels(plan: &mut ServicePlan, request: &ServiceRequest) {
    let contract = keylog_path(request);
    let drafted = contract.with_extension("quic-labels.log");
    for command in plan.prepare.iter_mut().chain([&mut plan.command]) {
        if command.env.contains_key(KEYLOG_VARIABLE) {
            command
                .env
                .insert(KEYLOG_VARIABLE.to_owned(), drafted.display().to_string());
        }
    }
    let relabel = CommandSpec::new(
        "/usr/bin/sed",
        [
            "-e".to_owned(),
            "s/^QUIC_//".to_owned(),
            drafted.display().to_string(),
        ],
    );
    plan.analyses.insert(
        0,
        Analysis {
            command: relabel,
            output: contract,
        },
    );
}

/// `command` as the contract's endpoint, needing `requirement`.
fn endpoint(command: CommandSpec, requirement: &Requirement) -> Endpoint {
    Endpoint {
        command,
        requires: vec![requirement.clone()],
    }
}

/// The plan of `request` as `stack` (the plugin's name, which is also the name of
/// its builds in stacks.toml and is given as the reason when the test case is not
/// one the version plays).
pub fn plan(
    request: &ServiceRequest,
    config: &Config,
    stack: &str,
) -> Result<ServicePlan, PluginError> {
    let (program, requirement) = program(config, request, stack)?;
    let version = config.version_of(stack);
    let generation = generation(&version)?;
    check_peers(request, &version, &generation)?;
    let plan = match request.role {
        Role::Server => server_plan(
            request,
            endpoint(flags::server(request, &program, &generation)?, &requirement),
        ),
        Role::Client => {
            let commands = flags::client(request, &program, &generation)?;
            let mut plan = client_plan(request, endpoint(commands.last, &requirement))?;
            if let Some(mut first) = commands.first {
                first.env = plan.command.env.clone();
                plan.prepare.push(first);
            }
            plan
        }
    };
    let mut plan = ServicePlan {
        unsupported: unsupported_case(request, stack, &generation.supported()),
        ..plan
    };
    if generation.quic_key_labels {
        standard_key_labels(&mut plan, request);
    }
    Ok(plan)
}
