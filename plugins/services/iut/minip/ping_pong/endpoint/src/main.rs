//! The minip ping_pong client and server, with PANTHER's five variants

fn main() {}
