//! The IPv4 subnet the services' addresses come from: service `i` (from 0, in request
//! order) gets host number `i + 2`.

use std::fmt;
use std::net::Ipv4Addr;

/// The longest prefix accepted: a /30 still holds one service.
pub const LONGEST_PREFIX: u8 = 30;

/// The host number of the first service: `.0` is the network and `.1` is left out, as
/// a gateway (a bridge's) takes it.
const FIRST_HOST: u32 = 2;

/// An IPv4 network and its prefix length (at most [`LONGEST_PREFIX`]), without host
/// bits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Subnet {
    network: Ipv4Addr,
    prefix: u8,
}

/// Why a text is not a subnet [`Subnet::from_cidr`] accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SubnetProblem {
    /// It is not `A.B.C.D/N` with `N` a number from 0 to 255.
    NotCidr,
    /// Its prefix is outside the accepted range.
    PrefixOutOfRange,
    /// Its address has host bits set; the subnet it lies in.
    HostBitsSet(Subnet),
}

impl Subnet {
    /// The subnet `network/prefix`, for constants.
    ///
    /// # Panics
    ///
    /// When `prefix` is over [`LONGEST_PREFIX`] or `network` has host bits set: in a
    /// constant, the build fails.
    pub const fn new(network: Ipv4Addr, prefix: u8) -> Self {
        assert!(prefix <= LONGEST_PREFIX, "the prefix is over /30");
        assert!(
            network.to_bits() & !mask(prefix) == 0,
            "the network has host bits set"
        );
        Self { network, prefix }
    }

    /// Reads `A.B.C.D/N` with a prefix from `shortest_prefix` to [`LONGEST_PREFIX`] and
    /// no host bits set.
    pub fn from_cidr(text: &str, shortest_prefix: u8) -> Result<Self, SubnetProblem> {
        let (address, prefix) = text.split_once('/').ok_or(SubnetProblem::NotCidr)?;
        let address: Ipv4Addr = address.parse().map_err(|_| SubnetProblem::NotCidr)?;
        let prefix: u8 = prefix.parse().map_err(|_| SubnetProblem::NotCidr)?;
        if !(shortest_prefix..=LONGEST_PREFIX).contains(&prefix) {
            return Err(SubnetProblem::PrefixOutOfRange);
        }
        let subnet = Self {
            network: Ipv4Addr::from(address.to_bits() & mask(prefix)),
            prefix,
        };
        if subnet.network != address {
            return Err(SubnetProblem::HostBitsSet(subnet));
        }
        Ok(subnet)
    }

    /// Reads `A.B.C.D/N` with any prefix up to [`LONGEST_PREFIX`]; the message says what
    /// is wrong, without the key, and offers `example` as a subnet to write.
    pub fn parse(text: &str, example: &str) -> Result<Self, String> {
        Self::from_cidr(text, 0).map_err(|problem| match problem {
            SubnetProblem::NotCidr => {
                format!("'{text}' is not an IPv4 subnet; write e.g. \"{example}\"")
            }
            SubnetProblem::PrefixOutOfRange => format!(
                "'{text}' is too small for any service; give a prefix of at most /{LONGEST_PREFIX}"
            ),
            SubnetProblem::HostBitsSet(subnet) => {
                format!("'{text}' does not start its subnet; write \"{subnet}\"")
            }
        })
    }

    /// How many services it has addresses for.
    pub fn capacity(self) -> u32 {
        (u32::MAX >> self.prefix) - FIRST_HOST
    }

    /// The address of service number `index` (from 0, in request order); `None` past
    /// [`Subnet::capacity`].
    pub fn service_address(self, index: usize) -> Option<Ipv4Addr> {
        let index = u32::try_from(index).ok().filter(|&i| i < self.capacity())?;
        Some(Ipv4Addr::from(self.network.to_bits() + FIRST_HOST + index))
    }

    /// The addresses of `count` services, or `None` when it is too small for them.
    pub fn service_addresses(self, count: usize) -> Option<Vec<Ipv4Addr>> {
        (0..count)
            .map(|index| self.service_address(index))
            .collect()
    }

    /// Its first address, the network's.
    pub fn network(self) -> Ipv4Addr {
        self.network
    }

    /// The prefix length.
    pub fn prefix(self) -> u8 {
        self.prefix
    }
}

impl fmt::Display for Subnet {
    /// `A.B.C.D/N`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.network, self.prefix)
    }
}

/// The network mask of a prefix length from 0 to 32.
const fn mask(prefix: u8) -> u32 {
    match u32::MAX.checked_shl(32 - prefix as u32) {
        Some(mask) => mask,
        None => 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A subnet any prefix up to /30 may have, as the tests write it.
    fn subnet(text: &str) -> Subnet {
        Subnet::from_cidr(text, 0).unwrap()
    }

    #[test]
    fn service_addresses_start_at_host_two() {
        let subnet = subnet("172.28.0.0/24");
        assert_eq!(
            subnet.service_address(0),
            Some(Ipv4Addr::new(172, 28, 0, 2))
        );
        assert_eq!(
            subnet.service_address(1),
            Some(Ipv4Addr::new(172, 28, 0, 3))
        );
        assert_eq!(
            subnet.service_address(252),
            Some(Ipv4Addr::new(172, 28, 0, 254))
        );
        assert_eq!(
            subnet.service_address(253),
            None,
            "the broadcast address is no host"
        );
        assert_eq!(subnet.capacity(), 253);
        assert_eq!(subnet.to_string(), "172.28.0.0/24");
        assert_eq!(subnet.network(), Ipv4Addr::new(172, 28, 0, 0));
        assert_eq!(subnet.prefix(), 24);
    }

    #[test]
    fn numbers_the_services_of_a_small_subnet_from_two() {
        let subnet = subnet("192.168.40.0/29");
        assert_eq!(subnet.capacity(), 5);
        assert_eq!(
            subnet.service_addresses(5).unwrap(),
            (2..=6)
                .map(|host| Ipv4Addr::new(192, 168, 40, host))
                .collect::<Vec<_>>()
        );
        assert_eq!(subnet.service_addresses(6), None);
        assert_eq!(subnet.service_addresses(0), Some(Vec::new()));
    }

    #[test]
    fn accepts_the_widest_and_narrowest_prefixes() {
        let wide = Subnet::from_cidr("10.0.0.0/8", 8).unwrap();
        assert_eq!(wide.capacity(), (1 << 24) - 3);
        let narrow = Subnet::from_cidr("10.1.2.4/30", 8).unwrap();
        assert_eq!(narrow.capacity(), 1);
        assert_eq!(narrow.service_address(0), Some(Ipv4Addr::new(10, 1, 2, 6)));
        assert_eq!(narrow.service_address(1), None);
        let everything = subnet("0.0.0.0/0");
        assert_eq!(everything.capacity(), u32::MAX - 2);
        assert_eq!(
            everything.service_address(usize::try_from(u32::MAX - 3).unwrap()),
            Some(Ipv4Addr::new(255, 255, 255, 254))
        );
    }

    #[test]
    fn a_constant_is_the_subnet_it_writes() {
        const TEST: Subnet = Subnet::new(Ipv4Addr::new(10, 77, 0, 0), 24);
        assert_eq!(TEST, subnet("10.77.0.0/24"));
        assert_eq!(Subnet::new(Ipv4Addr::UNSPECIFIED, 0), subnet("0.0.0.0/0"));
    }

    #[test]
    #[should_panic(expected = "host bits")]
    fn a_constant_with_host_bits_is_refused() {
        Subnet::new(Ipv4Addr::new(10, 77, 0, 1), 24);
    }

    #[test]
    #[should_panic(expected = "over /30")]
    fn a_constant_with_no_room_is_refused() {
        Subnet::new(Ipv4Addr::new(10, 77, 0, 0), 31);
    }

    #[test]
    fn says_what_is_wrong_with_a_cidr() {
        for text in [
            "10.77.0.0",
            "10.77.0/24",
            "10.77.0.0/x",
            "10.77.0.0/256",
            "fd00::/64",
            "host/24",
            "",
        ] {
            assert_eq!(
                Subnet::from_cidr(text, 8),
                Err(SubnetProblem::NotCidr),
                "{text}"
            );
        }
        for text in ["10.0.0.0/7", "10.0.0.0/31", "10.0.0.0/32"] {
            assert_eq!(
                Subnet::from_cidr(text, 8),
                Err(SubnetProblem::PrefixOutOfRange),
                "{text}"
            );
        }
        assert_eq!(
            Subnet::from_cidr("10.77.0.5/24", 8),
            Err(SubnetProblem::HostBitsSet(subnet("10.77.0.0/24")))
        );
    }

    #[test]
    fn refuses_what_is_not_a_subnet_start() {
        let parse = |text| Subnet::parse(text, "172.28.0.0/24");
        for text in ["172.28.0.0", "172.28.0/24", "172.28.0.0/x", "host/24", ""] {
            let error = parse(text).unwrap_err();
            assert!(error.contains("is not an IPv4 subnet"), "{text}: {error}");
        }
        assert_eq!(
            parse("172.28.0.5/24").unwrap_err(),
            "'172.28.0.5/24' does not start its subnet; write \"172.28.0.0/24\""
        );
        assert!(parse("10.0.0.0/31").unwrap_err().contains("at most /30"));
        assert!(parse("0.0.0.0/0").is_ok());
    }

    #[test]
    fn the_example_is_the_callers() {
        assert_eq!(
            Subnet::parse("11.0.0.0", "11.0.0.0/24").unwrap_err(),
            "'11.0.0.0' is not an IPv4 subnet; write e.g. \"11.0.0.0/24\""
        );
        assert_eq!(
            Subnet::parse("x", "172.28.0.0/24").unwrap_err(),
            "'x' is not an IPv4 subnet; write e.g. \"172.28.0.0/24\""
        );
        assert_eq!(
            Subnet::parse("10.0.0.0/31", "11.0.0.0/24").unwrap_err(),
            "'10.0.0.0/31' is too small for any service; give a prefix of at most /30"
        );
    }
}
