//! Reading the tester's event log (`out=ivy.log`): the calls it made (`> action`), the
//! events the specification logged (`< event(...)`), and how the test ended
//! (`test_completed`, or the first `assumption_failed("FILE: line N")`).

use std::collections::BTreeMap;

/// A rule the test saw broken.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Broken {
    /// Whose rule: the implementation's (an assumption of the tester) or the
    /// tester's own (an assertion).
    pub by: Party,
    /// The line of the log that says so.
    pub marker: String,
    /// The specification file, as Ivy names it.
    pub file: String,
    /// The rule's line in that file.
    pub line: u32,
    /// Whether the tester was carrying out an action it generated, rather than a
    /// datagram of the implementation, when the rule broke: its log's last generated
    /// action (`> name`) came after its last reception.
    pub in_generated_action: bool,
}

/// Who broke a rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Party {
    /// The implementation under test (`assumption_failed`).
    Implementation,
    /// The tester itself (`assertion_failed`).
    Tester,
}

/// What an event log says.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EventLog {
    /// The first broken rule, if any.
    pub broken: Option<Broken>,
    /// Whether the test loop ran to its end.
    pub completed: bool,
    /// How many times each action and event appears.
    pub events: BTreeMap<String, u64>,
}

impl EventLog {
    /// Reads the text of an event log whose specification logs each datagram of the
    /// implementation as the event `reception` (`< reception(...)`).
    pub fn parse(text: &str, reception: &str) -> Self {
        let mut log = Self::default();
        let mut generated_last = false;
        for line in text.lines() {
            let line = line.trim_end();
            if line == "test_completed" {
                log.completed = true;
            } else if let Some(name) = event_name(line) {
                if line.starts_with("> ") {
                    generated_last = true;
                } else if name == reception {
                    generated_last = false;
                }
                *log.events.entry(name.to_owned()).or_default() += 1;
            } else if log.broken.is_none() {
                log.broken = broken_rule(line, generated_last);
            }
        }
        log
    }
}

/// The action or event a `> name(...)` or `< name(...)` line is about.
fn event_name(line: &str) -> Option<&str> {
    let rest = line
        .strip_prefix("> ")
        .or_else(|| line.strip_prefix("< "))?;
    let name = rest.split('(').next().unwrap_or(rest).trim();
    (!name.is_empty()).then_some(name)
}

/// The rule a `assumption_failed("FILE: line N")` or `assertion_failed(...)` line
/// names; not the line quoting the rule's text that follows it.
fn broken_rule(line: &str, in_generated_action: bool) -> Option<Broken> {
    let (by, inner) = if let Some(rest) = line.strip_prefix("assumption_failed(") {
        (Party::Implementation, rest)
    } else if let Some(rest) = line.strip_prefix("assertion_failed(") {
        (Party::Tester, rest)
    } else {
        return None;
    };
    let location = inner.strip_suffix(')')?.trim_matches('"');
    let (file, number) = location.rsplit_once(": line ")?;
    Some(Broken {
        by,
        marker: line.to_owned(),
        file: file.to_owned(),
        line: number.trim().parse().ok()?,
        in_generated_action,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The end of a real log: the minip server test against the `fail` server.
    const FAIL_SERVER: &str = include_str!("../tests/data/fail-server.ivy.log");
    /// A real log of the minip server test against the `functional` server.
    const FUNCTIONAL_SERVER: &str = include_str!("../tests/data/functional-server.ivy.log");
    /// A real log of the client test whose tester could not read its specification.
    const UNQUOTED: &str = include_str!("../tests/data/unquoted-client.ivy.log");

    #[test]
    fn a_completed_test_counts_its_events() {
        let log = EventLog::parse(FUNCTIONAL_SERVER, "from_iut");
        assert!(log.completed);
        assert_eq!(log.broken, None);
        let generated = log.events["tester.send_ping"] + log.events["tester.send_junk"];
        assert_eq!(log.events["to_iut"], generated);
        assert_eq!(log.events["from_iut"] + generated, 200, "every iteration");
    }

    #[test]
    fn a_broken_rule_is_located() {
        let log = EventLog::parse(FAIL_SERVER, "from_iut");
        assert!(!log.completed);
        let broken = log.broken.unwrap();
        assert_eq!(broken.by, Party::Implementation);
        assert!(!broken.in_generated_action, "it broke on the server's pong");
        assert_eq!(broken.file, "minip.ivy");
        assert!(broken.line > 0);
        assert_eq!(
            broken.marker,
            format!("assumption_failed(\"minip.ivy: line {}\")", broken.line)
        );
        assert_eq!(log.events["from_iut"], 1);
    }

    #[test]
    fn the_location_is_read_even_when_the_tester_could_not_quote_it() {
        let broken = EventLog::parse(UNQUOTED, "from_iut").broken.unwrap();
        assert_eq!(broken.file, "minip_client_test.ivy");
    }

    #[test]
    fn reads_the_tester_s_own_broken_rule() {
        let log = EventLog::parse(
            "> tester.send_ping\nassertion_failed(\"minip.ivy: line 12\")\nassertion_failed(\"require x;\")\n",
            "from_iut",
        );
        let broken = log.broken.unwrap();
        assert_eq!((broken.by, broken.line), (Party::Tester, 12));
        assert_eq!(log.events["tester.send_ping"], 1);
    }

    #[test]
    fn a_rule_broken_while_the_tester_carried_out_its_own_action_is_seen_as_such() {
        let text = |last: &str| {
            format!(
                "< recv_packet(a)\n> packet_event(b)\n< show(c)\n{last}assumption_failed(\"quic_frame.ivy: line 989\")\n"
            )
        };
        let broken = |last| EventLog::parse(&text(last), "recv_packet").broken.unwrap();
        assert!(broken("").in_generated_action);
        assert!(!broken("< recv_packet(d)\n< show(e)\n").in_generated_action);
    }

    #[test]
    fn an_empty_log_says_nothing() {
        assert_eq!(EventLog::parse("", "from_iut"), EventLog::default());
        assert_eq!(
            EventLog::parse("assumption_failed(\"no location\")\n", "from_iut").broken,
            None
        );
    }
}
