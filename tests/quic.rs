//! QUIC stacks under the interop contract, end to end: the real host, the QUIC
//! plugins, the real endpoints over UDP on loopback, per-run certificates, and the
//! byte-for-byte check of every download.

mod support;

use std::path::{Path, PathBuf};
use std::process::Output;

use serde_json::Value;
use support::{Sandbox, repo_root, stderr, stdout};

fn sandbox() -> Sandbox {
    let sandbox = Sandbox::with_workspace_plugins();
    assert!(
        repo_root().join(".venv/bin/python").exists(),
        "the project's venv is missing: run scripts/install-python-packages (scripts/test does)"
    );
    sandbox
}

fn run(sandbox: &Sandbox, text: &str) -> (Output, Value) {
    let file = sandbox.path().join("quic.toml");
    std::fs::write(&file, text).unwrap();
    let results = sandbox.path().join("results");
    let output = sandbox.run(&[
        "run",
        file.to_str().unwrap(),
        "--jobs",
        "2",
        "--output",
        results.to_str().unwrap(),
    ]);
    let run = std::fs::read_dir(&results)
        .map(|entries| entries.map(|e| e.unwrap().path()).collect::<Vec<PathBuf>>())
        .unwrap_or_default();
    let results = run
        .first()
        .map(|dir| {
            serde_json::from_slice(&std::fs::read(dir.join("results.json")).unwrap()).unwrap()
        })
        .unwrap_or(Value::Null);
    (output, results)
}

fn matrix(servers: &str, clients: &str, cases: &str, extra: &str) -> String {
    format!(
        "[experiment]\nname = \"quic\"\n\n[[matrix]]\nname = \"interop\"\nservers = [{servers}]\nclients = [{clients}]\ntestcases = [{cases}]\ntimeout = \"30s\"\n{extra}"
    )
}

fn statuses(results: &Value) -> Vec<(String, String)> {
    results["tests"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| {
            (
                t["name"].as_str().unwrap().to_owned(),
                t["status"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

fn script(dir: &Path, name: &str, body: &str) -> PathBuf {
    use std::os::unix::fs::PermissionsExt;
    let path = dir.join(name);
    std::fs::write(&path, format!("#!/bin/sh\n{body}\n")).unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
    path
}

/// Runs a matrix that must pass whole; its results.
fn all_pass(servers: &str, clients: &str, cases: &str) -> (Sandbox, Value) {
    let sandbox = sandbox();
    let (output, results) = run(&sandbox, &matrix(servers, clients, cases, ""));
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}\n{}",
        stdout(&output),
        stderr(&output)
    );
    let statuses = statuses(&results);
    assert!(!statuses.is_empty());
    assert!(
        statuses.iter().all(|(_, status)| status == "passed"),
        "{statuses:?}"
    );
    (sandbox, results)
}

#[test]
fn aioquic_against_aioquic_handshake_and_transfer_pass_byte_for_byte() {
    let (sandbox, results) = all_pass("\"aioquic\"", "\"aioquic\"", "\"handshake\", \"transfer\"");
    let names: Vec<String> = statuses(&results)
        .into_iter()
        .map(|(name, _)| name)
        .collect();
    assert_eq!(
        names,
        [
            "interop: aioquic -> aioquic [handshake]",
            "interop: aioquic -> aioquic [transfer]"
        ]
    );
    let transfer = &results["tests"][1];
    assert!(
        transfer["reason"]
            .as_str()
            .unwrap()
            .contains("3 file(s), 10485760 bytes, identical"),
        "{transfer:#}"
    );
    let client = transfer["services"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["name"] == "client")
        .unwrap();
    let keylog = client["artifacts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["name"] == "keylog")
        .unwrap();
    let run_dir = std::fs::read_dir(sandbox.path().join("results"))
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    let keys = std::fs::read_to_string(run_dir.join(keylog["path"].as_str().unwrap())).unwrap();
    assert!(
        keys.contains("CLIENT_HANDSHAKE_TRAFFIC_SECRET"),
        "no key log"
    );
}

#[test]
fn a_download_corrupted_before_judging_fails_the_byte_check() {
    let sandbox = sandbox();
    let python = repo_root().join(".venv/bin/python");
    let corrupting = script(
        sandbox.path(),
        "corrupting-client",
        &format!(
            "\"{}\" \"$@\" || exit $?\nprintf X | dd of=\"$DOWNLOADS/handshake-1.bin\" bs=1 seek=10 conv=notrunc 2>/dev/null",
            python.display()
        ),
    );
    let text = matrix(
        "\"aioquic\"",
        "\"aioquic\"",
        "\"handshake\"",
        &format!(
            "\n[matrix.config.aioquic]\npython = \"{}\"\n",
            corrupting.display()
        ),
    );
    let (output, results) = run(&sandbox, &text);
    assert_eq!(output.status.code(), Some(1), "{}", stdout(&output));
    let test = &results["tests"][0];
    assert_eq!(test["status"], "failed");
    assert!(
        test["reason"]
            .as_str()
            .unwrap()
            .contains("handshake-1.bin: differs from what the server served at byte 10"),
        "{test:#}"
    );
}

#[test]
fn a_test_case_a_stack_does_not_support_is_unsupported_not_failed() {
    let sandbox = sandbox();
    let (output, results) = run(
        &sandbox,
        &matrix("\"aioquic\"", "\"aioquic\"", "\"versionnegotiation\"", ""),
    );
    assert_eq!(output.status.code(), Some(0), "{}", stdout(&output));
    let test = &results["tests"][0];
    assert_eq!(test["status"], "unsupported", "{test:#}");
    assert!(
        test["reason"]
            .as_str()
            .unwrap()
            .contains("unsupported test case 'versionnegotiation'"),
        "{test:#}"
    );
}

#[test]
fn a_missing_python_endpoint_is_refused_before_anything_runs_with_how_to_get_it() {
    let sandbox = sandbox();
    let text = matrix(
        "\"aioquic\"",
        "\"aioquic\"",
        "\"handshake\"",
        "\n[matrix.config.aioquic]\npython = \"/nonexistent/venv/bin/python\"\n",
    );
    let (output, results) = run(&sandbox, &text);
    assert_eq!(output.status.code(), Some(2));
    assert!(results.is_null(), "a refused run wrote results");
    let error = stderr(&output);
    assert!(
        error.contains("missing at /nonexistent/venv/bin/python"),
        "{error}"
    );
    assert!(
        error.contains("run scripts/install-python-packages"),
        "{error}"
    );
}

#[test]
fn a_server_that_never_becomes_ready_fails_with_how_long_and_its_logs() {
    let sandbox = sandbox();
    let silent = script(
        sandbox.path(),
        "silent-server",
        "echo starting >&2\nsleep 60",
    );
    let text = format!(
        "[experiment]\nname = \"quic\"\n\n[[tests]]\nname = \"never ready\"\ntimeout = \"2s\"\ntest_case = \"handshake\"\n\
         [tests.services.server]\nimplementation = \"aioquic\"\nrole = \"server\"\nconfig = {{ python = \"{}\" }}\n\
         [tests.services.client]\nimplementation = \"aioquic\"\nrole = \"client\"\ntarget = \"server\"\n",
        silent.display()
    );
    let (output, results) = run(&sandbox, &text);
    assert_eq!(output.status.code(), Some(1));
    let reason = results["tests"][0]["reason"].as_str().unwrap().to_owned();
    assert!(reason.contains("server not ready after 2 s"), "{reason}");
    assert!(reason.contains("server/stderr.log"), "{reason}");
}

#[test]
fn the_ngtcp2_client_downloads_from_the_aioquic_server_byte_for_byte() {
    let (_, results) = all_pass("\"aioquic\"", "\"ngtcp2\"", "\"handshake\", \"transfer\"");
    assert_eq!(statuses(&results).len(), 2);
}

#[test]
fn quinn_serves_quinn_aioquic_and_ngtcp2_clients_byte_for_byte() {
    let clients = "\"quinn\", \"aioquic\", \"ngtcp2\"";
    let (_, results) = all_pass("\"quinn\"", clients, "\"handshake\", \"transfer\"");
    assert_eq!(statuses(&results).len(), 6);
}

#[test]
fn quinn_downloads_from_aioquic_byte_for_byte() {
    let (_, results) = all_pass("\"aioquic\"", "\"quinn\"", "\"handshake\", \"transfer\"");
    assert_eq!(statuses(&results).len(), 2);
}

#[test]
fn quiche_and_quinn_download_from_each_other_and_quiche_from_itself_byte_for_byte() {
    let cases = "\"handshake\", \"transfer\"";
    let (_, from_quiche) = all_pass("\"quiche\"", "\"quiche\", \"quinn\"", cases);
    let (_, from_quinn) = all_pass("\"quinn\"", "\"quiche\"", cases);
    let mut names: Vec<String> = statuses(&from_quiche)
        .into_iter()
        .chain(statuses(&from_quinn))
        .map(|(name, _)| name)
        .collect();
    names.sort();
    assert_eq!(
        names,
        [
            "interop: quiche -> quiche [handshake]",
            "interop: quiche -> quiche [transfer]",
            "interop: quiche -> quinn [handshake]",
            "interop: quiche -> quinn [transfer]",
            "interop: quinn -> quiche [handshake]",
            "interop: quinn -> quiche [transfer]",
        ]
    );
}

#[test]
fn the_retry_wire_check_passes_on_a_retry_and_fails_without_one() {
    let sandbox = sandbox();
    let (output, results) = run(
        &sandbox,
        &matrix("\"quinn\"", "\"ngtcp2\"", "\"retry\"", ""),
    );
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}\n{}",
        stdout(&output),
        stderr(&output)
    );
    let reason = results["tests"][0]["reason"].as_str().unwrap().to_owned();
    assert!(
        reason.contains("on the wire: a Retry, its token reused, 1 handshake(s)"),
        "{reason}"
    );

    // The same test against an ngtcp2 server started without address validation,
    // so that it never sends a Retry.
    let sandbox = self::sandbox();
    let without_retry = script(
        sandbox.path(),
        "gtlsserver-without-retry",
        "for arg in \"$@\"; do shift; [ \"$arg\" = --validate-addr ] || set -- \"$@\" \"$arg\"; done\nexec /usr/sbin/gtlsserver \"$@\"",
    );
    let text = matrix(
        "\"ngtcp2\"",
        "\"ngtcp2\"",
        "\"retry\"",
        &format!(
            "\n[matrix.config.ngtcp2]\nserver = \"{}\"\n",
            without_retry.display()
        ),
    );
    let (output, results) = run(&sandbox, &text);
    assert_eq!(output.status.code(), Some(1), "{}", stdout(&output));
    let test = &results["tests"][0];
    assert_eq!(test["status"], "failed");
    assert!(
        test["reason"].as_str().unwrap().contains(
            "identical to what the server served, but on the wire: no Retry packet on the wire"
        ),
        "{test:#}"
    );
}
