//! What every QUIC service manager shares: the interop runner's test cases and the
//! files each one transfers, the plans that follow the endpoint contract (ROLE,
//! TESTCASE, REQUESTS, LISTEN, WWW, DOWNLOADS, CERTS, SSLKEYLOGFILE, QLOGDIR), and the
//! judge that compares what the client downloaded with what the server served, byte
//! for byte; and the config of a pinned stack whose one program plays both roles. Each
//! stack's plugin adds only how its program is started.

mod contract;
#[cfg(any(test, feature = "golden"))]
pub mod golden;
mod judge;
mod stack_config;
mod testcase;
mod unsupported;
mod wire;

pub use contract::{
    Endpoint, capture_path, client_plan, downloads_directory, keylog_path, plan, qlog_directory,
    request_urls, served_directory, server_plan, socket_address, test_case, wire_path,
};
pub use judge::judge;
pub use stack_config::StackConfig;
pub use testcase::{TestCase, TestFile};
pub use unsupported::unsupported_case;
pub use wire::Wire;
