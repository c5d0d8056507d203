//! For the environments' tests only (the `testing` feature, enabled through their
//! `[dev-dependencies]`): requests as the host makes them, services whose outputs are
//! known, and plans rendered as text for golden files.

pub mod golden;
pub mod printing;
pub mod requests;
