//! The ping_pong service manager: PANTHER's minip protocol
