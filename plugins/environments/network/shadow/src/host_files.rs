//! Where each simulated host's files end up: Shadow writes them under
//! `shadow.data/hosts/<hostname>/` (each process's own log, and with captures on,
//! `eth0.pcap`); once the simulation ends, that directory moves into its service's
//! artifacts directory as `shadow-host`, and is kept with the service's results.

use std::path::{Path, PathBuf};

use panther_plugin_api::model::{ArtifactSpec, LINK_CAPTURE_ARTIFACT};

/// The host's directory, in its service's artifacts directory.
const HOST_DIRECTORY: &str = "shadow-host";
/// The capture of the host's one network interface, in the host's directory.
const CAPTURE_FILE: &str = "eth0.pcap";

/// Where the host's directory lands, in `artifacts_dir`.
pub fn landed(artifacts_dir: &Path) -> PathBuf {
    artifacts_dir.join(HOST_DIRECTORY)
}

/// The artifacts the environment makes for a service whose artifacts directory is
/// `artifacts_dir`: the host's directory, and its capture when `capture` is on.
pub fn artifacts(artifacts_dir: &Path, capture: bool) -> Vec<ArtifactSpec> {
    let host = landed(artifacts_dir);
    let mut artifacts = vec![ArtifactSpec {
        name: "shadow-host".to_owned(),
        path: host.clone(),
    }];
    if capture {
        artifacts.push(ArtifactSpec {
            name: LINK_CAPTURE_ARTIFACT.to_owned(),
            path: host.join(CAPTURE_FILE),
        });
    }
    artifacts
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_capture_is_in_the_landed_host_directory() {
        let artifacts = artifacts(Path::new("/run/t/client/artifacts"), true);
        assert_eq!(
            artifacts[0].path,
            Path::new("/run/t/client/artifacts/shadow-host")
        );
        assert_eq!(artifacts[1].name, "link-capture");
        assert_eq!(
            artifacts[1].path,
            Path::new("/run/t/client/artifacts/shadow-host/eth0.pcap")
        );
        assert_eq!(super::artifacts(Path::new("/a"), false).len(), 1);
    }
}
