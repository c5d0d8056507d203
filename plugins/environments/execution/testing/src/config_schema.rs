//! The checks every environment's `config` schema passes against the `Config` it
//! describes.

use std::fmt::Debug;

use serde_json::{Map, Value, json};

/// The defaults `schema` gives, by key, once its shape is checked: it refuses unknown
/// keys, its properties are `keys` (in any order), and each has a type and a
/// description.
pub fn schema_defaults(schema: &Value, keys: &[&str]) -> Map<String, Value> {
    assert_eq!(schema["additionalProperties"], json!(false));
    let properties = schema["properties"]
        .as_object()
        .expect("the schema's properties");
    let mut described: Vec<&str> = properties.keys().map(String::as_str).collect();
    described.sort_unstable();
    let mut expected = keys.to_vec();
    expected.sort_unstable();
    assert_eq!(described, expected, "the properties of the schema");
    for (key, property) in properties {
        assert!(property["type"].is_string(), "{key} has no type");
        assert!(
            property["description"].is_string(),
            "{key} has no description"
        );
    }
    properties
        .iter()
        .filter_map(|(key, property)| Some((key.clone(), property.get("default")?.clone())))
        .collect()
}

/// Checks that `schema` describes `keys` (see [`schema_defaults`]), each with a
/// default, and that `parse` reads those defaults as `T::default()`.
pub fn assert_schema_defaults_parse_to_default<T, E>(
    schema: &Value,
    keys: &[&str],
    parse: impl Fn(&Value) -> Result<T, E>,
) where
    T: Default + PartialEq + Debug,
    E: Debug,
{
    let defaults = schema_defaults(schema, keys);
    let missing: Vec<&&str> = keys
        .iter()
        .filter(|key| !defaults.contains_key(**key))
        .collect();
    assert!(missing.is_empty(), "no default for {missing:?}");
    let parsed = parse(&Value::Object(defaults))
        .unwrap_or_else(|error| panic!("the schema's defaults are refused: {error:?}"));
    assert_eq!(parsed, T::default());
}

/// Checks that `parse` reads an absent `config` table, and an empty one, as
/// `T::default()`.
pub fn assert_absent_or_empty_parse_to_default<T, E>(parse: impl Fn(&Value) -> Result<T, E>)
where
    T: Default + PartialEq + Debug,
    E: Debug,
{
    for config in [Value::Null, json!({})] {
        let parsed =
            parse(&config).unwrap_or_else(|error| panic!("{config} is refused: {error:?}"));
        assert_eq!(parsed, T::default(), "{config}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A config of one key, `times`, 3 unless given.
    #[derive(Debug, PartialEq)]
    struct Times(u64);

    impl Default for Times {
        fn default() -> Self {
            Self(3)
        }
    }

    fn parse(config: &Value) -> Result<Times, String> {
        match config.get("times") {
            None => Ok(Times::default()),
            Some(times) => times.as_u64().map(Times).ok_or(format!("{times}")),
        }
    }

    fn schema(times: Value) -> Value {
        json!({
            "type": "object",
            "properties": { "times": times },
            "additionalProperties": false
        })
    }

    #[test]
    fn passes_a_schema_whose_defaults_are_the_config_defaults() {
        let times = json!({"type": "integer", "description": "how many", "default": 3});
        assert_schema_defaults_parse_to_default(&schema(times), &["times"], parse);
        assert_absent_or_empty_parse_to_default(parse);
    }

    #[test]
    #[should_panic(expected = "left: Times(4)")]
    fn fails_a_default_other_than_the_config_default() {
        let times = json!({"type": "integer", "description": "how many", "default": 4});
        assert_schema_defaults_parse_to_default(&schema(times), &["times"], parse);
    }

    #[test]
    #[should_panic(expected = "no default for [\"times\"]")]
    fn fails_a_property_without_a_default() {
        let times = json!({"type": "integer", "description": "how many"});
        assert_schema_defaults_parse_to_default(&schema(times), &["times"], parse);
    }

    #[test]
    #[should_panic(expected = "times has no description")]
    fn fails_a_property_without_a_description() {
        let times = json!({"type": "integer", "default": 3});
        schema_defaults(&schema(times), &["times"]);
    }

    #[test]
    #[should_panic(expected = "the properties of the schema")]
    fn fails_a_schema_missing_a_key() {
        let times = json!({"type": "integer", "description": "how many", "default": 3});
        schema_defaults(&schema(times), &["times", "stop_on_failure"]);
    }
}
