//! The server: `http_server` serving the test case's files.

use panther_plugin_api::PluginError;
use panther_plugin_api::model::{CommandSpec, ServicePlan, ServiceRequest};
use panther_quic_interop::{
    Endpoint, TestCase, served_directory, server_plan, test_case, unsupported_case,
};

use crate::config::Config;
use crate::{keylog, protocol};

/// The cases `http_server` can serve. Retry through LSQUIC_FORCE_RETRY; resumption and
/// 0-RTT because test_cert.c enables early data and a session cache on every
/// certificate; HTTP/3 without `-Q`; the rest need nothing of the server but serving
/// files on concurrent streams and following the client's key phase, which the
/// library does (lsquic's interop script still refuses multiplexing and keyupdate as
/// server).
pub const SUPPORTED: [TestCase; 9] = TestCase::ALL;

/// The names the certificate is registered under: test_cert.c (`lookup_cert`) picks
/// the certificate by the client's SNI, and the host's certificate covers the
/// server's address and `localhost`.
fn certificate_names(request: &ServiceRequest) -> Vec<String> {
    let mut names = vec![request.address.host.clone()];
    if request.address.host != "localhost" {
        names.push("localhost".to_owned());
    }
    names
}

/// `http_server -s HOST:PORT -c NAME,CERT,KEY... -r WWW -G KEYS -o version=h3
/// [-Q hq-interop]`. The programs send with sendmsg/sendmmsg, never with UDP GSO, so
/// there is nothing to turn off; lsquic's programs write no qlog.
pub fn plan(request: &ServiceRequest, config: &Config) -> Result<ServicePlan, PluginError> {
    let tls = request
        .tls
        .as_ref()
        .ok_or_else(|| PluginError::new("the host gave no TLS files for the server"))?;
    let (program, requirement) = config.server(request)?;
    let case = test_case(request).0;
    let mut args = protocol::service_port(&request.address).to_vec();
    for name in certificate_names(request) {
        args.extend([
            "-c".to_owned(),
            format!("{name},{},{}", tls.certificate.display(), tls.key.display()),
        ]);
    }
    args.extend([
        "-r".to_owned(),
        served_directory(&request.output_dir).display().to_string(),
    ]);
    args.extend(keylog::flags(request));
    args.extend(protocol::flags(case));
    let mut command = CommandSpec::new(program.display().to_string(), args);
    if case == Some(TestCase::Retry) {
        // lsquic_engine.c reads it in builds without NDEBUG, as the pinned build is.
        command = command.with_env("LSQUIC_FORCE_RETRY", "1");
    }
    let endpoint = Endpoint {
        command,
        requires: vec![requirement],
    };
    let mut plan = ServicePlan {
        unsupported: unsupported_case(request, "lsquic", &SUPPORTED),
        ..server_plan(request, endpoint)
    };
    plan.analyses.push(keylog::gather(request));
    Ok(plan)
}
