//! The client: `http_client` fetching the test case's files into the downloads.

use panther_plugin_api::PluginError;
use panther_plugin_api::model::{CommandSpec, ServicePlan, ServiceRequest};
use panther_quic_interop::{
    Endpoint, TestCase, client_plan, downloads_directory, request_urls, test_case, unsupported_case,
};

use crate::config::Config;
use crate::{keylog, protocol};

/// The cases `http_client` can play. Not chacha20: it has no option to choose TLS
/// cipher suites (BoringSSL fixes the TLS 1.3 ones); not keyupdate: no option
/// initiates a key update; not zerortt: `-0` resumes the session, and lsquic's own
/// interop script does not claim 0-RTT for its client.
pub const SUPPORTED: [TestCase; 6] = [
    TestCase::Handshake,
    TestCase::Transfer,
    TestCase::Multiplexing,
    TestCase::Http3,
    TestCase::Retry,
    TestCase::Resumption,
];

/// The SNI and `:authority` (`-H`): required when `-s` names an address, and a name
/// the host's certificate always covers.
const SERVER_NAME: &str = "localhost";

/// The path of a URL (`https://host:port/path` gives `/path`), as `-p` takes it.
fn url_path(url: &str) -> String {
    let path = url.splitn(4, '/').nth(3).unwrap_or_default();
    format!("/{path}")
}

/// `-r N -R N -w N -p PATH...`: all the paths as requests on one connection, all at
/// once (http_client.c: `-r` total requests, `-R` requests per connection, `-w`
/// concurrent requests per connection, each defaulting to 1).
fn requests(paths: &[String]) -> Vec<String> {
    let count = paths.len().to_string();
    let mut args = vec![
        "-r".to_owned(),
        count.clone(),
        "-R".to_owned(),
        count.clone(),
        "-w".to_owned(),
        count,
    ];
    for path in paths {
        args.extend(["-p".to_owned(), path.clone()]);
    }
    args
}

/// `http_client -s HOST:PORT -H localhost -G KEYS -o version=h3 [-Q hq-interop | -B]
/// -7 DOWNLOADS [-0 SESSION] -r N -R N -w N -p PATH...`. The certificate is not
/// verified (that needs `-C`). Resumption first fetches one file on a connection of
/// its own, which saves the session ticket that `-0` then resumes.
pub fn plan(request: &ServiceRequest, config: &Config) -> Result<ServicePlan, PluginError> {
    let (program, requirement) = config.client(request)?;
    let (server, urls) = request_urls(request)?;
    let case = test_case(request).0;
    let mut flags = protocol::service_port(&server).to_vec();
    flags.extend(["-H".to_owned(), SERVER_NAME.to_owned()]);
    flags.extend(keylog::flags(request));
    flags.extend(protocol::flags(case));
    if case == Some(TestCase::Http3) {
        // Header bypass: the response headers go to stdout, the body alone to the file.
        flags.push("-B".to_owned());
    }
    flags.extend([
        "-7".to_owned(),
        downloads_directory(&request.output_dir)
            .display()
            .to_string(),
    ]);
    let resumes = case == Some(TestCase::Resumption);
    if resumes {
        flags.extend([
            "-0".to_owned(),
            request
                .output_dir
                .join("session.resume")
                .display()
                .to_string(),
        ]);
    }
    let program = program.display().to_string();
    let command = |paths: &[String]| {
        let mut args = flags.clone();
        args.extend(requests(paths));
        CommandSpec::new(program.clone(), args)
    };
    let paths: Vec<String> = urls.iter().map(|url| url_path(url)).collect();
    let (first, rest) = match (resumes, paths.split_first()) {
        (true, Some((first, rest))) if !rest.is_empty() => (Some(first.clone()), rest.to_vec()),
        _ => (None, paths.clone()),
    };
    let endpoint = Endpoint {
        command: command(&rest),
        requires: vec![requirement],
    };
    let mut plan = ServicePlan {
        unsupported: unsupported_case(request, "lsquic", &SUPPORTED),
        ..client_plan(request, endpoint)?
    };
    if let Some(first) = first {
        let mut ticket = command(std::slice::from_ref(&first));
        ticket.env = plan.command.env.clone();
        plan.prepare.push(ticket);
    }
    plan.analyses.insert(0, keylog::gather(request));
    Ok(plan)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_url_gives_its_path() {
        assert_eq!(url_path("https://127.0.0.1:4443/a-1.bin"), "/a-1.bin");
        assert_eq!(url_path("https://[::1]:4443/dir/b.bin"), "/dir/b.bin");
    }
}
