//! Address validation tokens for Retry packets: the client's original destination
//! connection ID, authenticated with the client's address under a secret of the process.

use std::net::{IpAddr, SocketAddr};

use anyhow::{Result, anyhow};
use ring::hmac;
use ring::rand::SystemRandom;

/// Mints and checks the tokens this server puts in its Retry packets.
pub struct Tokens {
    /// The secret the tokens are authenticated with.
    key: hmac::Key,
}

impl Tokens {
    /// A token minter with a fresh random key.
    pub fn new() -> Result<Self> {
        let key = hmac::Key::generate(hmac::HMAC_SHA256, &SystemRandom::new())
            .map_err(|_| anyhow!("the system's random generator failed"))?;
        Ok(Self { key })
    }

    /// The token for a client at `peer` whose first Initial was sent to `odcid`:
    /// `odcid`'s length, `odcid`, then the tag.
    pub fn mint(&self, peer: SocketAddr, odcid: &[u8]) -> Vec<u8> {
        let mut token = Vec::with_capacity(1 + odcid.len() + 32);
        // A connection ID is at most 20 bytes long.
        token.push(odcid.len() as u8);
        token.extend_from_slice(odcid);
        token.extend_from_slice(hmac::sign(&self.key, &signed(peer, odcid)).as_ref());
        token
    }

    /// The original destination connection ID in `token`, if this server minted it for
    /// a client at `peer`.
    pub fn validate(
        &self,
        peer: SocketAddr,
        token: &[u8],
    ) -> Option<quiche::ConnectionId<'static>> {
        let (&len, rest) = token.split_first()?;
        let odcid = rest.get(..usize::from(len))?;
        let tag = rest.get(usize::from(len)..)?;
        hmac::verify(&self.key, &signed(peer, odcid), tag).ok()?;
        Some(quiche::ConnectionId::from_vec(odcid.to_vec()))
    }
}

/// What a token's tag covers: the client's address and port, and `odcid`.
fn signed(peer: SocketAddr, odcid: &[u8]) -> Vec<u8> {
    let mut message = match peer.ip() {
        IpAddr::V4(ip) => ip.octets().to_vec(),
        IpAddr::V6(ip) => ip.octets().to_vec(),
    };
    message.extend_from_slice(&peer.port().to_be_bytes());
    message.extend_from_slice(odcid);
    message
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_token_is_valid_only_for_its_client_and_this_server() {
        let tokens = Tokens::new().unwrap();
        let peer: SocketAddr = "127.0.0.1:5000".parse().unwrap();
        let token = tokens.mint(peer, b"original dcid");
        assert_eq!(
            tokens.validate(peer, &token).unwrap().as_ref(),
            b"original dcid"
        );
        assert!(
            tokens
                .validate("127.0.0.1:5001".parse().unwrap(), &token)
                .is_none()
        );
        assert!(Tokens::new().unwrap().validate(peer, &token).is_none());
        let mut forged = token.clone();
        forged[3] ^= 1;
        assert!(tokens.validate(peer, &forged).is_none());
        assert!(tokens.validate(peer, &[]).is_none());
        assert!(tokens.validate(peer, &[200, 1, 2]).is_none());
    }
}
