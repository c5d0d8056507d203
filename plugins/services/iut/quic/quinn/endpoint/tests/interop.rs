//! Runs the real `quinn-endpoint` binary as server and client on 127.0.0.1 for each
//! supported test case, and checks the downloads, the key log and the qlog files.

use std::fs;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use rcgen::{BasicConstraints, CertificateParams, IsCa, KeyPair};
use tempfile::TempDir;
use wait_timeout::ChildExt;

const BIN: &str = env!("CARGO_BIN_EXE_quinn-endpoint");
/// Longest time one client run may take.
const CLIENT_TIMEOUT: Duration = Duration::from_secs(120);

/// A scratch tree: certificates, served files, downloads, logs.
struct Fixture {
    dir: TempDir,
}

impl Fixture {
    fn new() -> Self {
        let fixture = Fixture {
            dir: tempfile::tempdir().unwrap(),
        };
        for sub in ["certs", "www", "downloads", "qlog"] {
            fs::create_dir(fixture.path(sub)).unwrap();
        }
        fixture.make_certificates();
        fixture
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// A CA, and a leaf for 127.0.0.1 signed by it (the CA's own files in the same folder).
    fn make_certificates(&self) {
        let ca_key = KeyPair::generate().unwrap();
        let mut ca_params = CertificateParams::new(Vec::<String>::new()).unwrap();
        ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        let ca = ca_params.self_signed(&ca_key).unwrap();
        let leaf_key = KeyPair::generate().unwrap();
        let leaf = CertificateParams::new(vec!["127.0.0.1".to_owned()])
            .unwrap()
            .signed_by(&leaf_key, &ca, &ca_key)
            .unwrap();
        let certs = self.path("certs");
        fs::write(certs.join("ca.pem"), ca.pem()).unwrap();
        fs::write(certs.join("cert.pem"), leaf.pem()).unwrap();
        fs::write(certs.join("priv.key"), leaf_key.serialize_pem()).unwrap();
    }

    /// Writes `name` in WWW with `len` pseudo-random bytes.
    fn serve_file(&self, name: &str, len: usize, seed: u64) -> String {
        fs::write(self.path("www").join(name), pseudo_random(len, seed)).unwrap();
        name.to_owned()
    }

    fn key_log(&self, role: &str) -> PathBuf {
        self.path(&format!("{role}.keys"))
    }

    fn endpoint(&self, role: &str, test_case: &str) -> Command {
        let mut command = Command::new(BIN);
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

    /// Starts the server on a free port of 127.0.0.1; returns it with its address.
    fn start_server(&self, test_case: &str) -> (Server, String) {
        let stderr = fs::File::create(self.path("server.log")).unwrap();
        let mut child = self
            .endpoint("server", test_case)
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

    /// Runs the client for `files` from `addr`; returns its exit code and stderr.
    fn run_client(&self, test_case: &str, addr: &str, files: &[String]) -> (Option<i32>, String) {
        let requests: Vec<String> = files
            .iter()
            .map(|f| format!("https://{addr}/{f}"))
            .collect();
        let stderr = fs::File::create(self.path("client.log")).unwrap();
        let mut child = self
            .endpoint("client", test_case)
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

    fn log(&self, role: &str) -> String {
        fs::read_to_string(self.path(&format!("{role}.log"))).unwrap_or_default()
    }

    fn assert_downloaded(&self, files: &[String]) {
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

    fn assert_key_logs(&self) {
        for role in ["client", "server"] {
            let log = fs::read_to_string(self.key_log(role)).unwrap_or_default();
            assert!(
                log.lines()
                    .any(|l| l.starts_with("CLIENT_TRAFFIC_SECRET_0 ")),
                "{role} key log lacks traffic secrets: {log:?}"
            );
        }
    }

    fn assert_qlogs(&self) {
        let qlogs: Vec<_> = fs::read_dir(self.path("qlog"))
            .unwrap()
            .map(|entry| entry.unwrap().path())
            .collect();
        for role in ["client-", "server-"] {
            assert!(
                qlogs.iter().any(|p| is_nonempty_qlog(p, role)),
                "no {role}*.sqlog in {qlogs:?}"
            );
        }
    }
}

fn is_nonempty_qlog(path: &Path, prefix: &str) -> bool {
    let name = path.file_name().unwrap().to_string_lossy();
    name.starts_with(prefix) && name.ends_with(".sqlog") && fs::metadata(path).unwrap().len() > 0
}

/// The server process, killed when dropped.
struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        self.0.kill().ok();
        self.0.wait().ok();
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

/// The files of each kind of test case.
fn files(fixture: &Fixture, test_case: &str) -> Vec<String> {
    match test_case {
        "transfer" | "http3" | "keyupdate" | "chacha20" => (0..3)
            .map(|i| fixture.serve_file(&format!("big{i}.bin"), 3 << 20, 100 + i))
            .collect(),
        "multiplexing" => (0..20)
            .map(|i| fixture.serve_file(&format!("small{i}.txt"), 1000 + 37 * i as usize, i))
            .collect(),
        "resumption" | "zerortt" => (0..3)
            .map(|i| fixture.serve_file(&format!("file{i}.bin"), 5000 * (i as usize + 1), i))
            .collect(),
        _ => vec![fixture.serve_file("small.txt", 1024, 7)],
    }
}

/// Runs `test_case` end to end and checks what every test case must; returns the
/// fixture and the client's stderr for the test case's own checks.
fn run_case(test_case: &str) -> (Fixture, String) {
    let fixture = Fixture::new();
    let files = files(&fixture, test_case);
    let (server, addr) = fixture.start_server(test_case);
    let (code, client_log) = fixture.run_client(test_case, &addr, &files);
    drop(server);
    assert_eq!(
        code,
        Some(0),
        "client failed:\n{client_log}\nserver:\n{}",
        fixture.log("server")
    );
    fixture.assert_downloaded(&files);
    fixture.assert_key_logs();
    fixture.assert_qlogs();
    (fixture, client_log)
}

fn count(log: &str, needle: &str) -> usize {
    log.matches(needle).count()
}

#[test]
fn handshake() {
    let (_, log) = run_case("handshake");
    assert_eq!(count(&log, "server certificate verified for 127.0.0.1"), 1);
}

#[test]
fn transfer() {
    run_case("transfer");
}

#[test]
fn multiplexing() {
    run_case("multiplexing");
}

#[test]
fn retry() {
    let (fixture, _) = run_case("retry");
    assert_eq!(count(&fixture.log("server"), "sending a Retry"), 1);
}

#[test]
fn resumption() {
    let (_, log) = run_case("resumption");
    assert_eq!(count(&log, "established"), 2, "{log}");
    // The resumed connection shows no certificate to verify.
    assert_eq!(count(&log, "server certificate verified"), 1, "{log}");
}

#[test]
fn zerortt() {
    let (fixture, log) = run_case("zerortt");
    assert_eq!(count(&log, "opened in 0-RTT"), 1, "{log}");
    assert_eq!(count(&log, "0-RTT accepted by the server"), 1, "{log}");
    let keys = fs::read_to_string(fixture.key_log("client")).unwrap();
    assert!(keys.contains("CLIENT_EARLY_TRAFFIC_SECRET "), "{keys}");
}

#[test]
fn chacha20() {
    run_case("chacha20");
}

#[test]
fn keyupdate() {
    let (_, log) = run_case("keyupdate");
    assert_eq!(count(&log, "key update initiated"), 1, "{log}");
}

#[test]
fn http3() {
    let (fixture, _) = run_case("http3");
    assert!(fixture.log("server").contains("ALPN h3"));
}

#[test]
fn unsupported_test_cases_exit_127() {
    let fixture = Fixture::new();
    for role in ["client", "server"] {
        let output = fixture.endpoint(role, "v2").output().unwrap();
        assert_eq!(output.status.code(), Some(127), "{role}");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(stderr.lines().count(), 1, "{stderr}");
        assert!(stderr.contains("unsupported test case `v2`"), "{stderr}");
    }
}

#[test]
fn a_certificate_from_another_ca_fails_the_client_with_one_line() {
    let fixture = Fixture::new();
    let files = vec![fixture.serve_file("small.txt", 10, 1)];
    let (_server, addr) = fixture.start_server("handshake");
    let other_ca = CertificateParams::new(Vec::<String>::new())
        .unwrap()
        .self_signed(&KeyPair::generate().unwrap())
        .unwrap();
    fs::write(fixture.path("certs").join("ca.pem"), other_ca.pem()).unwrap();
    let (code, log) = fixture.run_client("handshake", &addr, &files);
    assert_eq!(code, Some(1), "{log}");
    let last = log.lines().last().unwrap_or_default();
    assert!(
        last.starts_with("quinn-endpoint: error: handshake with"),
        "{log}"
    );
    assert!(last.contains("invalid peer certificate"), "{log}");
}
