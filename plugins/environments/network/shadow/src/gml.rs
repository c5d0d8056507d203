//! The network graph in Shadow's GML: one node every host sits on, and the edge from
//! that node to itself, whose latency and loss every packet between two hosts gets.

use std::fmt;

use crate::quantities::{Bandwidth, Duration, Loss};

/// The node every host is attached to.
pub const NODE_ID: u32 = 0;

/// A one-node graph.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Graph {
    /// Each host's bandwidth, up and down.
    pub bandwidth: Bandwidth,
    /// The one-way latency between two hosts.
    pub latency: Duration,
    /// The latency's jitter, written when above zero.
    pub jitter: Duration,
    /// The chance that a packet is dropped.
    pub loss: Loss,
}

impl fmt::Display for Graph {
    /// The graph as GML text. Every value is a number or a quantity this crate wrote,
    /// so no string needs escaping.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "graph [")?;
        writeln!(f, "  directed 0")?;
        writeln!(f, "  node [")?;
        writeln!(f, "    id {NODE_ID}")?;
        writeln!(f, "    host_bandwidth_down \"{}\"", self.bandwidth)?;
        writeln!(f, "    host_bandwidth_up \"{}\"", self.bandwidth)?;
        writeln!(f, "  ]")?;
        writeln!(f, "  edge [")?;
        writeln!(f, "    source {NODE_ID}")?;
        writeln!(f, "    target {NODE_ID}")?;
        writeln!(f, "    latency \"{}\"", self.latency)?;
        if self.jitter > Duration(0) {
            writeln!(f, "    jitter \"{}\"", self.jitter)?;
        }
        writeln!(f, "    packet_loss {}", self.loss)?;
        writeln!(f, "  ]")?;
        writeln!(f, "]")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_one_node_and_its_loop() {
        let graph = Graph {
            bandwidth: Bandwidth(100_000_000),
            latency: Duration(20_000_000),
            jitter: Duration(0),
            loss: Loss(5_000_000),
        };
        assert_eq!(
            graph.to_string(),
            "graph [\n  directed 0\n  node [\n    id 0\n    host_bandwidth_down \"100 Mbit\"\n    \
             host_bandwidth_up \"100 Mbit\"\n  ]\n  edge [\n    source 0\n    target 0\n    \
             latency \"20 ms\"\n    packet_loss 0.005\n  ]\n]\n"
        );
        let jittery = Graph {
            jitter: Duration(2_000_000),
            ..graph
        };
        assert!(jittery.to_string().contains("\n    jitter \"2 ms\"\n"));
    }
}
