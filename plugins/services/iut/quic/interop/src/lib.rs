//! What every QUIC service manager shares: the interop runner's test cases and the
//! files each one transfers, the plans that follow the endpoint contract (ROLE,
//! TESTCASE, REQUESTS, LISTEN, WWW, DOWNLOADS, CERTS, SSLKEYLOGFILE, QLOGDIR), and the
//! judge that compares what the client downloaded with what the server served, byte
//! for byte. Each stack's plugin adds only how its program is started.

mod contract;
mod external;
#[cfg(any(test, feature = "golden"))]
pub mod golden;
mod judge;
mod testcase;
mod wire;

pub use contract::{
    Endpoint, capture_path, client_plan, downloads_directory, keylog_path, plan, qlog_directory,
    request_urls, served_directory, server_plan, socket_address, test_case, wire_path,
};
pub use external::{unsupported_case, user_built};
pub use judge::judge;
pub use testcase::{TestCase, TestFile};
pub use wire::Wire;
