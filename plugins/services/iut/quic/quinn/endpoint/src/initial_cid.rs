//! The length of the connection id a client picks for its first Initial packets:
//! quinn's own (20 bytes) unless `QUINN_INITIAL_DCID_LENGTH` says another, from 8
//! (RFC 9000's least) to 20. Testers whose models hold connection ids of at most 16
//! bytes (PANTHER's Ivy QUIC models) need a shorter one.

use std::sync::Arc;

use anyhow::{Result, bail};
use quinn::ClientConfig;
use quinn::ConnectionId;

/// The variable that sets the length.
const VARIABLE: &str = "QUINN_INITIAL_DCID_LENGTH";
/// The shortest initial destination connection id RFC 9000 allows.
const SHORTEST: usize = 8;
/// The longest connection id of QUIC version 1.
const LONGEST: usize = 20;

/// The length the environment sets, if it sets one.
pub fn from_env() -> Result<Option<usize>> {
    match std::env::var(VARIABLE) {
        Ok(text) => parse(&text).map(Some),
        Err(std::env::VarError::NotPresent) => Ok(None),
        Err(error) => bail!("{VARIABLE}: {error}"),
    }
}

/// A length of `text`, within 8..=20.
fn parse(text: &str) -> Result<usize> {
    match text.parse::<usize>() {
        Ok(length) if (SHORTEST..=LONGEST).contains(&length) => Ok(length),
        _ => bail!("{VARIABLE}: '{text}' is not a length from {SHORTEST} to {LONGEST}"),
    }
}

/// Makes `config` pick random initial connection ids of `length` bytes.
pub fn apply(config: &mut ClientConfig, length: usize) {
    config.initial_dst_cid_provider(Arc::new(move || {
        let mut bytes = [0u8; LONGEST];
        getrandom::fill(&mut bytes[..length]).expect("the system's random source works");
        ConnectionId::new(&bytes[..length])
    }));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn takes_the_lengths_quic_allows() {
        assert_eq!(parse("8").unwrap(), 8);
        assert_eq!(parse("20").unwrap(), 20);
        for wrong in ["7", "21", "", "eight"] {
            let error = parse(wrong).unwrap_err().to_string();
            assert!(error.contains("not a length from 8 to 20"), "{error}");
        }
    }
}
