//! The simulated hosts' names, from the test's service names: lower-case letters,
//! digits and single `-`, which hostname(7) and Shadow accept.

use std::collections::BTreeMap;

use panther_plugin_api::PluginError;

/// Hostnames may be at most this long.
const LONGEST: usize = 63;

/// The hostname of each test service, by service name. Two services that would get
/// the same name are refused.
pub fn hostnames<'a>(
    names: impl IntoIterator<Item = &'a str>,
) -> Result<BTreeMap<String, String>, PluginError> {
    let mut by_service: BTreeMap<String, String> = BTreeMap::new();
    let mut by_host: BTreeMap<String, String> = BTreeMap::new();
    for name in names {
        let host = slug(name);
        if host.is_empty() {
            return Err(PluginError::new(format!(
                "service `{name}` has no letter or digit for a Shadow hostname"
            )));
        }
        if let Some(other) = by_host.insert(host.clone(), name.to_owned()) {
            return Err(PluginError::new(format!(
                "services `{other}` and `{name}` would both be Shadow host `{host}`; rename one"
            )));
        }
        by_service.insert(name.to_owned(), host);
    }
    Ok(by_service)
}

/// `text` in lower-case letters, digits and single dashes, without dashes at the ends,
/// at most [`LONGEST`] characters.
fn slug(text: &str) -> String {
    let mut slug = String::new();
    for c in text.chars() {
        if c.is_ascii_alphanumeric() {
            slug.push(c.to_ascii_lowercase());
        } else if !slug.is_empty() && !slug.ends_with('-') {
            slug.push('-');
        }
    }
    slug.truncate(LONGEST);
    slug.trim_end_matches('-').to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hostnames_are_slugs() {
        let names = hostnames(["server", "QUIC client #2", "_a_b"]).unwrap();
        assert_eq!(names["server"], "server");
        assert_eq!(names["QUIC client #2"], "quic-client-2");
        assert_eq!(names["_a_b"], "a-b");
        let long = "x".repeat(70);
        assert_eq!(hostnames([long.as_str()]).unwrap()[&long].len(), 63);
    }

    #[test]
    fn refuses_names_that_collide_or_vanish() {
        let error = hostnames(["a b", "A-B"]).unwrap_err();
        assert_eq!(
            error.message(),
            "services `a b` and `A-B` would both be Shadow host `a-b`; rename one"
        );
        assert!(hostnames(["--"]).is_err());
    }
}
