//! The client's checks on every pong: well-formed, in time, sensibly stamped.

use std::time::Duration;

use super::message::{Kind, Malformed, Message};
use super::timing::Timings;

/// Timestamps count milliseconds since the sender started, so they stay below this.
pub const TIMESTAMP_LIMIT: u64 = 1 << 32;

/// Checks the pongs of one exchange, in order.
#[derive(Debug, Clone)]
pub struct PongCheck {
    timings: Timings,
    last_timestamp: Option<u64>,
}

impl PongCheck {
    /// A check for a fresh exchange under `timings`.
    pub fn new(timings: Timings) -> Self {
        Self {
            timings,
            last_timestamp: None,
        }
    }

    /// Checks pong number `number` (from 1), received as `datagram` a `round_trip`
    /// after its ping was sent; the first rule it breaks, if any.
    pub fn check(
        &mut self,
        number: u32,
        datagram: &[u8],
        round_trip: Duration,
    ) -> Result<(), String> {
        let message = Message::decode(datagram)
            .and_then(|message| match message.kind {
                Kind::Pong => Ok(message),
                Kind::Ping => Err(Malformed::Unexpected(Kind::Ping)),
            })
            .map_err(|malformed| format!("pong {number} is malformed: {malformed}"))?;
        let round_trip_ms = round_trip.as_millis();
        if round_trip < self.timings.min_delay() {
            return Err(format!(
                "pong {number} arrived {round_trip_ms} ms after its ping, before the minimum delay of {} ms",
                self.timings.min_delay().as_millis()
            ));
        }
        if round_trip > self.timings.timeout() {
            return Err(format!(
                "pong {number} arrived {round_trip_ms} ms after its ping, after the timeout of {} ms",
                self.timings.timeout().as_millis()
            ));
        }
        if message.timestamp >= TIMESTAMP_LIMIT {
            return Err(format!(
                "pong {number} has timestamp {}, not below 2^32: not milliseconds since the server started",
                message.timestamp
            ));
        }
        if let Some(last) = self.last_timestamp.filter(|last| message.timestamp < *last) {
            return Err(format!(
                "pong {number} has timestamp {}, below the previous pong's {last}",
                message.timestamp
            ));
        }
        self.last_timestamp = Some(message.timestamp);
        Ok(())
    }
}

/// The violation of a pong that never came.
pub fn missing_pong(number: u32, timings: Timings) -> String {
    format!(
        "no pong {number} within the timeout of {} ms",
        timings.timeout().as_millis()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check() -> PongCheck {
        PongCheck::new(Timings::from_ms(20, 500, 50).unwrap())
    }

    fn pong(timestamp: u64) -> [u8; 14] {
        Message {
            kind: Kind::Pong,
            timestamp,
        }
        .encode()
    }

    const IN_TIME: Duration = Duration::from_millis(21);

    #[test]
    fn accepts_well_formed_pongs_in_time() {
        let mut check = check();
        assert_eq!(check.check(1, &pong(10), IN_TIME), Ok(()));
        assert_eq!(check.check(2, &pong(10), Duration::from_millis(20)), Ok(()));
        assert_eq!(
            check.check(3, &pong(40), Duration::from_millis(500)),
            Ok(())
        );
    }

    #[test]
    fn rule_1_refuses_a_malformed_pong() {
        let mut long = pong(1).to_vec();
        long.push(0);
        assert_eq!(
            check().check(1, &long, IN_TIME),
            Err("pong 1 is malformed: 15 bytes instead of 14".to_owned())
        );
    }

    #[test]
    fn rule_1_refuses_a_ping_for_a_pong() {
        let ping = Message {
            kind: Kind::Ping,
            timestamp: 1,
        }
        .encode();
        let error = check().check(2, &ping, IN_TIME).unwrap_err();
        assert!(error.starts_with("pong 2 is malformed: a ping"), "{error}");
    }

    #[test]
    fn rule_2_refuses_an_absolute_timestamp() {
        let error = check()
            .check(1, &pong(1_700_000_000_000), IN_TIME)
            .unwrap_err();
        assert!(error.contains("not below 2^32"), "{error}");
        assert!(
            check()
                .check(1, &pong(TIMESTAMP_LIMIT - 1), IN_TIME)
                .is_ok()
        );
    }

    #[test]
    fn rule_2_refuses_a_decreasing_timestamp() {
        let mut check = check();
        check.check(1, &pong(50), IN_TIME).unwrap();
        assert_eq!(
            check.check(2, &pong(49), IN_TIME),
            Err("pong 2 has timestamp 49, below the previous pong's 50".to_owned())
        );
    }

    #[test]
    fn rule_4_refuses_an_early_pong() {
        assert_eq!(
            check().check(3, &pong(1), Duration::from_millis(2)),
            Err("pong 3 arrived 2 ms after its ping, before the minimum delay of 20 ms".to_owned())
        );
        assert!(
            check()
                .check(1, &pong(1), Duration::from_micros(19_999))
                .is_err()
        );
    }

    #[test]
    fn rule_4_refuses_a_late_pong() {
        let error = check()
            .check(1, &pong(1), Duration::from_millis(501))
            .unwrap_err();
        assert!(error.contains("after the timeout of 500 ms"), "{error}");
    }

    #[test]
    fn names_a_missing_pong() {
        let timings = Timings::from_ms(20, 500, 50).unwrap();
        assert_eq!(
            missing_pong(4, timings),
            "no pong 4 within the timeout of 500 ms"
        );
    }
}
