//! The minip protocol without any I/O: messages, timing rules and the variants'
//! choices. The socket loops in `client` and `server` only move bytes and time.

mod answer;
mod message;
mod overflow;
mod rules;
mod timing;
mod variant;

pub use answer::Ping;
pub use message::{Kind, Message};
pub use rules::{PongCheck, missing_pong};
pub use timing::Timings;
pub use variant::Variant;
