//! The server's side of an exchange: which datagrams are pings, and the pong for each.

use super::message::{Kind, MESSAGE_LEN, Malformed, Message};
use super::variant::Variant;

/// A ping the server will answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ping {
    /// The timestamp the client put in it.
    pub timestamp: u64,
    /// What followed the message in the datagram, echoed in the pong (vulnerable only).
    tail: Vec<u8>,
}

impl Ping {
    /// Takes the bytes of a datagram, as `variant` read them, as a ping.
    ///
    /// Every variant but vulnerable takes only exactly one well-formed ping. The
    /// vulnerable one, having read a longer datagram whole into its message, keeps
    /// what follows the first 14 bytes, to echo it.
    pub fn parse(variant: Variant, bytes: &[u8]) -> Result<Self, Malformed> {
        let (header, tail) = match variant {
            Variant::Vulnerable if bytes.len() > MESSAGE_LEN => bytes.split_at(MESSAGE_LEN),
            _ => (bytes, &[][..]),
        };
        let message = Message::decode(header)?;
        if message.kind != Kind::Ping {
            return Err(Malformed::Unexpected(message.kind));
        }
        Ok(Self {
            timestamp: message.timestamp,
            tail: tail.to_vec(),
        })
    }

    /// The datagram answering this ping: a pong stamped `timestamp`, followed by
    /// the echoed tail, if any.
    pub fn pong(&self, timestamp: u64) -> Vec<u8> {
        let mut datagram = Message {
            kind: Kind::Pong,
            timestamp,
        }
        .encode()
        .to_vec();
        datagram.extend_from_slice(&self.tail);
        datagram
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ping(timestamp: u64) -> [u8; MESSAGE_LEN] {
        Message {
            kind: Kind::Ping,
            timestamp,
        }
        .encode()
    }

    #[test]
    fn answers_a_ping_with_one_pong() {
        let ping = Ping::parse(Variant::Functional, &ping(5)).unwrap();
        assert_eq!(ping.timestamp, 5);
        let pong = Message::decode(&ping.pong(9)).unwrap();
        assert_eq!(
            pong,
            Message {
                kind: Kind::Pong,
                timestamp: 9
            }
        );
    }

    #[test]
    fn refuses_a_pong() {
        let pong = Message {
            kind: Kind::Pong,
            timestamp: 1,
        }
        .encode();
        assert_eq!(
            Ping::parse(Variant::Functional, &pong),
            Err(Malformed::Unexpected(Kind::Pong))
        );
    }

    #[test]
    fn refuses_a_long_datagram_unless_vulnerable() {
        let mut long = ping(1).to_vec();
        long.extend_from_slice(b"xyz");
        for variant in [
            Variant::Functional,
            Variant::Fail,
            Variant::Flaky,
            Variant::Random,
        ] {
            assert_eq!(
                Ping::parse(variant, &long),
                Err(Malformed::Length(17)),
                "{variant}"
            );
        }
    }

    #[test]
    fn vulnerable_answers_a_well_formed_ping_like_functional() {
        let ping = Ping::parse(Variant::Vulnerable, &ping(3)).unwrap();
        assert_eq!(ping.pong(4).len(), MESSAGE_LEN);
    }

    #[test]
    fn vulnerable_refuses_a_short_datagram() {
        assert_eq!(
            Ping::parse(Variant::Vulnerable, &ping(1)[..10]),
            Err(Malformed::Length(10))
        );
    }

    #[test]
    fn vulnerable_pong_echoes_the_tail() {
        let ping = Ping {
            timestamp: 1,
            tail: b"xyz".to_vec(),
        };
        let pong = ping.pong(2);
        assert_eq!(pong.len(), MESSAGE_LEN + 3);
        assert_eq!(&pong[MESSAGE_LEN..], b"xyz");
        assert_eq!(Message::decode(&pong), Err(Malformed::Length(17)));
    }
}
