//! Getting a test iteration ready to start its services: directories, TLS and random
//! files, the network's and the launcher's files, the network's setup commands, and the
//! network's daemons.

use std::path::Path;
use std::time::Instant;

use tokio::sync::watch;

use super::process::{Process, run_to_end};
use super::remaining;
use super::services::{CompanionFailure, start_companion};
use super::tls::Authority;
use crate::plan::TestPlan;

/// Why the network could not be readied.
pub enum SetupError {
    /// Something failed, said in one line.
    Failed(String),
    /// The run was interrupted.
    Interrupted,
}

impl From<String> for SetupError {
    fn from(reason: String) -> Self {
        Self::Failed(reason)
    }
}

/// Writes `size` random bytes to `path`, making its directory.
fn write_random(path: &Path, size: u64) -> Result<(), String> {
    use std::io::Write;
    let failed = |e: std::io::Error| format!("cannot write {}: {e}", path.display());
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(failed)?;
    }
    let mut file = std::io::BufWriter::new(std::fs::File::create(path).map_err(failed)?);
    let mut rng = fastrand::Rng::new();
    let mut chunk = vec![0u8; 64 * 1024];
    let mut left = size;
    while left > 0 {
        let n = usize::try_from(left.min(chunk.len() as u64)).unwrap_or(chunk.len());
        rng.fill(&mut chunk[..n]);
        file.write_all(&chunk[..n]).map_err(failed)?;
        left -= n as u64;
    }
    file.flush().map_err(failed)
}

fn make(dir: &Path) -> Result<(), String> {
    std::fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))
}

/// Makes the directories and writes every file the services, the network and the
/// launcher need.
pub fn write_files(plan: &TestPlan) -> Result<(), String> {
    make(&plan.directory)?;
    for service in &plan.services {
        make(&service.request.output_dir)?;
        make(&service.request.artifacts_dir)?;
    }
    for service in &plan.services {
        if service.plan.tls
            && let Some(files) = &service.request.tls
        {
            Authority::of_run()?.write(&service.request.address.host, files)?;
        }
        for directory in &service.plan.directories {
            make(directory)?;
        }
        for file in &service.plan.random_files {
            write_random(&file.path, file.size)?;
        }
    }
    for file in plan.files() {
        if let Some(parent) = file.path.parent() {
            make(parent)?;
        }
        std::fs::write(&file.path, &file.contents)
            .map_err(|e| format!("cannot write {}: {e}", file.path.display()))?;
    }
    Ok(())
}

/// Runs the network's setup commands, then starts its daemons, each once the one
/// before is ready; the daemons started are pushed to `daemons` to be stopped later.
pub async fn set_up_network(
    plan: &TestPlan,
    log: &Path,
    deadline: Instant,
    daemons: &mut Vec<Process>,
    cancel: &mut watch::Receiver<bool>,
) -> Result<(), SetupError> {
    for command in &plan.deployment.setup {
        run_to_end(command, log, log, remaining(deadline))
            .await
            .map_err(|e| format!("network setup failed: {e}"))?;
    }
    let directory = plan.directory.join("network");
    if !plan.deployment.daemons.is_empty() {
        make(&directory)?;
    }
    for daemon in &plan.deployment.daemons {
        match start_companion(daemon, &directory, deadline, daemons, cancel).await {
            Ok(()) => {}
            Err(CompanionFailure::Start(e)) => {
                return Err(SetupError::Failed(format!(
                    "network daemon {}: {e}",
                    daemon.name
                )));
            }
            Err(CompanionFailure::NotReady { reason, stderr }) => {
                return Err(SetupError::Failed(format!(
                    "network daemon {} {reason} (logs: {})",
                    daemon.name,
                    stderr.display()
                )));
            }
            Err(CompanionFailure::Interrupted) => return Err(SetupError::Interrupted),
        }
    }
    Ok(())
}
