//! Reading a component's `config` table into a plugin's own settings type.

use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use crate::PluginError;

/// Reads `config` into `T`: absent (`null`) gives `T::default()`, and an error names
/// the key at fault (`config key `pings`: invalid type...`).
///
/// `T` is meant to be `#[serde(deny_unknown_fields, default)]`, so that every key can
/// be read on its own to find the one that is wrong.
pub fn parse_config<T: DeserializeOwned + Default>(config: &Value) -> Result<T, PluginError> {
    let table = match config {
        Value::Null => return Ok(T::default()),
        Value::Object(table) => table,
        other => {
            return Err(PluginError::new(format!(
                "config must be a table, not {other}"
            )));
        }
    };
    for (key, item) in table {
        let single = Value::Object(Map::from_iter([(key.clone(), item.clone())]));
        serde_json::from_value::<T>(single)
            .map_err(|error| PluginError::new(format!("config key `{key}`: {error}")))?;
    }
    serde_json::from_value(config.clone())
        .map_err(|error| PluginError::new(format!("config: {error}")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;
    use serde_json::json;

    #[derive(Debug, Default, Deserialize, PartialEq)]
    #[serde(deny_unknown_fields, default)]
    struct Settings {
        pings: u32,
        variant: String,
    }

    #[test]
    fn null_is_the_default_and_a_bad_key_is_named() {
        assert_eq!(
            parse_config::<Settings>(&Value::Null).unwrap(),
            Settings::default()
        );
        let read: Settings = parse_config(&json!({"pings": 3})).unwrap();
        assert_eq!(read.pings, 3);
        let error = parse_config::<Settings>(&json!({"pings": "x", "variant": "a"})).unwrap_err();
        assert!(
            error.message().starts_with("config key `pings`:"),
            "{error}"
        );
        let unknown = parse_config::<Settings>(&json!({"colour": 1})).unwrap_err();
        assert!(
            unknown.message().starts_with("config key `colour`:"),
            "{unknown}"
        );
        assert!(parse_config::<Settings>(&json!([1])).is_err());
    }
}
