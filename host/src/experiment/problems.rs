//! Problems found in an experiment file, each shown as `file:line:col: key: problem`.

use jsonschema::error::ValidationErrorKind;
use serde_json::Value;

use super::source::{SourceFile, pointer_segment};

/// One thing wrong with the file, at a JSON Pointer into it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// Where, as a JSON Pointer (`/tests/0/services/server/role`).
    pub pointer: String,
    /// Whether to point at the key rather than its value (an unknown key).
    pub at_key: bool,
    /// What is wrong and what would be accepted.
    pub message: String,
}

impl Problem {
    /// A problem with the value at `pointer`.
    pub fn at(pointer: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            pointer: pointer.into(),
            at_key: false,
            message: message.into(),
        }
    }

    /// The problem as one line: `file:line:col: key: message`.
    pub fn render(&self, file: &SourceFile) -> String {
        let (line, column) = file.line_and_column(&self.pointer, self.at_key);
        format!(
            "{}:{line}:{column}: {}: {}",
            file.path.display(),
            dotted_key(&self.pointer),
            self.message
        )
    }
}

/// `tests[0].services.server.role` for `/tests/0/services/server/role`.
pub fn dotted_key(pointer: &str) -> String {
    let mut key = String::new();
    for segment in pointer.split('/').skip(1) {
        let segment = segment.replace("~1", "/").replace("~0", "~");
        if segment.parse::<usize>().is_ok() {
            key.push_str(&format!("[{segment}]"));
        } else {
            if !key.is_empty() {
                key.push('.');
            }
            key.push_str(&segment);
        }
    }
    if key.is_empty() {
        "(file)".to_owned()
    } else {
        key
    }
}

/// Checks `instance` against `schema`; every error becomes a problem under `base`.
pub fn schema_problems(schema: &Value, instance: &Value, base: &str) -> Vec<Problem> {
    let validator = match jsonschema::validator_for(schema) {
        Ok(validator) => validator,
        Err(error) => {
            return vec![Problem::at(
                base,
                format!("the plugin's config schema is invalid: {error}"),
            )];
        }
    };
    let mut problems = Vec::new();
    for error in validator.iter_errors(instance) {
        let pointer = format!("{base}{}", error.instance_path().as_str());
        match error.kind() {
            ValidationErrorKind::AdditionalProperties { unexpected } => {
                let accepted = accepted_keys(schema, error.schema_path().as_str());
                for key in unexpected {
                    problems.push(Problem {
                        pointer: format!("{pointer}/{}", pointer_segment(key)),
                        at_key: true,
                        message: format!("unknown key; {accepted}"),
                    });
                }
            }
            _ => problems.push(Problem::at(pointer, error.to_string())),
        }
    }
    problems
}

/// "expected one of: a, b, c" from the object schema holding an `additionalProperties`.
fn accepted_keys(schema: &Value, schema_path: &str) -> String {
    let parent = schema_path
        .strip_suffix("/additionalProperties")
        .unwrap_or(schema_path);
    let mut keys: Vec<&str> = schema
        .pointer(parent)
        .and_then(|object| object.get("properties"))
        .and_then(Value::as_object)
        .map(|properties| properties.keys().map(String::as_str).collect())
        .unwrap_or_default();
    keys.sort_unstable();
    if keys.is_empty() {
        "this table takes no keys".to_owned()
    } else {
        format!("expected one of: {}", keys.join(", "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn keys_read_like_toml() {
        assert_eq!(
            dotted_key("/tests/0/services/server/role"),
            "tests[0].services.server.role"
        );
        assert_eq!(dotted_key(""), "(file)");
    }

    #[test]
    fn unknown_keys_list_the_accepted_ones() {
        let schema = json!({"type": "object", "properties": {"pings": {"type": "integer"}, "variant": {"type": "string"}}, "additionalProperties": false});
        let problems = schema_problems(&schema, &json!({"pongs": 1, "pings": "x"}), "/config");
        assert_eq!(problems.len(), 2, "{problems:?}");
        let unknown = problems.iter().find(|p| p.at_key).unwrap();
        assert_eq!(unknown.pointer, "/config/pongs");
        assert_eq!(
            unknown.message,
            "unknown key; expected one of: pings, variant"
        );
        let wrong = problems.iter().find(|p| !p.at_key).unwrap();
        assert_eq!(wrong.pointer, "/config/pings");
        assert!(
            wrong.message.contains("is not of type \"integer\""),
            "{}",
            wrong.message
        );
    }
}
