//! The picoquic_shadow plugin's plans, checked against the golden file and for what
//! Shadow changes.

use std::path::{Path, PathBuf};

use panther_plugin_api::ServiceManager;
use panther_plugin_api::model::Role;
use panther_plugin_api::model::ServiceRequest;
use panther_quic_interop::TestCase;
use panther_quic_interop::golden::{assert_golden, render};

use crate::PicoquicShadow;

/// Where the shadow environment lands the capture of a service's host.
fn link_capture(request: &ServiceRequest) -> PathBuf {
    request.artifacts_dir.join("shadow-host/eth0.pcap")
}

/// A request in the shadow environment, with the capture it writes of the host.
fn request_in(role: Role, case: &str, network: &str) -> ServiceRequest {
    let mut request = panther_quic_interop::golden::request_in(role, case, network);
    request.link_capture = Some(link_capture(&request));
    request
}

#[test]
fn plans_match_the_golden_file() {
    assert_golden(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("golden/plans.txt"),
        &render("shadow", |request| {
            let mut request = request.clone();
            request.link_capture = Some(link_capture(&request));
            PicoquicShadow.plan(&request)
        }),
    );
}

#[test]
fn a_request_outside_shadow_is_refused_naming_both_networks() {
    for role in [Role::Server, Role::Client] {
        let error = PicoquicShadow
            .plan(&request_in(role, "handshake", "localhost"))
            .unwrap_err();
        let message = error.message();
        assert!(message.contains("'localhost'"), "{message}");
        assert!(message.contains("'shadow'"), "{message}");
        assert!(!message.contains('\n'), "{message}");
    }
}

#[test]
fn the_client_decodes_the_capture_shadow_writes_and_captures_nothing_itself() {
    for case in [TestCase::Handshake, TestCase::Transfer] {
        let client = request_in(Role::Client, case.name(), "shadow");
        let plan = PicoquicShadow.plan(&client).unwrap();
        assert!(plan.companions.is_empty(), "{case}");
        let [analysis] = plan.analyses.as_slice() else {
            panic!("{case}: {:?}", plan.analyses)
        };
        let capture = link_capture(&client).display().to_string();
        assert!(analysis.command.args.contains(&capture), "{case}");
        assert!(plan.artifacts.iter().all(|a| a.name != "capture"));
        assert!(
            plan.requires
                .iter()
                .all(|r| r.path != Path::new("/usr/bin/tcpdump")),
            "{case}"
        );
        assert!(
            plan.requires
                .iter()
                .any(|r| r.path == Path::new("/usr/bin/tshark"))
        );
    }
}

#[test]
fn the_cases_that_run_the_client_twice_prepare_with_the_first_run() {
    for case in ["resumption", "zerortt"] {
        let plan = PicoquicShadow
            .plan(&request_in(Role::Client, case, "shadow"))
            .unwrap();
        assert_eq!(plan.unsupported, None, "{case}");
        assert_eq!(plan.prepare.len(), 1, "{case}");
        assert_eq!(plan.prepare[0].program, plan.command.program, "{case}");
    }
}

#[test]
fn every_program_path_is_absolute() {
    for case in TestCase::ALL {
        for role in [Role::Server, Role::Client] {
            let plan = PicoquicShadow
                .plan(&request_in(role, case.name(), "shadow"))
                .unwrap();
            for command in plan.prepare.iter().chain([&plan.command]) {
                assert!(Path::new(&command.program).is_absolute(), "{case}");
            }
            for analysis in &plan.analyses {
                assert!(Path::new(&analysis.command.program).is_absolute(), "{case}");
            }
        }
    }
}

#[test]
fn a_relative_binary_is_refused_naming_the_key() {
    let mut server = request_in(Role::Server, "handshake", "shadow");
    server.config = serde_json::json!({"binary": "picoquicdemo"});
    let error = PicoquicShadow.plan(&server).unwrap_err();
    assert!(error.message().contains("`binary`"), "{}", error.message());
    assert!(error.message().contains("absolute"), "{}", error.message());
}

#[test]
fn the_pinned_build_of_the_version_is_required_and_binary_replaces_it() {
    let mut latest = request_in(Role::Server, "handshake", "shadow");
    latest.config = serde_json::json!({"version": "latest"});
    let plan = PicoquicShadow.plan(&latest).unwrap();
    assert!(
        plan.command
            .program
            .contains("/stacks/picoquic_shadow/latest-")
    );
    assert!(
        plan.requires[0]
            .how_to_get
            .contains("scripts/build-stacks picoquic_shadow@latest")
    );
    let mut draft = request_in(Role::Server, "handshake", "shadow");
    draft.config = serde_json::json!({"version": "draft29"});
    let error = PicoquicShadow.plan(&draft).unwrap_err();
    assert!(
        error
            .message()
            .starts_with("config key `version`: picoquic_shadow has no version 'draft29'"),
        "{}",
        error.message()
    );
    let mut moved = request_in(Role::Server, "handshake", "shadow");
    moved.config = serde_json::json!({"binary": "/srv/picoquic/picoquicdemo"});
    let plan = PicoquicShadow.plan(&moved).unwrap();
    assert_eq!(plan.command.program, "/srv/picoquic/picoquicdemo");
    assert_eq!(
        plan.requires[0].path,
        PathBuf::from("/srv/picoquic/picoquicdemo")
    );
}

#[test]
fn an_unknown_case_is_unsupported_naming_this_plugin() {
    let plan = PicoquicShadow
        .plan(&request_in(Role::Client, "versionnegotiation", "shadow"))
        .unwrap();
    assert!(
        plan.unsupported
            .unwrap()
            .starts_with("picoquic_shadow does not support the test case 'versionnegotiation'")
    );
}
