//! The plugin registry seen from the command line: real host binary, real plugin
//! libraries built from source, real probe processes.

mod support;

use std::os::unix::fs::PermissionsExt;

use serde_json::Value;
use support::{Sandbox, fixtures, stderr, stdout};

fn list_json(sandbox: &Sandbox) -> Value {
    let output = sandbox.run(&["plugins", "list", "--json"]);
    assert!(output.status.success(), "{}", stderr(&output));
    serde_json::from_slice(&output.stdout).expect("plugins list --json prints JSON")
}

fn refusal_of(list: &Value, file_name: &str) -> String {
    list["refused"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["file"].as_str().unwrap().ends_with(file_name))
        .unwrap_or_else(|| panic!("{file_name} is not among the refused: {list:#}"))["reason"]
        .as_str()
        .unwrap()
        .to_owned()
}

fn plugin_names(list: &Value) -> Vec<String> {
    list["plugins"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn a_plugin_built_out_of_tree_is_listed_inspected_and_used() {
    let sandbox = Sandbox::new();
    let file = sandbox.add(&fixtures().template, "libtemplate_quic.so");

    let list = list_json(&sandbox);
    let plugin = &list["plugins"][0];
    assert_eq!(plugin["name"], "template-quic");
    assert_eq!(plugin["kind"], "service_manager");
    assert_eq!(plugin["api_version"], panther_plugin_api::API_VERSION);
    assert_eq!(plugin["roles"], serde_json::json!(["server", "client"]));
    assert!(list["refused"].as_array().unwrap().is_empty());

    let table = stdout(&sandbox.run(&["plugins", "list"]));
    assert!(table.contains("template-quic"), "{table}");
    assert!(table.contains("quic: server, client"), "{table}");

    let inspect = sandbox.run(&["plugins", "inspect", "template-quic"]);
    assert!(inspect.status.success(), "{}", stderr(&inspect));
    let text = stdout(&inspect);
    assert!(text.contains("config schema:"), "{text}");
    assert!(text.contains("\"binary\""), "{text}");
    assert!(text.contains(&file.display().to_string()), "{text}");

    let check = sandbox.run(&["plugins", "check", "--json", file.to_str().unwrap()]);
    assert!(
        check.status.success(),
        "{}{}",
        stdout(&check),
        stderr(&check)
    );
    let report: Value = serde_json::from_slice(&check.stdout).unwrap();
    let calls = report[0]["report"]["calls"].as_array().unwrap();
    let server_plan = &calls[0]["answer"]["Ok"];
    assert_eq!(server_plan["command"]["program"], "quic-endpoint");
    assert_eq!(server_plan["command"]["env"]["ROLE"], "server");
    assert_eq!(server_plan["ready"]["kind"], "port");
    let client_verdict = &calls[3]["answer"]["Ok"];
    assert_eq!(client_verdict["status"], "pass");
}

#[test]
fn every_kind_of_bad_file_is_refused_in_one_line_and_the_host_goes_on() {
    let f = fixtures();
    let sandbox = Sandbox::new();
    sandbox.add(&f.template, "libgood.so");
    sandbox.write("notes.so", b"these are notes, not a library\n");
    sandbox.write("empty.so", b"");
    let system_library = [
        "/lib/x86_64-linux-gnu/libz.so.1",
        "/lib/x86_64-linux-gnu/libm.so.6",
    ]
    .into_iter()
    .map(std::path::Path::new)
    .find(|p| p.exists())
    .expect("a system shared library");
    sandbox.add(system_library, "libsystem.so");
    sandbox.add(&f.api_v2, "libapi_v2.so");
    sandbox.add(&f.foreign_target, "libaarch64.so");
    sandbox.add(&f.panicking_manifest, "libpanics.so");
    sandbox.add(&f.failing_constructor, "libctor.so");
    sandbox.add(&f.crashing_initialiser, "libsegv.so");

    let list = list_json(&sandbox);
    assert_eq!(plugin_names(&list), vec!["template-quic"]);
    let expectations = [
        ("notes.so", "not an ELF shared library"),
        ("empty.so", "empty file (0 bytes)"),
        ("libsystem.so", "not a panther plugin"),
        ("libapi_v2.so", "built against panther-plugin-api 2.0.0"),
        ("libaarch64.so", "built for another target (Aarch64"),
        ("libpanics.so", "its manifest call failed: panicked at"),
        (
            "libctor.so",
            "its constructor failed: the endpoint binary /nonexistent/endpoint",
        ),
        ("libsegv.so", "crashed while loading (signal 11, SIGSEGV)"),
    ];
    for (file, expected) in expectations {
        let reason = refusal_of(&list, file);
        assert!(reason.contains(expected), "{file}: {reason}");
        assert!(!reason.contains('\n'), "{file}: not one line: {reason}");
    }
    let v2 = refusal_of(&list, "libapi_v2.so");
    assert!(
        v2.contains(&format!(
            "this host speaks panther-plugin-api {}",
            panther_plugin_api::API_VERSION
        )),
        "{v2}"
    );
    assert!(
        refusal_of(&list, "libpanics.so").contains("the manifest of this fixture always panics")
    );

    let table = sandbox.run(&["plugins", "list"]);
    assert!(table.status.success());
    let text = stdout(&table);
    assert!(text.contains("refused files (8):"), "{text}");
    assert!(
        text.contains("libsegv.so: refused: crashed while loading (signal 11, SIGSEGV)"),
        "{text}"
    );
}

#[test]
fn a_second_list_uses_the_cache_and_keeps_the_reasons() {
    let f = fixtures();
    let sandbox = Sandbox::new();
    sandbox.add(&f.template, "libgood.so");
    sandbox.add(&f.crashing_initialiser, "libsegv.so");

    let first = sandbox.run(&["-vv", "plugins", "list"]);
    assert!(
        stderr(&first).contains("probing 2 plugin file(s)"),
        "{}",
        stderr(&first)
    );
    let second = sandbox.run(&["-vv", "plugins", "list"]);
    assert!(!stderr(&second).contains("probing"), "{}", stderr(&second));
    assert_eq!(stdout(&first), stdout(&second));
    assert!(stdout(&second).contains("crashed while loading (signal 11, SIGSEGV)"));

    // A changed file is probed again.
    sandbox.add(&f.panicking_manifest, "libgood.so");
    let third = sandbox.run(&["-vv", "plugins", "list"]);
    assert!(
        stderr(&third).contains("probing 1 plugin file(s)"),
        "{}",
        stderr(&third)
    );
    assert!(stdout(&third).contains("its manifest call failed"));
}

#[test]
fn two_plugins_with_one_name_are_both_named_and_neither_is_used() {
    let sandbox = Sandbox::new();
    let a = sandbox.add(&fixtures().template, "liba.so");
    let b = sandbox.add(&fixtures().template, "libb.so");

    let list = list_json(&sandbox);
    assert!(plugin_names(&list).is_empty());
    let reason = refusal_of(&list, "liba.so");
    assert!(
        reason.contains("'template-quic' is also provided by"),
        "{reason}"
    );
    assert!(reason.contains(&b.display().to_string()), "{reason}");

    let inspect = sandbox.run(&["plugins", "inspect", "template-quic"]);
    assert_eq!(inspect.status.code(), Some(2));
    let error = stderr(&inspect);
    assert!(error.contains(&a.display().to_string()), "{error}");
    assert!(error.contains(&b.display().to_string()), "{error}");
    assert_eq!(error.trim().lines().count(), 1, "{error}");
}

#[test]
fn a_missing_plugins_directory_is_refused_with_exit_code_2() {
    let sandbox = Sandbox::new();
    let missing = sandbox.path().join("no-such-dir");
    let output = sandbox
        .host()
        .arg("--plugins")
        .arg(&missing)
        .args(["plugins", "list"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let error = stderr(&output);
    assert!(error.contains(&missing.display().to_string()), "{error}");
    assert!(error.contains("No such file or directory"), "{error}");
    assert_eq!(error.trim().lines().count(), 1, "{error}");
}

#[test]
fn a_world_writable_plugins_directory_is_refused_with_the_fix() {
    let sandbox = Sandbox::new();
    sandbox.add(&fixtures().template, "libgood.so");
    std::fs::set_permissions(sandbox.plugins(), std::fs::Permissions::from_mode(0o777)).unwrap();
    let output = sandbox.run(&["plugins", "list"]);
    assert_eq!(output.status.code(), Some(2));
    let error = stderr(&output);
    assert!(error.contains("is world-writable (mode 777)"), "{error}");
    assert!(error.contains("chmod o-w"), "{error}");
    assert!(stdout(&output).is_empty());
}

#[test]
fn a_world_writable_plugin_file_is_refused_and_the_rest_still_listed() {
    let sandbox = Sandbox::new();
    sandbox.add(&fixtures().template, "libgood.so");
    let open = sandbox.add(&fixtures().failing_constructor, "libopen.so");
    std::fs::set_permissions(&open, std::fs::Permissions::from_mode(0o666)).unwrap();
    let list = list_json(&sandbox);
    assert_eq!(plugin_names(&list), vec!["template-quic"]);
    assert!(refusal_of(&list, "libopen.so").contains("world-writable (mode 666)"));
}

#[test]
fn the_plugin_path_variable_adds_directories() {
    let sandbox = Sandbox::new();
    sandbox.add(&fixtures().template, "libgood.so");
    let output = sandbox
        .host()
        .env("PANTHER_PLUGIN_PATH", sandbox.plugins())
        .args(["plugins", "list", "--json"])
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", stderr(&output));
    let list: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(plugin_names(&list), vec!["template-quic"]);
}

#[test]
fn no_plugin_directory_at_all_says_how_to_give_one() {
    let output = Sandbox::new()
        .host()
        .args(["plugins", "list"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("pass --plugins DIR or set PANTHER_PLUGIN_PATH"));
}

#[test]
fn inspecting_an_unknown_name_lists_the_loaded_ones() {
    let sandbox = Sandbox::new();
    sandbox.add(&fixtures().template, "libgood.so");
    let output = sandbox.run(&["plugins", "inspect", "quinn"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("no plugin named 'quinn' (loaded: template-quic)"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn inspecting_a_file_by_path_needs_no_plugin_directory() {
    let sandbox = Sandbox::new();
    let file = sandbox.add(&fixtures().template, "libgood.so");
    let output = sandbox
        .host()
        .args(["plugins", "inspect", "--json", file.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", stderr(&output));
    let document: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(document["manifest"]["name"], "template-quic");
    assert_eq!(
        document["manifest"]["build"]["api_version"],
        panther_plugin_api::API_VERSION
    );
    assert!(
        document["manifest"]["build"]["rustc_version"]
            .as_str()
            .unwrap()
            .starts_with("rustc ")
    );
}

#[test]
fn checking_a_broken_plugin_fails_with_its_reason() {
    let sandbox = Sandbox::new();
    let file = sandbox.add(&fixtures().crashing_initialiser, "libsegv.so");
    let output = sandbox
        .host()
        .args(["plugins", "check", file.to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert!(stdout(&output).contains("refused: crashed while loading (signal 11, SIGSEGV)"));

    let missing = sandbox
        .host()
        .args(["plugins", "check", "/no/such.so"])
        .output()
        .unwrap();
    assert_eq!(missing.status.code(), Some(2));
    assert!(stderr(&missing).contains("/no/such.so: no such file"));
}
