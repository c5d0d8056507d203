//! What each pinned version of picoquicdemo speaks and which flags it takes, read from
//! its own option parsing at the pinned commit (the option letters of
//! `picoquic/config.c`, or for the draft-27 versions the getopt string of
//! `picoquicfirst/picoquicdemo.c`).

use panther_plugin_api::PluginError;
use panther_quic_interop::TestCase;
use panther_stacks::VERSION_KEY;

/// How one version of picoquicdemo is driven.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Generation {
    /// The QUIC version its client proposes (`-v`, in hex).
    pub quic_version: &'static str,
    /// The draft it speaks, for a draft version: it then plays only against peers of
    /// the same draft.
    pub draft: Option<&'static str>,
    /// The ALPN of HTTP/0.9 it uses.
    pub hq_alpn: &'static str,
    /// Whether SSLKEYLOGFILE needs `-8` (picoquic since August 2024,
    /// private-octopus/picoquic#1721); older versions read it unasked.
    pub keylog_flag: bool,
    /// Whether it has `-0` (no UDP GSO); versions without it but with GSO send
    /// batches a capture cannot decrypt, versions before GSO send plain datagrams.
    pub no_gso_flag: bool,
    /// Whether it has `-q` (a qlog per connection).
    pub qlog_flag: bool,
    /// Whether it has `-T` (the ticket store's file); without it the client keeps
    /// tickets in `demo_ticket_store.bin` in its working directory.
    pub ticket_flag: bool,
    /// Whether its picotls writes the key log's labels with the `QUIC_` prefix of the
    /// early drafts (`QUIC_CLIENT_HANDSHAKE_TRAFFIC_SECRET`...), which tshark does not
    /// read.
    pub quic_key_labels: bool,
}

/// QUIC version 1, as picoquic's current versions speak it.
const V1: Generation = Generation {
    quic_version: "00000001",
    draft: None,
    hq_alpn: "hq-interop",
    keylog_flag: false,
    no_gso_flag: true,
    qlog_flag: true,
    ticket_flag: true,
    quic_key_labels: false,
};

/// The generation of the pinned version `version`.
pub fn generation(version: &str) -> Result<Generation, PluginError> {
    Ok(match version {
        "latest" => Generation {
            keylog_flag: true,
            ..V1
        },
        "rfc9000" => V1,
        "draft29" => Generation {
            quic_version: "ff00001d",
            draft: Some("draft-29"),
            hq_alpn: "hq-29",
            no_gso_flag: false,
            ..V1
        },
        "draft27-vuln1" | "draft27-vuln2" => Generation {
            quic_version: "ff00001b",
            draft: Some("draft-27"),
            hq_alpn: "hq-27",
            no_gso_flag: false,
            qlog_flag: false,
            ticket_flag: false,
            quic_key_labels: true,
            ..V1
        },
        other => {
            return Err(PluginError::new(format!(
                "config key `{VERSION_KEY}`: picoquicdemo's flags are not known for version \
                 '{other}'"
            )));
        }
    })
}

impl Generation {
    /// The test cases it plays: every one for QUIC v1 (as picoquic's interop endpoint,
    /// private-octopus/picoquic-interop-runner `run_endpoint.sh`, does); for a draft,
    /// every one but http3, whose ALPN `h3` is the final version's.
    pub fn supported(&self) -> Vec<TestCase> {
        TestCase::ALL
            .into_iter()
            .filter(|case| self.draft.is_none() || *case != TestCase::Http3)
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use panther_stacks::Pins;

    #[test]
    fn every_pinned_version_has_a_generation() {
        let pins = Pins::embedded().unwrap();
        for version in pins.stack("picoquic").unwrap().versions.keys() {
            generation(version).unwrap_or_else(|e| panic!("{version}: {}", e.message()));
        }
        assert!(generation("draft30").is_err());
    }

    #[test]
    fn drafts_propose_their_draft_and_play_no_http3() {
        let draft = generation("draft29").unwrap();
        assert_eq!(draft.quic_version, "ff00001d");
        assert!(!draft.supported().contains(&TestCase::Http3));
        assert_eq!(generation("rfc9000").unwrap().supported(), TestCase::ALL);
    }
}
