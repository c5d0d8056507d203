//! The quic_go plugin's plans, checked against the golden file and case by case.

use std::path::{Path, PathBuf};

use panther_plugin_api::ServiceManager;
use panther_plugin_api::model::{Role, ServicePlan, ServiceRequest};
use panther_quic_interop::TestCase;
use panther_quic_interop::golden::{assert_golden, render, request};

use crate::QuicGo;

fn plan(request: &ServiceRequest) -> ServicePlan {
    QuicGo.plan(request).expect("a plan")
}

#[test]
fn plans_match_the_golden_file() {
    assert_golden(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("golden/plans.txt"),
        &render("localhost", |r| QuicGo.plan(r)),
    );
}

#[test]
fn the_pinned_endpoint_is_required_with_the_command_that_builds_it() {
    for role in [Role::Server, Role::Client] {
        let plan = plan(&request(role, "handshake"));
        assert!(plan.command.program.ends_with("/bin/quic-go-endpoint"));
        assert_eq!(plan.requires[0].path, PathBuf::from(&plan.command.program));
        assert!(
            plan.requires[0]
                .how_to_get
                .contains("scripts/build-stacks quic_go@rfc9000")
        );
    }
}

#[test]
fn the_server_listens_where_the_test_places_it_and_plays_every_case() {
    for case in TestCase::ALL {
        let server = plan(&request(Role::Server, case.name()));
        assert_eq!(server.unsupported, None, "{case}");
        assert_eq!(
            server.command.env.get("LISTEN").map(String::as_str),
            Some("127.0.0.1:4443")
        );
        assert_eq!(
            server.command.env.get("TESTCASE").map(String::as_str),
            Some(case.name())
        );
        assert_eq!(plan(&request(Role::Client, case.name())).unsupported, None);
    }
}

#[test]
fn the_binary_key_moves_the_program() {
    let mut client = request(Role::Client, "handshake");
    client.config = serde_json::json!({ "binary": "/opt/qg/quic-go-endpoint" });
    assert_eq!(plan(&client).command.program, "/opt/qg/quic-go-endpoint");
}
