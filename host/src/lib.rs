//! `panther-host`: runs network-protocol experiments whose services and environments
//! are shared-library plugins.

mod child_output;
pub mod cli;
pub mod commands;
pub mod components;
pub mod error;
pub mod experiment;
pub mod judge;
pub mod logging;
pub mod plan;
pub mod registry;
pub mod report;
pub mod run;
