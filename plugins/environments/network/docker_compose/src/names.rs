//! The names compose accepts: the project's, from the test's instance, and each
//! service's, from the test's service names.

use std::collections::BTreeMap;

use panther_plugin_api::PluginError;

/// The project name for the test instance `instance`: lower-case letters, digits, `-`
/// and `_`, starting with a letter or a digit, as Compose v1 and v2 both accept.
pub fn project(instance: &str) -> String {
    let name: String = instance
        .chars()
        .map(|c| match c.to_ascii_lowercase() {
            c @ ('a'..='z' | '0'..='9' | '-' | '_') => c,
            _ => '-',
        })
        .collect();
    let name = name.trim_start_matches(['-', '_']);
    if name.is_empty() {
        "panther".to_owned()
    } else {
        name.to_owned()
    }
}

/// The compose service name of each test service, by test service name: lower-case
/// letters, digits and single `-`. Two services that would get the same name are
/// refused.
pub fn services<'a>(
    names: impl IntoIterator<Item = &'a str>,
) -> Result<BTreeMap<String, String>, PluginError> {
    let mut by_service: BTreeMap<String, String> = BTreeMap::new();
    let mut by_compose: BTreeMap<String, String> = BTreeMap::new();
    for name in names {
        let compose = slug(name);
        if compose.is_empty() {
            return Err(PluginError::new(format!(
                "service `{name}` has no letter or digit for a compose service name"
            )));
        }
        if let Some(other) = by_compose.insert(compose.clone(), name.to_owned()) {
            return Err(PluginError::new(format!(
                "services `{other}` and `{name}` would both be compose service `{compose}`; \
                 rename one"
            )));
        }
        by_service.insert(name.to_owned(), compose);
    }
    Ok(by_service)
}

/// `text` in lower-case letters, digits and single dashes, without dashes at the ends.
fn slug(text: &str) -> String {
    let mut slug = String::new();
    for c in text.chars() {
        if c.is_ascii_alphanumeric() {
            slug.push(c.to_ascii_lowercase());
        } else if !slug.is_empty() && !slug.ends_with('-') {
            slug.push('-');
        }
    }
    slug.trim_end_matches('-').to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_project_name_keeps_only_what_compose_accepts() {
        assert_eq!(
            project("20250101T120000-ab12-1-1"),
            "20250101t120000-ab12-1-1"
        );
        assert_eq!(project("Run 7/x_y"), "run-7-x_y");
        assert_eq!(project("_-x"), "x");
        assert_eq!(project("---"), "panther");
    }

    #[test]
    fn service_names_are_slugs() {
        let names = services(["server", "QUIC client #2", "a_b"]).unwrap();
        assert_eq!(names["server"], "server");
        assert_eq!(names["QUIC client #2"], "quic-client-2");
        assert_eq!(names["a_b"], "a-b");
    }

    #[test]
    fn refuses_names_that_collide_or_vanish() {
        let error = services(["a b", "a-b"]).unwrap_err();
        assert_eq!(
            error.message(),
            "services `a b` and `a-b` would both be compose service `a-b`; rename one"
        );
        let error = services(["#"]).unwrap_err();
        assert!(
            error.message().starts_with("service `#` has no letter"),
            "{error}"
        );
    }
}
