//! A test's network built from the netns plugin's real deployment: its files written,
//! its setup run, its daemons started and ready, and its teardown run on every path.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{BufRead, BufReader, Read};
use std::net::{SocketAddr, UdpSocket};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{self, Receiver};
use std::thread;
use std::time::{Duration, Instant};

use nix::sched::{CloneFlags, setns};
use nix::sys::signal::{Signal, kill};
use nix::unistd::Pid;
use panther_plugin_api::NetworkEnvironment;
use panther_plugin_api::model::{
    CommandSpec, Companion, Deployment, NetworkRequest, NetworkService, Readiness, Role,
};
use panther_plugin_netns::Netns;
use serde_json::Value;

/// How long a daemon may take to print its ready line.
const READY_TIMEOUT: Duration = Duration::from_secs(10);

/// Whether the tests can make namespaces; prints why not when they cannot.
pub fn can_make_namespaces() -> bool {
    let root = nix::unistd::geteuid().is_root();
    if !root {
        println!("skipped: making network namespaces needs root");
    }
    root
}

/// A daemon of the deployment, running, with its output gathered line by line.
struct Daemon {
    name: String,
    child: Child,
    lines: Receiver<String>,
    seen: Vec<String>,
}

impl Daemon {
    /// Starts `companion` and waits for its ready line.
    fn start(companion: &Companion) -> Self {
        let mut child = Command::new(&companion.command.program)
            .args(&companion.command.args)
            .envs(&companion.command.env)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap_or_else(|error| panic!("cannot start {}: {error}", companion.name));
        let (sender, lines) = mpsc::channel();
        let stdout: Box<dyn Read + Send> = Box::new(child.stdout.take().unwrap());
        let stderr: Box<dyn Read + Send> = Box::new(child.stderr.take().unwrap());
        for stream in [stdout, stderr] {
            let sender = sender.clone();
            thread::spawn(move || {
                for line in BufReader::new(stream).lines().map_while(Result::ok) {
                    let _ = sender.send(line);
                }
            });
        }
        let mut daemon = Self {
            name: companion.name.clone(),
            child,
            lines,
            seen: Vec::new(),
        };
        let Readiness::LogLine { contains } = &companion.ready else {
            panic!("{} is not ready on a log line", companion.name)
        };
        daemon.wait_for(contains);
        daemon
    }

    /// Waits until a line of the output contains `text`.
    fn wait_for(&mut self, text: &str) {
        let deadline = Instant::now() + READY_TIMEOUT;
        while !self.seen.iter().any(|line| line.contains(text)) {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.lines.recv_timeout(left) {
                Ok(line) => self.seen.push(line),
                Err(_) => panic!(
                    "{} did not print {text:?} in {READY_TIMEOUT:?}; it printed {:?}",
                    self.name, self.seen
                ),
            }
        }
    }

    /// Stops it with `signal` and returns its exit code and every line it printed.
    fn stop(mut self, signal: Signal) -> (Option<i32>, Vec<String>) {
        let pid = Pid::from_raw(i32::try_from(self.child.id()).unwrap());
        kill(pid, signal).unwrap();
        let status = self.child.wait().unwrap();
        self.seen.extend(self.lines.iter());
        (status.code(), std::mem::take(&mut self.seen))
    }
}

impl Drop for Daemon {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A server and a client in the netns environment, each in its namespace.
pub struct Network {
    deployment: Deployment,
    daemons: Vec<Daemon>,
    torn_down: bool,
    _directory: tempfile::TempDir,
}

impl Network {
    /// Builds the network the plugin plans for `config`, with namespaces named after
    /// `name` and this process, and starts its daemons.
    pub fn up(name: &str, config: Value) -> Self {
        let directory = tempfile::tempdir().unwrap();
        let service = |name: &str, role, port| {
            let artifacts_dir = directory.path().join(name).join("artifacts");
            std::fs::create_dir_all(&artifacts_dir).unwrap();
            NetworkService {
                name: name.to_owned(),
                role,
                port,
                artifacts_dir,
            }
        };
        let request = NetworkRequest {
            instance: format!("lt{}-{name}", std::process::id()),
            services: vec![
                service("server", Role::Server, 4443),
                service("client", Role::Client, 50001),
            ],
            config,
            directory: directory.path().to_owned(),
            plugin_dir: Path::new(env!("CARGO_BIN_EXE_panther-link"))
                .parent()
                .unwrap()
                .to_owned(),
            cache_dir: directory.path().join("cache"),
        };
        let deployment = Netns.deploy(&request).unwrap();
        for file in &deployment.files {
            std::fs::create_dir_all(file.path.parent().unwrap()).unwrap();
            std::fs::write(&file.path, &file.contents).unwrap();
        }
        let mut network = Self {
            deployment,
            daemons: Vec::new(),
            torn_down: false,
            _directory: directory,
        };
        for command in &network.deployment.setup {
            run(command);
        }
        for companion in &network.deployment.daemons {
            network.daemons.push(Daemon::start(companion));
        }
        network
    }

    /// The namespace `service` runs in, from its launch prefix.
    pub fn namespace(&self, service: &str) -> &str {
        let prefix = &self.deployment.launches[service].prefix;
        assert_eq!(prefix[..3], ["/usr/sbin/ip", "netns", "exec"]);
        &prefix[3]
    }

    /// Where `service` is reached.
    pub fn address(&self, service: &str) -> SocketAddr {
        let address = &self.deployment.launches[service].address;
        format!("{}:{}", address.host, address.port)
            .parse()
            .unwrap()
    }

    /// A UDP socket bound to `service`'s address, inside its namespace.
    pub fn socket(&self, service: &str) -> UdpSocket {
        let namespace = Path::new("/run/netns").join(self.namespace(service));
        let address = self.address(service);
        thread::spawn(move || {
            setns(File::open(namespace).unwrap(), CloneFlags::CLONE_NEWNET).unwrap();
            UdpSocket::bind(address).unwrap()
        })
        .join()
        .unwrap()
    }

    /// The files the deployment names as `service`'s artifacts.
    pub fn artifacts(&self, service: &str) -> Vec<PathBuf> {
        self.deployment.launches[service]
            .artifacts
            .iter()
            .map(|artifact| artifact.path.clone())
            .collect()
    }

    /// Stops the daemons with `signal` and returns each one's exit code and output by
    /// name.
    pub fn stop_daemons(&mut self, signal: Signal) -> BTreeMap<String, (Option<i32>, Vec<String>)> {
        self.daemons
            .drain(..)
            .map(|daemon| (daemon.name.clone(), daemon.stop(signal)))
            .collect()
    }

    /// The files of the namespaces the teardown deletes, in `/run/netns`.
    pub fn namespace_files(&self) -> Vec<PathBuf> {
        self.deployment
            .teardown
            .iter()
            .map(|command| Path::new("/run/netns").join(command.args.last().unwrap()))
            .collect()
    }

    /// Stops what runs, runs the teardown (each command must succeed) and checks that
    /// no namespace is left.
    pub fn down(mut self) {
        self.stop_daemons(Signal::SIGTERM);
        self.torn_down = true;
        for command in &self.deployment.teardown {
            run(command);
        }
        for namespace in self.namespace_files() {
            assert!(!namespace.exists(), "{} is left", namespace.display());
        }
    }
}

impl Drop for Network {
    /// Kills the daemons and deletes the namespaces when the test did not get to
    /// [`Network::down`].
    fn drop(&mut self) {
        self.daemons.clear();
        if self.torn_down {
            return;
        }
        for command in &self.deployment.teardown {
            let _ = Command::new(&command.program).args(&command.args).status();
        }
    }
}

/// Runs `command` and fails the test, with its output, when it fails.
fn run(command: &CommandSpec) {
    let output = Command::new(&command.program)
        .args(&command.args)
        .envs(&command.env)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{} {:?}: {}\n{}",
        command.program,
        command.args,
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
}
