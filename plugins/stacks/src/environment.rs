//! What a build is made with besides its sources: the Debian packages it needs
//! (installed when missing) and the toolchain, each with the version that goes into
//! the build's cache key.

use std::process::Command;

use anyhow::{Result, bail};

use crate::process::{output_of, run_quietly};

/// The installed version of a Debian package, if it is installed.
fn installed_version(package: &str) -> Option<String> {
    let status =
        output_of(Command::new("dpkg-query").args(["-W", "-f=${Status}\t${Version}", package]))
            .ok()?;
    let (state, version) = status.split_once('\t')?;
    state
        .ends_with("install ok installed")
        .then(|| version.to_owned())
}

/// `apt-get ARGS`, through sudo when not root.
fn apt_get(arguments: &[&str]) -> Command {
    let root = output_of(Command::new("id").arg("-u")).is_ok_and(|id| id.trim() == "0");
    let mut command = if root {
        Command::new("apt-get")
    } else {
        let mut sudo = Command::new("sudo");
        sudo.arg("apt-get");
        sudo
    };
    command
        .args(arguments)
        .env("DEBIAN_FRONTEND", "noninteractive");
    command
}

/// Each of `packages` with its version, installing the missing ones first.
pub fn ensure_packages(label: &str, packages: &[String]) -> Result<Vec<(String, String)>> {
    let missing: Vec<&str> = packages
        .iter()
        .filter(|package| installed_version(package).is_none())
        .map(String::as_str)
        .collect();
    if !missing.is_empty() {
        if Command::new("dpkg-query")
            .arg("--version")
            .output()
            .is_err()
        {
            bail!(
                "{label} needs the Debian packages {} and this machine has no dpkg: install \
                 their equivalents and retry",
                missing.join(" ")
            );
        }
        eprintln!("{label}: installing Debian packages: {}", missing.join(" "));
        run_quietly(&mut apt_get(&["update", "-qq"]))?;
        let mut install = vec!["install", "-y", "-qq"];
        install.extend(&missing);
        if let Err(error) = run_quietly(&mut apt_get(&install)) {
            bail!(
                "{label}: installing {} failed: {error:#}; install them with apt-get and retry",
                missing.join(" ")
            );
        }
    }
    packages
        .iter()
        .map(|package| match installed_version(package) {
            Some(version) => Ok((package.clone(), version)),
            None => bail!("{label}: the Debian package {package} is still not installed"),
        })
        .collect()
}

/// The first line each toolchain command prints (`cc --version`...), to tell
/// compilers apart.
pub fn describe_toolchain(label: &str, commands: &[String]) -> Result<Vec<(String, String)>> {
    commands
        .iter()
        .map(|line| {
            let mut words = line.split_whitespace();
            let Some(program) = words.next() else {
                bail!("{label}: an empty toolchain command in stacks.toml");
            };
            let output = output_of(Command::new(program).args(words))
                .map_err(|error| anyhow::anyhow!("{label}: `{line}`: {error:#}"))?;
            let first = output.lines().next().unwrap_or_default().trim().to_owned();
            Ok((line.clone(), first))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_toolchain_command_gives_its_first_line() {
        let described = describe_toolchain("t", &["uname -s".to_owned()]).unwrap();
        assert_eq!(described, [("uname -s".to_owned(), "Linux".to_owned())]);
        let error = describe_toolchain("t", &["no-such-compiler --version".to_owned()]);
        assert!(format!("{:#}", error.unwrap_err()).contains("no-such-compiler"));
    }
}
