//! The plans, pinned by a golden file, and the config's behaviour.

use std::path::Path;

use panther_plugin_api::model::{Role, ServicePlan, ServiceRequest};
use panther_plugin_api::{ServiceManager, parse_config};
use panther_quic_interop::downloads_directory;
use panther_quic_interop::golden::{assert_golden, render, request};

use crate::Quant;
use crate::config::Config;

fn plan(request: &ServiceRequest) -> ServicePlan {
    Quant.plan(request).expect("a plan")
}

fn configured(role: Role, case: &str, config: serde_json::Value) -> ServiceRequest {
    ServiceRequest {
        config,
        ..request(role, case)
    }
}

/// The word after `flag` in the plan's command.
fn value_of<'a>(plan: &'a ServicePlan, flag: &str) -> Option<&'a str> {
    let args = &plan.command.args;
    let at = args.iter().position(|arg| arg == flag)?;
    args.get(at + 1).map(String::as_str)
}

#[test]
fn the_plans_of_every_case_match_the_golden_file() {
    assert_golden(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("golden/plans.txt"),
        &render("localhost", |r| Quant.plan(r)),
    );
}

#[test]
fn the_pinned_build_is_required_with_the_command_that_makes_it() {
    let server = plan(&request(Role::Server, "handshake"));
    let client = plan(&request(Role::Client, "handshake"));
    assert!(server.skip_without.is_empty());
    assert_eq!(server.requires[0].path, Path::new(&server.command.program));
    assert!(server.command.program.ends_with("/bin/server"));
    assert!(client.command.program.ends_with("/bin/client"));
    assert!(
        client.requires[0]
            .how_to_get
            .contains("scripts/build-stacks quant@rfc9000")
    );
}

#[test]
fn the_config_keys_move_the_programs_and_the_interface() {
    let config = serde_json::json!({ "server": "/src/quant/bin/server", "interface": "veth1" });
    let server = plan(&configured(Role::Server, "transfer", config));
    assert_eq!(server.command.program, "/src/quant/bin/server");
    assert_eq!(server.requires[0].path, Path::new("/src/quant/bin/server"));
    assert_eq!(value_of(&server, "-i"), Some("veth1"));
    let config = serde_json::json!({ "client": "/src/quant/bin/client" });
    let client = plan(&configured(Role::Client, "zerortt", config));
    assert_eq!(client.command.program, "/src/quant/bin/client");
    assert_eq!(client.prepare[0].program, "/src/quant/bin/client");
    assert_eq!(value_of(&client, "-i"), Some("lo"));
}

#[test]
fn the_schema_defaults_are_the_config_defaults() {
    let schema = Quant::describe().config_schema;
    let defaults: serde_json::Map<String, serde_json::Value> = schema["properties"]
        .as_object()
        .expect("properties")
        .iter()
        .filter(|(_, property)| property.get("default").is_some())
        .map(|(key, property)| (key.clone(), property["default"].clone()))
        .collect();
    let parsed: Config = parse_config(&serde_json::Value::Object(defaults)).expect("defaults");
    assert_eq!(parsed, Config::default());
}

#[test]
fn http3_is_unsupported_in_both_roles_with_the_reason() {
    for role in [Role::Server, Role::Client] {
        let reason = plan(&request(role, "http3"))
            .unsupported
            .expect("unsupported");
        assert!(reason.contains("quant"), "{reason}");
        assert!(
            reason.contains(&format!("'http3' as {}", role.as_str())),
            "{reason}"
        );
    }
    assert_eq!(plan(&request(Role::Client, "zerortt")).unsupported, None);
}

#[test]
fn an_unknown_config_key_is_refused_naming_it() {
    let request = configured(
        Role::Client,
        "handshake",
        serde_json::json!({ "binary": "/x" }),
    );
    let error = Quant.plan(&request).expect_err("refused").to_string();
    assert!(error.contains("`binary`"), "{error}");
}

#[test]
fn the_client_writes_into_the_downloads_and_keeps_its_tickets_to_itself() {
    let request = request(Role::Client, "resumption");
    let client = plan(&request);
    let downloads = downloads_directory(&request.output_dir);
    assert_eq!(client.command.cwd.as_deref(), Some(downloads.as_path()));
    assert_eq!(client.prepare[0].cwd.as_deref(), Some(downloads.as_path()));
    let tickets = request.output_dir.join("tickets").display().to_string();
    assert_eq!(value_of(&client, "-s"), Some(tickets.as_str()));
    assert!(client.prepare[0].args.contains(&tickets));
}

#[test]
fn the_case_flags_go_only_with_their_cases() {
    let has = |case: &str, role: Role, flag: &str| {
        plan(&request(role, case))
            .command
            .args
            .iter()
            .any(|arg| arg == flag)
    };
    assert!(has("chacha20", Role::Client, "-a"));
    assert!(has("keyupdate", Role::Client, "-u"));
    assert!(has("retry", Role::Server, "-r"));
    assert!(!has("handshake", Role::Client, "-a"));
    assert!(!has("handshake", Role::Client, "-u"));
    assert!(!has("handshake", Role::Server, "-r"));
}
