use std::path::{Path, PathBuf};

use panther_plugin_api::ServiceManager;
use panther_plugin_api::model::{Role, ServicePlan, ServiceRequest};
use panther_quic_interop::golden::{assert_golden, render, request};

use crate::Mvfst;
use crate::client::url_path;

fn plan(request: &ServiceRequest) -> ServicePlan {
    Mvfst.plan(request).expect("a plan")
}

fn has(args: &[String], arg: &str) -> bool {
    args.iter().any(|a| a == arg)
}

#[test]
fn plans_match_the_golden_file() {
    assert_golden(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("golden/plans.txt"),
        &render("localhost", |r| Mvfst.plan(r)),
    );
}

#[test]
fn the_pinned_build_of_hq_is_required_with_the_command_that_makes_it() {
    for role in [Role::Server, Role::Client] {
        let plan = plan(&request(role, "handshake"));
        assert!(plan.skip_without.is_empty());
        assert!(plan.command.program.ends_with("/bin/hq"));
        assert_eq!(plan.requires[0].path, PathBuf::from(&plan.command.program));
        assert!(
            plan.requires[0]
                .how_to_get
                .contains("scripts/build-stacks mvfst@rfc9000")
        );
    }
}

#[test]
fn the_binary_key_moves_the_program() {
    let mut server = request(Role::Server, "handshake");
    server.config = serde_json::json!({ "binary": "/opt/proxygen/hq" });
    let plan = plan(&server);
    assert_eq!(plan.command.program, "/opt/proxygen/hq");
    assert_eq!(plan.requires[0].path, PathBuf::from("/opt/proxygen/hq"));
}

#[test]
fn cases_hq_cannot_play_are_unsupported_with_the_reason() {
    let chacha = plan(&request(Role::Client, "chacha20"))
        .unsupported
        .expect("unsupported");
    assert!(chacha.contains("mvfst") && chacha.contains("'chacha20' as client"));
    let retry = plan(&request(Role::Server, "retry"))
        .unsupported
        .expect("unsupported");
    assert!(retry.contains("'retry' as server"), "{retry}");
    assert_eq!(plan(&request(Role::Client, "retry")).unsupported, None);
    assert_eq!(plan(&request(Role::Server, "keyupdate")).unsupported, None);
}

#[test]
fn the_server_listens_at_its_address_with_the_hosts_certificate() {
    let args = plan(&request(Role::Server, "transfer")).command.args;
    for expected in [
        "--mode=server",
        "--host=127.0.0.1",
        "--port=4443",
        "--h2port=4443",
        "--cert=/run/panther/test/server/certs/cert.pem",
        "--key=/run/panther/test/server/certs/priv.key",
        "--static_root=/run/panther/test/server/www",
        "--httpversion=0.9",
    ] {
        assert!(has(&args, expected), "{expected} in {args:?}");
    }
    assert!(!args.iter().any(|a| a.starts_with("--protocol")));
}

#[test]
fn http3_is_spoken_as_h3_and_the_rest_as_hq_interop() {
    let h3 = plan(&request(Role::Client, "http3")).command.args;
    assert!(has(&h3, "--protocol=h3") && has(&h3, "--httpversion=1.1"));
    let hq = plan(&request(Role::Client, "handshake")).command.args;
    assert!(has(&hq, "--protocol=hq-interop") && has(&hq, "--httpversion=0.9"));
    assert!(has(&hq, "--path=/handshake-1.bin"));
}

#[test]
fn zero_rtt_fetches_a_ticket_first_then_resumes_with_early_data() {
    let plan = plan(&request(Role::Client, "zerortt"));
    assert_eq!(plan.prepare.len(), 1);
    let first = &plan.prepare[0].args;
    assert!(has(first, "--path=/zerortt-1.bin"));
    assert!(has(first, "--psk_file=/run/panther/test/client/psk"));
    let rest = &plan.command.args;
    assert!(has(
        rest,
        "--path=/zerortt-2.bin,/zerortt-3.bin,/zerortt-4.bin"
    ));
    assert!(has(rest, "--psk_file=/run/panther/test/client/psk"));
    assert!(has(rest, "--early_data=true"));
    assert_eq!(plan.prepare[0].env, plan.command.env);
}

#[test]
fn keyupdate_makes_the_client_initiate_key_updates() {
    let args = plan(&request(Role::Client, "keyupdate")).command.args;
    assert!(has(&args, "--initiate_key_updates=true"));
}

#[test]
fn a_bad_config_key_is_refused_naming_it() {
    let mut bad = request(Role::Server, "handshake");
    bad.config = serde_json::json!({ "server": "/x" });
    let error = Mvfst.plan(&bad).unwrap_err();
    assert!(error.message().contains("`server`"), "{}", error.message());
}

#[test]
fn the_path_of_a_url_is_what_follows_its_authority() {
    assert_eq!(url_path("https://127.0.0.1:4443/a-1.bin"), "/a-1.bin");
    assert_eq!(url_path("https://[::1]:4443/a/b.bin"), "/a/b.bin");
    assert_eq!(url_path("https://host"), "/");
}
