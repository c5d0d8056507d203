//! What each command prints.

pub mod plugins;
