//! The server: quant's `server` serving the test case's files.

use panther_plugin_api::PluginError;
use panther_plugin_api::model::{CommandSpec, ServicePlan, ServiceRequest};
use panther_quic_interop::{
    Endpoint, TestCase, keylog_path, qlog_directory, served_directory, server_plan, test_case,
    unsupported_case,
};

use crate::SUPPORTED;
use crate::config::Config;

/// `server -i IFACE -p PORT -d WWW -c CERT -k KEY -l KEYLOG -q QLOGDIR [-r]`: it
/// listens on the port on every address of the interface, serves HTTP/0.9 only
/// (ALPNs `hq-interop` and `hq-<draft>`, tls.c), writes the key log named by `-l` (it
/// also takes SSLKEYLOGFILE as the default), a qlog per connection into `-q`'s
/// directory, and sends a Retry with `-r`. It has no option about UDP GSO.
pub fn plan(request: &ServiceRequest, config: &Config) -> Result<ServicePlan, PluginError> {
    let (program, requirement) = config.server(request)?;
    let tls = request
        .tls
        .as_ref()
        .ok_or_else(|| PluginError::new("the host gave no TLS files for the server"))?;
    let mut args = vec![
        "-i".to_owned(),
        config.interface.clone(),
        "-p".to_owned(),
        request.address.port.to_string(),
        "-d".to_owned(),
        served_directory(&request.output_dir).display().to_string(),
        "-c".to_owned(),
        tls.certificate.display().to_string(),
        "-k".to_owned(),
        tls.key.display().to_string(),
        "-l".to_owned(),
        keylog_path(request).display().to_string(),
        "-q".to_owned(),
        qlog_directory(request).display().to_string(),
    ];
    if test_case(request).0 == Some(TestCase::Retry) {
        args.push("-r".to_owned());
    }
    let endpoint = Endpoint {
        command: CommandSpec::new(program.display().to_string(), args),
        requires: vec![requirement],
    };
    Ok(ServicePlan {
        unsupported: unsupported_case(request, "quant", &SUPPORTED),
        ..server_plan(request, endpoint)
    })
}
