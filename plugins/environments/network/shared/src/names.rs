//! Names made of a test's service names for a tool that accepts only lower-case
//! letters, digits and single `-` (a compose service name, a hostname).

use std::collections::BTreeMap;

use panther_plugin_api::PluginError;

/// A kind of name an environment gives each service, as its refusals call it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Naming<'a> {
    /// What the name is, as in "has no letter or digit for {for_a}":
    /// `a compose service name`.
    pub for_a: &'a str,
    /// What two services would both be, as in "would both be {both_be} `x`":
    /// `compose service`.
    pub both_be: &'a str,
    /// The most characters a name may have, if there is a limit.
    pub longest: Option<usize>,
}

impl Naming<'_> {
    /// The name of each of `services`, by service name. A service whose name has no
    /// letter or digit, and two services that would get the same name, are refused.
    pub fn of<'s>(
        &self,
        services: impl IntoIterator<Item = &'s str>,
    ) -> Result<BTreeMap<String, String>, PluginError> {
        let mut by_service: BTreeMap<String, String> = BTreeMap::new();
        let mut by_name: BTreeMap<String, String> = BTreeMap::new();
        for service in services {
            let name = slug(service, self.longest);
            if name.is_empty() {
                return Err(PluginError::new(format!(
                    "service `{service}` has no letter or digit for {}",
                    self.for_a
                )));
            }
            if let Some(other) = by_name.insert(name.clone(), service.to_owned()) {
                return Err(PluginError::new(format!(
                    "services `{other}` and `{service}` would both be {} `{name}`; rename one",
                    self.both_be
                )));
            }
            by_service.insert(service.to_owned(), name);
        }
        Ok(by_service)
    }
}

/// `text` in lower-case letters, digits and single dashes, without dashes at the ends,
/// cut to at most `longest` characters.
fn slug(text: &str, longest: Option<usize>) -> String {
    let mut slug = String::new();
    for c in text.chars() {
        if c.is_ascii_alphanumeric() {
            slug.push(c.to_ascii_lowercase());
        } else if !slug.is_empty() && !slug.ends_with('-') {
            slug.push('-');
        }
    }
    if let Some(longest) = longest {
        slug.truncate(longest);
    }
    slug.trim_end_matches('-').to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    const HOSTNAMES: Naming = Naming {
        for_a: "a hostname",
        both_be: "host",
        longest: Some(63),
    };

    const UNLIMITED: Naming = Naming {
        longest: None,
        ..HOSTNAMES
    };

    #[test]
    fn names_are_slugs() {
        let names = UNLIMITED
            .of(["server", "QUIC client #2", "a_b", "_c_"])
            .unwrap();
        assert_eq!(names["server"], "server");
        assert_eq!(names["QUIC client #2"], "quic-client-2");
        assert_eq!(names["a_b"], "a-b");
        assert_eq!(names["_c_"], "c");
    }

    #[test]
    fn a_limit_cuts_the_name_and_its_dangling_dash() {
        let long = "x".repeat(70);
        assert_eq!(HOSTNAMES.of([long.as_str()]).unwrap()[&long].len(), 63);
        assert_eq!(UNLIMITED.of([long.as_str()]).unwrap()[&long].len(), 70);
        let dash_at_the_cut = format!("{} y", "x".repeat(62));
        assert_eq!(
            HOSTNAMES.of([dash_at_the_cut.as_str()]).unwrap()[&dash_at_the_cut],
            "x".repeat(62)
        );
    }

    #[test]
    fn refuses_names_that_collide_or_vanish() {
        let error = HOSTNAMES.of(["a b", "A-B"]).unwrap_err();
        assert_eq!(
            error.message(),
            "services `a b` and `A-B` would both be host `a-b`; rename one"
        );
        let error = HOSTNAMES.of(["#"]).unwrap_err();
        assert_eq!(
            error.message(),
            "service `#` has no letter or digit for a hostname"
        );
        assert!(HOSTNAMES.of(["--"]).is_err());
    }
}
