//! What every QUIC interop endpoint program shares, whatever its QUIC stack: the
//! endpoint contract's settings read from the environment (ROLE, TESTCASE, REQUESTS,
//! LISTEN, WWW, DOWNLOADS, CERTS, SSLKEYLOGFILE, QLOGDIR), the test cases and their
//! ALPN, request paths mapped to files, the HTTP/0.9 request line, the server a
//! client's requests name, and how the program reports to whoever runs it (the
//! `listening on` line, its log and errors, exit code 127 for an unsupported case).

#![warn(missing_docs)]

pub mod http09;
pub mod paths;
pub mod program;
pub mod server_name;
pub mod settings;
pub mod test_case;
#[cfg(feature = "test-support")]
pub mod test_support;
