//! The picoquic plugin's plans, checked against the golden file and case by case.

use std::path::{Path, PathBuf};

use panther_plugin_api::ServiceManager;
use panther_plugin_api::model::Role;
use panther_quic_interop::TestCase;
use panther_quic_interop::golden::{assert_golden, render, request};

use crate::Picoquic;

#[test]
fn plans_match_the_golden_file() {
    assert_golden(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("golden/plans.txt"),
        &render("localhost", |request| Picoquic.plan(request)),
    );
}

#[test]
fn the_skip_requirement_names_the_config_key_and_the_default_path() {
    let plan = Picoquic.plan(&request(Role::Server, "handshake")).unwrap();
    let [requirement] = plan.skip_without.as_slice() else {
        panic!("{:?}", plan.skip_without)
    };
    assert_eq!(
        requirement.path,
        PathBuf::from("/opt/picoquic/picoquicdemo")
    );
    assert!(
        requirement.what.contains("`binary`"),
        "{}",
        requirement.what
    );
    assert!(plan.requires.iter().all(|r| r.path != requirement.path));
}

#[test]
fn the_binary_key_moves_the_program_of_every_command() {
    let mut client = request(Role::Client, "resumption");
    client.config = serde_json::json!({"binary": "/home/me/picoquic/picoquicdemo"});
    let plan = Picoquic.plan(&client).unwrap();
    assert_eq!(plan.command.program, "/home/me/picoquic/picoquicdemo");
    assert_eq!(plan.prepare[0].program, "/home/me/picoquic/picoquicdemo");
    assert_eq!(
        plan.skip_without[0].path,
        PathBuf::from("/home/me/picoquic/picoquicdemo")
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
fn a_bad_config_key_refuses_the_plan_naming_the_key() {
    let mut server = request(Role::Server, "handshake");
    server.config = serde_json::json!({"program": "/opt/picoquicdemo"});
    let error = Picoquic.plan(&server).unwrap_err();
    assert!(error.message().contains("`program`"), "{}", error.message());
}
