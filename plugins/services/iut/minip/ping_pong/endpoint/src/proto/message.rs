//! The minip wire format: one packed 14-byte message per datagram.
//!
//! Layout: `type1: u8` (1 = ping, 2 = pong), `msg: [u8; 4]` (`ping` or `pong`),
//! `type2: u8` (always 3), `timestamp: u64` little-endian.

use std::fmt;

/// The size of every minip message, in bytes.
pub const MESSAGE_LEN: usize = 14;

/// The value of the `type2` byte in every message.
const TYPE2: u8 = 3;

/// What a message is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Sent by the client, answered by the server.
    Ping,
    /// The server's answer to a ping.
    Pong,
}

impl Kind {
    /// The `type1` byte of this kind.
    fn type1(self) -> u8 {
        match self {
            Self::Ping => 1,
            Self::Pong => 2,
        }
    }

    /// The four-byte text of this kind.
    fn text(self) -> [u8; 4] {
        match self {
            Self::Ping => *b"ping",
            Self::Pong => *b"pong",
        }
    }

    /// The kind a `type1` byte names, if any.
    fn from_type1(type1: u8) -> Option<Self> {
        match type1 {
            1 => Some(Self::Ping),
            2 => Some(Self::Pong),
            _ => None,
        }
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Ping => "ping",
            Self::Pong => "pong",
        })
    }
}

/// One well-formed minip message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Message {
    /// Ping or pong.
    pub kind: Kind,
    /// Milliseconds since the sender started.
    pub timestamp: u64,
}

impl Message {
    /// The message's 14 bytes on the wire.
    pub fn encode(self) -> [u8; MESSAGE_LEN] {
        let mut bytes = [0; MESSAGE_LEN];
        bytes[0] = self.kind.type1();
        bytes[1..5].copy_from_slice(&self.kind.text());
        bytes[5] = TYPE2;
        bytes[6..].copy_from_slice(&self.timestamp.to_le_bytes());
        bytes
    }

    /// Reads a datagram as a message, refusing anything but exactly one well-formed message.
    pub fn decode(datagram: &[u8]) -> Result<Self, Malformed> {
        let bytes: &[u8; MESSAGE_LEN] = datagram
            .try_into()
            .map_err(|_| Malformed::Length(datagram.len()))?;
        let kind = Kind::from_type1(bytes[0]).ok_or(Malformed::Type1(bytes[0]))?;
        let text = [bytes[1], bytes[2], bytes[3], bytes[4]];
        if text != kind.text() {
            return Err(Malformed::Text { kind, text });
        }
        if bytes[5] != TYPE2 {
            return Err(Malformed::Type2(bytes[5]));
        }
        let mut timestamp = [0; 8];
        timestamp.copy_from_slice(&bytes[6..]);
        Ok(Self {
            kind,
            timestamp: u64::from_le_bytes(timestamp),
        })
    }
}

/// Why a datagram is not a well-formed message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Malformed {
    /// It is not exactly 14 bytes long.
    Length(usize),
    /// Its `type1` byte is neither 1 nor 2.
    Type1(u8),
    /// Its text does not match its `type1`.
    Text {
        /// The kind its `type1` names.
        kind: Kind,
        /// The text it carries.
        text: [u8; 4],
    },
    /// Its `type2` byte is not 3.
    Type2(u8),
    /// It is well-formed but of the other kind.
    Unexpected(Kind),
}

impl fmt::Display for Malformed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Length(len) => write!(f, "{len} bytes instead of {MESSAGE_LEN}"),
            Self::Type1(type1) => write!(f, "type1 is {type1}, neither 1 (ping) nor 2 (pong)"),
            Self::Text { kind, text } => write!(
                f,
                "type1 says {kind} but the text is {:?}",
                String::from_utf8_lossy(text)
            ),
            Self::Type2(type2) => write!(f, "type2 is {type2}, not {TYPE2}"),
            Self::Unexpected(kind) => write!(f, "a {kind} where the other kind was due"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodes_a_ping_packed_little_endian() {
        let bytes = Message {
            kind: Kind::Ping,
            timestamp: 0x0102,
        }
        .encode();
        assert_eq!(
            bytes,
            [1, b'p', b'i', b'n', b'g', 3, 2, 1, 0, 0, 0, 0, 0, 0]
        );
    }

    #[test]
    fn encodes_a_pong() {
        let bytes = Message {
            kind: Kind::Pong,
            timestamp: 7,
        }
        .encode();
        assert_eq!(&bytes[..6], &[2, b'p', b'o', b'n', b'g', 3]);
    }

    #[test]
    fn decode_reverses_encode() {
        for kind in [Kind::Ping, Kind::Pong] {
            let message = Message {
                kind,
                timestamp: u64::MAX - 5,
            };
            assert_eq!(Message::decode(&message.encode()), Ok(message));
        }
    }

    #[test]
    fn refuses_a_wrong_length() {
        let bytes = Message {
            kind: Kind::Ping,
            timestamp: 1,
        }
        .encode();
        assert_eq!(Message::decode(&bytes[..13]), Err(Malformed::Length(13)));
        let mut long = bytes.to_vec();
        long.push(0);
        assert_eq!(Message::decode(&long), Err(Malformed::Length(15)));
        assert_eq!(Message::decode(&[]), Err(Malformed::Length(0)));
    }

    #[test]
    fn refuses_an_unknown_type1() {
        let mut bytes = Message {
            kind: Kind::Ping,
            timestamp: 1,
        }
        .encode();
        bytes[0] = 9;
        assert_eq!(Message::decode(&bytes), Err(Malformed::Type1(9)));
    }

    #[test]
    fn refuses_a_text_not_matching_type1() {
        let mut bytes = Message {
            kind: Kind::Pong,
            timestamp: 1,
        }
        .encode();
        bytes[1..5].copy_from_slice(b"ping");
        assert_eq!(
            Message::decode(&bytes),
            Err(Malformed::Text {
                kind: Kind::Pong,
                text: *b"ping"
            })
        );
    }

    #[test]
    fn refuses_a_wrong_type2() {
        let mut bytes = Message {
            kind: Kind::Ping,
            timestamp: 1,
        }
        .encode();
        bytes[5] = 4;
        assert_eq!(Message::decode(&bytes), Err(Malformed::Type2(4)));
    }

    #[test]
    fn explains_what_is_wrong() {
        assert_eq!(Malformed::Length(20).to_string(), "20 bytes instead of 14");
        assert_eq!(
            Malformed::Unexpected(Kind::Ping).to_string(),
            "a ping where the other kind was due"
        );
    }
}
