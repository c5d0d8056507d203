//! The client: quant's `client` fetching the test case's files into the downloads.

use panther_plugin_api::PluginError;
use panther_plugin_api::model::{CommandSpec, ServicePlan, ServiceRequest};
use panther_quic_interop::{
    Endpoint, TestCase, client_plan, downloads_directory, keylog_path, qlog_directory,
    request_urls, test_case, unsupported_case,
};

use crate::SUPPORTED;
use crate::config::Config;

/// `-e 0x1`: QUIC v1, for which client.c offers the ALPN `hq-interop` (other versions
/// get `hq-<draft>`).
const QUIC_V1: &str = "0x1";

/// The flag a test case adds: `-a` offers only ChaCha20-Poly1305 (tls.c,
/// `force_chacha20`), `-u` updates the TLS keys.
fn case_flag(case: Option<TestCase>) -> Option<&'static str> {
    match case {
        Some(TestCase::Chacha20) => Some("-a"),
        Some(TestCase::Keyupdate) => Some("-u"),
        _ => None,
    }
}

/// `client -i IFACE -e 0x1 -w -c CA -l KEYLOG -q QLOGDIR -s TICKETS [-a|-u] URL...`,
/// run in the downloads directory, where `-w` writes each object under the last part
/// of its URL. `-c` verifies the server against the run's CA (without it, quant
/// verifies against the system's). `-s` keeps the TLS tickets in the test's own file
/// (the default, /tmp/quant-session, would carry them from test to test); with a
/// ticket there, the next connection resumes and sends its first request as 0-RTT
/// data, so resumption and 0-RTT first fetch one file on a connection of its own.
pub fn plan(request: &ServiceRequest, config: &Config) -> Result<ServicePlan, PluginError> {
    let (program, requirement) = config.client(request)?;
    let tls = request
        .tls
        .as_ref()
        .ok_or_else(|| PluginError::new("the host gave no TLS files for the client"))?;
    let (_, urls) = request_urls(request)?;
    let case = test_case(request).0;
    let mut flags = vec![
        "-i".to_owned(),
        config.interface.clone(),
        "-e".to_owned(),
        QUIC_V1.to_owned(),
        "-w".to_owned(),
        "-c".to_owned(),
        tls.ca.display().to_string(),
        "-l".to_owned(),
        keylog_path(request).display().to_string(),
        "-q".to_owned(),
        qlog_directory(request).display().to_string(),
        "-s".to_owned(),
        request.output_dir.join("tickets").display().to_string(),
    ];
    flags.extend(case_flag(case).map(str::to_owned));
    let downloads = downloads_directory(&request.output_dir);
    let program = program.display().to_string();
    let command = |urls: &[String]| {
        let mut args = flags.clone();
        args.extend(urls.iter().cloned());
        CommandSpec {
            cwd: Some(downloads.clone()),
            ..CommandSpec::new(program.clone(), args)
        }
    };
    let resumes = matches!(case, Some(TestCase::Resumption | TestCase::Zerortt));
    let (first, rest) = match (resumes, urls.split_first()) {
        (true, Some((first, rest))) if !rest.is_empty() => (Some(first.clone()), rest.to_vec()),
        _ => (None, urls.clone()),
    };
    let endpoint = Endpoint {
        command: command(&rest),
        requires: vec![requirement],
    };
    let mut plan = ServicePlan {
        unsupported: unsupported_case(request, "quant", &SUPPORTED),
        ..client_plan(request, endpoint)?
    };
    if let Some(first) = first {
        let mut ticket = command(std::slice::from_ref(&first));
        ticket.env = plan.command.env.clone();
        plan.prepare.push(ticket);
    }
    Ok(plan)
}
