use std::collections::BTreeMap;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::PluginError;

/// A program to run: an argv, never a shell string, with its environment and directory.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CommandSpec {
    /// The program: a path, or a name looked up on `PATH`.
    pub program: String,
    /// The arguments, each passed as it is.
    #[serde(default)]
    pub args: Vec<String>,
    /// Variables added to the environment the host gives the program.
    #[serde(default)]
    pub env: BTreeMap<String, String>,
    /// The working directory; the service's output directory when absent.
    #[serde(default)]
    pub cwd: Option<PathBuf>,
}

impl CommandSpec {
    /// A command running `program` with `args` and nothing else set.
    pub fn new<I, S>(program: impl Into<String>, args: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        Self {
            program: program.into(),
            args: args.into_iter().map(Into::into).collect(),
            env: BTreeMap::new(),
            cwd: None,
        }
    }

    /// The same command with one more environment variable.
    pub fn with_env(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.env.insert(key.into(), value.into());
        self
    }

    /// The command as one line a shell would run the same way: its variables as
    /// `KEY=VALUE` words, then its argv, each word quoted by [`shell_word`]; its
    /// working directory is left out.
    pub fn shell_line(&self) -> String {
        let variables = self
            .env
            .iter()
            .map(|(key, value)| shell_word(&format!("{key}={value}")));
        let argv = std::iter::once(&self.program)
            .chain(&self.args)
            .map(|word| shell_word(word));
        variables.chain(argv).collect::<Vec<_>>().join(" ")
    }

    /// Where the bare name `program` is found on the `PATH` this command gets (its own
    /// `PATH` variable, else the host's): the first executable file of that name in its
    /// directories, as starting a program looks. Nothing for a name found nowhere, or
    /// for a path (a name holding `/`), which is not looked up.
    pub fn find_on_path(&self, program: &str) -> Option<PathBuf> {
        if program.contains('/') {
            return None;
        }
        let path = match self.env.get("PATH") {
            Some(path) => path.into(),
            None => std::env::var_os("PATH")?,
        };
        std::env::split_paths(&path)
            .map(|directory| directory.join(program))
            .find(|candidate| is_executable(candidate))
    }
}

/// `word` as a shell reads it back: as it is when it holds only characters a shell
/// takes literally, else in single quotes.
pub fn shell_word(word: &str) -> String {
    let plain = !word.is_empty()
        && word
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_=/.,:@%+[]".contains(c));
    if plain {
        word.to_owned()
    } else {
        format!("'{}'", word.replace('\'', r"'\''"))
    }
}

/// Whether `path` is a file (following links) with an execute bit set.
fn is_executable(path: &Path) -> bool {
    std::fs::metadata(path)
        .is_ok_and(|metadata| metadata.is_file() && metadata.permissions().mode() & 0o111 != 0)
}

/// A path as one argument of a command (or the value of a variable), which must be
/// UTF-8.
pub fn path_argument(path: &Path) -> Result<String, PluginError> {
    path.to_str()
        .map(str::to_owned)
        .ok_or_else(|| PluginError::new(format!("the path {} is not UTF-8", path.display())))
}

/// A file the host writes before anything starts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileSpec {
    /// Where to write it.
    pub path: PathBuf,
    /// Its whole content.
    pub contents: String,
}

#[cfg(test)]
mod tests {
    use std::ffi::OsStr;
    use std::fs;
    use std::os::unix::ffi::OsStrExt;

    use super::*;

    /// A fresh directory of its own under the system's temporary directory, removed
    /// when dropped.
    struct Scratch(PathBuf);

    impl Scratch {
        fn new(name: &str) -> Self {
            let path = std::env::temp_dir()
                .join(format!("panther-plugin-api-{name}-{}", std::process::id()));
            let _ = fs::remove_dir_all(&path);
            fs::create_dir_all(&path).unwrap();
            Self(path)
        }

        /// A file `name` in it, with these permission bits.
        fn file(&self, name: &str, mode: u32) -> PathBuf {
            let file = self.0.join(name);
            fs::write(&file, b"").unwrap();
            fs::set_permissions(&file, fs::Permissions::from_mode(mode)).unwrap();
            file
        }
    }

    impl Drop for Scratch {
        fn drop(&mut self) {
            let _ = fs::remove_dir_all(&self.0);
        }
    }

    /// A command whose `PATH` is these directories.
    fn with_path(directories: &[&Path]) -> CommandSpec {
        let path = std::env::join_paths(directories).unwrap();
        CommandSpec::new("/opt/server", Vec::<String>::new())
            .with_env("PATH", path.into_string().unwrap())
    }

    #[test]
    fn a_word_is_quoted_only_when_a_shell_would_split_or_expand_it() {
        assert_eq!(shell_word("--port=4443"), "--port=4443");
        assert_eq!(shell_word("a b"), "'a b'");
        assert_eq!(shell_word("it's"), r"'it'\''s'");
        assert_eq!(shell_word(""), "''");
        let command = CommandSpec::new(
            "/bin/sh",
            ["-c", "echo 'hi' $HOME", "", "a=b,c:d@e%f+g", "[::1]:443"],
        );
        assert_eq!(
            command.shell_line(),
            r#"/bin/sh -c 'echo '\''hi'\'' $HOME' '' a=b,c:d@e%f+g [::1]:443"#
        );
    }

    #[test]
    fn a_shell_line_gives_the_environment_first() {
        let command = CommandSpec::new("/usr/bin/env", ["-0"])
            .with_env("RUST_LOG", "info")
            .with_env("GREETING", "hi there");
        assert_eq!(
            command.shell_line(),
            "'GREETING=hi there' RUST_LOG=info /usr/bin/env -0"
        );
    }

    #[test]
    fn finds_a_name_on_the_commands_path() {
        let skipped = Scratch::new("skipped");
        let holding = Scratch::new("holding");
        fs::create_dir(skipped.0.join("tool")).unwrap();
        let tool = holding.file("tool", 0o755);
        let after_a_directory = with_path(&[&skipped.0, &holding.0]);
        assert_eq!(after_a_directory.find_on_path("tool"), Some(tool.clone()));
        let first = with_path(&[&holding.0, Path::new("/usr/bin")]);
        assert_eq!(first.find_on_path("tool"), Some(tool));
    }

    #[test]
    fn skips_a_file_that_is_not_executable() {
        let plain = Scratch::new("plain");
        let executable = Scratch::new("executable");
        plain.file("tool", 0o644);
        let tool = executable.file("tool", 0o700);
        let command = with_path(&[&plain.0, &executable.0]);
        assert_eq!(command.find_on_path("tool"), Some(tool));
        assert_eq!(with_path(&[&plain.0]).find_on_path("tool"), None);
    }

    #[test]
    fn looks_up_names_only() {
        let holding = Scratch::new("names");
        holding.file("tool", 0o755);
        let command = with_path(&[&holding.0]);
        assert_eq!(command.find_on_path("missing"), None);
        assert_eq!(command.find_on_path("./tool"), None);
        assert_eq!(
            command.find_on_path(holding.0.join("tool").to_str().unwrap()),
            None
        );
    }

    #[test]
    fn a_path_argument_is_utf8() {
        assert_eq!(
            path_argument(Path::new("/run/test/a b")).unwrap(),
            "/run/test/a b"
        );
        let path = Path::new(OsStr::from_bytes(b"/run/\xff"));
        assert_eq!(
            path_argument(path).unwrap_err().message(),
            "the path /run/\u{fffd} is not UTF-8"
        );
    }
}
