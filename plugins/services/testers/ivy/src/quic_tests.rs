//! PANTHER's QUIC tests: which the models hold, and which role the tester plays in
//! each. A `quic_server_test_*` (in `quic_tests/server_tests`) tests a server: the
//! tester plays the client; a `quic_client_test_*` (in `quic_tests/client_tests`)
//! tests a client: the tester plays the server. Some of the models' tests do not
//! compile: `quic/not-compiling.toml` holds each with the compiler's first error, as
//! `scripts/compile-ivy-quic` found them compiling every test from the installed
//! models, and such a test is refused when planned.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use panther_plugin_api::PluginError;
use panther_plugin_api::model::Role;
use serde::Deserialize;

/// The tests of the installed models that do not compile, as found by
/// `scripts/compile-ivy-quic`.
const NOT_COMPILING: &str = include_str!("../quic/not-compiling.toml");

/// What `quic/not-compiling.toml` says.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct NotCompiling {
    /// Each test with the compiler's first error.
    tests: BTreeMap<String, String>,
}

/// The tests of the installed models that do not compile, each with the compiler's
/// first error.
pub fn not_compiling() -> &'static BTreeMap<String, String> {
    static TESTS: OnceLock<BTreeMap<String, String>> = OnceLock::new();
    TESTS.get_or_init(|| {
        toml::from_str::<NotCompiling>(NOT_COMPILING)
            .map(|file| file.tests)
            .unwrap_or_default()
    })
}

/// The tests the tester runs playing `role`: their folder in the models and the
/// prefix of their names.
fn kind(role: Role) -> (&'static str, &'static str) {
    match role {
        Role::Client => ("quic_tests/server_tests", "quic_server_test"),
        Role::Server => ("quic_tests/client_tests", "quic_client_test"),
    }
}

/// What the tests played in `role` test, as messages say it.
fn tested(role: Role) -> &'static str {
    match role {
        Role::Client => "a QUIC server (the tester plays the client, role = \"client\")",
        Role::Server => "a QUIC client (the tester plays the server, role = \"server\")",
    }
}

/// Where the test `test` played in `role` is among the models at `spec_dir`.
pub fn file(spec_dir: &Path, role: Role, test: &str) -> PathBuf {
    spec_dir.join(kind(role).0).join(format!("{test}.ivy"))
}

/// The names of the tests of the models at `spec_dir` that the tester runs playing
/// `role`, sorted; `None` when their folder cannot be read (the models are not
/// installed: the plan's requirements say so).
pub fn names(spec_dir: &Path, role: Role) -> Option<Vec<String>> {
    let (folder, prefix) = kind(role);
    let entries = std::fs::read_dir(spec_dir.join(folder)).ok()?;
    let mut names: Vec<String> = entries
        .filter_map(Result::ok)
        .filter_map(|entry| {
            let name = entry.file_name().to_string_lossy().into_owned();
            let test = name.strip_suffix(".ivy")?;
            (test.starts_with(prefix) && entry.path().is_file()).then(|| test.to_owned())
        })
        .collect();
    names.sort();
    Some(names)
}

/// Refuses a `test` the models at `spec_dir` do not hold for the tester playing
/// `role`: one of the other role's is named with the role to give, any other with
/// the list of those there are; and, from the `installed` models, one that does not
/// compile, with the compiler's error. Models that cannot be read refuse nothing here.
pub fn check(spec_dir: &Path, role: Role, test: &str, installed: bool) -> Result<(), PluginError> {
    let Some(known) = names(spec_dir, role) else {
        return Ok(());
    };
    if known.iter().any(|name| name == test) {
        return match not_compiling().get(test) {
            Some(error) if installed => Err(PluginError::new(format!(
                "config key `test`: {test} does not compile from PANTHER's QUIC models as installed; the compiler says: {error}"
            ))),
            _ => Ok(()),
        };
    }
    let other = match role {
        Role::Client => Role::Server,
        Role::Server => Role::Client,
    };
    if names(spec_dir, other).is_some_and(|names| names.iter().any(|name| name == test)) {
        return Err(PluginError::new(format!(
            "config key `test`: {test} tests {}, and this tester plays the {}; give it role = \"{}\"",
            tested(other),
            role.as_str(),
            other.as_str()
        )));
    }
    let (runs, not_compiling): (Vec<String>, Vec<String>) = known
        .into_iter()
        .partition(|name| !installed || !not_compiling().contains_key(name));
    let others = if not_compiling.is_empty() {
        String::new()
    } else {
        format!(
            " (and {} that do not compile from the installed models)",
            not_compiling.len()
        )
    };
    Err(PluginError::new(format!(
        "config key `test`: PANTHER's QUIC models ({}) have no test '{test}'; playing the {}, the tester runs {} tests: {}{others}",
        spec_dir.display(),
        role.as_str(),
        runs.len(),
        runs.join(", ")
    )))
}

#[cfg(test)]
mod tests {
    use std::fs;

    use super::*;

    /// Models holding two server tests, one client test and files that are not tests.
    fn models() -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        for file in [
            "quic_tests/server_tests/quic_server_test_stream.ivy",
            "quic_tests/server_tests/quic_server_test_max.ivy",
            "quic_tests/server_tests/quic_server_test_stream.cpp",
            "quic_tests/server_tests/ping_server_test.ivy",
            "quic_tests/client_tests/quic_client_test_max.ivy",
        ] {
            let path = dir.path().join(file);
            fs::create_dir_all(path.parent().unwrap()).unwrap();
            fs::write(path, "#lang ivy1.7\n").unwrap();
        }
        dir
    }

    #[test]
    fn lists_the_tests_of_each_role() {
        let models = models();
        assert_eq!(
            names(models.path(), Role::Client).unwrap(),
            ["quic_server_test_max", "quic_server_test_stream"]
        );
        assert_eq!(
            names(models.path(), Role::Server).unwrap(),
            ["quic_client_test_max"]
        );
        assert_eq!(names(Path::new("/nonexistent"), Role::Client), None);
        assert_eq!(
            file(models.path(), Role::Server, "quic_client_test_max"),
            models
                .path()
                .join("quic_tests/client_tests/quic_client_test_max.ivy")
        );
    }

    #[test]
    fn an_unknown_test_is_refused_with_the_list_and_another_role_s_with_the_role() {
        let models = models();
        assert_eq!(
            check(models.path(), Role::Client, "quic_server_test_max", true),
            Ok(())
        );
        let error = check(
            models.path(),
            Role::Client,
            "quic_server_test_nothing",
            true,
        )
        .unwrap_err();
        assert_eq!(
            error.message(),
            format!(
                "config key `test`: PANTHER's QUIC models ({}) have no test 'quic_server_test_nothing'; playing the client, the tester runs 2 tests: quic_server_test_max, quic_server_test_stream",
                models.path().display()
            )
        );
        let error = check(models.path(), Role::Client, "quic_client_test_max", true).unwrap_err();
        assert_eq!(
            error.message(),
            "config key `test`: quic_client_test_max tests a QUIC client (the tester plays the server, role = \"server\"), and this tester plays the client; give it role = \"server\""
        );
        assert_eq!(
            check(Path::new("/nonexistent"), Role::Server, "x", true),
            Ok(())
        );
    }

    #[test]
    fn a_test_that_does_not_compile_from_the_installed_models_is_refused_with_the_error() {
        let (test, error) = not_compiling()
            .iter()
            .next()
            .expect("quic/not-compiling.toml lists tests");
        let models = tempfile::tempdir().unwrap();
        let role = if test.starts_with("quic_server_test") {
            Role::Client
        } else {
            Role::Server
        };
        let path = file(models.path(), role, test);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(&path, "#lang ivy1.7\n").unwrap();
        let refused = check(models.path(), role, test, true).unwrap_err();
        assert_eq!(
            refused.message(),
            format!(
                "config key `test`: {test} does not compile from PANTHER's QUIC models as installed; the compiler says: {error}"
            )
        );
        assert_eq!(
            check(models.path(), role, test, false),
            Ok(()),
            "models of one's own"
        );
    }
}
