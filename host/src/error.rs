//! The error that means "the input was refused": the host exits with code 2 and has
//! run nothing.

/// A problem with what the user gave (arguments, files, plugins), in one line that
/// names the thing and what would be accepted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct InputError(pub String);

impl InputError {
    /// An input error with this message.
    pub fn new(message: impl Into<String>) -> Self {
        Self(message.into())
    }
}
