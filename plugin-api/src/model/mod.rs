//! The data model that crosses the plugin boundary as JSON text.
//!
//! Every type here is plain serde data. Fields added in later 1.x releases carry
//! `#[serde(default)]`, so a plugin built against an older 1.x reads newer requests
//! and the host reads older plugins' answers.

mod command;
mod execution;
mod manifest;
mod network;
mod service;

pub use command::{CommandSpec, FileSpec, path_argument, shell_word};
pub use execution::{
    ExecutionFindings, Finding, FindingsRequest, WrapLayer, WrapRequest, WrappedCommand,
};
pub use manifest::{BuildInfo, ComponentKind, Description, ImplementationVersion, Manifest, Role};
pub use network::{
    Collection, Deployment, LINK_CAPTURE_ARTIFACT, Launch, LaunchRequest, LaunchedOutputs,
    Launcher, NetworkRequest, NetworkService, PlannedService, Probe, ServiceAddress,
};
pub use service::{
    Analysis, ArtifactSpec, Companion, ExitInfo, PeerInfo, RandomFile, Readiness, Requirement,
    ServiceOutcome, ServicePlan, ServiceRequest, TlsFiles, Transport, Verdict, VerdictStatus,
};
