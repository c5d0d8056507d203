//! A service manager for a QUIC endpoint that follows the interop runner's contract
//! (ROLE, TESTCASE, SSLKEYLOGFILE, QLOGDIR, exit code 127 for "not supported").
//! Copy this crate, rename the plugin, and change `plan` to the command line your
//! endpoint takes.

use panther_plugin_api::model::{
    ArtifactSpec, CommandSpec, Description, Readiness, Role, ServiceOutcome, ServicePlan,
    ServiceRequest, Transport, Verdict, VerdictStatus,
};
use panther_plugin_api::{PluginError, ServiceManager, export_plugin};
use serde::Deserialize;

/// The plugin's name, as experiments write it: `implementation = "template-quic"`.
const NAME: &str = "template-quic";

/// The plugin's own `config` table.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Config {
    /// The endpoint program.
    #[serde(default = "default_binary")]
    binary: String,
}

fn default_binary() -> String {
    "quic-endpoint".to_owned()
}

/// The component this library exports.
pub struct TemplateQuic;

impl ServiceManager for TemplateQuic {
    fn describe() -> Description {
        Description {
            name: NAME.to_owned(),
            description: "a QUIC endpoint following the interop runner's contract".to_owned(),
            protocols: vec!["quic".to_owned()],
            roles: vec![Role::Server, Role::Client],
            config_schema: serde_json::json!({
                "type": "object",
                "properties": {
                    "binary": {
                        "type": "string",
                        "description": "the endpoint program, a path or a name on PATH",
                        "default": "quic-endpoint"
                    }
                },
                "additionalProperties": false
            }),
            ..Description::default()
        }
    }

    fn new() -> Result<Self, PluginError> {
        Ok(TemplateQuic)
    }

    fn plan(&self, request: &ServiceRequest) -> Result<ServicePlan, PluginError> {
        let config: Config = if request.config.is_null() {
            Config {
                binary: default_binary(),
            }
        } else {
            serde_json::from_value(request.config.clone())
                .map_err(|error| PluginError::new(format!("config: {error}")))?
        };
        let address = format!("{}:{}", request.address.host, request.address.port);
        let keylog = request.artifacts_dir.join("keys.log");
        let qlog = request.artifacts_dir.join("qlog");
        let test_case = request
            .test_case
            .clone()
            .unwrap_or_else(|| "handshake".to_owned());
        let command = CommandSpec::new(&config.binary, [address.as_str()])
            .with_env("ROLE", request.role.as_str())
            .with_env("TESTCASE", test_case)
            .with_env("SSLKEYLOGFILE", keylog.display().to_string())
            .with_env("QLOGDIR", qlog.display().to_string());
        let ready = match request.role {
            Role::Server => Readiness::Port {
                port: request.address.port,
                transport: Transport::Udp,
            },
            Role::Client => Readiness::Started,
        };
        Ok(ServicePlan {
            ready,
            decides: request.role == Role::Client,
            artifacts: vec![
                ArtifactSpec {
                    name: "keylog".to_owned(),
                    path: keylog,
                },
                ArtifactSpec {
                    name: "qlog".to_owned(),
                    path: qlog,
                },
            ],
            ..ServicePlan::new(command)
        })
    }

    fn judge(&self, outcome: &ServiceOutcome) -> Result<Verdict, PluginError> {
        let exit = &outcome.exit;
        Ok(match (exit.code, exit.signal) {
            (Some(0), _) => Verdict::new(VerdictStatus::Pass, "exited with 0"),
            (Some(127), _) => Verdict::new(VerdictStatus::Unsupported, "test case not supported"),
            _ if exit.stopped_by_host && outcome.request.role == Role::Server => {
                Verdict::new(VerdictStatus::Pass, "served until stopped")
            }
            (Some(code), _) => Verdict::new(VerdictStatus::Fail, format!("exited with {code}")),
            (None, Some(signal)) => {
                Verdict::new(VerdictStatus::Fail, format!("killed by signal {signal}"))
            }
            (None, None) => Verdict::new(VerdictStatus::Error, "no exit status"),
        })
    }
}

export_plugin!(service_manager: TemplateQuic);
