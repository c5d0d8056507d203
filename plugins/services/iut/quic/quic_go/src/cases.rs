//! Which interop test cases the programs play, and the name `TESTCASE` gives each.

use panther_plugin_api::model::{Role, ServicePlan, ServiceRequest};
use panther_quic_interop::{TestCase, test_case};

/// The cases both programs play, by the `TESTCASE` switches of
/// `interop/server/main.go` (handshake, transfer, retry, resumption, zerortt,
/// chacha20, http3) and `interop/client/main.go` (the same and keyupdate), with
/// multiplexing and the server's side of keyupdate played as `transfer`.
pub const SUPPORTED: [TestCase; 9] = TestCase::ALL;

/// The `TESTCASE` the interop runner gives `role` for `case` (`testname()` in its
/// testcases.py): multiplexing is a transfer of many files for both, and in keyupdate
/// only the client does something special, so the server is told `transfer`. The
/// programs know no other name for these cases and would exit 127.
fn runner_name(case: TestCase, role: Role) -> &'static str {
    match (case, role) {
        (TestCase::Multiplexing, _) | (TestCase::Keyupdate, Role::Server) => "transfer",
        _ => case.name(),
    }
}

/// The plan with `TESTCASE` set as the interop runner would set it for this role.
pub fn with_runner_name(mut plan: ServicePlan, request: &ServiceRequest) -> ServicePlan {
    if let (Some(case), _) = test_case(request) {
        plan.command.env.insert(
            "TESTCASE".to_owned(),
            runner_name(case, request.role).to_owned(),
        );
    }
    plan
}
