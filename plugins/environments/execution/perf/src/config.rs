//! The plugin's `config` table: its schema, its defaults and its checks.

use panther_plugin_api::{PluginError, parse_config};
use serde::Deserialize;
use serde_json::{Value, json};

/// The events counted unless the config names others: the software ones, which
/// count everywhere, and the two hardware ones most asked for, which a virtual
/// machine may not support.
const DEFAULT_EVENTS: [&str; 6] = [
    "task-clock",
    "context-switches",
    "cpu-migrations",
    "page-faults",
    "cycles",
    "instructions",
];
/// The shortest interval between two readings taken: perf takes 1 ms, but its manual
/// warns that readings under 100 ms may cost a lot.
const MIN_INTERVAL_MS: u32 = 10;

/// The environment's settings.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    /// The events to count, as `perf list` names them.
    pub events: Vec<String>,
    /// The perf program: a path, or a name on `PATH`.
    pub program: String,
    /// Milliseconds between two readings written to the file (`-I`); 0 writes the
    /// totals once, when the program ends.
    pub interval_ms: u32,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            events: DEFAULT_EVENTS
                .iter()
                .map(|&event| event.to_owned())
                .collect(),
            program: "perf".to_owned(),
            interval_ms: 0,
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

    fn check(&self) -> Result<(), PluginError> {
        if self.events.is_empty() {
            return Err(PluginError::new(
                "config key `events`: the list is empty; name at least one event, e.g. [\"task-clock\"]",
            ));
        }
        if let Some(bad) = self
            .events
            .iter()
            .find(|event| event.is_empty() || event.contains(char::is_whitespace))
        {
            return Err(PluginError::new(format!(
                "config key `events`: '{bad}' is not an event name; write names as `perf list` prints them, e.g. \"task-clock\""
            )));
        }
        if self.program.is_empty() {
            return Err(PluginError::new(
                "config key `program`: the program is empty; write a path or a name on PATH, e.g. \"perf\"",
            ));
        }
        if self.interval_ms > 0 && self.interval_ms < MIN_INTERVAL_MS {
            return Err(PluginError::new(format!(
                "config key `interval_ms`: {} is too short; write 0 (the totals at the end only) or at least {MIN_INTERVAL_MS} milliseconds",
                self.interval_ms
            )));
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
            "events": {
                "type": "array",
                "items": { "type": "string" },
                "description": "the events perf stat counts, as `perf list` names them",
                "default": DEFAULT_EVENTS,
                "minItems": 1
            },
            "program": {
                "type": "string",
                "description": "the perf program, a path or a name on PATH",
                "default": "perf",
                "minLength": 1
            },
            "interval_ms": {
                "type": "integer",
                "description": "milliseconds between two readings written as the program runs, so that a service the host stops keeps its counts up to the last reading; 0 writes the totals once, when the program ends (perf ends with a service the host stops, before writing them)",
                "default": 0,
                "minimum": 0
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
        assert_eq!(Config::default().events, DEFAULT_EVENTS);
    }

    #[test]
    fn reads_every_key() {
        let config = Config::parse(&json!({
            "events": ["task-clock", "cpu/event=0x3c,umask=0x00/"],
            "program": "/usr/bin/perf",
            "interval_ms": 500
        }))
        .unwrap();
        assert_eq!(
            config,
            Config {
                events: vec![
                    "task-clock".to_owned(),
                    "cpu/event=0x3c,umask=0x00/".to_owned()
                ],
                program: "/usr/bin/perf".to_owned(),
                interval_ms: 500,
            }
        );
    }

    #[test]
    fn names_the_key_at_fault() {
        let error = Config::parse(&json!({"event": ["cycles"]})).unwrap_err();
        assert!(
            error
                .message()
                .starts_with("config key `event`: unknown field"),
            "{error}"
        );
        let error = Config::parse(&json!({"events": "cycles"})).unwrap_err();
        assert!(
            error
                .message()
                .starts_with("config key `events`: invalid type"),
            "{error}"
        );
        let error = Config::parse(&json!({"events": []})).unwrap_err();
        assert_eq!(
            error.message(),
            "config key `events`: the list is empty; name at least one event, e.g. [\"task-clock\"]"
        );
        let error = Config::parse(&json!({"events": ["task clock"]})).unwrap_err();
        assert_eq!(
            error.message(),
            "config key `events`: 'task clock' is not an event name; write names as `perf list` prints them, e.g. \"task-clock\""
        );
        let error = Config::parse(&json!({"program": ""})).unwrap_err();
        assert_eq!(
            error.message(),
            "config key `program`: the program is empty; write a path or a name on PATH, e.g. \"perf\""
        );
        let error = Config::parse(&json!({"interval_ms": 5})).unwrap_err();
        assert_eq!(
            error.message(),
            "config key `interval_ms`: 5 is too short; write 0 (the totals at the end only) or at least 10 milliseconds"
        );
        let error = Config::parse(&json!({"interval_ms": -1})).unwrap_err();
        assert!(
            error
                .message()
                .starts_with("config key `interval_ms`: invalid value"),
            "{error}"
        );
    }

    #[test]
    fn the_schema_defaults_are_the_config_defaults() {
        assert_schema_defaults_parse_to_default(
            &schema(),
            &["events", "program", "interval_ms"],
            Config::parse,
        );
    }
}
