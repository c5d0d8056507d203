//! What the network environments share: subnets, names, the exit-code wrapper.
//!
//! - [`subnet`]: an IPv4 subnet read from a config, and the address of each service
//!   on it (service `i` gets host `i + 2`);
//! - [`launches`]: a deployment's launches at those addresses;
//! - [`names`]: names made of a test's service names that a tool accepts, refusing two
//!   services that would share one;
//! - [`exit_wrapper`]: the fixed shell script that runs a service and records its
//!   output and exit code, for environments where the host does not run the service
//!   itself;
//! - [`planned`]: checks of a planned service by environments that run each service's
//!   one command and nothing else;
//! - [`decimal`]: plain decimal numbers in configs, read exactly.
//!
//! With the `testing` feature (for the environments' tests only), the `testing` module
//! builds requests as the host makes them and renders plans for golden files.

pub mod decimal;
pub mod exit_wrapper;
pub mod launches;
pub mod names;
pub mod planned;
pub mod subnet;
#[cfg(any(test, feature = "testing"))]
pub mod testing;
