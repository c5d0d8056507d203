//! The localhost network environment: every service on loopback
