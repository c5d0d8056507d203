//! The test cases a stack's programs cannot play.

use panther_plugin_api::model::ServiceRequest;

use crate::contract::test_case;
use crate::testcase::TestCase;

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
