//! Fixtures for the endpoints' integration tests (feature `test-support`): a scratch
//! tree with certificates, served files and downloads, and endpoint programs run in it
//! as server and client, as the endpoint contract says.

use std::fs;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use nix::sys::signal::{Signal, kill};
use nix::unistd::Pid;
use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, Issuer, KeyPair};
use tempfile::TempDir;
use wait_timeout::ChildExt;

/// Longest time one client run may take.
const CLIENT_TIMEOUT: Duration = Duration::from_secs(120);

/// A scratch tree: certificates, served files, downloads, logs.
pub struct Fixture {
    dir: TempDir,
}

impl Fixture {
    /// A tree whose server certificate names `server_ip`.
    pub fn for_ip(server_ip: &str) -> Self {
        let fixture = Fixture {
            dir: tempfile::tempdir().unwrap(),
        };
        for sub in ["certs", "www", "downloads", "qlog"] {
            fs::create_dir(fixture.path(sub)).unwrap();
        }
        fixture.make_certificates(server_ip);
        fixture
    }

    /// The file or folder `name` of the tree.
    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// A CA, and a leaf for `ip` signed by it (the CA's own files in the same folder).
    /// Their names differ: BoringSSL takes a leaf named like its issuer for self-signed.
    fn make_certificates(&self, ip: &str) {
        let ca_key = KeyPair::generate().unwrap();
        let mut ca_params = CertificateParams::new(Vec::<String>::new()).unwrap();
        ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        ca_params
            .distinguished_name
            .push(DnType::CommonName, "interop test CA");
        let ca = ca_params.self_signed(&ca_key).unwrap();
        let issuer = Issuer::new(ca_params, ca_key);
        let leaf_key = KeyPair::generate().unwrap();
        let mut leaf_params = CertificateParams::new(vec![ip.to_owned()]).unwrap();
        leaf_params.distinguished_name.push(DnType::CommonName, ip);
        let leaf = leaf_params.signed_by(&leaf_key, &issuer).unwrap();
        let certs = self.path("certs");
        fs::write(certs.join("ca.pem"), ca.pem()).unwrap();
        fs::write(certs.join("cert.pem"), leaf.pem()).unwrap();
        fs::write(certs.join("priv.key"), leaf_key.serialize_pem()).unwrap();
    }

    /// Replaces the client's `ca.pem` with an unrelated CA, which signed nothing here.
    pub fn trust_another_ca(&self) {
        let other_ca = CertificateParams::new(Vec::<String>::new())
            .unwrap()
            .self_signed(&KeyPair::generate().unwrap())
            .unwrap();
        fs::write(self.path("certs").join("ca.pem"), other_ca.pem()).unwrap();
    }

    /// Writes `name` in WWW with `len` pseudo-random bytes.
    pub fn serve_file(&self, name: &str, len: usize, seed: u64) -> String {
        fs::write(self.path("www").join(name), pseudo_random(len, seed)).unwrap();
        name.to_owned()
    }

    /// Writes in WWW the files of `test_case`'s kind; returns their names.
    pub fn serve_files(&self, test_case: &str) -> Vec<String> {
        match test_case {
            "transfer" | "http3" | "keyupdate" | "chacha20" => (0..3)
                .map(|i| self.serve_file(&format!("big{i}.bin"), 3 << 20, 100 + i))
                .collect(),
            "multiplexing" => (0..200)
                .map(|i| self.serve_file(&format!("small{i}.txt"), 1000 + 37 * i as usize, i))
                .collect(),
            "resumption" | "zerortt" => (0..3)
                .map(|i| self.serve_file(&format!("file{i}.bin"), 5000 * (i as usize + 1), i))
                .collect(),
            _ => vec![self.serve_file("small.txt", 1024, 7)],
        }
    }

    /// The SSLKEYLOGFILE of `role`.
    pub fn key_log(&self, role: &str) -> PathBuf {
        self.path(&format!("{role}.keys"))
    }

    /// `program` as `role` in `test_case`, with only the variables both roles share.
    pub fn endpoint(&self, program: &Path, role: &str, test_case: &str) -> Command {
        let mut command = Command::new(program);
        command
            .env_clear()
            .env("ROLE", role)
            .env("TESTCASE", test_case)
            .env("CERTS", self.path("certs"))
            .env("SSLKEYLOGFILE", self.key_log(role))
            .env("QLOGDIR", self.path("qlog"))
            .stdin(Stdio::null());
        command
    }

    /// Starts `program` as server on a free port of 127.0.0.1; returns it with its address.
    pub fn start_server(&self, program: &Path, test_case: &str) -> (Server, String) {
        let stderr = fs::File::create(self.path("server.log")).unwrap();
        let mut child = self
            .endpoint(program, "server", test_case)
            .env("LISTEN", "127.0.0.1:0")
            .env("WWW", self.path("www"))
            .stdout(Stdio::piped())
            .stderr(stderr)
            .spawn()
            .unwrap();
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let server = Server(child);
        let addr = line
            .trim()
            .strip_prefix("listening on ")
            .unwrap_or_else(|| panic!("server printed `{line}`: {}", self.log("server")))
            .to_owned();
        (server, addr)
    }

    /// Runs `program` as client for `files` from `addr`; returns its exit code and stderr.
    pub fn run_client(
        &self,
        program: &Path,
        test_case: &str,
        addr: &str,
        files: &[String],
    ) -> (Option<i32>, String) {
        let requests: Vec<String> = files
            .iter()
            .map(|f| format!("https://{addr}/{f}"))
            .collect();
        let stderr = fs::File::create(self.path("client.log")).unwrap();
        let mut child = self
            .endpoint(program, "client", test_case)
            .env("REQUESTS", requests.join(" "))
            .env("DOWNLOADS", self.path("downloads"))
            .stdout(Stdio::null())
            .stderr(stderr)
            .spawn()
            .unwrap();
        let status = match child.wait_timeout(CLIENT_TIMEOUT).unwrap() {
            Some(status) => status,
            None => {
                child.kill().unwrap();
                child.wait().unwrap()
            }
        };
        (status.code(), self.log("client"))
    }

    /// What `role` wrote on stderr.
    pub fn log(&self, role: &str) -> String {
        fs::read_to_string(self.path(&format!("{role}.log"))).unwrap_or_default()
    }

    /// Checks that each of `files` was downloaded with the bytes served.
    pub fn assert_downloaded(&self, files: &[String]) {
        for f in files {
            let sent = fs::read(self.path("www").join(f)).unwrap();
            let got = fs::read(self.path("downloads").join(f))
                .unwrap_or_else(|e| panic!("{f} not downloaded: {e}"));
            assert!(
                sent == got,
                "{f}: downloaded bytes differ from the served ones"
            );
        }
    }

    /// Checks that both roles logged their traffic secrets.
    pub fn assert_key_logs(&self) {
        for role in ["client", "server"] {
            let log = fs::read_to_string(self.key_log(role)).unwrap_or_default();
            assert!(
                log.lines()
                    .any(|l| l.starts_with("CLIENT_TRAFFIC_SECRET_0 ")),
                "{role} key log lacks traffic secrets: {log:?}"
            );
        }
    }

    /// The qlog files whose names start with `prefix`, read whole.
    pub fn qlogs(&self, prefix: &str) -> Vec<String> {
        fs::read_dir(self.path("qlog"))
            .unwrap()
            .map(|entry| entry.unwrap().path())
            .filter(|p| is_qlog(p, prefix))
            .map(|p| fs::read_to_string(p).unwrap())
            .collect()
    }

    /// Checks that each role wrote a qlog file that shows `event`, the name the stack's
    /// qlog gives a received packet.
    pub fn assert_qlogs(&self, event: &str) {
        for role in ["client-", "server-"] {
            assert!(
                self.qlogs(role).iter().any(|q| q.contains(event)),
                "no {role}*.sqlog with {event} in {}",
                self.path("qlog").display()
            );
        }
    }
}

impl Default for Fixture {
    /// A tree whose server certificate names 127.0.0.1.
    fn default() -> Self {
        Self::for_ip("127.0.0.1")
    }
}

/// Whether `path` is a streamed qlog file whose name starts with `prefix`.
fn is_qlog(path: &Path, prefix: &str) -> bool {
    let name = path.file_name().unwrap().to_string_lossy();
    name.starts_with(prefix) && name.ends_with(".sqlog")
}

/// A server process, stopped when dropped as the host stops one: SIGTERM, so that it
/// closes its connections and flushes their qlogs, then SIGKILL if it has not ended
/// within [`STOP_GRACE`].
pub struct Server(Child);

/// How long a server has to end after SIGTERM.
const STOP_GRACE: Duration = Duration::from_secs(5);

impl Drop for Server {
    fn drop(&mut self) {
        let stopped = i32::try_from(self.0.id()).is_ok_and(|pid| {
            kill(Pid::from_raw(pid), Signal::SIGTERM).is_ok()
                && matches!(self.0.wait_timeout(STOP_GRACE), Ok(Some(_)))
        });
        if !stopped {
            self.0.kill().ok();
            self.0.wait().ok();
        }
    }
}

/// `len` bytes of xorshift64 output from `seed`.
fn pseudo_random(len: usize, seed: u64) -> Vec<u8> {
    let mut state = seed | 1;
    (0..len)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state >> 24) as u8
        })
        .collect()
}

/// Runs `test_case` end to end with these programs as server and client, and checks
/// what every test case must; returns the fixture and the client's stderr for the test
/// case's own checks.
pub fn run_pair(server: &Path, client: &Path, test_case: &str) -> (Fixture, String) {
    let fixture = Fixture::default();
    let files = fixture.serve_files(test_case);
    let (running, addr) = fixture.start_server(server, test_case);
    let (code, client_log) = fixture.run_client(client, test_case, &addr, &files);
    drop(running);
    assert_eq!(
        code,
        Some(0),
        "client failed:\n{client_log}\nserver:\n{}",
        fixture.log("server")
    );
    fixture.assert_downloaded(&files);
    fixture.assert_key_logs();
    (fixture, client_log)
}

/// How many times `needle` occurs in `log`.
pub fn count(log: &str, needle: &str) -> usize {
    log.matches(needle).count()
}

/// Checks that `program`, in either role, exits with 127 and one line of stderr for a
/// test case no endpoint knows.
pub fn assert_unknown_test_case_exits_127(program: &Path) {
    let fixture = Fixture::default();
    for role in ["client", "server"] {
        let output = fixture.endpoint(program, role, "v2").output().unwrap();
        assert_eq!(output.status.code(), Some(127), "{role}");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(stderr.lines().count(), 1, "{stderr}");
        assert!(stderr.contains("unsupported test case `v2`"), "{stderr}");
    }
}
