//! The client's plan: `client URL...`, after pointing `/downloads` and `/logs` at
//! the test's directories. Resumption and 0-RTT need nothing more: the client makes
//! both connections itself.

use panther_plugin_api::PluginError;
use panther_plugin_api::model::{ServicePlan, ServiceRequest};
use panther_quic_interop::{
    Endpoint, client_plan, downloads_directory, request_urls, unsupported_case,
};

use crate::cases::{SUPPORTED, with_runner_name};
use crate::command;
use crate::config::{Config, requirement};
use crate::fixed_paths::{DOWNLOADS, LOGS, link};

/// The client's plan.
pub fn plan(request: &ServiceRequest, config: &Config) -> Result<ServicePlan, PluginError> {
    let (_, urls) = request_urls(request)?;
    let endpoint = Endpoint {
        command: command(&config.client, urls),
        requires: Vec::new(),
    };
    let plan = ServicePlan {
        prepare: vec![
            link(DOWNLOADS, &downloads_directory(&request.output_dir)),
            link(LOGS, &request.artifacts_dir),
        ],
        skip_without: vec![requirement(&config.client, "client")],
        unsupported: unsupported_case(request, "quic_go", &SUPPORTED),
        ..client_plan(request, endpoint)?
    };
    Ok(with_runner_name(plan, request))
}
