//! The commands run around the compose file: the checks that the engine and compose
//! are there, `up` (the launcher), and `down` (the teardown).
//!
//! Every flag used exists in Compose v1 (`docker-compose` 1.29) and v2
//! (`docker compose`): `-f`, `-p`, `up --abort-on-container-exit --no-color`, `down
//! --volumes --remove-orphans --timeout`.

use std::path::{Path, PathBuf};

use panther_plugin_api::PluginError;
use panther_plugin_api::model::path_argument;
use panther_plugin_api::model::{CommandSpec, Probe};

use crate::config::{Config, default_image};
use crate::names;

/// The compose file's name in the test's directory.
const FILE_NAME: &str = "docker-compose.yml";

/// One test's compose project: its file and its name.
pub struct Project<'a> {
    compose: &'a [String],
    file: PathBuf,
    name: String,
}

impl<'a> Project<'a> {
    /// The project of test instance `instance`, with its file in `directory`.
    pub fn new(config: &'a Config, directory: &Path, instance: &str) -> Self {
        Self {
            compose: &config.compose,
            file: directory.join(FILE_NAME),
            name: names::project(instance),
        }
    }

    /// Where the compose file goes.
    pub fn file(&self) -> &Path {
        &self.file
    }

    /// `COMPOSE -f FILE -p PROJECT up ...`: runs every container, attached, until one
    /// of them ends, then stops the others.
    pub fn up(&self) -> Result<CommandSpec, PluginError> {
        self.command(&["up", "--abort-on-container-exit", "--no-color"])
    }

    /// `COMPOSE -f FILE -p PROJECT down ...`: removes the containers and the network,
    /// and does nothing when none is there.
    pub fn down(&self) -> Result<CommandSpec, PluginError> {
        self.command(&["down", "--volumes", "--remove-orphans", "--timeout", "2"])
    }

    fn command(&self, verb: &[&str]) -> Result<CommandSpec, PluginError> {
        let mut args: Vec<String> = self.compose[1..].to_vec();
        args.extend([
            "-f".to_owned(),
            path_argument(&self.file)?,
            "-p".to_owned(),
            self.name.clone(),
        ]);
        args.extend(verb.iter().map(|word| (*word).to_owned()));
        Ok(CommandSpec::new(self.compose[0].clone(), args))
    }
}

/// The checks run before a test: a Docker engine answers, compose runs, and the
/// engine has the image the containers run.
///
/// The engine is asked through the Docker client the compose command belongs to (the
/// words before `compose` in `docker compose`), or `docker` for a standalone
/// `docker-compose`.
pub fn probes(config: &Config) -> Vec<Probe> {
    let client = match config.compose.split_last() {
        Some((last, client)) if last == "compose" && !client.is_empty() => client.to_vec(),
        _ => vec!["docker".to_owned()],
    };
    let engine = |args: &[&str]| {
        let mut words: Vec<String> = client[1..].to_vec();
        words.extend(args.iter().map(|word| (*word).to_owned()));
        CommandSpec::new(client[0].clone(), words)
    };
    let mut compose_args: Vec<String> = config.compose[1..].to_vec();
    compose_args.push("version".to_owned());
    let image_how_to_get = if config.image == default_image() {
        "run scripts/start-docker, which builds it".to_owned()
    } else {
        format!(
            "build it (`docker build -t {0} ...`) or load it (`docker load`), or drop the \
             config key `image` to use the default one",
            config.image
        )
    };
    vec![
        Probe {
            command: engine(&["info", "--format", "{{.ServerVersion}}"]),
            what: "a Docker engine".to_owned(),
            how_to_get: "run scripts/start-docker (it installs Debian's docker.io and \
                         starts dockerd), or start the Docker daemon yourself"
                .to_owned(),
        },
        Probe {
            command: CommandSpec::new(config.compose[0].clone(), compose_args),
            what: format!("Docker Compose (`{}`)", config.compose.join(" ")),
            how_to_get: "run scripts/start-docker (it installs Debian's docker-compose), or \
                         set the config key `compose` to the command you have, e.g. \
                         [\"docker\", \"compose\"]"
                .to_owned(),
        },
        Probe {
            command: engine(&["image", "inspect", "--format", "{{.Id}}", &config.image]),
            what: format!("the image `{}`", config.image),
            how_to_get: image_how_to_get,
        },
    ]
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn config(value: serde_json::Value) -> Config {
        Config::parse(&value).unwrap()
    }

    #[test]
    fn up_and_down_name_the_file_and_the_project() {
        let config = config(json!({"compose": ["docker", "compose"]}));
        let project = Project::new(&config, Path::new("/run/t"), "Run-1");
        assert_eq!(project.file(), Path::new("/run/t/docker-compose.yml"));
        let up = project.up().unwrap();
        assert_eq!(up.program, "docker");
        assert_eq!(
            up.args,
            [
                "compose",
                "-f",
                "/run/t/docker-compose.yml",
                "-p",
                "run-1",
                "up",
                "--abort-on-container-exit",
                "--no-color"
            ]
        );
        let down = project.down().unwrap();
        assert_eq!(
            down.args[5..],
            ["down", "--volumes", "--remove-orphans", "--timeout", "2"]
        );
    }

    #[test]
    fn a_standalone_compose_is_the_program() {
        let config = config(json!({"compose": ["docker-compose"]}));
        let up = Project::new(&config, Path::new("/t"), "x").up().unwrap();
        assert_eq!(up.program, "docker-compose");
        assert_eq!(up.args[..4], ["-f", "/t/docker-compose.yml", "-p", "x"]);
    }

    #[test]
    fn the_engine_is_asked_through_the_compose_client() {
        let v2 = config(json!({"compose": ["docker", "compose"]}));
        let [engine, compose, image] = probes(&v2).try_into().unwrap();
        assert_eq!(engine.command.program, "docker");
        assert_eq!(
            engine.command.args,
            ["info", "--format", "{{.ServerVersion}}"]
        );
        assert_eq!(engine.what, "a Docker engine");
        assert_eq!(compose.command.program, "docker");
        assert_eq!(compose.command.args, ["compose", "version"]);
        assert_eq!(image.command.args[..2], ["image", "inspect"]);
        assert_eq!(image.command.args.last(), Some(&default_image()));
        assert_eq!(
            image.how_to_get,
            "run scripts/start-docker, which builds it"
        );

        let sudo = probes(&config(json!({"compose": ["sudo", "docker", "compose"]})));
        assert_eq!(sudo[0].command.program, "sudo");
        assert_eq!(sudo[0].command.args[..2], ["docker", "info"]);

        let standalone = probes(&config(json!({"compose": ["docker-compose"]})));
        assert_eq!(standalone[0].command.program, "docker");
        assert_eq!(standalone[1].command.program, "docker-compose");
        assert_eq!(standalone[1].command.args, ["version"]);

        let own = probes(&config(json!({"image": "my-stack:1"})));
        assert_eq!(own[2].what, "the image `my-stack:1`");
        assert!(
            own[2]
                .how_to_get
                .starts_with("build it (`docker build -t my-stack:1")
        );
    }
}
