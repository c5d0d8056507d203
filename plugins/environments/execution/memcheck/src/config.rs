//! The plugin's `config` table: valgrind's shared settings and memcheck's leak check.

use panther_plugin_api::{PluginError, parse_config};
use panther_valgrind::Options;
use serde::Deserialize;
use serde_json::{Map, Value, json};

/// The keys memcheck reads itself; the others are valgrind's shared settings.
const LEAK_KEYS: [&str; 2] = ["leak_check", "leak_kinds"];

/// The kinds of leak memcheck can report.
const LEAK_KINDS: [&str; 4] = ["definite", "indirect", "possible", "reachable"];

/// The environment's settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Config {
    /// The settings every valgrind tool takes.
    pub options: Options,
    /// Whether memcheck looks for leaks when the program ends.
    pub leak_check: bool,
    /// The kinds of leak reported, each an error.
    pub leak_kinds: Vec<String>,
}

impl Default for Config {
    fn default() -> Self {
        let leak = Leak::default();
        Self {
            options: Options::default(),
            leak_check: true,
            leak_kinds: leak.leak_kinds,
        }
    }
}

/// Memcheck's own keys, as written.
#[derive(Debug, Deserialize)]
#[serde(default)]
struct Leak {
    leak_check: String,
    leak_kinds: Vec<String>,
}

impl Default for Leak {
    fn default() -> Self {
        Self {
            leak_check: "full".to_owned(),
            leak_kinds: vec!["definite".to_owned()],
        }
    }
}

impl Config {
    /// Reads the `config` table (absent means every default); an error names the
    /// key at fault.
    pub fn parse(value: &Value) -> Result<Self, PluginError> {
        let (options, own) = Options::parse(value, &LEAK_KEYS)?;
        let leak: Leak = parse_config(&own)?;
        Ok(Self {
            options,
            leak_check: leak_check(&leak.leak_check)?,
            leak_kinds: leak_kinds(leak.leak_kinds)?,
        })
    }

    /// Memcheck's options on valgrind's command line.
    pub fn tool_args(&self) -> Vec<String> {
        if !self.leak_check {
            return vec!["--leak-check=no".to_owned()];
        }
        let kinds = self.leak_kinds.join(",");
        vec![
            "--leak-check=full".to_owned(),
            format!("--show-leak-kinds={kinds}"),
            format!("--errors-for-leak-kinds={kinds}"),
        ]
    }
}

/// Whether to check for leaks: `full` or `no`.
fn leak_check(value: &str) -> Result<bool, PluginError> {
    match value {
        "full" => Ok(true),
        "no" => Ok(false),
        "summary" => Err(PluginError::new(
            "config key `leak_check`: 'summary' is not offered, since valgrind's XML report lists every leak anyway; write \"full\" or \"no\"",
        )),
        other => Err(PluginError::new(format!(
            "config key `leak_check`: '{other}' is not a leak check; write \"full\" or \"no\""
        ))),
    }
}

/// The kinds of leak to report: some of `definite`, `indirect`, `possible`,
/// `reachable`.
fn leak_kinds(kinds: Vec<String>) -> Result<Vec<String>, PluginError> {
    let accepted = || {
        LEAK_KINDS
            .iter()
            .map(|kind| format!("\"{kind}\""))
            .collect::<Vec<_>>()
            .join(", ")
    };
    if kinds.is_empty() {
        return Err(PluginError::new(format!(
            "config key `leak_kinds`: an empty list; write some of {}, or set leak_check = \"no\"",
            accepted()
        )));
    }
    if let Some(unknown) = kinds
        .iter()
        .find(|kind| !LEAK_KINDS.contains(&kind.as_str()))
    {
        return Err(PluginError::new(format!(
            "config key `leak_kinds`: '{unknown}' is not a kind of leak; write some of {}",
            accepted()
        )));
    }
    Ok(kinds)
}

/// The JSON Schema of the `config` table.
pub fn schema() -> Value {
    let own = [
        (
            "leak_check",
            json!({
                "type": "string",
                "description": "\"full\" looks for leaks when the program ends, \"no\" does not",
                "default": "full"
            }),
        ),
        (
            "leak_kinds",
            json!({
                "type": "array",
                "items": { "type": "string" },
                "description": "the kinds of leak reported, each an error: some of \"definite\", \"indirect\", \"possible\", \"reachable\"",
                "default": ["definite"]
            }),
        ),
    ];
    panther_valgrind::schema(
        own.into_iter()
            .map(|(key, property)| (key.to_owned(), property))
            .collect::<Map<_, _>>(),
    )
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
        assert_eq!(
            Config::default().tool_args(),
            [
                "--leak-check=full",
                "--show-leak-kinds=definite",
                "--errors-for-leak-kinds=definite"
            ]
        );
    }

    #[test]
    fn reads_the_leak_keys_and_the_shared_ones() {
        let config = Config::parse(&json!({
            "leak_kinds": ["definite", "possible"],
            "num_callers": 8
        }))
        .unwrap();
        assert_eq!(config.options.num_callers, 8);
        assert_eq!(
            config.tool_args(),
            [
                "--leak-check=full",
                "--show-leak-kinds=definite,possible",
                "--errors-for-leak-kinds=definite,possible"
            ]
        );
        let off = Config::parse(&json!({"leak_check": "no"})).unwrap();
        assert_eq!(off.tool_args(), ["--leak-check=no"]);
    }

    #[test]
    fn names_the_key_at_fault() {
        let message = |config: Value| Config::parse(&config).unwrap_err().to_string();
        assert_eq!(
            message(json!({"leak_check": "summary"})),
            "config key `leak_check`: 'summary' is not offered, since valgrind's XML report lists every leak anyway; write \"full\" or \"no\""
        );
        assert_eq!(
            message(json!({"leak_check": "yes"})),
            "config key `leak_check`: 'yes' is not a leak check; write \"full\" or \"no\""
        );
        assert_eq!(
            message(json!({"leak_kinds": ["definite", "lost"]})),
            "config key `leak_kinds`: 'lost' is not a kind of leak; write some of \"definite\", \"indirect\", \"possible\", \"reachable\""
        );
        assert_eq!(
            message(json!({"leak_kinds": []})),
            "config key `leak_kinds`: an empty list; write some of \"definite\", \"indirect\", \"possible\", \"reachable\", or set leak_check = \"no\""
        );
        assert!(
            message(json!({"leak_check": true}))
                .starts_with("config key `leak_check`: invalid type"),
        );
        assert_eq!(
            message(json!({"leaks": "full"})),
            "config key `leaks`: unknown setting; the settings are extra_args, fail_on_errors, num_callers, program, suppressions, trace_children, leak_check, leak_kinds"
        );
    }

    #[test]
    fn the_schema_defaults_are_the_defaults() {
        assert_schema_defaults_parse_to_default(
            &schema(),
            &[
                "program",
                "trace_children",
                "num_callers",
                "suppressions",
                "extra_args",
                "fail_on_errors",
                "leak_check",
                "leak_kinds",
            ],
            Config::parse,
        );
    }
}
