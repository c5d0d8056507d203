use std::collections::BTreeMap;
use std::path::PathBuf;

use serde::{Deserialize, Serialize};

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
}

/// A file the host writes before anything starts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileSpec {
    /// Where to write it.
    pub path: PathBuf,
    /// Its whole content.
    pub contents: String,
}
