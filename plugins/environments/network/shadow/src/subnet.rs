//! The IPv4 subnet the services' addresses come from.

use std::fmt;
use std::net::Ipv4Addr;
use std::str::FromStr;

use panther_plugin_api::PluginError;

/// An IPv4 subnet, `11.0.0.0/24`: its first address and its prefix length.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Subnet {
    base: Ipv4Addr,
    prefix: u8,
}

/// The longest prefix accepted: a /30 still holds one service.
const LONGEST_PREFIX: u8 = 30;

/// The host number of the first service, as in the other environments with a subnet.
const FIRST_HOST: u64 = 2;

impl Subnet {
    /// The address of the service at `index` (0 for the first): host `index + 2`.
    pub fn host(&self, index: usize) -> Option<Ipv4Addr> {
        let host = u64::try_from(index).ok()?.checked_add(FIRST_HOST)?;
        if host >= self.size() - 1 {
            return None;
        }
        Some(Ipv4Addr::from(
            u32::from(self.base) + u32::try_from(host).ok()?,
        ))
    }

    /// The addresses of `count` services, or a `config key `subnet`` error when the
    /// subnet is too small for them.
    pub fn hosts(&self, count: usize) -> Result<Vec<Ipv4Addr>, PluginError> {
        (0..count)
            .map(|index| self.host(index))
            .collect::<Option<Vec<_>>>()
            .ok_or_else(|| {
                let room = self.size().saturating_sub(FIRST_HOST + 1);
                let noun = if room == 1 { "service" } else { "services" };
                PluginError::new(format!(
                    "config key `subnet`: {self} has room for {room} {noun}, the test has \
                     {count}; give a larger subnet, e.g. \"{}/24\"",
                    self.base
                ))
            })
    }

    /// How many addresses the subnet spans.
    fn size(&self) -> u64 {
        1 << (32 - u32::from(self.prefix))
    }
}

impl FromStr for Subnet {
    type Err = String;

    /// Reads `A.B.C.D/N`; the message says what is wrong, without the key.
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let not_a_subnet = || format!("'{text}' is not an IPv4 subnet; write e.g. \"11.0.0.0/24\"");
        let (address, prefix) = text.split_once('/').ok_or_else(not_a_subnet)?;
        let base: Ipv4Addr = address.parse().map_err(|_| not_a_subnet())?;
        let prefix: u8 = prefix.parse().map_err(|_| not_a_subnet())?;
        if prefix > LONGEST_PREFIX {
            return Err(format!(
                "'{text}' is too small for any service; give a prefix of at most /{LONGEST_PREFIX}"
            ));
        }
        let mask = u32::MAX.checked_shl(32 - u32::from(prefix)).unwrap_or(0);
        let start = Ipv4Addr::from(u32::from(base) & mask);
        if start != base {
            return Err(format!(
                "'{text}' does not start its subnet; write \"{start}/{prefix}\""
            ));
        }
        Ok(Self { base, prefix })
    }
}

impl fmt::Display for Subnet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.base, self.prefix)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn service_addresses_start_at_host_two() {
        let subnet: Subnet = "11.0.0.0/24".parse().unwrap();
        assert_eq!(subnet.host(0), Some(Ipv4Addr::new(11, 0, 0, 2)));
        assert_eq!(subnet.host(1), Some(Ipv4Addr::new(11, 0, 0, 3)));
        assert_eq!(subnet.host(252), Some(Ipv4Addr::new(11, 0, 0, 254)));
        assert_eq!(subnet.host(253), None, "the broadcast address is no host");
        assert_eq!(subnet.to_string(), "11.0.0.0/24");
    }

    #[test]
    fn a_small_subnet_names_the_key_and_its_room() {
        let subnet: Subnet = "10.1.0.0/30".parse().unwrap();
        assert_eq!(
            subnet.hosts(1).unwrap(),
            [Ipv4Addr::new(10, 1, 0, 2)].to_vec()
        );
        let error = subnet.hosts(2).unwrap_err();
        assert_eq!(
            error.message(),
            "config key `subnet`: 10.1.0.0/30 has room for 1 service, the test has 2; \
             give a larger subnet, e.g. \"10.1.0.0/24\""
        );
    }

    #[test]
    fn refuses_what_is_not_a_subnet_start() {
        for text in ["11.0.0.0", "11.0.0/24", "11.0.0.0/x", "host/24", ""] {
            let error = text.parse::<Subnet>().unwrap_err();
            assert!(error.contains("is not an IPv4 subnet"), "{text}: {error}");
        }
        assert_eq!(
            "11.0.0.5/24".parse::<Subnet>().unwrap_err(),
            "'11.0.0.5/24' does not start its subnet; write \"11.0.0.0/24\""
        );
        assert!(
            "10.0.0.0/31"
                .parse::<Subnet>()
                .unwrap_err()
                .contains("at most /30")
        );
        assert!("0.0.0.0/0".parse::<Subnet>().is_ok());
    }
}
