//! The plain Rust traits a plugin author implements, one per kind of component.

use crate::PluginError;
use crate::model::{
    Deployment, Description, ExecutionFindings, FindingsRequest, LaunchRequest, Launcher,
    NetworkRequest, ServiceOutcome, ServicePlan, ServiceRequest, Verdict, WrapRequest,
    WrappedCommand,
};

/// Plans and judges one implementation under test or one tester.
///
/// Implementations are pure: they return plans and verdicts; the host runs everything.
pub trait ServiceManager: Send + Sync + 'static {
    /// What the component is; called without an instance, before anything else.
    fn describe() -> Description
    where
        Self: Sized;

    /// Makes the component; an error refuses the plugin with its message.
    fn new() -> Result<Self, PluginError>
    where
        Self: Sized;

    /// How to run one service of a test.
    fn plan(&self, request: &ServiceRequest) -> Result<ServicePlan, PluginError>;

    /// The verdict on a service that ran its plan.
    fn judge(&self, outcome: &ServiceOutcome) -> Result<Verdict, PluginError>;
}

/// Places a test's services on a network.
pub trait NetworkEnvironment: Send + Sync + 'static {
    /// What the component is; called without an instance, before anything else.
    fn describe() -> Description
    where
        Self: Sized;

    /// Makes the component; an error refuses the plugin with its message.
    fn new() -> Result<Self, PluginError>
    where
        Self: Sized;

    /// How to set up the network, launch each service in it and tear it down.
    fn deploy(&self, request: &NetworkRequest) -> Result<Deployment, PluginError>;

    /// Once every service is planned: one command that runs them all (`docker compose
    /// up`, a simulator), or `None` (the default) for the host to start each service
    /// itself with the deployment's prefix.
    fn launch(&self, request: &LaunchRequest) -> Result<Option<Launcher>, PluginError> {
        let _ = request;
        Ok(None)
    }
}

/// Wraps a service's launch in a tool and reads what the tool found.
pub trait ExecutionEnvironment: Send + Sync + 'static {
    /// What the component is; called without an instance, before anything else.
    fn describe() -> Description
    where
        Self: Sized;

    /// Makes the component; an error refuses the plugin with its message.
    fn new() -> Result<Self, PluginError>
    where
        Self: Sized;

    /// The command to run in place of the service's own.
    fn wrap(&self, request: &WrapRequest) -> Result<WrappedCommand, PluginError>;

    /// What the tool found once the service ended.
    fn findings(&self, request: &FindingsRequest) -> Result<ExecutionFindings, PluginError>;
}
