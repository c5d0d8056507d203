//! Judging a QUIC endpoint the way the interop runner does: 127 is unsupported; a
//! client passes when every file it downloaded is the one the server served, byte for
//! byte.

use std::fs::File;
use std::io::{BufReader, Read};
use std::path::Path;

use panther_plugin_api::model::{Role, ServiceOutcome, Verdict, VerdictStatus};

use crate::contract::{downloads_directory, keylog_path, served_directory, wire_path};
use crate::testcase::TestCase;
use crate::wire::Wire;

/// The exit code an endpoint uses for "test case not supported".
const UNSUPPORTED: i32 = 127;

/// The last non-empty line a process wrote on standard error.
fn last_error_line(path: &Path) -> String {
    std::fs::read_to_string(path)
        .unwrap_or_default()
        .lines()
        .rev()
        .map(str::trim)
        .find(|line| !line.is_empty())
        .unwrap_or("")
        .to_owned()
}

/// The last line a client wrote about an error, on standard error or else standard
/// output (where some programs report a connection's end): why it got nothing.
fn last_error_report(outcome: &ServiceOutcome) -> Option<String> {
    [&outcome.stderr, &outcome.stdout]
        .into_iter()
        .find_map(|path| {
            std::fs::read_to_string(path)
                .unwrap_or_default()
                .lines()
                .rev()
                .map(str::trim)
                .find(|line| line.to_ascii_lowercase().contains("error"))
                .map(str::to_owned)
        })
}

/// The verdict on a QUIC endpoint that ran.
pub fn judge(outcome: &ServiceOutcome) -> Verdict {
    let exit = &outcome.exit;
    let said = last_error_line(&outcome.stderr);
    let with_said = |text: String| {
        if said.is_empty() {
            text
        } else {
            format!("{text}: {said}")
        }
    };
    if exit.code == Some(UNSUPPORTED) {
        return Verdict::new(
            VerdictStatus::Unsupported,
            with_said("test case not supported".to_owned()),
        );
    }
    match outcome.request.role {
        Role::Server => match (exit.code, exit.signal) {
            (Some(0), _) => Verdict::new(VerdictStatus::Pass, "served until it ended"),
            // Stopped by the host's TERM or KILL, or by the INT that proxygen's hq
            // raises on itself once it has handled the TERM; or stopped by a launcher
            // (a container's), which tells no signal.
            (None, None | Some(2 | 9 | 15)) if exit.stopped_by_host => {
                Verdict::new(VerdictStatus::Pass, "served until stopped")
            }
            (Some(code), _) => Verdict::new(
                VerdictStatus::Fail,
                with_said(format!("the server exited with code {code}")),
            ),
            (None, Some(signal)) => Verdict::new(
                VerdictStatus::Fail,
                with_said(format!("the server died of signal {signal}")),
            ),
            (None, None) => Verdict::new(VerdictStatus::Error, "no exit status"),
        },
        Role::Client => match (exit.code, exit.signal) {
            (Some(0), _) => compare_downloads(outcome),
            (Some(code), _) => Verdict::new(
                VerdictStatus::Fail,
                with_said(format!("the client exited with code {code}")),
            ),
            (None, Some(signal)) if exit.stopped_by_host => Verdict::new(
                VerdictStatus::Fail,
                format!("the client was stopped by the host (signal {signal})"),
            ),
            (None, Some(signal)) => Verdict::new(
                VerdictStatus::Fail,
                with_said(format!("the client died of signal {signal}")),
            ),
            (None, None) => Verdict::new(VerdictStatus::Error, "no exit status"),
        },
    }
}

/// Compares every file of the test case in the client's downloads with the one its
/// server served. A server that serves no files of the test case (a tester playing
/// the server, which decides the test itself) leaves nothing to compare with: the
/// client that exited 0 passes.
fn compare_downloads(outcome: &ServiceOutcome) -> Verdict {
    let request = &outcome.request;
    let name = request
        .test_case
        .clone()
        .unwrap_or_else(|| "handshake".to_owned());
    let Some(case) = TestCase::parse(&name) else {
        return Verdict::new(VerdictStatus::Error, format!("unknown test case {name}"));
    };
    let Some(server) = request.target.as_ref().and_then(|t| request.peers.get(t)) else {
        return Verdict::new(
            VerdictStatus::Error,
            "the client has no server to compare with",
        );
    };
    let served = served_directory(&server.output_dir);
    if !served.is_dir() {
        return Verdict::new(
            VerdictStatus::Pass,
            format!(
                "exited 0; its server {} serves no files of the test case to compare the downloads with",
                server.implementation
            ),
        );
    }
    let downloaded = downloads_directory(&request.output_dir);
    let files = case.files();
    let mut bytes = 0;
    for file in &files {
        if let Err(problem) = same_file(&served.join(&file.name), &downloaded.join(&file.name)) {
            let reason = match last_error_report(outcome) {
                Some(said) => format!("{}: {problem}; the client said: {said}", file.name),
                None => format!("{}: {problem}", file.name),
            };
            return Verdict::new(VerdictStatus::Fail, reason);
        }
        bytes += std::fs::metadata(downloaded.join(&file.name)).map_or(0, |m| m.len());
    }
    let transferred = format!(
        "{} file(s), {bytes} bytes, identical to what the server served",
        files.len()
    );
    let keylog_written = std::fs::metadata(keylog_path(request)).is_ok_and(|m| m.len() > 0);
    if case.wire_needs_keys() && !keylog_written {
        return Verdict::new(
            VerdictStatus::Error,
            format!(
                "{transferred}, but the wire check could not run: the client wrote no TLS \
                 key log to decrypt its capture with"
            ),
        );
    }
    let mut verdict = match Wire::read(&wire_path(request)).and_then(|wire| wire.check(case)) {
        Ok(seen) => Verdict::new(
            VerdictStatus::Pass,
            format!("{transferred}; on the wire: {seen}"),
        ),
        Err(problem) if problem.starts_with("the capture") => Verdict::new(
            VerdictStatus::Error,
            format!("{transferred}, but the wire check could not run: {problem}"),
        ),
        Err(problem) => Verdict::new(
            VerdictStatus::Fail,
            format!("{transferred}, but on the wire: {problem}"),
        ),
    };
    verdict
        .metrics
        .insert("files".to_owned(), files.len().into());
    verdict.metrics.insert("bytes".to_owned(), bytes.into());
    verdict
}

/// Whether two files hold the same bytes; what differs, if not.
fn same_file(served: &Path, downloaded: &Path) -> Result<(), String> {
    let open = |path: &Path, what: &str| {
        File::open(path)
            .map(BufReader::new)
            .map_err(|e| format!("{what} {} cannot be read: {e}", path.display()))
    };
    let length = |path: &Path| std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
    let mut theirs = open(served, "the served file")?;
    let mut ours = open(downloaded, "the download")?;
    if length(served) != length(downloaded) {
        return Err(format!(
            "downloaded {} bytes, the server served {}",
            length(downloaded),
            length(served)
        ));
    }
    let (mut a, mut b) = (vec![0u8; 64 * 1024], vec![0u8; 64 * 1024]);
    let mut offset = 0u64;
    loop {
        let n = theirs.read(&mut a).map_err(|e| e.to_string())?;
        if n == 0 {
            return Ok(());
        }
        ours.read_exact(&mut b[..n]).map_err(|e| e.to_string())?;
        if let Some(i) = a[..n].iter().zip(&b[..n]).position(|(x, y)| x != y) {
            return Err(format!(
                "differs from what the server served at byte {}",
                offset + i as u64
            ));
        }
        offset += n as u64;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use panther_plugin_api::model::{ExitInfo, PeerInfo, ServiceAddress, ServiceRequest};
    use std::collections::BTreeMap;

    fn outcome(root: &Path, code: i32) -> ServiceOutcome {
        let request = ServiceRequest {
            test: "t".into(),
            service: "client".into(),
            role: Role::Client,
            protocol: "quic".into(),
            protocol_version: None,
            test_case: Some("handshake".into()),
            network: "localhost".to_owned(),
            config: serde_json::json!({}),
            address: ServiceAddress {
                host: "127.0.0.1".into(),
                port: 2,
            },
            target: Some("server".into()),
            peers: BTreeMap::from([(
                "server".into(),
                PeerInfo {
                    role: Role::Server,
                    implementation: "x".into(),
                    address: ServiceAddress {
                        host: "127.0.0.1".into(),
                        port: 1,
                    },
                    output_dir: root.join("server"),
                },
            )]),
            output_dir: root.join("client"),
            artifacts_dir: root.join("client/artifacts"),
            plugin_dir: root.to_path_buf(),
            cache_dir: root.join("cache"),
            tls: None,
            link_capture: None,
        };
        ServiceOutcome {
            request,
            exit: ExitInfo {
                code: Some(code),
                signal: None,
                stopped_by_host: false,
            },
            stdout: root.join("client/stdout.log"),
            stderr: root.join("client/stderr.log"),
            peer_exits: Default::default(),
        }
    }

    fn files(root: &Path, served: &[u8], downloaded: Option<&[u8]>) {
        std::fs::create_dir_all(root.join("server/www")).unwrap();
        std::fs::create_dir_all(root.join("client/downloads")).unwrap();
        std::fs::write(root.join("server/www/handshake-1.bin"), served).unwrap();
        if let Some(bytes) = downloaded {
            std::fs::write(root.join("client/downloads/handshake-1.bin"), bytes).unwrap();
        }
    }

    /// tshark's decoding of one plain handshake.
    const ONE_HANDSHAKE: &str = "0\t0\t1\t0x1301\t\t6\n0,2\t0\t2,8,11,20\t0x1301\t\t3\n";

    #[test]
    fn identical_downloads_and_a_right_wire_pass() {
        let dir = tempfile::tempdir().unwrap();
        files(dir.path(), b"abcdef", Some(b"abcdef"));
        std::fs::create_dir_all(dir.path().join("client/artifacts")).unwrap();
        std::fs::write(dir.path().join("client/artifacts/wire.tsv"), ONE_HANDSHAKE).unwrap();
        let verdict = judge(&outcome(dir.path(), 0));
        assert_eq!(verdict.status, VerdictStatus::Pass, "{}", verdict.reason);
        assert!(verdict.reason.contains("6 bytes"), "{}", verdict.reason);
        assert!(
            verdict.reason.ends_with("on the wire: 1 handshake(s)"),
            "{}",
            verdict.reason
        );
    }

    #[test]
    fn without_a_decoded_capture_the_wire_check_says_why_it_could_not_run() {
        let dir = tempfile::tempdir().unwrap();
        files(dir.path(), b"abcdef", Some(b"abcdef"));
        let verdict = judge(&outcome(dir.path(), 0));
        assert_eq!(verdict.status, VerdictStatus::Error);
        assert!(
            verdict
                .reason
                .contains("the wire check could not run: the capture was not decoded"),
            "{}",
            verdict.reason
        );
    }

    #[test]
    fn a_corrupted_download_fails_naming_the_byte() {
        let dir = tempfile::tempdir().unwrap();
        files(dir.path(), b"abcdef", Some(b"abcXef"));
        let verdict = judge(&outcome(dir.path(), 0));
        assert_eq!(verdict.status, VerdictStatus::Fail);
        assert!(verdict.reason.contains("at byte 3"), "{}", verdict.reason);
    }

    #[test]
    fn a_short_or_missing_download_fails() {
        let dir = tempfile::tempdir().unwrap();
        files(dir.path(), b"abcdef", Some(b"abc"));
        assert!(
            judge(&outcome(dir.path(), 0))
                .reason
                .contains("downloaded 3 bytes, the server served 6")
        );
        let dir = tempfile::tempdir().unwrap();
        files(dir.path(), b"abcdef", None);
        assert!(
            judge(&outcome(dir.path(), 0))
                .reason
                .contains("cannot be read")
        );
    }

    #[test]
    fn a_case_seen_only_through_the_keys_errs_without_a_key_log() {
        let dir = tempfile::tempdir().unwrap();
        let mut resumed = outcome(dir.path(), 0);
        resumed.request.test_case = Some("resumption".into());
        std::fs::create_dir_all(dir.path().join("server/www")).unwrap();
        std::fs::create_dir_all(dir.path().join("client/downloads")).unwrap();
        for name in ["resumption-1.bin", "resumption-2.bin"] {
            std::fs::write(dir.path().join("server/www").join(name), b"x").unwrap();
            std::fs::write(dir.path().join("client/downloads").join(name), b"x").unwrap();
        }
        let verdict = judge(&resumed);
        assert_eq!(verdict.status, VerdictStatus::Error, "{}", verdict.reason);
        assert!(
            verdict
                .reason
                .ends_with("the client wrote no TLS key log to decrypt its capture with"),
            "{}",
            verdict.reason
        );
    }

    #[test]
    fn against_a_server_that_serves_no_files_an_exit_0_passes() {
        let dir = tempfile::tempdir().unwrap();
        let verdict = judge(&outcome(dir.path(), 0));
        assert_eq!(verdict.status, VerdictStatus::Pass, "{}", verdict.reason);
        assert_eq!(
            verdict.reason,
            "exited 0; its server x serves no files of the test case to compare the downloads with"
        );
        assert_eq!(judge(&outcome(dir.path(), 1)).status, VerdictStatus::Fail);
    }

    #[test]
    fn a_missing_download_says_what_error_the_client_reported() {
        let dir = tempfile::tempdir().unwrap();
        files(dir.path(), b"abcdef", None);
        std::fs::write(
            dir.path().join("client/stdout.log"),
            "Connection end with local error 0x9.\nClient exit with code = -1\n",
        )
        .unwrap();
        let verdict = judge(&outcome(dir.path(), 0));
        assert_eq!(verdict.status, VerdictStatus::Fail);
        assert!(
            verdict
                .reason
                .ends_with("; the client said: Connection end with local error 0x9."),
            "{}",
            verdict.reason
        );
    }

    #[test]
    fn a_server_a_launcher_stopped_served_until_stopped() {
        let dir = tempfile::tempdir().unwrap();
        let mut stopped = outcome(dir.path(), 0);
        stopped.request.role = Role::Server;
        stopped.exit = ExitInfo {
            code: None,
            signal: None,
            stopped_by_host: true,
        };
        assert_eq!(judge(&stopped).status, VerdictStatus::Pass);
    }

    #[test]
    fn exit_127_is_unsupported_with_what_the_endpoint_said() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("client")).unwrap();
        std::fs::write(
            dir.path().join("client/stderr.log"),
            "retry is not supported\n",
        )
        .unwrap();
        let verdict = judge(&outcome(dir.path(), 127));
        assert_eq!(verdict.status, VerdictStatus::Unsupported);
        assert!(
            verdict.reason.ends_with("retry is not supported"),
            "{}",
            verdict.reason
        );
    }
}
