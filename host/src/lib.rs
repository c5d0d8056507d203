//! `panther-host`: runs network-protocol experiments whose services and environments
//! are shared-library plugins.

pub mod cli;
pub mod commands;
pub mod error;
pub mod logging;
pub mod registry;
