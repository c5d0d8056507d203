//! Typed handles on plugin components: plain requests in, plain answers out, with the
//! JSON crossing hidden here.

use abi_stable::std_types::RStr;
use panther_plugin_api::ffi::{
    ExecutionEnvironmentBox, JsonResult, LAUNCH_SINCE, LaunchCall, NetworkEnvironmentBox,
    ServiceManagerBox,
};
use panther_plugin_api::model::{
    Deployment, ExecutionFindings, FindingsRequest, LaunchRequest, Launcher, NetworkRequest,
    ServiceOutcome, ServicePlan, ServiceRequest, Verdict, WrapRequest, WrappedCommand,
};
use serde::Serialize;
use serde::de::DeserializeOwned;

use super::loader::api_release;

/// Why a call into a plugin gave no answer.
#[derive(Debug, thiserror::Error)]
pub enum CallError {
    /// The plugin returned an error (a panic in the plugin arrives as one).
    #[error("{0}")]
    Plugin(String),
    /// The plugin's answer is not what the API says it returns.
    #[error("its answer is not a valid {what}: {error}")]
    Answer {
        /// The type expected.
        what: &'static str,
        /// What serde said.
        error: serde_json::Error,
    },
}

fn round_trip<Q: Serialize, R: DeserializeOwned>(
    request: &Q,
    call: impl FnOnce(RStr<'_>) -> JsonResult,
) -> Result<R, CallError> {
    let json = serde_json::to_string(request).expect("the host's own model always encodes");
    let answer = call(RStr::from(json.as_str()))
        .into_result()
        .map_err(|e| CallError::Plugin(e.into_string()))?;
    serde_json::from_str(&answer).map_err(|error| CallError::Answer {
        what: std::any::type_name::<R>()
            .rsplit("::")
            .next()
            .unwrap_or("answer"),
        error,
    })
}

/// A component made by a plugin's constructor.
pub enum Component {
    /// An implementation under test or a tester.
    ServiceManager(ServiceManagerHandle),
    /// A network environment.
    NetworkEnvironment(NetworkEnvironmentHandle),
    /// An execution environment.
    ExecutionEnvironment(ExecutionEnvironmentHandle),
}

/// A service manager in a loaded plugin.
pub struct ServiceManagerHandle(ServiceManagerBox);

impl From<ServiceManagerBox> for ServiceManagerHandle {
    fn from(object: ServiceManagerBox) -> Self {
        Self(object)
    }
}

impl ServiceManagerHandle {
    /// How to run one service of a test.
    pub fn plan(&self, request: &ServiceRequest) -> Result<ServicePlan, CallError> {
        round_trip(request, |json| self.0.plan(json))
    }

    /// The verdict on a service that ran its plan.
    pub fn judge(&self, outcome: &ServiceOutcome) -> Result<Verdict, CallError> {
        round_trip(outcome, |json| self.0.judge(json))
    }
}

/// A network environment in a loaded plugin.
pub struct NetworkEnvironmentHandle {
    object: NetworkEnvironmentBox,
    answers_launch: bool,
}

impl NetworkEnvironmentHandle {
    /// The environment made by a plugin built against plugin-api `api_version`.
    pub fn new(object: NetworkEnvironmentBox, api_version: &str) -> Self {
        Self {
            object,
            answers_launch: api_release(api_version).is_some_and(|r| r >= LAUNCH_SINCE),
        }
    }

    /// How to set up the network, launch each service in it and tear it down.
    pub fn deploy(&self, request: &NetworkRequest) -> Result<Deployment, CallError> {
        round_trip(request, |json| self.object.deploy(json))
    }

    /// One command that runs every planned service, or `None` for the host to start
    /// each one; a plugin built before launch requests existed is not asked.
    pub fn launch(&self, request: &LaunchRequest) -> Result<Option<Launcher>, CallError> {
        if !self.answers_launch {
            return Ok(None);
        }
        let call = LaunchCall {
            launch: request.clone(),
        };
        round_trip(&call, |json| self.object.deploy(json))
    }
}

/// An execution environment in a loaded plugin.
pub struct ExecutionEnvironmentHandle(ExecutionEnvironmentBox);

impl From<ExecutionEnvironmentBox> for ExecutionEnvironmentHandle {
    fn from(object: ExecutionEnvironmentBox) -> Self {
        Self(object)
    }
}

impl ExecutionEnvironmentHandle {
    /// The command to run in place of the service's own.
    pub fn wrap(&self, request: &WrapRequest) -> Result<WrappedCommand, CallError> {
        round_trip(request, |json| self.0.wrap(json))
    }

    /// What the tool found once the service ended.
    pub fn findings(&self, request: &FindingsRequest) -> Result<ExecutionFindings, CallError> {
        round_trip(request, |json| self.0.findings(json))
    }
}
