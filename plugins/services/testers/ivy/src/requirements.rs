//! What must be installed for a test: the runner, the Ivy compiler, the test's source,
//! the C++ toolchain with Z3 and, for QUIC, PANTHER's include files, picotls and
//! OpenSSL; each with how to get it.

use std::path::{Path, PathBuf};

use panther_plugin_api::model::Requirement;

use crate::protocol::Protocol;

/// How to get what the build and the project's venv provide.
const HOW_TO_BUILD: &str =
    "run scripts/install-python-packages and scripts/build-plugins in the panther-host repository";
/// How to get what the project's venv provides for QUIC.
const HOW_TO_GET_QUIC: &str = "run scripts/install-python-packages in the panther-host repository (it installs panther-net and lays out picotls from the ms-ivy wheel)";
/// How to get the C++ toolchain the tests are built with.
const HOW_TO_GET_CXX: &str = "apt-get install g++ libz3-dev";
/// How to get OpenSSL's headers and libraries, which QUIC tests link.
const HOW_TO_GET_OPENSSL: &str = "apt-get install libssl-dev";

/// Where a test's sources are, and whether each is the installed default.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sources {
    /// The runner.
    pub runner: PathBuf,
    /// The Ivy compiler.
    pub ivyc: PathBuf,
    /// The specification's directory.
    pub spec_dir: PathBuf,
    /// Whether `spec_dir` is the installed default.
    pub installed_spec: bool,
    /// The test's name.
    pub test: String,
    /// QUIC: PANTHER's Ivy include files and picotls, and whether each is installed.
    pub quic: Option<QuicSources>,
}

/// Where a QUIC test's other sources are.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuicSources {
    /// PANTHER's Ivy include files.
    pub include_dir: PathBuf,
    /// Whether `include_dir` is the installed default.
    pub installed_include: bool,
    /// picotls.
    pub picotls_dir: PathBuf,
    /// Whether `picotls_dir` is the installed default.
    pub installed_picotls: bool,
}

/// What must be installed to test `protocol` from `sources`.
pub fn requirements(protocol: Protocol, sources: &Sources) -> Vec<Requirement> {
    let how = |installed: bool, how_installed: &str, keys: &str| {
        if installed {
            how_installed.to_owned()
        } else {
            format!("correct config {keys}")
        }
    };
    let spec_how = match protocol {
        Protocol::Minip if !sources.installed_spec => {
            "write it, or correct config keys `spec_dir` and `test`".to_owned()
        }
        Protocol::Minip => HOW_TO_BUILD.to_owned(),
        Protocol::Quic => how(
            sources.installed_spec,
            HOW_TO_GET_QUIC,
            "keys `spec_dir` and `test` (a server test of quic_tests/server_tests)",
        ),
    };
    let test_file = match protocol {
        Protocol::Minip => sources.spec_dir.join(format!("{}.ivy", sources.test)),
        Protocol::Quic => sources
            .spec_dir
            .join("quic_tests/server_tests")
            .join(format!("{}.ivy", sources.test)),
    };
    let test_what = match protocol {
        Protocol::Minip => format!(
            "the Ivy test {}.ivy (config keys `spec_dir` and `test`)",
            sources.test
        ),
        Protocol::Quic => format!(
            "PANTHER's QUIC server test {}.ivy (config keys `spec_dir` and `test`)",
            sources.test
        ),
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
        requirement(&test_file, &test_what, &spec_how),
    ];
    if let Some(quic) = &sources.quic {
        requires.extend([
            requirement(
                &quic.include_dir.join("tls_picotls.ivy"),
                "PANTHER's own Ivy include files (config key `include_dir`)",
                &how(quic.installed_include, HOW_TO_GET_QUIC, "key `include_dir`"),
            ),
            requirement(
                &quic.picotls_dir.join("include/picotls.h"),
                "the picotls headers the QUIC tests are built with (config key `picotls_dir`)",
                &how(quic.installed_picotls, HOW_TO_GET_QUIC, "key `picotls_dir`"),
            ),
            requirement(
                &quic.picotls_dir.join("lib/libpicotls-core.a"),
                "the picotls libraries the QUIC tests link (config key `picotls_dir`)",
                &how(quic.installed_picotls, HOW_TO_GET_QUIC, "key `picotls_dir`"),
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
    if sources.quic.is_some() {
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
