//! The protocols the tester knows, and what differs between them: the specification,
//! the test by role, the defaults, and which settings and parameters are whose.

use std::path::{Path, PathBuf};

use panther_plugin_api::PluginError;
use panther_plugin_api::model::Role;

/// Where the project's venv lays out PANTHER's QUIC models (`quic`) and its Ivy
/// include files (`include`), under the plugin's directory (scripts/install-ivy-quic).
pub const QUIC_SHARE: &str = "ivy/venv/share/panther-ivy";

/// A protocol the tester tests.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Protocol {
    /// Our own ping-pong protocol, specified in `specs/minip`.
    Minip,
    /// QUIC, as PANTHER's Ivy models specify it.
    Quic,
}

impl Protocol {
    /// The protocol of a request.
    pub fn of(name: &str) -> Result<Self, PluginError> {
        match name {
            "minip" => Ok(Self::Minip),
            "quic" => Ok(Self::Quic),
            other => Err(PluginError::new(format!(
                "the ivy tester does not test '{other}': it tests minip and QUIC"
            ))),
        }
    }

    /// The name the runner and the messages give it.
    pub fn name(self) -> &'static str {
        match self {
            Self::Minip => "minip",
            Self::Quic => "quic",
        }
    }

    /// Its tests, as the messages name them.
    pub fn tests(self) -> &'static str {
        match self {
            Self::Minip => "the ivy tester's minip tests",
            Self::Quic => "PANTHER's QUIC Ivy tests",
        }
    }

    /// The specification used when `spec_dir` is absent, under the plugin's directory.
    pub fn spec_dir(self, plugin_dir: &Path) -> PathBuf {
        match self {
            Self::Minip => plugin_dir.join("ivy/specs/minip"),
            Self::Quic => plugin_dir.join(QUIC_SHARE).join("quic"),
        }
    }

    /// The test the tester runs when playing `role`: playing the client tests a
    /// server, and the other way round.
    pub fn default_test(self, role: Role) -> &'static str {
        match (self, role) {
            (Self::Minip, Role::Client) => "minip_server_test",
            (Self::Minip, Role::Server) => "minip_client_test",
            (Self::Quic, Role::Client) => "quic_server_test_stream",
            (Self::Quic, Role::Server) => "quic_client_test_stream",
        }
    }

    /// The iterations of the test loop when `iterations` is absent (QUIC: PANTHER's
    /// own; a QUIC test whose exchange is over sooner ends when idle).
    pub fn default_iterations(self) -> u64 {
        match self {
            Self::Minip => 200,
            Self::Quic => 300,
        }
    }

    /// The config keys that mean something for this protocol only.
    pub fn own_keys(self) -> &'static [&'static str] {
        match self {
            Self::Minip => &["min_delay_ms", "timeout_ms", "margin_ms", "quiet_ms"],
            Self::Quic => &[
                "include_dir",
                "picotls_dir",
                "alpn",
                "initial_version",
                "client_cid",
                "server_cid",
                "request_path",
                "idle_ms",
            ],
        }
    }

    /// The test's parameters the plugin sets, besides those of every tester.
    pub fn own_params(self) -> &'static [&'static str] {
        match self {
            Self::Minip => &[
                "iut_addr",
                "iut_port",
                "tester_port",
                "min_delay_ms",
                "timeout_ms",
                "margin_ms",
                "quiet_ms",
            ],
            Self::Quic => &[
                "iversion",
                "the_cid",
                "server_cid",
                "server_addr",
                "server_port",
                "client_addr",
                "client_port",
                "client_port_alt",
            ],
        }
    }

    /// The other protocol, whose keys this one refuses.
    pub fn other(self) -> Self {
        match self {
            Self::Minip => Self::Quic,
            Self::Quic => Self::Minip,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn knows_minip_and_quic_only() {
        assert_eq!(Protocol::of("minip"), Ok(Protocol::Minip));
        assert_eq!(Protocol::of("quic"), Ok(Protocol::Quic));
        assert_eq!(
            Protocol::of("tcp").unwrap_err().message(),
            "the ivy tester does not test 'tcp': it tests minip and QUIC"
        );
    }

    #[test]
    fn playing_the_client_tests_a_server_and_the_other_way_round() {
        assert_eq!(
            Protocol::Quic.default_test(Role::Client),
            "quic_server_test_stream"
        );
        assert_eq!(
            Protocol::Quic.default_test(Role::Server),
            "quic_client_test_stream"
        );
        assert_eq!(
            Protocol::Minip.default_test(Role::Server),
            "minip_client_test"
        );
    }

    #[test]
    fn no_key_is_both_protocols_own() {
        for key in Protocol::Minip.own_keys() {
            assert!(!Protocol::Quic.own_keys().contains(key), "{key}");
        }
        assert_eq!(Protocol::Minip.other(), Protocol::Quic);
        assert_eq!(Protocol::Quic.other(), Protocol::Minip);
    }
}
