//! The IPv4 subnet the services' addresses come from.

use std::fmt;
use std::net::Ipv4Addr;

use panther_plugin_api::PluginError;
use serde_json::Value;

use crate::values::{key_error, shown};

/// The shortest prefix accepted.
const PREFIX_MIN: u8 = 8;
/// The longest prefix accepted: a /30 still holds one service.
const PREFIX_MAX: u8 = 30;
/// The host number of the first service: `.0` is the network and `.1` is left out, as
/// a gateway would take it.
const FIRST_HOST: u32 = 2;

/// An IPv4 network and its prefix length, without host bits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Subnet {
    network: Ipv4Addr,
    prefix: u8,
}

impl Default for Subnet {
    /// `10.77.0.0/24`.
    fn default() -> Self {
        Self {
            network: Ipv4Addr::new(10, 77, 0, 0),
            prefix: 24,
        }
    }
}

impl fmt::Display for Subnet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.network, self.prefix)
    }
}

impl Subnet {
    /// Reads config key `key`: an IPv4 CIDR (`"10.77.0.0/24"`) with a prefix from /8 to
    /// /30 and no host bits set.
    pub fn parse(key: &str, value: &Value) -> Result<Self, PluginError> {
        let refuse = || {
            key_error(
                key,
                format!(
                    "{} is not an IPv4 subnet with a prefix from /{PREFIX_MIN} to /{PREFIX_MAX}; \
                     write e.g. \"10.77.0.0/24\"",
                    shown(value)
                ),
            )
        };
        let (address, prefix) = value
            .as_str()
            .and_then(|text| text.split_once('/'))
            .ok_or_else(refuse)?;
        let address: Ipv4Addr = address.parse().map_err(|_| refuse())?;
        let prefix: u8 = prefix
            .parse()
            .ok()
            .filter(|prefix| (PREFIX_MIN..=PREFIX_MAX).contains(prefix))
            .ok_or_else(refuse)?;
        let subnet = Self {
            network: Ipv4Addr::from(address.to_bits() & mask(prefix)),
            prefix,
        };
        if subnet.network != address {
            return Err(key_error(
                key,
                format!("{} has host bits set; write \"{subnet}\"", shown(value)),
            ));
        }
        Ok(subnet)
    }

    /// How many services it has addresses for.
    pub fn capacity(self) -> u32 {
        let hosts = 1u32 << (32 - u32::from(self.prefix));
        hosts - FIRST_HOST - 1
    }

    /// The address of service number `index` (from 0, in request order); `None` past
    /// [`Subnet::capacity`].
    pub fn service_address(self, index: usize) -> Option<Ipv4Addr> {
        let index = u32::try_from(index).ok().filter(|&i| i < self.capacity())?;
        Some(Ipv4Addr::from(self.network.to_bits() + FIRST_HOST + index))
    }

    /// The prefix length.
    pub fn prefix(self) -> u8 {
        self.prefix
    }
}

/// The network mask of a prefix length from 1 to 32.
fn mask(prefix: u8) -> u32 {
    u32::MAX << (32 - u32::from(prefix))
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn reads_a_subnet_and_numbers_services_from_two() {
        let subnet = Subnet::parse("subnet", &json!("192.168.40.0/29")).unwrap();
        assert_eq!(subnet.to_string(), "192.168.40.0/29");
        assert_eq!(subnet.prefix(), 29);
        assert_eq!(subnet.capacity(), 5);
        assert_eq!(
            subnet.service_address(0),
            Some(Ipv4Addr::new(192, 168, 40, 2))
        );
        assert_eq!(
            subnet.service_address(4),
            Some(Ipv4Addr::new(192, 168, 40, 6))
        );
        assert_eq!(subnet.service_address(5), None);
    }

    #[test]
    fn the_default_is_ten_seventy_seven() {
        let subnet = Subnet::default();
        assert_eq!(Subnet::parse("subnet", &json!("10.77.0.0/24")), Ok(subnet));
        assert_eq!(subnet.capacity(), 253);
        assert_eq!(subnet.service_address(0), Some(Ipv4Addr::new(10, 77, 0, 2)));
    }

    #[test]
    fn accepts_the_widest_and_narrowest_prefixes() {
        let wide = Subnet::parse("subnet", &json!("10.0.0.0/8")).unwrap();
        assert_eq!(wide.capacity(), (1 << 24) - 3);
        let narrow = Subnet::parse("subnet", &json!("10.1.2.4/30")).unwrap();
        assert_eq!(narrow.capacity(), 1);
        assert_eq!(narrow.service_address(0), Some(Ipv4Addr::new(10, 1, 2, 6)));
    }

    #[test]
    fn refuses_what_is_not_an_ipv4_subnet() {
        for bad in [
            "10.77.0.0",
            "10.77.0.0/7",
            "10.77.0.0/31",
            "10.77.0.0/32",
            "10.77.0/24",
            "fd00::/64",
            "10.77.0.0/x",
            "",
        ] {
            assert_eq!(
                Subnet::parse("subnet", &json!(bad)).unwrap_err().message(),
                format!(
                    "config key `subnet`: '{bad}' is not an IPv4 subnet with a prefix from /8 to \
                     /30; write e.g. \"10.77.0.0/24\""
                )
            );
        }
        assert_eq!(
            Subnet::parse("subnet", &json!(24)).unwrap_err().message(),
            "config key `subnet`: 24 is not an IPv4 subnet with a prefix from /8 to /30; write \
             e.g. \"10.77.0.0/24\""
        );
    }

    #[test]
    fn refuses_host_bits_naming_the_network() {
        assert_eq!(
            Subnet::parse("subnet", &json!("10.77.0.5/24"))
                .unwrap_err()
                .message(),
            "config key `subnet`: '10.77.0.5/24' has host bits set; write \"10.77.0.0/24\""
        );
    }
}
