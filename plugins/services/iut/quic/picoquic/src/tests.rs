//! The picoquic plugin's plans, checked against the golden file and case by case.

use std::path::Path;

use panther_plugin_api::ServiceManager;
use panther_plugin_api::model::{PeerInfo, Role, ServiceRequest};
use panther_quic_interop::TestCase;
use panther_quic_interop::golden::{assert_golden, render, request};

use crate::Picoquic;

/// `request` with `config`.
fn configured(role: Role, case: &str, config: serde_json::Value) -> ServiceRequest {
    ServiceRequest {
        config,
        ..request(role, case)
    }
}

#[test]
fn plans_match_the_golden_file() {
    assert_golden(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("golden/plans.txt"),
        &render("localhost", |request| Picoquic.plan(request)),
    );
}

#[test]
fn a_missing_build_refuses_the_run_naming_the_build_command() {
    let plan = Picoquic.plan(&request(Role::Server, "handshake")).unwrap();
    assert!(plan.skip_without.is_empty());
    let requirement = &plan.requires[0];
    assert_eq!(
        requirement.path.to_str(),
        Some(plan.command.program.as_str())
    );
    assert!(
        requirement
            .how_to_get
            .contains("`scripts/build-stacks picoquic@rfc9000`"),
        "{}",
        requirement.how_to_get
    );
    let draft = Picoquic
        .plan(&configured(
            Role::Server,
            "handshake",
            serde_json::json!({"version": "draft27-vuln2"}),
        ))
        .unwrap();
    assert!(
        draft
            .command
            .program
            .contains("/stacks/picoquic/draft27-vuln2-")
    );
    assert!(
        draft.requires[0]
            .how_to_get
            .contains("picoquic@draft27-vuln2")
    );
}

#[test]
fn the_binary_key_moves_the_program_of_every_command() {
    let client = configured(
        Role::Client,
        "resumption",
        serde_json::json!({"binary": "/home/me/picoquic/picoquicdemo"}),
    );
    let plan = Picoquic.plan(&client).unwrap();
    assert_eq!(plan.command.program, "/home/me/picoquic/picoquicdemo");
    assert_eq!(plan.prepare[0].program, "/home/me/picoquic/picoquicdemo");
    assert_eq!(
        plan.requires[0].path,
        Path::new("/home/me/picoquic/picoquicdemo")
    );
}

#[test]
fn every_interop_case_is_supported_and_another_is_not_with_the_reason() {
    for case in TestCase::ALL {
        for role in [Role::Server, Role::Client] {
            let plan = Picoquic.plan(&request(role, case.name())).unwrap();
            assert_eq!(plan.unsupported, None, "{case} as {}", role.as_str());
        }
    }
    let plan = Picoquic
        .plan(&request(Role::Server, "versionnegotiation"))
        .unwrap();
    let reason = plan.unsupported.unwrap();
    assert!(
        reason
            .starts_with("picoquic does not support the test case 'versionnegotiation' as server"),
        "{reason}"
    );
}

#[test]
fn a_draft_version_is_refused_against_a_v1_peer_and_accepted_against_its_own() {
    let draft = serde_json::json!({"version": "draft29"});
    let mut client = configured(Role::Client, "handshake", draft.clone());
    client.peers.get_mut("server").unwrap().implementation = "quinn".to_owned();
    let error = Picoquic.plan(&client).unwrap_err();
    assert_eq!(
        error.message(),
        "config key `version`: picoquic 'draft29' speaks QUIC draft-29, which service 'server' \
         (quinn) does not: a draft version runs against picoquic or picoquic_shadow of the \
         same version, or the ivy tester"
    );
    client.peers.get_mut("server").unwrap().implementation = "picoquic".to_owned();
    let plan = Picoquic.plan(&client).unwrap();
    assert!(plan.command.args.contains(&"ff00001d".to_owned()));
    let mut server = configured(Role::Server, "http3", draft);
    server.peers.insert(
        "tester".to_owned(),
        PeerInfo {
            implementation: "ivy".to_owned(),
            ..client.peers["server"].clone()
        },
    );
    let unsupported = Picoquic.plan(&server).unwrap().unsupported.unwrap();
    assert!(unsupported.contains("'http3'"), "{unsupported}");
}

#[test]
fn an_unknown_version_is_refused_with_the_versions_there_are() {
    let error = Picoquic
        .plan(&configured(
            Role::Server,
            "handshake",
            serde_json::json!({"version": "draft30"}),
        ))
        .unwrap_err();
    assert!(
        error
            .message()
            .starts_with("config key `version`: picoquic has no version 'draft30'"),
        "{}",
        error.message()
    );
}

#[test]
fn the_description_offers_every_pinned_version_with_its_program() {
    let description = Picoquic::describe();
    let names: Vec<&str> = description
        .versions
        .iter()
        .map(|v| v.name.as_str())
        .collect();
    assert_eq!(
        names,
        [
            "draft27-vuln1",
            "draft27-vuln2",
            "draft29",
            "latest",
            "rfc9000"
        ]
    );
    let default = description.versions.iter().find(|v| v.default).unwrap();
    assert_eq!(default.name, "rfc9000");
    assert!(default.requires[0].path.ends_with("bin/picoquicdemo"));
}

#[test]
fn a_draft27_key_log_is_relabelled_for_tshark_before_the_capture_is_decoded() {
    let mut client = configured(
        Role::Client,
        "resumption",
        serde_json::json!({"version": "draft27-vuln1"}),
    );
    client.peers.get_mut("server").unwrap().implementation = "picoquic".to_owned();
    let plan = Picoquic.plan(&client).unwrap();
    let written = plan.command.env["SSLKEYLOGFILE"].clone();
    assert!(written.ends_with("keys.quic-labels.log"), "{written}");
    assert_eq!(plan.prepare[0].env["SSLKEYLOGFILE"], written);
    let relabel = &plan.analyses[0];
    assert_eq!(relabel.command.program, "/usr/bin/sed");
    assert_eq!(relabel.command.args.last(), Some(&written));
    assert_eq!(relabel.output, panther_quic_interop::keylog_path(&client));
    assert_eq!(plan.analyses[1].command.program, "/usr/bin/tshark");
    let current = Picoquic.plan(&request(Role::Client, "resumption")).unwrap();
    assert!(
        current
            .analyses
            .iter()
            .all(|a| a.command.program != "/usr/bin/sed")
    );
}
