//! What each command does and prints.

pub mod experiment;
pub mod plugins;
pub mod run;
