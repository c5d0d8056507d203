//! A link's impairments in netem's own syntax, for the kernel emulator.

use panther_link::config::Impairments;

use crate::values::{format_duration, format_percentage, format_rate};

/// The arguments after `netem` in `tc qdisc add dev eth0 root netem ...` that give a
/// service's egress `impairments`; none for an unimpaired link.
pub fn arguments(impairments: &Impairments) -> Vec<String> {
    let mut arguments = Vec::new();
    if impairments.delay_us > 0 {
        arguments.extend(["delay".to_owned(), format_duration(impairments.delay_us)]);
        if impairments.jitter_us > 0 {
            arguments.push(format_duration(impairments.jitter_us));
        }
    }
    for (name, percent) in [
        ("loss", impairments.loss_percent),
        ("duplicate", impairments.duplicate_percent),
        ("corrupt", impairments.corrupt_percent),
    ] {
        if percent > 0.0 {
            arguments.extend([name.to_owned(), format_percentage(percent)]);
        }
    }
    if let Some(rate) = impairments.rate_bps {
        arguments.extend(["rate".to_owned(), format_rate(rate)]);
    }
    arguments
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_unimpaired_link_has_no_argument() {
        assert!(arguments(&Impairments::default()).is_empty());
    }

    #[test]
    fn writes_every_impairment_in_netem_order() {
        let impairments = Impairments {
            delay_us: 20_000,
            jitter_us: 1_500,
            loss_percent: 1.0,
            duplicate_percent: 0.5,
            corrupt_percent: 0.1,
            rate_bps: Some(10_000_000),
        };
        assert_eq!(
            arguments(&impairments).join(" "),
            "delay 20ms 1500us loss 1% duplicate 0.5% corrupt 0.1% rate 10mbit"
        );
    }

    #[test]
    fn leaves_out_what_is_not_set() {
        let impairments = Impairments {
            delay_us: 50_000,
            corrupt_percent: 2.0,
            ..Impairments::default()
        };
        assert_eq!(arguments(&impairments).join(" "), "delay 50ms corrupt 2%");
    }
}
