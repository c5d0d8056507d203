//! `panther-host`: runs network-protocol experiments whose services and environments
//! are shared-library plugins.

pub mod cli;
pub mod error;
pub mod registry;
pub mod commands;
pub mod logging;
