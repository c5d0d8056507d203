//! What the execution environments' tests share: fixture programs built, wrapped commands run as the host runs them.
