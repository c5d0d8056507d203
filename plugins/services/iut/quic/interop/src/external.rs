//! What the service managers of stacks that no package provides share: the program a
//! user builds and points the plugin's config at, skipped when it is not there, and
//! the test cases a stack's programs can play.

use std::path::Path;

use panther_plugin_api::model::{Requirement, ServiceRequest};

use crate::contract::test_case;
use crate::testcase::TestCase;

/// A program the user builds: when it is missing, tests that need it are skipped with
/// which program was looked for, where, the config key that points at it, and how to
/// build it.
pub fn user_built(program: &Path, what: &str, key: &str, how_to_get: &str) -> Requirement {
    Requirement {
        path: program.to_path_buf(),
        what: format!("{what} (config key `{key}`)"),
        how_to_get: how_to_get.to_owned(),
    }
}

/// Why `stack` cannot play the request's test case, when `supported` lacks it.
pub fn unsupported_case(
    request: &ServiceRequest,
    stack: &str,
    supported: &[TestCase],
) -> Option<String> {
    let (case, name) = test_case(request);
    if case.is_some_and(|case| supported.contains(&case)) {
        return None;
    }
    let cases: Vec<&str> = supported.iter().map(|case| case.name()).collect();
    Some(format!(
        "{stack} does not support the test case '{name}' as {} (it supports {})",
        request.role.as_str(),
        cases.join(", ")
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::golden::request;
    use panther_plugin_api::model::Role;

    #[test]
    fn a_case_outside_the_list_is_unsupported_with_the_list() {
        let supported = [TestCase::Handshake, TestCase::Transfer];
        assert_eq!(
            unsupported_case(&request(Role::Server, "transfer"), "demo", &supported),
            None
        );
        assert_eq!(
            unsupported_case(&request(Role::Client, "zerortt"), "demo", &supported).unwrap(),
            "demo does not support the test case 'zerortt' as client (it supports handshake, transfer)"
        );
        assert!(unsupported_case(&request(Role::Client, "nonsense"), "demo", &supported).is_some());
    }
}
