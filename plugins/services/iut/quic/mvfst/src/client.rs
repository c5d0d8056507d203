//! The client's plan: `hq --mode=client`, fetching the test's paths from its server.

use panther_plugin_api::PluginError;
use panther_plugin_api::model::{CommandSpec, ServicePlan, ServiceRequest};
use panther_quic_interop::{
    Endpoint, TestCase, client_plan, downloads_directory, qlog_directory, request_urls, test_case,
    unsupported_case,
};

use crate::cases::{CLIENT_SUPPORTED, http};
use crate::config::{Config, program};
use crate::flag;

/// The path of `url` (`/name` of `https://host:port/name`), which hq's `--path` takes.
pub fn url_path(url: &str) -> String {
    let after_scheme = url.split_once("://").map_or(url, |(_, rest)| rest);
    after_scheme
        .find('/')
        .map_or_else(|| "/".to_owned(), |at| after_scheme[at..].to_owned())
}

/// The client's plan. hq saves each response as `--outdir` + the last segment of its
/// path, and does not verify the server's certificate (`--verify_server_cert` is off).
/// Resumption and 0-RTT take two runs, as run_endpoint.sh does: a preparation fetches
/// the first path and stores the session in `--psk_file`, then the run resumes it
/// for the others (with `--early_data` for 0-RTT).
pub fn plan(request: &ServiceRequest, config: &Config) -> Result<ServicePlan, PluginError> {
    let (program, requirement) = program(config, request)?;
    let (server, urls) = request_urls(request)?;
    let case = test_case(request).0;
    let http = http(case);
    let mut flags = vec![
        flag("mode", "client"),
        flag("host", &server.host),
        flag("port", server.port),
        flag("protocol", http.protocol),
        flag("httpversion", http.version),
        // QUIC v1 first; hq would otherwise start with mvfst's own versions.
        flag("quic_version", 1),
        flag("outdir", downloads_directory(&request.output_dir).display()),
        flag("qlogger_path", qlog_directory(request).display()),
        // The bodies go to --outdir while --log_response keeps its default, true:
        // proxygen's CurlClient::onBody writes nothing anywhere without it.
        flag("logdir", request.artifacts_dir.display()),
    ];
    if case == Some(TestCase::Keyupdate) {
        flags.push(flag("initiate_key_updates", true));
    }
    let resumes = matches!(case, Some(TestCase::Resumption | TestCase::Zerortt));
    if resumes {
        flags.push(flag("psk_file", request.output_dir.join("psk").display()));
    }
    if case == Some(TestCase::Zerortt) {
        flags.push(flag("early_data", true));
    }
    let program = program.display().to_string();
    let command = |paths: &[String]| {
        let mut args = flags.clone();
        args.push(flag("path", paths.join(",")));
        CommandSpec::new(program.clone(), args)
    };
    let paths: Vec<String> = urls.iter().map(|url| url_path(url)).collect();
    let (first, rest) = match (resumes, paths.split_first()) {
        (true, Some((first, rest))) if !rest.is_empty() => (Some(first.clone()), rest.to_vec()),
        _ => (None, paths),
    };
    let endpoint = Endpoint {
        command: command(&rest),
        requires: vec![requirement],
    };
    let mut plan = client_plan(request, endpoint)?;
    if let Some(first) = first {
        let mut ticket = command(std::slice::from_ref(&first));
        ticket.env = plan.command.env.clone();
        plan.prepare.push(ticket);
    }
    Ok(ServicePlan {
        unsupported: unsupported_case(request, "mvfst", &CLIENT_SUPPORTED),
        ..plan
    })
}
