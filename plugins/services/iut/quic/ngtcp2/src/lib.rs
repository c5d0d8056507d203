//! The ngtcp2 service manager: Debian's `gtlsserver` and `gtlsclient` (ngtcp2 over
//! GnuTLS, packages ngtcp2-server and ngtcp2-client), driven with their own flags.
//! They speak HTTP/3 only, for every test case; the other stacks' servers accept h3 on
//! every case so that they can be paired with it.

use std::path::{Path, PathBuf};

use panther_plugin_api::model::{
    CommandSpec, Description, Requirement, Role, ServiceOutcome, ServicePlan, ServiceRequest,
    Verdict,
};
use panther_plugin_api::{PluginError, ServiceManager, export_plugin, parse_config};
use panther_quic_interop::{
    Endpoint, TestCase, client_plan, downloads_directory, judge, qlog_directory, request_urls,
    served_directory, server_plan, test_case,
};
use serde::Deserialize;

/// GnuTLS's priority string offering only ChaCha20-Poly1305 in TLS 1.3.
const CHACHA20_ONLY: &str = "NORMAL:-VERS-ALL:+VERS-TLS1.3:-CIPHER-ALL:+CHACHA20-POLY1305";

/// The plugin's `config` table.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, default)]
struct Config {
    /// The server program.
    server: PathBuf,
    /// The client program.
    client: PathBuf,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            server: PathBuf::from("/usr/sbin/gtlsserver"),
            client: PathBuf::from("/usr/bin/gtlsclient"),
        }
    }
}

fn requirement(program: &Path, package: &str, key: &str) -> Requirement {
    Requirement {
        path: program.to_path_buf(),
        what: format!("{} (config key `{key}`)", program.display()),
        how_to_get: format!("apt-get install {package} (scripts/install-system-packages does)"),
    }
}

fn flag(name: &str, value: &Path) -> String {
    format!("--{name}={}", value.display())
}

/// `gtlsserver [flags] ADDR PORT KEY CERT`, serving the test case's files.
fn server(request: &ServiceRequest, config: &Config) -> Result<ServicePlan, PluginError> {
    let tls = request
        .tls
        .as_ref()
        .ok_or_else(|| PluginError::new("the host gave no TLS files for the server"))?;
    let mut args = vec![
        "--quiet".to_owned(),
        "--max-gso-dgrams=1".to_owned(),
        flag("htdocs", &served_directory(&request.output_dir)),
        flag("qlog-dir", &qlog_directory(request)),
    ];
    if test_case(request).0 == Some(TestCase::Retry) {
        args.push("--validate-addr".to_owned());
    }
    args.extend([
        request.address.host.clone(),
        request.address.port.to_string(),
        tls.key.display().to_string(),
        tls.certificate.display().to_string(),
    ]);
    let endpoint = Endpoint {
        command: CommandSpec::new(config.server.display().to_string(), args),
        requires: vec![requirement(&config.server, "ngtcp2-server", "server")],
    };
    Ok(server_plan(request, endpoint))
}

/// `gtlsclient [flags] HOST PORT URL...`; resumption and 0-RTT first fetch one file on
/// a connection of their own to get a session ticket.
fn client(request: &ServiceRequest, config: &Config) -> Result<ServicePlan, PluginError> {
    let (server, urls) = request_urls(request)?;
    let case = test_case(request).0;
    let program = config.client.display().to_string();
    let mut flags = vec![
        "--quiet".to_owned(),
        "--exit-on-all-streams-close".to_owned(),
        flag("download", &downloads_directory(&request.output_dir)),
        flag("qlog-dir", &qlog_directory(request)),
    ];
    match case {
        Some(TestCase::Chacha20) => flags.push(format!("--ciphers={CHACHA20_ONLY}")),
        Some(TestCase::Keyupdate) => flags.push("--key-update=5ms".to_owned()),
        _ => {}
    }
    let resumes = matches!(case, Some(TestCase::Resumption | TestCase::Zerortt));
    if resumes {
        flags.push(flag(
            "session-file",
            &request.output_dir.join("session.pem"),
        ));
        flags.push(flag(
            "tp-file",
            &request.output_dir.join("transport-parameters"),
        ));
    }
    if case == Some(TestCase::Resumption) {
        flags.push("--disable-early-data".to_owned());
    }
    let command = |urls: &[String]| {
        let mut args = flags.clone();
        args.extend([server.host.clone(), server.port.to_string()]);
        args.extend(urls.iter().cloned());
        CommandSpec::new(program.clone(), args)
    };
    let (first, rest) = match (resumes, urls.split_first()) {
        (true, Some((first, rest))) if !rest.is_empty() => (Some(first.clone()), rest.to_vec()),
        _ => (None, urls.clone()),
    };
    let endpoint = Endpoint {
        command: command(&rest),
        requires: vec![requirement(&config.client, "ngtcp2-client", "client")],
    };
    let mut plan = client_plan(request, endpoint)?;
    if let Some(first) = first {
        let mut ticket = command(std::slice::from_ref(&first));
        ticket.env = plan.command.env.clone();
        plan.prepare.push(ticket);
    }
    Ok(plan)
}

/// The ngtcp2 service manager.
pub struct Ngtcp2;

impl ServiceManager for Ngtcp2 {
    fn describe() -> Description {
        Description {
            name: "ngtcp2".to_owned(),
            description: "ngtcp2 (C, GnuTLS), Debian's gtlsserver and gtlsclient, HTTP/3"
                .to_owned(),
            protocols: vec!["quic".to_owned()],
            roles: vec![Role::Server, Role::Client],
            config_schema: serde_json::json!({
                "type": "object",
                "properties": {
                    "server": {
                        "type": "string",
                        "description": "the server program",
                        "default": "/usr/sbin/gtlsserver"
                    },
                    "client": {
                        "type": "string",
                        "description": "the client program",
                        "default": "/usr/bin/gtlsclient"
                    }
                },
                "additionalProperties": false
            }),
            ..Description::default()
        }
    }

    fn new() -> Result<Self, PluginError> {
        Ok(Self)
    }

    fn plan(&self, request: &ServiceRequest) -> Result<ServicePlan, PluginError> {
        let config: Config = parse_config(&request.config)?;
        match request.role {
            Role::Server => server(request, &config),
            Role::Client => client(request, &config),
        }
    }

    fn judge(&self, outcome: &ServiceOutcome) -> Result<Verdict, PluginError> {
        Ok(judge(outcome))
    }
}

export_plugin!(service_manager: Ngtcp2);
