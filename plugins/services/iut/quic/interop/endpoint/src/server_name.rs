//! The server a client's requests name: where it is, the name its certificate must
//! show, and the local address to reach it from.

use std::fmt;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};

use anyhow::{Context, Result, anyhow, bail};
use url::{Host, Url};

/// The server's name as the client checks it in the certificate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ServerName {
    /// An IP address, matched against the certificate's IP address entries.
    Ip(IpAddr),
    /// A DNS name, sent as SNI and matched against the certificate's DNS entries.
    Dns(String),
}

impl fmt::Display for ServerName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Ip(ip) => ip.fmt(f),
            Self::Dns(name) => f.write_str(name),
        }
    }
}

/// The server's socket address and name, from a request URL (a DNS name is resolved).
pub async fn locate(url: &Url) -> Result<(SocketAddr, ServerName)> {
    let port = url
        .port_or_known_default()
        .with_context(|| format!("URL `{url}` has no port"))?;
    let (ip, name) = match url.host() {
        Some(Host::Ipv4(ip)) => (IpAddr::V4(ip), ServerName::Ip(IpAddr::V4(ip))),
        Some(Host::Ipv6(ip)) => (IpAddr::V6(ip), ServerName::Ip(IpAddr::V6(ip))),
        Some(Host::Domain(name)) => {
            let addr = tokio::net::lookup_host((name, port))
                .await
                .with_context(|| format!("resolving {name}"))?
                .next()
                .ok_or_else(|| anyhow!("{name} resolves to no address"))?;
            (addr.ip(), ServerName::Dns(name.to_owned()))
        }
        None => bail!("URL `{url}` has no host"),
    };
    Ok((SocketAddr::new(ip, port), name))
}

/// The address a client binds to reach `server`: any address of its family, any port.
pub fn local_for(server: SocketAddr) -> SocketAddr {
    let unspecified = if server.is_ipv6() {
        IpAddr::V6(Ipv6Addr::UNSPECIFIED)
    } else {
        IpAddr::V4(Ipv4Addr::UNSPECIFIED)
    };
    SocketAddr::new(unspecified, 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn an_ip_address_is_its_own_name() {
        let url = Url::parse("https://[::1]:4433/a.bin").unwrap();
        let (addr, name) = locate(&url).await.unwrap();
        assert_eq!(addr, "[::1]:4433".parse().unwrap());
        assert_eq!(name.to_string(), "::1");
        let url = Url::parse("https://127.0.0.1/a.bin").unwrap();
        let (addr, name) = locate(&url).await.unwrap();
        assert_eq!(addr, "127.0.0.1:443".parse().unwrap());
        assert_eq!(name, ServerName::Ip(IpAddr::V4(Ipv4Addr::LOCALHOST)));
    }

    #[test]
    fn the_client_binds_the_servers_family() {
        assert_eq!(
            local_for("[::1]:4433".parse().unwrap()),
            "[::]:0".parse().unwrap()
        );
        assert_eq!(
            local_for("127.0.0.1:4433".parse().unwrap()),
            "0.0.0.0:0".parse().unwrap()
        );
    }
}
