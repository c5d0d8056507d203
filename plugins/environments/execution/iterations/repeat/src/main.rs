//! Runs a command several times in a row and records each exit

fn main() {}
