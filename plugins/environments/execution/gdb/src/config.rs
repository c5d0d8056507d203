//! The plugin's `config` table: its schema, its defaults and its checks.

use panther_plugin_api::{PluginError, parse_config};
use serde::Deserialize;
use serde_json::{Value, json};

/// The environment's settings.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    /// The gdb program: a path, or a name on `PATH`.
    pub program: String,
    /// Whether a crash fails the test.
    pub fail_on_crash: bool,
    /// The gdb commands run when the program crashes, their output in the log.
    pub commands: Vec<String>,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            program: "gdb".to_owned(),
            fail_on_crash: true,
            commands: vec!["bt full".to_owned()],
        }
    }
}

impl Config {
    /// Reads the `config` table (absent means every default); an error names the
    /// key at fault.
    pub fn parse(value: &Value) -> Result<Self, PluginError> {
        let config: Self = parse_config(value)?;
        config.check()?;
        Ok(config)
    }

    /// Refuses an empty program and commands gdb would not read as one line.
    fn check(&self) -> Result<(), PluginError> {
        if self.program.is_empty() {
            return Err(PluginError::new(
                "config key `program`: an empty name; write \"gdb\" or the path of a gdb program",
            ));
        }
        for command in &self.commands {
            if command.trim().is_empty() {
                return Err(PluginError::new(
                    "config key `commands`: an empty command; write gdb commands such as \"bt full\" or \"info registers\"",
                ));
            }
            if command.contains(['\n', '\r']) {
                return Err(PluginError::new(format!(
                    "config key `commands`: {command:?} spans several lines; write one gdb command per item"
                )));
            }
        }
        Ok(())
    }
}

/// The JSON Schema of the `config` table.
pub fn schema() -> Value {
    json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "type": "object",
        "properties": {
            "program": {
                "type": "string",
                "description": "the gdb program, a path or a name on PATH",
                "default": "gdb"
            },
            "fail_on_crash": {
                "type": "boolean",
                "description": "whether a crash of the program (SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT, SIGSYS) fails the test",
                "default": true
            },
            "commands": {
                "type": "array",
                "items": { "type": "string" },
                "description": "gdb commands run when the program crashes, their output in gdb.log (\"thread apply all bt full\", \"info registers\")",
                "default": ["bt full"]
            }
        },
        "additionalProperties": false
    })
}

#[cfg(test)]
mod tests {
    use panther_execution_testing::config_schema::{
        assert_absent_or_empty_parse_to_default, assert_schema_defaults_parse_to_default,
    };

    use super::*;

    #[test]
    fn an_absent_or_empty_config_takes_the_defaults() {
        assert_absent_or_empty_parse_to_default(Config::parse);
    }

    #[test]
    fn reads_every_key() {
        let config = Config::parse(&json!({
            "program": "/opt/gdb/bin/gdb",
            "fail_on_crash": false,
            "commands": ["thread apply all bt", "info registers"]
        }))
        .unwrap();
        assert_eq!(
            config,
            Config {
                program: "/opt/gdb/bin/gdb".to_owned(),
                fail_on_crash: false,
                commands: vec![
                    "thread apply all bt".to_owned(),
                    "info registers".to_owned()
                ],
            }
        );
    }

    #[test]
    fn names_the_key_at_fault() {
        let message = |config: Value| Config::parse(&config).unwrap_err().to_string();
        assert!(
            message(json!({"backtrace": true}))
                .starts_with("config key `backtrace`: unknown field"),
        );
        assert!(
            message(json!({"commands": "bt"})).starts_with("config key `commands`: invalid type"),
        );
        assert_eq!(
            message(json!({"program": ""})),
            "config key `program`: an empty name; write \"gdb\" or the path of a gdb program"
        );
        assert_eq!(
            message(json!({"commands": ["bt", " "]})),
            "config key `commands`: an empty command; write gdb commands such as \"bt full\" or \"info registers\""
        );
        assert_eq!(
            message(json!({"commands": ["bt\nkill"]})),
            "config key `commands`: \"bt\\nkill\" spans several lines; write one gdb command per item"
        );
    }

    #[test]
    fn the_schema_defaults_are_the_defaults() {
        assert_schema_defaults_parse_to_default(
            &schema(),
            &["program", "fail_on_crash", "commands"],
            Config::parse,
        );
    }
}
