//! Connection IDs: random ones for the client, ones derived from the client's first
//! destination ID for the server (so that every Initial of a connection finds it).

use anyhow::{Result, anyhow};
use ring::hmac;
use ring::rand::{SecureRandom, SystemRandom};

/// A new random connection ID of the longest length QUIC allows.
pub fn random() -> Result<quiche::ConnectionId<'static>> {
    let mut id = vec![0; quiche::MAX_CONN_ID_LEN];
    SystemRandom::new()
        .fill(&mut id)
        .map_err(|_| anyhow!("the system's random generator failed"))?;
    Ok(quiche::ConnectionId::from_vec(id))
}

/// The server's source connection IDs, keyed by a secret of the process.
pub struct Deriver {
    /// The secret the IDs are derived with.
    key: hmac::Key,
}

impl Deriver {
    /// A deriver with a fresh random key.
    pub fn new() -> Result<Self> {
        let key = hmac::Key::generate(hmac::HMAC_SHA256, &SystemRandom::new())
            .map_err(|_| anyhow!("the system's random generator failed"))?;
        Ok(Self { key })
    }

    /// The server's connection ID for a client whose first packets carry `dcid`.
    pub fn derive(&self, dcid: &[u8]) -> quiche::ConnectionId<'static> {
        let tag = hmac::sign(&self.key, dcid);
        quiche::ConnectionId::from_vec(tag.as_ref()[..quiche::MAX_CONN_ID_LEN].to_vec())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn derived_ids_are_stable_per_input_and_full_length() {
        let deriver = Deriver::new().unwrap();
        let a = deriver.derive(b"client dcid");
        assert_eq!(a, deriver.derive(b"client dcid"));
        assert_ne!(a, deriver.derive(b"another dcid"));
        assert_eq!(a.len(), quiche::MAX_CONN_ID_LEN);
        assert_ne!(random().unwrap(), random().unwrap());
    }
}
