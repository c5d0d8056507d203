//! The switch table: which port each source address was last seen on, and where a
//! frame goes.

use std::collections::HashMap;

/// An Ethernet address.
pub type Mac = [u8; 6];

/// The destination and source addresses of an Ethernet frame, or `None` when the frame
/// is too short to hold them.
pub fn addresses(frame: &[u8]) -> Option<(Mac, Mac)> {
    let destination = frame.get(0..6)?.try_into().ok()?;
    let source = frame.get(6..12)?.try_into().ok()?;
    Some((destination, source))
}

/// Whether an address is a group (broadcast or multicast) address.
fn is_group(mac: &Mac) -> bool {
    mac[0] & 1 == 1
}

/// Learns where each unicast address lives and routes frames by destination.
///
/// Entries never age: a test's services keep their addresses for the test's length.
#[derive(Debug, Default)]
pub struct MacTable {
    ports: HashMap<Mac, usize>,
}

impl MacTable {
    /// The ports a frame from `source` to `destination`, received on port `from` of a
    /// switch with `port_count` ports, goes to; it learns that `source` lives on `from`.
    ///
    /// A frame to a known address goes to that address's port (nowhere when that is the
    /// port it came from); a group address or an unknown one floods every other port.
    pub fn route(
        &mut self,
        destination: &Mac,
        source: &Mac,
        from: usize,
        port_count: usize,
    ) -> Vec<usize> {
        if !is_group(source) {
            self.ports.insert(*source, from);
        }
        match self.ports.get(destination) {
            Some(&port) if !is_group(destination) => {
                if port == from {
                    Vec::new()
                } else {
                    vec![port]
                }
            }
            _ => (0..port_count).filter(|&port| port != from).collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const A: Mac = [0x02, 0, 0, 0, 0, 0xa];
    const B: Mac = [0x02, 0, 0, 0, 0, 0xb];
    const C: Mac = [0x02, 0, 0, 0, 0, 0xc];
    const BROADCAST: Mac = [0xff; 6];
    const MULTICAST: Mac = [0x33, 0x33, 0, 0, 0, 1];

    #[test]
    fn floods_unknown_destinations_to_every_other_port() {
        let mut table = MacTable::default();
        assert_eq!(table.route(&B, &A, 0, 3), [1, 2]);
        assert_eq!(table.route(&C, &B, 2, 3), [0, 1]);
    }

    #[test]
    fn sends_to_a_learnt_address_only() {
        let mut table = MacTable::default();
        table.route(&BROADCAST, &A, 0, 3);
        table.route(&A, &B, 1, 3);
        assert_eq!(table.route(&A, &C, 2, 3), [0]);
        assert_eq!(table.route(&B, &A, 0, 3), [1]);
    }

    #[test]
    fn floods_group_addresses_even_once_learnt() {
        let mut table = MacTable::default();
        table.route(&B, &A, 0, 3);
        assert_eq!(table.route(&BROADCAST, &B, 1, 3), [0, 2]);
        assert_eq!(table.route(&MULTICAST, &B, 1, 3), [0, 2]);
    }

    #[test]
    fn never_learns_a_group_source() {
        let mut table = MacTable::default();
        table.route(&A, &MULTICAST, 1, 3);
        assert_eq!(table.route(&MULTICAST, &A, 0, 3), [1, 2]);
    }

    #[test]
    fn follows_an_address_that_moves_and_filters_frames_for_their_own_port() {
        let mut table = MacTable::default();
        table.route(&B, &A, 0, 3);
        table.route(&B, &A, 2, 3);
        assert_eq!(table.route(&A, &B, 1, 3), [2]);
        assert!(table.route(&A, &C, 2, 3).is_empty());
    }

    #[test]
    fn reads_addresses_from_a_frame() {
        let mut frame = Vec::from(B);
        frame.extend_from_slice(&A);
        frame.extend_from_slice(&[0x08, 0x00]);
        assert_eq!(addresses(&frame), Some((B, A)));
        assert_eq!(addresses(&frame[..11]), None);
    }
}
