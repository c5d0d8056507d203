//! The settings every valgrind tool takes: their schema, their defaults and their checks.

use std::path::Path;

use panther_plugin_api::{PluginError, parse_config};
use serde::Deserialize;
use serde_json::{Map, Value, json};

/// The most frames valgrind records in a stack.
const MAX_CALLERS: u32 = 500;

/// The options of valgrind itself that the environment sets, which `extra_args` must
/// not set again: they decide where and how the report is written.
const RESERVED_OPTIONS: [&str; 8] = [
    "--tool",
    "--xml",
    "--xml-file",
    "--xml-fd",
    "--xml-socket",
    "--log-file",
    "--log-fd",
    "--log-socket",
];

/// The settings shared by the valgrind tools.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Options {
    /// The valgrind program: a path, or a name on `PATH`.
    pub program: String,
    /// Whether valgrind follows the programs the service executes. Off by default:
    /// valgrind is placed right around the service's program (other environments and
    /// the network's prefix wrap it from outside), so the program it starts is the
    /// service; following children would also check every helper the service runs
    /// (shells, system tools), slower, and fail the test on their errors.
    pub trace_children: bool,
    /// How many frames valgrind records in each stack.
    pub num_callers: u32,
    /// Suppression files, as absolute paths.
    pub suppressions: Vec<String>,
    /// More valgrind options, placed after the environment's own.
    pub extra_args: Vec<String>,
    /// Whether the errors valgrind reports fail the test.
    pub fail_on_errors: bool,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            program: "valgrind".to_owned(),
            trace_children: false,
            num_callers: 30,
            suppressions: Vec::new(),
            extra_args: Vec::new(),
            fail_on_errors: true,
        }
    }
}

impl Options {
    /// Reads the shared keys of `config` (absent means every default), and returns them
    /// with the table of the keys the tool reads itself, `tool_keys` (`null` when
    /// `config` is absent), for the tool to read. An error names the key at fault.
    pub fn parse(config: &Value, tool_keys: &[&str]) -> Result<(Self, Value), PluginError> {
        let (shared, own) = match config {
            Value::Object(table) => {
                refuse_unknown_keys(table, tool_keys)?;
                let (own, shared): (Map<String, Value>, Map<String, Value>) = table
                    .clone()
                    .into_iter()
                    .partition(|(key, _)| tool_keys.contains(&key.as_str()));
                (Value::Object(shared), Value::Object(own))
            }
            other => (other.clone(), Value::Null),
        };
        let options: Self = parse_config(&shared)?;
        options.check()?;
        Ok((options, own))
    }

    /// Refuses values valgrind would not take or that would break the report.
    fn check(&self) -> Result<(), PluginError> {
        if self.program.is_empty() {
            return Err(PluginError::new(
                "config key `program`: an empty name; write \"valgrind\" or the path of a valgrind program",
            ));
        }
        if !(1..=MAX_CALLERS).contains(&self.num_callers) {
            return Err(PluginError::new(format!(
                "config key `num_callers`: {} is out of range; write a number of frames from 1 to {MAX_CALLERS}",
                self.num_callers
            )));
        }
        for file in &self.suppressions {
            if !Path::new(file).is_absolute() {
                return Err(PluginError::new(format!(
                    "config key `suppressions`: '{file}' is not an absolute path; write the full path of a valgrind suppressions file"
                )));
            }
        }
        for argument in &self.extra_args {
            check_extra_argument(argument)?;
        }
        Ok(())
    }
}

/// Refuses an extra argument that is not an option, or that sets what the environment
/// sets itself.
fn check_extra_argument(argument: &str) -> Result<(), PluginError> {
    if !argument.starts_with('-') {
        return Err(PluginError::new(format!(
            "config key `extra_args`: '{argument}' is not an option, and valgrind would run it as the program; write options such as \"--track-origins=yes\""
        )));
    }
    let name = argument.split_once('=').map_or(argument, |(name, _)| name);
    if RESERVED_OPTIONS.contains(&name) {
        return Err(PluginError::new(format!(
            "config key `extra_args`: '{argument}' would change how valgrind reports; the environment sets {} itself",
            RESERVED_OPTIONS.join(", ")
        )));
    }
    Ok(())
}

/// Refuses a key that neither the shared settings nor the tool know, listing both.
fn refuse_unknown_keys(table: &Map<String, Value>, tool_keys: &[&str]) -> Result<(), PluginError> {
    let properties = schema_properties();
    // Sorted here: a map's order depends on serde_json's features in the build.
    let mut shared: Vec<&str> = properties.keys().map(String::as_str).collect();
    shared.sort_unstable();
    let known = || shared.iter().copied().chain(tool_keys.iter().copied());
    match table.keys().find(|key| !known().any(|known| known == *key)) {
        Some(key) => Err(PluginError::new(format!(
            "config key `{key}`: unknown setting; the settings are {}",
            known().collect::<Vec<_>>().join(", ")
        ))),
        None => Ok(()),
    }
}

/// The JSON Schema of a tool's `config` table: the shared settings and the tool's own
/// `properties`.
pub fn schema(tool_properties: Map<String, Value>) -> Value {
    let mut properties = schema_properties();
    properties.extend(tool_properties);
    json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "type": "object",
        "properties": properties,
        "additionalProperties": false
    })
}

/// The schema of each shared setting.
fn schema_properties() -> Map<String, Value> {
    let properties = [
        (
            "program",
            json!({
                "type": "string",
                "description": "the valgrind program, a path or a name on PATH",
                "default": "valgrind"
            }),
        ),
        (
            "trace_children",
            json!({
                "type": "boolean",
                "description": "also check the programs the service executes (a service started by a script); off, valgrind checks the service's program alone",
                "default": false
            }),
        ),
        (
            "num_callers",
            json!({
                "type": "integer",
                "description": "how many frames valgrind records in each stack, from 1 to 500",
                "default": 30
            }),
        ),
        (
            "suppressions",
            json!({
                "type": "array",
                "items": { "type": "string" },
                "description": "valgrind suppression files, as absolute paths",
                "default": []
            }),
        ),
        (
            "extra_args",
            json!({
                "type": "array",
                "items": { "type": "string" },
                "description": "more valgrind options, after the environment's own (\"--track-origins=yes\")",
                "default": []
            }),
        ),
        (
            "fail_on_errors",
            json!({
                "type": "boolean",
                "description": "whether the errors valgrind reports fail the test",
                "default": true
            }),
        ),
    ];
    properties
        .into_iter()
        .map(|(key, property)| (key.to_owned(), property))
        .collect()
}

#[cfg(test)]
mod tests {
    use panther_execution_testing::config_schema::{
        assert_absent_or_empty_parse_to_default, assert_schema_defaults_parse_to_default,
    };

    use super::*;

    /// The shared settings of `config`, the tool reading `tool_keys`.
    fn shared(config: &Value, tool_keys: &[&str]) -> Result<Options, PluginError> {
        Options::parse(config, tool_keys).map(|(options, _)| options)
    }

    #[test]
    fn an_absent_or_empty_config_takes_the_defaults() {
        assert_absent_or_empty_parse_to_default(|config| shared(config, &[]));
    }

    #[test]
    fn reads_every_key_and_leaves_the_tool_keys_to_the_tool() {
        let (options, own) = Options::parse(
            &json!({
                "program": "/opt/valgrind/bin/valgrind",
                "trace_children": true,
                "num_callers": 12,
                "suppressions": ["/etc/server.supp"],
                "extra_args": ["--track-origins=yes"],
                "fail_on_errors": false,
                "leak_check": "no"
            }),
            &["leak_check"],
        )
        .unwrap();
        assert_eq!(
            options,
            Options {
                program: "/opt/valgrind/bin/valgrind".to_owned(),
                trace_children: true,
                num_callers: 12,
                suppressions: vec!["/etc/server.supp".to_owned()],
                extra_args: vec!["--track-origins=yes".to_owned()],
                fail_on_errors: false,
            }
        );
        assert_eq!(own, json!({"leak_check": "no"}));
        let (_, absent) = Options::parse(&Value::Null, &["leak_check"]).unwrap();
        assert_eq!(absent, Value::Null);
    }

    #[test]
    fn names_the_key_at_fault() {
        let error = shared(&json!({"colour": 1}), &["leak_check"]).unwrap_err();
        assert_eq!(
            error.message(),
            "config key `colour`: unknown setting; the settings are extra_args, fail_on_errors, num_callers, program, suppressions, trace_children, leak_check"
        );
        let error = shared(&json!({"trace_children": "yes"}), &[]).unwrap_err();
        assert!(
            error
                .message()
                .starts_with("config key `trace_children`: invalid type"),
            "{error}"
        );
        assert!(shared(&json!([1]), &[]).is_err());
    }

    #[test]
    fn refuses_values_valgrind_would_not_take() {
        let message = |config: Value| shared(&config, &[]).unwrap_err().to_string();
        assert_eq!(
            message(json!({"program": ""})),
            "config key `program`: an empty name; write \"valgrind\" or the path of a valgrind program"
        );
        assert_eq!(
            message(json!({"num_callers": 0})),
            "config key `num_callers`: 0 is out of range; write a number of frames from 1 to 500"
        );
        assert_eq!(
            message(json!({"num_callers": 501})),
            "config key `num_callers`: 501 is out of range; write a number of frames from 1 to 500"
        );
        assert_eq!(
            message(json!({"suppressions": ["server.supp"]})),
            "config key `suppressions`: 'server.supp' is not an absolute path; write the full path of a valgrind suppressions file"
        );
        assert_eq!(
            message(json!({"extra_args": ["./server"]})),
            "config key `extra_args`: './server' is not an option, and valgrind would run it as the program; write options such as \"--track-origins=yes\""
        );
        assert_eq!(
            message(json!({"extra_args": ["--xml=no"]})),
            "config key `extra_args`: '--xml=no' would change how valgrind reports; the environment sets --tool, --xml, --xml-file, --xml-fd, --xml-socket, --log-file, --log-fd, --log-socket itself"
        );
    }

    #[test]
    fn the_schema_defaults_are_the_defaults() {
        assert_schema_defaults_parse_to_default(
            &schema(Map::new()),
            &[
                "program",
                "trace_children",
                "num_callers",
                "suppressions",
                "extra_args",
                "fail_on_errors",
            ],
            |config| shared(config, &[]),
        );
    }
}
