//! The config key that says which IPv4 subnet the services' addresses come from.

use std::net::Ipv4Addr;

use panther_network_shared::subnet::{LONGEST_PREFIX, Subnet, SubnetProblem};
use panther_plugin_api::PluginError;
use serde_json::Value;

use crate::values::{key_error, shown};

/// The shortest prefix accepted.
const PREFIX_MIN: u8 = 8;

/// The subnet when the config names none.
pub const DEFAULT: Subnet = Subnet::new(Ipv4Addr::new(10, 77, 0, 0), 24);

/// Reads config key `key`: an IPv4 CIDR (`"10.77.0.0/24"`) with a prefix from /8 to /30
/// and no host bits set.
pub fn parse(key: &str, value: &Value) -> Result<Subnet, PluginError> {
    let refuse = || {
        key_error(
            key,
            format!(
                "{} is not an IPv4 subnet with a prefix from /{PREFIX_MIN} to \
                 /{LONGEST_PREFIX}; write e.g. \"{DEFAULT}\"",
                shown(value)
            ),
        )
    };
    let text = value.as_str().ok_or_else(refuse)?;
    Subnet::from_cidr(text, PREFIX_MIN).map_err(|problem| match problem {
        SubnetProblem::NotCidr | SubnetProblem::PrefixOutOfRange => refuse(),
        SubnetProblem::HostBitsSet(subnet) => key_error(
            key,
            format!("{} has host bits set; write \"{subnet}\"", shown(value)),
        ),
    })
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn reads_a_subnet_and_numbers_services_from_two() {
        let subnet = parse("subnet", &json!("192.168.40.0/29")).unwrap();
        assert_eq!(subnet.to_string(), "192.168.40.0/29");
        assert_eq!(subnet.prefix(), 29);
        assert_eq!(subnet.capacity(), 5);
        assert_eq!(
            subnet.service_address(0),
            Some(Ipv4Addr::new(192, 168, 40, 2))
        );
    }

    #[test]
    fn the_default_is_ten_seventy_seven() {
        let subnet = DEFAULT;
        assert_eq!(parse("subnet", &json!("10.77.0.0/24")), Ok(subnet));
        assert_eq!(subnet.capacity(), 253);
        assert_eq!(subnet.service_address(0), Some(Ipv4Addr::new(10, 77, 0, 2)));
    }

    #[test]
    fn accepts_the_widest_and_narrowest_prefixes() {
        assert_eq!(parse("subnet", &json!("10.0.0.0/8")).unwrap().prefix(), 8);
        assert_eq!(parse("subnet", &json!("10.1.2.4/30")).unwrap().prefix(), 30);
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
                parse("subnet", &json!(bad)).unwrap_err().message(),
                format!(
                    "config key `subnet`: '{bad}' is not an IPv4 subnet with a prefix from /8 to \
                     /30; write e.g. \"10.77.0.0/24\""
                )
            );
        }
        assert_eq!(
            parse("subnet", &json!(24)).unwrap_err().message(),
            "config key `subnet`: 24 is not an IPv4 subnet with a prefix from /8 to /30; write \
             e.g. \"10.77.0.0/24\""
        );
    }

    #[test]
    fn refuses_host_bits_naming_the_network() {
        assert_eq!(
            parse("subnet", &json!("10.77.0.5/24"))
                .unwrap_err()
                .message(),
            "config key `subnet`: '10.77.0.5/24' has host bits set; write \"10.77.0.0/24\""
        );
    }
}
