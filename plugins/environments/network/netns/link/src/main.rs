//! Forwards frames between network namespaces, emulating each link's delay, jitter, loss, duplication, corruption and rate
fn main() {}
