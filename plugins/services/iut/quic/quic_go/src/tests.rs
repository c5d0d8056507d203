use std::path::{Path, PathBuf};

use panther_plugin_api::ServiceManager;
use panther_plugin_api::model::{Role, ServicePlan, ServiceRequest};
use panther_quic_interop::golden::{assert_golden, render, request};

use crate::QuicGo;
use crate::config::{Config, schema};

fn plan(request: &ServiceRequest) -> ServicePlan {
    QuicGo.plan(request).expect("a plan")
}

fn on_port_443(role: Role, case: &str) -> ServiceRequest {
    let mut request = request(role, case);
    request.address.port = 443;
    request
}

fn words(command: &panther_plugin_api::model::CommandSpec) -> Vec<String> {
    std::iter::once(command.program.clone())
        .chain(command.args.iter().cloned())
        .collect()
}

#[test]
fn plans_match_the_golden_file() {
    assert_golden(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("golden/plans.txt"),
        &render("localhost", |r| QuicGo.plan(r)),
    );
}

#[test]
fn a_missing_program_skips_the_test_naming_its_key_and_default_path() {
    let server = plan(&request(Role::Server, "handshake"));
    assert_eq!(server.skip_without.len(), 1);
    assert_eq!(
        server.skip_without[0].path,
        PathBuf::from("/quic-go/server")
    );
    assert!(server.skip_without[0].what.contains("`server`"));
    assert!(server.requires.is_empty());
    let client = plan(&request(Role::Client, "handshake"));
    assert_eq!(
        client.skip_without[0].path,
        PathBuf::from("/quic-go/client")
    );
    assert!(client.skip_without[0].what.contains("`client`"));
}

#[test]
fn the_config_keys_move_the_programs() {
    let mut server = on_port_443(Role::Server, "handshake");
    server.config = serde_json::json!({ "server": "/opt/qg/server" });
    let plan_of_server = plan(&server);
    assert_eq!(plan_of_server.command.program, "/opt/qg/server");
    assert_eq!(
        plan_of_server.skip_without[0].path,
        PathBuf::from("/opt/qg/server")
    );
    let mut client = request(Role::Client, "handshake");
    client.config = serde_json::json!({ "client": "/opt/qg/client" });
    assert_eq!(plan(&client).command.program, "/opt/qg/client");
}

#[test]
fn the_schema_defaults_are_the_config_defaults() {
    let schema = schema();
    let defaults = serde_json::json!({
        "server": schema["properties"]["server"]["default"],
        "client": schema["properties"]["client"]["default"],
    });
    let parsed: Config = serde_json::from_value(defaults).unwrap();
    assert_eq!(parsed, Config::default());
}

#[test]
fn a_server_off_port_443_is_unsupported_with_the_reason() {
    let reason = plan(&request(Role::Server, "transfer"))
        .unsupported
        .expect("unsupported on port 4443");
    assert!(reason.contains("quic_go"), "{reason}");
    assert!(
        reason.contains("443") && reason.contains("4443"),
        "{reason}"
    );
    assert_eq!(
        plan(&on_port_443(Role::Server, "transfer")).unsupported,
        None
    );
}

#[test]
fn an_unknown_case_is_unsupported_naming_the_stack_and_the_case() {
    let reason = plan(&request(Role::Client, "versionnegotiation"))
        .unsupported
        .expect("unsupported");
    assert!(reason.contains("quic_go") && reason.contains("versionnegotiation"));
}

#[test]
fn the_hard_coded_paths_point_at_the_test_directories_before_the_start() {
    let server = plan(&on_port_443(Role::Server, "handshake"));
    let links: Vec<Vec<String>> = server.prepare.iter().map(words).collect();
    assert_eq!(
        links,
        [
            ["ln", "-sfT", "/run/panther/test/server/certs", "/certs"],
            ["ln", "-sfT", "/run/panther/test/server/www", "/www"],
            ["ln", "-sfT", "/run/panther/test/server/artifacts", "/logs"],
        ]
    );
    assert!(server.command.args.is_empty());
    let client = plan(&request(Role::Client, "handshake"));
    assert_eq!(
        words(&client.prepare[0]),
        [
            "ln",
            "-sfT",
            "/run/panther/test/client/downloads",
            "/downloads"
        ]
    );
    assert_eq!(
        client.command.args,
        ["https://127.0.0.1:4443/handshake-1.bin"]
    );
}

#[test]
fn testcase_carries_the_interop_runners_name_for_each_role() {
    let testcase = |role, case| plan(&on_port_443(role, case)).command.env["TESTCASE"].clone();
    assert_eq!(testcase(Role::Server, "multiplexing"), "transfer");
    assert_eq!(testcase(Role::Client, "multiplexing"), "transfer");
    assert_eq!(testcase(Role::Server, "keyupdate"), "transfer");
    assert_eq!(testcase(Role::Client, "keyupdate"), "keyupdate");
    assert_eq!(testcase(Role::Server, "zerortt"), "zerortt");
}

#[test]
fn gso_is_off_for_both_programs() {
    for role in [Role::Server, Role::Client] {
        let plan = plan(&on_port_443(role, "transfer"));
        assert_eq!(plan.command.env["QUIC_GO_DISABLE_GSO"], "true");
    }
}

#[test]
fn a_bad_config_key_is_refused_naming_it() {
    let mut bad = request(Role::Client, "handshake");
    bad.config = serde_json::json!({ "binary": "/x" });
    let error = QuicGo.plan(&bad).unwrap_err();
    assert!(error.message().contains("`binary`"), "{}", error.message());
}
