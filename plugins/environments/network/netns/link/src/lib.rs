//! panther-link: a user-space Ethernet switch with netem-like impairments per link.
//!
//! It runs in a test's link namespace, opens a raw socket on each service's end of
//! the link, learns which address lives behind which port, and forwards every frame a
//! service sends after that service's link has lost, duplicated, corrupted, delayed
//! and paced it. The library holds the configuration file's types, which the netns
//! environment writes, and the switch the `panther-link` program runs.

pub mod config;
pub mod counters;
pub mod impairment;
pub mod mac_table;
pub mod packet_socket;
pub mod scheduler;
pub mod switch;

/// The line the program prints once every port is open and forwarding, which the
/// netns environment waits for.
pub fn ready_line(ports: usize) -> String {
    let noun = if ports == 1 { "port" } else { "ports" };
    format!("panther-link: forwarding between {ports} {noun}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_ready_line_counts_the_ports() {
        assert_eq!(ready_line(2), "panther-link: forwarding between 2 ports");
        assert_eq!(ready_line(1), "panther-link: forwarding between 1 port");
    }
}
