//! `shadow.yaml` as typed data, written out as YAML by serde: the part of Shadow 3's
//! configuration format (`docs/shadow_config_spec.md`) this environment uses, with
//! Shadow's own key names.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// A whole simulation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ShadowFile {
    /// When the simulation stops and where its files go.
    pub general: General,
    /// The network graph.
    pub network: Network,
    /// The simulated hosts, by host name.
    pub hosts: BTreeMap<String, Host>,
}

/// Simulation-wide settings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct General {
    /// The simulated time at which the simulation ends (`31 s`).
    pub stop_time: String,
    /// Where Shadow writes its files; it must not exist yet.
    pub data_directory: String,
    /// The seed of every random choice of the simulation.
    pub seed: u32,
    /// Whether system calls that do not block move the simulated clock.
    pub model_unblocked_syscall_latency: bool,
}

/// The network settings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Network {
    /// The topology.
    pub graph: Graph,
}

/// A topology given inline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Graph {
    /// Always `gml`.
    #[serde(rename = "type")]
    pub kind: String,
    /// The GML text.
    pub inline: String,
}

/// One simulated host.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Host {
    /// The graph node it sits on.
    pub network_node_id: u32,
    /// Its IPv4 address.
    pub ip_addr: String,
    /// What it runs.
    pub processes: Vec<Process>,
    /// Per-host options, when any is set.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub host_options: Option<HostOptions>,
}

/// Per-host options.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HostOptions {
    /// Whether Shadow captures the host's packets to a pcap file in its directory.
    pub pcap_enabled: bool,
}

/// One process a host runs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Process {
    /// The program.
    pub path: String,
    /// Its arguments, each passed as it is (Shadow expands nothing in a list).
    pub args: Vec<String>,
    /// Its environment.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub environment: BTreeMap<String, String>,
    /// The simulated time at which it starts (`1 s`).
    pub start_time: String,
    /// How it should have ended when the simulation stops; Shadow reports an error
    /// otherwise.
    pub expected_final_state: FinalState,
}

/// A process's expected state at the end, as Shadow writes it: `{exited: 0}` or
/// `running`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum FinalState {
    /// Exited by itself with this code.
    Exited {
        /// The exit code.
        exited: i32,
    },
    /// Still running.
    Running(Running),
}

/// The word `running`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Running {
    /// Still running when the simulation stops.
    Running,
}

impl ShadowFile {
    /// The file as YAML.
    pub fn to_yaml(&self) -> Result<String, serde_norway::Error> {
        serde_norway::to_string(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn final_states_are_written_as_shadow_reads_them() {
        let running = serde_norway::to_string(&FinalState::Running(Running::Running)).unwrap();
        assert_eq!(running, "running\n");
        let exited = serde_norway::to_string(&FinalState::Exited { exited: 0 }).unwrap();
        assert_eq!(exited, "exited: 0\n");
        let back: FinalState = serde_norway::from_str("{exited: 0}").unwrap();
        assert_eq!(back, FinalState::Exited { exited: 0 });
        let back: FinalState = serde_norway::from_str("running").unwrap();
        assert_eq!(back, FinalState::Running(Running::Running));
    }
}
