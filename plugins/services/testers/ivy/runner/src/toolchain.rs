//! What a compiled test depends on besides its specification: the version of the Ivy
//! compiler and that of the C++ compiler it runs.

use std::fs;
use std::path::Path;
use std::process::Command;

/// Asks Python which distributions provide the `ivy` module, with their versions.
const IVY_VERSION_QUERY: &str = "import importlib.metadata as m; \
print(' '.join(sorted({n + ' ' + m.version(n) for n in m.packages_distributions().get('ivy', [])})))";

/// The toolchain in one line: `panther_ms_ivy 1.10.1; g++ (Debian 12.2.0-14) 12.2.0`.
pub fn describe(ivyc: &Path) -> String {
    format!("{}; {}", ivy_version(ivyc), gxx_version())
}

/// The Ivy distribution `ivyc` runs, asked of the interpreter on its `#!` line; its
/// path and size when that cannot be told.
fn ivy_version(ivyc: &Path) -> String {
    let asked = interpreter(ivyc).and_then(|argv| {
        let (program, args) = argv.split_first()?;
        let output = Command::new(program)
            .args(args)
            .args(["-c", IVY_VERSION_QUERY])
            .output()
            .ok()?;
        let version = String::from_utf8_lossy(&output.stdout).trim().to_owned();
        (output.status.success() && !version.is_empty()).then_some(version)
    });
    asked.unwrap_or_else(|| {
        let size = fs::metadata(ivyc).map(|m| m.len()).unwrap_or_default();
        format!("ivyc {} ({size} bytes)", ivyc.display())
    })
}

/// The command on the `#!` line of `script`, if it has one.
fn interpreter(script: &Path) -> Option<Vec<String>> {
    let text = fs::read(script).ok()?;
    let first = text.split(|byte| *byte == b'\n').next()?;
    let line = std::str::from_utf8(first).ok()?.strip_prefix("#!")?;
    let argv: Vec<String> = line.split_whitespace().map(str::to_owned).collect();
    (!argv.is_empty()).then_some(argv)
}

/// The first line of `g++ --version`.
fn gxx_version() -> String {
    Command::new("g++")
        .arg("--version")
        .output()
        .ok()
        .and_then(|output| {
            let text = String::from_utf8_lossy(&output.stdout).into_owned();
            text.lines().next().map(str::to_owned)
        })
        .unwrap_or_else(|| "no g++".to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_interpreter_of_a_script() {
        let dir = tempfile::tempdir().unwrap();
        let script = dir.path().join("ivyc");
        fs::write(&script, "#!/usr/bin/env python3 -u\nimport sys\n").unwrap();
        assert_eq!(
            interpreter(&script),
            Some(vec![
                "/usr/bin/env".to_owned(),
                "python3".to_owned(),
                "-u".to_owned()
            ])
        );
        fs::write(&script, "\x7fELF...").unwrap();
        assert_eq!(interpreter(&script), None);
        assert_eq!(interpreter(&dir.path().join("missing")), None);
    }

    #[test]
    fn without_an_ivy_module_the_version_is_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let script = dir.path().join("ivyc");
        fs::write(&script, "#!/usr/bin/python3\n").unwrap();
        let version = ivy_version(&script);
        assert_eq!(
            version,
            format!("ivyc {} (19 bytes)", script.display()),
            "the system's python3 has no ivy module"
        );
    }

    #[test]
    fn names_the_cxx_compiler() {
        assert!(gxx_version().starts_with("g++"), "{}", gxx_version());
        assert!(describe(Path::new("/nonexistent/ivyc")).contains("; g++"));
    }
}
