//! The command line of `ping-pong`.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

use crate::proto::{Timings, Variant};

/// A minip ping_pong endpoint: PANTHER's client and server, with its five variants.
#[derive(Debug, Parser)]
#[command(name = "ping-pong", version)]
pub struct Cli {
    /// The part to play.
    #[command(subcommand)]
    pub role: Role,
}

/// The part to play, with its own options.
#[derive(Debug, Subcommand)]
pub enum Role {
    /// Answers every ping with a pong, until killed.
    Server {
        /// The UDP address to listen on.
        #[arg(long, value_name = "ADDR:PORT")]
        listen: String,
        /// The options both roles share.
        #[command(flatten)]
        common: Common,
    },
    /// Sends pings one at a time and checks every pong.
    Client {
        /// The server's UDP address.
        #[arg(long, value_name = "ADDR:PORT")]
        connect: String,
        /// How many pongs to collect.
        #[arg(long, value_parser = clap::value_parser!(u32).range(1..))]
        pings: u32,
        /// Where to write the JSON summary (parent directories are created).
        #[arg(long, value_name = "FILE")]
        summary: Option<PathBuf>,
        /// The options both roles share.
        #[command(flatten)]
        common: Common,
    },
}

/// The options both roles share.
#[derive(Debug, Args)]
pub struct Common {
    /// How the endpoint behaves.
    #[arg(long, value_enum, default_value_t = Variant::Functional)]
    pub variant: Variant,
    /// The shortest wait before a pong, and before the next ping.
    #[arg(long, value_name = "MS", default_value_t = 20)]
    pub min_delay_ms: u64,
    /// How long a client waits for a pong.
    #[arg(long, value_name = "MS", default_value_t = 500)]
    pub timeout_ms: u64,
    /// How much sooner than the timeout a server must answer.
    #[arg(long, value_name = "MS", default_value_t = 50)]
    pub margin_ms: u64,
    /// Makes the random delays repeatable; seeded from the time otherwise.
    #[arg(long)]
    pub seed: Option<u64>,
}

impl Common {
    /// The checked timings.
    pub fn timings(&self) -> Result<Timings, String> {
        Timings::from_ms(self.min_delay_ms, self.timeout_ms, self.margin_ms)
    }
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    use super::*;

    #[test]
    fn the_command_line_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn parses_a_client_with_defaults() {
        let cli = Cli::try_parse_from([
            "ping-pong",
            "client",
            "--connect",
            "127.0.0.1:1",
            "--pings",
            "5",
        ])
        .unwrap();
        let Role::Client {
            pings,
            common,
            summary,
            ..
        } = cli.role
        else {
            panic!("not a client");
        };
        assert_eq!(pings, 5);
        assert_eq!(summary, None);
        assert_eq!(common.variant, Variant::Functional);
        assert_eq!(common.timings(), Timings::from_ms(20, 500, 50));
    }

    #[test]
    fn parses_a_server_variant_and_seed() {
        let cli = Cli::try_parse_from([
            "ping-pong",
            "server",
            "--listen",
            "127.0.0.1:1",
            "--variant",
            "flaky",
            "--seed",
            "3",
        ])
        .unwrap();
        let Role::Server { common, .. } = cli.role else {
            panic!("not a server");
        };
        assert_eq!(common.variant, Variant::Flaky);
        assert_eq!(common.seed, Some(3));
    }

    #[test]
    fn refuses_zero_pings() {
        assert!(
            Cli::try_parse_from(["ping-pong", "client", "--connect", "x:1", "--pings", "0"])
                .is_err()
        );
    }
}
