//! The plans, pinned by a golden file, and the config's behaviour.

use std::path::Path;

use panther_plugin_api::ServiceManager;
use panther_plugin_api::model::{Role, ServicePlan, ServiceRequest};
use panther_plugin_api::parse_config;
use panther_quic_interop::golden::{assert_golden, render, request};
use panther_quic_interop::keylog_path;

use crate::Lsquic;
use crate::config::Config;

fn plan(request: &ServiceRequest) -> ServicePlan {
    Lsquic.plan(request).expect("a plan")
}

fn configured(role: Role, case: &str, config: serde_json::Value) -> ServiceRequest {
    ServiceRequest {
        config,
        ..request(role, case)
    }
}

#[test]
fn the_plans_of_every_case_match_the_golden_file() {
    assert_golden(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("golden/plans.txt"),
        &render("localhost", |r| Lsquic.plan(r)),
    );
}

#[test]
fn the_pinned_build_is_required_with_the_command_that_makes_it() {
    let server = plan(&request(Role::Server, "handshake"));
    let client = plan(&request(Role::Client, "handshake"));
    assert!(server.skip_without.is_empty());
    assert_eq!(server.requires[0].path, Path::new(&server.command.program));
    assert!(server.command.program.ends_with("/bin/http_server"));
    assert!(client.command.program.ends_with("/bin/http_client"));
    assert!(
        client.requires[0]
            .how_to_get
            .contains("scripts/build-stacks lsquic@rfc9000")
    );
}

#[test]
fn the_config_keys_move_the_programs() {
    let config = serde_json::json!({ "server": "/src/lsquic/bin/http_server" });
    let server = plan(&configured(Role::Server, "transfer", config));
    assert_eq!(server.command.program, "/src/lsquic/bin/http_server");
    assert_eq!(
        server.requires[0].path,
        Path::new("/src/lsquic/bin/http_server")
    );
    assert!(server.requires[0].what.contains("`server`"));
    let config = serde_json::json!({ "client": "/src/lsquic/bin/http_client" });
    let client = plan(&configured(Role::Client, "resumption", config));
    assert_eq!(client.command.program, "/src/lsquic/bin/http_client");
    assert_eq!(client.prepare[0].program, "/src/lsquic/bin/http_client");
}

#[test]
fn the_schema_default_is_the_config_default() {
    let schema = Lsquic::describe().config_schema;
    let version = schema["properties"]["version"]["default"].clone();
    let parsed: Config =
        parse_config(&serde_json::json!({ "version": version })).expect("defaults");
    assert_eq!(parsed, Config::default());
}

#[test]
fn a_case_the_client_cannot_play_is_unsupported_with_the_reason() {
    let reason = plan(&request(Role::Client, "chacha20"))
        .unsupported
        .expect("unsupported");
    assert!(reason.contains("lsquic"), "{reason}");
    assert!(reason.contains("'chacha20' as client"), "{reason}");
    assert_eq!(plan(&request(Role::Server, "chacha20")).unsupported, None);
    assert_eq!(plan(&request(Role::Client, "resumption")).unsupported, None);
}

#[test]
fn an_unknown_config_key_is_refused_naming_it() {
    let request = configured(
        Role::Server,
        "handshake",
        serde_json::json!({ "binary": "/x" }),
    );
    let error = Lsquic.plan(&request).expect_err("refused").to_string();
    assert!(error.contains("`binary`"), "{error}");
}

#[test]
fn the_key_files_are_joined_into_the_key_log_before_the_capture_is_decoded() {
    let client = plan(&request(Role::Client, "handshake"));
    let keylog = keylog_path(&request(Role::Client, "handshake"));
    assert_eq!(client.analyses[0].output, keylog);
    assert_eq!(client.analyses[0].command.program, "/usr/bin/find");
    assert!(
        client.analyses[1]
            .command
            .args
            .iter()
            .any(|arg| arg.contains(&keylog.display().to_string()))
    );
}

#[test]
fn retry_is_forced_only_for_the_retry_case() {
    let retry = plan(&request(Role::Server, "retry"));
    assert_eq!(
        retry
            .command
            .env
            .get("LSQUIC_FORCE_RETRY")
            .map(String::as_str),
        Some("1")
    );
    let handshake = plan(&request(Role::Server, "handshake"));
    assert!(!handshake.command.env.contains_key("LSQUIC_FORCE_RETRY"));
}
