//! Every QUIC stack PANTHER drives, end to end: the real host, the stacks' plugins and
//! their pinned builds (made by `scripts/build-stacks`, which scripts/test runs first)
//! talking over UDP on loopback. picoquic, lsquic, quic-go and quant each complete a
//! handshake and a transfer, byte for byte, against quinn in both roles, and one case
//! of each is checked on the wire; picoquic's versions each meet a peer of their own
//! version; a stack that is not built refuses the run with the command that builds it.

mod support;

use serde_json::Value;
use support::{Finished, Sandbox, stderr, stdout};

/// The builds these tests run.
const BUILDS: [&str; 8] = [
    "picoquic@rfc9000",
    "picoquic@draft29",
    "picoquic@draft27-vuln1",
    "picoquic@draft27-vuln2",
    "picoquic@latest",
    "lsquic@rfc9000",
    "quic_go@rfc9000",
    "quant@rfc9000",
];

/// A sandbox with the workspace's plugins and the stacks' builds, every one of
/// [`BUILDS`] there.
fn built() -> Sandbox {
    let sandbox = Sandbox::with_workspace_plugins().with_stack_builds();
    sandbox.require_stack_builds(&BUILDS);
    sandbox
}

/// Every test of the run, by name, with its status and reason.
fn outcomes(finished: &Finished) -> Vec<(String, String, String)> {
    finished.results()["tests"]
        .as_array()
        .unwrap()
        .iter()
        .map(|test| {
            let text = |key: &str| test[key].as_str().unwrap_or_default().to_owned();
            (text("name"), text("status"), text("reason"))
        })
        .collect()
}

/// One test of `client` against `server`, each with its version, on `case`.
fn pair(name: &str, case: &str, server: (&str, &str), client: (&str, &str)) -> String {
    format!(
        "[[tests]]\nname = \"{name}\"\ntest_case = \"{case}\"\ntimeout = \"30s\"\n\
         [tests.services.server]\nimplementation = \"{}\"\nrole = \"server\"\n\
         config = {{ version = \"{}\" }}\n\
         [tests.services.client]\nimplementation = \"{}\"\nrole = \"client\"\ntarget = \"server\"\n\
         config = {{ version = \"{}\" }}\n\n",
        server.0, server.1, client.0, client.1
    )
}

/// One test of `client` against `server` on `case`, quinn with no config.
fn with_quinn(name: &str, case: &str, server: &str, client: &str) -> String {
    let service = |role: &str, implementation: &str| {
        let target = if role == "client" {
            "target = \"server\"\n"
        } else {
            ""
        };
        format!(
            "[tests.services.{role}]\nimplementation = \"{implementation}\"\nrole = \"{role}\"\n{target}"
        )
    };
    format!(
        "[[tests]]\nname = \"{name}\"\ntest_case = \"{case}\"\ntimeout = \"30s\"\n{}{}\n",
        service("server", server),
        service("client", client)
    )
}

#[test]
fn plugins_list_shows_every_quic_stack_panther_drives() {
    let sandbox = Sandbox::with_workspace_plugins();
    let output = sandbox.run(&["plugins", "list"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let listing = stdout(&output);
    assert!(!listing.contains("refused files"), "{listing}");
    for stack in [
        "aioquic",
        "lsquic",
        "mvfst",
        "ngtcp2",
        "picoquic",
        "picoquic_shadow",
        "quant",
        "quic_go",
        "quiche",
        "quinn",
    ] {
        assert!(
            listing
                .lines()
                .any(|line| line.split_whitespace().next() == Some(stack)),
            "{stack} is not listed:\n{listing}"
        );
    }
}

#[test]
fn each_built_stack_moves_files_byte_for_byte_with_quinn_in_both_roles() {
    let sandbox = built();
    let experiment = "[experiment]\nname = \"with quinn\"\n\n\
        [[matrix]]\nname = \"serving\"\nservers = [\"picoquic\", \"lsquic\", \"quic_go\", \"quant\"]\n\
        clients = [\"quinn\"]\ntestcases = [\"handshake\", \"transfer\"]\ntimeout = \"30s\"\n\n\
        [[matrix]]\nname = \"fetching\"\nservers = [\"quinn\"]\n\
        clients = [\"picoquic\", \"lsquic\", \"quic_go\", \"quant\"]\n\
        testcases = [\"handshake\", \"transfer\"]\ntimeout = \"30s\"\n";
    let finished = sandbox.run_experiment(experiment, &["--jobs", "2"]);
    assert_eq!(finished.code(), Some(0), "{}", finished.printed());
    let outcomes = outcomes(&finished);
    assert_eq!(outcomes.len(), 16, "{outcomes:#?}");
    for (name, status, reason) in &outcomes {
        assert_eq!(status, "passed", "{name}: {reason}");
        assert!(
            reason.contains("identical to what the server served")
                && reason.contains("on the wire"),
            "{name}: {reason}"
        );
    }
    let transfer = outcomes
        .iter()
        .find(|(name, _, _)| name == "fetching: quant -> quinn [transfer]")
        .unwrap();
    assert!(
        transfer.2.contains("3 file(s), 10485760 bytes"),
        "{transfer:?}"
    );
}

#[test]
fn a_case_of_each_built_stack_shows_on_the_wire() {
    let sandbox = built();
    let experiment = format!(
        "[experiment]\nname = \"wire\"\n\n{}{}{}{}",
        with_quinn("picoquic retries", "retry", "picoquic", "quinn"),
        with_quinn("lsquic resumes", "resumption", "quinn", "lsquic"),
        with_quinn("quic-go updates its keys", "keyupdate", "quinn", "quic_go"),
        with_quinn("quant offers chacha20 only", "chacha20", "quinn", "quant"),
    );
    let finished = sandbox.run_experiment(&experiment, &["--jobs", "2"]);
    assert_eq!(finished.code(), Some(0), "{}", finished.printed());
    let seen = [
        (
            "picoquic retries",
            "a Retry, its token reused, 1 handshake(s)",
        ),
        (
            "lsquic resumes",
            "2 handshakes, the second without a certificate",
        ),
        ("quic-go updates its keys", "a key update (key phase 1)"),
        (
            "quant offers chacha20 only",
            "only TLS_CHACHA20_POLY1305_SHA256 offered",
        ),
    ];
    let outcomes = outcomes(&finished);
    for (test, on_the_wire) in seen {
        let (_, status, reason) = outcomes.iter().find(|(name, _, _)| name == test).unwrap();
        assert_eq!(status, "passed", "{test}: {reason}");
        assert!(
            reason.contains(&format!("on the wire: {on_the_wire}")),
            "{test}: {reason}"
        );
    }
}

#[test]
fn picoquic_s_versions_each_meet_a_peer_of_their_own_version() {
    let sandbox = built();
    let mut experiment = "[experiment]\nname = \"picoquic versions\"\n\n".to_owned();
    for version in [
        "draft29",
        "draft27-vuln1",
        "draft27-vuln2",
        "latest",
        "rfc9000",
    ] {
        experiment.push_str(&pair(
            version,
            "handshake",
            ("picoquic", version),
            ("picoquic", version),
        ));
    }
    let finished = sandbox.run_experiment(&experiment, &["--jobs", "2"]);
    let outcomes = outcomes(&finished);
    for (name, status, reason) in &outcomes {
        if name == "rfc9000" {
            // PANTHER's rfc9000 picoquic (bb67995f) counts one connection ID too few
            // when a NEW_CONNECTION_ID frame does not fit a packet (sender.c, from
            // de01d271 until 1f1e31f3 fixed it), so as a server it sends one more
            // than a picoquic client allows, and that client closes the connection
            // with CONNECTION_ID_LIMIT_ERROR (0x9) before the download.
            assert_eq!(status, "failed", "{name}: {reason}");
            assert!(
                reason.contains("the client said: Connection end with local error 0x9"),
                "{name}: {reason}"
            );
            continue;
        }
        assert_eq!(status, "passed", "{name}: {reason}");
        assert!(reason.contains("1 handshake(s)"), "{name}: {reason}");
    }
    assert_eq!(outcomes.len(), 5, "{}", finished.printed());
    let plan = std::fs::read_to_string(finished.directory().join("plan.json")).unwrap();
    for proposed in ["ff00001d", "ff00001b", "00000001"] {
        assert!(plan.contains(proposed), "no client proposes {proposed}");
    }
}

#[test]
fn a_stack_that_is_not_built_refuses_the_run_with_the_command_that_builds_it() {
    let sandbox = Sandbox::with_workspace_plugins();
    let experiment = with_quinn("unbuilt", "handshake", "quant", "quinn");
    let finished = sandbox.run_experiment(
        &format!("[experiment]\nname = \"unbuilt\"\n\n{experiment}"),
        &[],
    );
    assert_eq!(finished.code(), Some(2), "{}", finished.printed());
    assert!(finished.directory.is_none(), "nothing ran");
    let message = stderr(&finished.output);
    assert!(
        message.contains("service 'server' (quant) needs server of quant rfc9000")
            && message.contains("run `scripts/build-stacks quant@rfc9000`"),
        "{message}"
    );
}

#[test]
fn a_draft_version_against_a_v1_only_peer_is_refused_by_validate_at_its_key() {
    let sandbox = Sandbox::with_workspace_plugins();
    let file = sandbox.experiment(
        "[experiment]\nname = \"draft\"\n\n[[tests]]\nname = \"draft\"\ntest_case = \"handshake\"\n\
         [tests.services.server]\nimplementation = \"picoquic\"\nrole = \"server\"\n\
         config = { version = \"draft29\" }\n\
         [tests.services.client]\nimplementation = \"quinn\"\nrole = \"client\"\ntarget = \"server\"\n",
    );
    let output = sandbox.run(&["validate", file.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(2), "{}", stdout(&output));
    let message = stderr(&output);
    let located = format!(
        "{}:10:22: tests[0].services.server.config.version: picoquic 'draft29' speaks QUIC \
         draft-29, which service 'client' (quinn) does not",
        file.display()
    );
    assert!(message.starts_with(&located), "{message}");
    assert!(message.contains("nothing was run"), "{message}");
}

#[test]
fn picoquic_shadow_outside_the_shadow_environment_is_refused_in_one_line() {
    let sandbox = Sandbox::with_workspace_plugins();
    let experiment = "[experiment]\nname = \"stacks\"\n\n\
         [[matrix]]\nname = \"shadow\"\nservers = [\"picoquic_shadow\"]\nclients = [\"quinn\"]\n\
         testcases = [\"handshake\"]\n";
    let finished = sandbox.run_experiment(experiment, &[]);
    assert_eq!(finished.code(), Some(2), "{}", finished.printed());
    let message = stderr(&finished.output);
    assert_eq!(message.trim().lines().count(), 1, "{message}");
    assert!(
        message.contains("picoquic_shadow") && message.contains("shadow"),
        "{message}"
    );
    assert!(finished.directory.is_none(), "no run is started");
}

#[test]
fn a_case_a_stack_cannot_play_is_unsupported_without_running_anything() {
    let sandbox = built();
    let experiment = "[experiment]\nname = \"stacks\"\n\n\
         [[matrix]]\nname = \"early data\"\nservers = [\"quinn\"]\nclients = [\"lsquic\"]\n\
         testcases = [\"zerortt\"]\n";
    let finished = sandbox.run_experiment(experiment, &[]);
    assert_eq!(finished.code(), Some(0), "{}", finished.printed());
    let results: Value = finished.results();
    let test = &results["tests"][0];
    assert_eq!(test["status"], "unsupported", "{test:#}");
    assert!(
        test["services"]
            .as_array()
            .unwrap()
            .iter()
            .all(|s| s["exit"].is_null()),
        "{test:#}"
    );
    assert!(
        test["reason"]
            .as_str()
            .unwrap()
            .contains("lsquic does not support the test case 'zerortt' as client"),
        "{test:#}"
    );
    let why = finished
        .directory()
        .join(test["directory"].as_str().unwrap())
        .join("not-run.txt");
    assert!(
        std::fs::read_to_string(&why).unwrap().contains("zerortt"),
        "{}",
        why.display()
    );
}

#[test]
fn mvfst_moves_files_with_quinn_in_both_roles_once_it_is_built() {
    let sandbox = Sandbox::with_workspace_plugins().with_stack_builds();
    if !sandbox.stack_built("mvfst", "rfc9000") {
        eprintln!(
            "mvfst@rfc9000 is not built, so its tests did not run: `scripts/build-stacks \
             mvfst` builds it (about an hour on two cores), and the next test run uses it"
        );
        return;
    }
    let experiment = format!(
        "[experiment]\nname = \"mvfst\"\n\n{}{}{}{}",
        with_quinn("hq serves", "handshake", "mvfst", "quinn"),
        with_quinn("hq serves a transfer", "transfer", "mvfst", "quinn"),
        with_quinn("hq fetches", "handshake", "quinn", "mvfst"),
        with_quinn("hq fetches a transfer", "transfer", "quinn", "mvfst"),
    );
    let finished = sandbox.run_experiment(&experiment, &["--jobs", "2"]);
    let outcomes = outcomes(&finished);
    assert_eq!(outcomes.len(), 4, "{}", finished.printed());
    for (name, status, reason) in &outcomes {
        assert!(
            reason.contains("identical to what the server served"),
            "{name}: {status}: {reason}"
        );
    }
}
