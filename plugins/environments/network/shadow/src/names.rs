//! The simulated hosts' names, from the test's service names: lower-case letters,
//! digits and single `-`, which hostname(7) and Shadow accept.

use panther_network_shared::names::Naming;

/// The hostname of each test service, at most 63 characters long as hostname(7) has
/// them. Two services that would get the same name are refused.
pub const HOSTNAMES: Naming = Naming {
    for_a: "a Shadow hostname",
    both_be: "Shadow host",
    longest: Some(63),
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hostnames_are_slugs_of_at_most_63_characters() {
        assert_eq!(
            HOSTNAMES.of(["QUIC client #2"]).unwrap()["QUIC client #2"],
            "quic-client-2"
        );
        let long = "x".repeat(70);
        assert_eq!(HOSTNAMES.of([long.as_str()]).unwrap()[&long].len(), 63);
    }

    #[test]
    fn refuses_names_that_collide_or_vanish() {
        let error = HOSTNAMES.of(["a b", "A-B"]).unwrap_err();
        assert_eq!(
            error.message(),
            "services `a b` and `A-B` would both be Shadow host `a-b`; rename one"
        );
        assert!(HOSTNAMES.of(["--"]).is_err());
    }
}
