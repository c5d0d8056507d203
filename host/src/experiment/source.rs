//! An experiment file as read from disk: its TOML turned into JSON for validation,
//! with where each key and value stands in the text, so every problem can be shown
//! as `file:line:col`.

use std::collections::HashMap;
use std::ops::Range;
use std::path::{Path, PathBuf};

use serde_json::{Map, Value};
use toml_edit::{Document, Item, Table};

use crate::error::InputError;

/// Where a key and its value stand in the text, as byte ranges.
#[derive(Debug, Clone, Default)]
struct Place {
    key: Option<Range<usize>>,
    value: Option<Range<usize>>,
}

/// The parsed experiment file.
#[derive(Debug)]
pub struct SourceFile {
    /// The file as the user named it.
    pub path: PathBuf,
    text: String,
    /// The document as JSON, for schema validation and deserialisation.
    pub value: Value,
    places: HashMap<String, Place>,
}

/// Escapes one JSON Pointer segment (RFC 6901).
pub fn pointer_segment(segment: &str) -> String {
    segment.replace('~', "~0").replace('/', "~1")
}

impl SourceFile {
    /// Reads and parses the file; a syntax error is an input error at its place.
    pub fn read(path: &Path) -> Result<Self, InputError> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| InputError::new(format!("{}: cannot be read: {e}", path.display())))?;
        Self::parse(path, text)
    }

    /// Parses text that came from `path`.
    pub fn parse(path: &Path, text: String) -> Result<Self, InputError> {
        let document = Document::parse(text.clone()).map_err(|error| {
            let (line, column) = error
                .span()
                .map(|span| line_and_column(&text, span.start))
                .unwrap_or((1, 1));
            let message = error.message().trim().replace('\n', " ");
            InputError::new(format!(
                "{}:{line}:{column}: not valid TOML: {message}",
                path.display()
            ))
        })?;
        let mut places = HashMap::new();
        let value = table_to_json(document.as_table(), "", &mut places);
        Ok(Self {
            path: path.to_path_buf(),
            text,
            value,
            places,
        })
    }

    /// Line and column (from 1) of the value at a JSON Pointer, or of its key when
    /// `at_key`; the nearest enclosing item when the pointer names nothing written.
    pub fn line_and_column(&self, pointer: &str, at_key: bool) -> (usize, usize) {
        let mut current = pointer;
        loop {
            if let Some(place) = self.places.get(current) {
                let span = if at_key {
                    place.key.clone().or(place.value.clone())
                } else {
                    place.value.clone().or(place.key.clone())
                };
                if let Some(span) = span {
                    return line_and_column(&self.text, span.start);
                }
            }
            match current.rfind('/') {
                Some(cut) => current = &current[..cut],
                None => return (1, 1),
            }
        }
    }
}

/// Line and column (from 1) of a byte offset.
fn line_and_column(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let column = before
        .rfind('\n')
        .map_or(before.len(), |n| before.len() - n - 1)
        + 1;
    (line, column)
}

fn table_to_json(table: &Table, pointer: &str, places: &mut HashMap<String, Place>) -> Value {
    let mut object = Map::new();
    for (key, item) in table.iter() {
        let child = format!("{pointer}/{}", pointer_segment(key));
        let key_span = table.key(key).and_then(|k| k.span());
        places.entry(child.clone()).or_default().key = key_span;
        if let Some(value) = item_to_json(item, &child, places) {
            object.insert(key.to_owned(), value);
        }
    }
    Value::Object(object)
}

fn item_to_json(item: &Item, pointer: &str, places: &mut HashMap<String, Place>) -> Option<Value> {
    places.entry(pointer.to_owned()).or_default().value = item.span();
    match item {
        Item::None => None,
        Item::Value(value) => Some(value_to_json(value, pointer, places)),
        Item::Table(table) => Some(table_to_json(table, pointer, places)),
        Item::ArrayOfTables(array) => Some(Value::Array(
            array
                .iter()
                .enumerate()
                .map(|(index, table)| {
                    let child = format!("{pointer}/{index}");
                    places.entry(child.clone()).or_default().value = table.span();
                    table_to_json(table, &child, places)
                })
                .collect(),
        )),
    }
}

fn value_to_json(
    value: &toml_edit::Value,
    pointer: &str,
    places: &mut HashMap<String, Place>,
) -> Value {
    use toml_edit::Value as Toml;
    places.entry(pointer.to_owned()).or_default().value = value.span();
    match value {
        Toml::String(s) => Value::String(s.value().clone()),
        Toml::Integer(i) => Value::from(*i.value()),
        Toml::Float(f) => {
            serde_json::Number::from_f64(*f.value()).map_or(Value::Null, Value::Number)
        }
        Toml::Boolean(b) => Value::Bool(*b.value()),
        Toml::Datetime(d) => Value::String(d.value().to_string()),
        Toml::Array(array) => Value::Array(
            array
                .iter()
                .enumerate()
                .map(|(index, v)| value_to_json(v, &format!("{pointer}/{index}"), places))
                .collect(),
        ),
        Toml::InlineTable(table) => {
            let mut object = Map::new();
            for (key, v) in table.iter() {
                let child = format!("{pointer}/{}", pointer_segment(key));
                let key_span = table.key(key).and_then(|k| k.span());
                places.entry(child.clone()).or_default().key = key_span;
                object.insert(key.to_owned(), value_to_json(v, &child, places));
            }
            Value::Object(object)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = "[experiment]\nname = \"x\"\n\n[[tests]]\nname = \"a\"\nnetwork = { type = \"localhost\" }\n\n[tests.services.server]\nrole = \"server\"\n";

    #[test]
    fn places_point_at_keys_and_values() {
        let file = SourceFile::parse(Path::new("e.toml"), TEXT.to_owned()).unwrap();
        assert_eq!(
            file.value["tests"][0]["services"]["server"]["role"],
            "server"
        );
        assert_eq!(
            file.line_and_column("/tests/0/services/server/role", true),
            (9, 1)
        );
        assert_eq!(
            file.line_and_column("/tests/0/services/server/role", false),
            (9, 8)
        );
        assert_eq!(
            file.line_and_column("/tests/0/network/type", false),
            (6, 20)
        );
        assert_eq!(
            file.line_and_column("/tests/0/network/missing", false),
            (6, 11)
        );
    }

    #[test]
    fn a_syntax_error_names_file_line_and_column() {
        let error =
            SourceFile::parse(Path::new("e.toml"), "[experiment\nname = 1\n".into()).unwrap_err();
        assert!(error.0.starts_with("e.toml:1:"), "{error}");
        assert!(!error.0.contains('\n'), "{error}");
    }
}
