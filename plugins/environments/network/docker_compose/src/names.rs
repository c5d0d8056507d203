//! The names compose accepts: the project's, from the test's instance, and each
//! service's, from the test's service names.

use panther_network_shared::names::Naming;

/// The compose service name of each test service: lower-case letters, digits and
/// single `-`. Two services that would get the same name are refused.
pub const SERVICES: Naming = Naming {
    for_a: "a compose service name",
    both_be: "compose service",
    longest: None,
};

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
    fn refuses_names_that_collide_or_vanish() {
        let error = SERVICES.of(["a b", "a-b"]).unwrap_err();
        assert_eq!(
            error.message(),
            "services `a b` and `a-b` would both be compose service `a-b`; rename one"
        );
        let error = SERVICES.of(["#"]).unwrap_err();
        assert!(
            error.message().starts_with("service `#` has no letter"),
            "{error}"
        );
    }
}
