//! Why planning a test failed, placed at the key of the experiment file it concerns
//! when the plugin named one.

use crate::error::InputError;
use crate::experiment::source::pointer_segment;
use crate::experiment::{Problem, SourceFile, refusal};
use crate::registry::CallError;

/// A plugin refused to plan, or the plan is inconsistent.
#[derive(Debug)]
pub enum PlanFailure {
    /// A problem with a key of the experiment file.
    Located(Problem),
    /// Anything else, said in one line.
    Message(String),
}

impl PlanFailure {
    /// A plugin's error on the component whose settings table stands at `pointer`:
    /// located at the key when the plugin named one (`config key `K`: ...`, the form
    /// `parse_config` gives), else `context: error`.
    pub fn from_plugin(error: &CallError, pointer: &str, context: &str) -> Self {
        if let CallError::Plugin(message) = error
            && let Some((key, problem)) = config_key(message)
        {
            let mut at = pointer.to_owned();
            for part in key.split('.') {
                at.push('/');
                at.push_str(&pointer_segment(part));
            }
            return Self::Located(Problem::at(at, problem));
        }
        Self::Message(format!("{context}: {error}"))
    }

    /// The input error refusing the run, naming the test for a message.
    pub fn refusal(self, test: &str, source: &SourceFile) -> InputError {
        match self {
            Self::Located(problem) => refusal(source, &[problem]),
            Self::Message(message) => InputError::new(format!("test '{test}': {message}")),
        }
    }
}

impl From<String> for PlanFailure {
    fn from(message: String) -> Self {
        Self::Message(message)
    }
}

/// `("links.client.delay", "'5xs' is not a duration")` from
/// "config key `links.client.delay`: '5xs' is not a duration".
fn config_key(message: &str) -> Option<(&str, &str)> {
    let rest = message.strip_prefix("config key `")?;
    let (key, problem) = rest.split_once('`')?;
    let problem = problem.trim_start_matches(':').trim_start();
    (!key.is_empty()).then_some((key, problem))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_named_key_is_placed_under_the_table() {
        let error = CallError::Plugin("config key `links.client.delay`: '5xs' is bad".into());
        match PlanFailure::from_plugin(&error, "/tests/0/network", "network 'netns'") {
            PlanFailure::Located(problem) => {
                assert_eq!(problem.pointer, "/tests/0/network/links/client/delay");
                assert_eq!(problem.message, "'5xs' is bad");
            }
            PlanFailure::Message(message) => panic!("not located: {message}"),
        }
    }

    #[test]
    fn other_errors_keep_their_context() {
        let error = CallError::Plugin("no free address".into());
        match PlanFailure::from_plugin(&error, "/tests/0/network", "network 'netns'") {
            PlanFailure::Message(message) => {
                assert_eq!(message, "network 'netns': no free address");
            }
            PlanFailure::Located(problem) => panic!("located: {problem:?}"),
        }
        assert_eq!(config_key("config key ``: x"), None);
        assert_eq!(config_key("config: x"), None);
    }
}
