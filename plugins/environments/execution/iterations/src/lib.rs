//! The iterations execution environment: runs a service several times
