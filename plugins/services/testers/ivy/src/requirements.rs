//! What must be installed for a test: the runner, the Ivy compiler, the test's source,
//! the C++ toolchain with Z3 and, for QUIC, PANTHER's include files, picotls and
//! OpenSSL; each with how to get it.

use std::path::{Path, PathBuf};

use panther_plugin_api::model::{Requirement, Role};

use crate::config::Config;
use crate::protocol::Protocol;
use crate::quic_tests;

/// How to get what the build and the project's venv provide.
const HOW_TO_BUILD: &str =
    "run scripts/install-python-packages and scripts/build-plugins in the panther-host repository";
/// How to get what the project's venv provides for QUIC.
const HOW_TO_GET_QUIC: &str = "run scripts/install-python-packages in the panther-host repository (it installs panther-net and lays out its QUIC models)";
/// How to get the C++ toolchain the tests are built with.
const HOW_TO_GET_CXX: &str = "apt-get install g++ libz3-dev";
/// How to get OpenSSL's headers and libraries, which QUIC tests link.
const HOW_TO_GET_OPENSSL: &str = "apt-get install libssl-dev";

/// Where a test's sources are: as configured, else installed beside the plugin.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sources {
    /// The runner.
    pub runner: PathBuf,
    /// The Ivy compiler.
    pub ivyc: PathBuf,
    /// The specification's directory.
    pub spec_dir: PathBuf,
    /// The test's name.
    pub test: String,
    /// QUIC: PANTHER's Ivy include files and picotls.
    pub quic: Option<QuicSources>,
}

/// Where a QUIC test's other sources are.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuicSources {
    /// PANTHER's Ivy include files.
    pub include_dir: PathBuf,
    /// picotls.
    pub picotls_dir: PathBuf,
    /// The pinned build of picotls, as `scripts/build-stacks` takes it.
    pub picotls_build: String,
}

/// What must be installed for the tester playing `role` to test `protocol` from
/// `sources`, which `config` gives or leaves to the installed defaults.
pub fn requirements(
    protocol: Protocol,
    role: Role,
    config: &Config,
    sources: &Sources,
) -> Vec<Requirement> {
    let file = format!("{}.ivy", sources.test);
    let (test_file, test_what, spec_installed_how, spec_configured_how) = match protocol {
        Protocol::Minip => (
            sources.spec_dir.join(&file),
            "the Ivy test",
            HOW_TO_BUILD,
            "write it, or correct config keys `spec_dir` and `test`",
        ),
        Protocol::Quic => (
            quic_tests::file(&sources.spec_dir, role, &sources.test),
            "PANTHER's QUIC test",
            HOW_TO_GET_QUIC,
            "correct config keys `spec_dir` and `test` (a test of quic_tests/server_tests or quic_tests/client_tests)",
        ),
    };
    let spec_how = if config.spec_dir.is_none() {
        spec_installed_how
    } else {
        spec_configured_how
    };
    let quic_how = |configured: &Option<PathBuf>, key: &str, installed: String| {
        if configured.is_none() {
            installed
        } else {
            format!("correct config key `{key}`")
        }
    };
    let mut requires = vec![
        requirement(
            &sources.runner,
            "the ivy tester's runner panther-ivy",
            HOW_TO_BUILD,
        ),
        requirement(
            &sources.ivyc,
            "the Ivy compiler ivyc (config key `ivyc`)",
            HOW_TO_BUILD,
        ),
        requirement(
            &test_file,
            &format!("{test_what} {file} (config keys `spec_dir` and `test`)"),
            spec_how,
        ),
    ];
    if let Some(quic) = &sources.quic {
        let build_picotls = format!(
            "run `scripts/build-stacks {}` in the panther-host repository",
            quic.picotls_build
        );
        requires.extend([
            requirement(
                &quic.include_dir.join("tls_picotls.ivy"),
                "PANTHER's own Ivy include files (config key `include_dir`)",
                &quic_how(
                    &config.include_dir,
                    "include_dir",
                    HOW_TO_GET_QUIC.to_owned(),
                ),
            ),
            requirement(
                &quic.picotls_dir.join("include/picotls.h"),
                "the picotls headers the QUIC tests are built with (config key `picotls_dir`)",
                &quic_how(&config.picotls_dir, "picotls_dir", build_picotls.clone()),
            ),
            requirement(
                &quic.picotls_dir.join("lib/libpicotls-core.a"),
                "the picotls libraries the QUIC tests link (config key `picotls_dir`)",
                &quic_how(&config.picotls_dir, "picotls_dir", build_picotls),
            ),
        ]);
    }
    let system_lib = |name: &str| {
        PathBuf::from(format!(
            "/usr/lib/{}-linux-gnu/{name}",
            std::env::consts::ARCH
        ))
    };
    requires.extend([
        requirement(
            Path::new("/usr/bin/g++"),
            "the C++ compiler the Ivy tests are built with",
            HOW_TO_GET_CXX,
        ),
        requirement(
            Path::new("/usr/include/z3++.h"),
            "the Z3 headers the Ivy tests are built with",
            HOW_TO_GET_CXX,
        ),
        requirement(
            &system_lib("libz3.so"),
            "the Z3 library the Ivy tests link",
            HOW_TO_GET_CXX,
        ),
    ]);
    if protocol == Protocol::Quic {
        requires.extend([
            requirement(
                Path::new("/usr/include/openssl/ssl.h"),
                "the OpenSSL headers the QUIC tests are built with",
                HOW_TO_GET_OPENSSL,
            ),
            requirement(
                &system_lib("libssl.so"),
                "the OpenSSL libraries the QUIC tests link",
                HOW_TO_GET_OPENSSL,
            ),
        ]);
    }
    requires
}

/// A requirement on `path`.
fn requirement(path: &Path, what: &str, how: &str) -> Requirement {
    Requirement {
        path: path.to_path_buf(),
        what: what.to_owned(),
        how_to_get: how.to_owned(),
    }
}
