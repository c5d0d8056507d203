//! Per-connection outputs: TLS secrets appended to SSLKEYLOGFILE, and a streamed
//! (`.sqlog`) qlog file per connection in QLOGDIR. Both are best effort: a file that
//! cannot be opened is a warning, never the end of the endpoint.

use std::fs::{self, File, OpenOptions};
use std::io::BufWriter;

use tracing::warn;

use panther_interop_endpoint::settings::LogPaths;

/// Sends `conn`'s secrets to the key log of `logs` and its events to
/// `QLOGDIR/name.sqlog`; call it before the connection sends or receives anything.
pub fn attach(logs: &LogPaths, conn: &mut quiche::Connection, name: &str) {
    if let Some(path) = &logs.keylog {
        match OpenOptions::new().create(true).append(true).open(path) {
            // quiche writes and flushes one whole line per secret.
            Ok(file) => conn.set_keylog(Box::new(file)),
            Err(e) => warn!("no key log: cannot open {}: {e}", path.display()),
        }
    }
    if let Some(dir) = &logs.qlog_dir {
        let path = dir.join(format!("{name}.sqlog"));
        match fs::create_dir_all(dir).and_then(|()| File::create(&path)) {
            // The buffer is flushed when the connection is dropped.
            Ok(file) => conn.set_qlog(
                Box::new(BufWriter::new(file)),
                name.to_owned(),
                format!("quiche-endpoint {name}"),
            ),
            Err(e) => warn!("no qlog: cannot create {}: {e}", path.display()),
        }
    }
}
